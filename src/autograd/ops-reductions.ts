/**
 * Recorded reductions: sum, mean, prod, max/min (ties share the gradient), maxWithIndices/minWithIndices,
 * norm, variance/std, logsumexp, cumsum; argmax/argmin/any/all/isclose are marked non-differentiable.
 */
import * as D from '../tensor/division.js';
import * as E from '../tensor/elementwise.js';
import * as R from '../tensor/reductions.js';
import * as V from '../tensor/views.js';
import { cast } from '../tensor/cast.js';
import { isComplex, realDtypeOf, scalarsPer } from '../tensor/dtype.js';
import { normalizeDims } from '../tensor/shape.js';
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import { chain, fitGrad, readIndices, scatterAddAlong } from './grad-utils.js';
import { differentiable, nonDifferentiable } from './wrap.js';

type DimArg = V.DimArg;

/** The reduced dims (normalised; all when `dim` is undefined). */
function reducedDims(x: Tensor, dim: DimArg | undefined): number[] {
  if (dim === undefined) return x.shape.map((_, i) => i);
  return normalizeDims(typeof dim === 'number' ? [dim] : dim, x.ndim);
}

/** Brings a reduced result (or its gradient) back to x's shape by re-inserting and broadcasting the dims. */
function expandBack(t: Tensor, x: Tensor, dim: DimArg | undefined, keepdim: boolean): Tensor {
  const dims = reducedDims(x, dim);
  const kshape = x.shape.map((d, i) => (dims.includes(i) ? 1 : d));
  const k = keepdim ? t : V.reshape(t, kshape);
  return V.expand(k, x.shape);
}

function countOf(x: Tensor, dim: DimArg | undefined): number {
  return reducedDims(x, dim).reduce((a, d) => a * x.shape[d]!, 1);
}

/** Sum over `dim`, recorded. @example `sum(x, 0)` */
export function sum(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return differentiable('sum', [x], () => R.sum(x, dim, keepdim), (g) => [fitGrad(expandBack(g, x, dim, keepdim), x)]);
}

/** Mean over `dim`, recorded. @example `mean(x)` */
export function mean(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return differentiable('mean', [x], () => R.mean(x, dim, keepdim), (g) => [fitGrad(D.div(expandBack(g, x, dim, keepdim), countOf(x, dim)), x)]);
}

/** Product over `dim`, recorded; exact with zeros (products of the other elements, not out/x). @example `prod(x)` */
export function prod(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return differentiable('prod', [x], () => R.prod(x, dim, keepdim), (g) => [fitGrad(chain(expandBack(g, x, dim, keepdim), exclusiveProducts(x, reducedDims(x, dim))), x)]);
}

/** For each element, the product of the other elements of its reduction group (prefix·suffix products). */
function exclusiveProducts(x: Tensor, dims: number[]): Tensor {
  const keep = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const perm = [...keep, ...dims];
  const cdt = isComplex(x.dtype) ? 'complex128' : 'float64';
  const xp = V.permute(cast(x, cdt), perm);
  const K = dims.reduce((a, d) => a * x.shape[d]!, 1);
  const M = K === 0 ? 0 : x.numel / K;
  const a = xp.contiguousData() as Float64Array;
  const sp = scalarsPer(cdt);
  const out = new Float64Array(a.length);
  for (let m = 0; m < M; m++) {
    const base = m * K;
    if (sp === 1) {
      let run = 1;
      for (let k = 0; k < K; k++) {
        out[base + k] = run;
        run *= a[base + k]!;
      }
      run = 1;
      for (let k = K - 1; k >= 0; k--) {
        out[base + k] = out[base + k]! * run;
        run *= a[base + k]!;
      }
    } else {
      let rr = 1;
      let ri = 0;
      for (let k = 0; k < K; k++) {
        const p = 2 * (base + k);
        out[p] = rr;
        out[p + 1] = ri;
        const ar = a[p]!;
        const ai = a[p + 1]!;
        const t = rr * ar - ri * ai;
        ri = rr * ai + ri * ar;
        rr = t;
      }
      rr = 1;
      ri = 0;
      for (let k = K - 1; k >= 0; k--) {
        const p = 2 * (base + k);
        const or = out[p]!;
        const oi = out[p + 1]!;
        out[p] = or * rr - oi * ri;
        out[p + 1] = or * ri + oi * rr;
        const ar = a[p]!;
        const ai = a[p + 1]!;
        const t = rr * ar - ri * ai;
        ri = rr * ai + ri * ar;
        rr = t;
      }
    }
  }
  const inv = perm.map((_, i) => perm.indexOf(i));
  return V.permute(new Tensor(out, xp.shape, cdt), inv);
}

function extremeRule(x: Tensor, dim: DimArg | undefined, keepdim: boolean) {
  return (g: Tensor, out: Tensor): Array<Tensor | null> => {
    const hit = cast(E.eq(x, expandBack(out, x, dim, keepdim)), realDtypeOf(g.dtype));
    const count = R.sum(hit, reducedDims(x, dim), true);
    return [fitGrad(E.mul(expandBack(g, x, dim, keepdim), D.div(hit, count)), x)];
  };
}

/** Max over `dim` (values), recorded; tied maxima share the gradient equally. @example `max(x)` */
export function max(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return differentiable('max', [x], () => R.max(x, dim, keepdim), extremeRule(x, dim, keepdim));
}

/** Min over `dim` (values), recorded; tied minima share the gradient equally. @example `min(x)` */
export function min(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return differentiable('min', [x], () => R.min(x, dim, keepdim), extremeRule(x, dim, keepdim));
}

