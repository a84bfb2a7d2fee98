/**
 * Batched dense factorisations and solvers (PyTorch's `torch.linalg` semantics): `solve`, `inv`, `det`, `slogdet`,
 * `cholesky`, `lu`, `luFactor`, `luSolve`, `triangularSolve`, `qr`. Every function accepts `[..., m, n]` tensors of
 * any dtype (bool/int32 compute in float32), works matrix by matrix over the batch dims, and broadcasts batch dims
 * between two operands.
 *
 * Numerical failures are errors that name the batch index: a singular matrix in `solve`/`inv` (an exactly zero
 * pivot of partially pivoted LU) and a matrix that is not positive-definite in `cholesky`. NaN inputs are not
 * errors: NaN propagates to the results.
 *
 * Each matrix is copied into a small Float64Array scratch (so one matrix sits in cache while it is factored and
 * the kernels see one array type); float32/complex64 inputs are therefore computed in double precision and
 * rounded once on output, which is at least as accurate as LAPACK's single-precision routines.
 *
 * `solve` (without broadcasting of A), `inv`, `det`, `slogdet`, `cholesky` and `qr` split their batch across threads
 * when a parallel backend is installed (src/linalg/batch-parallel.ts), with bit-identical results and errors.
 */
import { argError } from '../errors.js';
import { sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { allocShared } from '../parallel/pool.js';
import {
  allocFloat,
  batchError,
  batchTensor,
  broadcastBatch,
  checkMatrixTensor,
  linalgDtype,
  matrixBatch,
  realLinalgDtype,
  type FloatStorage,
  type MatrixBatch,
} from './batch.js';
import { choleskyComplex, choleskyReal } from './kernels/cholesky.js';
import { applyRowSwaps, luComplex, luReal } from './kernels/lu.js';
import { formQComplex, formQReal, qrComplex, qrReal } from './kernels/qr.js';
import { trsmComplex, trsmReal } from './kernels/triangular.js';
import { BATCH_ARGS, batchArgs, batchFromArgs, registerBatchTask, runBatch } from './batch-parallel.js';
import type { TaskArg } from '../parallel/tasks.js';

type LuKernel = typeof luReal;
type TrsmKernel = typeof trsmReal;

function kernels(complex: boolean): { lu: LuKernel; trsm: TrsmKernel; sp: 1 | 2 } {
  return complex ? { lu: luComplex, trsm: trsmComplex, sp: 2 } : { lu: luReal, trsm: trsmReal, sp: 1 };
}

/** Writes the transpose (conjugated when `conj`) of the rows×cols block at `src[sOff]` to `dst[dOff]` (cols×rows). */
function transposeInto(src: FloatStorage, sOff: number, rows: number, cols: number, dst: FloatStorage, dOff: number, sp: number, conj: boolean): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = sOff + (r * cols + c) * sp;
      const d = dOff + (c * rows + r) * sp;
      dst[d] = src[s]!;
      if (sp === 2) dst[d + 1] = conj ? -src[s + 1]! : src[s + 1]!;
    }
  }
}

function checkTensor(fn: string, arg: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw argError(fn, arg, 'a Tensor', typeof t);
  return t;
}

/** A view of `t` with a trailing size-1 dim (a batch of vectors as n×1 matrices); no copy. */
function asColumn(t: Tensor): Tensor {
  return new Tensor(t.storage, [...t.shape, 1], t.dtype, [...t.strides, 1], t.offset);
}

/**
 * Solves with an LU factorisation (`lu` n×n at `luOff`, 0-based `piv`) in place on the n×k block `b[bOff]`:
 * `trans` 0: A X = B; 1: Aᵀ X = B; 2: Aᴴ X = B. `scratch` needs n² elements for trans ≠ 0.
 */
function luSolveBlock(
  k: { trsm: TrsmKernel; sp: 1 | 2 },
  lu: FloatStorage,
  luOff: number,
  n: number,
  piv: Int32Array,
  pivOff: number,
  b: FloatStorage,
  bOff: number,
  cols: number,
  trans: 0 | 1 | 2,
  scratch: FloatStorage | null,
): void {
  if (trans === 0) {
    applyRowSwaps(b, bOff, cols, k.sp, piv, pivOff, n, false);
    k.trsm(lu, luOff, n, b, bOff, cols, false, true);
    k.trsm(lu, luOff, n, b, bOff, cols, true, false);
    return;
  }
  // A = Pᵀ L U, so op(A) = op(U) op(L) P: solve with op(U) (lower), then op(L) (unit upper), then undo the swaps.
  transposeInto(lu, luOff, n, n, scratch!, 0, k.sp, trans === 2);
  k.trsm(scratch!, 0, n, b, bOff, cols, false, false);
  k.trsm(scratch!, 0, n, b, bOff, cols, true, true);
  applyRowSwaps(b, bOff, cols, k.sp, piv, pivOff, n, true);
}

/**
 * LU-factors every matrix of a batch into one Float64Array copy (used when factors are reused across a broadcast
 * batch, or returned). Throws naming the batch index on a singular matrix when `singularError`.
 */
