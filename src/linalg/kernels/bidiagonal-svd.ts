/**
 * Golub–Kahan–Reinsch SVD kernels for one m×n matrix with m ≥ n, in float64 arithmetic:
 * 1. {@link bidiagonalize}: Householder reflectors from both sides, Qᴴ·A·P = B upper bidiagonal and *real* (the
 *    reflectors follow LAPACK's `zlarfg` convention, whose β is real, so complex input needs no phase fix-up);
 * 2. {@link bidiagonalQR}: implicit-shift QR on B (the Golub–Kahan step with deflation, as in LINPACK `dsvdc` /
 *    JAMA), accumulating real n×n singular vector matrices U_B, V_B with contiguous column rotations;
 * 3. {@link applyLeft} / {@link applyRight}: U = Q·U_B and V = P·V_B.
 *
 * About 4.5·n³ flops for a square real matrix with vectors (one-sided Jacobi needs ~15·n³ for random input and was
 * measured 3–5× slower here); singular values are accurate to ~ε·σ_1 absolutely, the standard of LAPACK's drivers.
 *
 * Storage: G column-major (`g[j * m + i]`), split re/im (`gi` null for real input).
 *
 * Where every array lives in the memory of the WebAssembly SIMD kernels (svd-wasm.ts; the SVD driver in
 * spectral.ts places its scratch there), each stage runs there whole: `bidiag`, `qr` (with its `sweep`), `applyLeft`,
 * `applyRight` of svd-kernels.wat perform the same operations as the JS loops below (up to the summation order of
 * the f64x2 dot products), which remain the fallback (no SIMD, or `ADJOINT_NO_WASM=1`). Measured on 2-core x86:
 * 2.5–3× faster per matrix for 32×32 complex and 64×64 real.
 */
import { rotateAscending } from './rotations.js';
import { reflectColumns, reflectRows } from './householder.js';
import { hypot2 } from './hypot.js';
import { svdKernelsFor } from './svd-wasm.js';

const EPS64 = 2 ** -52;
const TINY = 2 ** -966;

/**
 * LAPACK `zlarfg` on x = [α; x_1 … x_{len-1}] held at `xr/xi[off + k·step]`: finds τ and v (v_0 = 1) with
 * Hᴴ·x = β·e_1, H = I − τ·v·vᴴ, β real. Overwrites x_1… with v_1… and returns β; τ goes to `tau[0..1]`.
 */
function larfg(len: number, xr: Float64Array, xi: Float64Array | null, off: number, step: number, tau: Float64Array): number {
  const alr = xr[off]!;
  const ali = xi ? xi[off]! : 0;
  let xn = 0;
  for (let k = 1; k < len; k++) {
    const p = off + k * step;
    xn += xr[p]! * xr[p]! + (xi ? xi[p]! * xi[p]! : 0);
  }
  if (xn === 0 && ali === 0) {
    tau[0] = 0;
    tau[1] = 0;
    return alr;
  }
  const beta = -(alr >= 0 ? 1 : -1) * Math.sqrt(alr * alr + ali * ali + xn);
  tau[0] = (beta - alr) / beta;
  tau[1] = -ali / beta;
  const qr = alr - beta, qi = ali;
  const den = qr * qr + qi * qi;
  const sr = qr / den, si = -qi / den;
  for (let k = 1; k < len; k++) {
    const p = off + k * step;
    const a = xr[p]!, b = xi ? xi[p]! : 0;
    xr[p] = a * sr - b * si;
    if (xi) xi[p] = a * si + b * sr;
  }
  return beta;
}

/**
 * Reduces G (m×n, m ≥ n) to real upper bidiagonal form: `d` (n) the diagonal, `e` (n; `e[n-1] = 0`) the
 * super-diagonal. Left reflector k (coefficient `tq[2k], tq[2k+1]`) is left in column k below the diagonal; right
 * reflector k (coefficient `tp[2k..]`) in row k right of the super-diagonal. `w` is scratch of length 2m + 2.
 *
 * @example
 * ```ts
 * bidiagonalize(m, n, gr, gi, d, e, tq, tp, w);
 * ```
 */