function withIndices(name: string, raw: typeof R.maxWithIndices, x: Tensor, dim: number, keepdim: boolean): R.ValuesIndices {
  const r = raw(x, dim, keepdim);
  const idx = r.indices;
  const values = differentiable(name, [x], () => r.values, (g) => {
    const gk = keepdim ? g : V.unsqueeze(g, dim);
    const ik = keepdim ? idx : V.unsqueeze(idx, dim);
    return [fitGrad(scatterAddAlong(x.shape, g.dtype, dim, readIndices(ik), gk, false), x)];
  });
  const indices = nonDifferentiable(`${name} (indices)`, [x], () => idx);
  return { values, indices };
}

/** Max and its index along `dim`; the values are recorded (the gradient goes to the index), the indices are not differentiable. @example `maxWithIndices(x, 1)` */
export function maxWithIndices(x: Tensor, dim: number, keepdim = false): R.ValuesIndices {
  return withIndices('maxWithIndices', R.maxWithIndices, x, dim, keepdim);
}

/** Min and its index along `dim` (see {@link maxWithIndices}). @example `minWithIndices(x, 1)` */
export function minWithIndices(x: Tensor, dim: number, keepdim = false): R.ValuesIndices {
  return withIndices('minWithIndices', R.minWithIndices, x, dim, keepdim);
}

/** argmax (not differentiable). @example `argmax(x)` */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return nonDifferentiable('argmax', [x], () => R.argmax(x, dim, keepdim));
}
/** argmin (not differentiable). @example `argmin(x)` */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return nonDifferentiable('argmin', [x], () => R.argmin(x, dim, keepdim));
}
/** any (not differentiable). @example `any(m)` */
export function any(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return nonDifferentiable('any', [x], () => R.any(x, dim, keepdim));
}
/** all (not differentiable). @example `all(m)` */
export function all(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return nonDifferentiable('all', [x], () => R.all(x, dim, keepdim));
}
/** isclose (not differentiable). @example `isclose(a, b)` */
export function isclose(a: TensorLike, b: TensorLike, options: R.CloseOptions = {}): Tensor {
  return nonDifferentiable('isclose', [a, b], () => R.isclose(a, b, options));
}

/**
 * Vector p-norm, recorded. p = 2: g·x/‖x‖ (0 for a zero vector); p = ±∞: shared among the extreme |x|;
 * p = 0: gradient 0; other p: g·sgn(x)·|x|^(p−1)/‖x‖^(p−1). Complex x uses sgn(z) = z/|z|.
 * @example `norm(x, 2)`
 */
export function norm(x: Tensor, p: R.NormOrder = 2, dim?: DimArg, keepdim = false): Tensor {
  return differentiable('norm', [x], () => R.norm(x, p, dim, keepdim), (g, out) => {
    const ge = expandBack(g, x, dim, keepdim);
    const oe = expandBack(out, x, dim, keepdim);
    const q = p === 'fro' ? 2 : p;
    let d: Tensor;
    if (q === 0) d = E.mul(E.abs(x), 0);
    else if (q === 2) d = E.where(E.eq(oe, 0), 0, D.div(x, oe));
    else if (q === Infinity || q === -Infinity) {
      const ax = E.abs(x);
      const hit = cast(E.eq(ax, oe), realDtypeOf(g.dtype));
      d = E.mul(E.sign(x), D.div(hit, R.sum(hit, reducedDims(x, dim), true)));
    } else if (q === 1) d = E.sign(x);
    else d = E.where(E.eq(oe, 0), 0, E.mul(E.sign(x), E.pow(D.div(E.abs(x), oe), q - 1)));
    return [fitGrad(E.mul(ge, d), x)];
  });
}

/** Variance, recorded: g·2(x − mean)/(N − correction). @example `variance(x, 0)` */
export function variance(x: Tensor, dim?: DimArg, options: R.VarianceOptions = {}): Tensor {
  return differentiable('variance', [x], () => R.variance(x, dim, options), (g) => [fitGrad(varGrad(x, dim, options, g), x)]);
}

function varGrad(x: Tensor, dim: DimArg | undefined, options: R.VarianceOptions, g: Tensor): Tensor {
  const keepdim = options.keepdim ?? false;
  const n = countOf(x, dim) - (options.correction ?? 1);
  const centered = E.sub(x, R.mean(x, reducedDims(x, dim), true));
  return E.mul(expandBack(g, x, dim, keepdim), E.mul(centered, 2 / n));
}

/** Standard deviation, recorded: the variance rule times g/(2·std). @example `std(x)` */
export function std(x: Tensor, dim?: DimArg, options: R.VarianceOptions = {}): Tensor {
  return differentiable('std', [x], () => R.std(x, dim, options), (g, out) => {
    const g2 = E.where(E.eq(out, 0), 0, D.div(g, E.mul(out, 2)));
    return [fitGrad(varGrad(x, dim, options, g2), x)];
  });
}

/** log Σ exp, recorded: g·softmax(x). @example `logsumexp(x, -1)` */
export function logsumexp(x: Tensor, dim?: DimArg, keepdim = false): Tensor {
  return differentiable('logsumexp', [x], () => R.logsumexp(x, dim, keepdim), (g, out) => {
    const w = E.exp(E.sub(x, expandBack(out, x, dim, keepdim)));
    return [fitGrad(chain(expandBack(g, x, dim, keepdim), w), x)];
  });
}

/** Cumulative sum along `dim`, recorded: the gradient is the reversed cumulative sum. @example `cumsum(x, 0)` */
export function cumsum(x: Tensor, dim: number): Tensor {
  return differentiable('cumsum', [x], () => R.cumsum(x, dim), (g) => [fitGrad(V.flip(R.cumsum(V.flip(g, dim), dim), dim), x)]);
}

