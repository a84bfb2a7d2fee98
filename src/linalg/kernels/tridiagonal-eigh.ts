/**
 * Hermitian (real symmetric or complex Hermitian) eigensolver kernels, in float64 arithmetic:
 * 1. {@link tridiagonalize}: Householder reduction Qᴴ·A·Q = T with T real symmetric tridiagonal (LAPACK's
 *    `zhetd2` scheme: reflectors H = I − τ·v·vᴴ chosen so the off-diagonal comes out real, no phase fix-up needed);
 * 2. {@link tridiagonalQL}: implicit-shift QL on T (EISPACK `tql2`), accumulating the real eigenvector matrix Z;
 * 3. {@link applyReflectors}: eigenvectors of A = Q·Z.
 *
 * Storage: the lower triangle of A column-major (`a[j * n + i]` = A[i][j] for i ≥ j), split re/im (`ai` null for
 * real input); Z and the result column-major, so every eigenvector is contiguous and every plane rotation of the QL
 * step touches two contiguous columns.
 */
import { rotateDescending } from './rotations.js';
import { reflectColumns } from './householder.js';
import { hypot2 } from './hypot.js';

const EPS64 = 2 ** -52;

/**
 * Reduces the Hermitian matrix (lower triangle, column-major) to real tridiagonal form. On return `d` (length n) is
 * the diagonal, `e` (length n) the sub-diagonal (`e[n-1] = 0`), and column k of A below row k+1 holds the tail of
 * reflector k (its head is 1) with coefficient `taur[k] + i·taui[k]`. `w` is scratch of length 2n.
 *
 * @example
 * ```ts
 * tridiagonalize(n, ar, ai, d, e, taur, taui, w);
 * ```
 */
export function tridiagonalize(
  n: number,
  ar: Float64Array,
  ai: Float64Array | null,
  d: Float64Array,
  e: Float64Array,
  taur: Float64Array,
  taui: Float64Array,
  w: Float64Array,
): void {
  const yr = w.subarray(0, n);
  const yi = w.subarray(n, 2 * n);
  for (let k = 0; k < n - 1; k++) {
    const K = k * n;
    const h = k + 1; // first row of the reflector
    const len = n - h;
    const alr = ar[K + h]!;
    const ali = ai ? ai[K + h]! : 0;
    let xn = 0;
    for (let i = h + 1; i < n; i++) xn += ar[K + i]! ** 2 + (ai ? ai[K + i]! ** 2 : 0);
    d[k] = ar[K + k]!;
    if (xn === 0 && ali === 0) {
      taur[k] = 0;
      taui[k] = 0;
      e[k] = alr;
      continue;
    }
    const beta = -(alr >= 0 ? 1 : -1) * Math.sqrt(alr * alr + ali * ali + xn);
    const tr = (beta - alr) / beta;
    const ti = -ali / beta;
    taur[k] = tr;
    taui[k] = ti;
    // x ← x / (α − β)
    const qr = alr - beta, qi = ali;
    const den = qr * qr + qi * qi;
    const sr = qr / den, si = -qi / den;
    for (let i = h + 1; i < n; i++) {
      const xr = ar[K + i]!, xi = ai ? ai[K + i]! : 0;
      ar[K + i] = xr * sr - xi * si;
      if (ai) ai[K + i] = xr * si + xi * sr;
    }
    e[k] = beta;
    ar[K + h] = 1;
    if (ai) ai[K + h] = 0;
    // y = τ · A22 · v, with A22 = A[h:, h:] read from its lower triangle.
    yr.fill(0, 0, len);
    if (ai) yi.fill(0, 0, len);
    for (let j = h; j < n; j++) {
      const J = j * n;
      const vjr = ar[K + j]!, vji = ai ? ai[K + j]! : 0;
      let sr2 = ar[J + j]! * vjr; // diagonal (real)
      let si2 = ai ? ar[J + j]! * vji : 0;
      if (ai) {
        for (let i = j + 1; i < n; i++) {
          const mr = ar[J + i]!, mi = ai[J + i]!;
          const vr = ar[K + i]!, vi = ai[K + i]!;
          // y_i += A_ij v_j
          yr[i - h] = yr[i - h]! + (mr * vjr - mi * vji);
          yi[i - h] = yi[i - h]! + (mr * vji + mi * vjr);
          // y_j += conj(A_ij) v_i
          sr2 += mr * vr + mi * vi;
          si2 += mr * vi - mi * vr;
        }
        yi[j - h] = yi[j - h]! + si2;
      } else {
        for (let i = j + 1; i < n; i++) {
          const mr = ar[J + i]!;
          yr[i - h] = yr[i - h]! + mr * vjr;
          sr2 += mr * ar[K + i]!;
        }
      }
      yr[j - h] = yr[j - h]! + sr2;
    }
    // y ← τ·y ; then α = −½·τ·(yᴴv), y ← y + α·v
    let hr = 0, hi = 0;
    for (let i = 0; i < len; i++) {
      const a = yr[i]!, b = ai ? yi[i]! : 0;
      const pr = tr * a - ti * b, pi = tr * b + ti * a;
      yr[i] = pr;
      if (ai) yi[i] = pi;
      const vr = ar[K + h + i]!, vi = ai ? ai[K + h + i]! : 0;
      hr += pr * vr + pi * vi; // conj(y)·v
      hi += pr * vi - pi * vr;
    }
    const alphr = -0.5 * (tr * hr - ti * hi);
    const alphi = -0.5 * (tr * hi + ti * hr);
    for (let i = 0; i < len; i++) {
      const vr = ar[K + h + i]!, vi = ai ? ai[K + h + i]! : 0;
      yr[i] = yr[i]! + (alphr * vr - alphi * vi);
      if (ai) yi[i] = yi[i]! + (alphr * vi + alphi * vr);
    }
    // A22 ← A22 − v·wᴴ − w·vᴴ (lower triangle)
    for (let j = h; j < n; j++) {
      const J = j * n;
      const vjr = ar[K + j]!, vji = ai ? ai[K + j]! : 0;
      const wjr = yr[j - h]!, wji = ai ? yi[j - h]! : 0;
      if (ai) {
        for (let i = j; i < n; i++) {
          const vr = ar[K + i]!, vi = ai[K + i]!, wr = yr[i - h]!, wi = yi[i - h]!;
          // v_i conj(w_j) + w_i conj(v_j)
          ar[J + i] = ar[J + i]! - (vr * wjr + vi * wji + wr * vjr + wi * vji);
          ai[J + i] = ai[J + i]! - (vi * wjr - vr * wji + wi * vjr - wr * vji);
        }
        ai[J + j] = 0; // the diagonal of a Hermitian matrix is real
      } else {
        for (let i = j; i < n; i++) ar[J + i] = ar[J + i]! - (ar[K + i]! * wjr + yr[i - h]! * vjr);
      }
    }
  }
  if (n > 0) {
    d[n - 1] = ar[(n - 1) * n + n - 1]!;
    e[n - 1] = 0;
  }
}