export function bidiagonalize(
  m: number,
  n: number,
  gr: Float64Array,
  gi: Float64Array | null,
  d: Float64Array,
  e: Float64Array,
  tq: Float64Array,
  tp: Float64Array,
  w: Float64Array,
): void {
  const K = svdKernelsFor(gr.buffer);
  if (K !== null && onBuffer(gr.buffer, gi, d, e, tq, tp, w)) {
    K.bidiag(m, n, gr.byteOffset, gi ? gi.byteOffset : -1, d.byteOffset, e.byteOffset, tq.byteOffset, tp.byteOffset, w.byteOffset);
    return;
  }
  const tau = w.subarray(2 * m, 2 * m + 2);
  const tr = w.subarray(0, m);
  const ti = w.subarray(m, 2 * m);
  for (let k = 0; k < n; k++) {
    const K = k * m;
    // Left: column k, rows k..m-1.
    d[k] = larfg(m - k, gr, gi, K + k, 1, tau);
    const t0 = tau[0]!, t1 = tau[1]!;
    tq[2 * k] = t0;
    tq[2 * k + 1] = t1;
    if (t0 !== 0 || t1 !== 0) {
      gr[K + k] = 1;
      if (gi) gi[K + k] = 0;
      // G[k:, k+1:] ← Hᴴ·G[k:, k+1:], Hᴴ = I − conj(τ)·v·vᴴ
      reflectColumns(m - k, gr, gi, K + k, t0, -t1, gr, gi, K + m + k, m, n - k - 1);
    }
    if (k >= n - 1) {
      e[k] = 0;
      tp[2 * k] = 0;
      tp[2 * k + 1] = 0;
      continue;
    }
    // Right: row k, columns k+1..n-1, on x = conj(row) so that row·H = β·e_1ᵀ.
    const R = (k + 1) * m + k; // G[k][k+1]
    if (gi) for (let j = k + 1; j < n; j++) gi[j * m + k] = -gi[j * m + k]!;
    e[k] = larfg(n - k - 1, gr, gi, R, m, tau);
    const p0 = tau[0]!, p1 = tau[1]!;
    tp[2 * k] = p0;
    tp[2 * k + 1] = p1;
    if (p0 === 0 && p1 === 0) continue;
    gr[R] = 1;
    if (gi) gi[R] = 0;
    // rows i > k: g ← g − τ·(g·v)·vᴴ, with t_i = Σ_j G[i][j]·v_j.
    reflectRows(m - k - 1, n - k - 1, gr, gi, (k + 1) * m + k + 1, m, R, p0, p1, tr, ti);
  }
}

/** True when every given array lives on `buffer` (the SIMD kernels' memory). */
function onBuffer(buffer: ArrayBufferLike, ...arrays: (Float64Array | null)[]): boolean {
  for (const a of arrays) if (a !== null && a.buffer !== buffer) return false;
  return true;
}

/** [x_a, x_b] ← [cs·x_a + sn·x_b, −sn·x_a + cs·x_b] on contiguous columns starting at A and B. */
function rot(x: Float64Array, A: number, B: number, len: number, cs: number, sn: number): void {
  for (let i = 0; i < len; i++) {
    const a = x[A + i]!, b = x[B + i]!;
    x[A + i] = cs * a + sn * b;
    x[B + i] = -sn * a + cs * b;
  }
}

function swapCols(x: Float64Array, A: number, B: number, len: number): void {
  for (let i = 0; i < len; i++) {
    const t = x[A + i]!;
    x[A + i] = x[B + i]!;
    x[B + i] = t;
  }
}

/**
 * Implicit-shift QR on the real upper bidiagonal (s = diagonal, e = super-diagonal, both length n) until it is
 * diagonal: on success `s` holds the singular values in decreasing order and, when given, the n×n column-major
 * `u`/`v` (set to the identity here) the accumulated rotations, B = U_B·diag(s)·V_Bᵀ. `work` (length 4n) records
 * each sweep's rotations, applied to contiguous columns by {@link rotateAscending}. At most `maxIter` QR steps per
 * singular value; returns false when that bound is hit.
 *
 * @example
 * ```ts
 * const s = new Float64Array([3, 4]), e = new Float64Array([0, 0]);
 * bidiagonalQR(2, s, e, null, null, 75); // s = [4, 3]
 * ```
 */
