import { AdjointError, argError, describeValue } from '../errors.js';

/** Product of the dimensions. @example `numel([2, 3]) // 6` */
export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** C-order (row-major) strides, in elements. @example `contiguousStrides([2, 3, 4]) // [12, 4, 1]` */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Validates a shape: a list of non-negative safe integers. @example `checkShape([2, 3], 'shape', 'zeros')` */
export function checkShape(shape: unknown, arg: string, fn: string): number[] {
  if (typeof shape === 'number') shape = [shape];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw argError(fn, arg, 'a list of non-negative integers', shape);
  }
  return shape.slice() as number[];
}

/**
 * NumPy broadcasting of two shapes: align from the right; each pair of sizes must be equal or one of them 1.
 *
 * @example
 * ```ts
 * broadcastShapes([3, 1], [4]); // [3, 4]
 * ```
 */
export function broadcastShapes(a: readonly number[], b: readonly number[], fn = 'broadcast', names: [string, string] = ['a', 'b']): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else {
      throw new AdjointError(
        `${fn}: shapes of '${names[0]}' ${describeValue(a)} and '${names[1]}' ${describeValue(b)} cannot be broadcast together ` +
          `(size ${da} vs ${db} at dimension ${i - n})`,
        names[1],
      );
    }
  }
  return out;
}

/**
 * Strides that read a tensor of `shape`/`strides` as if broadcast to `target`: broadcast dims get stride 0.
 * @example `broadcastStrides([3, 1], [1, 1], [2, 3, 4]) // [0, 1, 0]`
 */
export function broadcastStrides(shape: readonly number[], strides: readonly number[], target: readonly number[]): number[] {
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[i + off] = shape[i] === 1 && target[i + off] !== 1 ? 0 : strides[i]!;
  return out;
}

/** Normalises a possibly negative dim into [0, ndim). @example `normalizeDim(-1, 3, 'dim', 'sum') // 2` */
export function normalizeDim(dim: number, ndim: number, arg = 'dim', fn = 'adjoint'): number {
  if (!Number.isInteger(dim) || dim < -Math.max(ndim, 1) || dim >= Math.max(ndim, 1)) {
    throw argError(fn, arg, `an integer in [${-Math.max(ndim, 1)}, ${Math.max(ndim, 1) - 1}] for a ${ndim}-d tensor`, dim);
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Normalises a list of dims, rejecting repeats. @example `normalizeDims([0, -1], 3, 'dim', 'sum') // [0, 2]` */
export function normalizeDims(dims: readonly number[], ndim: number, arg = 'dim', fn = 'adjoint'): number[] {
  const out = dims.map((d) => normalizeDim(d, ndim, arg, fn));
  if (new Set(out).size !== out.length) throw argError(fn, arg, 'a list without repeated dims', dims);
  return out;
}

/** True when two shapes are equal. @example `sameShape([2, 3], [2, 3]) // true` */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
