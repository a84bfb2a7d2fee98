/**
 * Matrix-free linear operators (matrices, FFTs, conv2d and their algebra), the dot test, and Krylov
 * least-squares solvers (LSQR, LSMR, CGLS). The package exposes this module as the `operators` namespace.
 *
 * @example
 * ```ts
 * import { operators, randn } from 'adjoint';
 * const A = operators.conv2d(randn([4, 4, 3, 3], { seed: 0, dtype: 'float64' }), { inShape: [4, 16, 16], padding: 1 });
 * const { x, info } = operators.lsqr(A, A.apply(randn([4, 16, 16], { seed: 1, dtype: 'float64' })), { tol: 1e-10 });
 * ```
 * @packageDocumentation
 */
export { LinearOperator, TO_DENSE_MAX_ENTRIES } from './linear-operator.js';
export type { OperatorDtype, OperatorInit, ScalarLike, ToDenseOptions } from './linear-operator.js';
export { AdjointOperator, ComposedOperator, SumOperator, ScaledOperator } from './compose.js';
export { matrix, MatrixOperator } from './matrix.js';
export type { MatrixOperatorOptions } from './matrix.js';
export { identity, diagonal, IdentityOperator, DiagonalOperator } from './diagonal.js';
export type { IdentityOptions } from './diagonal.js';
export { fft, rfft, FftOperator, RfftOperator } from './fft-ops.js';
export type { FftOperatorOptions } from './fft-ops.js';
export { conv2d, Conv2dOperator } from './conv2d.js';
export type { Conv2dOperatorOptions } from './conv2d.js';
export { dottest } from './dottest.js';
export type { DottestOptions, DottestResult } from './dottest.js';
export { lsqr } from './krylov/lsqr.js';
export { lsmr } from './krylov/lsmr.js';
export { cgls } from './krylov/cgls.js';
export type { KrylovInfo, KrylovMethod, KrylovOptions, KrylovProgress, KrylovResult, KrylovStopReason } from './krylov/types.js';
export { convPinv, forgetPinv } from './conv2d-pinv.js';
export type { ConvPinvOptions, ConvPinvInfo, ConvPinvResult, ConvPinvMethod } from './conv2d-pinv.js';
export { CircularPinv, circularFftObstacle, resolveTolerances } from './pinv/circular-fft.js';
export type { CircularPinvInfo, PinvTolerances } from './pinv/circular-fft.js';
export { DensePinv, DENSE_AUTO_MAX_UNKNOWNS } from './pinv/dense.js';
export { chooseMethod } from './pinv/choose.js';
export { CirculantGramInverse } from './pinv/krylov.js';
export { exactConvPinv, exactConvPinvFactor, RingValidFactor, RECYCLE_BYTES_DEFAULT, SOLVE_BATCH } from './exact/index.js';
export type { ExactConvPinvOptions, ExactConvPinvInfo, ExactConvPinvFactor, RingFactorInfo, RingFactorOptions, RingSolveInfo, RingSolveOptions, ValidConvSpec } from './exact/index.js';
export { RingSameFactor, Conv2dExactPinv, exactAutoObstacle, exactKind, exactObstacle, exactWellPosed, SAME_RING_MAX } from './exact/index.js';
export { RingRectFactor, rectGeometry, rectObstacle, EXACT_RING_MAX, RECT_RING_MAX } from './exact/index.js';
export type { RectConvSpec, RectGeometry, RingRectInfo, RingRectSolveInfo } from './exact/index.js';
export type { RingSameInfo, RingSameSolveInfo, SameConvSpec, Conv2dExactSolveInfo } from './exact/index.js';
