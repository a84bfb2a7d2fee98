/**
 * NumPy-style basic indexing (views), index-based selection (copies) and writes into indexed regions.
 *
 * One index spec per dim, as in `x[1, 2:5, ..., None, ::-1]` in NumPy:
 * - an integer selects one position and drops the dim (negative counts from the end);
 * - a Python slice string `'start:stop:step'` (any part may be empty, negatives allowed, clamped like Python)
 *   or an object `{ start, stop, step }` keeps the dim;
 * - `'...'` stands for as many `':'` as needed (at most one);
 * - `null` (or the string `'None'`) inserts a new size-1 axis, like `numpy.newaxis`.
 * A single string may hold several comma-separated specs: `x.index('1:, ..., -1')`.
 */
import { AdjointError, argError, describeValue } from '../errors.js';
import { castStorage } from './cast.js';
import { allocStorage, isComplex, scalarsPer, type DType } from './dtype.js';
import { gatherStrided, scatterStrided } from './kernels/strided.js';
import { contiguousStrides, normalizeDim, numel } from './shape.js';
import { Tensor, type TensorLike } from './tensor.js';
import { broadcastTo, makeView } from './views.js';

/**
 * A range along one dim, like Python's `slice(start, stop, step)`; omitted or null parts take Python's defaults.
 * @example `x.index({ start: -3, step: 2 })  // x[-3::2]`
 */
export interface SliceSpec {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}

/** One entry of an index expression: see the module docs. @example `const s: IndexSpec[] = [0, '1:', '...', null];` */
export type IndexSpec = number | string | null | SliceSpec;

type Parsed = { kind: 'int'; i: number } | { kind: 'slice'; start: number | null; stop: number | null; step: number | null } | { kind: 'new' } | { kind: 'ellipsis' };

function parseIntStrict(s: string, fn: string, arg: string, whole: string): number | null {
  const t = s.trim();
  if (t === '') return null;
  if (!/^[+-]?\d+$/.test(t)) throw argError(fn, arg, "an index expression of integers, 'a:b:c' slices, '...' or 'None'", whole);
  return Number(t);
}

function parseString(s: string, fn: string, arg: string): Parsed[] {
  const out: Parsed[] = [];
  for (const part of s.split(',')) {
    const p = part.trim();
    if (p === '...') out.push({ kind: 'ellipsis' });
    else if (p === 'None' || p === 'newaxis') out.push({ kind: 'new' });
    else if (p.includes(':')) {
      const bits = p.split(':');
      if (bits.length > 3) throw argError(fn, arg, "slices of the form 'start:stop:step'", s);
      const [a, b, c] = bits.map((x) => parseIntStrict(x, fn, arg, s));
      out.push({ kind: 'slice', start: a ?? null, stop: b ?? null, step: c ?? null });
    } else {
      const i = parseIntStrict(p, fn, arg, s);
      if (i === null) throw argError(fn, arg, 'no empty entries between commas', s);
      out.push({ kind: 'int', i });
    }
  }
  return out;
}

function parseSpecs(specs: readonly IndexSpec[], fn: string, arg: string): Parsed[] {
  const out: Parsed[] = [];
  for (const s of specs) {
    if (s === null) out.push({ kind: 'new' });
    else if (typeof s === 'number') {
      if (!Number.isSafeInteger(s)) throw argError(fn, arg, 'integer indices', describeValue(specs));
      out.push({ kind: 'int', i: s });
    } else if (typeof s === 'string') out.push(...parseString(s, fn, arg));
    else if (typeof s === 'object' && !Array.isArray(s)) {
      const part = (v: unknown, name: string): number | null => {
        if (v === undefined || v === null) return null;
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw argError(fn, arg, `slice objects with integer '${name}'`, v);
        return v;
      };
      out.push({ kind: 'slice', start: part(s.start, 'start'), stop: part(s.stop, 'stop'), step: part(s.step, 'step') });
    } else throw argError(fn, arg, "index specs: integers, 'a:b:c' strings, {start, stop, step}, '...' or null", s);
  }
  return out;
}

/**
 * Python's `slice.indices(n)` followed by the length: clamps start/stop into range for the step's direction.
 * @internal
 * @example `sliceIndices(null, null, -1, 5) // { start: 4, step: -1, count: 5 }`
 */