/**
 * Implicit-shift QL on the symmetric tridiagonal (d, e) (EISPACK `tql2`), with at most `maxIter` iterations per
 * eigenvalue. On success `d` holds the eigenvalues in ascending order and, when `z` (n×n column-major) is given, it
 * is set to the matching orthonormal eigenvectors of T. Returns false when an eigenvalue did not converge.
 * `work` (length 2n) records each sweep's rotations for {@link rotateDescending}.
 *
 * @example
 * ```ts
 * const d = new Float64Array([2, 2]), e = new Float64Array([1, 0]);
 * tridiagonalQL(2, d, e, null, 30); // d = [1, 3]
 * ```
 */
export function tridiagonalQL(n: number, d: Float64Array, e: Float64Array, z: Float64Array | null, maxIter: number, work?: Float64Array): boolean {
  const wk = work ?? new Float64Array(2 * n);
  const rc = wk.subarray(0, n), rs = wk.subarray(n, 2 * n);
  if (z) {
    z.fill(0, 0, n * n);
    for (let i = 0; i < n; i++) z[i * n + i] = 1;
  }
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > EPS64 * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > maxIter) return false;
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = hypot2(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const el1 = e[l + 1]!;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = hypot2(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          // Z's columns (i, i+1) ← (c·z_i − s·z_{i+1}, s·z_i + c·z_{i+1}): recorded, applied after the sweep.
          rc[i] = c;
          rs[i] = -s;
        }
        if (z) rotateDescending(z, n, n, l, m, rc, rs);
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > EPS64 * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  // Selection sort, ascending, moving eigenvector columns along.
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i]!;
    for (let j = i + 1; j < n; j++) if (d[j]! < p) { k = j; p = d[j]!; }
    if (k === i) continue;
    d[k] = d[i]!;
    d[i] = p;
    if (z) {
      const A = i * n, B = k * n;
      for (let r = 0; r < n; r++) {
        const t = z[A + r]!;
        z[A + r] = z[B + r]!;
        z[B + r] = t;
      }
    }
  }
  return true;
}

/**
 * Eigenvectors of A from those of T: X = Q·Z with Q = H(0)·H(1)⋯H(n−2), the reflectors left in `ar`/`ai` by
 * {@link tridiagonalize}. X (n×n column-major, split re/im; `xi` ignored for real input) starts as a copy of Z.
 *
 * @example
 * ```ts
 * xr.set(z); xi.fill(0); applyReflectors(n, ar, ai, taur, taui, xr, xi);
 * ```
 */
export function applyReflectors(
  n: number,
  ar: Float64Array,
  ai: Float64Array | null,
  taur: Float64Array,
  taui: Float64Array,
  xr: Float64Array,
  xi: Float64Array | null,
): void {
  for (let k = n - 2; k >= 0; k--) {
    const tr = taur[k]!, ti = taui[k]!;
    if (tr === 0 && ti === 0) continue;
    const K = k * n;
    reflectColumns(n - k - 1, ar, ai, K + k + 1, tr, ti, xr, xi, k + 1, n, n);
  }
}
