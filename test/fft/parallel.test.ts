// n-D transforms split across the worker pool give bitwise the same result as the serial path, and the split
// really happens (a counting wrapper around the installed backend sees ranges handed to helpers).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { randn } from '../../src/tensor/random.js';
import * as F from '../../src/fft/index.js';
import { installNodeBackend, nodeBackendReady, uninstallNodeBackend } from '../../src/node/worker-pool.js';
import { getParallelBackend, isShared, setParallelBackend, type ParallelBackend } from '../../src/parallel/pool.js';

after(async () => {
  await uninstallNodeBackend();
});

interface Case {
  name: string;
  run: () => Tensor;
}

const cases: Case[] = [];
{
  const x64 = randn([8, 16, 32, 64], { seed: 1, dtype: 'float64' });
  const x32 = randn([8, 16, 32, 64], { seed: 2, dtype: 'float32' });
  const z = randn([24, 45, 63], { seed: 3, dtype: 'complex128' });
  const z64 = randn([6, 128, 130], { seed: 4, dtype: 'complex64' });
  const X = F.rfftn(randn([8, 16, 32, 64], { seed: 5, dtype: 'float64' }));
  const k = randn([64, 3, 3], { seed: 6, dtype: 'float64' });
  const ints = Tensor.fromStorage(Int32Array.from({ length: 64 * 96 * 20 }, (_, i) => (i * 7919) % 23 - 11), [64, 96, 20], 'int32');
  cases.push(
    { name: 'rfftn float64', run: () => F.rfftn(x64) },
    { name: 'rfftn float32, ortho', run: () => F.rfftn(x32, { norm: 'ortho' }) },
    { name: 'fftn complex128, odd sizes (radix 3, 5, 7, 9)', run: () => F.fftn(z) },
    { name: 'ifftn complex64, padded and cropped', run: () => F.ifftn(z64, { s: [140, 100], dim: [1, 2] }) },
    { name: 'irfftn complex128', run: () => F.irfftn(X, { s: [8, 16, 32, 64] }) },
    { name: 'irfftn odd last length', run: () => F.irfftn(X, { s: [16, 32, 63], dim: [1, 2, 3] }) },
    { name: 'rfft2 of a small kernel padded to 128×128 (pruned path)', run: () => F.rfft2(k, { s: [128, 128] }) },
    { name: 'fft2 of int32 (promoted, unshared input copied)', run: () => F.fft2(ints) },
    { name: 'hfft along an outer dim', run: () => F.hfft(z, { dim: 0, n: 46 }) },
    { name: 'fft along dim 1 (Bluestein length 1021)', run: () => F.fft(randn([80, 1021], { seed: 7, dtype: 'complex128' }), { dim: 1 }) },
  );
}

function bits(t: Tensor): Float64Array {
  return Float64Array.from(t.data);
}

test('n-D transforms give bitwise the same result with the worker pool as without', async () => {
  assert.equal(getParallelBackend(), null, 'the test starts without a backend');
  const serial = cases.map((c) => bits(c.run()));

  installNodeBackend(2);
  await nodeBackendReady();
  const real = getParallelBackend();
  assert.ok(real !== null);
  // count the ranges handed to helpers, so that the test fails if the transforms silently stay serial
  let helperRanges = 0;
  const counting: ParallelBackend = {
    helpers: real.helpers,
    runBlocking(task, args, ranges, onCaller) {
      if (task === 'fft.axis') helperRanges += ranges.filter(([s, e]) => e > s).length;
      real.runBlocking(task, args, ranges, onCaller);
    },
  };
  setParallelBackend(counting);
  try {
    cases.forEach((c, i) => {
      const before = helperRanges;
      const out = c.run();
      assert.ok(isShared(out.storage), `${c.name}: the output lives in shared memory`);
      assert.ok(helperRanges > before, `${c.name}: some of the work ran on a helper thread`);
      const got = bits(out);
      const want = serial[i]!;
      assert.equal(got.length, want.length, c.name);
      for (let j = 0; j < want.length; j++) {
        if (!Object.is(got[j], want[j])) assert.fail(`${c.name}: element ${j} is ${got[j]} in parallel, ${want[j]} serially`);
      }
    });
  } finally {
    setParallelBackend(real);
  }
});

test('a long 1-D fft runs as a parallel four-step FFT and agrees with the single-plan result to rounding', async () => {
  await uninstallNodeBackend();
  const xs = [
    randn([2 ** 17], { seed: 9, dtype: 'complex128' }),
    randn([3 * 5 ** 7], { seed: 10, dtype: 'complex128' }), // 234375 = 375 · 625
    randn([1, 160000], { seed: 11, dtype: 'float64' }), // real input, promoted
  ];
  const serial = xs.map((x) => [F.fft(x, { norm: 'ortho' }), F.ifft(x)]);
  installNodeBackend(2);
  await nodeBackendReady();
  const real = getParallelBackend()!;
  let helperRanges = 0;
  setParallelBackend({ helpers: real.helpers, runBlocking: (t, a, r, c) => { helperRanges += r.length; real.runBlocking(t, a, r, c); } });
  try {
    xs.forEach((x, i) => {
      const got = [F.fft(x, { norm: 'ortho' }), F.ifft(x)];
      got.forEach((g, j) => {
        const a = g.data;
        const b = serial[i]![j]!.data;
        assert.equal(a.length, b.length);
        let err = 0, mag = 0;
        for (let t = 0; t < a.length; t++) {
          err = Math.max(err, Math.abs(a[t]! - b[t]!));
          mag = Math.max(mag, Math.abs(b[t]!));
        }
        // both are within a few ulps·log n of the exact DFT
        assert.ok(err <= 1e-14 * mag, `case ${i}/${j}: max difference ${err} for max magnitude ${mag}`);
      });
    });
    assert.ok(helperRanges >= 2 * xs.length * 2, 'both steps of every transform were split between threads');
  } finally {
    setParallelBackend(real);
  }
  // exact check: a pure tone puts n at its bin and (to rounding) nothing elsewhere
  const n = 2 ** 17;
  const tone = new Float64Array(2 * n);
  for (let t = 0; t < n; t++) {
    const ang = (2 * Math.PI * ((12345 * t) % n)) / n;
    tone[2 * t] = Math.cos(ang);
    tone[2 * t + 1] = Math.sin(ang);
  }
  const X = F.fft(Tensor.fromStorage(tone, [n], 'complex128')).data;
  for (let f = 0; f < n; f++) {
    const want = f === 12345 ? n : 0;
    if (Math.abs(X[2 * f]! - want) > 1e-9 || Math.abs(X[2 * f + 1]!) > 1e-9) assert.fail(`bin ${f}: ${X[2 * f]}, ${X[2 * f + 1]}`);
  }
});

test('small transforms stay on the calling thread with the pool installed', async () => {
  installNodeBackend(2);
  await nodeBackendReady();
  const real = getParallelBackend()!;
  let calls = 0;
  setParallelBackend({ helpers: real.helpers, runBlocking: (t, a, r, c) => { calls++; real.runBlocking(t, a, r, c); } });
  try {
    const x = randn([4, 16, 16], { seed: 8, dtype: 'float64' });
    const y = F.rfftn(x);
    assert.deepEqual(y.shape, [4, 16, 9]);
    assert.equal(calls, 0);
  } finally {
    setParallelBackend(real);
  }
});
