/**
 * Views: new shape/strides/offset over the same storage (no copy), with PyTorch semantics.
 * `reshape` is the one exception: it copies when no strides can express the new shape, as `torch.reshape` does.
 */
import { AdjointError, argError, describeValue } from '../errors.js';
import { isComplex } from './dtype.js';
import { broadcastShapes, contiguousStrides, normalizeDim, normalizeDims, numel } from './shape.js';
import { Tensor } from './tensor.js';

/** A list of dims or a single dim. @example `const d: DimArg = [0, -1];` */
export type DimArg = number | readonly number[];

function asDimList(d: DimArg, fn: string, arg: string): number[] {
  if (typeof d === 'number') return [d];
  if (!Array.isArray(d)) throw argError(fn, arg, 'an integer or a list of integers', d);
  return d.slice();
}

function checkTensor(t: unknown, fn: string, arg = 'input'): Tensor {
  if (!(t instanceof Tensor)) throw argError(fn, arg, 'a Tensor', t);
  return t;
}

/** @internal A view of `t` with the given layout (same storage and dtype). @example `makeView(t, [3], [2], 1)` */
export function makeView(t: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
  return new Tensor(t.storage, shape, t.dtype, strides, offset);
}

/**
 * Resolves a requested shape with at most one -1 against `n` elements.
 * @internal
 * @example `inferShape([2, -1], 6, 'reshape') // [2, 3]`
 */
export function inferShape(shape: readonly number[], n: number, fn: string, arg = 'shape'): number[] {
  if (!Array.isArray(shape)) throw argError(fn, arg, 'a list of integers (one may be -1)', shape);
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d === -1) {
      if (infer >= 0) throw argError(fn, arg, 'a shape with at most one -1', shape);
      infer = i;
    } else if (!Number.isSafeInteger(d) || d < 0) {
      throw argError(fn, arg, 'a list of non-negative integers (one may be -1)', shape);
    } else known *= d;
  }
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || n % known !== 0) {
      throw argError(fn, arg, `a shape compatible with ${n} elements (the -1 cannot be inferred)`, shape);
    }
    out[infer] = n / known;
  } else if (known !== n) {
    throw argError(fn, arg, `a shape with ${n} elements to match the input`, shape);
  }
  return out;
}

/**
 * Strides that express `newShape` over the elements of (oldShape, oldStrides) without copying, or `null`
 * when none exist. Same algorithm as PyTorch's `computeStride`: walk contiguous chunks of the old layout
 * from the innermost dim and split/merge them into the new dims.
 * @internal
 * @example `viewStrides([3, 2, 4], [4, 12, 1], [3, 2, 2, 2]) // [4, 12, 2, 1]`
 */
