/**
 * Applying a recorded sequence of plane rotations to the columns of a matrix (the eigen/singular-vector updates of
 * the implicit QR/QL sweeps), three rotations per pass: consecutive rotations share a column, so fusing them cuts
 * loads and stores per flop, and each row stays independent (no carried dependency), which V8 rewards — measured
 * 1.6× faster than one rotation per pass on 64×64.
 *
 * Rotation j acts on columns j and j+1 (`x[j·ld …]`, `len` entries each): (a, b) ← (c_j·a + s_j·b, −s_j·a + c_j·b).
 */
import { svdKernelsFor } from './svd-wasm.js';

/**
 * Applies rotations j = k, k+1, …, end−1 in that order (on the SIMD kernel when `x`, `cs` and `sn` live in the SVD
 * kernels' WebAssembly memory, see svd-wasm.ts).
 *
 * @example
 * ```ts
 * rotateAscending(v, n, n, 0, n - 1, cs, sn); // one bidiagonal QR sweep's right rotations on V
 * ```
 */
export function rotateAscending(x: Float64Array, len: number, ld: number, k: number, end: number, cs: Float64Array, sn: Float64Array): void {
  const K = svdKernelsFor(x.buffer);
  if (K !== null && cs.buffer === x.buffer && sn.buffer === x.buffer) {
    K.rotAsc(x.byteOffset, len, 8 * ld, k, end, cs.byteOffset, sn.byteOffset);
    return;
  }
  let j = k;
  for (; j + 2 < end; j += 3) {
    const A = j * ld, B = A + ld, C = B + ld, D = C + ld;
    const c1 = cs[j]!, s1 = sn[j]!, c2 = cs[j + 1]!, s2 = sn[j + 1]!, c3 = cs[j + 2]!, s3 = sn[j + 2]!;
    for (let i = 0; i < len; i++) {
      const a = x[A + i]!, b = x[B + i]!, c = x[C + i]!, d = x[D + i]!;
      x[A + i] = c1 * a + s1 * b;
      const b1 = -s1 * a + c1 * b;
      x[B + i] = c2 * b1 + s2 * c;
      const c1v = -s2 * b1 + c2 * c;
      x[C + i] = c3 * c1v + s3 * d;
      x[D + i] = -s3 * c1v + c3 * d;
    }
  }
  for (; j < end; j++) {
    const A = j * ld, B = A + ld, c = cs[j]!, s = sn[j]!;
    for (let i = 0; i < len; i++) {
      const a = x[A + i]!, b = x[B + i]!;
      x[A + i] = c * a + s * b;
      x[B + i] = -s * a + c * b;
    }
  }
}

/**
 * Applies rotations j = end−1, end−2, …, k in that order.
 *
 * @example
 * ```ts
 * rotateDescending(z, n, n, l, m, cs, sn); // one QL sweep's rotations on the eigenvector matrix
 * ```
 */
export function rotateDescending(x: Float64Array, len: number, ld: number, k: number, end: number, cs: Float64Array, sn: Float64Array): void {
  let j = end - 1;
  for (; j - 2 >= k; j -= 3) {
    // rotations j, j−1, j−2 over columns j−2 … j+1
    const A = (j - 2) * ld, B = A + ld, C = B + ld, D = C + ld;
    const c1 = cs[j]!, s1 = sn[j]!, c2 = cs[j - 1]!, s2 = sn[j - 1]!, c3 = cs[j - 2]!, s3 = sn[j - 2]!;
    for (let i = 0; i < len; i++) {
      const a = x[A + i]!, b = x[B + i]!, c = x[C + i]!, d = x[D + i]!;
      const c1v = c1 * c + s1 * d;
      x[D + i] = -s1 * c + c1 * d;
      const b1 = c2 * b + s2 * c1v;
      x[C + i] = -s2 * b + c2 * c1v;
      x[A + i] = c3 * a + s3 * b1;
      x[B + i] = -s3 * a + c3 * b1;
    }
  }
  for (; j >= k; j--) {
    const A = j * ld, B = A + ld, c = cs[j]!, s = sn[j]!;
    for (let i = 0; i < len; i++) {
      const a = x[A + i]!, b = x[B + i]!;
      x[A + i] = c * a + s * b;
      x[B + i] = -s * a + c * b;
    }
  }
}
