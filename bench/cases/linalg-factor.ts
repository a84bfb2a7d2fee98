/**
 * Dense factorisation cases: batched LU solve (the headline case), inv, det, cholesky and QR.
 * Peers: bench/peers/linalg_factor_cases.py (torch.linalg). Flop counts are the usual LAPACK ones in real flops
 * (a complex multiply-add counts as 8).
 */
import type { BenchCase } from '../harness.js';
import { installNodeBackend } from '../../src/node/worker-pool.js';
import { randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { cholesky, det, inv, qr, solve } from '../../src/linalg/factor.js';


/** Batch of well-conditioned n×n matrices: randn + n·I. */
function diagDominant(b: number, n: number, dtype: 'float64' | 'complex128' | 'complex64', seed: number): Tensor {
  const a = randn([b, n, n], { seed, dtype });
  const d = a.data.slice();
  const sp = dtype === 'float64' ? 1 : 2;
  for (let z = 0; z < b; z++) for (let i = 0; i < n; i++) d[(z * n * n + i * n + i) * sp] += n;
  return new Tensor(d, [b, n, n], dtype);
}

/** Batch of Hermitian positive-definite n×n matrices: M Mᴴ / n + I (formed here, outside the timing). */
function hpd(b: number, n: number, seed: number): Tensor {
  const m = randn([b, n, n], { seed, dtype: 'complex128' }).data;
  const out = new Float64Array(b * n * n * 2);
  for (let z = 0; z < b; z++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let sr = 0, si = 0;
        for (let k = 0; k < n; k++) {
          const p = 2 * (z * n * n + i * n + k), q = 2 * (z * n * n + j * n + k);
          sr += m[p]! * m[q]! + m[p + 1]! * m[q + 1]!;
          si += m[p + 1]! * m[q]! - m[p]! * m[q + 1]!;
        }
        const o = 2 * (z * n * n + i * n + j);
        out[o] = sr / n + (i === j ? 1 : 0);
        out[o + 1] = si / n;
      }
  return new Tensor(out, [b, n, n], 'complex128');
}

const B = 8320;
const N = 32;
const K = 4;
const luFlopsC = (n: number) => (8 / 3) * n ** 3; // complex LU: (2/3)n³ complex multiply-adds
const solveFlopsC = (n: number, k: number) => 8 * n * n * k; // two triangular solves, n² k complex multiply-adds

const serialCases: BenchCase[] = [
  {
    name: 'solve [8320, 32, 32] x [8320, 32, 4] complex128',
    peer: 'solve_8320x32x4_c128',
    flops: B * (luFlopsC(N) + solveFlopsC(N, K)),
    repeats: 5,
    setup: () => {
      const a = diagDominant(B, N, 'complex128', 1);
      const b = randn([B, N, K], { seed: 2, dtype: 'complex128' });
      return () => solve(a, b);
    },
  },
  {
    name: 'solve [8320, 32, 32] x [8320, 32, 4] complex64',
    peer: 'solve_8320x32x4_c64',
    flops: B * (luFlopsC(N) + solveFlopsC(N, K)),
    setup: () => {
      const a = diagDominant(B, N, 'complex64', 1);
      const b = randn([B, N, K], { seed: 2, dtype: 'complex64' });
      return () => solve(a, b);
    },
  },
  {
    name: 'solve [8320, 32, 32] x [8320, 32, 4] float64',
    peer: 'solve_8320x32x4_f64',
    flops: B * ((2 / 3) * N ** 3 + 2 * N * N * K),
    setup: () => {
      const a = diagDominant(B, N, 'float64', 1);
      const b = randn([B, N, K], { seed: 2, dtype: 'float64' });
      return () => solve(a, b);
    },
  },
  {
    name: 'inv [1000, 64, 64] float64',
    peer: 'inv_1000x64_f64',
    flops: 1000 * 2 * 64 ** 3,
    setup: () => {
      const a = diagDominant(1000, 64, 'float64', 3);
      return () => inv(a);
    },
  },
  {
    name: 'det [8320, 32, 32] complex128',
    peer: 'det_8320x32_c128',
    flops: B * luFlopsC(N),
    setup: () => {
      const a = diagDominant(B, N, 'complex128', 4);
      return () => det(a);
    },
  },
  {
    name: 'cholesky [8320, 32, 32] complex128',
    peer: 'cholesky_8320x32_c128',
    flops: B * (4 / 3) * N ** 3,
    setup: () => {
      const a = hpd(B, N, 5);
      return () => cholesky(a);
    },
  },
  {
    name: 'qr reduced [1000, 64, 32] complex128',
    peer: 'qr_1000x64x32_c128',
    // geqrf 4·(2mn² − 2n³/3) + ungqr 4·(2mn² − 2n³/3) real flops
    flops: 1000 * 8 * (2 * 64 * 32 * 32 - (2 / 3) * 32 ** 3),
    setup: () => {
      const a = randn([1000, 64, 32], { seed: 6, dtype: 'complex128' });
      return () => qr(a);
    },
  },
  {
    name: 'qr reduced [200, 128, 128] float64',
    peer: 'qr_200x128_f64',
    flops: 200 * 2 * (4 / 3) * 128 ** 3,
    setup: () => {
      const a = randn([200, 128, 128], { seed: 7, dtype: 'float64' });
      return () => qr(a);
    },
  },
];

/**
 * The cases with the worker pool: batches are split across all cores (ADJOINT_THREADS overrides), as torch uses its
 * threads. The harness installs no backend; installing it in `setup` (idempotent) leaves the cases of modules
 * that run earlier untouched. The workers start during the first case's warm-up run (until they are ready the
 * caller does their share).
 */
export const cases: BenchCase[] = serialCases.map((c) => ({
  ...c,
  setup: () => {
    installNodeBackend();
    return c.setup();
  },
}));
