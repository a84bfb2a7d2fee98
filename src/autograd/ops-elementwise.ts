/**
 * Recorded elementwise ops: arithmetic, division, pow, unary math, complex parts, casts, `where`, `clamp`,
 * and the non-differentiable comparisons and predicates. Same names and signatures as the raw ops.
 *
 * Complex gradients follow PyTorch: for a real loss L of z = x + iy the gradient is ∂L/∂x + i·∂L/∂y, so a
 * holomorphic map with derivative f′ sends an output gradient g to g·conj(f′(z)).
 */
import * as C from '../tensor/complex-ops.js';
import * as D from '../tensor/division.js';
import * as E from '../tensor/elementwise.js';
import { cast as rawCast } from '../tensor/cast.js';
import { zeros } from '../tensor/creation.js';
import { complexDtypeOf, isComplex, realDtypeOf, type DType } from '../tensor/dtype.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { chain, fitGrad } from './grad-utils.js';
import { differentiable, nonDifferentiable } from './wrap.js';

const isT = (v: unknown): v is Tensor => v instanceof Tensor;
/** A bool mask as 0/1 in the real dtype of `g`. */
const mask = (m: Tensor, g: Tensor): Tensor => rawCast(m, realDtypeOf(g.dtype));
/** Zeros shaped like `x` (for ops whose derivative is 0 almost everywhere). */
const zeroGrad = (x: TensorLike, g: Tensor): Tensor | null => (isT(x) ? zeros(x.shape, { dtype: g.dtype }) : null);

/** @internal i·g for real or complex g (result complex). @example `timesI(g)` */
export function timesI(g: Tensor): Tensor {
  const c = isComplex(g.dtype) ? g : rawCast(g, complexDtypeOf(g.dtype));
  const d = c.contiguousData();
  const out = new (d.constructor as Float64ArrayConstructor)(d.length);
  for (let i = 0; i < d.length; i += 2) {
    out[i] = -d[i + 1]!;
    out[i + 1] = d[i]!;
  }
  return new Tensor(out, c.shape, c.dtype);
}

// ---------------------------------------------------------------------------------------------
// Binary arithmetic

/** a + b, recorded. @example `add(w, 1)` */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return differentiable('add', [a, b], () => E.add(a, b), (g) => [fitGrad(g, a), fitGrad(g, b)]);
}

/** a − b, recorded. @example `sub(w, y)` */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return differentiable('sub', [a, b], () => E.sub(a, b), (g) => [fitGrad(g, a), isT(b) ? fitGrad(E.neg(g), b) : null]);
}

/** a · b, recorded; grads g·conj(b) and g·conj(a). @example `mul(x, w)` */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return differentiable('mul', [a, b], () => E.mul(a, b), (g) => [isT(a) ? fitGrad(chain(g, b), a) : null, isT(b) ? fitGrad(chain(g, a), b) : null]);
}

/** a / b, recorded (with the same `onZero` policy applied to the gradient). @example `div(w, 2)` */
export function div(a: TensorLike, b: TensorLike, options: D.DivOptions = {}): Tensor {
  return differentiable(
    'div',
    [a, b],
    () => D.div(a, b, options),
    (g, out) => [
      isT(a) ? fitGrad(D.div(g, C.conj(b), options), a) : null,
      isT(b) ? fitGrad(E.neg(chain(g, D.div(out, b, options))), b) : null,
    ],
  );
}

/** a ** b, recorded. Where b = 0 the gradient for a is 0; where a = 0 (and Re b ≥ 0) the one for b is 0. @example `pow(x, 2)` */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  return differentiable(
    'pow',
    [a, b],
    () => E.pow(a, b),
    (g, out) => {
      let ga: Tensor | null = null;
      let gb: Tensor | null = null;
      if (isT(a) && a.requiresGrad) {
        if (b === 0) ga = zeros(a.shape, { dtype: g.dtype });
        else {
          let d = E.mul(b, E.pow(a, E.sub(b, 1)));
          if (isT(b)) d = E.where(E.eq(b, 0), 0, d);
          ga = fitGrad(chain(g, d), a);
        }
      }
      if (isT(b) && b.requiresGrad) {
        let d = E.mul(out, E.log(isT(a) && !isComplex(a.dtype) && isComplex(b.dtype) ? rawCast(a, b.dtype) : a));
        const re = isComplex(b.dtype) ? C.real(b) : b;
        d = E.where(E.logicalAnd(E.eq(a, 0), E.ge(re, 0)), 0, d);
        gb = fitGrad(chain(g, d), b);
      }
      return [ga, gb];
    },
  );
}

