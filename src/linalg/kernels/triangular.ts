/**
 * Triangular solves A X = B in place over row-major blocks (LAPACK's trsm with side = left): A is n×n, only its
 * upper or lower triangle is read; B is n×k and is overwritten by X. Each step subtracts a multiple of a solved
 * row of X from another row, so the inner loop runs over k contiguous entries. A zero diagonal divides by zero
 * (Inf/NaN), as LAPACK's trsm does; callers that must detect singularity check the diagonal first.
 */
import type { FloatStorage } from '../batch.js';

/**
 * Real triangular solve in place. `unit`: treat the diagonal as ones without reading it. `lda`/`ldb` are the row
 * strides of A and B in elements (default n and k), so A and B may be blocks of larger matrices, even of the
 * same array when their column ranges do not overlap.
 *
 * @example
 * ```ts
 * const a = new Float64Array([2, 0, 1, 4]); const b = new Float64Array([2, 6]);
 * trsmReal(a, 0, 2, b, 0, 1, false, false); // b = [1, 1.25]
 * ```
 */
export function trsmReal(
  a: FloatStorage,
  aOff: number,
  n: number,
  b: FloatStorage,
  bOff: number,
  k: number,
  upper: boolean,
  unit: boolean,
  lda: number = n,
  ldb: number = k,
): void {
  // Row i of X is B_i minus a combination of already-solved rows j (j > i for upper, j < i for lower); four
  // solved rows are folded in per pass over the k entries.
  for (let t = 0; t < n; t++) {
    const i = upper ? n - 1 - t : t;
    const ra = aOff + i * lda;
    const rb = bOff + i * ldb;
    let j = upper ? i + 1 : 0;
    const j1 = upper ? n : i;
    for (; j + 3 < j1; j += 4) {
      const u0 = a[ra + j]!, u1 = a[ra + j + 1]!, u2 = a[ra + j + 2]!, u3 = a[ra + j + 3]!;
      const s0 = bOff + j * ldb, s1 = s0 + ldb, s2 = s1 + ldb, s3 = s2 + ldb;
      for (let c = 0; c < k; c++) b[rb + c] -= u0 * b[s0 + c]! + u1 * b[s1 + c]! + u2 * b[s2 + c]! + u3 * b[s3 + c]!;
    }
    for (; j < j1; j++) {
      const u = a[ra + j]!;
      const s0 = bOff + j * ldb;
      for (let c = 0; c < k; c++) b[rb + c] -= u * b[s0 + c]!;
    }
    if (!unit) {
      const d = a[ra + i]!;
      for (let c = 0; c < k; c++) b[rb + c] = b[rb + c]! / d;
    }
  }
}

/**
 * Complex triangular solve in place (interleaved re/im; offsets count scalars). See {@link trsmReal}.
 *
 * @example
 * ```ts
 * const a = new Float64Array([2, 0, 0, 0, 1, 0, 4, 0]); const b = new Float64Array([2, 0, 6, 0]);
 * trsmComplex(a, 0, 2, b, 0, 1, false, false); // b = [1, 0, 1.25, 0]
 * ```
 */
export function trsmComplex(
  a: FloatStorage,
  aOff: number,
  n: number,
  b: FloatStorage,
  bOff: number,
  k: number,
  upper: boolean,
  unit: boolean,
  lda: number = n,
  ldb: number = k,
): void {
  const n2 = 2 * lda;
  const k2 = 2 * k;
  const b2 = 2 * ldb;
  const start = upper ? n - 1 : 0;
  const step = upper ? -1 : 1;
  for (let t = 0, i = start; t < n; t++, i += step) {
    const ra = aOff + i * n2;
    const rb = bOff + i * b2;
    const j0 = upper ? i + 1 : 0;
    const j1 = upper ? n : i;
    let j = j0;
    for (; j + 1 < j1; j += 2) {
      const ar = a[ra + 2 * j]!, ai = a[ra + 2 * j + 1]!, br = a[ra + 2 * j + 2]!, bi = a[ra + 2 * j + 3]!;
      const s0 = bOff + j * b2, s1 = s0 + b2;
      for (let c = 0; c < k2; c += 2) {
        const xr = b[s0 + c]!, xi = b[s0 + c + 1]!, yr = b[s1 + c]!, yi = b[s1 + c + 1]!;
        b[rb + c] -= ar * xr - ai * xi + br * yr - bi * yi;
        b[rb + c + 1] -= ar * xi + ai * xr + br * yi + bi * yr;
      }
    }
    for (; j < j1; j++) {
      const lr = a[ra + 2 * j]!;
      const li = a[ra + 2 * j + 1]!;
      const rbj = bOff + j * b2;
      for (let c = 0; c < k2; c += 2) {
        const xr = b[rbj + c]!;
        const xi = b[rbj + c + 1]!;
        b[rb + c] -= lr * xr - li * xi;
        b[rb + c + 1] -= lr * xi + li * xr;
      }
    }
    if (!unit) {
      const dr = a[ra + 2 * i]!;
      const di = a[ra + 2 * i + 1]!;
      // Multiply by 1/d computed with scaling; exact zero gives Inf/NaN like a division would.
      const s = Math.max(Math.abs(dr), Math.abs(di));
      const sr = dr / s;
      const si = di / s;
      const den = (sr * sr + si * si) * s;
      const ir = sr / den;
      const ii = -si / den;
      for (let c = 0; c < k2; c += 2) {
        const xr = b[rb + c]!;
        const xi = b[rb + c + 1]!;
        b[rb + c] = xr * ir - xi * ii;
        b[rb + c + 1] = xr * ii + xi * ir;
      }
    }
  }
}
