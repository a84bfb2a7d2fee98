/**
 * Convolution cases: the seed's layer ([1, 32, 128, 128] ∗ [32, 32, 3, 3], 'same' size) in float64 and
 * float32, its adjoint (convTranspose2d), a circular-padded and a strided variant, a complex128 layer and a
 * depthwise (groups = C) layer. Peer ids match bench/peers/conv_cases.py. The notes say which kernel ran
 * (WebAssembly SIMD, or the JS fallback under ADJOINT_NO_WASM=1); depthwise layers always use the JS one.
 */
import type { BenchCase } from '../harness.js';
import { randn } from '../../src/tensor/random.js';
import { conv2d } from '../../src/nn/conv2d.js';
import { convTranspose2d } from '../../src/nn/conv-transpose2d.js';
import { convWasmAvailable } from '../../src/nn/kernels/conv2d-wasm.js';

const seedFlops = 2 * 32 * 32 * 9 * 128 * 128;

function seedLayer(dtype: 'float32' | 'float64') {
  return { x: randn([1, 32, 128, 128], { seed: 0, dtype }), w: randn([32, 32, 3, 3], { seed: 1, dtype }) };
}

const kernel = convWasmAvailable() ? 'wasm kernel' : 'JS kernel';

const all: BenchCase[] = [
  {
    name: 'conv2d [1,32,128,128]*[32,32,3,3] p1 float64',
    peer: 'conv2d_seed_f64',
    flops: seedFlops,
    setup: () => {
      const { x, w } = seedLayer('float64');
      return () => conv2d(x, w, { padding: 1 });
    },
  },
  {
    name: 'conv2d [1,32,128,128]*[32,32,3,3] p1 float32',
    peer: 'conv2d_seed_f32',
    flops: seedFlops,
    setup: () => {
      const { x, w } = seedLayer('float32');
      return () => conv2d(x, w, { padding: 1 });
    },
  },
  {
    name: 'conv2d seed layer circular float64',
    peer: 'conv2d_seed_circular_f64',
    flops: seedFlops,
    setup: () => {
      const { x, w } = seedLayer('float64');
      return () => conv2d(x, w, { padding: 1, paddingMode: 'circular' });
    },
  },
  {
    name: 'convTranspose2d seed layer (adjoint) float64',
    peer: 'conv_transpose2d_seed_f64',
    flops: seedFlops,
    setup: () => {
      const { x, w } = seedLayer('float64');
      return () => convTranspose2d(x, w, { padding: 1 });
    },
  },
  {
    name: 'conv2d seed layer stride 2 float64',
    peer: 'conv2d_seed_stride2_f64',
    flops: seedFlops / 4,
    setup: () => {
      const { x, w } = seedLayer('float64');
      return () => conv2d(x, w, { padding: 1, stride: 2 });
    },
  },
  {
    name: 'convTranspose2d stride 2 [1,32,64,64]->128 float64',
    peer: 'conv_transpose2d_stride2_f64',
    flops: seedFlops / 4,
    setup: () => {
      const x = randn([1, 32, 64, 64], { seed: 0, dtype: 'float64' });
      const w = randn([32, 32, 3, 3], { seed: 1, dtype: 'float64' });
      return () => convTranspose2d(x, w, { padding: 1, stride: 2, outputPadding: 1 });
    },
  },
  {
    name: 'conv2d [1,16,64,64]*[16,16,3,3] complex128',
    peer: 'conv2d_c128',
    flops: 8 * 16 * 16 * 9 * 64 * 64,
    setup: () => {
      const x = randn([1, 16, 64, 64], { seed: 0, dtype: 'complex128' });
      const w = randn([16, 16, 3, 3], { seed: 1, dtype: 'complex128' });
      return () => conv2d(x, w, { padding: 1 });
    },
  },
  {
    name: 'conv2d depthwise [4,64,32,32] groups 64 float64',
    peer: 'conv2d_depthwise_f64',
    flops: 2 * 4 * 64 * 9 * 32 * 32,
    setup: () => {
      const x = randn([4, 64, 32, 32], { seed: 0, dtype: 'float64' });
      const w = randn([64, 1, 3, 3], { seed: 1, dtype: 'float64' });
      return () => conv2d(x, w, { padding: 1, groups: 64 });
    },
  },
];

export const cases: BenchCase[] = all.map((c) => (c.peer === 'conv2d_depthwise_f64' ? c : { ...c, note: kernel }));
