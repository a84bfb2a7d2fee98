/**
 * adjoint: numerical linear algebra on tensors for TypeScript (browser-safe entry; under Node the package
 * resolves to `src/node/index.ts`, which adds file I/O and a worker-thread pool).
 *
 * Every differentiable op exported here is the autograd-recording version (`src/autograd/public.ts`): it runs
 * the raw op and records a tape node only when grad mode is on and an input requires grad. Library internals
 * call the raw ops in `src/tensor`, `src/fft`, `src/nn` directly.
 *
 * @example
 * ```ts
 * import * as aj from 'adjoint';
 * const x = aj.randn([2, 3], { seed: 0, dtype: 'float64' });
 * ```
 * @packageDocumentation
 */
// Core: errors, dtypes, the Tensor class, creation and random numbers.
export { AdjointError } from './errors.js';
export type { DType, Storage } from './tensor/dtype.js';
export { promoteTypes, isComplex } from './tensor/dtype.js';
export { Tensor } from './tensor/tensor.js';
export type { TensorLike, Scalar, ComplexPair, NestedArray } from './tensor/tensor.js';
export { tensor, zeros, ones, full, eye, arange, linspace, complex, zerosLike, onesLike, setDefaultDtype, getDefaultDtype } from './tensor/creation.js';
export type { CreationOptions, TensorData } from './tensor/creation.js';
export { rand, randn, Generator } from './tensor/random.js';
export type { RandomOptions } from './tensor/random.js';

// Elementwise ops, division, complex parts (recording versions).
export { cast, add, sub, mul, div, pow, maximum, minimum, atan2, remainder, floorDivide, where, clamp, neg, exp, log, log1p, expm1, sqrt, abs, sign, sin, cos, tan, tanh, sigmoid, relu, square, reciprocal, floor, ceil, round, trunc, conj, real, imag, angle, clone, contiguous, eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor, logicalNot, isnan, isfinite, isinf } from './autograd/public.js';
export { resultType } from './tensor/elementwise.js';
export type { ClampOptions } from './tensor/elementwise.js';
export type { DivOptions, OnZero } from './tensor/division.js';

// Reductions.
export { sum, mean, prod, max, min, maxWithIndices, minWithIndices, argmax, argmin, any, all, isclose, norm, variance, std, logsumexp, cumsum } from './autograd/public.js';
export { allclose } from './tensor/reductions.js';
export type { ValuesIndices, NormOrder, VarianceOptions, CloseOptions } from './tensor/reductions.js';

// Views, indexing, joins and padding.
export { reshape, view, flatten, squeeze, unsqueeze, permute, transpose, matrixTranspose, conjTranspose, expand, broadcastTo, flip, movedim, diagonal, index, setIndex, indexSelect, take, gather, concat, cat, stack, split, chunk, pad } from './autograd/public.js';
export type { DimArg } from './tensor/views.js';
export type { IndexSpec, SliceSpec } from './tensor/slicing.js';
export type { PadMode, PadOptions } from './tensor/pad.js';

// Contractions, FFTs and convolutions.
export { matmul, einsum, fft, nn } from './autograd/public.js';
export type { Conv2dOptions, ConvTranspose2dOptions, PaddingMode, Conv2dPadding, IntPair } from './nn/index.js';

// Autodiff, optimisers and differentiable counting.
export { variable, variableName, gradients, grad, valueAndGrad, backward, noGrad, isGradEnabled, liveNodeCount, gradcheck } from './autograd/public.js';
export type { VariableOptions, GradientOptions, GradcheckOptions } from './autograd/public.js';
export * as optim from './optim/index.js';
export * as counting from './counting/index.js';
export { softCount, softHistogram, expectedCounts, hardCountST, exactCount } from './counting/index.js';
export type { CountKernel, SoftCountOptions, HardCountOptions, SoftHistogramOptions, ExpectedCountsOptions } from './counting/index.js';

// Linear algebra, linear operators and convex optimisation.
export { linalg } from './autograd/public.js';
export * as operators from './operators/index.js';
export { conv2dOperator, matrixOperator } from './autograd/public.js';
export type { LinearOperator, KrylovInfo, KrylovOptions, KrylovResult, DottestResult } from './operators/index.js';
export * as convex from './convex/index.js';

// NumPy .npy from and to bytes (the Node entry's `io` adds files and .npz).
export * as io from './io/web.js';

// Parallel hooks: a host (the Node entry, or a page with Web Workers) installs a backend here.
export { setParallelBackend, getParallelBackend } from './parallel/pool.js';
export type { ParallelBackend } from './parallel/pool.js';
export { getTask as getParallelTask } from './parallel/tasks.js';
export type { TaskArg, TaskFn } from './parallel/tasks.js';
export { installWebBackend, runWebHelper, webParallelObstacle } from './parallel/web-backend.js';
export type { SharedMemoryPool } from './parallel/shared-pool.js';
