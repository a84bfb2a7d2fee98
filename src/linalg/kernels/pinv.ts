/**
 * Kernels behind `pinv`, `lstsq` and `cond`: an in-place Gauss–Jordan inverse (the certified fast path of `pinv`
 * for well-conditioned square matrices; complex matrices of order ≥ 6 run on the WebAssembly SIMD kernel of
 * complex-gauss-jordan.ts) and the assembly X = V·Σ⁺·Uᴴ from an SVD, restricted to the kept singular values.
 * float64 arithmetic, split re/im (`xi` null for real input).
 */
import { complexGaussJordan, type ComplexGaussJordan } from './complex-gauss-jordan.js';

/**
 * Inverts the n×n matrix X (row-major, split re/im) in place by Gauss–Jordan elimination with partial pivoting
 * (n³ complex multiply-adds). `perm` is scratch of length n. Returns false, leaving X garbage, when a pivot is
 * exactly zero or, with `minPivot` > 0, smaller than `minPivot` in modulus (an early exit for callers that would
 * reject so ill-conditioned a matrix anyway: pivot k is the k-th diagonal entry of the partially pivoted LU).
 *
 * @example
 * ```ts
 * const x = new Float64Array([2, 0, 0, 4]);
 * gaussJordanInverse(2, x, null, new Int32Array(2)); // x = [0.5, 0, 0, 0.25]
 * ```
 */
export function gaussJordanInverse(n: number, xr: Float64Array, xi: Float64Array | null, perm: Int32Array, minPivot = 0): boolean {
  if (xi && n >= SIMD_MIN_N) {
    // A workspace of its own (slot 1), so that callers holding data in the shared slot-0 workspace are unaffected.
    const w = complexGaussJordan(n, 1);
    if (w.simd) return viaWorkspace(w, n, xr, xi, minPivot);
  }
  return gaussJordanInverseJs(n, xr, xi, perm, minPivot);
}

/**
 * {@link gaussJordanInverse} on the plain-JS kernels only (the fallback of the SIMD workspace).
 *
 * @example
 * ```ts
 * const x = new Float64Array([2, 0, 0, 4]);
 * gaussJordanInverseJs(2, x, null, new Int32Array(2)); // x = [0.5, 0, 0, 0.25]
 * ```
 */
