/**
 * The CVX model that CVXPY rejected (cvxpy issue #667): the minimum of a trigonometric polynomial
 * p(θ) = c₀ + 2·Re Σₖ c_k e^{ikθ} as a semidefinite program over a Hermitian matrix F,
 *
 *     maximize c₀ − trace(F)  s.t.  F ⪰ 0,  Σ_p F[p, p+k] = c_k  (k = 1 … n−1).
 *
 * CVXPY said "The 'maximize' objective must be real valued", because it typed the trace of a Hermitian matrix as
 * complex. Here the trace of a Hermitian expression is real, and the model runs as written. The optimum is printed
 * beside the closed-form minimum taken on a fine θ grid.
 *
 * Run: node --import tsx examples/trig-poly-sdp.ts
 */
import { Variable, Problem, maximize, trace, diag, sum, psd, sub } from '../src/convex/index.js';

/** The user's model; complex coefficients as [re, im], c[0] real. */
function trigMinSdp(c: [number, number][]): { status: string; value: number; ms: number } {
  const n = c.length;
  const F = new Variable([n, n], { hermitian: true });
  const constraints = [psd(F)];
  for (let k = 1; k < n; k++) constraints.push(sum(diag(F, k)).eq(c[k]!));
  const problem = new Problem(maximize(sub(c[0]![0], trace(F))), constraints);
  const t0 = performance.now();
  const { status, value } = problem.solve();
  return { status, value, ms: performance.now() - t0 };
}

/** min over a grid of 2¹⁸ angles of c₀ + 2·Re Σ c_k e^{ikθ}. */
function gridMin(c: [number, number][]): number {
  const m = 1 << 18;
  let best = Infinity;
  for (let t = 0; t < m; t++) {
    const th = (2 * Math.PI * t) / m;
    let p = c[0]![0];
    for (let k = 1; k < c.length; k++) p += 2 * (c[k]![0] * Math.cos(k * th) - c[k]![1] * Math.sin(k * th));
    if (p < best) best = p;
  }
  return best;
}

let seed = 7;
const rnd = (): number => ((seed = (seed * 16807) % 2147483647), seed / 2147483647 - 0.5);
const cases: [string, [number, number][]][] = [
  ['[0, 1]', [[0, 0], [1, 0]]],
  ['[0, i]', [[0, 0], [0, 1]]],
  ['[2, 0.5+0.5i]', [[2, 0], [0.5, 0.5]]],
  ['Fejér, n = 8', Array.from({ length: 8 }, (_, k) => [1 - k / 8, 0] as [number, number])],
  ['random, n = 10', Array.from({ length: 10 }, (_, k) => (k ? [rnd(), rnd()] : [0, 0]) as [number, number])],
  ['random, n = 20', Array.from({ length: 20 }, (_, k) => (k ? [rnd(), rnd()] : [0, 0]) as [number, number])],
];
console.log('c                  status     SDP optimum      grid minimum     |diff|     time');
for (const [name, c] of cases) {
  const { status, value, ms } = trigMinSdp(c);
  const g = gridMin(c);
  console.log(
    `${name.padEnd(18)} ${status.padEnd(9)} ${value.toFixed(10).padStart(15)}  ${g.toFixed(10).padStart(15)}  ${Math.abs(value - g).toExponential(1)}  ${ms.toFixed(1)} ms`,
  );
}