function factorAll(fn: string, arg: string, a: MatrixBatch, singularError: boolean): { lu: Float64Array; piv: Int32Array } {
  const { lu } = kernels(a.complex);
  const k = Math.min(a.rows, a.cols);
  const work = new Float64Array(a.data);
  const piv = new Int32Array(a.count * k);
  for (let i = 0; i < a.count; i++) {
    const info = lu(work, i * a.stride, a.rows, a.cols, piv, i * k);
    if (singularError && info >= 0) throw batchError(fn, arg, 'is singular', a.batchShape, i);
  }
  return { lu: work, piv };
}

/** Loads matrix `i` of a batch into `w` (converting to float64). */
function load(a: MatrixBatch, i: number, w: Float64Array): void {
  w.set(a.data.subarray(i * a.stride, (i + 1) * a.stride));
}

/** Options of {@link solve}. */
export interface SolveOptions {
  /** true (default): solve A X = B; false: solve X A = B. */
  left?: boolean;
}

/**
 * Solves A X = B for square A (`[..., n, n]`) by LU with partial pivoting, as `torch.linalg.solve`.
 * B is `[..., n, k]`, or a batch of vectors `[..., n]` when B is 1-D or when `B.shape` equals `A.shape[:-1]`
 * (PyTorch's rule); batch dims broadcast. The result has the promoted dtype. With `{ left: false }` solves X A = B
 * (B `[..., k, n]`). Throws when a matrix of A is singular (an exactly zero pivot), naming its batch index in A.
 *
 * @example
 * ```ts
 * const A = tensor([[3, 1], [1, 2]], { dtype: 'float64' });
 * solve(A, tensor([9, 8], { dtype: 'float64' })).toArray(); // [2, 3]
 * ```
 */
export function solve(A: Tensor, B: Tensor, options: SolveOptions = {}): Tensor {
  const fn = 'solve';
  checkMatrixTensor(fn, 'A', A, true);
  checkTensor(fn, 'B', B);
  const left = options.left ?? true;
  const n = A.shape[A.ndim - 1]!;
  const vector = B.ndim === 1 || (B.ndim === A.ndim - 1 && sameShape(B.shape, A.shape.slice(0, -1)));
  if (!vector && B.ndim < 2) throw argError(fn, 'B', `a tensor of shape [..., ${n}, k] or [..., ${n}]`, `shape [${B.shape.join(', ')}]`);
  const Bm = vector ? (left ? asColumn(B) : asRow(B)) : B;
  const rowDim = Bm.shape[Bm.ndim - (left ? 2 : 1)]!;
  if (rowDim !== n) {
    const want = left ? `[..., ${n}, k] or [..., ${n}]` : `[..., k, ${n}] or [..., ${n}]`;
    throw argError(fn, 'B', `a tensor of shape ${want} to match 'A' of shape [${A.shape.join(', ')}]`, `shape [${B.shape.join(', ')}]`);
  }
  const dtype = linalgDtype(A.dtype, B.dtype);
  const a = matrixBatch(fn, 'A', A, { square: true, dtype });
  const b = matrixBatch(fn, 'B', Bm, { dtype });
  const bb = broadcastBatch(fn, a.batchShape, b.batchShape, ['A', 'B']);
  const k = kernels(a.complex);
  const rows = b.rows;
  const cols = b.cols;
  const xs = b.stride;
  const x = allocFloat(dtype, bb.count * rows * cols);
  // Without broadcasting of A, each matrix is factored in a cache-sized scratch right before its solve (one matrix
  // in cache at a time); otherwise every distinct A is factored once up front. (Eliminating on the augmented
  // [A | B] instead measured no faster.)
  const streaming = bb.count === a.count;
  if (streaming) {
    const cost = (n * n * n * 2) / 3 + 2 * n * n * (left ? cols : rows);
    const bLinear = b.count === bb.count;
    runBatch(SOLVE_TASK, bb.count, [...batchArgs(a), ...batchArgs(b), bb.indexB, x, left], bLinear ? [2 * BATCH_ARGS] : [BATCH_ARGS, 2 * BATCH_ARGS], cost * k.sp * k.sp, bLinear ? [0, BATCH_ARGS] : [0]);
    return vector ? batchTensor(x, dtype, bb.batchShape, [n]) : batchTensor(x, dtype, bb.batchShape, [rows, cols]);
  }
  const all = streaming ? null : factorAll(fn, 'A', a, true);
  const w = streaming ? new Float64Array(a.stride) : null;
  const piv = streaming ? new Int32Array(n) : all!.piv;
  const tb = new Float64Array(xs);
  const scratch = left ? null : new Float64Array(a.stride);
  for (let i = 0; i < bb.count; i++) {
    let luData: Float64Array;
    let luOff = 0;
    let pivOff = 0;
    if (w) {
      load(a, i, w);
      if (k.lu(w, 0, n, n, piv, 0) >= 0) throw batchError(fn, 'A', 'is singular', a.batchShape, i);
      luData = w;
    } else {
      const ia = bb.indexA[i]!;
      luData = all!.lu;
      luOff = ia * a.stride;
      pivOff = ia * n;
    }
    const src = bb.indexB[i]! * xs;
    if (left) {
      tb.set(b.data.subarray(src, src + xs));
      luSolveBlock(k, luData, luOff, n, piv, pivOff, tb, 0, cols, 0, null);
      x.set(tb, i * xs);
    } else {
      // X A = B  ⇔  Aᵀ Xᵀ = Bᵀ.
      transposeInto(b.data, src, rows, cols, tb, 0, k.sp, false);
      luSolveBlock(k, luData, luOff, n, piv, pivOff, tb, 0, rows, 1, scratch);
      transposeInto(tb, 0, cols, rows, x, i * xs, k.sp, false);
    }
  }
  return vector ? batchTensor(x, dtype, bb.batchShape, [n]) : batchTensor(x, dtype, bb.batchShape, [rows, cols]);
}

