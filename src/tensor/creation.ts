import { AdjointError, argError } from '../errors.js';
import { castStorage } from './cast.js';
import { allocStorage, checkDType, complexDtypeOf, isComplex, promoteTypes, type DType, type Storage } from './dtype.js';
import { gatherStrided } from './kernels/strided.js';
import { broadcastShapes, broadcastStrides, checkShape, numel } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';

/** Options shared by the creation functions. */
export interface CreationOptions {
  /** Element type; defaults to {@link getDefaultDtype} for numbers. */
  dtype?: DType;
}

let defaultDtype: 'float32' | 'float64' = 'float32';

/**
 * Sets the dtype that JS numbers become when no dtype is given (PyTorch's `torch.set_default_dtype`).
 * It starts as `'float32'`, as in PyTorch.
 *
 * @example
 * ```ts
 * setDefaultDtype('float64');
 * tensor([1, 2]).dtype; // 'float64'
 * ```
 */
export function setDefaultDtype(dtype: 'float32' | 'float64'): void {
  if (dtype !== 'float32' && dtype !== 'float64') throw argError('setDefaultDtype', 'dtype', "'float32' or 'float64'", dtype);
  defaultDtype = dtype;
}

/** The dtype JS numbers become by default. @example `getDefaultDtype() // 'float32'` */
export function getDefaultDtype(): 'float32' | 'float64' {
  return defaultDtype;
}

/** Data accepted by {@link tensor}. */
export type TensorData = NestedArray | Float32Array | Float64Array | Int32Array | Uint8Array | readonly number[] | Tensor;

function typedDtype(d: ArrayBufferView): DType | undefined {
  if (d instanceof Float64Array) return 'float64';
  if (d instanceof Float32Array) return 'float32';
  if (d instanceof Int32Array) return 'int32';
  if (d instanceof Uint8Array) return 'bool';
  return undefined;
}

/** Infers the shape of nested arrays; complex dtypes read innermost `[re, im]` pairs as elements. */
function nestedShape(data: unknown, complexPairs: boolean): number[] {
  const shape: number[] = [];
  let cur: unknown = data;
  while (Array.isArray(cur)) {
    if (complexPairs && cur.length === 2 && typeof cur[0] === 'number' && typeof cur[1] === 'number') break;
    shape.push(cur.length);
    if (cur.length === 0) break;
    cur = cur[0];
  }
  return shape;
}

