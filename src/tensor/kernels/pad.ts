/**
 * Padding kernel: copies a strided source into a contiguous output through per-dim index maps.
 */
import type { Storage } from '../dtype.js';

/**
 * For every output position, reads the source element at `maps[d][j]` along each dim d (a source index,
 * or -1 for "outside": the output keeps its prefilled value). `dst` is contiguous C order of `outShape`.
 * Offsets and strides are in elements; `sp` is scalars per element.
 *
 * @example
 * ```ts
 * // reflect-pad [1, 2, 3] by 1 on both sides
 * mapCopy(src, 0, [1], [Int32Array.from([1, 0, 1, 2, 1])], [5], dst, 1);
 * ```
 */
export function mapCopy(
  src: Storage,
  srcOffset: number,
  srcStrides: readonly number[],
  maps: readonly Int32Array[],
  outShape: readonly number[],
  dst: Storage,
  sp: 1 | 2,
): void {
  const nd = outShape.length;
  if (nd === 0) {
    for (let c = 0; c < sp; c++) dst[c] = src[srcOffset * sp + c]!;
    return;
  }
  for (const d of outShape) if (d === 0) return;
  const inner = outShape[nd - 1]!;
  const innerMap = maps[nd - 1]!;
  const innerStride = srcStrides[nd - 1]! * sp;
  const idx = new Array<number>(nd).fill(0);
  // base[d]: source scalar offset contributed by dims < d; bad[d]: count of "outside" dims among them.
  const base = new Array<number>(nd).fill(0);
  const bad = new Array<number>(nd).fill(0);
  base[0] = srcOffset * sp;
  for (let d = 0; d < nd - 1; d++) {
    const m = maps[d]![0]!;
    base[d + 1] = base[d]! + (m < 0 ? 0 : m * srcStrides[d]! * sp);
    bad[d + 1] = bad[d]! + (m < 0 ? 1 : 0);
  }
  let o = 0;
  for (;;) {
    if (bad[nd - 1] === 0) {
      const b = base[nd - 1]!;
      for (let j = 0; j < inner; j++, o += sp) {
        const m = innerMap[j]!;
        if (m < 0) continue;
        const p = b + m * innerStride;
        dst[o] = src[p]!;
        if (sp === 2) dst[o + 1] = src[p + 1]!;
      }
    } else o += inner * sp;
    let d = nd - 2;
    for (; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
    if (d < 0) return;
    for (let k = d; k < nd - 1; k++) {
      const m = maps[k]![idx[k]!]!;
      base[k + 1] = base[k]! + (m < 0 ? 0 : m * srcStrides[k]! * sp);
      bad[k + 1] = bad[k]! + (m < 0 ? 1 : 0);
    }
  }
}
