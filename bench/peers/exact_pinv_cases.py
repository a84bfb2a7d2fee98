"""Peer cases for the exact conv pseudo-inverse (ids match bench/cases/exact-pinv.ts).

PyTorch conv2d / conv_transpose2d as the operator, SciPy LSQR as the solver (atol = btol = 1e-10, the
accuracy class the TypeScript solver reaches), as in shared/peers/lsqr_valid_torch_scipy.py. Each case also
prints its iteration count and final residuals to stderr, so the timing can be read against accuracy.
"""
import sys

import numpy as np
import torch
import torch.nn.functional as F
from scipy.sparse.linalg import LinearOperator, lsqr


def _randn(shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, dtype=torch.float64, generator=g)


def _valid_lsqr(c, n, tol, padding=0, iter_lim=None):
    K = _randn((c, c, 3, 3), 1)
    x = _randn((1, c, n, n), 2)
    y = F.conv2d(x, K, padding=padding)
    m = n - 2 + 2 * padding
    A = LinearOperator(
        (y.numel(), x.numel()),
        matvec=lambda v: F.conv2d(torch.from_numpy(np.ascontiguousarray(v)).view(1, c, n, n), K, padding=padding).reshape(-1).numpy(),
        rmatvec=lambda v: F.conv_transpose2d(torch.from_numpy(np.ascontiguousarray(v)).view(1, c, m, m), K, padding=padding).reshape(-1).numpy(),
        dtype=np.float64,
    )
    yv = y.reshape(-1).numpy()
    # ‖A‖₂ by power iteration on AᵀA (set-up, untimed), for the normal-equation residual.
    v = torch.randn(1, c, n, n, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    for _ in range(100):
        v = F.conv_transpose2d(F.conv2d(v, K, padding=padding), K, padding=padding)
        lam = v.norm()
        v = v / lam
    normA = lam.sqrt().item()

    def run():
        lim = iter_lim if iter_lim is not None else (20000 if padding == 0 else 3000)
        out = lsqr(A, yv, atol=tol, btol=tol, iter_lim=lim)
        xh = torch.from_numpy(out[0]).view(1, c, n, n)
        r = F.conv2d(xh, K, padding=padding) - y
        g = F.conv_transpose2d(r, K, padding=padding)
        print(f"lsqr padding={padding} c={c} n={n} tol={tol}: iters={out[2]} istop={out[1]} "
              f"rel_res={(r.norm() / y.norm()).item():.2e} |A^T r|/(|A| |y|)={(g.norm() / (normA * y.norm())).item():.2e}",
              file=sys.stderr)
        return out

    return run


def exact_pinv_valid_c8_n64():
    return _valid_lsqr(8, 64, 1e-10)


def exact_pinv_valid_c32_n128():
    return _valid_lsqr(32, 128, 1e-10)


def exact_pinv_same_c8_n64():
    # 'same' (zeros, padding 1) with LSQR capped at 3,000 iterations: it does not reach 1e-10 (stderr says).
    return _valid_lsqr(8, 64, 1e-10, padding=1)


# The larger sizes cap LSQR's iterations so the full bench stays within minutes: 3,000 at c = 8, 128² and
# c = 32, 64² ('valid', to 1e-10), 1,000 for 'same' there, and 300 at c = 32, 128² (the 'same' row;
# 'valid' to 1e-10 needs ≈ 3,655 iterations, ≈ 300 s, at that size). stderr says what each reached.
def exact_pinv_valid_c8_n128():
    return _valid_lsqr(8, 128, 1e-10, iter_lim=3000)


def exact_pinv_same_c8_n128():
    return _valid_lsqr(8, 128, 1e-10, padding=1, iter_lim=1000)


def exact_pinv_valid_c32_n64():
    return _valid_lsqr(32, 64, 1e-10, iter_lim=3000)


def exact_pinv_same_c32_n64():
    return _valid_lsqr(32, 64, 1e-10, padding=1, iter_lim=1000)


def exact_pinv_valid_c32_n128_capped():
    return _valid_lsqr(32, 128, 1e-10, iter_lim=300)


def exact_pinv_same_c32_n128():
    return _valid_lsqr(32, 128, 1e-10, padding=1, iter_lim=300)


def _mode_lsqr(co, ci, n, stride, mode, tol=1e-10, iter_lim=3000):
    """Padding 1 in `mode` ('zeros', 'reflect', 'replicate'), stride s, c_out ≠ c_in allowed: torch's F.pad +
    conv2d as the operator, autograd's vector-Jacobian product as its adjoint, y = A·x (consistent)."""
    K = _randn((co, ci, 3, 3), 1)
    x = _randn((1, ci, n, n), 2)

    def fwd(v):
        xp = F.pad(v, (1, 1, 1, 1), mode='constant' if mode == 'zeros' else mode)
        return F.conv2d(xp, K, stride=stride)

    y = fwd(x)
    oshape = y.shape

    def rmat(u):
        v = torch.zeros(1, ci, n, n, dtype=torch.float64, requires_grad=True)
        out = fwd(v)
        (g,) = torch.autograd.grad(out, v, torch.from_numpy(np.ascontiguousarray(u)).view(oshape))
        return g.reshape(-1).numpy()

    A = LinearOperator(
        (y.numel(), x.numel()),
        matvec=lambda v: fwd(torch.from_numpy(np.ascontiguousarray(v)).view(1, ci, n, n)).reshape(-1).numpy(),
        rmatvec=rmat,
        dtype=np.float64,
    )
    yv = y.reshape(-1).numpy()

    def run():
        out = lsqr(A, yv, atol=tol, btol=tol, iter_lim=iter_lim)
        xh = torch.from_numpy(out[0]).view(1, ci, n, n)
        r = fwd(xh) - y
        print(f"lsqr {mode} stride={stride} c_out={co} c_in={ci} n={n} tol={tol}: iters={out[2]} istop={out[1]} "
              f"rel_res={(r.norm() / y.norm()).item():.2e} rel_err={((xh - x).norm() / x.norm()).item():.2e}",
              file=sys.stderr)
        return out

    return run


def exact_pinv_reflect_s2_c8_n64():
    return _mode_lsqr(8, 8, 64, 2, 'reflect')


def exact_pinv_replicate_c16x8_n64():
    return _mode_lsqr(16, 8, 64, 1, 'replicate')


def exact_pinv_zeros_s2_c8_n64():
    return _mode_lsqr(8, 8, 64, 2, 'zeros')


CASES = {
    'exact_pinv_reflect_s2_c8_n64': exact_pinv_reflect_s2_c8_n64,
    'exact_pinv_replicate_c16x8_n64': exact_pinv_replicate_c16x8_n64,
    'exact_pinv_zeros_s2_c8_n64': exact_pinv_zeros_s2_c8_n64,
    'exact_pinv_valid_c8_n64': exact_pinv_valid_c8_n64,
    'exact_pinv_same_c8_n64': exact_pinv_same_c8_n64,
    'exact_pinv_valid_c8_n128': exact_pinv_valid_c8_n128,
    'exact_pinv_same_c8_n128': exact_pinv_same_c8_n128,
    'exact_pinv_valid_c32_n64': exact_pinv_valid_c32_n64,
    'exact_pinv_same_c32_n64': exact_pinv_same_c32_n64,
    'exact_pinv_valid_c32_n128_capped': exact_pinv_valid_c32_n128_capped,
    'exact_pinv_same_c32_n128': exact_pinv_same_c32_n128,
}

# ~300 s per call: run by hand (`python3 bench/peers/exact_pinv_cases.py exact_pinv_valid_c32_n128`), not in the
# full bench run.
MANUAL = {
    'exact_pinv_valid_c32_n128': exact_pinv_valid_c32_n128,
}

if __name__ == '__main__':
    import time
    torch.set_num_threads(2)
    for name in sys.argv[1:] or ['exact_pinv_valid_c8_n64']:
        fn = {**CASES, **MANUAL}[name]()
        t0 = time.perf_counter()
        fn()
        print(f"{name}: {time.perf_counter() - t0:.2f} s", file=sys.stderr)