export function gaussJordanInverseJs(n: number, xr: Float64Array, xi: Float64Array | null, perm: Int32Array, minPivot = 0): boolean {
  if (xi) return gaussJordanComplex(n, xr, xi, perm, minPivot * minPivot);
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = -1;
    for (let i = k; i < n; i++) {
      const v = Math.abs(xr[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (!(best > 0) || best < minPivot) return false;
    perm[k] = p;
    const K = k * n;
    if (p !== k) {
      const P = p * n;
      for (let j = 0; j < n; j++) {
        const t = xr[K + j]!;
        xr[K + j] = xr[P + j]!;
        xr[P + j] = t;
      }
    }
    const piv = 1 / xr[K + k]!;
    xr[K + k] = 1;
    for (let j = 0; j < n; j++) xr[K + j] = xr[K + j]! * piv;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const I = i * n;
      const f = xr[I + k]!;
      if (f === 0) continue;
      xr[I + k] = 0;
      for (let j = 0; j < n; j++) xr[I + j] = xr[I + j]! - f * xr[K + j]!;
    }
  }
  // Row swaps of A become column swaps of A⁻¹, undone in reverse order.
  for (let k = n - 1; k >= 0; k--) {
    const p = perm[k]!;
    if (p === k) continue;
    for (let i = 0; i < n; i++) {
      const I = i * n;
      const t = xr[I + k]!;
      xr[I + k] = xr[I + p]!;
      xr[I + p] = t;
    }
  }
  return true;
}

/** From this order on, complex inverses run on the WebAssembly SIMD kernel (copying in and out is O(n²)). */
const SIMD_MIN_N = 6;

/** The complex inverse through the SIMD workspace: same pivots and contract as {@link gaussJordanComplex}. */
function viaWorkspace(w: ComplexGaussJordan, n: number, xr: Float64Array, xi: Float64Array, minPivot: number): boolean {
  const { ld, re, im } = w;
  for (let i = 0; i < n; i++) {
    re.set(xr.subarray(i * n, (i + 1) * n), i * ld);
    im.set(xi.subarray(i * n, (i + 1) * n), i * ld);
  }
  if (!w.invert(minPivot)) return false;
  for (let i = 0; i < n; i++) {
    xr.set(re.subarray(i * ld, i * ld + n), i * n);
    xi.set(im.subarray(i * ld, i * ld + n), i * n);
  }
  return true;
}

/** Index of the largest |x[i][col]|² for i in [from, n) (or -1 when all are 0 or NaN). */
function pivotRow(n: number, xr: Float64Array, xi: Float64Array, col: number, from: number): number {
  let p = -1;
  let best = 0;
  for (let i = from; i < n; i++) {
    const r = xr[i * n + col]!, c = xi[i * n + col]!;
    const v = r * r + c * c;
    if (v > best) {
      best = v;
      p = i;
    }
  }
  return p;
}

function swapRows(n: number, xr: Float64Array, xi: Float64Array, a: number, b: number): void {
  const A = a * n, B = b * n;
  for (let j = 0; j < n; j++) {
    const t = xr[A + j]!;
    xr[A + j] = xr[B + j]!;
    xr[B + j] = t;
    const u = xi[A + j]!;
    xi[A + j] = xi[B + j]!;
    xi[B + j] = u;
  }
}

/** Row k ← row k / x[k][k] with x[k][k] first replaced by 1 (the in-place Gauss–Jordan pivot step). */
function scalePivotRow(n: number, xr: Float64Array, xi: Float64Array, k: number): void {
  const K = k * n;
  const pr = xr[K + k]!, pi = xi[K + k]!;
  const den = pr * pr + pi * pi;
  const ir = pr / den, ii = -pi / den;
  xr[K + k] = 1;
  xi[K + k] = 0;
  for (let j = 0; j < n; j++) {
    const a = xr[K + j]!, b = xi[K + j]!;
    xr[K + j] = a * ir - b * ii;
    xi[K + j] = a * ii + b * ir;
  }
}

/** Row i ← row i − f·(row p) after x[i][col] is replaced by 0, with f the old x[i][col]. */
function eliminateRow(n: number, xr: Float64Array, xi: Float64Array, i: number, p: number, col: number): void {
  const I = i * n, P = p * n;
  const fr = xr[I + col]!, fi = xi[I + col]!;
  xr[I + col] = 0;
  xi[I + col] = 0;
  for (let j = 0; j < n; j++) {
    const a = xr[P + j]!, b = xi[P + j]!;
    xr[I + j] = xr[I + j]! - (fr * a - fi * b);
    xi[I + j] = xi[I + j]! - (fr * b + fi * a);
  }
}

/**
 * Complex Gauss–Jordan with partial pivoting, two pivots per pass. With P1, P2 the finished pivot rows k and k+1,
 * every other row i becomes row_i − x[i][k]·P1 − x[i][k+1]·P2 (its *original* entries; the algebra is in the
 * comments below), so the bulk of the work streams two pivot rows against pairs of target rows: 12 loads/stores
 * per 32 flops instead of 10 per 16 — the loop is load-bound in V8. Same pivots as one-at-a-time elimination.
 */
function gaussJordanComplex(n: number, xr: Float64Array, xi: Float64Array, perm: Int32Array, minPivot2: number): boolean {
  let k = 0;
  for (; k + 1 < n; k += 2) {
    const k1 = k + 1;
    const p1 = pivotRow(n, xr, xi, k, k);
    if (p1 < 0 || xr[p1 * n + k]! ** 2 + xi[p1 * n + k]! ** 2 < minPivot2) return false;
    perm[k] = p1;
    if (p1 !== k) swapRows(n, xr, xi, k, p1);
    // Column k+1 as it would be after eliminating column k: c_i = x[i][k+1] − (x[i][k]/x[k][k])·x[k][k+1].
    const K = k * n;
    const pr = xr[K + k]!, pi = xi[K + k]!;
    const den = pr * pr + pi * pi;
    const qr = xr[K + k1]!, qi = xi[K + k1]!;
    // t = x[k][k+1]/x[k][k]
    const tr = (qr * pr + qi * pi) / den, ti = (qi * pr - qr * pi) / den;
    let p2 = -1;
    let best = 0;
    for (let i = k1; i < n; i++) {
      const I = i * n;
      const ar = xr[I + k]!, ai = xi[I + k]!;
      const cr = xr[I + k1]! - (ar * tr - ai * ti), ci = xi[I + k1]! - (ar * ti + ai * tr);
      const v = cr * cr + ci * ci;
      if (v > best) {
        best = v;
        p2 = i;
      }
    }
    if (p2 < 0 || best < minPivot2) return false;
    perm[k1] = p2;
    if (p2 !== k1) swapRows(n, xr, xi, k1, p2);
    // P1' = row k scaled; row k+1 eliminated against it and scaled → P2; row k eliminated against P2 → P1.
    scalePivotRow(n, xr, xi, k);
    eliminateRow(n, xr, xi, k1, k, k);
    if (xr[k1 * n + k1] === 0 && xi[k1 * n + k1] === 0) return false;
    scalePivotRow(n, xr, xi, k1);
    eliminateRow(n, xr, xi, k, k1, k1);
    // Other rows: row_i −= f_i·P1 + h_i·P2 with f_i, h_i the original x[i][k], x[i][k+1] (sequential elimination
    // gives the same: row_k' = P1 + g_k·P2 and g_i + f_i·g_k = h_i).
    const P = k * n, Q = k1 * n;
    let i = 0;
    for (;;) {
      while (i < n && (i === k || i === k1)) i++;
      if (i >= n) break;
      let i2 = i + 1;
      while (i2 < n && (i2 === k || i2 === k1)) i2++;
      const I = i * n;
      const fr = xr[I + k]!, fi = xi[I + k]!, hr = xr[I + k1]!, hi = xi[I + k1]!;
      xr[I + k] = 0;
      xi[I + k] = 0;
      xr[I + k1] = 0;
      xi[I + k1] = 0;
      if (i2 >= n) {
        for (let j = 0; j < n; j++) {
          const a = xr[P + j]!, b = xi[P + j]!, c = xr[Q + j]!, d = xi[Q + j]!;
          xr[I + j] = xr[I + j]! - (fr * a - fi * b) - (hr * c - hi * d);
          xi[I + j] = xi[I + j]! - (fr * b + fi * a) - (hr * d + hi * c);
        }
        break;
      }
      const J = i2 * n;
      const gr = xr[J + k]!, gi = xi[J + k]!, er = xr[J + k1]!, ei = xi[J + k1]!;
      xr[J + k] = 0;
      xi[J + k] = 0;
      xr[J + k1] = 0;
      xi[J + k1] = 0;
      for (let j = 0; j < n; j++) {
        const a = xr[P + j]!, b = xi[P + j]!, c = xr[Q + j]!, d = xi[Q + j]!;
        xr[I + j] = xr[I + j]! - (fr * a - fi * b) - (hr * c - hi * d);
        xi[I + j] = xi[I + j]! - (fr * b + fi * a) - (hr * d + hi * c);
        xr[J + j] = xr[J + j]! - (gr * a - gi * b) - (er * c - ei * d);
        xi[J + j] = xi[J + j]! - (gr * b + gi * a) - (er * d + ei * c);
      }
      i = i2 + 1;
    }
  }
  if (k < n) {
    // Odd n: one last single pivot.
    const p = pivotRow(n, xr, xi, k, k);
    if (p < 0 || xr[p * n + k]! ** 2 + xi[p * n + k]! ** 2 < minPivot2) return false;
    perm[k] = p;
    if (p !== k) swapRows(n, xr, xi, k, p);
    scalePivotRow(n, xr, xi, k);
    for (let i = 0; i < n; i++) if (i !== k) eliminateRow(n, xr, xi, i, k, k);
  }
  for (let j = n - 1; j >= 0; j--) {
    const p = perm[j]!;
    if (p === j) continue;
    for (let i = 0; i < n; i++) {
      const I = i * n;
      const t = xr[I + j]!;
      xr[I + j] = xr[I + p]!;
      xr[I + p] = t;
      const u = xi[I + j]!;
      xi[I + j] = xi[I + p]!;
      xi[I + p] = u;
    }
  }
  return true;
}

/**
 * Accumulates X = Σ_{k<r} a_k · w[k] · b_kᴴ into the rows×cols row-major X (split re/im, overwritten), where
 * a_k is column k of A (rows×·, column-major, leading dimension `lda`) and b_k column k of B (cols×·, column-major,
 * leading dimension `ldb`). With a = V, b = U and w = 1/σ this is V·Σ⁺·Uᴴ restricted to the r kept singular values.
 *
 * @example
 * ```ts
 * outerSum(n, m, r, vr, vi, n, ur, ui, m, w, xr, xi); // V·diag(w)·Uᴴ: pinv of an m×n (m ≥ n) matrix, w = 1/σ
 * ```
 */
export function outerSum(
  rows: number,
  cols: number,
  r: number,
  ar: Float64Array,
  ai: Float64Array | null,
  lda: number,
  br: Float64Array,
  bi: Float64Array | null,
  ldb: number,
  w: Float64Array,
  xr: Float64Array,
  xi: Float64Array | null,
): void {
  xr.fill(0, 0, rows * cols);
  if (xi) xi.fill(0, 0, rows * cols);
  for (let k = 0; k < r; k++) {
    const wk = w[k]!;
    const A = k * lda, B = k * ldb;
    for (let i = 0; i < rows; i++) {
      const I = i * cols;
      const sr = ar[A + i]! * wk;
      if (ai && bi && xi) {
        const si = ai[A + i]! * wk;
        for (let l = 0; l < cols; l++) {
          const gr = br[B + l]!, gi = bi[B + l]!;
          // (sr + i si)·conj(gr + i gi)
          xr[I + l] = xr[I + l]! + (sr * gr + si * gi);
          xi[I + l] = xi[I + l]! + (si * gr - sr * gi);
        }
      } else {
        for (let l = 0; l < cols; l++) xr[I + l] = xr[I + l]! + sr * br[B + l]!;
      }
    }
  }
}
