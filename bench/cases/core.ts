/** Core cases: GEMM-backed matmul, the seed's einsum, and a memory-bound elementwise add. */
import type { BenchCase } from '../harness.js';
import { randn } from '../../src/tensor/random.js';
import { matmul } from '../../src/tensor/matmul.js';
import { einsum } from '../../src/tensor/einsum.js';
import { add } from '../../src/tensor/elementwise.js';
import { gemmWasmAvailable } from '../../src/linalg/kernels/gemm-wasm.js';

const f64 = { dtype: 'float64' } as const;
const c128 = { dtype: 'complex128' } as const;
/** Which real micro-kernel ran: the WebAssembly SIMD one (gemm-kernel.wat) unless ADJOINT_NO_WASM=1. */
const GEMM_NOTE = gemmWasmAvailable() ? 'wasm SIMD micro-kernel' : 'JS micro-kernel (no wasm)';

export const cases: BenchCase[] = [
  {
    name: 'matmul 1024x1024 float64',
    peer: 'matmul_1024_f64',
    flops: 2 * 1024 ** 3,
    note: GEMM_NOTE,
    setup: () => {
      const a = randn([1024, 1024], { seed: 0, ...f64 });
      const b = randn([1024, 1024], { seed: 1, ...f64 });
      return () => matmul(a, b);
    },
  },
  {
    name: 'matmul 4096 x (32x32) float64 batched',
    peer: 'matmul_batch_4096x32_f64',
    flops: 2 * 4096 * 32 ** 3,
    note: GEMM_NOTE,
    setup: () => {
      const a = randn([4096, 32, 32], { seed: 0, ...f64 });
      const b = randn([4096, 32, 32], { seed: 1, ...f64 });
      return () => matmul(a, b);
    },
  },
  {
    name: 'matmul 512x512 complex128',
    peer: 'matmul_512_c128',
    flops: 8 * 512 ** 3,
    setup: () => {
      const a = randn([512, 512], { seed: 0, ...c128 });
      const b = randn([512, 512], { seed: 1, ...c128 });
      return () => matmul(a, b);
    },
  },
  {
    // The seed's per-frequency channel mixing: Kf is 136 MB, so this is memory-bound; the batch-innermost plan
    // streams Kf once. flops = 8 real flops per complex multiply-add; bytes = Kf + xf read + output written.
    name: "einsum 'jkxy,ikxy->ijxy' complex128 Kf[32,32,128,65] xf[4,32,128,65]",
    peer: 'einsum_seed_c128',
    flops: 8 * 32 * 32 * 4 * 128 * 65,
    bytes: 16 * 128 * 65 * (32 * 32 + 4 * 32 + 4 * 32),
    repeats: 3,
    setup: () => {
      const kf = randn([32, 32, 128, 65], { seed: 0, ...c128 });
      const xf = randn([4, 32, 128, 65], { seed: 1, ...c128 });
      return () => einsum('jkxy,ikxy->ijxy', kf, xf);
    },
  },
  {
    name: "einsum 'ij,jk,k->i' float64 [256,512]·[512,256]·[256] (order planning)",
    peer: 'einsum_chain3_f64',
    setup: () => {
      const a = randn([256, 512], { seed: 0, ...f64 });
      const b = randn([512, 256], { seed: 1, ...f64 });
      const v = randn([256], { seed: 2, ...f64 });
      return () => einsum('ij,jk,k->i', a, b, v);
    },
  },
  {
    name: 'add 2^24 float64',
    peer: 'add_2p24_f64',
    bytes: 3 * 8 * 2 ** 24,
    setup: () => {
      const a = randn([2 ** 24], { seed: 0, ...f64 });
      const b = randn([2 ** 24], { seed: 1, ...f64 });
      return () => add(a, b);
    },
  },
];