export function sliceIndices(start: number | null, stop: number | null, step: number | null, n: number): { start: number; step: number; count: number } {
  const st = step ?? 1;
  let a: number;
  let b: number;
  if (st > 0) {
    a = start === null ? 0 : start < 0 ? Math.max(0, start + n) : Math.min(start, n);
    b = stop === null ? n : stop < 0 ? Math.max(0, stop + n) : Math.min(stop, n);
  } else {
    a = start === null ? n - 1 : start < 0 ? Math.max(-1, start + n) : Math.min(start, n - 1);
    b = stop === null ? -1 : stop < 0 ? Math.max(-1, stop + n) : Math.min(stop, n - 1);
  }
  const count = st > 0 ? Math.max(0, Math.ceil((b - a) / st)) : Math.max(0, Math.ceil((a - b) / -st));
  return { start: a, step: st, count };
}

/**
 * Basic indexing: a view selected by one spec per dim (see the module docs for the specs).
 *
 * @example
 * ```ts
 * const x = arange(24).reshape([2, 3, 4]);
 * index(x, 1, '::2', -1).toArray();  // [15, 23]  (x[1, ::2, -1])
 * index(x, '..., 1:3').shape;        // [2, 3, 2]
 * index(x, null, 0).shape;           // [1, 3, 4]
 * ```
 */
export function index(t: Tensor, ...specs: IndexSpec[]): Tensor {
  return indexWith(t, specs, 'index');
}

function indexWith(t: Tensor, specs: readonly IndexSpec[], fn: string): Tensor {
  if (!(t instanceof Tensor)) throw argError(fn, 'input', 'a Tensor', t);
  const parsed = parseSpecs(specs, fn, 'specs');
  const nEll = parsed.filter((p) => p.kind === 'ellipsis').length;
  if (nEll > 1) throw argError(fn, 'specs', "at most one '...'", describeValue(specs));
  const consumed = parsed.filter((p) => p.kind === 'int' || p.kind === 'slice').length;
  if (consumed > t.ndim) {
    throw new AdjointError(`${fn}: argument 'specs' has too many indices for a ${t.ndim}-d tensor of shape ${describeValue(t.shape)}: ${consumed} given`, 'specs');
  }
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = t.offset;
  let d = 0;
  const keepRest = (until: number): void => {
    for (; d < until; d++) {
      shape.push(t.shape[d]!);
      strides.push(t.strides[d]!);
    }
  };
  for (const p of parsed) {
    if (p.kind === 'ellipsis') keepRest(d + (t.ndim - consumed));
    else if (p.kind === 'new') {
      shape.push(1);
      strides.push(d < t.ndim ? t.strides[d]! * t.shape[d]! : 1);
    } else if (p.kind === 'int') {
      const n = t.shape[d]!;
      if (p.i < -n || p.i >= n) {
        throw new AdjointError(`${fn}: argument 'specs' holds index ${p.i}, out of range for dim ${d} of size ${n} (shape ${describeValue(t.shape)})`, 'specs');
      }
      offset += (p.i < 0 ? p.i + n : p.i) * t.strides[d]!;
      d++;
    } else {
      if (p.step === 0) throw argError(fn, 'specs', 'slices with a non-zero step', describeValue(specs));
      const s = sliceIndices(p.start, p.stop, p.step, t.shape[d]!);
      if (s.count > 0) offset += s.start * t.strides[d]!;
      shape.push(s.count);
      strides.push(t.strides[d]! * s.step);
      d++;
    }
  }
  keepRest(t.ndim);
  return makeView(t, shape, strides, offset);
}

/** Converts a tensor or number-like into a tensor, giving a JS scalar the dtype `like` (or float64). */
function asTensor(v: TensorLike | readonly number[], fn: string, arg: string, like?: DType): Tensor {
  if (v instanceof Tensor) return v;
  if (typeof v === 'number' || typeof v === 'boolean') {
    const dt = like ?? (typeof v === 'boolean' ? 'bool' : 'float64');
    return new Tensor(castStorage(new Float64Array([Number(v)]), 'float64', dt, 1), [], dt);
  }
  throw argError(fn, arg, 'a Tensor, number or boolean', v);
}

/**
 * Writes `value` (broadcast to the indexed region, cast to `t`'s dtype) into `t` at `specs`, in place, like
 * `x[specs] = value` in NumPy. Returns `t`. A complex value into a real tensor is an error (it would lose the
 * imaginary part). The value is copied first, so it may overlap `t`.
 *
 * @example
 * ```ts
 * const x = zeros([3, 3]);
 * setIndex(x, [':', 0], 1);           // first column = 1
 * setIndex(x, ['1:'], tensor([7, 8, 9]));
 * ```
 */
