// Convex optimisation benchmarks (issue 7): the trigonometric-polynomial SDP of the seed question (a Hermitian
// n×n PSD variable, n − 1 complex equalities) at n = 10, 20, 40. Peer: cvxopt's solvers.sdp on the real-embedded
// formulation (bench/peers/convex_cases.py), timed by the same peer runner.
import type { BenchCase } from '../harness.js';
import { Variable, Problem, maximize, trace, diag, sum, psd, sub } from '../../src/convex/index.js';

function trigProblem(n: number): Problem {
  let seed = 12345 + n;
  const rnd = (): number => ((seed = (seed * 16807) % 2147483647), seed / 2147483647 - 0.5);
  const c = Array.from({ length: n }, (_, k) => (k === 0 ? [0, 0] : [rnd(), rnd()]) as [number, number]);
  const F = new Variable([n, n], { hermitian: true });
  const constraints = [psd(F)];
  for (let k = 1; k < n; k++) constraints.push(sum(diag(F, k)).eq(c[k]!));
  return new Problem(maximize(sub(c[0]![0], trace(F))), constraints);
}

export const cases: BenchCase[] = [10, 20, 40].map((n) => ({
  name: `convex trig-poly SDP n=${n} (Hermitian ${n}×${n})`,
  peer: `convex_trigpoly_sdp_${n}`,
  repeats: n >= 40 ? 3 : 5,
  note: 'peer: cvxopt solvers.sdp, real-embedded',
  setup: () => {
    const p = trigProblem(n);
    return () => {
      const r = p.solve();
      if (r.status !== 'optimal') throw new Error(`trig-poly SDP n=${n}: ${r.status}`);
      return r.value;
    };
  },
}));
