/**
 * Batched dense linear algebra over float32, float64, complex64 and complex128, with torch.linalg's names and
 * semantics: every function works on `[..., m, n]` stacks of matrices, broadcasting batch dims where torch does.
 *
 * @example
 * ```ts
 * import { linalg, randn } from 'adjoint';
 * const A = randn([8, 32, 32], { seed: 0, dtype: 'complex128' });
 * const X = linalg.pinv(A);
 * ```
 * @packageDocumentation
 */
export { solve, inv, det, slogdet, cholesky, lu, luFactor, luSolve, triangularSolve, qr } from './factor.js';
export type { SolveOptions, CholeskyOptions, LuSolveOptions, TriangularSolveOptions, QrOptions, QrResult } from './factor.js';
export { svd, svdvals, eigh, eigvalsh, pinv, matrixRank, lstsq, MAX_QL_ITER, MAX_QR_ITER } from './spectral.js';
export type { SvdResult, SvdOptions, EighResult, Uplo, RankOptions, LstsqResult, LstsqOptions } from './spectral.js';
export { vectorNorm, matrixNorm, norm, cond } from './norms.js';
export type { MatrixNormOrd } from './norms.js';
