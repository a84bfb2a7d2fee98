/**
 * Shared plumbing for the batched dense linear-algebra API (`solve`, `qr`, `eigh`, `svd`, …): validates
 * `[..., m, n]` inputs, picks the computation dtype, hands kernels one flat contiguous typed array per operand
 * (interleaved re/im for complex), broadcasts batch dimensions between two operands and names batch indices in
 * errors. Kernels then walk the batch with `matrix * m * n * scalarsPer` offsets.
 *
 * Signatures here are stable: several linalg modules import them.
 */
import { AdjointError, argError } from '../errors.js';
import { castStorage } from '../tensor/cast.js';
import { allocShared, getParallelBackend } from '../parallel/pool.js';
import { isComplex, promoteTypes, type DType } from '../tensor/dtype.js';
import { broadcastShapes, contiguousStrides, numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** The dtypes dense factorisations compute in. */
export type LinalgDtype = 'float32' | 'float64' | 'complex64' | 'complex128';

/** Flat storage of a {@link LinalgDtype}: Float32Array for float32/complex64, Float64Array otherwise. */
export type FloatStorage = Float32Array | Float64Array;

/**
 * The dtype a linalg op computes in for the given input dtypes: their promotion, with bool/int32 → float32
 * (PyTorch's default float dtype).
 *
 * @example
 * ```ts
 * linalgDtype('int32');                 // 'float32'
 * linalgDtype('float32', 'complex128'); // 'complex128'
 * ```
 */
export function linalgDtype(...dtypes: DType[]): LinalgDtype {
  let d: DType = dtypes[0] ?? 'float32';
  for (let i = 1; i < dtypes.length; i++) d = promoteTypes(d, dtypes[i]!);
  return d === 'bool' || d === 'int32' ? 'float32' : (d as LinalgDtype);
}

/**
 * The real dtype of the same precision (for norms, singular values, eigenvalues of Hermitian matrices, logabsdet).
 * @example `realLinalgDtype('complex64') // 'float32'`
 */
export function realLinalgDtype(dt: LinalgDtype): 'float32' | 'float64' {
  return dt === 'float32' || dt === 'complex64' ? 'float32' : 'float64';
}

/** Outputs at least this big go to shared memory when a parallel backend is installed (helpers can write them). */
const SHARED_OUTPUT_BYTES = 1 << 14;

/**
 * Allocates zeroed flat storage for `count` elements of `dt` (2 scalars each when complex); in shared memory when
 * a parallel backend is installed and the array is not tiny, so that batch loops can be split across threads.
 * @example `allocFloat('complex64', 4).length // 8`
 */
export function allocFloat(dt: LinalgDtype, count: number): FloatStorage {
  const n = isComplex(dt) ? 2 * count : count;
  const single = dt === 'float32' || dt === 'complex64';
  if (n * (single ? 4 : 8) >= SHARED_OUTPUT_BYTES && getParallelBackend() !== null) {
    return single ? allocShared(Float32Array, n) : allocShared(Float64Array, n);
  }
  return single ? new Float32Array(n) : new Float64Array(n);
}

/** A stack of matrices `[...batch, rows, cols]` as one flat contiguous C-order array in the computation dtype. */
export interface MatrixBatch {
  /** Leading (batch) dimensions. */
  readonly batchShape: readonly number[];
  /** Number of matrices: the product of `batchShape`. */
  readonly count: number;
  /** Rows of each matrix. */
  readonly rows: number;
  /** Columns of each matrix. */
  readonly cols: number;
  /** Computation dtype of `data`. */
  readonly dtype: LinalgDtype;
  /** True for complex dtypes (then `data` is interleaved re/im). */
  readonly complex: boolean;
  /** Storage scalars per matrix: `rows * cols * (complex ? 2 : 1)`; matrix `i` starts at `i * stride`. */
  readonly stride: number;
  /** The matrices, contiguous; owned by the caller (safe to overwrite) when requested with `{ copy: true }`. */
  readonly data: FloatStorage;
}

/** Options of {@link matrixBatch}. */
export interface MatrixBatchOptions {
  /** Require square matrices (error: "must be a batch of square matrices"). */
  square?: boolean;
  /** Computation dtype; defaults to {@link linalgDtype} of the input. */
  dtype?: LinalgDtype;
  /** Guarantee fresh storage that kernels may overwrite in place (default false: may alias the tensor). */
  copy?: boolean;
}

/**
 * Validates that `t` is a tensor with at least 2 dimensions (optionally square), and returns its matrices as one
 * contiguous flat array in the computation dtype.
 *
 * @example
 * ```ts
 * const A = matrixBatch('solve', 'A', a, { square: true, copy: true });
 * for (let i = 0; i < A.count; i++) luKernel(A.data, i * A.stride, A.rows);
 * ```
 */
export function matrixBatch(fn: string, arg: string, t: unknown, options: MatrixBatchOptions = {}): MatrixBatch {
  const tt = checkMatrixTensor(fn, arg, t, options.square ?? false);
  const nd = tt.shape.length;
  const rows = tt.shape[nd - 2]!;
  const cols = tt.shape[nd - 1]!;
  const batchShape = tt.shape.slice(0, nd - 2);
  const dtype = options.dtype ?? linalgDtype(tt.dtype);
  const cplx = isComplex(dtype);
  const n = tt.numel;
  let data: FloatStorage;
  if (tt.dtype === dtype) {
    const raw = tt.data as FloatStorage;
    data = options.copy && raw === tt.storage ? (raw.slice() as FloatStorage) : raw;
  } else {
    data = castStorage(tt.data, tt.dtype, dtype, n) as FloatStorage;
  }
  return { batchShape, count: numel(batchShape), rows, cols, dtype, complex: cplx, stride: rows * cols * (cplx ? 2 : 1), data };
}

/**
 * Checks that `t` is a Tensor with at least 2 dims (and square when asked); returns it typed.
 * @example `checkMatrixTensor('inv', 'A', a, true)`
 */
export function checkMatrixTensor(fn: string, arg: string, t: unknown, square: boolean): Tensor {
  if (!(t instanceof Tensor)) throw argError(fn, arg, 'a Tensor', typeof t);
  const nd = t.shape.length;
  if (nd < 2) throw argError(fn, arg, `a tensor of shape [..., m, n] with at least 2 dimensions`, `shape [${t.shape.join(', ')}]`);
  if (square && t.shape[nd - 1] !== t.shape[nd - 2]) {
    throw argError(fn, arg, 'a batch of square matrices [..., n, n]', `shape [${t.shape.join(', ')}]`);
  }
  return t;
}

/** Matrix indices of two operands for each output batch element, after broadcasting their batch shapes. */
export interface BatchBroadcast {
  /** Broadcast batch shape. */
  readonly batchShape: readonly number[];
  /** Number of output batch elements. */
  readonly count: number;
  /** `indexA[i]`: which matrix of the first operand output element `i` uses. */
  readonly indexA: Int32Array;
  /** `indexB[i]`: which matrix of the second operand output element `i` uses. */
  readonly indexB: Int32Array;
}

/**
 * Broadcasts two batch shapes (NumPy rules) and maps every output batch element to the matrix of each operand.
 * Errors name both arguments.
 *
 * @example
 * ```ts
 * const bb = broadcastBatch('solve', [2, 1], [3], ['A', 'B']);
 * bb.batchShape; // [2, 3]
 * bb.indexA;     // Int32Array [0, 0, 0, 1, 1, 1]
 * bb.indexB;     // Int32Array [0, 1, 2, 0, 1, 2]
 * ```
 */
export function broadcastBatch(fn: string, a: readonly number[], b: readonly number[], names: [string, string]): BatchBroadcast {
  let batchShape: number[];
  try {
    batchShape = broadcastShapes(a, b, fn, names);
  } catch (e) {
    if (e instanceof AdjointError) throw new AdjointError(e.message.replace('cannot be broadcast', 'have batch dimensions that cannot be broadcast'), e.argument);
    throw e;
  }
  const count = numel(batchShape);
  return { batchShape, count, indexA: broadcastIndex(a, batchShape, count), indexB: broadcastIndex(b, batchShape, count) };
}

function broadcastIndex(shape: readonly number[], target: readonly number[], count: number): Int32Array {
  const nd = target.length;
  const off = nd - shape.length;
  const own = contiguousStrides(shape);
  const strides = new Array<number>(nd).fill(0);
  for (let i = 0; i < shape.length; i++) strides[i + off] = shape[i] === 1 ? 0 : own[i]!;
  const out = new Int32Array(count);
  const idx = new Array<number>(nd).fill(0);
  let pos = 0;
  for (let k = 0; k < count; k++) {
    out[k] = pos;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      pos += strides[d]!;
      if (idx[d]! < target[d]!) break;
      pos -= strides[d]! * target[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * The multi-index of flat batch element `flat` in `batchShape`, formatted for messages, e.g. `[2, 0]`.
 * @example `formatBatchIndex([3, 2], 4) // '[2, 0]'`
 */
export function formatBatchIndex(batchShape: readonly number[], flat: number): string {
  const idx = new Array<number>(batchShape.length);
  for (let d = batchShape.length - 1; d >= 0; d--) {
    const s = batchShape[d]!;
    idx[d] = s === 0 ? 0 : flat % s;
    flat = s === 0 ? 0 : Math.floor(flat / s);
  }
  return `[${idx.join(', ')}]`;
}

/**
 * An error for a numerically failed matrix of a batch, naming the argument and, when there are batch dims, the
 * batch index: `solve: argument 'A' is singular at batch index [2, 0]`.
 *
 * @example
 * ```ts
 * throw batchError('inv', 'A', 'is singular', [3, 2], 4);
 * ```
 */
export function batchError(fn: string, arg: string, what: string, batchShape: readonly number[], flat: number): AdjointError {
  const where = batchShape.length > 0 ? ` at batch index ${formatBatchIndex(batchShape, flat)}` : '';
  return new AdjointError(`${fn}: argument '${arg}' ${what}${where}`, arg);
}

/**
 * Wraps flat storage as a contiguous tensor of `[...batchShape, ...tail]`.
 * @example `batchTensor(out, 'float64', [2], [3, 3])`
 */
export function batchTensor(data: FloatStorage, dtype: LinalgDtype, batchShape: readonly number[], tail: readonly number[]): Tensor {
  return new Tensor(data, [...batchShape, ...tail], dtype);
}
