/**
 * The plan cache and the single entry point that runs any complex FFT plan on a lane-major batch.
 */
import { buildBluestein, runBluestein } from './bluestein.js';
import { runStockham } from './mixed-radix.js';
import { MAX_GENERIC_RADIX, buildStockham, isSmooth, nextSmooth, type FftPlan, type StockhamPlan } from './plan.js';

const cache = new Map<string, FftPlan>();

/**
 * The cached plan for a complex DFT of length n with exponent sign `sign` (−1 forward, +1 inverse,
 * unnormalised): Stockham when all prime factors are ≤ 37, otherwise Bluestein over a 2·3·5-smooth length.
 *
 * @example
 * ```ts
 * getPlan(1000, -1).kind; // 'stockham'
 * getPlan(1021, -1).kind; // 'bluestein'
 * ```
 */
export function getPlan(n: number, sign: 1 | -1): FftPlan {
  const key = `${n}:${sign}`;
  let plan = cache.get(key);
  if (plan) return plan;
  if (isSmooth(n, MAX_GENERIC_RADIX)) plan = buildStockham(n, sign);
  else {
    const M = nextSmooth(2 * n - 1);
    plan = buildBluestein(n, sign, M, getPlan(M, -1) as StockhamPlan, getPlan(M, 1) as StockhamPlan);
  }
  cache.set(key, plan);
  return plan;
}

/** Drops every cached plan. @example `clearPlanCache()` */
export function clearPlanCache(): void {
  cache.clear();
}

/**
 * Runs `plan` on `B` lane-major transforms in `a` (≥ 2·n·B doubles), with `b` as same-sized scratch; returns
 * the buffer holding the result (`a` or `b`).
 *
 * @example
 * ```ts
 * const res = executePlan(getPlan(n, -1), buf, tmp, B);
 * ```
 */
export function executePlan(plan: FftPlan, a: Float64Array, b: Float64Array, B: number): Float64Array {
  if (plan.kind === 'stockham') return runStockham(plan, a, b, B);
  runBluestein(plan, a, B);
  return a;
}
