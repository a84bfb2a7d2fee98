/**
 * LU factorisation with partial (row) pivoting, one row-major matrix at a time, in place: P A = L U with L unit
 * lower triangular (stored below the diagonal) and U upper triangular (on and above it), as LAPACK's getrf.
 *
 * Right-looking: after choosing the pivot of column j, every row below subtracts a multiple of row j; the inner
 * loop walks a contiguous row. Complex matrices are interleaved re/im; pivots are chosen by |re| + |im| (LAPACK's
 * `izamax`), so pivot sequences match LAPACK/PyTorch.
 */
import type { FloatStorage } from '../batch.js';

/**
 * Factors the real m×n matrix at `a[off …]` in place. Writes 0-based pivot rows to `piv[pivOff … pivOff+min(m,n))`:
 * row j was swapped with row `piv[j]` (≥ j) at step j. Returns the first column whose pivot is exactly zero
 * (the matrix is singular), or -1. A zero pivot column is skipped, as LAPACK does; a NaN pivot is taken as is so
 * that NaN propagates instead of being reported as a singularity.
 *
 * @example
 * ```ts
 * const a = new Float64Array([0, 1, 2, 3]); const piv = new Int32Array(2);
 * luReal(a, 0, 2, 2, piv, 0); // -1; a = [2, 3, 0, 1], piv = [1, 1]
 * ```
 */
export function luReal(a: FloatStorage, off: number, m: number, n: number, piv: Int32Array, pivOff: number): number {
  const k = Math.min(m, n);
  let info = -1;
  for (let j = 0; j < k; j++) {
    let p = j;
    let best = -1;
    for (let i = j; i < m; i++) {
      const v = Math.abs(a[off + i * n + j]!);
      if (v > best) {
        best = v;
        p = i;
      } else if (v !== v) {
        p = i;
        break;
      }
    }
    piv[pivOff + j] = p;
    const rj = off + j * n;
    if (p !== j) {
      const rp = off + p * n;
      for (let c = 0; c < n; c++) {
        const t = a[rj + c]!;
        a[rj + c] = a[rp + c]!;
        a[rp + c] = t;
      }
    }
    const d = a[rj + j]!;
    if (d === 0) {
      if (info < 0) info = j;
      continue;
    }
    const inv = 1 / d;
    for (let i = j + 1; i < m; i++) a[off + i * n + j] *= inv;
    // Rank-1 update of the trailing block, four rows per pass so each loaded entry of row j is used four times.
    let i = j + 1;
    for (; i + 3 < m; i += 4) {
      const r0 = off + i * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      const l0 = a[r0 + j]!;
      const l1 = a[r1 + j]!;
      const l2 = a[r2 + j]!;
      const l3 = a[r3 + j]!;
      for (let c = j + 1; c < n; c++) {
        const u = a[rj + c]!;
        a[r0 + c] -= l0 * u;
        a[r1 + c] -= l1 * u;
        a[r2 + c] -= l2 * u;
        a[r3 + c] -= l3 * u;
      }
    }
    for (; i < m; i++) {
      const ri = off + i * n;
      const l = a[ri + j]!;
      for (let c = j + 1; c < n; c++) a[ri + c] -= l * a[rj + c]!;
    }
  }
  return info;
}

/**
 * Complex version of {@link luReal}: `a` is interleaved re/im, `off` counts scalars (2 per element).
 *
 * @example
 * ```ts
 * const a = new Float64Array([0, 0, 1, 0, 2, 0, 3, 0]); const piv = new Int32Array(2);
 * luComplex(a, 0, 2, 2, piv, 0); // -1
 * ```
 */