export function viewStrides(oldShape: readonly number[], oldStrides: readonly number[], newShape: readonly number[]): number[] | null {
  if (numel(oldShape) === 0 || oldShape.length === 0) return contiguousStrides(newShape);
  const nd = newShape.length;
  const out = new Array<number>(nd);
  let viewD = nd - 1;
  let chunkBase = oldStrides[oldStrides.length - 1]!;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let td = oldShape.length - 1; td >= 0; td--) {
    tensorNumel *= oldShape[td]!;
    // A chunk ends where the next-outer dim is not laid out right after this one.
    if (td === 0 || (oldShape[td - 1] !== 1 && oldStrides[td - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (td > 0) {
        chunkBase = oldStrides[td - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return out;
}

/**
 * A view with a new shape; throws when the strides cannot express it (use {@link reshape} to copy then).
 * One dim may be -1 (inferred).
 *
 * @example
 * ```ts
 * view(arange(6), [2, -1]).shape; // [2, 3]
 * ```
 */
export function view(t: Tensor, shape: readonly number[]): Tensor {
  checkTensor(t, 'view');
  const s = inferShape(shape, t.numel, 'view');
  const st = viewStrides(t.shape, t.strides, s);
  if (st === null) {
    throw new AdjointError(
      `view: argument 'shape' ${describeValue(s)} is not compatible with the input's size ${describeValue(t.shape)} and strides ` +
        `${describeValue(t.strides)} (at least one dim spans two non-adjacent memory chunks); use reshape(), which copies`,
      'shape',
    );
  }
  return makeView(t, s, st, t.offset);
}

/**
 * A tensor with a new shape: a view when the strides allow it, else a contiguous copy (like `torch.reshape`).
 * One dim may be -1 (inferred).
 *
 * @example
 * ```ts
 * reshape(arange(6), [3, 2]).toArray(); // [[0, 1], [2, 3], [4, 5]]
 * ```
 */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  checkTensor(t, 'reshape');
  const s = inferShape(shape, t.numel, 'reshape');
  const st = viewStrides(t.shape, t.strides, s);
  if (st !== null) return makeView(t, s, st, t.offset);
  return new Tensor(t.contiguousData(), s, t.dtype);
}

/**
 * Merges dims `startDim..endDim` (inclusive, negative allowed) into one, via {@link reshape}.
 *
 * @example
 * ```ts
 * flatten(zeros([2, 3, 4]), 1).shape; // [2, 12]
 * ```
 */
export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor(t, 'flatten');
  if (t.ndim === 0) return reshape(t, [1]);
  const a = normalizeDim(startDim, t.ndim, 'startDim', 'flatten');
  const b = normalizeDim(endDim, t.ndim, 'endDim', 'flatten');
  if (a > b) throw argError('flatten', 'startDim', `at most endDim (${b})`, startDim);
  const s = [...t.shape.slice(0, a), numel(t.shape.slice(a, b + 1)), ...t.shape.slice(b + 1)];
  return reshape(t, s);
}

/**
 * Reorders the dims: result dim i is input dim `dims[i]`.
 *
 * @example
 * ```ts
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export function permute(t: Tensor, dims: readonly number[]): Tensor {
  checkTensor(t, 'permute');
  if (!Array.isArray(dims) || dims.length !== t.ndim) throw argError('permute', 'dims', `a permutation of ${t.ndim} dims`, dims);
  const d = normalizeDims(dims, t.ndim, 'dims', 'permute');
  return makeView(t, d.map((i) => t.shape[i]!), d.map((i) => t.strides[i]!), t.offset);
}

/**
 * Swaps two dims.
 *
 * @example
 * ```ts
 * transpose(zeros([2, 3, 4]), 0, -1).shape; // [4, 3, 2]
 * ```
 */
export function transpose(t: Tensor, dim0: number, dim1: number): Tensor {
  checkTensor(t, 'transpose');
  if (t.ndim === 0) {
    normalizeDim(dim0, 0, 'dim0', 'transpose');
    normalizeDim(dim1, 0, 'dim1', 'transpose');
    return t;
  }
  const a = normalizeDim(dim0, t.ndim, 'dim0', 'transpose');
  const b = normalizeDim(dim1, t.ndim, 'dim1', 'transpose');
  const p = t.shape.map((_, i) => i);
  p[a] = b;
  p[b] = a;
  return makeView(t, p.map((i) => t.shape[i]!), p.map((i) => t.strides[i]!), t.offset);
}

/** Complex conjugate as a copy (real tensors are returned as they are). Private: `conj` belongs to another module. */
function conjCopy(t: Tensor): Tensor {
  if (!isComplex(t.dtype)) return t;
  const d = t.contiguousData();
  for (let i = 1; i < d.length; i += 2) d[i] = -d[i]!;
  return new Tensor(d, t.shape, t.dtype);
}

/**
 * Swaps the last two dims (a view), like `torch.Tensor.mT`.
 * @example `matrixTranspose(zeros([5, 2, 3])).shape // [5, 3, 2]`
 */
export function matrixTranspose(t: Tensor): Tensor {
  checkTensor(t, 'mT');
  if (t.ndim < 2) throw argError('mT', 'input', 'a tensor with at least 2 dims', `shape ${describeValue(t.shape)}`);
  return transpose(t, -2, -1);
}

/**
 * Conjugate transpose of the last two dims, like `torch.Tensor.mH`. For real dtypes this is the view `mT`;
 * for complex dtypes it is a copy (the library has no lazy conjugate bit).
 * @example `conjTranspose(x).shape // x.shape with the last two dims swapped`
 */
export function conjTranspose(t: Tensor): Tensor {
  checkTensor(t, 'mH');
  if (t.ndim < 2) throw argError('mH', 'input', 'a tensor with at least 2 dims', `shape ${describeValue(t.shape)}`);
  return conjCopy(transpose(t, -2, -1));
}

/**
 * Broadcasts size-1 dims (and new leading dims) to `shape` with stride 0, as `torch.Tensor.expand`;
 * -1 keeps a dim's size.
 *
 * @example
 * ```ts
 * expand(zeros([3, 1]), [2, -1, 4]).shape; // [2, 3, 4]
 * ```
 */
export function expand(t: Tensor, shape: readonly number[]): Tensor {
  checkTensor(t, 'expand');
  if (!Array.isArray(shape) || shape.length < t.ndim) {
    throw argError('expand', 'shape', `a list of at least ${t.ndim} sizes (the input has shape ${describeValue(t.shape)})`, shape);
  }
  const lead = shape.length - t.ndim;
  const outShape = new Array<number>(shape.length);
  const outStrides = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const want = shape[i]!;
    if (!Number.isSafeInteger(want) || want < -1) throw argError('expand', 'shape', 'a list of non-negative integers or -1', shape);
    if (i < lead) {
      if (want === -1) throw argError('expand', 'shape', `a size, not -1, for the new leading dim ${i}`, shape);
      outShape[i] = want;
      outStrides[i] = 0;
      continue;
    }
    const have = t.shape[i - lead]!;
    if (want === -1 || want === have) {
      outShape[i] = have;
      outStrides[i] = t.strides[i - lead]!;
    } else if (have === 1) {
      outShape[i] = want;
      outStrides[i] = 0;
    } else {
      throw new AdjointError(
        `expand: argument 'shape' ${describeValue(shape)} cannot expand size ${have} at dim ${i} of shape ${describeValue(t.shape)} (only size-1 dims expand)`,
        'shape',
      );
    }
  }
  return makeView(t, outShape, outStrides, t.offset);
}

/**
 * Broadcasts to `shape` under NumPy rules (a view with stride-0 dims), like `torch.broadcast_to`.
 * @example `broadcastTo(tensor([1, 2]), [3, 2]).toArray() // [[1, 2], [1, 2], [1, 2]]`
 */
export function broadcastTo(t: Tensor, shape: readonly number[]): Tensor {
  checkTensor(t, 'broadcastTo');
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw argError('broadcastTo', 'shape', 'a list of non-negative integers', shape);
  }
  const b = broadcastShapes(t.shape, shape, 'broadcastTo', ['input', 'shape']);
  if (b.length !== shape.length || b.some((d, i) => d !== shape[i])) {
    throw argError('broadcastTo', 'shape', `a shape that ${describeValue(t.shape)} broadcasts to`, shape);
  }
  return expand(t, shape);
}

/**
 * Removes size-1 dims: all of them, or those in `dim` (dims of other sizes are left alone, as in PyTorch).
 * @example `squeeze(zeros([1, 3, 1])).shape // [3]`
 */
export function squeeze(t: Tensor, dim?: DimArg): Tensor {
  checkTensor(t, 'squeeze');
  let drop: Set<number>;
  if (dim === undefined) drop = new Set(t.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0));
  else {
    if (t.ndim === 0) {
      normalizeDims(asDimList(dim, 'squeeze', 'dim'), 0, 'dim', 'squeeze');
      return t;
    }
    drop = new Set(normalizeDims(asDimList(dim, 'squeeze', 'dim'), t.ndim, 'dim', 'squeeze').filter((i) => t.shape[i] === 1));
  }
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < t.ndim; i++) {
    if (drop.has(i)) continue;
    shape.push(t.shape[i]!);
    strides.push(t.strides[i]!);
  }
  return makeView(t, shape, strides, t.offset);
}