const SOLVE_TASK = 'linalg.solve';
/** Streaming solve (A not broadcast): args [...batchArgs(A), ...batchArgs(B), indexB, x, left]. */
registerBatchTask(SOLVE_TASK, (args: readonly TaskArg[]) => {
  const a = batchFromArgs(args, 0);
  const b = batchFromArgs(args, BATCH_ARGS);
  const indexB = args[2 * BATCH_ARGS] as Int32Array;
  const x = args[2 * BATCH_ARGS + 1] as FloatStorage;
  const left = args[2 * BATCH_ARGS + 2] as boolean;
  const n = a.rows;
  const k = kernels(a.complex);
  const { rows, cols, stride: xs } = b;
  const w = new Float64Array(a.stride);
  const piv = new Int32Array(n);
  const tb = new Float64Array(xs);
  const scratch = left ? null : new Float64Array(a.stride);
  return (i: number) => {
    load(a, i, w);
    if (k.lu(w, 0, n, n, piv, 0) >= 0) throw batchError('solve', 'A', 'is singular', a.batchShape, i);
    const src = indexB[i]! * xs;
    if (left) {
      tb.set(b.data.subarray(src, src + xs));
      luSolveBlock(k, w, 0, n, piv, 0, tb, 0, cols, 0, null);
      x.set(tb, i * xs);
    } else {
      // X A = B  ⇔  Aᵀ Xᵀ = Bᵀ.
      transposeInto(b.data, src, rows, cols, tb, 0, k.sp, false);
      luSolveBlock(k, w, 0, n, piv, 0, tb, 0, rows, 1, scratch);
      transposeInto(tb, 0, cols, rows, x, i * xs, k.sp, false);
    }
  };
});

/** Rough flops of an n×n LU (complex counted 4×), for parallel split decisions. */
function luCost(n: number, cplx: boolean): number {
  return ((2 * n * n * n) / 3) * (cplx ? 4 : 1);
}

/** A view of `t` with a size-1 dim before the last (a batch of vectors as 1×n matrices); no copy. */
function asRow(t: Tensor): Tensor {
  return new Tensor(t.storage, [...t.shape.slice(0, -1), 1, t.shape[t.ndim - 1]!], t.dtype, [...t.strides.slice(0, -1), 0, t.strides[t.ndim - 1]!], t.offset);
}

/**
 * Inverse of each square matrix (`torch.linalg.inv`), by LU with partial pivoting. Throws for a singular matrix,
 * naming its batch index.
 *
 * @example
 * ```ts
 * inv(tensor([[2, 0], [0, 4]], { dtype: 'float64' })).toArray(); // [[0.5, 0], [0, 0.25]]
 * ```
 */
export function inv(A: Tensor): Tensor {
  const fn = 'inv';
  const a = matrixBatch(fn, 'A', A, { square: true });
  const n = a.rows;
  const k = kernels(a.complex);
  const x = allocFloat(a.dtype, a.count * n * n);
  runBatch(INV_TASK, a.count, [...batchArgs(a), x], [], 3 * luCost(n, a.complex), [0]);
  return batchTensor(x, a.dtype, a.batchShape, [n, n]);
}

const INV_TASK = 'linalg.inv';
/** args: [...batchArgs(A), x] */
registerBatchTask(INV_TASK, (args: readonly TaskArg[]) => {
  const a = batchFromArgs(args, 0);
  const x = args[BATCH_ARGS] as FloatStorage;
  const n = a.rows;
  const k = kernels(a.complex);
  const w = new Float64Array(a.stride);
  const e = new Float64Array(a.stride);
  const piv = new Int32Array(n);
  return (i: number) => {
    load(a, i, w);
    if (k.lu(w, 0, n, n, piv, 0) >= 0) throw batchError('inv', 'A', 'is singular', a.batchShape, i);
    e.fill(0);
    for (let r = 0; r < n; r++) e[(r * n + r) * k.sp] = 1;
    luSolveBlock(k, w, 0, n, piv, 0, e, 0, n, 0, null);
    x.set(e, i * a.stride);
  };
});