export function luComplex(a: FloatStorage, off: number, m: number, n: number, piv: Int32Array, pivOff: number): number {
  const k = Math.min(m, n);
  const n2 = 2 * n;
  let info = -1;
  for (let j = 0; j < k; j++) {
    let p = j;
    let best = -1;
    for (let i = j; i < m; i++) {
      const q = off + i * n2 + 2 * j;
      const v = Math.abs(a[q]!) + Math.abs(a[q + 1]!);
      if (v > best) {
        best = v;
        p = i;
      } else if (v !== v) {
        p = i;
        break;
      }
    }
    piv[pivOff + j] = p;
    const rj = off + j * n2;
    if (p !== j) {
      const rp = off + p * n2;
      for (let c = 0; c < n2; c++) {
        const t = a[rj + c]!;
        a[rj + c] = a[rp + c]!;
        a[rp + c] = t;
      }
    }
    const dr = a[rj + 2 * j]!;
    const di = a[rj + 2 * j + 1]!;
    if (dr === 0 && di === 0) {
      if (info < 0) info = j;
      continue;
    }
    // 1/d, scaled so that |d|² cannot overflow or underflow.
    const s = Math.max(Math.abs(dr), Math.abs(di));
    const sr = dr / s;
    const si = di / s;
    const den = (sr * sr + si * si) * s;
    const ir = sr / den;
    const ii = -si / den;
    for (let i = j + 1; i < m; i++) {
      const q = off + i * n2 + 2 * j;
      const xr = a[q]!;
      const xi = a[q + 1]!;
      a[q] = xr * ir - xi * ii;
      a[q + 1] = xr * ii + xi * ir;
    }
    // Rank-1 update, four rows per pass (each loaded entry of row j is used four times).
    let i = j + 1;
    for (; i + 3 < m; i += 4) {
      const r0 = off + i * n2;
      const r1 = r0 + n2;
      const r2 = r1 + n2;
      const r3 = r2 + n2;
      const l0r = a[r0 + 2 * j]!, l0i = a[r0 + 2 * j + 1]!;
      const l1r = a[r1 + 2 * j]!, l1i = a[r1 + 2 * j + 1]!;
      const l2r = a[r2 + 2 * j]!, l2i = a[r2 + 2 * j + 1]!;
      const l3r = a[r3 + 2 * j]!, l3i = a[r3 + 2 * j + 1]!;
      for (let c = 2 * j + 2; c < n2; c += 2) {
        const ur = a[rj + c]!;
        const ui = a[rj + c + 1]!;
        a[r0 + c] -= l0r * ur - l0i * ui;
        a[r0 + c + 1] -= l0r * ui + l0i * ur;
        a[r1 + c] -= l1r * ur - l1i * ui;
        a[r1 + c + 1] -= l1r * ui + l1i * ur;
        a[r2 + c] -= l2r * ur - l2i * ui;
        a[r2 + c + 1] -= l2r * ui + l2i * ur;
        a[r3 + c] -= l3r * ur - l3i * ui;
        a[r3 + c + 1] -= l3r * ui + l3i * ur;
      }
    }
    for (; i < m; i++) {
      const ri = off + i * n2;
      const lr = a[ri + 2 * j]!;
      const li = a[ri + 2 * j + 1]!;
      for (let c = 2 * j + 2; c < n2; c += 2) {
        const ur = a[rj + c]!;
        const ui = a[rj + c + 1]!;
        a[ri + c] -= lr * ur - li * ui;
        a[ri + c + 1] -= lr * ui + li * ur;
      }
    }
  }
  return info;
}

/**
 * Applies the row interchanges of an LU factorisation (`piv`, 0-based, `count` of them) to the n×k row-major
 * block `b[bOff …]`, in order (forward) or in reverse order (to undo them). `sp` is scalars per element (1 or 2).
 *
 * @example
 * ```ts
 * applyRowSwaps(b, 0, 3, 1, piv, 0, 3, 1, false);
 * ```
 */
export function applyRowSwaps(
  b: FloatStorage,
  bOff: number,
  k: number,
  sp: number,
  piv: Int32Array,
  pivOff: number,
  count: number,
  reverse: boolean,
): void {
  const w = k * sp;
  for (let t = 0; t < count; t++) {
    const j = reverse ? count - 1 - t : t;
    const p = piv[pivOff + j]!;
    if (p === j) continue;
    const rj = bOff + j * w;
    const rp = bOff + p * w;
    for (let c = 0; c < w; c++) {
      const x = b[rj + c]!;
      b[rj + c] = b[rp + c]!;
      b[rp + c] = x;
    }
  }
}
