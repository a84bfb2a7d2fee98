// FFT benchmarks (issue 3): rfftn/irfftn of a [32,32,128,128] batch, a complex128 fftn with odd sizes, and
// large 1-D transforms, run with the Node worker pool installed (ADJOINT_THREADS=1 for single-threaded numbers;
// ADJOINT_NO_WASM=1 for the plain-JS kernels instead of the WebAssembly SIMD ones).
// Peers: PyTorch with 2 threads (bench/peers/fft_cases.py); fft.js on power-of-two 1-D cases when installed.
import { createRequire } from 'node:module';
import type { BenchCase } from '../harness.js';
import { randn } from '../../src/tensor/random.js';
import { fftn, irfftn, rfftn, fft } from '../../src/fft/api.js';
import { installNodeBackend, nodeBackendReady } from '../../src/node/worker-pool.js';

// bench/run.ts does not install the worker pool itself; the library's Node entry (src/node/index.ts) does, so
// time what a Node user gets: the pool (ADJOINT_THREADS or every core), ready before any case is set up.
installNodeBackend();
await nodeBackendReady();

const log2 = Math.log2;

export const cases: BenchCase[] = [
  {
    name: 'fft rfftn [32,32,128,128] float64',
    peer: 'fft_rfftn_32x32x128x128_f64',
    flops: 2.5 * 2 ** 24 * 24,
    repeats: 5,
    setup: () => {
      const x = randn([32, 32, 128, 128], { seed: 0, dtype: 'float64' });
      return () => rfftn(x);
    },
  },
  {
    name: 'fft rfftn [32,32,128,128] float32',
    peer: 'fft_rfftn_32x32x128x128_f32',
    flops: 2.5 * 2 ** 24 * 24,
    repeats: 5,
    setup: () => {
      const x = randn([32, 32, 128, 128], { seed: 0, dtype: 'float32' });
      return () => rfftn(x);
    },
  },
  {
    name: 'fft irfftn [32,32,128,65] complex128',
    peer: 'fft_irfftn_32x32x128x65_c128',
    flops: 2.5 * 2 ** 24 * 24,
    repeats: 5,
    setup: () => {
      const X = rfftn(randn([32, 32, 128, 128], { seed: 0, dtype: 'float64' }));
      return () => irfftn(X, { s: [32, 32, 128, 128] });
    },
  },
  {
    name: 'fft fftn [64,255,255] complex128',
    peer: 'fft_fftn_64x255x255_c128',
    flops: 5 * 64 * 255 * 255 * log2(64 * 255 * 255),
    repeats: 5,
    setup: () => {
      const x = randn([64, 255, 255], { seed: 0, dtype: 'complex128' });
      return () => fftn(x);
    },
  },
  {
    name: 'fft fft 2^20 complex128',
    peer: 'fft_fft_1048576_c128',
    flops: 5 * 2 ** 20 * 20,
    repeats: 7,
    setup: () => {
      const x = randn([2 ** 20], { seed: 0, dtype: 'complex128' });
      return () => fft(x);
    },
    ...fftJsPeer(2 ** 20),
  },
  {
    name: 'fft fft 1000000 complex128',
    peer: 'fft_fft_1000000_c128',
    flops: 5 * 1e6 * log2(1e6),
    repeats: 7,
    setup: () => {
      const x = randn([1e6], { seed: 0, dtype: 'complex128' });
      return () => fft(x);
    },
  },
];

/** fft.js (power-of-two, radix-4) as a JS peer, when the package is installed; otherwise nothing. */
function fftJsPeer(n: number): Pick<BenchCase, 'peerFn' | 'peerName'> {
  let FFT: (new (n: number) => { createComplexArray(): number[]; transform(out: number[], data: number[]): void }) | undefined;
  try {
    FFT = createRequire(import.meta.url)('fft.js') as typeof FFT;
  } catch {
    FFT = undefined;
  }
  if (!FFT) return {};
  const Ctor = FFT;
  return {
    peerName: 'fft.js',
    peerFn: () => {
      const f = new Ctor(n);
      const input = f.createComplexArray();
      for (let i = 0; i < input.length; i++) input[i] = Math.sin(i);
      const out = f.createComplexArray();
      return () => f.transform(out, input);
    },
  };
}