/**
 * Inserts a size-1 dim at position `dim` (in [-ndim-1, ndim]).
 * @example `unsqueeze(zeros([3]), -1).shape // [3, 1]`
 */
export function unsqueeze(t: Tensor, dim: number): Tensor {
  checkTensor(t, 'unsqueeze');
  const d = normalizeDim(dim, t.ndim + 1, 'dim', 'unsqueeze');
  const shape = t.shape.slice();
  const strides = t.strides.slice();
  const st = d < t.ndim ? t.strides[d]! * t.shape[d]! : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, st);
  return makeView(t, shape, strides, t.offset);
}

/**
 * Reverses the order of elements along `dims`, as a view with negative strides (PyTorch copies; NumPy's
 * `flip` is a view like this one).
 *
 * @example
 * ```ts
 * flip(tensor([1, 2, 3]), 0).toArray(); // [3, 2, 1]
 * ```
 */
export function flip(t: Tensor, dims: DimArg): Tensor {
  checkTensor(t, 'flip');
  const ds = normalizeDims(asDimList(dims, 'flip', 'dims'), t.ndim, 'dims', 'flip');
  const strides = t.strides.slice();
  let offset = t.offset;
  for (const d of ds) {
    if (t.shape[d]! > 0) offset += (t.shape[d]! - 1) * strides[d]!;
    strides[d] = -strides[d]!;
  }
  return makeView(t, t.shape, strides, offset);
}

