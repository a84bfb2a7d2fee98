/**
 * The recorded ops under their public names. The package index exports these instead of the raw op modules,
 * so `add`, `mul`, `sum`, … from 'adjoint' record on the tape when a variable is involved. Without variables
 * (or under `noGrad`) each one costs a flag check on top of the raw op.
 *
 * @example
 * ```ts
 * import { mul, variable, gradients, tensor } from 'adjoint';
 * const w = variable(tensor([1, 2], { dtype: 'float64' }));
 * gradients(() => mul(w, w).sum(), [w]); // [[2, 4]]
 * ```
 * @module
 */
import './install-methods.js';
import './ops-operators.js';
export {
  add, sub, mul, div, pow, maximum, minimum, atan2, remainder, floorDivide, where, clamp,
  neg, exp, log, log1p, expm1, sqrt, abs, sign, sin, cos, tan, tanh, sigmoid, relu, square, reciprocal,
  floor, ceil, round, trunc, conj, real, imag, angle, cast, clone, contiguous,
  eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor, logicalNot, isnan, isfinite, isinf,
} from './ops-elementwise.js';
export { sum, mean, prod, max, min, maxWithIndices, minWithIndices, argmax, argmin, any, all, isclose, norm, variance, std, logsumexp, cumsum } from './ops-reductions.js';
export {
  reshape, view, flatten, squeeze, unsqueeze, permute, transpose, matrixTranspose, conjTranspose, expand, broadcastTo, flip, movedim, diagonal,
  index, setIndex, indexSelect, take, gather, concat, cat, stack, split, chunk, pad,
} from './ops-shape.js';
export { matmul, einsum } from './ops-linear.js';
export * as fft from './ops-fft.js';
export * as nn from './ops-nn.js';
export * as linalg from './ops-linalg.js';
export { variable, variableName, gradients, grad, valueAndGrad, backward } from './api.js';
export type { VariableOptions, GradientOptions } from './api.js';
export { noGrad, isGradEnabled, liveNodeCount } from './tape.js';
export { gradcheck } from './gradcheck.js';
export type { GradcheckOptions } from './gradcheck.js';
export { conv2dOperator, matrixOperator, PINV_GRAD_MAX_ENTRIES } from './ops-operators.js';