function fillNested(data: unknown, shape: number[], complexPairs: boolean, out: number[], path: string): void {
  const rec = (v: unknown, dim: number, where: string): void => {
    if (dim === shape.length) {
      if (complexPairs) {
        if (typeof v === 'number') out.push(v, 0);
        else if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number') out.push(v[0], v[1]);
        else throw argError('tensor', 'data', `a number or an [re, im] pair at ${where}`, v);
        return;
      }
      if (typeof v === 'number') out.push(v);
      else if (typeof v === 'boolean') out.push(v ? 1 : 0);
      else throw argError('tensor', 'data', `a number or boolean at ${where} (ragged nesting?)`, v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw argError('tensor', 'data', `a rectangular nested array: expected length ${shape[dim]} at ${where}`, Array.isArray(v) ? `length ${v.length}` : v);
    }
    for (let i = 0; i < v.length; i++) rec(v[i], dim + 1, `${where}[${i}]`);
  };
  rec(data, 0, path);
}

function hasBooleanLeaf(data: unknown): boolean {
  let cur: unknown = data;
  while (Array.isArray(cur) && cur.length > 0) cur = cur[0];
  return typeof cur === 'boolean';
}

/**
 * Creates a tensor from nested arrays, a number, or a typed array (which is copied).
 * - Numbers become the default dtype (`'float32'`, as in PyTorch) unless `dtype` is given; booleans become `'bool'`.
 * - Typed arrays keep their type: Float64Array → float64, Float32Array → float32, Int32Array → int32, Uint8Array → bool.
 *   With a complex `dtype`, a typed array is read as interleaved re/im.
 * - With a complex `dtype`, nested entries may be `[re, im]` pairs or plain real numbers.
 * - `shape` reshapes flat data (its element count must match).
 *
 * @example
 * ```ts
 * tensor([[1, 2], [3, 4]], { dtype: 'float64' });
 * tensor([[1, 0], [0, 1]], { dtype: 'complex128' });          // shape [2]: 1 and i
 * tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
 * ```
 */
export function tensor(data: TensorData, options: CreationOptions & { shape?: readonly number[] } = {}): Tensor {
  const dtype = options.dtype === undefined ? undefined : checkDType(options.dtype, 'dtype', 'tensor');
  let storage: Storage;
  let dt: DType;
  let shape: number[];
  if (data instanceof Tensor) {
    dt = dtype ?? data.dtype;
    storage = castStorage(data.data, data.dtype, dt, data.numel);
    shape = data.shape.slice();
  } else if (ArrayBuffer.isView(data)) {
    const td = typedDtype(data);
    if (td === undefined) throw argError('tensor', 'data', 'a Float32Array, Float64Array, Int32Array or Uint8Array', data);
    dt = dtype ?? td;
    const src = data as Storage;
    if (isComplex(dt)) {
      if (src.length % 2 !== 0) throw argError('tensor', 'data', `interleaved re/im values (an even length) for dtype '${dt}'`, `length ${src.length}`);
      const real: DType = dt === 'complex64' ? 'float32' : 'float64';
      const asReal = castStorage(src, td, real, src.length);
      storage = allocStorage(dt, src.length / 2);
      storage.set(asReal as never);
      shape = [src.length / 2];
    } else {
      storage = castStorage(src, td, dt, src.length);
      shape = [src.length];
    }
  } else if (typeof data === 'number' || typeof data === 'boolean') {
    dt = dtype ?? (typeof data === 'boolean' ? 'bool' : defaultDtype);
    storage = castStorage(new Float64Array([Number(data)]), 'float64', dt, 1);
    shape = [];
  } else if (Array.isArray(data)) {
    const pairs = dtype !== undefined && isComplex(dtype);
    shape = nestedShape(data, pairs);
    const flat: number[] = [];
    fillNested(data, shape, pairs, flat, 'data');
    dt = dtype ?? (hasBooleanLeaf(data) ? 'bool' : defaultDtype);
    const src = new Float64Array(flat);
    if (pairs) {
      storage = allocStorage(dt, flat.length / 2);
      storage.set(src as never);
    } else storage = castStorage(src, 'float64', dt, flat.length);
  } else {
    throw argError('tensor', 'data', 'a number, boolean, nested array, typed array or Tensor', data);
  }
  if (options.shape !== undefined) {
    const s = checkShape(options.shape, 'shape', 'tensor');
    if (numel(s) !== numel(shape)) {
      throw argError('tensor', 'shape', `a shape with ${numel(shape)} elements to match 'data'`, s);
    }
    shape = s;
  }
  return new Tensor(storage, shape, dt);
}

/**
 * A tensor filled with `value`.
 * @example `full([2, 2], 7, { dtype: 'int32' })`
 */
export function full(shape: readonly number[] | number, value: number | boolean | readonly [number, number], options: CreationOptions = {}): Tensor {
  const s = checkShape(shape, 'shape', 'full');
  const isPair = Array.isArray(value);
  const dt = options.dtype === undefined ? (isPair ? complexDtypeOf(defaultDtype) : typeof value === 'boolean' ? 'bool' : defaultDtype) : checkDType(options.dtype, 'dtype', 'full');
  const n = numel(s);
  const storage = allocStorage(dt, n);
  if (isComplex(dt)) {
    const [re, im] = isPair ? (value as readonly [number, number]) : [Number(value), 0];
    for (let i = 0; i < n; i++) {
      storage[2 * i] = re;
      storage[2 * i + 1] = im;
    }
  } else {
    if (isPair) throw argError('full', 'value', `a real number for dtype '${dt}'`, value);
    const one = castStorage(new Float64Array([Number(value)]), 'float64', dt, 1);
    storage.fill(one[0]!);
  }
  return new Tensor(storage, s, dt);
}

/** A tensor of zeros. @example `zeros([2, 3], { dtype: 'complex128' })` */
export function zeros(shape: readonly number[] | number, options: CreationOptions = {}): Tensor {
  const s = checkShape(shape, 'shape', 'zeros');
  const dt = options.dtype === undefined ? defaultDtype : checkDType(options.dtype, 'dtype', 'zeros');
  return new Tensor(allocStorage(dt, numel(s)), s, dt);
}

/** A tensor of ones. @example `ones([3], { dtype: 'float64' })` */
export function ones(shape: readonly number[] | number, options: CreationOptions = {}): Tensor {
  return full(shape, 1, { dtype: options.dtype ?? defaultDtype });
}

/** Zeros with the shape and dtype of `t`. @example `zerosLike(x)` */
export function zerosLike(t: Tensor, options: CreationOptions = {}): Tensor {
  return zeros(t.shape, { dtype: options.dtype ?? t.dtype });
}

/** Ones with the shape and dtype of `t`. @example `onesLike(x)` */
export function onesLike(t: Tensor, options: CreationOptions = {}): Tensor {
  return ones(t.shape, { dtype: options.dtype ?? t.dtype });
}

/**
 * An n×m matrix with ones on the diagonal (m defaults to n).
 * @example `eye(3, 3, { dtype: 'float64' })`
 */
export function eye(n: number, m: number = n, options: CreationOptions = {}): Tensor {
  checkShape([n], 'n', 'eye');
  checkShape([m], 'm', 'eye');
  const t = zeros([n, m], options);
  const sp = isComplex(t.dtype) ? 2 : 1;
  for (let i = 0; i < Math.min(n, m); i++) t.storage[(i * m + i) * sp] = 1;
  return t;
}

/**
 * Values from `start` (inclusive) to `end` (exclusive) in steps of `step`, like `torch.arange`.
 * With one argument it counts from 0. The dtype is int32 when all arguments are integers, else the default float.
 *
 * @example
 * ```ts
 * arange(5);          // [0, 1, 2, 3, 4] int32
 * arange(0, 1, 0.25); // [0, 0.25, 0.5, 0.75] float32
 * ```
 */
export function arange(start: number, end?: number, step = 1, options: CreationOptions = {}): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  for (const [name, v] of [['start', start], ['end', end], ['step', step]] as const) {
    if (!Number.isFinite(v)) throw argError('arange', name, 'a finite number', v);
  }
  if (step === 0) throw argError('arange', 'step', 'non-zero', step);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const allInt = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dt = options.dtype === undefined ? (allInt ? 'int32' : defaultDtype) : checkDType(options.dtype, 'dtype', 'arange');
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = start + i * step;
  return new Tensor(castStorage(vals, 'float64', dt, n), [n], dt);
}

