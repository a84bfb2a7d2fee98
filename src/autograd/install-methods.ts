/**
 * Points the Tensor methods and getters at the recorded ops, so that `X.mul(W)` joins the tape just as
 * `mul(X, W)` does. Importing this module (the package index does) is all it takes; the raw op modules
 * must load first, which the imports below guarantee.
 */
import { Tensor, type TensorLike } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import type { ClampOptions } from '../tensor/elementwise.js';
import type { DivOptions } from '../tensor/division.js';
import type { CloseOptions, NormOrder, VarianceOptions } from '../tensor/reductions.js';
import type { DimArg } from '../tensor/views.js';
import type { IndexSpec } from '../tensor/slicing.js';
import type { PadOptions } from '../tensor/pad.js';
import '../tensor/cast.js';
import '../tensor/join.js';
import '../tensor/pad.js';
import * as A from './ops-elementwise.js';
import * as Rd from './ops-reductions.js';
import * as Sh from './ops-shape.js';
import * as L from './ops-linear.js';

type Bin = (a: TensorLike, b: TensorLike) => Tensor;
type Un = (x: TensorLike) => Tensor;
const P = Tensor.prototype as unknown as Record<string, unknown>;

const binaries: Record<string, Bin> = {
  add: A.add, sub: A.sub, mul: A.mul, pow: A.pow, maximum: A.maximum, minimum: A.minimum, atan2: A.atan2,
  eq: A.eq, ne: A.ne, lt: A.lt, le: A.le, gt: A.gt, ge: A.ge, logicalAnd: A.logicalAnd, logicalOr: A.logicalOr,
  logicalXor: A.logicalXor, floorDivide: A.floorDivide, remainder: A.remainder,
};
for (const [name, f] of Object.entries(binaries)) {
  P[name] = function (this: Tensor, o: TensorLike) {
    return f(this, o);
  };
}
const unaries: Record<string, Un> = {
  logicalNot: A.logicalNot, neg: A.neg, exp: A.exp, log: A.log, log1p: A.log1p, expm1: A.expm1, sqrt: A.sqrt,
  abs: A.abs, sign: A.sign, sin: A.sin, cos: A.cos, tan: A.tan, tanh: A.tanh, sigmoid: A.sigmoid, relu: A.relu,
  square: A.square, reciprocal: A.reciprocal, floor: A.floor, ceil: A.ceil, round: A.round, trunc: A.trunc,
  isnan: A.isnan, isfinite: A.isfinite, isinf: A.isinf, conj: A.conj, angle: A.angle,
};
for (const [name, f] of Object.entries(unaries)) {
  P[name] = function (this: Tensor) {
    return f(this);
  };
}
P.div = function (this: Tensor, o: TensorLike, options?: DivOptions) {
  return A.div(this, o, options);
};
P.where = function (this: Tensor, c: TensorLike, o: TensorLike) {
  return A.where(c, this, o);
};
P.clamp = function (this: Tensor, options: ClampOptions) {
  return A.clamp(this, options);
};
P.to = function (this: Tensor, dtype: DType) {
  return A.cast(this, dtype);
};
P.astype = P.to;
P.clone = function (this: Tensor) {
  return A.clone(this);
};
P.contiguous = function (this: Tensor) {
  return A.contiguous(this);
};

// Reductions.
type Red = (x: Tensor, dim?: DimArg, keepdim?: boolean) => Tensor;
const reductions: Record<string, Red> = { sum: Rd.sum, mean: Rd.mean, prod: Rd.prod, max: Rd.max, min: Rd.min, any: Rd.any, all: Rd.all, logsumexp: Rd.logsumexp };
for (const [name, f] of Object.entries(reductions)) {
  P[name] = function (this: Tensor, dim?: DimArg, keepdim?: boolean) {
    return f(this, dim, keepdim);
  };
}
P.argmax = function (this: Tensor, dim?: number, keepdim?: boolean) {
  return Rd.argmax(this, dim, keepdim);
};
P.argmin = function (this: Tensor, dim?: number, keepdim?: boolean) {
  return Rd.argmin(this, dim, keepdim);
};
P.maxWithIndices = function (this: Tensor, dim: number, keepdim?: boolean) {
  return Rd.maxWithIndices(this, dim, keepdim);
};
P.minWithIndices = function (this: Tensor, dim: number, keepdim?: boolean) {
  return Rd.minWithIndices(this, dim, keepdim);
};
P.norm = function (this: Tensor, p?: NormOrder, dim?: DimArg, keepdim?: boolean) {
  return Rd.norm(this, p, dim, keepdim);
};
P.var = function (this: Tensor, dim?: DimArg, options?: VarianceOptions) {
  return Rd.variance(this, dim, options);
};
P.std = function (this: Tensor, dim?: DimArg, options?: VarianceOptions) {
  return Rd.std(this, dim, options);
};
P.cumsum = function (this: Tensor, dim: number) {
  return Rd.cumsum(this, dim);
};
P.isclose = function (this: Tensor, other: TensorLike, options?: CloseOptions) {
  return Rd.isclose(this, other, options);
};

