// The WebAssembly SIMD Stockham passes (radix 2, 3, 4, 5, 8) against the JS passes: same operations in the same
// order, so the results must be bitwise equal, pass by pass and through the public transforms. Under
// ADJOINT_NO_WASM=1 the workspace is ordinary arrays and these tests check that the fallback is taken.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import * as F from '../../src/fft/index.js';
import { buildStockham, type StockhamPlan } from '../../src/fft/kernels/plan.js';
import { runStockham } from '../../src/fft/kernels/mixed-radix.js';
import { fftWorkspace, setFftWasm } from '../../src/fft/kernels/wasm-stockham.js';
import { wasmDisabled } from '../../src/wasm/load.js';
import { transformAxis } from '../../src/fft/nd.js';

function rand(len: number, seed: number): Float64Array {
  const out = new Float64Array(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

test('fftWorkspace hands out views of WebAssembly memory (ordinary arrays under ADJOINT_NO_WASM=1)', () => {
  const [a, b] = fftWorkspace([buildStockham(64, -1)], 2 * 64 * 3, 2) as [Float64Array, Float64Array];
  assert.equal(a.length, 384);
  assert.equal(b.length, 384);
  // views of one WebAssembly memory exactly when wasm is enabled; separate ordinary arrays otherwise
  assert.equal(a.buffer === b.buffer, !wasmDisabled());
  setFftWasm(false);
  try {
    const [c] = fftWorkspace([], 10, 1) as [Float64Array];
    assert.notEqual(c.buffer, a.buffer, 'setFftWasm(false): ordinary arrays');
  } finally {
    setFftWasm(true);
  }
  const [big, big2] = fftWorkspace([], (1 << 26) / 16 + 8, 2) as [Float64Array, Float64Array];
  assert.notEqual(big.buffer, big2.buffer, 'over the size cap: ordinary arrays');
});

test('every radix (2, 3, 4, 5, 8 in wasm; 7, 11, 13, 23 in JS between) gives bitwise the JS result, both signs', () => {
  // lengths chosen so that each radix appears both first (l = 1) and later (twiddled runs)
  const lengths = [2, 3, 4, 5, 8, 6, 10, 12, 15, 16, 20, 30, 32, 40, 45, 60, 64, 75, 96, 100, 120, 125, 128, 250, 256, 360, 512, 1000, 1024, 2048,
    7 * 8, 11 * 4 * 5, 13 * 3 * 8, 23 * 2 * 5, 3 * 3 * 5 * 5 * 8 * 4];
  for (const n of lengths) {
    for (const sign of [-1, 1] as const) {
      for (const B of [1, 3, 8]) {
        const plan: StockhamPlan = buildStockham(n, sign);
        const x = rand(2 * n * B, n * 7 + B + (sign > 0 ? 1 : 0));
        const ref = runStockham(plan, Float64Array.from(x), new Float64Array(2 * n * B), B).slice();
        const [a, b] = fftWorkspace([plan], 2 * n * B, 2) as [Float64Array, Float64Array];
        a.set(x);
        const got = runStockham(plan, a, b, B);
        const d = firstDiff(got, ref);
        assert.equal(d, -1, `n=${n} sign=${sign} B=${B}: first difference at ${d} (${got[d]} vs ${ref[d]})`);
      }
    }
  }
});

test('special values propagate like the JS passes (zeros keep their sign, inf and NaN)', () => {
  for (const n of [32, 60]) specialValues(n);
});

function specialValues(n: number): void {
  const plan = buildStockham(n, -1);
  const x = new Float64Array(2 * n).fill(-0);
  x[3] = Infinity;
  x[10] = NaN;
  x[17] = -Infinity;
  const ref = runStockham(plan, Float64Array.from(x), new Float64Array(2 * n), 1).slice();
  const [a, b] = fftWorkspace([plan], 2 * n, 2) as [Float64Array, Float64Array];
  a.set(x);
  const got = runStockham(plan, a, b, 1);
  assert.equal(firstDiff(got, ref), -1);
  const zeros = new Float64Array(2 * n).fill(-0);
  const [c, e] = fftWorkspace([plan], 2 * n, 2) as [Float64Array, Float64Array];
  c.set(zeros);
  const gz = runStockham(plan, c, e, 1);
  const rz = runStockham(plan, Float64Array.from(zeros), new Float64Array(2 * n), 1);
  assert.equal(firstDiff(gz, rz), -1, 'signed zeros');
}

function withAndWithout(run: () => Tensor): [Float64Array, Float64Array] {
  setFftWasm(false);
  try {
    const js = Float64Array.from(run().data);
    setFftWasm(true);
    return [Float64Array.from(run().data), js];
  } finally {
    setFftWasm(true);
  }
}

test('public transforms are bitwise the same with the WebAssembly passes as without', () => {
  const x64 = randn([4, 6, 24, 40], { seed: 1, dtype: 'float64' });
  const x32 = randn([3, 32, 30, 16], { seed: 2, dtype: 'float32' });
  const z = randn([5, 45, 64], { seed: 3, dtype: 'complex128' });
  const z64 = randn([7, 120], { seed: 4, dtype: 'complex64' });
  const cases: Array<[string, () => Tensor]> = [
    ['rfftn f64', () => F.rfftn(x64)],
    ['rfftn f32', () => F.rfftn(x32)],
    ['irfftn', () => F.irfftn(F.rfftn(x64), { s: [4, 6, 24, 40] })],
    ['irfftn complex64, odd rows, ortho', () => F.irfftn(F.rfftn(randn([3, 29, 16], { seed: 8, dtype: 'float32' })), { s: [3, 29, 16], norm: 'ortho' })],
    ['fftn c128', () => F.fftn(z)],
    ['ifftn c128 padded', () => F.ifftn(z, { s: [8, 50, 80] })],
    ['fft c64', () => F.fft(z64)],
    ['rfft odd length', () => F.rfft(x64, { n: 75 })],
    ['rfft2 odd rows (no padding lane), f32', () => F.rfft2(randn([5, 7, 12], { seed: 6, dtype: 'float32' }))],
    ['rfft2 int32 input (JS rows)', () => F.rfft2(Tensor.fromStorage(Int32Array.from(rand(128, 9), (v) => Math.round(100 * v)), [2, 8, 8], 'int32'))],
    ['fft 1-D long', () => F.fft(randn([3 * 5 * 1024], { seed: 5, dtype: 'complex128' }))],
  ];
  for (const [name, run] of cases) {
    const [got, ref] = withAndWithout(run);
    const d = firstDiff(got, ref);
    assert.equal(d, -1, `${name}: first difference at ${d}`);
  }
});

test('the four-step twiddle step (twiddleN) is bitwise the same in WebAssembly as in JS', () => {
  for (const [n1, n2, sign] of [[40, 25, -1], [64, 48, 1], [33, 1030, -1]] as const) {
    const src = rand(2 * n1 * n2, n1 + n2);
    const run = (): Float64Array => {
      const dst = new Float64Array(2 * n1 * n2);
      transformAxis({
        kind: 'c2c', src, srcShape: [n1, n2], srcComplex: true, dst, dstShape: [n1, n2], dstStrides: [1, n1], axis: 1, n: n2,
        sign, scale: 1, live: [n1, n2], twiddleN: n1 * n2,
      });
      return dst;
    };
    setFftWasm(false);
    let ref: Float64Array;
    try {
      ref = run();
    } finally {
      setFftWasm(true);
    }
    const got = run();
    assert.equal(firstDiff(got, ref), -1, `${n1}×${n2}`);
    assert.ok(got.some((v) => v !== 0));
  }
});
