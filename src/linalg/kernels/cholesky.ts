/**
 * Cholesky factorisation A = L Lᴴ of a Hermitian positive-definite matrix, in place, row by row
 * (Cholesky–Banachiewicz): entry (i, j) needs the dot product of rows i and j of L over columns < j, which are
 * contiguous in row-major storage. Only the lower triangle of A is read (as LAPACK potrf with uplo = 'L' and
 * PyTorch); the strict upper triangle is set to zero. For complex input the imaginary part of the diagonal is
 * ignored, as it must be zero for a Hermitian matrix.
 */
import type { FloatStorage } from '../batch.js';

/**
 * Real Cholesky in place on the n×n matrix at `a[off …]`. Returns -1 on success, or the first row i whose pivot
 * `A[i][i] − Σ L[i][k]²` is ≤ 0 (not positive definite). A NaN pivot is not an error: NaN propagates.
 *
 * @example
 * ```ts
 * const a = new Float64Array([4, 0, 2, 5]);
 * choleskyReal(a, 0, 2); // -1; a = [2, 0, 1, 2]
 * ```
 */
export function choleskyReal(a: FloatStorage, off: number, n: number): number {
  for (let i = 0; i < n; i++) {
    const ri = off + i * n;
    for (let j = 0; j <= i; j++) {
      const rj = off + j * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      if (j < i) a[ri + j] = s / a[rj + j]!;
      else {
        if (s <= 0) return i;
        a[ri + i] = Math.sqrt(s);
      }
    }
    for (let j = i + 1; j < n; j++) a[ri + j] = 0;
  }
  return -1;
}

/**
 * Complex (Hermitian) Cholesky in place; interleaved re/im, `off` in scalars. See {@link choleskyReal}.
 *
 * @example
 * ```ts
 * const a = new Float64Array([4, 0, 0, 0, 2, 2, 6, 0]);
 * choleskyComplex(a, 0, 2); // -1; L = [[2, 0], [1+1i, 2]]
 * ```
 */
export function choleskyComplex(a: FloatStorage, off: number, n: number): number {
  const n2 = 2 * n;
  for (let i = 0; i < n; i++) {
    const ri = off + i * n2;
    for (let j = 0; j <= i; j++) {
      const rj = off + j * n2;
      if (j < i) {
        // L[i][j] = (A[i][j] − Σ_k L[i][k]·conj(L[j][k])) / L[j][j], with L[j][j] real and positive.
        let sr = a[ri + 2 * j]!;
        let si = a[ri + 2 * j + 1]!;
        for (let k = 0; k < 2 * j; k += 2) {
          const xr = a[ri + k]!;
          const xi = a[ri + k + 1]!;
          const yr = a[rj + k]!;
          const yi = a[rj + k + 1]!;
          sr -= xr * yr + xi * yi;
          si -= xi * yr - xr * yi;
        }
        const d = a[rj + 2 * j]!;
        a[ri + 2 * j] = sr / d;
        a[ri + 2 * j + 1] = si / d;
      } else {
        let s = a[ri + 2 * i]!;
        for (let k = 0; k < 2 * i; k += 2) {
          const xr = a[ri + k]!;
          const xi = a[ri + k + 1]!;
          s -= xr * xr + xi * xi;
        }
        if (s <= 0) return i;
        a[ri + 2 * i] = Math.sqrt(s);
        a[ri + 2 * i + 1] = 0;
      }
    }
    for (let j = 2 * (i + 1); j < n2; j++) a[ri + j] = 0;
  }
  return -1;
}
