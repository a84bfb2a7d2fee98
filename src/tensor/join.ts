/**
 * Joining tensors (concat, stack) and splitting them into views (split, chunk), with PyTorch semantics.
 */
import { AdjointError, argError, describeValue } from '../errors.js';
import { castStorage } from './cast.js';
import { allocStorage, promoteTypes, scalarsPer, type DType } from './dtype.js';
import { scatterStrided } from './kernels/strided.js';
import { contiguousStrides, normalizeDim, numel } from './shape.js';
import { Tensor } from './tensor.js';
import { makeView, unsqueeze } from './views.js';

function checkList(tensors: readonly Tensor[], fn: string): void {
  if (!Array.isArray(tensors) || tensors.length === 0) throw argError(fn, 'tensors', 'a non-empty list of tensors', tensors);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw argError(fn, `tensors[${i}]`, 'a Tensor', t);
  });
}

/**
 * Joins tensors along an existing dim. Sizes must agree outside `dim`; the dtype is the promotion of all
 * inputs (e.g. int32 with float64 gives float64), like `torch.cat`.
 *
 * @example
 * ```ts
 * concat([tensor([[1, 2]]), tensor([[3, 4]])], 0).toArray(); // [[1, 2], [3, 4]]
 * ```
 */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList(tensors, 'concat');
  const first = tensors[0]!;
  if (first.ndim === 0) throw argError('concat', 'tensors[0]', 'a tensor with at least 1 dim (0-d tensors cannot be concatenated; use stack)', 'a 0-d tensor');
  const d = normalizeDim(dim, first.ndim, 'dim', 'concat');
  let dtype: DType = first.dtype;
  let total = 0;
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s, k) => k !== d && s !== first.shape[k])) {
      throw new AdjointError(
        `concat: argument 'tensors[${i}]' has shape ${describeValue(t.shape)}, which must match ${describeValue(first.shape)} except in dim ${d}`,
        `tensors[${i}]`,
      );
    }
    dtype = promoteTypes(dtype, t.dtype);
    total += t.shape[d]!;
  });
  const outShape = first.shape.slice();
  outShape[d] = total;
  const out = allocStorage(dtype, numel(outShape));
  const strides = contiguousStrides(outShape);
  const sp = scalarsPer(dtype);
  let at = 0;
  for (const t of tensors) {
    const src = castStorage(t.data, t.dtype, dtype, t.numel);
    scatterStrided(src, out, at * strides[d]!, t.shape, strides, sp);
    at += t.shape[d]!;
  }
  return new Tensor(out, outShape, dtype);
}

/** Alias of {@link concat} (PyTorch's `torch.cat`). @example `cat([a, b], -1)` */
export const cat = concat;

/**
 * Joins same-shape tensors along a new dim `dim` (in [-ndim-1, ndim]), like `torch.stack`.
 *
 * @example
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])], 1).toArray(); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList(tensors, 'stack');
  const first = tensors[0]!;
  const d = normalizeDim(dim, first.ndim + 1, 'dim', 'stack');
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s, k) => s !== first.shape[k])) {
      throw new AdjointError(`stack: argument 'tensors[${i}]' has shape ${describeValue(t.shape)}, expected ${describeValue(first.shape)} like tensors[0]`, `tensors[${i}]`);
    }
  });
  return concat(
    tensors.map((t) => unsqueeze(t, d)),
    d,
  );
}

function narrowView(t: Tensor, d: number, start: number, len: number): Tensor {
  const shape = t.shape.slice();
  shape[d] = len;
  return makeView(t, shape, t.strides, t.offset + (len > 0 ? start * t.strides[d]! : 0));
}

/**
 * Splits into views along `dim`, like `torch.split`: a number gives pieces of that size (the last may be
 * smaller); a list gives the size of each piece (they must add up to the dim's size).
 *
 * @example
 * ```ts
 * split(arange(5), 2).map((p) => p.toArray()); // [[0, 1], [2, 3], [4]]
 * split(arange(5), [1, 4])[1].shape;           // [4]
 * ```
 */
export function split(t: Tensor, sizes: number | readonly number[], dim = 0): Tensor[] {
  if (!(t instanceof Tensor)) throw argError('split', 'input', 'a Tensor', t);
  if (t.ndim === 0) throw argError('split', 'input', 'a tensor with at least 1 dim', 'a 0-d tensor');
  const d = normalizeDim(dim, t.ndim, 'dim', 'split');
  const n = t.shape[d]!;
  const out: Tensor[] = [];
  if (typeof sizes === 'number') {
    if (!Number.isSafeInteger(sizes) || sizes < 0 || (sizes === 0 && n > 0)) throw argError('split', 'sizes', 'a positive integer', sizes);
    if (n === 0) return [narrowView(t, d, 0, 0)];
    for (let s = 0; s < n; s += sizes) out.push(narrowView(t, d, s, Math.min(sizes, n - s)));
    return out;
  }
  if (!Array.isArray(sizes) || !sizes.every((s) => Number.isSafeInteger(s) && s >= 0)) throw argError('split', 'sizes', 'a non-negative integer or a list of them', sizes);
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum !== n) throw argError('split', 'sizes', `sizes adding up to ${n} (the size of dim ${d})`, sizes);
  let s = 0;
  for (const len of sizes) {
    out.push(narrowView(t, d, s, len));
    s += len;
  }
  return out;
}

/**
 * Splits into `chunks` views of size `ceil(n / chunks)` along `dim` (the last may be smaller, and there
 * may be fewer than `chunks` pieces), like `torch.chunk`.
 *
 * @example
 * ```ts
 * chunk(arange(6), 4).map((p) => p.shape[0]); // [2, 2, 2]
 * ```
 */
export function chunk(t: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!(t instanceof Tensor)) throw argError('chunk', 'input', 'a Tensor', t);
  if (!Number.isSafeInteger(chunks) || chunks < 1) throw argError('chunk', 'chunks', 'a positive integer', chunks);
  if (t.ndim === 0) throw argError('chunk', 'input', 'a tensor with at least 1 dim', 'a 0-d tensor');
  const d = normalizeDim(dim, t.ndim, 'dim', 'chunk');
  const n = t.shape[d]!;
  // As in PyTorch, an empty dim gives `chunks` empty pieces.
  if (n === 0) return new Array<number>(chunks).fill(0).map(() => narrowView(t, d, 0, 0));
  return split(t, Math.ceil(n / chunks), d);
}

declare module './tensor.js' {
  interface Tensor {
    /** See {@link split}. @example `x.split(2, -1)` */
    split(sizes: number | readonly number[], dim?: number): Tensor[];
    /** See {@link chunk}. @example `x.chunk(3)` */
    chunk(chunks: number, dim?: number): Tensor[];
  }
}
Tensor.prototype.split = function (this: Tensor, sizes: number | readonly number[], dim?: number) {
  return split(this, sizes, dim);
};
Tensor.prototype.chunk = function (this: Tensor, chunks: number, dim?: number) {
  return chunk(this, chunks, dim);
};
