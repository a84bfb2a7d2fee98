/**
 * 'auto' before a two-ring factorisation (exact/ring-rect.ts): strided, c_out ≠ c_in or reflect/replicate
 * convolutions are often well conditioned (cond ≈ 5–20 for random 3×3 kernels), and then LSQR reaches the exact
 * answer's accuracy in tens of iterations — measured 59 iterations, 0.2 s, against 6 s for the capacitance LU at
 * c = 8, 64², stride 2, reflect (ring 4,616). So `pinv` first gives LSQR a budget of 40% of the
 * factorisation's estimated cost and keeps its answer only when the normal-equation residual, measured here
 * with a rigorous lower bound of ‖A‖, is ≤ {@link KRYLOV_FIRST_TOL} — 100× below the exact path's default
 * target, so the answer is at least as good; otherwise the factorisation runs as before (at most ≈ 40% lost).
 * LSQR from x0 = 0 stays in range(Aᵀ), so its answer is the minimum-norm one. Deterministic: the budget depends
 * on the geometry only, never on timing.
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { Conv2dOperator } from '../conv2d.js';
import { fromFloat64, toFloat64 } from '../linear-operator.js';
import { conv2dNormLowerBound } from '../exact/conv2d-exact.js';
import { krylovPinvSolve, type KrylovPinvInfo } from './krylov.js';

/** Normal-equation residual ‖Aᵀ(Ax̂ − y)‖/(‖A‖‖y‖) the Krylov answer must meet to be kept. @example `KRYLOV_FIRST_TOL // 1e-12` */
export const KRYLOV_FIRST_TOL = 1e-12;

/**
 * Measured rates on the project's 2-core machine: the blocked LU (flop/s), the rest of the set-up per Γ entry
 * (assembly, condition estimate, refinement: 1.2 s of 2.5 s at U = 3,096), one LSQR iteration's parts.
 */
const LU_FLOPS_PER_S = 1.5e10;
const SETUP_S_PER_ENTRY = 1.2e-7;
/** Share of the estimated factorisation time given to LSQR first. */
const BUDGET_SHARE = 0.4;
const CONV_FLOPS_PER_S = 3e9;
const VECTOR_S_PER_ENTRY = 6e-8;

/**
 * LSQR iterations worth {@link BUDGET_SHARE} of factorising a ring system of `unknowns` ((2/3)U³ flops plus the
 * set-up per entry) for `op`, clamped to [50, 3000].
 *
 * @example `krylovFirstBudget(A, 4616) // ≈ 1,100 for c = 8, 64², stride 2`
 */
export function krylovFirstBudget(op: Conv2dOperator, unknowns: number): number {
  const [co, ci, kh, kw] = op.weight.shape as [number, number, number, number];
  const osh = op.outShape;
  const m = osh[osh.length - 2]! * osh[osh.length - 1]!;
  const applyFlops = 2 * co * ci * kh * kw * m;
  const perIteration = Math.max((2 * applyFlops) / CONV_FLOPS_PER_S, VECTOR_S_PER_ENTRY * (op.inSize + op.outSize));
  const exact = ((2 / 3) * unknowns ** 3) / LU_FLOPS_PER_S + SETUP_S_PER_ENTRY * unknowns ** 2;
  return Math.min(3000, Math.max(50, Math.floor((BUDGET_SHARE * exact) / perIteration)));
}

/** A kept Krylov answer, with the residuals measured on it. @example `if (r.kept) console.log(r.kept.relNormalResidual)` */
export interface KrylovFirstResult {
  x: Tensor;
  info: KrylovPinvInfo;
  /** ‖Aᵀ(Ax̂ − y)‖/(ν‖y‖), ν ≤ ‖A‖ a rigorous lower bound (over the whole batch). */
  relNormalResidual: number;
  /** ‖Ax̂ − y‖/‖y‖. */
  relResidual: number;
  /** ν. */
  sigmaLower: number;
  budget: number;
}

/**
 * LSQR within `budget` iterations; the answer when it meets {@link KRYLOV_FIRST_TOL}, else null (with the
 * iterations spent, for the report). The residual is divided by a rigorous lower bound ν of ‖A‖ (so it
 * over-states): the cheap bounds first, the power steps only when the cheap ones leave it above the target.
 *
 * @example `const r = krylovFirst(A, y, 400); if (r.kept) return r.kept.x;`
 */
export function krylovFirst(op: Conv2dOperator, y: Tensor, budget: number): { kept: KrylovFirstResult | null; iterations: number } {
  const r = krylovPinvSolve(op, y, { tol: KRYLOV_FIRST_TOL / 10, maxIter: budget });
  if (!r.info.converged) return { kept: null, iterations: r.info.iterations };
  const yd = toFloat64(y);
  const ax = toFloat64(op.apply(r.x));
  const res = new Float64Array(ax.length);
  for (let i = 0; i < res.length; i++) res[i] = ax[i]! - yd[i]!;
  const g = toFloat64(op.adjoint(fromFloat64(res, y.shape.slice(), 'float64')));
  const ny = norm(yd);
  const ng = norm(g);
  const relFor = (nu: number): number => (ny > 0 && nu > 0 ? ng / (nu * ny) : 0);
  // ‖A‖ ≥ ‖Ax̂‖/‖x̂‖ and ‖Aᵀy‖/‖y‖: free or one product away, and within a small factor of ‖A‖ on the
  // well-conditioned operators this path is for; the 15 power steps (30 products) only when they do not suffice.
  const nx = norm(toFloat64(r.x));
  let nu = Math.max(nx > 0 ? norm(ax) / nx : 0, ny > 0 ? norm(toFloat64(op.adjoint(y))) / ny : 0);
  if (!(relFor(nu) <= KRYLOV_FIRST_TOL)) nu = Math.max(nu, conv2dNormLowerBound(op));
  const rel = relFor(nu);
  if (!(rel <= KRYLOV_FIRST_TOL)) return { kept: null, iterations: r.info.iterations };
  return { kept: { x: r.x, info: r.info, relNormalResidual: rel, relResidual: ny > 0 ? norm(res) / ny : 0, sigmaLower: nu, budget }, iterations: r.info.iterations };
}

function norm(d: Float64Array): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return Math.sqrt(s);
}