/** Elementwise maximum, recorded; ties split the gradient evenly (as torch.maximum). @example `maximum(x, 0)` */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return differentiable('maximum', [a, b], () => E.maximum(a, b), (g) => minMaxRule(g, a, b, true));
}

/** Elementwise minimum, recorded; ties split the gradient evenly. @example `minimum(x, 1)` */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return differentiable('minimum', [a, b], () => E.minimum(a, b), (g) => minMaxRule(g, a, b, false));
}

function minMaxRule(g: Tensor, a: TensorLike, b: TensorLike, isMax: boolean): Array<Tensor | null> {
  const wins = mask(isMax ? E.gt(a, b) : E.lt(a, b), g);
  const ties = E.mul(mask(E.eq(a, b), g), 0.5);
  const wa = E.add(wins, ties);
  const wb = E.sub(E.sub(1, wins), ties);
  return [fitGrad(E.mul(g, wa), a), fitGrad(E.mul(g, wb), b)];
}

/** atan2(a, b), recorded. @example `atan2(y, x)` */
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  return differentiable(
    'atan2',
    [a, b],
    () => E.atan2(a, b),
    (g) => {
      const den = E.add(E.square(a), E.square(b));
      return [fitGrad(E.mul(g, D.div(b, den)), a), fitGrad(E.neg(E.mul(g, D.div(a, den))), b)];
    },
  );
}

/** a mod b (sign of b), recorded: ∂/∂a = 1, ∂/∂b = −floor(a/b). @example `remainder(x, 1)` */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  return differentiable('remainder', [a, b], () => D.remainder(a, b), (g) => [fitGrad(g, a), fitGrad(E.neg(E.mul(g, E.floor(D.div(a, b)))), b)]);
}

/** Floor division: not differentiable (a backward pass through it throws). @example `floorDivide(x, 2)` */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  return nonDifferentiable('floorDivide', [a, b], () => D.floorDivide(a, b));
}

/** where(condition, a, b), recorded; the condition gets no gradient. @example `where(x.gt(0), x, 0)` */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  return differentiable('where', [a, b], () => E.where(condition, a, b), (g) => {
    const c = isT(condition) ? condition.detach() : condition;
    return [fitGrad(E.where(c, g, 0), a), fitGrad(E.where(c, 0, g), b)];
  });
}

/** clamp(x, { min, max }), recorded: the gradient goes to whichever of x, min, max is the result. @example `clamp(x, { min: 0 })` */
export function clamp(x: TensorLike, options: E.ClampOptions): Tensor {
  const lo = options?.min;
  const hi = options?.max;
  return differentiable('clamp', [x, lo, hi], () => E.clamp(x, options), (g) => {
    // Which of x, min, max the result came from (min(max(x, lo), hi): hi wins when lo > hi).
    let toX: Tensor | null = null;
    let toLo: Tensor | null = null;
    let toHi: Tensor | null = null;
    if (lo !== undefined) {
      toLo = E.lt(x, lo);
      toX = E.logicalNot(toLo);
    }
    if (hi !== undefined) {
      const r1 = lo !== undefined ? E.maximum(x, lo) : x;
      toHi = E.gt(r1, hi);
      toX = toX ? E.logicalAnd(toX, E.logicalNot(toHi)) : E.logicalNot(toHi);
      if (toLo) toLo = E.logicalAnd(toLo, E.logicalNot(toHi));
    }
    return [toX ? fitGrad(E.mul(g, mask(toX, g)), x) : fitGrad(g, x), toLo && isT(lo) ? fitGrad(E.mul(g, mask(toLo, g)), lo) : null, toHi && isT(hi) ? fitGrad(E.mul(g, mask(toHi, g)), hi) : null];
  });
}

// ---------------------------------------------------------------------------------------------
// Unary math

type Unary = (x: TensorLike) => Tensor;
function unary(name: string, raw: Unary, rule: (g: Tensor, x: Tensor, out: Tensor) => Tensor | null): Unary {
  return (x: TensorLike) => differentiable(name, [x], () => raw(x), (g, out) => [isT(x) ? fitGrad(rule(g, x, out) ?? g, x) : null]);
}