/**
 * `steps` evenly spaced values from `start` to `end`, both included, like `torch.linspace`.
 * @example `linspace(0, 1, 5) // [0, 0.25, 0.5, 0.75, 1]`
 */
export function linspace(start: number, end: number, steps: number, options: CreationOptions = {}): Tensor {
  if (!Number.isSafeInteger(steps) || steps < 0) throw argError('linspace', 'steps', 'a non-negative integer', steps);
  const dt = options.dtype === undefined ? defaultDtype : checkDType(options.dtype, 'dtype', 'linspace');
  const vals = new Float64Array(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill from both ends, as PyTorch does, so that the last value is exactly `end`.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) vals[i] = i < half ? start + i * step : end - (steps - 1 - i) * step;
  return new Tensor(castStorage(vals, 'float64', dt, steps), [steps], dt);
}

function asTensor(v: Tensor | NestedArray | Float32Array | Float64Array, arg: string): Tensor {
  if (v instanceof Tensor) return v;
  try {
    return tensor(v as TensorData);
  } catch (e) {
    if (e instanceof AdjointError) throw argError('complex', arg, 'a real tensor or array', v);
    throw e;
  }
}

/**
 * Builds a complex tensor from real and imaginary parts (broadcast together), like `torch.complex`.
 * float32 parts give complex64; anything involving float64 gives complex128.
 *
 * @example
 * ```ts
 * complex(tensor([1, 2], { dtype: 'float64' }), tensor([0, -1], { dtype: 'float64' })); // [1+0i, 2-1i]
 * ```
 */
export function complex(re: Tensor | NestedArray | Float64Array | Float32Array, im: Tensor | NestedArray | Float64Array | Float32Array): Tensor {
  const r = asTensor(re, 're');
  const i = asTensor(im, 'im');
  if (isComplex(r.dtype)) throw argError('complex', 're', 'a real tensor', r.dtype);
  if (isComplex(i.dtype)) throw argError('complex', 'im', 'a real tensor', i.dtype);
  const shape = broadcastShapes(r.shape, i.shape, 'complex', ['re', 'im']);
  const dt = complexDtypeOf(promoteTypes(r.dtype === 'float32' ? 'float32' : 'float64', i.dtype === 'float32' ? 'float32' : 'float64'));
  const n = numel(shape);
  const rs = allocStorage('float64', n);
  const is = allocStorage('float64', n);
  gatherStrided(castStorage(r.storage, r.dtype, 'float64', r.storage.length), r.offset, shape, broadcastStrides(r.shape, r.strides, shape), rs, 1);
  gatherStrided(castStorage(i.storage, i.dtype, 'float64', i.storage.length), i.offset, shape, broadcastStrides(i.shape, i.strides, shape), is, 1);
  const out = allocStorage(dt, n);
  for (let k = 0; k < n; k++) {
    out[2 * k] = rs[k]!;
    out[2 * k + 1] = is[k]!;
  }
  return new Tensor(out, shape, dt);
}