export function bidiagonalQR(n: number, s: Float64Array, e: Float64Array, u: Float64Array | null, v: Float64Array | null, maxIter: number, work?: Float64Array): boolean {
  const wk = work ?? new Float64Array(4 * n);
  const csV = wk.subarray(0, n), snV = wk.subarray(n, 2 * n), csU = wk.subarray(2 * n, 3 * n), snU = wk.subarray(3 * n, 4 * n);
  for (const x of [u, v]) {
    if (!x) continue;
    x.fill(0, 0, n * n);
    for (let i = 0; i < n; i++) x[i * n + i] = 1;
  }
  let p = n;
  const pp = n - 1;
  let iter = 0;
  // The SIMD kernel (svd-kernels.wat `qr`, the same operations) when every array lives in the kernels' memory: its
  // QR steps apply each step's rotations to U_B/V_B while the next step's scalar chain runs.
  let K = svdKernelsFor(s.buffer);
  const vecs = u !== null && v !== null;
  if (K !== null && (e.buffer !== s.buffer || wk.buffer !== s.buffer || (vecs ? u.buffer !== s.buffer || v.buffer !== s.buffer : u !== v))) K = null;
  if (K !== null) return K.qr(n, s.byteOffset, e.byteOffset, vecs ? u.byteOffset : -1, vecs ? v.byteOffset : -1, maxIter, wk.byteOffset) === 1;
  while (p > 0) {
    let k: number;
    let kase: number;
    for (k = p - 2; k >= -1; k--) {
      if (k === -1) break;
      if (Math.abs(e[k]!) <= TINY + EPS64 * (Math.abs(s[k]!) + Math.abs(s[k + 1]!))) {
        e[k] = 0;
        break;
      }
    }
    if (k === p - 2) {
      kase = 4;
    } else {
      let ks: number;
      for (ks = p - 1; ks >= k; ks--) {
        if (ks === k) break;
        const t = (ks !== p ? Math.abs(e[ks]!) : 0) + (ks !== k + 1 ? Math.abs(e[ks - 1]!) : 0);
        if (Math.abs(s[ks]!) <= TINY + EPS64 * t) {
          s[ks] = 0;
          break;
        }
      }
      if (ks === k) kase = 3;
      else if (ks === p - 1) kase = 1;
      else {
        kase = 2;
        k = ks;
      }
    }
    k++;
    if (kase === 1) {
      // Deflate negligible s[p-1].
      let f = e[p - 2]!;
      e[p - 2] = 0;
      for (let j = p - 2; j >= k; j--) {
        const t = hypot2(s[j]!, f);
        const cs = s[j]! / t, sn = f / t;
        s[j] = t;
        if (j !== k) {
          f = -sn * e[j - 1]!;
          e[j - 1] = cs * e[j - 1]!;
        }
        if (v) rot(v, j * n, (p - 1) * n, n, cs, sn);
      }
    } else if (kase === 2) {
      // Split at negligible s[k-1].
      let f = e[k - 1]!;
      e[k - 1] = 0;
      for (let j = k; j < p; j++) {
        const t = hypot2(s[j]!, f);
        const cs = s[j]! / t, sn = f / t;
        s[j] = t;
        f = -sn * e[j]!;
        e[j] = cs * e[j]!;
        if (u) rot(u, j * n, (k - 1) * n, n, cs, sn);
      }
    } else if (kase === 3) {
      if (++iter > maxIter) return false;
      // One QR step with the Wilkinson-type shift from the trailing 2×2.
      const scale = Math.max(Math.abs(s[p - 1]!), Math.abs(s[p - 2]!), Math.abs(e[p - 2]!), Math.abs(s[k]!), Math.abs(e[k]!));
      const sp = s[p - 1]! / scale, spm1 = s[p - 2]! / scale, epm1 = e[p - 2]! / scale;
      const sk = s[k]! / scale, ek = e[k]! / scale;
      const b = ((spm1 + sp) * (spm1 - sp) + epm1 * epm1) / 2;
      const c = sp * epm1 * (sp * epm1);
      let shift = 0;
      if (b !== 0 || c !== 0) {
        shift = Math.sqrt(b * b + c);
        if (b < 0) shift = -shift;
        shift = c / (b + shift);
      }
      let f = (sk + sp) * (sk - sp) + shift;
      let g = sk * ek;
      for (let j = k; j < p - 1; j++) {
        let t = hypot2(f, g);
        let cs = f / t, sn = g / t;
        if (j !== k) e[j - 1] = t;
        f = cs * s[j]! + sn * e[j]!;
        e[j] = cs * e[j]! - sn * s[j]!;
        g = sn * s[j + 1]!;
        s[j + 1] = cs * s[j + 1]!;
        csV[j] = cs;
        snV[j] = sn;
        t = hypot2(f, g);
        cs = f / t;
        sn = g / t;
        s[j] = t;
        f = cs * e[j]! + sn * s[j + 1]!;
        s[j + 1] = -sn * e[j]! + cs * s[j + 1]!;
        g = sn * e[j + 1]!;
        e[j + 1] = cs * e[j + 1]!;
        csU[j] = cs;
        snU[j] = sn;
      }
      e[p - 2] = f;
      // The sweep's rotations touch only U_B/V_B, so they are applied afterwards, three per pass.
      if (v) rotateAscending(v, n, n, k, p - 1, csV, snV);
      if (u) rotateAscending(u, n, n, k, p - 1, csU, snU);
    } else {
      // Converged: make s[k] non-negative, then bubble it into decreasing order.
      if (s[k]! <= 0) {
        s[k] = s[k]! < 0 ? -s[k]! : 0;
        if (v) for (let i = 0; i <= pp; i++) v[k * n + i] = -v[k * n + i]!;
      }
      while (k < pp) {
        if (s[k]! >= s[k + 1]!) break;
        const t = s[k]!;
        s[k] = s[k + 1]!;
        s[k + 1] = t;
        if (v) swapCols(v, k * n, (k + 1) * n, n);
        if (u) swapCols(u, k * n, (k + 1) * n, n);
        k++;
      }
      iter = 0;
      p--;
    }
  }
  return true;
}