/** −x, recorded. @example `neg(x)` */
export const neg: Unary = unary('neg', E.neg, (g) => E.neg(g));
/** e^x, recorded. @example `exp(x)` */
export const exp: Unary = unary('exp', E.exp, (g, _x, out) => chain(g, out));
/** log x, recorded. @example `log(x)` */
export const log: Unary = unary('log', E.log, (g, x) => D.div(g, C.conj(x)));
/** log(1 + x), recorded. @example `log1p(x)` */
export const log1p: Unary = unary('log1p', E.log1p, (g, x) => D.div(g, C.conj(E.add(x, 1))));
/** e^x − 1, recorded. @example `expm1(x)` */
export const expm1: Unary = unary('expm1', E.expm1, (g, _x, out) => chain(g, E.add(out, 1)));
/** √x, recorded. @example `sqrt(x)` */
export const sqrt: Unary = unary('sqrt', E.sqrt, (g, _x, out) => D.div(g, C.conj(E.mul(out, 2))));
/** |x|, recorded: g·sign(x), and g·z/|z| for complex (0 at 0). @example `abs(z)` */
export const abs: Unary = unary('abs', E.abs, (g, x) => E.mul(g, E.sign(x)));
/** sin x, recorded. @example `sin(x)` */
export const sin: Unary = unary('sin', E.sin, (g, x) => chain(g, E.cos(x)));
/** cos x, recorded. @example `cos(x)` */
export const cos: Unary = unary('cos', E.cos, (g, x) => E.neg(chain(g, E.sin(x))));
/** tan x, recorded. @example `tan(x)` */
export const tan: Unary = unary('tan', E.tan, (g, _x, out) => chain(g, E.add(E.square(out), 1)));
/** tanh x, recorded. @example `tanh(x)` */
export const tanh: Unary = unary('tanh', E.tanh, (g, _x, out) => chain(g, E.sub(1, E.square(out))));
/** Logistic function, recorded. @example `sigmoid(x)` */
export const sigmoid: Unary = unary('sigmoid', E.sigmoid, (g, _x, out) => chain(g, E.mul(out, E.sub(1, out))));
/** max(x, 0), recorded (gradient 0 at 0, as PyTorch). @example `relu(x)` */
export const relu: Unary = unary('relu', E.relu, (g, x) => E.mul(g, mask(E.gt(x, 0), g)));
/** x², recorded. @example `square(x)` */
export const square: Unary = unary('square', E.square, (g, x) => chain(g, E.mul(x, 2)));
/** 1/x, recorded. @example `reciprocal(x)` */
export const reciprocal: Unary = unary('reciprocal', E.reciprocal, (g, _x, out) => E.neg(chain(g, E.square(out))));
/** sign(x), recorded: gradient 0 for real x; for complex, the derivative of z/|z|. @example `sign(x)` */
export const sign: Unary = unary('sign', E.sign, (g, x, out) => {
  if (!isComplex(x.dtype)) return zeroGrad(x, g);
  // L(s), s = z/r: grad_z = (g − Re(g·conj(s))·s) / r, and 0 at z = 0.
  const r = E.abs(x);
  const proj = C.real(E.mul(g, C.conj(out)));
  const num = E.sub(g, E.mul(proj, out));
  return E.where(E.eq(r, 0), 0, D.div(num, r));
});
/** floor, recorded with gradient 0 (as PyTorch). @example `floor(x)` */
export const floor: Unary = unary('floor', E.floor, (g, x) => zeroGrad(x, g));
/** ceil, recorded with gradient 0. @example `ceil(x)` */
export const ceil: Unary = unary('ceil', E.ceil, (g, x) => zeroGrad(x, g));
/** round, recorded with gradient 0. @example `round(x)` */
export const round: Unary = unary('round', E.round, (g, x) => zeroGrad(x, g));
/** trunc, recorded with gradient 0. @example `trunc(x)` */
export const trunc: Unary = unary('trunc', E.trunc, (g, x) => zeroGrad(x, g));

// ---------------------------------------------------------------------------------------------
// Complex parts and casts

/** Complex conjugate, recorded: the gradient is conj(g). @example `conj(z)` */
export function conj(t: TensorLike): Tensor {
  if (isT(t) && !isComplex(t.dtype)) return t;
  return differentiable('conj', [t], () => C.conj(t), (g) => [fitGrad(C.conj(g), t)]);
}

