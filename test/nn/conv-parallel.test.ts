import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { installNodeBackend, nodeBackendReady, uninstallNodeBackend } from '../../src/node/worker-pool.js';
import { conv2d, type Conv2dOptions } from '../../src/nn/conv2d.js';
import { convTranspose2d, type ConvTranspose2dOptions } from '../../src/nn/conv-transpose2d.js';
import { convGemmPlan, PARALLEL_CONV_MIN_FLOPS } from '../../src/nn/kernels/conv2d-parallel.js';
import { packRows } from '../../src/nn/kernels/conv2d-direct.js';
import { getParallelBackend, setParallelBackend, type ParallelBackend } from '../../src/parallel/pool.js';
import type { TaskArg } from '../../src/parallel/tasks.js';
import { randn } from '../../src/tensor/random.js';
import { refConv2d, refConvTranspose2d, relErr } from './conv-reference.js';
import type { DType } from '../../src/tensor/dtype.js';
import type { Tensor } from '../../src/tensor/tensor.js';

before(async () => {
  installNodeBackend(2);
  await nodeBackendReady();
});

after(async () => {
  await uninstallNodeBackend();
});

const TASK = 'nn.convGemmRange';

/** Runs `fn` with the installed backend wrapped so that every split is recorded. */
function recording<T>(fn: () => T): { value: T; calls: Array<{ task: string; ranges: Array<readonly [number, number]> }> } {
  const real = getParallelBackend();
  assert.ok(real !== null, 'backend installed');
  const calls: Array<{ task: string; ranges: Array<readonly [number, number]> }> = [];
  const spy: ParallelBackend = {
    helpers: real.helpers,
    runBlocking(task: string, args: readonly TaskArg[], ranges: ReadonlyArray<readonly [number, number]>, onCaller: () => void) {
      calls.push({ task, ranges: ranges.slice() });
      real.runBlocking(task, args, ranges, onCaller);
    },
  };
  setParallelBackend(spy);
  try {
    return { value: fn(), calls };
  } finally {
    setParallelBackend(real);
  }
}

/** `fn` with no backend installed: the plain serial path. */
function serially<T>(fn: () => T): T {
  const real = getParallelBackend();
  setParallelBackend(null);
  try {
    return fn();
  } finally {
    setParallelBackend(real);
  }
}

function assertBitwise(got: Tensor, want: Tensor, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  assert.equal(got.dtype, want.dtype, `${what}: dtype`);
  const g = got.data as Float64Array;
  const w = want.data as Float64Array;
  assert.equal(g.length, w.length);
  for (let i = 0; i < g.length; i++) {
    if (!Object.is(g[i], w[i])) assert.fail(`${what}: element ${i} differs: ${g[i]} vs serial ${w[i]}`);
  }
}

function assertHelpersWorked(calls: Array<{ task: string; ranges: Array<readonly [number, number]> }>, what: string): void {
  const mine = calls.filter((c) => c.task === TASK);
  assert.ok(mine.length >= 1, `${what}: split across threads`);
  assert.ok(mine.every((c) => c.ranges.length >= 1 && c.ranges.every(([s, e]) => e > s)), `${what}: helpers got work`);
}

interface ConvCase {
  name: string;
  x: number[];
  w: number[];
  dtype: DType;
  bias?: number;
  opts: Conv2dOptions;
}

const convCases: ConvCase[] = [
  { name: 'seed-like, padding 1, bias', x: [1, 16, 72, 72], w: [16, 16, 3, 3], dtype: 'float64', bias: 16, opts: { padding: 1 } },
  { name: 'batch 3, stride 2, dilation 2', x: [3, 16, 61, 67], w: [16, 16, 3, 5], dtype: 'float64', opts: { stride: 2, dilation: 2, padding: [2, 3] } },
  { name: 'groups 4, circular same', x: [2, 32, 64, 64], w: [40, 8, 3, 3], dtype: 'float64', bias: 40, opts: { groups: 4, padding: 'same', paddingMode: 'circular' } },
  { name: 'reflect, asymmetric same', x: [2, 24, 70, 45], w: [18, 24, 4, 2], dtype: 'float64', opts: { padding: 'same', paddingMode: 'reflect' } },
  { name: 'depthwise (narrow kernel)', x: [2, 32, 96, 96], w: [32, 1, 5, 5], dtype: 'float64', bias: 32, opts: { groups: 32, padding: 2, paddingMode: 'replicate' } },
  { name: 'complex128, bias', x: [1, 16, 64, 64], w: [16, 16, 3, 3], dtype: 'complex128', bias: 16, opts: { padding: 1, stride: [1, 2] } },
  { name: 'float32 unbatched', x: [16, 80, 80], w: [16, 16, 3, 3], dtype: 'float32', opts: { padding: 'valid' } },
];

let seed = 100;
for (const c of convCases) {
  test(`conv2d on 2 threads is bitwise the serial result: ${c.name}`, () => {
    const x = randn(c.x, { seed: seed++, dtype: c.dtype });
    const w = randn(c.w, { seed: seed++, dtype: c.dtype });
    const opts: Conv2dOptions = { ...c.opts, bias: c.bias === undefined ? null : randn([c.bias], { seed: seed++, dtype: c.dtype }) };
    const want = serially(() => conv2d(x, w, opts));
    const { value, calls } = recording(() => conv2d(x, w, opts));
    assertHelpersWorked(calls, c.name);
    assertBitwise(value, want, c.name);
  });
}

interface TCase {
  name: string;
  x: number[];
  w: number[];
  dtype: DType;
  bias?: number;
  opts: ConvTranspose2dOptions;
}

