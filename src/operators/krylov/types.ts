/**
 * Options and results shared by the Krylov least-squares solvers (LSQR, LSMR, CGLS).
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { LinearOperator } from '../linear-operator.js';

/** Which solver produced a result. @example `const m: KrylovMethod = 'lsmr';` */
export type KrylovMethod = 'lsqr' | 'lsmr' | 'cgls';

/**
 * Why a solver stopped.
 * - `'zeroRhs'`: b = 0, so x = 0 is exact.
 * - `'exactSolution'`: Aᴴb = 0 (x = 0 solves the least-squares problem) or the Krylov space was exhausted.
 * - `'compatible'`: ‖Ax − b‖ ≤ btol·‖b‖ + atol·‖A‖·‖x‖ — a solution of Ax = b to the tolerances.
 * - `'leastSquares'`: ‖Aᴴ(b − Ax)‖ ≤ atol·‖A‖·‖Ax − b‖ — a least-squares solution to the tolerances.
 * - `'machinePrecision'`: one of the two tests above hit machine precision (tolerances too small to reach).
 * - `'conditionLimit'`: the estimate of cond(A) exceeded `conlim` (not converged).
 * - `'maxIter'`: the iteration cap was reached (not converged).
 * - `'callback'`: `onIteration` returned false (not converged).
 *
 * @example `if (info.stopReason === 'maxIter') console.log('raise maxIter');`
 */
export type KrylovStopReason =
  | 'zeroRhs'
  | 'exactSolution'
  | 'compatible'
  | 'leastSquares'
  | 'machinePrecision'
  | 'conditionLimit'
  | 'maxIter'
  | 'callback';

/** What a solver reports about its run. @example `const { info } = lsqr(A, b); info.converged;` */
export interface KrylovInfo {
  /** The solver. */
  method: KrylovMethod;
  /** Iterations done (each costs one apply and one adjoint). */
  iterations: number;
  /** True when a tolerance test stopped the run (see {@link KrylovStopReason}). */
  converged: boolean;
  /** ‖A x − b‖ / ‖b‖, recomputed from the returned x (0 when b = 0). */
  relResidual: number;
  /**
   * ‖Aᴴ(A x − b) + damp²·x‖ / (‖A‖·‖b‖), recomputed from the returned x, with the solver's estimate of ‖A‖
   * (the Frobenius-like norm of the bidiagonalisation for LSQR/LSMR, a lower bound of ‖A‖₂ for CGLS). With a
   * preconditioner M it is the same quantity for the operator A∘M and the variable z (x = M z); with x0 for the
   * correction x − x0.
   */
  relNormalResidual: number;
  /** Why the run stopped. */
  stopReason: KrylovStopReason;
  /** The final estimate of ‖A‖ (of A∘M with a preconditioner). */
  normA: number;
  /** The final estimate of cond(A) (LSQR/LSMR; NaN for CGLS). */
  condA: number;
}

/** Progress passed to `onIteration`: the solver's running estimates, which cost nothing to compute. @example `(it, p) => p.relResidual > 1e-3` */
export interface KrylovProgress {
  /** The solver. */
  method: KrylovMethod;
  /** Iterations done so far (1 at the first call). */
  iterations: number;
  /** Estimate of ‖A x − b‖ / ‖b‖. */
  relResidual: number;
  /** Estimate of ‖Aᴴ(A x − b) + damp²x‖ / (‖A‖·‖b‖). */
  relNormalResidual: number;
  /** Estimate of ‖A‖. */
  normA: number;
  /** Estimate of ‖x‖ (of the iterate in the solver's variable). */
  normX: number;
}

/**
 * Options of {@link lsqr}, {@link lsmr} and {@link cgls}. All solve min ‖A x − b‖² + damp²‖x‖² and, started
 * from x0 = 0, converge to the minimum-norm solution.
 *
 * @example
 * ```ts
 * const opts: KrylovOptions = { tol: 1e-10, maxIter: 500, damp: 0.1, onIteration: (it, p) => void console.log(it, p.relResidual) };
 * ```
 */
export interface KrylovOptions {
  /**
   * Iteration cap (default min(2·n, 10 000), n the number of real unknowns in the smaller of the input/output
   * spaces). The run always stops there, reporting converged = false.
   */
  maxIter?: number;
  /** Default for both `atol` and `btol` (default 1e-8 in double precision, 1e-5 in single). */
  tol?: number;
  /** Relative tolerance on the normal residual and on ‖A‖‖x‖ (Paige–Saunders' atol; default `tol`). */
  atol?: number;
  /** Relative tolerance on the residual ‖b − A x‖ / ‖b‖ (Paige–Saunders' btol; default `tol`). */
  btol?: number;
  /** Stop when the condition estimate exceeds this (default 1e8 double, 1e4 single; 0 disables). LSQR/LSMR only. */
  conlim?: number;
  /** Tikhonov damping λ ≥ 0: minimise ‖A x − b‖² + λ²‖x‖² (default 0). With a preconditioner it damps z. */
  damp?: number;
  /** Starting point (default 0). The solver then solves for the correction x − x0, damped if `damp` > 0. */
  x0?: Tensor;
  /**
   * Right preconditioner M, with `M.outShape` equal to `A.inShape`: solves min ‖A M z − b‖ and returns x = M z.
   */
  preconditioner?: LinearOperator;
  /** Called after every iteration; returning `false` stops the run (stopReason 'callback'). */
  onIteration?: (iteration: number, progress: KrylovProgress) => boolean | void;
}

/** The result of a Krylov solver. @example `const { x, info } = lsmr(A, b);` */
export interface KrylovResult {
  /** The solution, of shape `A.inShape`. */
  x: Tensor;
  /** Convergence report. */
  info: KrylovInfo;
}
