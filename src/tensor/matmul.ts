import { AdjointError, argError } from '../errors.js';
import { gemmInt32, type FloatStorage, type GemmOperand, type GemmShape } from '../linalg/kernels/gemm.js';
import { gemmComplexParallel, gemmRealParallel } from '../linalg/kernels/gemm-parallel.js';
import { cast } from './cast.js';
import { allocStorage, isComplex, promoteTypes, type DType, type Storage } from './dtype.js';
import { broadcastShapes, broadcastStrides } from './shape.js';
import { Tensor } from './tensor.js';

/**
 * Runs the batched GEMM kernel that fits `dtype` (float32/float64 real, complex64/complex128, or exact int32).
 * All three operands must hold storage of that dtype. Internal helper shared by matmul and einsum. Large float
 * products are split across the threads of the parallel backend (bitwise identical results; see gemm-parallel.ts).
 *
 * @example
 * ```ts
 * gemmForDtype('float64', { m: 2, n: 2, k: 2, batchShape: [] }, A, B, C);
 * ```
 */
export function gemmForDtype(dtype: DType, shape: GemmShape, A: GemmOperand<Storage>, B: GemmOperand<Storage>, C: GemmOperand<Storage>): void {
  if (dtype === 'int32') {
    gemmInt32(shape, A as GemmOperand<Int32Array>, B as GemmOperand<Int32Array>, C as GemmOperand<Int32Array>);
  } else if (isComplex(dtype)) {
    gemmComplexParallel(shape, A as GemmOperand<FloatStorage>, B as GemmOperand<FloatStorage>, C as GemmOperand<FloatStorage>);
  } else if (dtype === 'float32' || dtype === 'float64') {
    gemmRealParallel(shape, A as GemmOperand<FloatStorage>, B as GemmOperand<FloatStorage>, C as GemmOperand<FloatStorage>);
  } else {
    throw new AdjointError(`matmul: dtype '${dtype}' is not supported (use float, complex or int32 tensors)`, 'dtype');
  }
}

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Matrix product with `torch.matmul` semantics:
 * - 1-D · 1-D is the dot product (a 0-d tensor);
 * - a 1-D `a` is treated as a row [1, k] and a 1-D `b` as a column [k, 1], and the added dim is removed;
 * - otherwise the last two dims multiply and the leading (batch) dims broadcast.
 *
 * Dtypes promote as in {@link promoteTypes}; complex is not conjugated. int32 is computed exactly and wraps
 * modulo 2^32 like PyTorch's int32 matmul; bool tensors are rejected. Strided views (e.g. transposes) are
 * multiplied in place without copying.
 *
 * @example
 * ```ts
 * const a = tensor([[1, 2], [3, 4]], { dtype: 'float64' });
 * matmul(a, tensor([1, 1], { dtype: 'float64' })).toArray(); // [3, 7]
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor)) throw argError('matmul', 'a', 'a Tensor', typeof a);
  if (!(b instanceof Tensor)) throw argError('matmul', 'b', 'a Tensor', typeof b);
  if (a.ndim === 0) throw new AdjointError(`matmul: argument 'a' must be at least 1-D, got a 0-d tensor`, 'a');
  if (b.ndim === 0) throw new AdjointError(`matmul: argument 'b' must be at least 1-D, got a 0-d tensor`, 'b');
  const dtype = promoteTypes(a.dtype, b.dtype);
  if (dtype === 'bool') {
    const arg = a.dtype === 'bool' ? 'a' : 'b';
    throw new AdjointError(`matmul: argument '${arg}' must be a numeric tensor (float, complex or int32), got dtype 'bool'`, arg);
  }
  if (a.dtype !== dtype) a = cast(a, dtype);
  if (b.dtype !== dtype) b = cast(b, dtype);

  // Promote 1-D operands to matrices with a size-1 dim of stride 0.
  const aShape = a.ndim === 1 ? [1, a.shape[0]!] : a.shape.slice();
  const aStr = a.ndim === 1 ? [0, a.strides[0]!] : a.strides.slice();
  const bShape = b.ndim === 1 ? [b.shape[0]!, 1] : b.shape.slice();
  const bStr = b.ndim === 1 ? [b.strides[0]!, 0] : b.strides.slice();
  const m = aShape[aShape.length - 2]!;
  const k = aShape[aShape.length - 1]!;
  const k2 = bShape[bShape.length - 2]!;
  const n = bShape[bShape.length - 1]!;
  if (k !== k2) {
    const want = b.ndim === 1 ? `[${k}]` : `[..., ${k}, n]`;
    throw new AdjointError(
      `matmul: argument 'b' must have shape ${want} to match the last dim of 'a' ${fmt(a.shape)} (size ${k}), got ${fmt(b.shape)} (size ${k2})`,
      'b',
    );
  }
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastShapes(aBatch, bBatch, 'matmul', ['a', 'b']);
  const aBS = broadcastStrides(aBatch, aStr.slice(0, -2), batch);
  const bBS = broadcastStrides(bBatch, bStr.slice(0, -2), batch);

  let outNumel = m * n;
  for (const d of batch) outNumel *= d;
  const out = allocStorage(dtype, outNumel);
  const cBS = new Array<number>(batch.length);
  let acc = m * n;
  for (let i = batch.length - 1; i >= 0; i--) {
    cBS[i] = acc;
    acc *= batch[i]!;
  }
  // One shared B for every batch (e.g. [B, m, k] @ [k, n]) and A's batch dims stacked on its rows: fold the batch
  // into m, as BLAS-backed libraries do, so B is packed once and the kernel sees one tall product.
  const aRow = aStr[aStr.length - 2]!;
  if (batch.length > 0 && m > 0 && bBS.every((s) => s === 0) && stacksOnRows(batch, aBS, aRow * m)) {
    gemmForDtype(
      dtype,
      { m: batch.reduce((x, y) => x * y, m), n, k, batchShape: [] },
      { data: a.storage, offset: a.offset, rowStride: aRow, colStride: aStr[aStr.length - 1]!, batchStrides: [] },
      { data: b.storage, offset: b.offset, rowStride: bStr[bStr.length - 2]!, colStride: bStr[bStr.length - 1]!, batchStrides: [] },
      { data: out, offset: 0, rowStride: n, colStride: 1, batchStrides: [] },
    );
    return new Tensor(out, finalShape(batch, a.ndim, b.ndim, m, n), dtype);
  }
  gemmForDtype(
    dtype,
    { m, n, k, batchShape: batch },
    { data: a.storage, offset: a.offset, rowStride: aStr[aStr.length - 2]!, colStride: aStr[aStr.length - 1]!, batchStrides: aBS },
    { data: b.storage, offset: b.offset, rowStride: bStr[bStr.length - 2]!, colStride: bStr[bStr.length - 1]!, batchStrides: bBS },
    { data: out, offset: 0, rowStride: n, colStride: 1, batchStrides: cBS },
  );
  return new Tensor(out, finalShape(batch, a.ndim, b.ndim, m, n), dtype);
}

/** torch.matmul's result shape: the batch, then m unless `a` was 1-D, then n unless `b` was 1-D. */
function finalShape(batch: readonly number[], aNd: number, bNd: number, m: number, n: number): number[] {
  const out = batch.slice();
  if (aNd > 1) out.push(m);
  if (bNd > 1) out.push(n);
  return out;
}

/** True when batch dims with strides `bs` continue a run of rows whose block spans `span` elements. */
function stacksOnRows(batch: readonly number[], bs: readonly number[], span: number): boolean {
  let expect = span;
  for (let d = batch.length - 1; d >= 0; d--) {
    if (batch[d] === 1) continue;
    if (bs[d] !== expect) return false;
    expect *= batch[d]!;
  }
  return true;
}

declare module './tensor.js' {
  interface Tensor {
    /** Matrix product `this @ other` with torch.matmul semantics; see {@link matmul}. @example `a.matmul(b)` */
    matmul(other: Tensor): Tensor;
  }
}
Tensor.prototype.matmul = function (this: Tensor, other: Tensor) {
  return matmul(this, other);
};
