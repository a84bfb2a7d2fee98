/**
 * Padding of the last two dims by mode ('zeros' | 'circular' | 'reflect' | 'replicate'), with PyTorch's
 * F.pad semantics, expressed as per-dim index maps, and the exact adjoint of each padding: the padded
 * border is folded back (summed) onto the pixels it was copied from. The adjoint is what turns the
 * adjoint of a mode-padded conv2d into "convTranspose2d on the padded grid, then padAdjoint".
 */
import { argError } from '../errors.js';
import { allocStorage, scalarsPer, type Storage } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { checkPaddingMode, type PaddingMode } from './conv-args.js';

/**
 * Source index along one dim for every position of the padded dim (length `lo + n + hi`), or −1 where the
 * padded value is zero. Limits as in PyTorch: reflect needs `lo, hi < n`; circular needs `lo, hi <= n`;
 * replicate and circular need `n >= 1` when anything is padded.
 *
 * @example
 * ```ts
 * padIndexMap(3, 2, 1, 'reflect'); // Int32Array [2, 1, 0, 1, 2, 1]
 * padIndexMap(3, 1, 1, 'circular'); // Int32Array [2, 0, 1, 2, 0]
 * ```
 */
export function padIndexMap(n: number, lo: number, hi: number, mode: PaddingMode, fn = 'pad2d', arg = 'pad'): Int32Array {
  if (mode === 'reflect' && (lo >= n || hi >= n)) {
    throw argError(fn, arg, `smaller than the padded dimension (${n}) for 'reflect' padding`, [lo, hi]);
  }
  if (mode === 'circular' && (lo > n || hi > n)) {
    throw argError(fn, arg, `at most the padded dimension (${n}) for 'circular' padding (it may wrap only once)`, [lo, hi]);
  }
  if (mode === 'replicate' && n === 0 && lo + hi > 0) {
    throw argError(fn, arg, "zero when the padded dimension is empty ('replicate' has nothing to copy)", [lo, hi]);
  }
  const map = new Int32Array(lo + n + hi);
  for (let i = 0; i < map.length; i++) {
    let m = i - lo;
    if (m < 0 || m >= n) {
      switch (mode) {
        case 'zeros':
          m = -1;
          break;
        case 'circular':
          m = ((m % n) + n) % n;
          break;
        case 'reflect':
          m = m < 0 ? -m : 2 * (n - 1) - m;
          break;
        case 'replicate':
          m = m < 0 ? 0 : n - 1;
          break;
      }
    }
    map[i] = m;
  }
  return map;
}

/**
 * Kernel: for each of `planes` planes of `h × w` elements in `src` (from element offset `srcOff`), writes the
 * padded plane `rowMap.length × colMap.length` into `dst` (from `dstOff`): `dst[i, j] = src[rowMap[i], colMap[j]]`,
 * zero where either map is −1. Offsets are in elements; `sp` is scalars per element (2 for complex).
 *
 * @example
 * ```ts
 * padGather(src, 0, 1, 3, 3, padIndexMap(3, 1, 1, 'zeros'), padIndexMap(3, 1, 1, 'zeros'), dst, 0, 1);
 * ```
 */
export function padGather(
  src: Storage, srcOff: number, planes: number, h: number, w: number,
  rowMap: Int32Array, colMap: Int32Array,
  dst: Storage, dstOff: number, sp: 1 | 2,
): void {
  const hp = rowMap.length;
  const wp = colMap.length;
  // The longest run of columns that copy a contiguous source range (the unpadded middle, for every mode):
  // it is copied with one `set` per row, the border columns one by one.
  let j0 = 0;
  let j1 = 0;
  for (let a = 0; a < wp; ) {
    if (colMap[a]! < 0) { a++; continue; }
    let b = a + 1;
    while (b < wp && colMap[b] === colMap[a]! + (b - a)) b++;
    if (b - a > j1 - j0) { j0 = a; j1 = b; }
    a = b;
  }
  const c0 = j0 < j1 ? colMap[j0]! : 0;
  for (let p = 0; p < planes; p++) {
    const sBase = (srcOff + p * h * w) * sp;
    let d = (dstOff + p * hp * wp) * sp;
    for (let i = 0; i < hp; i++) {
      const r = rowMap[i]!;
      if (r < 0) {
        dst.fill(0, d, d + wp * sp);
        d += wp * sp;
        continue;
      }
      const rb = sBase + r * w * sp;
      if (j1 > j0) dst.set(src.subarray(rb + c0 * sp, rb + (c0 + j1 - j0) * sp) as never, d + j0 * sp);
      for (let j = 0; j < wp; j++) {
        if (j === j0 && j1 > j0) j = j1;
        if (j >= wp) break;
        const c = colMap[j]!;
        const q = d + j * sp;
        if (sp === 1) dst[q] = c < 0 ? 0 : src[rb + c]!;
        else {
          dst[q] = c < 0 ? 0 : src[rb + 2 * c]!;
          dst[q + 1] = c < 0 ? 0 : src[rb + 2 * c + 1]!;
        }
      }
      d += wp * sp;
    }
  }
}

/**
 * Kernel, the adjoint of {@link padGather}: adds every padded element `src[i, j]` onto
 * `dst[rowMap[i], colMap[j]]` (dropping positions whose map is −1). `dst` planes are `h × w` and are
 * accumulated into, not overwritten.
 *
 * @example
 * ```ts
 * padScatterAdd(padded, 0, 1, rowMap, colMap, out, 0, 3, 3, 1);
 * ```
 */
