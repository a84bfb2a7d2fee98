/**
 * Convex optimisation with real and Hermitian variables, the CVXPY way: affine expressions, linear, second-order
 * cone and semidefinite constraints, solved by a dense homogeneous self-dual interior-point method.
 * The package exports this module as `convex`.
 *
 * @example
 * ```ts
 * import { convex } from 'adjoint';
 * const { Variable, Problem, maximize, trace, psd } = convex;
 * ```
 */
export { Expression, constant, type ExprLike } from './expression.js';
export { Variable, Parameter, type VariableOptions } from './variable.js';
export { add, sub, neg, mul, matmul, index, take, reshape, vec, T, H, conj, real, imag, sum, diag, trace } from './atoms.js';
export { Constraint, eq, le, ge, psd, soc, type ConstraintKind } from './constraints.js';
export { Problem, minimize, maximize, type Objective, type SolveOptions, type SolveResult } from './problem.js';
export { solveConeProgram, type ConeProgram, type IpmOptions, type IpmResult, type SolveStatus } from './solver/ipm.js';
