/**
 * Blocked right-looking LU with partial pivoting for one large real square matrix (row-major, in place), as
 * LAPACK's getrf: P A = L U. Each panel of `nb` columns is factorised with the unblocked algorithm, its rows
 * swaps are applied to whole rows, U12 = L11⁻¹A12 by a triangular solve, and the trailing matrix is updated by
 * one GEMM A22 −= L21·U12, which runs on every thread of the installed backend. That GEMM carries
 * 1 − O(nb/n) of the (2/3)n³ flops, so the factorisation runs near GEMM speed instead of the ≈0.7 GFLOP/s of
 * the unblocked rank-1 loop (measured on the 2,080² capacitance matrices of the exact 'same' solver).
 *
 * Allocate `a` with `allocShared` (src/parallel/pool.ts) so the GEMM need not copy it to shared memory.
 */
import { gemmRealParallel } from './gemm-parallel.js';
import { trsmReal } from './triangular.js';

/**
 * Factors the n×n row-major `a` in place; `piv[j]` = the row swapped with row j at step j. Returns the number
 * of pivots whose magnitude was ≤ `tiny` (0: nonsingular at that threshold); such a pivot is left in place
 * (a later solve divides by it), as LAPACK does for an exact zero.
 *
 * @example
 * ```ts
 * const a = new Float64Array([0, 1, 2, 3]); const piv = new Int32Array(2);
 * luBlockedReal(a, 2, piv); // 0; a = [2, 3, 0, 1], piv = [1, 1]
 * ```
 */
export function luBlockedReal(a: Float64Array, n: number, piv: Int32Array, tiny = 0, nb = 64): number {
  let small = 0;
  for (let j0 = 0; j0 < n; j0 += nb) {
    const jb = Math.min(nb, n - j0);
    const pe = j0 + jb;
    // Panel: unblocked LU on columns [j0, pe), whole-row swaps.
    for (let j = j0; j < pe; j++) {
      let p = j;
      let best = -1;
      for (let i = j; i < n; i++) {
        const v = Math.abs(a[i * n + j]!);
        if (v > best) {
          best = v;
          p = i;
        }
      }
      piv[j] = p;
      if (p !== j) {
        const rj = j * n;
        const rp = p * n;
        for (let c = 0; c < n; c++) {
          const t = a[rj + c]!;
          a[rj + c] = a[rp + c]!;
          a[rp + c] = t;
        }
      }
      if (!(best > tiny)) {
        small++;
        if (best === 0) continue;
      }
      const inv = 1 / a[j * n + j]!;
      const rj = j * n;
      for (let i = j + 1; i < n; i++) {
        const ri = i * n;
        const l = a[ri + j]! * inv;
        a[ri + j] = l;
        if (l === 0) continue;
        for (let c = j + 1; c < pe; c++) a[ri + c] = a[ri + c]! - l * a[rj + c]!;
      }
    }
    const rest = n - pe;
    if (rest === 0) break;
    // U12 = L11⁻¹ A12 (unit lower triangular).
    trsmReal(a, j0 * n + j0, jb, a, j0 * n + pe, rest, false, true, n, n);
    // A22 −= L21 · U12.
    gemmRealParallel(
      { m: rest, n: rest, k: jb, batchShape: [], alpha: -1, beta: 1 },
      { data: a, offset: pe * n + j0, rowStride: n, colStride: 1, batchStrides: [] },
      { data: a, offset: j0 * n + pe, rowStride: n, colStride: 1, batchStrides: [] },
      { data: a, offset: pe * n + pe, rowStride: n, colStride: 1, batchStrides: [] },
    );
  }
  return small;
}

/**
 * Solves A x = b in place with the factors of {@link luBlockedReal} (b of length n).
 * @example `luBlockedSolve(a, n, piv, b)`
 */
export function luBlockedSolve(a: Float64Array, n: number, piv: Int32Array, b: Float64Array): void {
  for (let k = 0; k < n; k++) {
    const p = piv[k]!;
    if (p !== k) {
      const t = b[k]!;
      b[k] = b[p]!;
      b[p] = t;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    const ro = i * n;
    for (let j = 0; j < i; j++) s -= a[ro + j]! * b[j]!;
    b[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    const ro = i * n;
    for (let j = i + 1; j < n; j++) s -= a[ro + j]! * b[j]!;
    b[i] = s / a[ro + i]!;
  }
}

/**
 * Solves Aᵀ x = b in place with the factors of {@link luBlockedReal}: Uᵀ Lᵀ P x = b.
 * @example `luBlockedSolveTransposed(a, n, piv, b)`
 */
export function luBlockedSolveTransposed(a: Float64Array, n: number, piv: Int32Array, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const d = (b[i] = b[i]! / a[i * n + i]!);
    if (d === 0) continue;
    const ro = i * n;
    for (let j = i + 1; j < n; j++) b[j] = b[j]! - a[ro + j]! * d;
  }
  for (let i = n - 1; i >= 0; i--) {
    const d = b[i]!;
    if (d === 0) continue;
    const ro = i * n;
    for (let j = 0; j < i; j++) b[j] = b[j]! - a[ro + j]! * d;
  }
  for (let k = n - 1; k >= 0; k--) {
    const p = piv[k]!;
    if (p !== k) {
      const t = b[k]!;
      b[k] = b[p]!;
      b[p] = t;
    }
  }
}