export function setIndex(t: Tensor, specs: IndexSpec | readonly IndexSpec[], value: TensorLike): Tensor {
  const list = Array.isArray(specs) ? (specs as readonly IndexSpec[]) : [specs as IndexSpec];
  const region = indexWith(t, list, 'setIndex');
  writeInto(region, value, 'setIndex');
  return t;
}

function writeInto(region: Tensor, value: TensorLike, fn: string): void {
  const v = asTensor(value, fn, 'value', region.dtype);
  if (isComplex(v.dtype) && !isComplex(region.dtype)) {
    throw argError(fn, 'value', `a real value for a '${region.dtype}' tensor (casting would drop the imaginary part)`, v.dtype);
  }
  const b = broadcastTo(v, region.shape);
  const n = region.numel;
  // Copy before writing: the value may be a view of the same storage.
  const src = castStorage(b.contiguousData(), v.dtype, region.dtype, n);
  scatterStrided(src, region.storage, region.offset, region.shape, region.strides, scalarsPer(region.dtype));
}

function indexList(indices: Tensor | readonly number[], fn: string, arg: string): { idx: Int32Array | Float64Array; shape: number[] } {
  if (indices instanceof Tensor) {
    if (indices.dtype !== 'int32') throw argError(fn, arg, 'an int32 tensor of indices', indices.dtype);
    return { idx: indices.data as Int32Array, shape: indices.shape.slice() };
  }
  if (!Array.isArray(indices) || !indices.every((i) => Number.isSafeInteger(i))) throw argError(fn, arg, 'an int32 tensor or a list of integers', indices);
  return { idx: Float64Array.from(indices), shape: [indices.length] };
}

function checkIndex(i: number, n: number, fn: string, arg: string, where: string): number {
  if (i < -n || i >= n) throw new AdjointError(`${fn}: argument '${arg}' holds index ${i}, out of range for ${where} of size ${n}`, arg);
  return i < 0 ? i + n : i;
}

/**
 * Picks entries along `dim` by a 1-D list of indices (negative allowed, unlike PyTorch), as a copy, like
 * `torch.index_select`. The result has `indices.length` at `dim`.
 *
 * @example
 * ```ts
 * indexSelect(tensor([[1, 2], [3, 4], [5, 6]]), 0, [2, 0]).toArray(); // [[5, 6], [1, 2]]
 * ```
 */
export function indexSelect(t: Tensor, dim: number, indices: Tensor | readonly number[]): Tensor {
  if (!(t instanceof Tensor)) throw argError('indexSelect', 'input', 'a Tensor', t);
  const d = normalizeDim(dim, t.ndim, 'dim', 'indexSelect');
  const { idx, shape: ishape } = indexList(indices, 'indexSelect', 'indices');
  if (ishape.length > 1) throw argError('indexSelect', 'indices', 'a 1-D list of indices', `shape ${describeValue(ishape)}`);
  // A 0-d input behaves as 1-D of size 1, as in PyTorch.
  if (t.ndim === 0) t = makeView(t, [1], [1], t.offset);
  const n = t.shape[d]!;
  const outShape = t.shape.slice();
  outShape[d] = idx.length;
  const sp = scalarsPer(t.dtype);
  const out = allocStorage(t.dtype, numel(outShape));
  const outStrides = contiguousStrides(outShape);
  const sliceShape = t.shape.filter((_, i) => i !== d);
  const srcStrides = t.strides.filter((_, i) => i !== d);
  const dstStrides = outStrides.filter((_, i) => i !== d);
  const tmp = allocStorage(t.dtype, numel(sliceShape));
  for (let k = 0; k < idx.length; k++) {
    const i = checkIndex(idx[k]!, n, 'indexSelect', 'indices', `dim ${d}`);
    gatherStrided(t.storage, t.offset + i * t.strides[d]!, sliceShape, srcStrides, tmp, sp);
    scatterStrided(tmp, out, k * outStrides[d]!, sliceShape, dstStrides, sp);
  }
  return new Tensor(out, outShape, t.dtype);
}

/**
 * Reads elements at flat C-order indices of `t` (negative allowed), like `torch.take`; the result has the
 * shape of `indices`.
 *
 * @example
 * ```ts
 * take(tensor([[1, 2], [3, 4]]), [3, 0]).toArray(); // [4, 1]
 * ```
 */
