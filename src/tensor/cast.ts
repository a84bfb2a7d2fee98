import { allocStorage, checkDType, isComplex, scalarsPer, type DType, type Storage } from './dtype.js';
import { Tensor } from './tensor.js';

/**
 * Converts contiguous storage from one dtype to another, as `torch.Tensor.to(dtype)` does:
 * real → complex sets the imaginary part to 0; complex → real keeps the real part (like PyTorch/NumPy,
 * which only warn); floating → int32 truncates toward zero; anything → bool is "nonzero".
 *
 * @example
 * ```ts
 * castStorage(new Float64Array([1.7, -2.5]), 'float64', 'int32', 2); // Int32Array [1, -2]
 * ```
 */
export function castStorage(src: Storage, from: DType, to: DType, n: number): Storage {
  const out = allocStorage(to, n);
  if (from === to) {
    out.set(src.subarray(0, n * scalarsPer(from)) as never);
    return out;
  }
  const cFrom = isComplex(from);
  const cTo = isComplex(to);
  if (to === 'bool') {
    for (let i = 0; i < n; i++) out[i] = cFrom ? (src[2 * i] !== 0 || src[2 * i + 1] !== 0 ? 1 : 0) : src[i] !== 0 ? 1 : 0;
  } else if (to === 'int32') {
    // Int32Array assignment wraps modulo 2^32 after truncation, as C casts do for in-range values.
    for (let i = 0; i < n; i++) out[i] = Math.trunc(cFrom ? src[2 * i]! : src[i]!);
  } else if (cTo && cFrom) {
    out.set(src.subarray(0, 2 * n) as never);
  } else if (cTo) {
    for (let i = 0; i < n; i++) out[2 * i] = src[i]!;
  } else if (cFrom) {
    for (let i = 0; i < n; i++) out[i] = src[2 * i]!;
  } else {
    out.set(src.subarray(0, n) as never);
  }
  return out;
}

/**
 * Returns `t` converted to `dtype` (or `t` itself when it already has it). See {@link castStorage} for the rules.
 *
 * @example
 * ```ts
 * cast(tensor([1, 2]), 'complex128').toArray(); // [[1, 0], [2, 0]]
 * ```
 */
export function cast(t: Tensor, dtype: DType): Tensor {
  checkDType(dtype, 'dtype', 'cast');
  if (t.dtype === dtype) return t;
  return new Tensor(castStorage(t.data, t.dtype, dtype, t.numel), t.shape, dtype);
}

declare module './tensor.js' {
  interface Tensor {
    /** Converts to another dtype (PyTorch's `.to(dtype)`). @example `x.to('float64')` */
    to(dtype: DType): Tensor;
    /** Alias of {@link Tensor.to}, NumPy's name. @example `x.astype('int32')` */
    astype(dtype: DType): Tensor;
  }
}
Tensor.prototype.to = function (this: Tensor, dtype: DType) {
  return cast(this, dtype);
};
Tensor.prototype.astype = function (this: Tensor, dtype: DType) {
  return cast(this, dtype);
};
