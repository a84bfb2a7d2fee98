/**
 * The common setup of the Krylov solvers: validation, dtypes, the flat float64 vectors the iterations work
 * on, and the final report with residuals recomputed from the returned x.
 *
 * Complex problems run in the same real arithmetic: a complex vector is its interleaved (re, im) scalars, and
 * Re⟨u, v⟩ is their real dot product. LSQR, LSMR and CGLS only ever need norms and real combinations of
 * vectors, so the iterates are exactly those of the complex algorithms; this also covers real-linear
 * operators such as the rFFT.
 */
import { AdjointError, argError } from '../../errors.js';
import { castStorage } from '../../tensor/cast.js';
import { complexDtypeOf, isComplex, type DType } from '../../tensor/dtype.js';
import { sameShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { LinearOperator, fromFloat64, toFloat64, type OperatorDtype } from '../linear-operator.js';
import type { KrylovInfo, KrylovMethod, KrylovOptions, KrylovProgress, KrylovResult, KrylovStopReason } from './types.js';

/** @internal ‖v‖₂ over scalars. @example `norm2(new Float64Array([3, 4])) // 5` */
export function norm2(v: Float64Array): number {
  // Scaled sum of squares would cost a second pass; overflow needs |v| ~ 1e154, far outside these uses.
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/** @internal v ← a·v in place. @example `scal(v, 0.5)` */
export function scal(v: Float64Array, a: number): void {
  for (let i = 0; i < v.length; i++) v[i] *= a;
}

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** One operator slot: the tensor shape/dtype of its input and a reusable input buffer. */
class Space {
  readonly shape: readonly number[];
  readonly dtype: OperatorDtype;
  readonly size: number;
  private readonly buf: Float32Array | null;
  constructor(shape: readonly number[], dtype: OperatorDtype) {
    this.shape = shape;
    this.dtype = dtype;
    this.size = shape.reduce((a, c) => a * c, 1) * (isComplex(dtype) ? 2 : 1);
    this.buf = dtype === 'float32' || dtype === 'complex64' ? new Float32Array(this.size) : null;
  }
  /** Wraps v as a tensor of this space, copying only when single precision needs it. */
  wrap(v: Float64Array): Tensor {
    if (this.buf === null) return new Tensor(v, this.shape, this.dtype);
    this.buf.set(v);
    return new Tensor(this.buf, this.shape, this.dtype);
  }
}

/** Converts a result tensor to exactly `size` scalars of the space (never aliasing `src`). */
function readOut(t: Tensor, size: number, src: Float64Array, fn: string): Float64Array {
  let d = toFloat64(t);
  if (d.length !== size) {
    if (!isComplex(t.dtype) && d.length * 2 === size) {
      const c = new Float64Array(size);
      for (let i = 0; i < d.length; i++) c[2 * i] = d[i]!;
      d = c;
    } else {
      throw new AdjointError(`${fn}: internal error: operator returned ${d.length} scalars, expected ${size}`);
    }
  }
  return d === src ? Float64Array.from(d) : d;
}

/** @internal Validated problem data shared by the three solvers. @example `const P = new KrylovProblem('lsqr', A, b, {});` */
export class KrylovProblem {
  readonly fn: string;
  readonly method: KrylovMethod;
  /** The operator the iteration sees: A, or A∘M with a preconditioner. */
  readonly op: LinearOperator;
  readonly A: LinearOperator;
  readonly M: LinearOperator | null;
  /** Space of the iteration variable (x, or z with a preconditioner). */
  readonly zSpace: Space;
  /** Space of b. */
  readonly bSpace: Space;
  /** Space of A's input, the returned x. */
  readonly xDtype: OperatorDtype;
  /** b − A·x0 as scalars. */
  readonly b: Float64Array;
  /** The original b as scalars. */
  readonly b0: Float64Array;
  readonly x0: Float64Array | null;
  readonly bnorm: number;
  readonly maxIter: number;
  readonly atol: number;
  readonly btol: number;
  readonly conlim: number;
  readonly damp: number;
  readonly onIteration: KrylovOptions['onIteration'];

  constructor(method: KrylovMethod, A: unknown, b: unknown, options: KrylovOptions) {
    const fn = method;
    this.fn = fn;
    this.method = method;
    if (!(A instanceof LinearOperator)) throw argError(fn, 'A', 'a LinearOperator', A);
    if (!(b instanceof Tensor)) throw argError(fn, 'b', 'a Tensor', b);
    if (options === null || typeof options !== 'object') throw argError(fn, 'options', 'an object', options);
    if (!sameShape(b.shape, A.outShape)) throw argError(fn, 'b', `a tensor of shape ${fmt(A.outShape)} (A.outShape)`, b.shape.slice());
    const M = options.preconditioner ?? null;
    if (M !== null) {
      if (!(M instanceof LinearOperator)) throw argError(fn, 'preconditioner', 'a LinearOperator', M);
      if (!sameShape(M.outShape, A.inShape)) {
        throw argError(fn, 'preconditioner', `an operator with outShape ${fmt(A.inShape)} (A.inShape)`, `outShape ${fmt(M.outShape)}`);
      }
    }
    const op = M === null ? A : A.compose(M);
    this.A = A;
    this.M = M;
    this.op = op;

    // A real operator meets a complex b by acting on real and imaginary parts: make both spaces complex.
    const bComplex = isComplex(b.dtype);
    const realOp = (o: LinearOperator): boolean => !isComplex(o.inDtype) && !isComplex(o.outDtype);
    if (bComplex && !isComplex(op.outDtype) && !realOp(op)) {
      throw argError(fn, 'b', `a real tensor: A maps into a real space (${op.outDtype})`, b.dtype);
    }
    const lift = bComplex && realOp(op);
    const zDt: OperatorDtype = lift ? complexDtypeOf(op.inDtype) : op.inDtype;
    const bDt: OperatorDtype = lift ? complexDtypeOf(op.outDtype) : op.outDtype;
    // x = M z lives where M sends z (a real M fed complex z gives complex x).
    this.xDtype = M === null ? zDt : realOp(M) && isComplex(zDt) ? complexDtypeOf(M.outDtype) : M.outDtype;
    this.zSpace = new Space(op.inShape, zDt);
    this.bSpace = new Space(op.outShape, bDt);
    this.b0 = scalarsOf(b, bDt);

    const single = op.dtype === 'float32' || op.dtype === 'complex64';
    const tol = numberOption(fn, 'tol', options.tol, single ? 1e-5 : 1e-8, 0);
    this.atol = numberOption(fn, 'atol', options.atol, tol, 0);
    this.btol = numberOption(fn, 'btol', options.btol, tol, 0);
    this.conlim = numberOption(fn, 'conlim', options.conlim, single ? 1e4 : 1e8, 0);
    this.damp = numberOption(fn, 'damp', options.damp, 0, 0);
    const nSmall = Math.min(this.zSpace.size, this.bSpace.size);
    const mi = options.maxIter ?? Math.max(1, Math.min(2 * nSmall, 10000));
    if (!Number.isSafeInteger(mi) || mi < 0) throw argError(fn, 'maxIter', 'a non-negative integer', mi);
    this.maxIter = mi;
    if (options.onIteration !== undefined && typeof options.onIteration !== 'function') throw argError(fn, 'onIteration', 'a function', options.onIteration);
    this.onIteration = options.onIteration;

    if (options.x0 !== undefined) {
      const x0 = options.x0;
      if (!(x0 instanceof Tensor)) throw argError(fn, 'x0', 'a Tensor', x0);
      if (!sameShape(x0.shape, A.inShape)) throw argError(fn, 'x0', `a tensor of shape ${fmt(A.inShape)} (A.inShape)`, x0.shape.slice());
      if (isComplex(x0.dtype) && !isComplex(this.xDtype)) throw argError(fn, 'x0', `a real tensor (the solution space is ${this.xDtype})`, x0.dtype);
      this.x0 = scalarsOf(x0, this.xDtype);
      const Ax0 = readOut(A.apply(fromFloat64(this.x0, A.inShape, this.xDtype)), this.bSpace.size, this.x0, fn);
      this.b = new Float64Array(this.b0.length);
      for (let i = 0; i < this.b.length; i++) this.b[i] = this.b0[i]! - Ax0[i]!;
    } else {
      this.x0 = null;
      this.b = this.b0;
    }
    this.bnorm = norm2(this.b0);
  }

  /** op·v as scalars of the b space (a fresh array, or one not aliasing v). */
  applyOp(v: Float64Array): Float64Array {
    return readOut(this.op.apply(this.zSpace.wrap(v)), this.bSpace.size, v, this.fn);
  }

  /** opᴴ·u as scalars of the z space. */
  adjointOp(u: Float64Array): Float64Array {
    return readOut(this.op.adjoint(this.bSpace.wrap(u)), this.zSpace.size, u, this.fn);
  }

  /** Calls onIteration; true means "stop". */
  report(it: number, relResidual: number, relNormalResidual: number, normA: number, normX: number): boolean {
    if (this.onIteration === undefined) return false;
    const p: KrylovProgress = { method: this.method, iterations: it, relResidual, relNormalResidual, normA, normX };
    return this.onIteration(it, p) === false;
  }

  /** Builds x = x0 + M z and the report, with residuals recomputed from x. */
  finish(z: Float64Array, iterations: number, stopReason: KrylovStopReason, normA: number, condA: number): KrylovResult {
    const zt = fromFloat64(Float64Array.from(z), this.zSpace.shape, this.zSpace.dtype);
    const xs = new Float64Array(this.x0 === null ? 0 : this.x0.length);
    let x: Float64Array;
    if (this.M === null) {
      x = Float64Array.from(z);
    } else {
      const mz = this.M.apply(zt);
      x = scalarsOf(mz, this.xDtype);
    }
    if (this.x0 !== null) {
      xs.set(this.x0);
      for (let i = 0; i < x.length; i++) xs[i] += x[i]!;
      x = xs;
    }
    const xt = fromFloat64(x, this.A.inShape, this.xDtype);
    const Ax = readOut(this.A.apply(xt), this.bSpace.size, x, this.fn);
    const r = new Float64Array(Ax.length);
    for (let i = 0; i < r.length; i++) r[i] = this.b0[i]! - Ax[i]!;
    const g = this.adjointOp(r);
    const d2 = this.damp * this.damp;
    if (d2 > 0) for (let i = 0; i < g.length; i++) g[i] -= d2 * z[i]!;
    const rn = norm2(r);
    const bn = this.bnorm;
    const relResidual = bn === 0 ? rn : rn / bn;
    const den = normA * bn;
    const gn = norm2(g);
    const relNormalResidual = den === 0 ? gn : gn / den;
    const converged = stopReason === 'zeroRhs' || stopReason === 'exactSolution' || stopReason === 'compatible' || stopReason === 'leastSquares' || stopReason === 'machinePrecision';
    const info: KrylovInfo = { method: this.method, iterations, converged, relResidual, relNormalResidual, stopReason, normA, condA };
    return { x: xt, info };
  }
}

/** The scalars of t in `dt` (real → complex adds zero imaginary parts), as a fresh Float64Array. */
function scalarsOf(t: Tensor, dt: OperatorDtype): Float64Array {
  const target: DType = isComplex(dt) ? 'complex128' : 'float64';
  if (isComplex(t.dtype) && !isComplex(dt)) throw new AdjointError(`internal error: complex data for a real space`);
  return castStorage(t.data, t.dtype, target, t.numel) as Float64Array;
}

function numberOption(fn: string, arg: string, v: unknown, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw argError(fn, arg, `a finite number >= ${min}`, v);
  return v;
}

/**
 * One Golub–Kahan bidiagonalisation step, shared by LSQR and LSMR: β u = A v − α u, then (when β > 0)
 * α v = Aᴴ u − β v, each normalised in place. Returns the new β and α (α is unchanged when β = 0).
 *
 * @example
 * ```ts
 * ({ alpha, beta } = golubKahanStep(P, u, v, alpha));
 * ```
 */
export function golubKahanStep(P: KrylovProblem, u: Float64Array, v: Float64Array, alpha: number): { alpha: number; beta: number } {
  const Av = P.applyOp(v);
  for (let i = 0; i < u.length; i++) u[i] = Av[i]! - alpha * u[i]!;
  const beta = norm2(u);
  if (beta > 0) {
    scal(u, 1 / beta);
    const Au = P.adjointOp(u);
    for (let i = 0; i < v.length; i++) v[i] = Au[i]! - beta * v[i]!;
    alpha = norm2(v);
    if (alpha > 0) scal(v, 1 / alpha);
  }
  return { alpha, beta };
}

/**
 * The start of Golub–Kahan bidiagonalisation, shared by LSQR and LSMR: β u = b and α v = Aᴴ u, normalised.
 * `u`/`v` are fresh arrays; when β or α is 0 the corresponding vector is left unnormalised and the caller stops.
 *
 * @example
 * ```ts
 * let { u, v, beta, alpha } = golubKahanStart(P);
 * ```
 */
export function golubKahanStart(P: KrylovProblem): { u: Float64Array; v: Float64Array; beta: number; alpha: number } {
  const u = Float64Array.from(P.b);
  const beta = norm2(u);
  if (beta === 0) return { u, v: new Float64Array(P.zSpace.size), beta, alpha: 0 };
  scal(u, 1 / beta);
  const v = Float64Array.from(P.adjointOp(u));
  const alpha = norm2(v);
  if (alpha > 0) scal(v, 1 / alpha);
  return { u, v, beta, alpha };
}
