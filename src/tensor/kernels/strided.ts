/**
 * Strided copy kernels: gather an arbitrary strided view into a contiguous C-order buffer.
 * Offsets and strides are in elements; `sp` is scalars per element (2 for interleaved complex).
 */
import type { Storage } from '../dtype.js';

/**
 * Copies the view (shape, strides, offset) of `src` into `dst` (contiguous, C order, starting at 0).
 * The innermost dimension is a tight loop; outer dimensions advance with an odometer, so there is no
 * per-element index arithmetic beyond one add.
 *
 * @example
 * ```ts
 * const dst = new Float64Array(6);
 * gatherStrided(src, 0, [2, 3], [1, 2], dst, 1); // transpose of a 3x2 C-order matrix
 * ```
 */
export function gatherStrided(
  src: Storage,
  offset: number,
  shape: readonly number[],
  strides: readonly number[],
  dst: Storage,
  sp: 1 | 2,
): void {
  const nd = shape.length;
  if (nd === 0) {
    for (let k = 0; k < sp; k++) dst[k] = src[offset * sp + k]!;
    return;
  }
  for (const d of shape) if (d === 0) return;
  const inner = shape[nd - 1]!;
  const is = strides[nd - 1]! * sp;
  const idx = new Array<number>(nd).fill(0);
  let base = offset * sp;
  let o = 0;
  for (;;) {
    if (sp === 1) {
      let p = base;
      for (let j = 0; j < inner; j++, p += is) dst[o++] = src[p]!;
    } else {
      let p = base;
      for (let j = 0; j < inner; j++, p += is) {
        dst[o++] = src[p]!;
        dst[o++] = src[p + 1]!;
      }
    }
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      base += strides[d]! * sp;
      if (idx[d]! < shape[d]!) break;
      base -= strides[d]! * sp * shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/**
 * Writes contiguous `src` (C order) into the strided view (shape, strides, offset) of `dst`.
 * The inverse of {@link gatherStrided}.
 *
 * @example
 * ```ts
 * scatterStrided(values, dstStorage, 0, [2, 3], [1, 2], 1);
 * ```
 */
export function scatterStrided(
  src: Storage,
  dst: Storage,
  offset: number,
  shape: readonly number[],
  strides: readonly number[],
  sp: 1 | 2,
): void {
  const nd = shape.length;
  if (nd === 0) {
    for (let k = 0; k < sp; k++) dst[offset * sp + k] = src[k]!;
    return;
  }
  for (const d of shape) if (d === 0) return;
  const inner = shape[nd - 1]!;
  const is = strides[nd - 1]! * sp;
  const idx = new Array<number>(nd).fill(0);
  let base = offset * sp;
  let o = 0;
  for (;;) {
    let p = base;
    if (sp === 1) for (let j = 0; j < inner; j++, p += is) dst[p] = src[o++]!;
    else
      for (let j = 0; j < inner; j++, p += is) {
        dst[p] = src[o++]!;
        dst[p + 1] = src[o++]!;
      }
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]!++;
      base += strides[d]! * sp;
      if (idx[d]! < shape[d]!) break;
      base -= strides[d]! * sp * shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
