/**
 * The operator algebra: adjoint, composition, sum/difference and scaling. Each is a thin operator that
 * forwards to its parts, so nothing is ever densified.
 *
 * Dtype rules, and why: a real operator extends to complex inputs, so mixing it with complex operators
 * promotes its input space to complex. An operator with real input and complex output (rFFT) is only
 * real-linear: anything built on it keeps a real input space, and its adjoint then keeps only the real
 * part of the adjoint of the rest, which is the adjoint for the real inner product.
 */
import { AdjointError } from '../errors.js';
import { complexDtypeOf, isComplex, promoteTypes } from '../tensor/dtype.js';
import { sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  LinearOperator,
  fromFloat64,
  readScalar,
  realOf,
  registerOperatorAlgebra,
  takeReal,
  toFloat64,
  type OperatorDtype,
  type ScalarLike,
} from './linear-operator.js';

const fmt = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** True for a real-input, complex-output operator, which only accepts real inputs. */
function realInputOnly(a: LinearOperator): boolean {
  return !isComplex(a.inDtype) && isComplex(a.outDtype);
}

/** True for a real operator (real in, real out): it extends to complex inputs. */
function isRealOperator(a: LinearOperator): boolean {
  return !isComplex(a.inDtype) && !isComplex(a.outDtype);
}

function promote(a: OperatorDtype, b: OperatorDtype): OperatorDtype {
  return promoteTypes(a, b) as OperatorDtype;
}

/** z1 + s·z2 over flat scalars, promoting a real part to complex when the other is complex. */
function combine(y1: Tensor, y2: Tensor, s: number, shape: readonly number[], dt: OperatorDtype): Tensor {
  const a = toFloat64(y1);
  const b = toFloat64(y2);
  const ca = isComplex(y1.dtype);
  const cb = isComplex(y2.dtype);
  const cplx = ca || cb;
  const n = cplx ? Math.max(ca ? a.length : 2 * a.length, cb ? b.length : 2 * b.length) : a.length;
  const out = new Float64Array(n);
  if (!cplx) {
    for (let i = 0; i < n; i++) out[i] = a[i]! + s * b[i]!;
  } else {
    for (let i = 0; i < n >> 1; i++) {
      out[2 * i] = (ca ? a[2 * i]! : a[i]!) + s * (cb ? b[2 * i]! : b[i]!);
      out[2 * i + 1] = (ca ? a[2 * i + 1]! : 0) + s * (cb ? b[2 * i + 1]! : 0);
    }
  }
  return fromFloat64(out, shape, cplx ? complexDtypeOf(dt) : realOf(dt));
}

/** α·y for a complex α (real α keeps a real y real). */
function scaled(y: Tensor, re: number, im: number, dt: OperatorDtype): Tensor {
  const d = toFloat64(y);
  if (im === 0) {
    const out = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = re * d[i]!;
    return fromFloat64(out, y.shape, y.dtype);
  }
  const cy = isComplex(y.dtype);
  const n = cy ? d.length >> 1 : d.length;
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = cy ? d[2 * i]! : d[i]!;
    const b = cy ? d[2 * i + 1]! : 0;
    out[2 * i] = re * a - im * b;
    out[2 * i + 1] = re * b + im * a;
  }
  return fromFloat64(out, y.shape, complexDtypeOf(dt));
}

/**
 * The adjoint Aᴴ of an operator, as an operator: `apply` runs A's adjoint and `adjoint` runs A.
 * Usually reached as `A.H`.
 *
 * @example
 * ```ts
 * const AH = new AdjointOperator(A); // same as A.H
 * ```
 */
export class AdjointOperator extends LinearOperator {
  /** The operator this is the adjoint of. */
  readonly base: LinearOperator;
  constructor(base: LinearOperator) {
    super({ name: `(${base.name})ᴴ`, inShape: base.outShape, outShape: base.inShape, inDtype: base.outDtype, outDtype: base.inDtype, complexLinear: base.isComplexLinear });
    this.base = base;
  }
  /** The adjoint of the adjoint is the operator itself. @example `A.H.H === A` */
  override get H(): LinearOperator {
    return this.base;
  }
  protected applyBatch(y: Tensor): Tensor {
    return this.base.adjoint(y);
  }
  protected adjointBatch(x: Tensor): Tensor {
    return this.base.apply(x);
  }
}

/**
 * The composition A∘B: x ↦ A(B x). Built by `A.compose(B)`.
 *
 * @example
 * ```ts
 * const AB = new ComposedOperator(A, B); // same as A.compose(B)
 * ```
 */
