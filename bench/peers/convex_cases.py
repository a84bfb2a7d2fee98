"""cvxopt peer cases for bench/cases/convex.ts: the trigonometric-polynomial SDP with the Hermitian matrix
embedded as a real 2n×2n PSD block (as in /work/shared/peers/sdp_trigpoly_cvxopt.py). cvxopt is imported inside
`make`, so the peer runner works without it."""
import numpy as np


def _trig_sdp_data(n, seed=0):
    rng = np.random.default_rng(seed + n)
    c = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    c[0] = 0
    idx_re = [(i, j) for i in range(n) for j in range(i, n)]
    idx_im = [(i, j) for i in range(n) for j in range(i + 1, n)]
    pos_re = {p: t for t, p in enumerate(idx_re)}
    pos_im = {p: len(idx_re) + t for t, p in enumerate(idx_im)}
    nv = len(idx_re) + len(idx_im)
    N = 2 * n
    G = np.zeros((N * N, nv))

    def put(col, r, s, v):
        G[s * N + r, col] -= v  # column-major; G x + s = h with s = M ⪰ 0 and h = 0

    for (i, j), col in pos_re.items():
        for a, b in {(i, j), (j, i)}:
            put(col, a, b, 1.0)
            put(col, a + n, b + n, 1.0)
    for (i, j), col in pos_im.items():
        put(col, i + n, j, 1.0)
        put(col, j + n, i, -1.0)
        put(col, i, j + n, -1.0)
        put(col, j, i + n, 1.0)
    cvec = np.zeros(nv)
    for (i, j), col in pos_re.items():
        if i == j:
            cvec[col] = 1.0
    A, b = [], []
    for k in range(1, n):
        rr = np.zeros(nv)
        ri = np.zeros(nv)
        for p in range(n - k):
            rr[pos_re[(p, p + k)]] += 1.0
            ri[pos_im[(p, p + k)]] += 1.0
        A += [rr, ri]
        b += [c[k].real, c[k].imag]
    return cvec, G, np.array(A), np.array(b), N


def _make(n):
    def make():
        from cvxopt import matrix, solvers

        solvers.options["show_progress"] = False
        cvec, G, A, b, N = _trig_sdp_data(n)
        args = (matrix(cvec), [matrix(G)], [matrix(np.zeros((N, N)))], matrix(A), matrix(b))

        def run():
            sol = solvers.sdp(args[0], Gs=args[1], hs=args[2], A=args[3], b=args[4])
            if sol["status"] != "optimal":
                raise RuntimeError(sol["status"])

        return run

    return make


CASES = {f"convex_trigpoly_sdp_{n}": _make(n) for n in (10, 20, 40)}