/** Real part, recorded: gradient g + 0i. For a real tensor, the tensor itself. @example `real(z)` */
export function real(t: Tensor): Tensor {
  if (isT(t) && !isComplex(t.dtype)) return t;
  return differentiable('real', [t], () => C.real(t), (g) => [rawCast(g, t.dtype)]);
}

/** Imaginary part, recorded: gradient i·g. @example `imag(z)` */
export function imag(t: Tensor): Tensor {
  return differentiable('imag', [t], () => C.imag(t), (g) => [rawCast(timesI(g), t.dtype)]);
}

/** Phase angle, recorded: for complex z the gradient is g·i·z/|z|²; 0 for real input. @example `angle(z)` */
export function angle(t: TensorLike): Tensor {
  return differentiable('angle', [t], () => C.angle(t), (g) => {
    if (!isT(t)) return [null];
    if (!isComplex(t.dtype)) return [zeroGrad(t, g)];
    const r2 = E.square(E.abs(t));
    return [fitGrad(E.where(E.eq(r2, 0), 0, D.div(E.mul(g, timesI(t)), r2)), t)];
  });
}

/** Converts to `dtype`, recorded: the gradient is cast back (real part when going complex → real). @example `cast(x, 'float64')` */
export function cast(t: Tensor, dtype: DType): Tensor {
  return differentiable('cast', [t], () => rawCast(t, dtype), (g) => [fitGrad(g, t)]);
}

/** A deep copy, recorded (gradient passes through). @example `clone(x)` */
export function clone(t: Tensor): Tensor {
  return differentiable('clone', [t], () => rawClone(t), (g) => [g]);
}
const rawClone = (t: Tensor): Tensor => new Tensor(t.contiguousData(), t.shape, t.dtype);

/** A contiguous tensor with the same values, recorded (gradient passes through). @example `contiguous(x.mT)` */
export function contiguous(t: Tensor): Tensor {
  return differentiable('contiguous', [t], () => (t.isContiguous() && t.offset === 0 ? t : rawClone(t)), (g) => [g]);
}

// ---------------------------------------------------------------------------------------------
// Not differentiable: the result is marked, and a backward pass that reaches it names the op.

type Bin = (a: TensorLike, b: TensorLike) => Tensor;
const nd2 = (name: string, raw: Bin): Bin => (a, b) => nonDifferentiable(name, [a, b], () => raw(a, b));
const nd1 = (name: string, raw: Unary): Unary => (x) => nonDifferentiable(name, [x], () => raw(x));

/** a == b (not differentiable). @example `eq(x, 5)` */
export const eq: Bin = nd2('eq', E.eq);
/** a != b (not differentiable). @example `ne(x, 5)` */
export const ne: Bin = nd2('ne', E.ne);
/** a < b (not differentiable). @example `lt(x, 0)` */
export const lt: Bin = nd2('lt', E.lt);
/** a <= b (not differentiable). @example `le(x, 0)` */
export const le: Bin = nd2('le', E.le);
/** a > b (not differentiable). @example `gt(x, 0)` */
export const gt: Bin = nd2('gt', E.gt);
/** a >= b (not differentiable). @example `ge(x, 0)` */
export const ge: Bin = nd2('ge', E.ge);
/** Logical and (not differentiable). @example `logicalAnd(m, n)` */
export const logicalAnd: Bin = nd2('logicalAnd', E.logicalAnd);
/** Logical or (not differentiable). @example `logicalOr(m, n)` */
export const logicalOr: Bin = nd2('logicalOr', E.logicalOr);
/** Logical xor (not differentiable). @example `logicalXor(m, n)` */
export const logicalXor: Bin = nd2('logicalXor', E.logicalXor);
/** Logical not (not differentiable). @example `logicalNot(m)` */
export const logicalNot: Unary = nd1('logicalNot', E.logicalNot);
/** isnan (not differentiable). @example `isnan(x)` */
export const isnan: Unary = nd1('isnan', E.isnan);
/** isfinite (not differentiable). @example `isfinite(x)` */
export const isfinite: Unary = nd1('isfinite', E.isfinite);
/** isinf (not differentiable). @example `isinf(x)` */
export const isinf: Unary = nd1('isinf', E.isinf);
