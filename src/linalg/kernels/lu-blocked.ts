/**
 * Recursive LU with partial pivoting for one large real square matrix (row-major, in place), as LAPACK's getrf
 * (and Toledo's recursive variant): P A = L U. The columns are split in halves; the left half is factorised
 * (recursively), the top of the right half becomes U12 = L11⁻¹A12 by a recursive triangular solve, the rest
 * is updated by one GEMM A22 −= L21·U12, and the right half is factorised. Only panels of at most `nb` columns
 * run the unblocked rank-1 loop; every other flop is a GEMM on every thread of the installed backend, most of
 * them with a deep inner dimension (n/2, n/4, …), where the GEMM runs near its peak. The right-looking
 * variant with 64-column panels this replaced ran its trailing updates with k = 64 (12 GFLOP/s instead of
 * 25–29) and its U12 solves in scalar code (8,224²: 23 s → see bench/RESULTS.md).
 * Row swaps move whole rows, so the left factors and the columns not yet reached stay consistent.
 *
 * Allocate `a` with `allocShared` (src/parallel/pool.ts) so the GEMM need not copy it to shared memory.
 */
import { gemmRealParallel } from './gemm-parallel.js';
import { trsmReal } from './triangular.js';

/**
 * Factors the n×n row-major `a` in place; `piv[j]` = the row swapped with row j at step j. Returns the number
 * of pivots whose magnitude was ≤ `tiny` (0: nonsingular at that threshold); such a pivot is left in place
 * (a later solve divides by it), as LAPACK does for an exact zero. `nb`: widest panel factorised unblocked.
 *
 * @example
 * ```ts
 * const a = new Float64Array([0, 1, 2, 3]); const piv = new Int32Array(2);
 * luBlockedReal(a, 2, piv); // 0; a = [2, 3, 0, 1], piv = [1, 1]
 * ```
 */
export function luBlockedReal(a: Float64Array, n: number, piv: Int32Array, tiny = 0, nb = 8): number {
  return n === 0 ? 0 : luColumns(a, n, piv, 0, n, tiny, Math.max(1, nb));
}

/** Factors columns [j0, j0 + w) over rows [j0, n), all left columns already factorised; returns tiny pivots. */
function luColumns(a: Float64Array, n: number, piv: Int32Array, j0: number, w: number, tiny: number, nb: number): number {
  if (w <= nb) return luPanel(a, n, piv, j0, w, tiny);
  const h = w >> 1;
  const j1 = j0 + h;
  const w2 = w - h;
  let small = luColumns(a, n, piv, j0, h, tiny, nb);
  // U12 = L11⁻¹ A12 (unit lower triangular), then A22 −= L21·U12.
  trsmLowerUnit(a, n, j0, h, j1, w2);
  if (n > j1) gemmInPlace(a, n, n - j1, w2, h, j1 * n + j0, j0 * n + j1, j1 * n + j1);
  small += luColumns(a, n, piv, j1, w2, tiny, nb);
  return small;
}

/** Unblocked LU of columns [j0, j0 + w) over rows [j0, n), with whole-row swaps. */
function luPanel(a: Float64Array, n: number, piv: Int32Array, j0: number, w: number, tiny: number): number {
  let small = 0;
  const pe = j0 + w;
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
  return small;
}

/** B := L⁻¹B for the unit lower triangle L at rows/cols [r0, r0 + h) and B at rows [r0, r0 + h), cols [c0, c0 + w). */
function trsmLowerUnit(a: Float64Array, n: number, r0: number, h: number, c0: number, w: number): void {
  if (h <= 32) {
    trsmReal(a, r0 * n + r0, h, a, r0 * n + c0, w, false, true, n, n);
    return;
  }
  const h1 = h >> 1;
  trsmLowerUnit(a, n, r0, h1, c0, w);
  // B2 −= L21 · X1
  gemmInPlace(a, n, h - h1, w, h1, (r0 + h1) * n + r0, r0 * n + c0, (r0 + h1) * n + c0);
  trsmLowerUnit(a, n, r0 + h1, h - h1, c0, w);
}

/** C −= A·B for three row-major blocks of the same n-wide matrix (m×k, k×cols, m×cols at the given offsets). */
function gemmInPlace(a: Float64Array, n: number, m: number, cols: number, k: number, aOff: number, bOff: number, cOff: number): void {
  gemmRealParallel(
    { m, n: cols, k, batchShape: [], alpha: -1, beta: 1 },
    { data: a, offset: aOff, rowStride: n, colStride: 1, batchStrides: [] },
    { data: a, offset: bOff, rowStride: n, colStride: 1, batchStrides: [] },
    { data: a, offset: cOff, rowStride: n, colStride: 1, batchStrides: [] },
  );
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
  for (let i = 0; i < n; i++) b[i] = b[i]! - rowDot(a, i * n, b, 0, i);
  for (let i = n - 1; i >= 0; i--) b[i] = (b[i]! - rowDot(a, i * n + i + 1, b, i + 1, n - i - 1)) / a[i * n + i]!;
}

/**
 * Σ_j a[ao + j]·b[bo + j] for j < len with four partial sums: one running sum is bound by the latency of the
 * add (≈ 0.7 GFLOP/s), four keep the loop at memory speed (8,224² factors: 180 → ≈ 70 ms per solve).
 */
function rowDot(a: Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < len; j += 4) {
    s0 += a[ao + j]! * b[bo + j]!;
    s1 += a[ao + j + 1]! * b[bo + j + 1]!;
    s2 += a[ao + j + 2]! * b[bo + j + 2]!;
    s3 += a[ao + j + 3]! * b[bo + j + 3]!;
  }
  for (; j < len; j++) s0 += a[ao + j]! * b[bo + j]!;
  return s0 + s1 + (s2 + s3);
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