export function take(t: Tensor, indices: Tensor | readonly number[]): Tensor {
  if (!(t instanceof Tensor)) throw argError('take', 'input', 'a Tensor', t);
  const { idx, shape } = indexList(indices, 'take', 'indices');
  const src = t.data;
  const sp = scalarsPer(t.dtype);
  const out = allocStorage(t.dtype, idx.length);
  const n = t.numel;
  for (let k = 0; k < idx.length; k++) {
    const i = checkIndex(idx[k]!, n, 'take', 'indices', 'the flattened input');
    for (let c = 0; c < sp; c++) out[k * sp + c] = src[i * sp + c]!;
  }
  return new Tensor(out, shape, t.dtype);
}

/**
 * Gathers along `dim` with an index tensor of the same rank, like `torch.gather`:
 * `out[i][j][k] = t[i][index[i][j][k]][k]` for `dim = 1`. Sizes of `index` may not exceed those of `t`
 * outside `dim`. Negative indices count from the end (PyTorch rejects them).
 *
 * @example
 * ```ts
 * gather(tensor([[1, 2], [3, 4]]), 1, tensor([[0, 0], [1, 0]], { dtype: 'int32' })).toArray(); // [[1, 1], [4, 3]]
 * ```
 */
export function gather(t: Tensor, dim: number, indices: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw argError('gather', 'input', 'a Tensor', t);
  if (!(indices instanceof Tensor) || indices.dtype !== 'int32') throw argError('gather', 'indices', 'an int32 tensor', indices instanceof Tensor ? indices.dtype : indices);
  const nd = Math.max(t.ndim, 1);
  const d = normalizeDim(dim, t.ndim, 'dim', 'gather');
  if (indices.ndim !== t.ndim) throw argError('gather', 'indices', `a tensor with ${t.ndim} dims like the input`, `shape ${describeValue(indices.shape)}`);
  const tShape = t.ndim === 0 ? [1] : t.shape;
  const tStrides = t.ndim === 0 ? [0] : t.strides;
  const iShape = indices.ndim === 0 ? [1] : indices.shape;
  for (let k = 0; k < nd; k++) {
    if (k !== d && iShape[k]! > tShape[k]!) {
      throw argError('gather', 'indices', `sizes no larger than the input's outside dim ${d} (input ${describeValue(t.shape)})`, `shape ${describeValue(indices.shape)}`);
    }
  }
  const idx = indices.data as Int32Array;
  const m = idx.length;
  const sp = scalarsPer(t.dtype);
  const out = allocStorage(t.dtype, m);
  const pos = new Array<number>(nd).fill(0);
  const n = tShape[d]!;
  for (let e = 0; e < m; e++) {
    let off = t.offset;
    for (let k = 0; k < nd; k++) if (k !== d) off += pos[k]! * tStrides[k]!;
    off += checkIndex(idx[e]!, n, 'gather', 'indices', `dim ${d}`) * tStrides[d]!;
    for (let c = 0; c < sp; c++) out[e * sp + c] = t.storage[off * sp + c]!;
    for (let k = nd - 1; k >= 0; k--) {
      if (++pos[k]! < iShape[k]!) break;
      pos[k] = 0;
    }
  }
  return new Tensor(out, indices.shape, t.dtype);
}

declare module './tensor.js' {
  interface Tensor {
    /** Basic indexing as a view: see {@link index}. @example `x.index(0, '1:', '...', null)` */
    index(...specs: IndexSpec[]): Tensor;
    /** In-place write into an indexed region: see {@link setIndex}. @example `x.setIndex([':', 0], 1)` */
    setIndex(specs: IndexSpec | readonly IndexSpec[], value: TensorLike): Tensor;
    /** See {@link indexSelect}. @example `x.indexSelect(0, [2, 0])` */
    indexSelect(dim: number, indices: Tensor | readonly number[]): Tensor;
    /** See {@link take}. @example `x.take([0, 3])` */
    take(indices: Tensor | readonly number[]): Tensor;
    /** See {@link gather}. @example `x.gather(1, idx)` */
    gather(dim: number, indices: Tensor): Tensor;
  }
}
Tensor.prototype.index = function (this: Tensor, ...specs: IndexSpec[]) {
  return indexWith(this, specs, 'index');
};
Tensor.prototype.setIndex = function (this: Tensor, specs: IndexSpec | readonly IndexSpec[], value: TensorLike) {
  return setIndex(this, specs, value);
};
Tensor.prototype.indexSelect = function (this: Tensor, dim: number, indices: Tensor | readonly number[]) {
  return indexSelect(this, dim, indices);
};
Tensor.prototype.take = function (this: Tensor, indices: Tensor | readonly number[]) {
  return take(this, indices);
};
Tensor.prototype.gather = function (this: Tensor, dim: number, indices: Tensor) {
  return gather(this, dim, indices);
};