export class ComposedOperator extends LinearOperator {
  /** The outer operator. */
  readonly outer: LinearOperator;
  /** The inner operator, applied first. */
  readonly inner: LinearOperator;
  /** Dtype of the middle space (complex when a real inner operator is fed complex inputs). */
  private readonly mid: OperatorDtype;
  constructor(outer: LinearOperator, inner: LinearOperator) {
    const fn = 'compose';
    if (!(inner instanceof LinearOperator)) throw new AdjointError(`${fn}: argument 'B' must be a LinearOperator, got ${String(inner)}`, 'B');
    if (!sameShape(outer.inShape, inner.outShape)) {
      throw new AdjointError(
        `${fn}: argument 'B' must have outShape ${fmt(outer.inShape)} (the inShape of A = ${outer.name}), got outShape ${fmt(inner.outShape)} (${inner.name})`,
        'B',
      );
    }
    // A real inner operator feeding a complex outer one extends to complex inputs.
    const inDtype = isRealOperator(inner) && isComplex(outer.inDtype) ? complexDtypeOf(inner.inDtype) : inner.inDtype;
    const mid = isRealOperator(inner) && isComplex(inDtype) ? complexDtypeOf(inner.outDtype) : inner.outDtype;
    const outDtype = isRealOperator(outer) && isComplex(mid) ? complexDtypeOf(outer.outDtype) : outer.outDtype;
    if (realInputOnly(outer) && isComplex(mid)) {
      throw new AdjointError(
        `${fn}: argument 'B' must produce real outputs, since A = ${outer.name} maps real inputs only; B's output dtype is ${inner.outDtype}`,
        'B',
      );
    }
    super({ name: `${outer.name} ∘ ${inner.name}`, inShape: inner.inShape, outShape: outer.outShape, inDtype, outDtype, complexLinear: outer.isComplexLinear && inner.isComplexLinear });
    this.outer = outer;
    this.inner = inner;
    this.mid = mid;
  }
  protected applyBatch(x: Tensor): Tensor {
    return this.outer.apply(this.inner.apply(x));
  }
  protected adjointBatch(y: Tensor): Tensor {
    let z = this.outer.adjoint(y);
    // Where the middle space is real, the adjoint for the real inner product keeps Re(Aᴴy).
    if (isComplex(z.dtype) && !isComplex(this.mid)) z = fromFloat64(takeReal(toFloat64(z)), z.shape, this.mid);
    return this.inner.adjoint(z);
  }
}

/**
 * The sum A + B or difference A − B of two operators with the same shapes. Built by `A.add(B)` / `A.sub(B)`.
 *
 * @example
 * ```ts
 * const S = new SumOperator(A, B, -1); // same as A.sub(B)
 * ```
 */
export class SumOperator extends LinearOperator {
  /** First term. */
  readonly a: LinearOperator;
  /** Second term. */
  readonly b: LinearOperator;
  /** +1 for a sum, −1 for a difference. */
  readonly sign: 1 | -1;
  constructor(a: LinearOperator, b: LinearOperator, sign: 1 | -1) {
    const fn = sign === 1 ? 'add' : 'sub';
    if (!(b instanceof LinearOperator)) throw new AdjointError(`${fn}: argument 'B' must be a LinearOperator, got ${String(b)}`, 'B');
    if (!sameShape(a.inShape, b.inShape) || !sameShape(a.outShape, b.outShape)) {
      throw new AdjointError(
        `${fn}: argument 'B' must map ${fmt(a.inShape)} → ${fmt(a.outShape)} like A = ${a.name}, got ${fmt(b.inShape)} → ${fmt(b.outShape)} (${b.name})`,
        'B',
      );
    }
    const inP = promote(a.inDtype, b.inDtype);
    const inDtype = realInputOnly(a) || realInputOnly(b) ? realOf(inP) : inP;
    const outP = promote(a.outDtype, b.outDtype);
    // A real term fed complex inputs gives complex outputs.
    const outDtype = isComplex(inDtype) && (isRealOperator(a) || isRealOperator(b)) ? complexDtypeOf(outP) : outP;
    super({ name: `(${a.name} ${sign === 1 ? '+' : '−'} ${b.name})`, inShape: a.inShape, outShape: a.outShape, inDtype, outDtype, complexLinear: a.isComplexLinear && b.isComplexLinear });
    this.a = a;
    this.b = b;
    this.sign = sign;
  }
  protected applyBatch(x: Tensor): Tensor {
    return combine(this.a.apply(x), this.b.apply(x), this.sign, [x.shape[0]!, ...this.outShape], this.outDtype);
  }
  protected adjointBatch(y: Tensor): Tensor {
    return combine(this.a.adjoint(y), this.b.adjoint(y), this.sign, [y.shape[0]!, ...this.inShape], this.inDtype);
  }
}

/**
 * α·A for a real or complex scalar α. Built by `A.scale(alpha)`.
 *
 * @example
 * ```ts
 * const iA = new ScaledOperator(A, [0, 1]); // same as A.scale([0, 1])
 * ```
 */
export class ScaledOperator extends LinearOperator {
  /** The operator being scaled. */
  readonly base: LinearOperator;
  /** α as `[re, im]`. */
  readonly alpha: readonly [number, number];
  constructor(base: LinearOperator, alpha: ScalarLike) {
    const [re, im] = readScalar(alpha, 'scale', 'alpha');
    const cplx = im !== 0;
    const inDtype = cplx && isRealOperator(base) ? complexDtypeOf(base.inDtype) : base.inDtype;
    const outDtype = cplx ? complexDtypeOf(base.outDtype) : base.outDtype;
    super({ name: `${cplx ? `(${re}${im < 0 ? '−' : '+'}${Math.abs(im)}i)` : re}·${base.name}`, inShape: base.inShape, outShape: base.outShape, inDtype, outDtype, complexLinear: base.isComplexLinear });
    this.base = base;
    this.alpha = Object.freeze([re, im] as [number, number]);
  }
  protected applyBatch(x: Tensor): Tensor {
    return scaled(this.base.apply(x), this.alpha[0], this.alpha[1], this.outDtype);
  }
  protected adjointBatch(y: Tensor): Tensor {
    // conj(α) goes onto y before Aᴴ: for a real-linear A, Aᴴ(conj(α) y) ≠ conj(α) Aᴴ y.
    const ys = this.alpha[1] === 0 ? y : scaled(y, this.alpha[0], -this.alpha[1], this.outDtype);
    const z = this.base.adjoint(ys);
    return this.alpha[1] === 0 ? scaled(z, this.alpha[0], 0, this.inDtype) : z;
  }
}

registerOperatorAlgebra({
  adjoint: (a) => new AdjointOperator(a),
  compose: (a, b) => new ComposedOperator(a, b),
  add: (a, b, sign) => new SumOperator(a, b, sign),
  scale: (a, alpha) => new ScaledOperator(a, alpha),
});