/** Parity of the row interchanges `piv[off … off+n)`: -1 for an odd number of swaps, else 1. */
function swapSign(piv: Int32Array, off: number, n: number): number {
  let s = 1;
  for (let j = 0; j < n; j++) if (piv[off + j] !== j) s = -s;
  return s;
}

/**
 * Determinant of each square matrix (`torch.linalg.det`): the product of the LU diagonal times the sign of the
 * row permutation. A singular matrix gives 0; the empty 0×0 matrix gives 1.
 *
 * @example
 * ```ts
 * det(tensor([[1, 2], [3, 4]], { dtype: 'float64' })).item(); // -2
 * ```
 */
export function det(A: Tensor): Tensor {
  const a = matrixBatch('det', 'A', A, { square: true });
  const n = a.rows;
  const out = allocFloat(a.dtype, a.count);
  runBatch(DET_TASK, a.count, [...batchArgs(a), out], [], luCost(n, a.complex), [0]);
  return batchTensor(out, a.dtype, a.batchShape, []);
}

const DET_TASK = 'linalg.det';
/** args: [...batchArgs(A), out] */
registerBatchTask(DET_TASK, (args: readonly TaskArg[]) => {
  const a = batchFromArgs(args, 0);
  const out = args[BATCH_ARGS] as FloatStorage;
  const n = a.rows;
  const { lu } = kernels(a.complex);
  const w = new Float64Array(a.stride);
  const piv = new Int32Array(n);
  return (i: number) => {
    load(a, i, w);
    lu(w, 0, n, n, piv, 0);
    const s = swapSign(piv, 0, n);
    if (!a.complex) {
      let p = s;
      for (let j = 0; j < n; j++) p *= w[j * n + j]!;
      out[i] = p;
    } else {
      let pr = s;
      let pi = 0;
      for (let j = 0; j < n; j++) {
        const q = 2 * (j * n + j);
        const dr = w[q]!;
        const di = w[q + 1]!;
        const t = pr * dr - pi * di;
        pi = pr * di + pi * dr;
        pr = t;
      }
      out[2 * i] = pr;
      out[2 * i + 1] = pi;
    }
  };
});

/**
 * Sign and natural log of the absolute value of the determinant (`torch.linalg.slogdet`), computed from the LU
 * diagonal without overflow: det = sign · exp(logabsdet). For complex input `sign` is a complex number of modulus
 * 1. A singular matrix gives sign 0 and logabsdet −Infinity. `logabsdet` is real.
 *
 * @example
 * ```ts
 * const { sign, logabsdet } = slogdet(tensor([[1, 2], [3, 4]], { dtype: 'float64' }));
 * sign.item(); // -1;  logabsdet.item() ≈ Math.log(2)
 * ```
 */
export function slogdet(A: Tensor): { sign: Tensor; logabsdet: Tensor } {
  const a = matrixBatch('slogdet', 'A', A, { square: true });
  const n = a.rows;
  const sign = allocFloat(a.dtype, a.count);
  const rdt = realLinalgDtype(a.dtype);
  const logabs = allocFloat(rdt, a.count);
  runBatch(SLOGDET_TASK, a.count, [...batchArgs(a), sign, logabs], [], luCost(n, a.complex), [0]);
  return { sign: batchTensor(sign, a.dtype, a.batchShape, []), logabsdet: batchTensor(logabs, rdt, a.batchShape, []) };
}

const SLOGDET_TASK = 'linalg.slogdet';
/** args: [...batchArgs(A), sign, logabs] */
registerBatchTask(SLOGDET_TASK, (args: readonly TaskArg[]) => {
  const a = batchFromArgs(args, 0);
  const sign = args[BATCH_ARGS] as FloatStorage;
  const logabs = args[BATCH_ARGS + 1] as FloatStorage;
  const n = a.rows;
  const { lu } = kernels(a.complex);
  const w = new Float64Array(a.stride);
  const piv = new Int32Array(n);
  return (i: number) => {
    load(a, i, w);
    lu(w, 0, n, n, piv, 0);
    let sr = swapSign(piv, 0, n);
    let si = 0;
    let l = 0;
    for (let j = 0; j < n; j++) {
      if (!a.complex) {
        const d = w[j * n + j]!;
        if (d < 0) sr = -sr;
        else if (d !== d) sr = NaN;
        l += Math.log(Math.abs(d));
      } else {
        const q = 2 * (j * n + j);
        const dr = w[q]!;
        const di = w[q + 1]!;
        const m = Math.hypot(dr, di);
        l += Math.log(m);
        if (m !== 0) {
          const ur = dr / m;
          const ui = di / m;
          const t = sr * ur - si * ui;
          si = sr * ui + si * ur;
          sr = t;
        }
      }
    }
    if (l === -Infinity) {
      sr = 0;
      si = 0;
    }
    if (a.complex) {
      sign[2 * i] = sr;
      sign[2 * i + 1] = si;
    } else sign[i] = sr;
    logabs[i] = l;
  };
});

/** Options of {@link cholesky}. */
export interface CholeskyOptions {
  /** Return the upper factor U = Lᴴ (A = Uᴴ U) instead of the lower L (default false). */
  upper?: boolean;
}

