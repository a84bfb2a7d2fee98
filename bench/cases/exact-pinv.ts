/**
 * Exact pseudo-inverse of a 'valid' convolution (issue 9): factorisation + one solve, and a re-solve with the
 * factorisation reused. Float64, random 3×3 kernels, c_out = c_in. The peer (bench/peers/exact_pinv_cases.py)
 * is PyTorch conv + SciPy LSQR to atol = btol = 1e-10; the accuracy reached by each side is in the note and in
 * docs/ISSUE9-APPROACHES.md. Every size the issue names is here (c = 8 and 32, 64² and 128², 'same' and 'valid'),
 * plus the two-ring geometries at c = 8, 64² (stride 2, c_out ≠ c_in, reflect/replicate);
 * the peer's LSQR is capped at the larger sizes (bench/peers/exact_pinv_cases.py). c = 3, 512² is measured by
 * hand (docs/ISSUE9-APPROACHES.md).
 */
import type { BenchCase } from '../harness.js';
import { randn } from '../../src/tensor/random.js';
import { exactConvPinv, exactConvPinvFactor } from '../../src/operators/exact/index.js';
import { conv2d } from '../../src/operators/conv2d.js';
import { convPinv } from '../../src/operators/conv2d-pinv.js';
import { installNodeBackend, nodeBackendReady } from '../../src/node/worker-pool.js';

// The pad-ring LU of 'same' runs its GEMM on the worker pool, as `import 'adjoint'` gives under Node.
installNodeBackend();
await nodeBackendReady();

function valid(c: number, n: number) {
  const w = randn([c, c, 3, 3], { seed: 1, dtype: 'float64' });
  const y = randn([c, n - 2, n - 2], { seed: 3, dtype: 'float64' });
  return { w, y, inShape: [c, n, n] };
}

/** Run after every other module (bench/run.ts): the c = 32 factorisations leave gigabytes of memory behind. */
export const runLast = true;

export const cases: BenchCase[] = [
  {
    name: "exact pinv 'valid' c=8 64x64 (factor + solve) float64",
    peer: 'exact_pinv_valid_c8_n64',
    repeats: 3,
    note: 'normal-equation residual ≤ 5e-11 relative; peer: LSQR 1e-10',
    setup: () => {
      const { w, y, inShape } = valid(8, 64);
      return () => exactConvPinv(w, y, { inShape });
    },
  },
  {
    name: "exact pinv 'valid' c=8 64x64 re-solve float64",
    repeats: 3,
    setup: () => {
      const { w, y, inShape } = valid(8, 64);
      const f = exactConvPinvFactor(w, { inShape });
      return () => f.solve(y);
    },
  },
  {
    name: "exact pinv 'valid' c=8 64x64 re-solve tol 1e-13 (refinement pass) float64",
    repeats: 3,
    note: 'random y: pass 1 reaches ≈ 2e-12, the correction pass runs CG only to 1e-4·tol/ne (≈ 45 instead of ≈ 147 iterations)',
    setup: () => {
      const { w, y, inShape } = valid(8, 64);
      const f = exactConvPinvFactor(w, { inShape });
      return () => f.solve(y, { tol: 1e-13 });
    },
  },
  {
    name: "exact pinv 'valid' c=8 64x64 re-solve batch of 4 float64",
    repeats: 3,
    note: 'the 4 samples run CG in lock-step: one batched G⁻¹ application per iteration (time for all 4)',
    setup: () => {
      const { w, inShape } = valid(8, 64);
      const y = randn([4, 8, 62, 62], { seed: 5, dtype: 'float64' });
      const f = exactConvPinvFactor(w, { inShape });
      return () => f.solve(y);
    },
  },
  {
    name: "exact pinv 'same' zeros c=8 64x64 (factor + solve) float64",
    peer: 'exact_pinv_same_c8_n64',
    repeats: 1,
    note: "pad-ring LU (1,032 unknowns); peer: LSQR capped at 3,000 iterations, not converged",
    setup: () => {
      const w = randn([8, 8, 3, 3], { seed: 1, dtype: 'float64' });
      const y = randn([8, 64, 64], { seed: 3, dtype: 'float64' });
      // A fresh operator per call, so the factorisation is timed too.
      return () => convPinv(conv2d(w, { inShape: [8, 64, 64], padding: 1 }), y, { method: 'exact' });
    },
  },
  // Two-ring geometries (stride 2, c_out ≠ c_in, reflect/replicate), y = A·x as in the peer: the factorisation
  // (method 'exact') and what 'auto' does (LSQR first within a budget, pinv/krylov-first.ts).
  ...([
    ['reflect', 2, 8, 8, 'exact_pinv_reflect_s2_c8_n64'],
    ['replicate', 1, 16, 8, 'exact_pinv_replicate_c16x8_n64'],
    ['zeros', 2, 8, 8, 'exact_pinv_zeros_s2_c8_n64'],
  ] as const).flatMap(([mode, stride, co, ci, peer]): BenchCase[] =>
    (['exact', 'auto'] as const).map((method) => ({
      name: `${method === 'exact' ? 'exact' : 'auto'} pinv ${mode} pad 1 stride ${stride} c_out=${co} c_in=${ci} 64x64 (factor + solve) float64`,
      peer,
      repeats: 1,
      note: method === 'exact' ? 'two-ring capacitance LU; peer: LSQR to 1e-10' : "'auto': LSQR to a normal residual ≤ 1e-12 within a budget, else the factorisation; peer: LSQR to 1e-10",
      setup: () => {
        const w = randn([co, ci, 3, 3], { seed: 1, dtype: 'float64' });
        const x = randn([ci, 64, 64], { seed: 2, dtype: 'float64' });
        const y = conv2d(w, { inShape: [ci, 64, 64], padding: 1, stride, paddingMode: mode }).apply(x);
        return () => convPinv(conv2d(w, { inShape: [ci, 64, 64], padding: 1, stride, paddingMode: mode }), y, { method });
      },
    })),
  ),
  ...([
    [8, 128, 'LSQR to 1e-10, capped at 3,000 iterations', 'LSQR capped at 1,000 iterations'],
    [32, 64, 'LSQR to 1e-10, capped at 3,000 iterations', 'LSQR capped at 1,000 iterations'],
    [32, 128, 'LSQR capped at 300 iterations (1e-10 needs ≈ 3,655, ≈ 300 s)', 'LSQR capped at 300 iterations'],
  ] as const).flatMap(([c, n, validPeer, samePeer]): BenchCase[] => [
    {
      name: `exact pinv 'valid' c=${c} ${n}x${n} (factor + solve) float64`,
      peer: `exact_pinv_valid_c${c}_n${n}${c === 32 && n === 128 ? '_capped' : ''}`,
      repeats: 1,
      note: `normal-equation residual ≤ 1e-10; peer: ${validPeer}`,
      setup: () => {
        const { w, y, inShape } = valid(c, n);
        return () => exactConvPinv(w, y, { inShape });
      },
    },
    {
      name: `exact pinv 'same' zeros c=${c} ${n}x${n} (factor + solve) float64`,
      peer: `exact_pinv_same_c${c}_n${n}`,
      repeats: 1,
      note: `pad-ring LU (${c * (2 * n + 1)} unknowns); peer: ${samePeer}, not converged`,
      setup: () => {
        const w = randn([c, c, 3, 3], { seed: 1, dtype: 'float64' });
        const y = randn([c, n, n], { seed: 3, dtype: 'float64' });
        return () => convPinv(conv2d(w, { inShape: [c, n, n], padding: 1 }), y, { method: 'exact' });
      },
    },
  ]),
];
