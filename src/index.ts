/**
 * adjoint: numerical linear algebra on tensors for TypeScript.
 *
 * @example
 * ```ts
 * import * as aj from 'adjoint';
 * const x = aj.randn([2, 3], { seed: 0, dtype: 'float64' });
 * ```
 * @packageDocumentation
 */
export { AdjointError } from './errors.js';
export type { DType, Storage } from './tensor/dtype.js';
export { promoteTypes, isComplex } from './tensor/dtype.js';
export { Tensor } from './tensor/tensor.js';
export type { TensorLike, Scalar, ComplexPair, NestedArray } from './tensor/tensor.js';
export { cast } from './tensor/cast.js';
export {
  tensor,
  zeros,
  ones,
  full,
  eye,
  arange,
  linspace,
  complex,
  zerosLike,
  onesLike,
  setDefaultDtype,
  getDefaultDtype,
} from './tensor/creation.js';
export type { CreationOptions, TensorData } from './tensor/creation.js';
export { rand, randn, Generator } from './tensor/random.js';
export type { RandomOptions } from './tensor/random.js';
export * as io from './io/web.js';
export * as nn from './nn/index.js';
export type { Conv2dOptions, ConvTranspose2dOptions, PaddingMode, Conv2dPadding, IntPair } from './nn/index.js';
export { reshape, view, flatten, permute, transpose, matrixTranspose, conjTranspose, expand, broadcastTo, squeeze, unsqueeze, flip, movedim, diagonal } from './tensor/views.js';
export type { DimArg } from './tensor/views.js';
export { index, setIndex, indexSelect, take, gather } from './tensor/slicing.js';
export type { IndexSpec, SliceSpec } from './tensor/slicing.js';
export { concat, cat, stack, split, chunk } from './tensor/join.js';
export { pad } from './tensor/pad.js';
export type { PadMode, PadOptions } from './tensor/pad.js';
export { sum, mean, prod, max, min, maxWithIndices, minWithIndices, argmax, argmin, any, all, variance, std, logsumexp, cumsum, isclose, allclose, norm } from './tensor/reductions.js';
export type { ValuesIndices, NormOrder, VarianceOptions, CloseOptions } from './tensor/reductions.js';
export * as fft from './fft/index.js';
export { resultType, add, sub, mul, pow, maximum, minimum, atan2, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor, logicalNot, where, clamp, neg, exp, log, log1p, expm1, sqrt, abs, sign, sin, cos, tan, tanh, sigmoid, relu, square, reciprocal, floor, ceil, round, trunc, isnan, isfinite, isinf } from './tensor/elementwise.js';
export type { ClampOptions } from './tensor/elementwise.js';
export { div, floorDivide, remainder } from './tensor/division.js';
export type { DivOptions, OnZero } from './tensor/division.js';
export { conj, real, imag, angle } from './tensor/complex-ops.js';
export * as operators from './operators/index.js';
export type { LinearOperator, KrylovInfo, KrylovOptions, KrylovResult, DottestResult } from './operators/index.js';
export * as linalg from './linalg/index.js';