/**
 * Cholesky factor of each Hermitian (symmetric) positive-definite matrix (`torch.linalg.cholesky`): lower L with
 * A = L Lᴴ, or upper U = Lᴴ with `{ upper: true }`. Only the lower triangle of A is read. Throws for a matrix that
 * is not positive-definite, naming the leading minor and the batch index.
 *
 * @example
 * ```ts
 * cholesky(tensor([[4, 2], [2, 5]], { dtype: 'float64' })).toArray(); // [[2, 0], [1, 2]]
 * ```
 */
export function cholesky(A: Tensor, options: CholeskyOptions = {}): Tensor {
  const fn = 'cholesky';
  const a = matrixBatch(fn, 'A', A, { square: true });
  const n = a.rows;
  const out = allocFloat(a.dtype, a.count * n * n);
  runBatch(CHOLESKY_TASK, a.count, [...batchArgs(a), out, options.upper === true, fn], [], luCost(n, a.complex) / 2, [0]);
  return batchTensor(out, a.dtype, a.batchShape, [n, n]);
}

const CHOLESKY_TASK = 'linalg.cholesky';
/** args: [...batchArgs(A), out, upper, fn] */
registerBatchTask(CHOLESKY_TASK, (args: readonly TaskArg[]) => {
  const a = batchFromArgs(args, 0);
  const out = args[BATCH_ARGS] as FloatStorage;
  const upper = args[BATCH_ARGS + 1] as boolean;
  const fn = args[BATCH_ARGS + 2] as string;
  const n = a.rows;
  const sp = a.complex ? 2 : 1;
  const kern = a.complex ? choleskyComplex : choleskyReal;
  const w = new Float64Array(a.stride);
  return (i: number) => {
    load(a, i, w);
    const bad = kern(w, 0, n);
    if (bad >= 0) throw batchError(fn, 'A', `is not positive-definite (the leading minor of order ${bad + 1} is not positive-definite)`, a.batchShape, i);
    if (upper) transposeInto(w, 0, n, n, out, i * a.stride, sp, true);
    else out.set(w, i * a.stride);
  };
});

/**
 * LU factorisation with partial pivoting in compact form (`torch.linalg.lu_factor`): `LU` holds L (unit diagonal
 * not stored) below the diagonal and U on and above it; `pivots` (int32, `[..., min(m, n)]`) are 1-based as in
 * LAPACK/PyTorch: row j was interchanged with row `pivots[j] − 1`. Any m×n; singular matrices are allowed.
 *
 * @example
 * ```ts
 * const { LU, pivots } = luFactor(tensor([[1, 2], [3, 4]], { dtype: 'float64' }));
 * pivots.toArray(); // [2, 2]
 * ```
 */
export function luFactor(A: Tensor): { LU: Tensor; pivots: Tensor } {
  const a = matrixBatch('luFactor', 'A', A);
  const k = Math.min(a.rows, a.cols);
  const { lu, piv } = factorAll('luFactor', 'A', a, false);
  for (let i = 0; i < piv.length; i++) piv[i]! += 1;
  const out = a.dtype === 'float64' || a.dtype === 'complex128' ? lu : new Float32Array(lu);
  return {
    LU: batchTensor(out, a.dtype, a.batchShape, [a.rows, a.cols]),
    pivots: new Tensor(piv, [...a.batchShape, k], 'int32'),
  };
}

/**
 * LU factorisation with partial pivoting, A = P L U (`torch.linalg.lu`): P `[..., m, m]` a permutation matrix,
 * L `[..., m, k]` unit lower triangular, U `[..., k, n]` upper triangular, k = min(m, n). All in A's dtype.
 *
 * @example
 * ```ts
 * const { P, L, U } = lu(tensor([[1, 2], [3, 4]], { dtype: 'float64' }));
 * U.toArray(); // [[3, 4], [0, 0.666…]]
 * ```
 */
export function lu(A: Tensor): { P: Tensor; L: Tensor; U: Tensor } {
  const a = matrixBatch('lu', 'A', A);
  const m = a.rows;
  const n = a.cols;
  const k = Math.min(m, n);
  const sp = a.complex ? 2 : 1;
  const { lu: luData, piv } = factorAll('lu', 'A', a, false);
  const P = allocFloat(a.dtype, a.count * m * m);
  const L = allocFloat(a.dtype, a.count * m * k);
  const U = allocFloat(a.dtype, a.count * k * n);
  const perm = new Int32Array(m);
  for (let b = 0; b < a.count; b++) {
    const off = b * a.stride;
    for (let i = 0; i < m; i++) perm[i] = i;
    for (let j = 0; j < k; j++) {
      const p = piv[b * k + j]!;
      const t = perm[j]!;
      perm[j] = perm[p]!;
      perm[p] = t;
    }
    // Row i of P·A's factorisation is row perm[i] of A, so A = P L U with P[perm[i], i] = 1.
    for (let i = 0; i < m; i++) P[(b * m * m + perm[i]! * m + i) * sp] = 1;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < k; j++) {
        const dst = (b * m * k + i * k + j) * sp;
        if (j < i) {
          L[dst] = luData[off + (i * n + j) * sp]!;
          if (sp === 2) L[dst + 1] = luData[off + (i * n + j) * sp + 1]!;
        } else if (j === i) L[dst] = 1;
      }
    }
    for (let i = 0; i < k; i++) {
      for (let j = i; j < n; j++) {
        const dst = (b * k * n + i * n + j) * sp;
        U[dst] = luData[off + (i * n + j) * sp]!;
        if (sp === 2) U[dst + 1] = luData[off + (i * n + j) * sp + 1]!;
      }
    }
  }
  return {
    P: batchTensor(P, a.dtype, a.batchShape, [m, m]),
    L: batchTensor(L, a.dtype, a.batchShape, [m, k]),
    U: batchTensor(U, a.dtype, a.batchShape, [k, n]),
  };
}

