// Fused passes over two neighbouring dims (one gather/scatter for a 2-D transform) against separate passes:
// forward ones bitwise equal for complex128 (same per-line arithmetic, the intermediate stays float64 either way),
// for complex64 at least as close to the float64 result as the unfused path, which rounds in between; the fused
// inverse real path runs the dims in another order, so it agrees to rounding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randn } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import * as F from '../../src/fft/index.js';
import { canIrfftLastTwo, canRfftLastTwo, fusablePair, setFusion } from '../../src/fft/nd.js';

function both(run: () => Tensor): [Float64Array, Float64Array] {
  setFusion(false);
  try {
    const plain = Float64Array.from(run().data);
    setFusion(true);
    return [Float64Array.from(run().data), plain];
  } finally {
    setFusion(true);
  }
}

test('fusablePair: full neighbouring dims up to a block, not padded ones', () => {
  assert.equal(fusablePair([32, 32, 128, 65], 0, 32, 32, [32, 32, 128, 65]), true);
  assert.equal(fusablePair([32, 32, 128, 65], 0, 32, 32, [20, 32, 128, 65]), false, 'zero padding along dim 0 still to fill');
  assert.equal(fusablePair([64, 255, 255], 1, 255, 255, [64, 255, 255]), false, 'too big for a block');
  assert.equal(canRfftLastTwo([32, 32, 128, 128], [32, 32, 128, 128], 128, 128), true);
  assert.equal(canRfftLastTwo([32, 32, 128, 127], [32, 32, 128, 127], 128, 127), false, 'odd real length');
  assert.equal(canRfftLastTwo([32, 32, 100, 128], [32, 32, 100, 128], 128, 128), false, 'padding along the column dim');
  assert.equal(canIrfftLastTwo([32, 32, 128, 65], [32, 32, 128, 65], 128, 128), true);
  assert.equal(canIrfftLastTwo([32, 32, 128, 65], [32, 32, 128, 65], 128, 127), false, 'odd real length');
  assert.equal(canIrfftLastTwo([32, 32, 128, 70], [32, 32, 128, 70], 128, 128), false, 'bins to crop');
});

test('fused inverse real passes agree with separate passes to rounding and invert rfftn', () => {
  const x = randn([6, 16, 24, 10], { seed: 4, dtype: 'float64' });
  const X = F.rfftn(x);
  const cases: Array<[string, () => Tensor, number]> = [
    ['irfftn, all dims (fuses dims 2, 3 and 0, 1)', () => F.irfftn(X, { s: [6, 16, 24, 10], norm: 'forward' }), 1e-12],
    ['irfft2 (fuses dims 2, 3 only)', () => F.irfft2(X, { s: [24, 10] }), 1e-12],
    ['irfftn over dims 1, 2, 3', () => F.irfftn(X, { dim: [1, 2, 3], s: [16, 24, 10] }), 1e-12],
    ['irfftn complex64', () => F.irfftn(X.to('complex64'), { s: [6, 16, 24, 10] }), 1e-5],
  ];
  for (const [name, run, tol] of cases) {
    const [fused, plain] = both(run);
    let err = 0, mag = 0;
    for (let i = 0; i < plain.length; i++) {
      err = Math.max(err, Math.abs(fused[i]! - plain[i]!));
      mag = Math.max(mag, Math.abs(plain[i]!));
    }
    assert.ok(err <= tol * mag, `${name}: max difference ${err}, magnitude ${mag}`);
  }
  const back = F.irfftn(X, { s: [6, 16, 24, 10] }).data;
  const xd = x.data;
  for (let i = 0; i < xd.length; i++) if (Math.abs(back[i]! - xd[i]!) > 1e-12) assert.fail(`round trip: element ${i}: ${back[i]} vs ${xd[i]}`);
});

test('fused 2-D passes equal separate passes bitwise in float64', () => {
  const x = randn([6, 16, 24, 10], { seed: 1, dtype: 'float64' });
  const z = randn([5, 12, 20, 7], { seed: 2, dtype: 'complex128' });
  const runs: Array<[string, () => Tensor]> = [
    ['rfftn (rows with columns, then dims 0, 1)', () => F.rfftn(x, { norm: 'ortho' })],
    ['rfft2 (rows with columns only, scaled)', () => F.rfft2(x, { norm: 'forward' })],
    ['rfftn over dims 0, 1, 2 (not the last dim: separate passes)', () => F.rfftn(x, { dim: [0, 1, 2] })],
    ['fftn (fuses dims 2, 3 reading the input, then 0, 1 in place)', () => F.fftn(z)],
    ['fftn of a real input (the first fused pass reads real data)', () => F.fftn(x, { norm: 'ortho' })],
    ['ifftn over dims 1, 2, 3 (fuses 1, 2)', () => F.ifftn(z, { dim: [1, 2, 3] })],
  ];
  for (const [name, run] of runs) {
    const [fused, plain] = both(run);
    assert.equal(fused.length, plain.length);
    for (let i = 0; i < plain.length; i++) if (!Object.is(fused[i], plain[i])) assert.fail(`${name}: element ${i}: ${fused[i]} fused, ${plain[i]} separate`);
  }
});

test('fused complex64 passes are as accurate as separate ones', () => {
  const x32 = randn([8, 16, 16, 32], { seed: 3, dtype: 'float32' });
  const ref = F.rfftn(x32.to('float64')).data;
  const [fused, plain] = both(() => F.rfftn(x32));
  const err = (a: Float64Array): number => {
    let e = 0, m = 0;
    for (let i = 0; i < a.length; i++) {
      e = Math.max(e, Math.abs(a[i]! - ref[i]!));
      m = Math.max(m, Math.abs(ref[i]!));
    }
    return e / m;
  };
  const ef = err(fused), ep = err(plain);
  assert.ok(ef < 2e-6, `relative error ${ef}`);
  assert.ok(ef <= ep * 1.05, `fused ${ef} vs separate ${ep}`);
  assert.ok(fused.some((v, i) => v !== plain[i]), 'the fused path really ran (it rounds to float32 once less)');
});