export function padScatterAdd(
  src: Storage, srcOff: number, planes: number,
  rowMap: Int32Array, colMap: Int32Array,
  dst: Storage, dstOff: number, h: number, w: number, sp: 1 | 2,
): void {
  const hp = rowMap.length;
  const wp = colMap.length;
  for (let p = 0; p < planes; p++) {
    let s = (srcOff + p * hp * wp) * sp;
    const dBase = (dstOff + p * h * w) * sp;
    for (let i = 0; i < hp; i++) {
      const r = rowMap[i]!;
      if (r < 0) {
        s += wp * sp;
        continue;
      }
      const rb = dBase + r * w * sp;
      if (sp === 1) {
        for (let j = 0; j < wp; j++, s++) {
          const c = colMap[j]!;
          if (c >= 0) dst[rb + c] += src[s]!;
        }
      } else {
        for (let j = 0; j < wp; j++, s += 2) {
          const c = colMap[j]!;
          if (c >= 0) {
            dst[rb + 2 * c] += src[s]!;
            dst[rb + 2 * c + 1] += src[s + 1]!;
          }
        }
      }
    }
  }
}

/** Padding of the last two dims: one int for all four sides, or `[left, right, top, bottom]` as in F.pad. @example `const p: Pad2dSpec = [1, 1, 0, 2];` */
export type Pad2dSpec = number | readonly [number, number, number, number];

function readPads(pad: unknown, fn: string): [number, number, number, number] {
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (ok(pad)) return [pad, pad, pad, pad];
  if (Array.isArray(pad) && pad.length === 4 && pad.every(ok)) return [pad[0], pad[1], pad[2], pad[3]];
  throw argError(fn, 'pad', 'an integer >= 0 or [left, right, top, bottom] of them', pad);
}

function checkInput(x: unknown, fn: string, arg: string): Tensor {
  if (!(x instanceof Tensor)) throw argError(fn, arg, 'a Tensor', x);
  if (x.ndim < 2) throw argError(fn, arg, 'a tensor with at least 2 dims (…, H, W)', `shape [${x.shape.join(', ')}]`);
  return x;
}

/**
 * Pads the last two dims of `x` by `pad = [left, right, top, bottom]` with a padding mode, exactly like
 * `torch.nn.functional.pad(x, pad, mode)` ('zeros' is F.pad's 'constant' with value 0).
 *
 * @example
 * ```ts
 * const x = tensor([[1, 2, 3]], { dtype: 'float64' });
 * pad2d(x, [2, 1, 0, 0], 'reflect').toArray(); // [[3, 2, 1, 2, 3, 2]]
 * ```
 */
export function pad2d(x: Tensor, pad: Pad2dSpec, mode: PaddingMode = 'zeros'): Tensor {
  const fn = 'pad2d';
  checkInput(x, fn, 'x');
  const [l, r, t, b] = readPads(pad, fn);
  checkPaddingMode(mode, fn, 'mode');
  const nd = x.ndim;
  const h = x.shape[nd - 2]!;
  const w = x.shape[nd - 1]!;
  const rowMap = padIndexMap(h, t, b, mode, fn);
  const colMap = padIndexMap(w, l, r, mode, fn);
  const planes = h * w === 0 ? x.shape.slice(0, nd - 2).reduce((a, c) => a * c, 1) : x.numel / (h * w);
  const shape = [...x.shape.slice(0, nd - 2), rowMap.length, colMap.length];
  const out = allocStorage(x.dtype, planes * rowMap.length * colMap.length);
  padGather(x.data, 0, planes, h, w, rowMap, colMap, out, 0, scalarsPer(x.dtype));
  return new Tensor(out, shape, x.dtype);
}

/**
 * The adjoint (transpose) of {@link pad2d} with the same `pad` and `mode`: takes a padded tensor `y` and sums
 * each border element back onto the pixel it was copied from, returning the unpadded size
 * `[…, H − top − bottom, W − left − right]`. So `⟨pad2d(x), y⟩ = ⟨x, pad2dAdjoint(y)⟩` for every x, y.
 * For 'zeros' it is a crop.
 *
 * @example
 * ```ts
 * const y = tensor([[1, 1, 1, 1, 1]], { dtype: 'float64' });
 * pad2dAdjoint(y, [1, 1, 0, 0], 'circular').toArray(); // [[2, 1, 2]]
 * ```
 */
export function pad2dAdjoint(y: Tensor, pad: Pad2dSpec, mode: PaddingMode = 'zeros'): Tensor {
  const fn = 'pad2dAdjoint';
  checkInput(y, fn, 'y');
  if (y.dtype === 'bool') throw argError(fn, 'y', 'a numeric (not bool) tensor, since the adjoint sums', y.dtype);
  const [l, r, t, b] = readPads(pad, fn);
  checkPaddingMode(mode, fn, 'mode');
  const nd = y.ndim;
  const hp = y.shape[nd - 2]!;
  const wp = y.shape[nd - 1]!;
  const h = hp - t - b;
  const w = wp - l - r;
  if (h < 0 || w < 0) {
    throw argError(fn, 'pad', `no larger in total than the padded size [${hp}, ${wp}] of 'y'`, [l, r, t, b]);
  }
  const rowMap = padIndexMap(h, t, b, mode, fn);
  const colMap = padIndexMap(w, l, r, mode, fn);
  const batch = y.shape.slice(0, nd - 2).reduce((a, c) => a * c, 1);
  const out = allocStorage(y.dtype, batch * h * w);
  padScatterAdd(y.data, 0, batch, rowMap, colMap, out, 0, h, w, scalarsPer(y.dtype));
  return new Tensor(out, [...y.shape.slice(0, nd - 2), h, w], y.dtype);
}