/** Options of {@link luSolve}. */
export interface LuSolveOptions {
  /** true (default): solve A X = B; false: solve X A = B. */
  left?: boolean;
  /** Solve with Aᴴ instead of A (default false). */
  adjoint?: boolean;
}

/**
 * Solves A X = B given `luFactor(A)` (`torch.linalg.lu_solve`): `LU` `[..., n, n]`, 1-based `pivots` `[..., n]`,
 * B `[..., n, k]` (or `[..., k, n]` with `{ left: false }`); batch dims broadcast. `{ adjoint: true }` solves with Aᴴ.
 * A zero on U's diagonal gives Inf/NaN (as in PyTorch), not an error: check `luFactor`'s U if that matters.
 *
 * @example
 * ```ts
 * const { LU, pivots } = luFactor(A);
 * const X = luSolve(LU, pivots, B); // same as solve(A, B)
 * ```
 */
export function luSolve(LU: Tensor, pivots: Tensor, B: Tensor, options: LuSolveOptions = {}): Tensor {
  const fn = 'luSolve';
  checkMatrixTensor(fn, 'LU', LU, true);
  checkTensor(fn, 'pivots', pivots);
  checkMatrixTensor(fn, 'B', B, false);
  const n = LU.shape[LU.ndim - 1]!;
  const left = options.left ?? true;
  const adjoint = options.adjoint ?? false;
  if (pivots.dtype !== 'int32' || pivots.ndim < 1 || pivots.shape[pivots.ndim - 1] !== n || !sameShape(pivots.shape.slice(0, -1), LU.shape.slice(0, -2))) {
    throw argError(fn, 'pivots', `an int32 tensor of shape [${[...LU.shape.slice(0, -2), n].join(', ')}] as returned by luFactor`, `${pivots.dtype} shape [${pivots.shape.join(', ')}]`);
  }
  if (B.shape[B.ndim - (left ? 2 : 1)] !== n) {
    throw argError(fn, 'B', `a tensor of shape ${left ? `[..., ${n}, k]` : `[..., k, ${n}]`} to match 'LU'`, `shape [${B.shape.join(', ')}]`);
  }
  const dtype = linalgDtype(LU.dtype, B.dtype);
  const a = matrixBatch(fn, 'LU', LU, { dtype });
  const b = matrixBatch(fn, 'B', B, { dtype });
  const pv = pivots.data as Int32Array;
  const piv = new Int32Array(pv.length);
  for (let i = 0; i < pv.length; i++) {
    const p = pv[i]! - 1;
    if (!(p >= i % n && p < n)) throw argError(fn, 'pivots', `1-based row indices with pivots[j] in [j + 1, ${n}]`, pv[i]);
    piv[i] = p;
  }
  const bb = broadcastBatch(fn, a.batchShape, b.batchShape, ['LU', 'B']);
  const k = kernels(a.complex);
  const rows = b.rows;
  const cols = b.cols;
  const xs = b.stride;
  const x = allocFloat(dtype, bb.count * rows * cols);
  const luData = a.data instanceof Float64Array ? a.data : new Float64Array(a.data);
  const scratch = new Float64Array(a.stride);
  const tb = new Float64Array(xs);
  for (let i = 0; i < bb.count; i++) {
    const ia = bb.indexA[i]!;
    const src = bb.indexB[i]! * xs;
    if (left) {
      tb.set(b.data.subarray(src, src + xs));
      luSolveBlock(k, luData, ia * a.stride, n, piv, ia * n, tb, 0, cols, adjoint ? 2 : 0, scratch);
      x.set(tb, i * xs);
    } else if (!adjoint) {
      // X A = B ⇔ Aᵀ Xᵀ = Bᵀ.
      transposeInto(b.data, src, rows, cols, tb, 0, k.sp, false);
      luSolveBlock(k, luData, ia * a.stride, n, piv, ia * n, tb, 0, rows, 1, scratch);
      transposeInto(tb, 0, cols, rows, x, i * xs, k.sp, false);
    } else {
      // X Aᴴ = B ⇔ A Z = Bᴴ with X = Zᴴ.
      transposeInto(b.data, src, rows, cols, tb, 0, k.sp, true);
      luSolveBlock(k, luData, ia * a.stride, n, piv, ia * n, tb, 0, rows, 0, null);
      transposeInto(tb, 0, cols, rows, x, i * xs, k.sp, true);
    }
  }
  return batchTensor(x, dtype, bb.batchShape, [rows, cols]);
}

