/**
 * The abstract linear operator: a linear map between tensor shapes, given by its action and its adjoint,
 * never by a stored matrix. Subclasses implement the two batched actions; this base validates shapes,
 * settles dtypes, maps over a leading batch dim and provides the algebra (.H, compose, add, scale) and
 * `toDense`.
 *
 * Inner products are the usual ones: ⟨u, v⟩ = Σ conj(v)·u over all elements. An operator whose input is
 * real and output complex (the unitary rFFT) is linear over the reals only; its adjoint is taken for the
 * real inner product Re⟨u, v⟩.
 */
import { AdjointError, argError } from '../errors.js';
import { castStorage } from '../tensor/cast.js';
import { complexDtypeOf, isComplex, promoteTypes, realDtypeOf, type DType } from '../tensor/dtype.js';
import { numel, sameShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** The dtypes an operator can act in. @example `const d: OperatorDtype = 'complex128';` */
export type OperatorDtype = 'float32' | 'float64' | 'complex64' | 'complex128';

/** A real scalar or a complex one as `[re, im]`. @example `const i: ScalarLike = [0, 1];` */
export type ScalarLike = number | readonly [number, number];

/** Largest matrix {@link LinearOperator.toDense} builds by default: 2^24 entries (128 MiB of float64). */
export const TO_DENSE_MAX_ENTRIES = 2 ** 24;

/** Options of {@link LinearOperator.toDense}. @example `op.toDense({ maxEntries: 2 ** 26 })` */
export interface ToDenseOptions {
  /** Refuse when rows × cols exceeds this (default {@link TO_DENSE_MAX_ENTRIES} = 2^24). */
  maxEntries?: number;
}

/** Fields every operator is built from. @example `{ name: 'Eye', inShape: [3], outShape: [3], inDtype: 'float64', outDtype: 'float64' }` */
export interface OperatorInit {
  name: string;
  inShape: readonly number[];
  outShape: readonly number[];
  inDtype: OperatorDtype;
  outDtype: OperatorDtype;
  /**
   * Whether the map is linear over the complex numbers. Default: true unless exactly one of the two spaces is
   * complex. Composite operators built from real-linear pieces (rFFT) pass false even when both spaces are complex.
   */
  complexLinear?: boolean;
}

/**
 * @internal The operator algebra lives in compose.ts (its classes extend this one, so this module cannot
 * import it without a cycle); compose.ts registers it here when it loads.
 */
export interface OperatorAlgebra {
  compose(a: LinearOperator, b: LinearOperator): LinearOperator;
  add(a: LinearOperator, b: LinearOperator, sign: 1 | -1): LinearOperator;
  scale(a: LinearOperator, alpha: ScalarLike): LinearOperator;
  adjoint(a: LinearOperator): LinearOperator;
}
let algebra: OperatorAlgebra | null = null;

/** @internal Called once by compose.ts. @example `registerOperatorAlgebra(impl)` */
export function registerOperatorAlgebra(impl: OperatorAlgebra): void {
  algebra = impl;
}

function getAlgebra(): OperatorAlgebra {
  if (algebra === null) throw new AdjointError("operators: the operator algebra is not loaded; import from 'adjoint' or './operators/index.js'");
  return algebra;
}

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

/**
 * A linear map from tensors of shape `inShape` to tensors of shape `outShape`, defined by `apply` and
 * `adjoint`.
 *
 * Batching: `apply(x)` accepts `x` of shape `inShape` or `[batch, ...inShape]`; each of the `batch` items is
 * mapped independently and the result has shape `outShape` or `[batch, ...outShape]`. `adjoint` likewise.
 *
 * Dtypes: the input is cast to the operator's input dtype (so the operator fixes the precision). A real
 * operator (real in, real out) also accepts complex input and acts on real and imaginary parts, giving a
 * complex result. An operator with real input and complex output (the rFFT) is only real-linear and rejects
 * complex input.
 *
 * @example
 * ```ts
 * const A = operators.matrix(randn([4, 3], { seed: 0, dtype: 'float64' }));
 * const B = A.H.compose(A).add(operators.identity([3]).scale(0.1)); // AᴴA + 0.1·I
 * B.apply(randn([3], { seed: 1, dtype: 'float64' })).shape; // [3]
 * ```
 */
export abstract class LinearOperator {
  /** Shape of the input tensors (without the optional batch dim). */
  readonly inShape: readonly number[];
  /** Shape of the output tensors (without the optional batch dim). */
  readonly outShape: readonly number[];
  /** Dtype of the input space. */
  readonly inDtype: OperatorDtype;
  /** Dtype of the output space. */
  readonly outDtype: OperatorDtype;
  /** A short description used in error messages and `toString`. */
  readonly name: string;
  private readonly complexLinear: boolean;
  private adjointCache: LinearOperator | null = null;

  protected constructor(init: OperatorInit) {
    this.name = init.name;
    this.inShape = Object.freeze(init.inShape.slice());
    this.outShape = Object.freeze(init.outShape.slice());
    this.inDtype = init.inDtype;
    this.outDtype = init.outDtype;
    this.complexLinear = init.complexLinear ?? isComplex(init.inDtype) === isComplex(init.outDtype);
  }

  /**
   * The operator's scalar type: complex when either space is complex, at the wider precision.
   * @example `operators.rfft([8]).dtype // 'complex128'`
   */
  get dtype(): OperatorDtype {
    return promoteTypes(this.inDtype, this.outDtype) as OperatorDtype;
  }

  /** Number of input elements, prod(inShape). @example `operators.identity([2, 3]).inSize // 6` */
  get inSize(): number {
    return numel(this.inShape);
  }

  /** Number of output elements, prod(outShape). @example `operators.identity([2, 3]).outSize // 6` */
  get outSize(): number {
    return numel(this.outShape);
  }

  /** True when the operator involves complex numbers. @example `operators.fft([4]).isComplex // true` */
  get isComplex(): boolean {
    return isComplex(this.dtype);
  }

  /**
   * True when the operator is linear over the complex numbers (real operators count: they extend to complex
   * inputs). False for real-input, complex-output maps such as the rFFT, their adjoints, and anything built
   * on them; those are linear over the reals, and their adjoint is for the real inner product Re⟨·,·⟩.
   * @example `operators.rfft([8]).isComplexLinear // false`
   */
  get isComplexLinear(): boolean {
    return this.complexLinear;
  }

  /**
   * @internal The forward action on a contiguous `[batch, ...inShape]` tensor of dtype `inDtype`; must return
   * `[batch, ...outShape]` of dtype `outDtype`.
   */
  protected abstract applyBatch(x: Tensor): Tensor;
  /** @internal The adjoint action on a contiguous `[batch, ...outShape]` tensor of dtype `outDtype`. */
  protected abstract adjointBatch(y: Tensor): Tensor;

  /**
   * y = A x, for `x` of shape `inShape` or `[batch, ...inShape]`.
   * @example `operators.identity([3]).apply(ones([3])).toArray() // [1, 1, 1]`
   */
  apply(x: Tensor): Tensor {
    return this.run(x, false);
  }

  /**
   * x = Aᴴ y, for `y` of shape `outShape` or `[batch, ...outShape]`.
   * @example `A.adjoint(y)` // same as A.H.apply(y)
   */
  adjoint(y: Tensor): Tensor {
    return this.run(y, true);
  }

  /**
   * The adjoint operator Aᴴ (cached; `A.H.H` is `A`).
   * @example `A.H.apply(y)` // = A.adjoint(y)
   */
  get H(): LinearOperator {
    if (this.adjointCache === null) this.adjointCache = getAlgebra().adjoint(this);
    return this.adjointCache;
  }

  /**
   * The composition A∘B: x ↦ A(B x). Needs `B.outShape` equal to `this.inShape`.
   * @example `A.compose(B).apply(x)` // = A.apply(B.apply(x))
   */
  compose(B: LinearOperator): LinearOperator {
    return getAlgebra().compose(this, B);
  }

  /**
   * The sum A + B (same shapes).
   * @example `A.add(B).apply(x)` // = A x + B x
   */
  add(B: LinearOperator): LinearOperator {
    return getAlgebra().add(this, B, 1);
  }

  /**
   * The difference A − B (same shapes).
   * @example `A.sub(B).apply(x)` // = A x − B x
   */
  sub(B: LinearOperator): LinearOperator {
    return getAlgebra().add(this, B, -1);
  }

  /**
   * The scaled operator α·A; α may be complex, given as `[re, im]`.
   * @example `A.scale([0, 1])` // i·A
   */
  scale(alpha: ScalarLike): LinearOperator {
    return getAlgebra().scale(this, alpha);
  }

  /** −A. @example `A.neg().apply(x)` // = −A x */
  neg(): LinearOperator {
    return getAlgebra().scale(this, -1);
  }

  /**
   * The matrix of the operator, `[prod(outShape), prod(inShape)]`, column j = A e_j (C-order flattening of
   * both shapes), built by applying A to batches of unit vectors. Refuses above `maxEntries` (default 2^24).
   * Operators with complex input and real output are only real-linear and have no complex matrix: refused.
   *
   * @example
   * ```ts
   * operators.fft([4]).toDense().shape; // [4, 4]
   * ```
   */
  toDense(options: ToDenseOptions = {}): Tensor {
    const fn = `${this.name}.toDense`;
    const max = options.maxEntries ?? TO_DENSE_MAX_ENTRIES;
    if (typeof max !== 'number' || !(max >= 0)) throw argError(fn, 'maxEntries', 'a non-negative number', max);
    const m = this.outSize;
    const n = this.inSize;
    if (m * n > max) {
      throw new AdjointError(
        `${fn}: the dense matrix would have ${m} × ${n} = ${m * n} entries, above the limit of ${max} entries` +
          `${max === TO_DENSE_MAX_ENTRIES ? ' (2^24)' : ''}; raise options.maxEntries or work with apply/adjoint`,
        'maxEntries',
      );
    }
    if (isComplex(this.inDtype) && !this.complexLinear) {
      throw new AdjointError(
        `${fn}: the operator takes complex inputs but is linear over the reals only, so it has no complex matrix`,
        'this',
      );
    }
    const dt = this.dtype;
    const sp = isComplex(dt) ? 2 : 1;
    const out = new Float64Array(m * n * sp);
    const chunk = Math.max(1, Math.min(n, Math.floor(2 ** 22 / Math.max(1, m, n))));
    const spIn = isComplex(this.inDtype) ? 2 : 1;
    for (let c0 = 0; c0 < n; c0 += chunk) {
      const nb = Math.min(chunk, n - c0);
      const e = new Float64Array(nb * n * spIn);
      for (let j = 0; j < nb; j++) e[(j * n + c0 + j) * spIn] = 1;
      const X = fromFloat64(e, [nb, ...this.inShape], this.inDtype);
      const Y = this.apply(X);
      const ys = toFloat64(Y);
      const spY = isComplex(Y.dtype) ? 2 : 1;
      for (let j = 0; j < nb; j++)
        for (let i = 0; i < m; i++) {
          const src = (j * m + i) * spY;
          const dst = (i * n + c0 + j) * sp;
          out[dst] = ys[src]!;
          if (spY === 2) out[dst + 1] = ys[src + 1]!;
        }
    }
    return fromFloat64(out, [m, n], dt);
  }

  /** A one-line description. @example `String(operators.identity([3])) // 'Identity: [3] (float64) → [3] (float64)'` */
  toString(): string {
    return `${this.name}: ${fmt(this.inShape)} (${this.inDtype}) → ${fmt(this.outShape)} (${this.outDtype})`;
  }

  private run(t: unknown, adjoint: boolean): Tensor {
    const fn = `${this.name}.${adjoint ? 'adjoint' : 'apply'}`;
    const arg = adjoint ? 'y' : 'x';
    const shape = adjoint ? this.outShape : this.inShape;
    const other = adjoint ? this.inShape : this.outShape;
    const inDt = adjoint ? this.outDtype : this.inDtype;
    const outDt = adjoint ? this.inDtype : this.outDtype;
    if (!(t instanceof Tensor)) throw argError(fn, arg, 'a Tensor', t);
    const batched = t.ndim === shape.length + 1 && sameShape(t.shape.slice(1), shape);
    if (!batched && !sameShape(t.shape, shape)) {
      const s = shape.join(', ');
      throw argError(fn, arg, `a tensor of shape [${s}] or [batch${s ? ', ' + s : ''}]`, t.shape.slice());
    }
    const b = batched ? t.shape[0]! : 1;
    const oshape = [b, ...other];
    let out: Tensor;
    if (isComplex(t.dtype) && !isComplex(inDt)) {
      if (isComplex(outDt)) {
        throw argError(fn, arg, 'a real tensor: this operator maps real inputs to complex outputs and is linear over the reals only', t.dtype);
      }
      // A real operator acts on real and imaginary parts separately: one call on the batch [re; im].
      const { re, im } = splitComplex(toFloat64(t));
      const both = new Float64Array(2 * re.length);
      both.set(re);
      both.set(im, re.length);
      const y = toFloat64(this.call(fromFloat64(both, [2 * b, ...shape], inDt), adjoint, fn, [2 * b, ...other], outDt));
      const half = y.length >> 1;
      out = fromFloat64(joinComplex(y.subarray(0, half), y.subarray(half)), oshape, complexDtypeOf(outDt));
    } else {
      const data = t.dtype === inDt ? t.data : castStorage(t.data, t.dtype, inDt, t.numel);
      out = this.call(new Tensor(data, [b, ...shape], inDt), adjoint, fn, oshape, outDt);
    }
    return batched ? out : new Tensor(out.data, other, out.dtype);
  }

  private call(x: Tensor, adjoint: boolean, fn: string, oshape: readonly number[], outDt: OperatorDtype): Tensor {
    let y = adjoint ? this.adjointBatch(x) : this.applyBatch(x);
    if (!sameShape(y.shape, oshape)) {
      throw new AdjointError(`${fn}: internal error: the operator returned shape ${fmt(y.shape)}, expected ${fmt(oshape)}`);
    }
    if (y.dtype !== outDt) {
      // A complex result where the space is real: the real part is the adjoint for the real inner product.
      const from = y.dtype;
      const real = isComplex(from) && !isComplex(outDt) ? takeReal(toFloat64(y)) : null;
      y = real !== null ? fromFloat64(real, oshape, outDt) : new Tensor(castStorage(y.data, from, outDt, y.numel), oshape, outDt);
    }
    return y;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Flat-array helpers shared by the operators and the solvers.

/**
 * @internal The scalars of a tensor as a contiguous Float64Array (interleaved re/im when complex). Returns the
 * tensor's own storage when it already is a whole contiguous Float64Array.
 * @example `toFloat64(x)[0]`
 */
export function toFloat64(t: Tensor): Float64Array {
  const d = t.data;
  if (d instanceof Float64Array) return d;
  // TypedArray.prototype.set converts element by element natively (a JS loop over the storage union is
  // polymorphic and several times slower).
  const out = new Float64Array(d.length);
  out.set(d);
  return out;
}

/**
 * @internal A tensor of `dtype` holding these scalars (wrapped without copying for 64-bit dtypes).
 * @example `fromFloat64(new Float64Array([1, 2]), [2], 'float32')`
 */
export function fromFloat64(data: Float64Array, shape: readonly number[], dtype: DType): Tensor {
  if (dtype === 'float64' || dtype === 'complex128') return new Tensor(data, shape, dtype);
  return new Tensor(castStorage(data, isComplex(dtype) ? 'complex128' : 'float64', dtype, numel(shape)), shape, dtype);
}

/** @internal Real and imaginary parts of interleaved complex scalars. @example `splitComplex(d).re` */
export function splitComplex(d: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = d.length >> 1;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = d[2 * i]!;
    im[i] = d[2 * i + 1]!;
  }
  return { re, im };
}

/** @internal Interleaves real and imaginary parts. @example `joinComplex(re, im)` */
export function joinComplex(re: Float64Array, im: Float64Array): Float64Array {
  const out = new Float64Array(2 * re.length);
  for (let i = 0; i < re.length; i++) {
    out[2 * i] = re[i]!;
    out[2 * i + 1] = im[i]!;
  }
  return out;
}

/** @internal The real parts of interleaved complex scalars. @example `takeReal(d)` */
export function takeReal(d: Float64Array): Float64Array {
  const n = d.length >> 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = d[2 * i]!;
  return out;
}

/**
 * @internal Reads a scalar argument as `[re, im]`.
 * @example `readScalar([0, 1], 'scale', 'alpha') // [0, 1]`
 */
export function readScalar(v: unknown, fn: string, arg: string): [number, number] {
  if (typeof v === 'number' && Number.isFinite(v)) return [v, 0];
  if (Array.isArray(v) && v.length === 2 && v.every((e) => typeof e === 'number' && Number.isFinite(e))) return [v[0] as number, v[1] as number];
  throw argError(fn, arg, 'a finite number or a complex [re, im] pair', v);
}

/**
 * @internal The operator dtype for a tensor's dtype: floats keep theirs, int32/bool become float64.
 * @example `operatorDtypeOf('int32') // 'float64'`
 */
export function operatorDtypeOf(dt: DType): OperatorDtype {
  return dt === 'int32' || dt === 'bool' ? 'float64' : (dt as OperatorDtype);
}

/** @internal `dt` made complex when `complex` is true. @example `withComplex('float32', true) // 'complex64'` */
export function withComplex(dt: OperatorDtype, complex: boolean): OperatorDtype {
  return complex ? complexDtypeOf(dt) : dt;
}

/** @internal The real dtype with the precision of `dt`. @example `realOf('complex64') // 'float32'` */
export function realOf(dt: OperatorDtype): 'float32' | 'float64' {
  return realDtypeOf(dt) as 'float32' | 'float64';
}