/**
 * Moves dims `source` to positions `destination`, keeping the others in order, like `torch.movedim`.
 * @example `movedim(zeros([2, 3, 4]), 0, -1).shape // [3, 4, 2]`
 */
export function movedim(t: Tensor, source: DimArg, destination: DimArg): Tensor {
  checkTensor(t, 'movedim');
  const src = normalizeDims(asDimList(source, 'movedim', 'source'), t.ndim, 'source', 'movedim');
  const dst = normalizeDims(asDimList(destination, 'movedim', 'destination'), t.ndim, 'destination', 'movedim');
  if (src.length !== dst.length) {
    throw argError('movedim', 'destination', `as many dims as 'source' (${src.length})`, asDimList(destination, 'movedim', 'destination'));
  }
  const perm = new Array<number>(t.ndim).fill(-1);
  src.forEach((s, i) => (perm[dst[i]!] = s));
  const rest = t.shape.map((_, i) => i).filter((i) => !src.includes(i));
  let k = 0;
  for (let i = 0; i < t.ndim; i++) if (perm[i] === -1) perm[i] = rest[k++]!;
  return permute(t, perm);
}

/**
 * The diagonal of the (dim1, dim2) planes as a view: those dims are removed and the diagonal is appended as
 * the last dim, like `torch.diagonal`. `offset` > 0 is above the main diagonal, < 0 below.
 *
 * @example
 * ```ts
 * diagonal(tensor([[1, 2], [3, 4]])).toArray(); // [1, 4]
 * ```
 */
export function diagonal(t: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  checkTensor(t, 'diagonal');
  if (!Number.isSafeInteger(offset)) throw argError('diagonal', 'offset', 'an integer', offset);
  if (t.ndim < 2) throw argError('diagonal', 'input', 'a tensor with at least 2 dims', `shape ${describeValue(t.shape)}`);
  const a = normalizeDim(dim1, t.ndim, 'dim1', 'diagonal');
  const b = normalizeDim(dim2, t.ndim, 'dim2', 'diagonal');
  if (a === b) throw argError('diagonal', 'dim2', `a dim different from dim1 (${a})`, dim2);
  const na = t.shape[a]!;
  const nb = t.shape[b]!;
  const len = Math.max(0, offset >= 0 ? Math.min(na, nb - offset) : Math.min(na + offset, nb));
  let off = t.offset;
  if (len > 0) off += offset >= 0 ? offset * t.strides[b]! : -offset * t.strides[a]!;
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < t.ndim; i++) {
    if (i === a || i === b) continue;
    shape.push(t.shape[i]!);
    strides.push(t.strides[i]!);
  }
  shape.push(len);
  strides.push(t.strides[a]! + t.strides[b]!);
  return makeView(t, shape, strides, off);
}