/** Options of {@link triangularSolve}; `upper` is required, as in PyTorch. */
export interface TriangularSolveOptions {
  /** Whether A is upper (true) or lower (false) triangular; only that triangle is read. */
  upper: boolean;
  /** true (default): solve A X = B; false: solve X A = B. */
  left?: boolean;
  /** Assume a unit diagonal without reading it (default false). */
  unitriangular?: boolean;
}

/**
 * Solves a triangular system (`torch.linalg.solve_triangular`): A X = B (`left`, default) or X A = B, with A
 * `[..., n, n]` upper or lower triangular and B `[..., n, k]` (left) or `[..., k, n]` (right); batch dims broadcast.
 * Like PyTorch, a zero diagonal entry is not checked: it produces Inf/NaN.
 *
 * @example
 * ```ts
 * const A = tensor([[2, 1], [0, 4]], { dtype: 'float64' });
 * triangularSolve(A, tensor([[4], [8]], { dtype: 'float64' }), { upper: true }).toArray(); // [[1], [2]]
 * ```
 */
export function triangularSolve(A: Tensor, B: Tensor, options: TriangularSolveOptions): Tensor {
  const fn = 'triangularSolve';
  if (typeof options !== 'object' || options === null || typeof options.upper !== 'boolean') {
    throw argError(fn, 'options.upper', 'a boolean (true for upper triangular A, false for lower)', options?.upper);
  }
  checkMatrixTensor(fn, 'A', A, true);
  checkMatrixTensor(fn, 'B', B, false);
  const n = A.shape[A.ndim - 1]!;
  const left = options.left ?? true;
  const unit = options.unitriangular ?? false;
  if (B.shape[B.ndim - (left ? 2 : 1)] !== n) {
    throw argError(fn, 'B', `a tensor of shape ${left ? `[..., ${n}, k]` : `[..., k, ${n}]`} to match 'A'`, `shape [${B.shape.join(', ')}]`);
  }
  const dtype = linalgDtype(A.dtype, B.dtype);
  const a = matrixBatch(fn, 'A', A, { dtype });
  const b = matrixBatch(fn, 'B', B, { dtype });
  const bb = broadcastBatch(fn, a.batchShape, b.batchShape, ['A', 'B']);
  const trsm = a.complex ? trsmComplex : trsmReal;
  const sp = a.complex ? 2 : 1;
  const rows = b.rows;
  const cols = b.cols;
  const xs = b.stride;
  const x = allocFloat(dtype, bb.count * rows * cols);
  const at = new Float64Array(a.stride);
  const tb = new Float64Array(xs);
  for (let i = 0; i < bb.count; i++) {
    const aOff = bb.indexA[i]! * a.stride;
    const src = bb.indexB[i]! * xs;
    if (left) {
      at.set(a.data.subarray(aOff, aOff + a.stride));
      tb.set(b.data.subarray(src, src + xs));
      trsm(at, 0, n, tb, 0, cols, options.upper, unit);
      x.set(tb, i * xs);
    } else {
      // X A = B ⇔ Aᵀ Xᵀ = Bᵀ, and Aᵀ is triangular the other way.
      transposeInto(a.data, aOff, n, n, at, 0, sp, false);
      transposeInto(b.data, src, rows, cols, tb, 0, sp, false);
      trsm(at, 0, n, tb, 0, rows, !options.upper, unit);
      transposeInto(tb, 0, cols, rows, x, i * xs, sp, false);
    }
  }
  return batchTensor(x, dtype, bb.batchShape, [rows, cols]);
}

/** Options of {@link qr}. */
export interface QrOptions {
  /** 'reduced' (default): Q `[..., m, k]`, R `[..., k, n]`; 'complete': Q `[..., m, m]`, R `[..., m, n]`; 'r': only R (Q empty). */
  mode?: 'reduced' | 'complete' | 'r';
  /** Extension (not in torch.linalg.qr; as SciPy's `qr(pivoting=True)`): column pivoting, A[..., :, perm] = Q R. */
  pivoting?: boolean;
}

/** Result of {@link qr}. */
export interface QrResult {
  /** Orthonormal (unitary) factor; an empty tensor of shape [0] in mode 'r'. */
  Q: Tensor;
  /** Upper triangular (trapezoidal) factor. */
  R: Tensor;
  /** With `{ pivoting: true }`: int32 `[..., n]`, column c of Q R is column `perm[c]` of A. */
  perm?: Tensor;
}

