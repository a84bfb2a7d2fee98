import { argError } from '../errors.js';
import { getParallelBackend } from '../parallel/pool.js';

/**
 * The element types a tensor can hold. Complex dtypes are stored interleaved (re, im).
 *
 * @example
 * ```ts
 * const d: DType = 'complex128';
 * ```
 */
export type DType = 'float32' | 'float64' | 'complex64' | 'complex128' | 'int32' | 'bool';

/** Every dtype name, in promotion order within each kind. */
export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64', 'complex64', 'complex128'];

/** The typed arrays that back tensors. */
export type Storage = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Returns true for `'complex64'` and `'complex128'`. @example `isComplex('complex64') // true` */
export function isComplex(dt: DType): dt is 'complex64' | 'complex128' {
  return dt === 'complex64' || dt === 'complex128';
}

/** Returns true for the floating dtypes, real or complex. @example `isFloating('int32') // false` */
export function isFloating(dt: DType): boolean {
  return dt === 'float32' || dt === 'float64' || dt === 'complex64' || dt === 'complex128';
}

/** Checks a dtype name coming from the user. @example `checkDType('float64', 'dtype', 'zeros')` */
export function checkDType(dt: unknown, arg = 'dtype', fn = 'adjoint'): DType {
  if (typeof dt === 'string' && (DTYPES as readonly string[]).includes(dt)) return dt as DType;
  throw argError(fn, arg, `one of ${DTYPES.map((d) => `'${d}'`).join(', ')}`, dt);
}

/**
 * The real dtype with the same precision: complex64 → float32, complex128 → float64; others unchanged.
 * @example `realDtypeOf('complex64') // 'float32'`
 */
export function realDtypeOf(dt: DType): DType {
  if (dt === 'complex64') return 'float32';
  if (dt === 'complex128') return 'float64';
  return dt;
}

/**
 * The complex dtype with at least this precision: float32/complex64 → complex64, everything else → complex128.
 * @example `complexDtypeOf('float32') // 'complex64'`
 */
export function complexDtypeOf(dt: DType): 'complex64' | 'complex128' {
  return dt === 'float32' || dt === 'complex64' ? 'complex64' : 'complex128';
}

/**
 * The floating dtype an op that needs floats (division, exp, …) computes in, as in PyTorch:
 * bool and int32 go to float32 (PyTorch's default float dtype); floats and complex stay.
 * @example `floatDtypeOf('int32') // 'float32'`
 */
export function floatDtypeOf(dt: DType): DType {
  return dt === 'bool' || dt === 'int32' ? 'float32' : dt;
}

/**
 * NumPy/PyTorch type promotion of two tensor dtypes: bool < int32 < float32 < float64, and any complex
 * with any real gives the complex dtype wide enough for both (float64 with complex64 gives complex128).
 *
 * @example
 * ```ts
 * promoteTypes('float32', 'float64');   // 'float64'
 * promoteTypes('float64', 'complex64'); // 'complex128'
 * ```
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (isComplex(a) || isComplex(b)) {
    const wide = a === 'complex128' || b === 'complex128' || a === 'float64' || b === 'float64';
    return wide ? 'complex128' : 'complex64';
  }
  const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3, complex64: 4, complex128: 5 };
  return rank[a] >= rank[b] ? a : b;
}

/** Typed-array constructor for a dtype's storage. @example `storageCtor('complex64') // Float32Array` */
export function storageCtor(dt: DType): Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor {
  switch (dt) {
    case 'float32':
    case 'complex64':
      return Float32Array;
    case 'float64':
    case 'complex128':
      return Float64Array;
    case 'int32':
      return Int32Array;
    case 'bool':
      return Uint8Array;
  }
}

/** Number of storage scalars per element: 2 for complex dtypes, else 1. @example `scalarsPer('complex128') // 2` */
export function scalarsPer(dt: DType): 1 | 2 {
  return isComplex(dt) ? 2 : 1;
}

/** Storage of at least this many bytes goes into shared memory when a parallel backend is installed. */
const SHARED_MIN_BYTES = 1 << 16;

/**
 * Allocates zeroed storage for `numel` elements of `dt`. Large buffers are allocated in shared memory when a
 * parallel backend is installed, so batched kernels can split work across threads without copying.
 *
 * @example `allocStorage('complex64', 3).length // 6`
 */
export function allocStorage(dt: DType, numel: number): Storage {
  const C = storageCtor(dt);
  const len = numel * scalarsPer(dt);
  const bytes = len * C.BYTES_PER_ELEMENT;
  if (bytes >= SHARED_MIN_BYTES && typeof SharedArrayBuffer !== 'undefined' && getParallelBackend() !== null) {
    return new (C as new (b: ArrayBufferLike) => Storage)(new SharedArrayBuffer(bytes));
  }
  return new C(len);
}

/** Machine epsilon of a floating dtype (of its real part for complex). @example `epsOf('float32') // 2**-23` */
export function epsOf(dt: DType): number {
  return dt === 'float32' || dt === 'complex64' ? 2 ** -23 : 2 ** -52;
}
