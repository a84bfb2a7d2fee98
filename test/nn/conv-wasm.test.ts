// The WebAssembly SIMD convolution kernel against the JS kernel (bitwise: both sum in the same order with one
// rounding per operation) and against the naive reference loops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { conv2d, type Conv2dOptions } from '../../src/nn/conv2d.js';
import { convTranspose2d, type ConvTranspose2dOptions } from '../../src/nn/conv-transpose2d.js';
import { convGemm, packRows } from '../../src/nn/kernels/conv2d-direct.js';
import { CONV_WASM_LIMITS, convGemmWasm, convWasmAvailable } from '../../src/nn/kernels/conv2d-wasm.js';
import { wasmDisabled } from '../../src/wasm/load.js';
import { randn } from '../../src/tensor/random.js';
import type { DType } from '../../src/tensor/dtype.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { refConv2d, relErr } from './conv-reference.js';
import { withoutWasm } from '../wasm/helpers.js';

/** `fn()` computed with the JS kernel (wasm disabled on this thread). */
const jsOnly = withoutWasm;

function assertBitwise(got: Tensor, want: Tensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  const a = got.data as Float64Array;
  const b = want.data as Float64Array;
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}: element ${i}: wasm ${a[i]} vs JS ${b[i]}`);
}

test('the wasm kernel is available under Node (unless disabled by ADJOINT_NO_WASM)', () => {
  assert.equal(convWasmAvailable(), !wasmDisabled());
  assert.equal(jsOnly(() => convWasmAvailable()), false, 'ADJOINT_NO_WASM turns it off');
});

const skip = !convWasmAvailable();

test('convGemmWasm equals convGemm bitwise on random tables (any M, tails, gaps, bias or none)', { skip }, () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 3, max: 14 }), // M
      fc.integer({ min: 1, max: 40 }), // K
      fc.integer({ min: 1, max: 300 }), // pixels
      fc.integer({ min: 1, max: 3 }), // pixel stride (1: consecutive tiles, else the generic path)
      fc.boolean(), // bias
      fc.integer({ min: 0, max: 1000 }), // seed
      (M, K, nPix, ps, withBias, seed) => {
        const rnd = (i: number) => Math.sin(seed * 7.31 + i * 1.7) * 3;
        const xOff = 5;
        // Pixels: rows of 7 consecutive bases with gaps between rows (tiles that straddle a row are generic).
        const pixBase = Int32Array.from({ length: nPix }, (_, p) => (Math.floor(p / 7) * 11 + (p % 7)) * ps);
        const taps = Int32Array.from({ length: K }, (_, k) => (k * 37) % (3 * K + 1));
        const xLen = xOff + pixBase[nPix - 1]! + 3 * K + 2;
        const x = new Float64Array(xLen).map((_, i) => rnd(i));
        const wp = packRows(new Float64Array(M * K).map((_, i) => rnd(i + 1e4)), M, K);
        const bias = withBias ? new Float64Array(M).map((_, i) => rnd(i + 2e4)) : null;
        // Output: channel-major with a row stride, pixels reversed, so scattering is exercised.
        const ld = nPix + 3;
        const rowBase = Int32Array.from({ length: M }, (_, m) => m * ld + 1);
        const outIdx = Int32Array.from({ length: nPix }, (_, p) => nPix - 1 - p);
        const a = new Float64Array(M * ld + 2).fill(-7);
        const b = new Float64Array(M * ld + 2).fill(-7);
        assert.equal(convGemmWasm(x, xOff, pixBase, nPix, taps, K, wp, M, bias, a, rowBase, outIdx), true);
        convGemm(x, xOff, pixBase, nPix, taps, K, wp, M, bias, b, rowBase, outIdx);
        for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
        return true;
      },
    ),
    { numRuns: 60, seed: 5 },
  );
});

test('convGemmWasm declines narrow products (M < 3), leaving the output untouched', { skip }, () => {
  const out = new Float64Array(4).fill(9);
  const ok = convGemmWasm(new Float64Array(4), 0, new Int32Array([0, 1]), 2, new Int32Array([0]), 1, packRows(new Float64Array([1, 2]), 2, 1), 2, null, out, new Int32Array([0, 2]), new Int32Array([0, 1]));
  assert.equal(ok, false);
  assert.deepEqual([...out], [9, 9, 9, 9]);
});

interface Case { name: string; xs: number[]; ws: number[]; dtype: DType; opts: Conv2dOptions; bias?: boolean }
const convCases: Case[] = [
  { name: 'odd sizes, padding 1, bias', xs: [2, 5, 13, 11], ws: [7, 5, 3, 3], dtype: 'float64', opts: { padding: 1 }, bias: true },
  { name: 'stride 2, asymmetric padding', xs: [1, 4, 17, 9], ws: [6, 4, 3, 2], dtype: 'float64', opts: { padding: [2, 1], stride: 2 } },
  { name: 'dilation 2 × 3, same', xs: [1, 3, 12, 14], ws: [5, 3, 3, 3], dtype: 'float64', opts: { padding: 'same', dilation: [2, 3] } },
  { name: 'groups 3', xs: [2, 6, 9, 10], ws: [9, 2, 3, 3], dtype: 'float64', opts: { padding: 1, groups: 3 }, bias: true },
  { name: 'depthwise (M < 3: JS path)', xs: [1, 4, 8, 8], ws: [4, 1, 3, 3], dtype: 'float64', opts: { padding: 1, groups: 4 } },
  { name: 'complex128, reflect', xs: [1, 3, 10, 9], ws: [4, 3, 3, 3], dtype: 'complex128', opts: { padding: 1, paddingMode: 'reflect' }, bias: true },
  { name: 'complex64, stride 2', xs: [1, 2, 11, 8], ws: [3, 2, 2, 3], dtype: 'complex64', opts: { stride: [2, 1] } },
  { name: 'float32, circular', xs: [1, 5, 16, 15], ws: [8, 5, 3, 3], dtype: 'float32', opts: { padding: 1, paddingMode: 'circular' } },
  { name: '1×1 kernel, many pixels', xs: [1, 16, 30, 31], ws: [12, 16, 1, 1], dtype: 'float64', opts: {} },
];

for (const c of convCases) {
  test(`conv2d: wasm and JS kernels agree bitwise: ${c.name}`, { skip }, () => {
    const x = randn(c.xs, { seed: 1, dtype: c.dtype });
    const w = randn(c.ws, { seed: 2, dtype: c.dtype });
    const opts = { ...c.opts, bias: c.bias ? randn([c.ws[0]!], { seed: 3, dtype: c.dtype }) : null };
    assertBitwise(conv2d(x, w, opts), jsOnly(() => conv2d(x, w, opts)), c.name);
  });
}

const ctCases: Array<{ name: string; xs: number[]; ws: number[]; dtype: DType; opts: ConvTranspose2dOptions }> = [
  { name: 'stride 2, output padding', xs: [1, 6, 7, 9], ws: [6, 5, 3, 3], dtype: 'float64', opts: { stride: 2, padding: 1, outputPadding: 1 } },
  { name: 'stride 1, dilation 2, groups 2', xs: [2, 4, 8, 7], ws: [4, 3, 3, 2], dtype: 'float64', opts: { dilation: 2, groups: 2 } },
  { name: 'complex128, stride [3, 2]', xs: [1, 3, 5, 6], ws: [3, 4, 3, 3], dtype: 'complex128', opts: { stride: [3, 2], padding: [1, 0] } },
];

for (const c of ctCases) {
  test(`convTranspose2d: wasm and JS kernels agree bitwise: ${c.name}`, { skip }, () => {
    const x = randn(c.xs, { seed: 4, dtype: c.dtype });
    const w = randn(c.ws, { seed: 5, dtype: c.dtype });
    assertBitwise(convTranspose2d(x, w, c.opts), jsOnly(() => convTranspose2d(x, w, c.opts)), c.name);
  });
}

test('the wasm path matches the naive reference loop (seed-like layer, several row blocks)', { skip }, () => {
  const x = randn([1, 8, 24, 20], { seed: 6, dtype: 'float64' });
  const w = randn([10, 8, 3, 3], { seed: 7, dtype: 'float64' });
  const b = randn([10], { seed: 8, dtype: 'float64' });
  const y = conv2d(x, w, { padding: 1, bias: b });
  const ref = refConv2d({
    x: x.data as Float64Array, xs: [1, 8, 24, 20], w: w.data as Float64Array, ws: [10, 8, 3, 3], bias: b.data as Float64Array,
    stride: [1, 1], dilation: [1, 1], pads: [1, 1, 1, 1], groups: 1, mode: 'zeros', sp: 1,
  });
  assert.deepEqual(y.shape, ref.shape);
  assert.ok(relErr(y.data as Float64Array, ref.data) < 1e-14);
});

test('long pixel ranges are split when their input exceeds the copy limit, with the same result', { skip }, () => {
  const x = randn([2, 6, 40, 37], { seed: 9, dtype: 'float64' });
  const w = randn([5, 6, 3, 3], { seed: 10, dtype: 'float64' });
  const want = jsOnly(() => conv2d(x, w, { padding: 1, stride: [1, 2] }));
  const keep = CONV_WASM_LIMITS.xBytes;
  CONV_WASM_LIMITS.xBytes = 1 << 12; // a few rows per range
  try {
    assertBitwise(conv2d(x, w, { padding: 1, stride: [1, 2] }), want, 'split ranges');
    assertBitwise(convTranspose2d(x, randn([6, 4, 3, 3], { seed: 11, dtype: 'float64' }), { stride: 2 }),
      jsOnly(() => convTranspose2d(x, randn([6, 4, 3, 3], { seed: 11, dtype: 'float64' }), { stride: 2 })), 'split ranges (transpose)');
  } finally {
    CONV_WASM_LIMITS.xBytes = keep;
  }
});