// Views, indexing, joins, pad.
P.reshape = function (this: Tensor, shape: readonly number[]) {
  return Sh.reshape(this, shape);
};
P.view = function (this: Tensor, shape: readonly number[]) {
  return Sh.view(this, shape);
};
P.flatten = function (this: Tensor, startDim?: number, endDim?: number) {
  return Sh.flatten(this, startDim, endDim);
};
P.permute = function (this: Tensor, dims: readonly number[]) {
  return Sh.permute(this, dims);
};
P.transpose = function (this: Tensor, d0: number, d1: number) {
  return Sh.transpose(this, d0, d1);
};
P.expand = function (this: Tensor, shape: readonly number[]) {
  return Sh.expand(this, shape);
};
P.broadcastTo = function (this: Tensor, shape: readonly number[]) {
  return Sh.broadcastTo(this, shape);
};
P.squeeze = function (this: Tensor, dim?: DimArg) {
  return Sh.squeeze(this, dim);
};
P.unsqueeze = function (this: Tensor, dim: number) {
  return Sh.unsqueeze(this, dim);
};
P.flip = function (this: Tensor, dims: DimArg) {
  return Sh.flip(this, dims);
};
P.movedim = function (this: Tensor, s: DimArg, d: DimArg) {
  return Sh.movedim(this, s, d);
};
P.diagonal = function (this: Tensor, offset?: number, d1?: number, d2?: number) {
  return Sh.diagonal(this, offset, d1, d2);
};
P.index = function (this: Tensor, ...specs: IndexSpec[]) {
  return Sh.index(this, ...specs);
};
P.setIndex = function (this: Tensor, specs: IndexSpec | readonly IndexSpec[], value: TensorLike) {
  return Sh.setIndex(this, specs, value);
};
P.indexSelect = function (this: Tensor, dim: number, indices: Tensor | readonly number[]) {
  return Sh.indexSelect(this, dim, indices);
};
P.take = function (this: Tensor, indices: Tensor | readonly number[]) {
  return Sh.take(this, indices);
};
P.gather = function (this: Tensor, dim: number, indices: Tensor) {
  return Sh.gather(this, dim, indices);
};
P.split = function (this: Tensor, sizes: number | readonly number[], dim?: number) {
  return Sh.split(this, sizes, dim);
};
P.chunk = function (this: Tensor, chunks: number, dim?: number) {
  return Sh.chunk(this, chunks, dim);
};
P.pad = function (this: Tensor, amounts: readonly number[], options?: PadOptions) {
  return Sh.pad(this, amounts, options);
};
P.matmul = function (this: Tensor, other: Tensor) {
  return L.matmul(this, other);
};
P.einsum = function (this: Tensor, equation: string, ...others: Tensor[]) {
  return L.einsum(equation, this, ...others);
};

const getters: Record<string, (t: Tensor) => Tensor> = {
  real: A.real,
  imag: A.imag,
  mT: Sh.matrixTranspose,
  mH: Sh.conjTranspose,
  T: Sh.reverseDims,
};
for (const [name, f] of Object.entries(getters)) {
  Object.defineProperty(Tensor.prototype, name, {
    get(this: Tensor) {
      return f(this);
    },
    configurable: true,
  });
}

/** True once the recorded methods are installed (importing this module installs them). @example `methodsInstalled // true` */
export const methodsInstalled = true;