const tCases: TCase[] = [
  { name: 'stride 1, padding 1 (seed adjoint)', x: [1, 16, 72, 72], w: [16, 16, 3, 3], dtype: 'float64', bias: 16, opts: { padding: 1 } },
  { name: 'stride 2, output padding, batch 2', x: [2, 32, 64, 64], w: [32, 32, 3, 3], dtype: 'float64', opts: { stride: 2, padding: 1, outputPadding: 1 } },
  { name: 'groups 2, dilation 2, stride [1, 3]', x: [2, 32, 64, 48], w: [32, 16, 3, 4], dtype: 'float64', bias: 32, opts: { groups: 2, dilation: 2, stride: [1, 3], padding: [1, 2] } },
  { name: 'complex128', x: [1, 16, 48, 48], w: [16, 16, 3, 3], dtype: 'complex128', opts: { padding: 1 } },
];

for (const c of tCases) {
  test(`convTranspose2d on 2 threads is bitwise the serial result: ${c.name}`, () => {
    const x = randn(c.x, { seed: seed++, dtype: c.dtype });
    const w = randn(c.w, { seed: seed++, dtype: c.dtype });
    const opts: ConvTranspose2dOptions = { ...c.opts, bias: c.bias === undefined ? null : randn([c.bias], { seed: seed++, dtype: c.dtype }) };
    const want = serially(() => convTranspose2d(x, w, opts));
    const { value, calls } = recording(() => convTranspose2d(x, w, opts));
    assertHelpersWorked(calls, c.name);
    assertBitwise(value, want, c.name);
  });
}

test('the 2-thread results match the naive reference loops', () => {
  // Bitwise agreement with the serial path would not notice a pixel that both paths skip; these would.
  const x = randn([3, 16, 61, 67], { seed: 7, dtype: 'float64' });
  const w = randn([16, 16, 3, 5], { seed: 8, dtype: 'float64' });
  const bias = randn([16], { seed: 9, dtype: 'float64' });
  const { value: y, calls } = recording(() => conv2d(x, w, { bias, stride: 2, dilation: 2, padding: [2, 3] }));
  assertHelpersWorked(calls, 'conv2d vs reference');
  const ref = refConv2d({
    x: x.data as Float64Array, xs: [3, 16, 61, 67], w: w.data as Float64Array, ws: [16, 16, 3, 5], bias: bias.data as Float64Array,
    stride: [2, 2], dilation: [2, 2], pads: [2, 2, 3, 3], groups: 1, mode: 'zeros', sp: 1,
  });
  assert.deepEqual(y.shape, ref.shape);
  assert.ok(relErr(y.data as Float64Array, ref.data) < 1e-12, 'conv2d matches the reference');

  const xt = randn([2, 32, 64, 64], { seed: 10, dtype: 'float64' });
  const wt = randn([32, 32, 3, 3], { seed: 11, dtype: 'float64' });
  const { value: yt, calls: tc } = recording(() => convTranspose2d(xt, wt, { stride: 2, padding: 1, outputPadding: 1 }));
  assertHelpersWorked(tc, 'convTranspose2d vs reference');
  const reft = refConvTranspose2d({
    x: xt.data as Float64Array, xs: [2, 32, 64, 64], w: wt.data as Float64Array, ws: [32, 32, 3, 3], bias: null,
    stride: [2, 2], dilation: [1, 1], padding: [1, 1], outputPadding: [1, 1], groups: 1, sp: 1,
  });
  assert.deepEqual(yt.shape, reft.shape);
  assert.ok(relErr(yt.data as Float64Array, reft.data) < 1e-12, 'convTranspose2d matches the reference');
});

test('small convolutions stay on the calling thread', () => {
  const x = randn([1, 2, 8, 8], { seed: 1, dtype: 'float64' });
  const w = randn([2, 2, 3, 3], { seed: 2, dtype: 'float64' });
  const { calls } = recording(() => conv2d(x, w, { padding: 1 }));
  assert.equal(calls.filter((c) => c.task === TASK).length, 0);
});

test('convGemmPlan with ordinary (non-shared) buffers runs serially and matches a naive loop', () => {
  // A 1×1 convolution large enough to pass the flop threshold: out[m, p] = bias[m] + Σ_k W[m,k] x[k, p].
  const M = 8;
  const K = 64;
  const nPix = Math.ceil(PARALLEL_CONV_MIN_FLOPS / (2 * M * K)) + 5;
  const x = new Float64Array(K * nPix).map((_, i) => Math.sin(i));
  const w = new Float64Array(M * K).map((_, i) => Math.cos(i));
  const bias = new Float64Array(M).map((_, i) => i);
  const out = new Float64Array(M * nPix);
  const pixBase = Int32Array.from({ length: nPix }, (_, p) => p);
  const taps = Int32Array.from({ length: K }, (_, k) => k * nPix);
  const rowBase = Int32Array.from({ length: M }, (_, m) => m * nPix);
  const wp = packRows(w, M, K);
  const { calls } = recording(() =>
    convGemmPlan({
      x, pixBase, nPix, taps, K, wp, wStrideG: wp.length, M, bias, out, rowBase, outIdx: pixBase,
      n: 1, groups: 1, xStrideB: 0, xStrideG: 0, outStrideB: 0, outStrideG: 0,
    }),
  );
  assert.equal(calls.filter((c) => c.task === TASK).length, 0, 'not shared: no split');
  for (const p of [0, 1, 257, nPix - 1]) {
    for (let m = 0; m < M; m++) {
      let s = bias[m]!;
      for (let k = 0; k < K; k++) s += w[m * K + k]! * x[k * nPix + p]!;
      assert.equal(out[m * nPix + p], s);
    }
  }
});