declare module './tensor.js' {
  interface Tensor {
    /** See {@link reshape}. @example `x.reshape([2, -1])` */
    reshape(shape: readonly number[]): Tensor;
    /** See {@link view}. @example `x.view([2, -1])` */
    view(shape: readonly number[]): Tensor;
    /** See {@link flatten}. @example `x.flatten(1)` */
    flatten(startDim?: number, endDim?: number): Tensor;
    /** See {@link permute}. @example `x.permute([1, 0])` */
    permute(dims: readonly number[]): Tensor;
    /** See {@link transpose}. @example `x.transpose(0, 1)` */
    transpose(dim0: number, dim1: number): Tensor;
    /** Last two dims swapped (a view). @example `x.mT` */
    readonly mT: Tensor;
    /** Conjugate transpose of the last two dims (a copy for complex). @example `x.mH` */
    readonly mH: Tensor;
    /** All dims reversed (a view). @example `x.T` */
    readonly T: Tensor;
    /** See {@link expand}. @example `x.expand([4, -1])` */
    expand(shape: readonly number[]): Tensor;
    /** See {@link broadcastTo}. @example `x.broadcastTo([4, 3])` */
    broadcastTo(shape: readonly number[]): Tensor;
    /** See {@link squeeze}. @example `x.squeeze()` */
    squeeze(dim?: DimArg): Tensor;
    /** See {@link unsqueeze}. @example `x.unsqueeze(0)` */
    unsqueeze(dim: number): Tensor;
    /** See {@link flip}. @example `x.flip(0)` */
    flip(dims: DimArg): Tensor;
    /** See {@link movedim}. @example `x.movedim(0, -1)` */
    movedim(source: DimArg, destination: DimArg): Tensor;
    /** See {@link diagonal}. @example `x.diagonal()` */
    diagonal(offset?: number, dim1?: number, dim2?: number): Tensor;
  }
}

Tensor.prototype.reshape = function (this: Tensor, shape: readonly number[]) {
  return reshape(this, shape);
};
Tensor.prototype.view = function (this: Tensor, shape: readonly number[]) {
  return view(this, shape);
};
Tensor.prototype.flatten = function (this: Tensor, startDim?: number, endDim?: number) {
  return flatten(this, startDim, endDim);
};
Tensor.prototype.permute = function (this: Tensor, dims: readonly number[]) {
  return permute(this, dims);
};
Tensor.prototype.transpose = function (this: Tensor, dim0: number, dim1: number) {
  return transpose(this, dim0, dim1);
};
Object.defineProperty(Tensor.prototype, 'mT', {
  get(this: Tensor) {
    return matrixTranspose(this);
  },
  configurable: true,
});
Object.defineProperty(Tensor.prototype, 'mH', {
  get(this: Tensor) {
    return conjTranspose(this);
  },
  configurable: true,
});
Object.defineProperty(Tensor.prototype, 'T', {
  get(this: Tensor) {
    return permute(
      this,
      this.shape.map((_, i) => this.ndim - 1 - i),
    );
  },
  configurable: true,
});
Tensor.prototype.expand = function (this: Tensor, shape: readonly number[]) {
  return expand(this, shape);
};
Tensor.prototype.broadcastTo = function (this: Tensor, shape: readonly number[]) {
  return broadcastTo(this, shape);
};
Tensor.prototype.squeeze = function (this: Tensor, dim?: DimArg) {
  return squeeze(this, dim);
};
Tensor.prototype.unsqueeze = function (this: Tensor, dim: number) {
  return unsqueeze(this, dim);
};
Tensor.prototype.flip = function (this: Tensor, dims: DimArg) {
  return flip(this, dims);
};
Tensor.prototype.movedim = function (this: Tensor, source: DimArg, destination: DimArg) {
  return movedim(this, source, destination);
};
Tensor.prototype.diagonal = function (this: Tensor, offset?: number, dim1?: number, dim2?: number) {
  return diagonal(this, offset, dim1, dim2);
};