/**
 * Householder QR of each m×n matrix (`torch.linalg.qr`), any shape (tall, wide, square, empty). Signs follow
 * LAPACK (R's diagonal is real; each reflector makes it −sign(Re a_jj)·‖column‖), so results match
 * NumPy/PyTorch. `{ pivoting: true }` (an extension, as SciPy's `qr(pivoting=True)`) picks at each step the remaining
 * column of largest norm, so |diag R| is non-increasing, and returns `perm` with A[..., :, perm] = Q R.
 *
 * @example
 * ```ts
 * const { Q, R } = qr(tensor([[3, 1], [4, 2]], { dtype: 'float64' }));
 * R.toArray(); // [[-5, -2.2], [0, 0.4]]
 * ```
 */
export function qr(A: Tensor, options: QrOptions = {}): QrResult {
  const fn = 'qr';
  const mode = options.mode ?? 'reduced';
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') throw argError(fn, 'mode', "'reduced', 'complete' or 'r'", mode);
  const pivoting = options.pivoting ?? false;
  const a = matrixBatch(fn, 'A', A);
  const m = a.rows;
  const n = a.cols;
  const k = Math.min(m, n);
  const cplx = a.complex;
  const sp = cplx ? 2 : 1;
  const perm = pivoting ? allocShared(Int32Array, a.count * n) : null;
  const qCols = mode === 'complete' ? m : k;
  const rRows = mode === 'complete' ? m : k;
  const Q = mode === 'r' ? null : allocFloat(a.dtype, a.count * m * qCols);
  const R = allocFloat(a.dtype, a.count * rRows * n);
  const cost = 2 * m * n * k * (mode === 'r' ? 1 : 2) * sp * sp;
  runBatch(QR_TASK, a.count, [...batchArgs(a), Q ?? 0, R, perm ?? 0, mode], [], cost, [0]);
  const res: QrResult = {
    Q: Q ? batchTensor(Q, a.dtype, a.batchShape, [m, qCols]) : new Tensor(allocFloat(a.dtype, 0), [0], a.dtype),
    R: batchTensor(R, a.dtype, a.batchShape, [rRows, n]),
  };
  if (perm) res.perm = new Tensor(perm, [...a.batchShape, n], 'int32');
  return res;
}

const QR_TASK = 'linalg.qr';
/** args: [...batchArgs(A), Q (or 0 for mode 'r'), R, perm (or 0 without pivoting), mode] */
registerBatchTask(QR_TASK, (args: readonly TaskArg[]) => {
  const a = batchFromArgs(args, 0);
  const Qa = args[BATCH_ARGS];
  const Q = typeof Qa === 'object' ? (Qa as FloatStorage) : null;
  const R = args[BATCH_ARGS + 1] as FloatStorage;
  const pa = args[BATCH_ARGS + 2];
  const perm = typeof pa === 'object' ? (pa as Int32Array) : null;
  const mode = args[BATCH_ARGS + 3] as string;
  const { rows: m, cols: n, complex: cplx } = a;
  const k = Math.min(m, n);
  const sp = cplx ? 2 : 1;
  const qCols = mode === 'complete' ? m : k;
  const rRows = mode === 'complete' ? m : k;
  const tau = new Float64Array(2 * Math.max(k, 1));
  const w = new Float64Array(a.stride);
  const qw = new Float64Array(m * qCols * sp);
  const work = new Float64Array(2 * Math.max(m, n, 1));
  const norms = perm ? new Float64Array(n) : null;
  const factor = cplx ? qrComplex : qrReal;
  const formQ = cplx ? formQComplex : formQReal;
  return (b: number) => {
    load(a, b, w);
    factor(w, 0, m, n, tau, 0, work, perm, b * n, norms);
    const rOff = b * rRows * n * sp;
    for (let i = 0; i < k; i++) R.set(w.subarray((i * n + i) * sp, (i + 1) * n * sp), rOff + (i * n + i) * sp);
    if (Q) {
      formQ(w, 0, m, n, k, tau, 0, qw, 0, qCols, work);
      Q.set(qw, b * m * qCols * sp);
    }
  };
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** Determinant of each square matrix; see {@link det}. @example `x.det()` */
    det(): Tensor;
    /** Sign and log|det| of each square matrix; see {@link slogdet}. @example `x.slogdet().logabsdet` */
    slogdet(): { sign: Tensor; logabsdet: Tensor };
    /** Inverse of each square matrix (PyTorch's `Tensor.inverse`); see {@link inv}. @example `x.inverse()` */
    inverse(): Tensor;
    /** Cholesky factor of each Hermitian positive-definite matrix; see {@link cholesky}. @example `x.cholesky()` */
    cholesky(options?: CholeskyOptions): Tensor;
    /** Householder QR of each matrix; see {@link qr}. @example `x.qr().R` */
    qr(options?: QrOptions): QrResult;
  }
}
Tensor.prototype.det = function (this: Tensor) {
  return det(this);
};
Tensor.prototype.slogdet = function (this: Tensor) {
  return slogdet(this);
};
Tensor.prototype.inverse = function (this: Tensor) {
  return inv(this);
};
Tensor.prototype.cholesky = function (this: Tensor, options?: CholeskyOptions) {
  return cholesky(this, options);
};
Tensor.prototype.qr = function (this: Tensor, options?: QrOptions) {
  return qr(this, options);
};
