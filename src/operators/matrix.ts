/**
 * A dense matrix as an operator: y = A x, Aᴴ y = conj(A)ᵀ y, real or complex. The matrix is kept as a
 * float64/complex128 copy; batched products go through the blocked GEMM kernels of linalg.
 */
import { argError } from '../errors.js';
import { gemmComplex, gemmReal, type FloatStorage } from '../linalg/kernels/gemm.js';
import { allocStorage, isComplex } from '../tensor/dtype.js';
import { numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import './compose.js';
import { LinearOperator, fromFloat64, operatorDtypeOf, toFloat64, type OperatorDtype } from './linear-operator.js';

/** Options of {@link matrix}. @example `{ inShape: [2, 3], outShape: [6] }` */
export interface MatrixOperatorOptions {
  /** Input shape; its size must equal the column count (default `[cols]`). */
  inShape?: readonly number[];
  /** Output shape; its size must equal the row count (default `[rows]`). */
  outShape?: readonly number[];
}

/**
 * Y = op(A)·Xᵀ for a batch of row vectors X `[batch, k]`, written as Yᵀ so the project's GEMM kernel does the
 * work: C (rows × batch) = op(A) · Xᵀ, with Xᵀ and Yᵀ read and written through strides, no transposed copies.
 */
function product(a: Float64Array, m: number, n: number, op: 'N' | 'C', x: FloatStorage, batch: number, out: FloatStorage, complex: boolean): void {
  const [r, k] = op === 'N' ? [m, n] : [n, m];
  const gemm = complex ? gemmComplex : gemmReal;
  gemm(
    { m: r, n: batch, k, batchShape: [], opA: op },
    { data: a, offset: 0, rowStride: n, colStride: 1, batchStrides: [] },
    { data: x, offset: 0, rowStride: 1, colStride: k, batchStrides: [] },
    { data: out, offset: 0, rowStride: 1, colStride: r, batchStrides: [] },
  );
}

/**
 * A dense `[rows, cols]` matrix as a {@link LinearOperator}. Built by {@link matrix}.
 *
 * @example
 * ```ts
 * const A = new MatrixOperator(randn([3, 2], { seed: 0, dtype: 'float64' }));
 * ```
 */
export class MatrixOperator extends LinearOperator {
  /** Number of rows (output size). */
  readonly rows: number;
  /** Number of columns (input size). */
  readonly cols: number;
  /** The tensor the operator was built from (not copied), so autograd can route matrix gradients to it. */
  readonly source: Tensor;
  private readonly a: Float64Array;

  constructor(A: Tensor, options: MatrixOperatorOptions = {}) {
    const fn = 'operators.matrix';
    if (!(A instanceof Tensor)) throw argError(fn, 'A', 'a Tensor', A);
    if (A.ndim !== 2) throw argError(fn, 'A', 'a 2-D tensor [rows, cols]', A.shape.slice());
    const m = A.shape[0]!;
    const n = A.shape[1]!;
    const inShape = options.inShape ?? [n];
    const outShape = options.outShape ?? [m];
    if (!Array.isArray(inShape) || numel(inShape) !== n || !inShape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw argError(fn, 'inShape', `a shape with ${n} elements (the column count of A)`, inShape);
    }
    if (!Array.isArray(outShape) || numel(outShape) !== m || !outShape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw argError(fn, 'outShape', `a shape with ${m} elements (the row count of A)`, outShape);
    }
    const dt: OperatorDtype = operatorDtypeOf(A.dtype);
    super({ name: `Matrix[${m}×${n}]`, inShape, outShape, inDtype: dt, outDtype: dt });
    this.source = A;
    this.rows = m;
    this.cols = n;
    // A private copy: later writes to A's storage must not change the operator.
    this.a = Float64Array.from(toFloat64(A.dtype === dt ? A : fromFloat64(toFloat64(A), A.shape, dt)));
  }

  protected applyBatch(x: Tensor): Tensor {
    const batch = x.shape[0]!;
    const y = allocStorage(this.outDtype, batch * this.rows) as FloatStorage;
    product(this.a, this.rows, this.cols, 'N', x.data as FloatStorage, batch, y, isComplex(this.inDtype));
    return new Tensor(y, [batch, ...this.outShape], this.outDtype);
  }

  protected adjointBatch(y: Tensor): Tensor {
    const batch = y.shape[0]!;
    const x = allocStorage(this.inDtype, batch * this.cols) as FloatStorage;
    product(this.a, this.rows, this.cols, 'C', y.data as FloatStorage, batch, x, isComplex(this.inDtype));
    return new Tensor(x, [batch, ...this.inShape], this.inDtype);
  }
}

/**
 * The operator x ↦ A x of a dense `[rows, cols]` matrix (real or complex; int/bool matrices act in float64).
 * Input and output shapes default to `[cols]` and `[rows]`; give `inShape`/`outShape` to act on tensors
 * (flattened in C order).
 *
 * @example
 * ```ts
 * const A = operators.matrix(tensor([[1, 2], [3, 4], [5, 6]], { dtype: 'float64' }));
 * A.apply(tensor([1, 1], { dtype: 'float64' })).toArray(); // [3, 7, 11]
 * A.adjoint(tensor([1, 0, 0], { dtype: 'float64' })).toArray(); // [1, 2]
 * ```
 */
export function matrix(A: Tensor, options: MatrixOperatorOptions = {}): MatrixOperator {
  return new MatrixOperator(A, options);
}