/**
 * X ← Q·X for the left reflectors of {@link bidiagonalize}: X is m×cols column-major split (`xi` ignored for real).
 * Typically X starts as [[U_B, 0], [0, I]].
 *
 * @example
 * ```ts
 * applyLeft(m, n, cols, gr, gi, tq, xr, xi);
 * ```
 */
export function applyLeft(m: number, n: number, cols: number, gr: Float64Array, gi: Float64Array | null, tq: Float64Array, xr: Float64Array, xi: Float64Array | null): void {
  const K = svdKernelsFor(gr.buffer);
  if (K !== null && onBuffer(gr.buffer, gi, tq, xr, xi) && (gi === null) === (xi === null)) {
    K.applyLeft(m, n, cols, gr.byteOffset, gi ? gi.byteOffset : -1, tq.byteOffset, xr.byteOffset, xi ? xi.byteOffset : -1);
    return;
  }
  for (let k = n - 1; k >= 0; k--) {
    const t0 = tq[2 * k]!, t1 = tq[2 * k + 1]!;
    if (t0 === 0 && t1 === 0) continue;
    const K = k * m;
    gr[K + k] = 1; // the reflector's head (the diagonal itself now lives in d)
    if (gi) gi[K + k] = 0;
    reflectColumns(m - k, gr, gi, K + k, t0, t1, xr, xi, k, m, cols);
  }
}

/**
 * X ← P·X for the right reflectors of {@link bidiagonalize}: X is n×n column-major split, starting as V_B.
 * `w` is scratch of length 2n.
 *
 * @example
 * ```ts
 * applyRight(m, n, gr, gi, tp, vr, vi, w);
 * ```
 */
export function applyRight(m: number, n: number, gr: Float64Array, gi: Float64Array | null, tp: Float64Array, xr: Float64Array, xi: Float64Array | null, w: Float64Array): void {
  const hr = w.subarray(0, n);
  const hi = w.subarray(n, 2 * n);
  const K = svdKernelsFor(gr.buffer);
  if (K !== null && onBuffer(gr.buffer, gi, tp, xr, xi, w) && (gi === null) === (xi === null)) {
    K.applyRight(m, n, gr.byteOffset, gi ? gi.byteOffset : -1, tp.byteOffset, xr.byteOffset, xi ? xi.byteOffset : -1, hr.byteOffset, hi.byteOffset);
    return;
  }
  for (let k = n - 2; k >= 0; k--) {
    const t0 = tp[2 * k]!, t1 = tp[2 * k + 1]!;
    if (t0 === 0 && t1 === 0) continue;
    // Gather v (indices k+1..n-1, head 1) from row k into contiguous scratch.
    hr[k + 1] = 1;
    hi[k + 1] = 0;
    for (let j = k + 2; j < n; j++) {
      hr[j] = gr[j * m + k]!;
      hi[j] = gi ? gi[j * m + k]! : 0;
    }
    reflectColumns(n - k - 1, hr, gi ? hi : null, k + 1, t0, t1, xr, xi, k + 1, n, n);
  }
}
