/**
 * Spectral linear algebra cases: batched pinv (square fast path and the SVD path), svd and eigh.
 * Peers: bench/peers/linalg_spectral_cases.py (torch.linalg).
 */
import type { BenchCase } from '../harness.js';
import { installNodeBackend } from '../../src/node/worker-pool.js';
import { randn } from '../../src/tensor/random.js';
import { complex } from '../../src/tensor/creation.js';
import { cast } from '../../src/tensor/cast.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { eigh, pinv, svd } from '../../src/linalg/spectral.js';


function crandn(shape: number[], seed: number): Tensor {
  return complex(randn(shape, { seed, dtype: 'float64' }), randn(shape, { seed: seed + 1, dtype: 'float64' }));
}

/** Batch of b exactly rank-r complex n×n matrices (products of n×r and r×n factors), built without matmul. */
function crandLowRank(b: number, n: number, r: number, seed: number): Tensor {
  const L = crandn([b, n, r], seed).data as Float64Array;
  const R = crandn([b, r, n], seed + 2).data as Float64Array;
  const out = new Float64Array(b * n * n * 2);
  for (let k = 0; k < b; k++)
    for (let i = 0; i < n; i++)
      for (let l = 0; l < r; l++) {
        const a = 2 * (k * n * r + i * r + l);
        const lr = L[a]!, li = L[a + 1]!;
        for (let j = 0; j < n; j++) {
          const c = 2 * (k * r * n + l * n + j), o = 2 * (k * n * n + i * n + j);
          out[o] = out[o]! + lr * R[c]! - li * R[c + 1]!;
          out[o + 1] = out[o + 1]! + lr * R[c + 1]! + li * R[c]!;
        }
      }
  return new Tensor(out, [b, n, n], 'complex128');
}

const serialCases: BenchCase[] = [
  {
    name: 'pinv [8320, 32, 32] complex128',
    peer: 'pinv_8320x32_c128',
    repeats: 3,
    note: 'full rank: certified Gauss-Jordan path',
    setup: () => {
      const a = crandn([8320, 32, 32], 0);
      return () => pinv(a);
    },
  },
  {
    name: 'pinv [8320, 32, 32] complex64',
    peer: 'pinv_8320x32_c64',
    repeats: 3,
    note: 'full rank: certified Gauss-Jordan path',
    setup: () => {
      const a = cast(crandn([8320, 32, 32], 0), 'complex64');
      return () => pinv(a);
    },
  },
  {
    name: 'pinv [1000, 32, 32] complex128 rank 16',
    peer: 'pinv_1000x32_rank16_c128',
    repeats: 3,
    note: 'rank-deficient: SVD path',
    setup: () => {
      const a = crandLowRank(1000, 32, 16, 10);
      return () => pinv(a);
    },
  },
  {
    name: 'svd [1000, 64, 64] float64',
    peer: 'svd_1000x64_f64',
    repeats: 3,
    setup: () => {
      const a = randn([1000, 64, 64], { seed: 0, dtype: 'float64' });
      return () => svd(a);
    },
  },
  {
    name: 'svd [8320, 32, 32] complex128 reduced',
    peer: 'svd_8320x32_c128_reduced',
    repeats: 3,
    note: "the float32 conv pinv's per-block SVDs (fullMatrices: false)",
    setup: () => {
      const a = crandn([8320, 32, 32], 0);
      return () => svd(a, { fullMatrices: false });
    },
  },
  {
    name: 'eigh [1000, 64, 64] complex128',
    peer: 'eigh_1000x64_c128',
    repeats: 3,
    setup: () => {
      const a = crandn([1000, 64, 64], 0);
      return () => eigh(a);
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
