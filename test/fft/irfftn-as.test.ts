// irfftnAs: a complex128 spectrum transformed in float64 and stored straight into a float32 result must equal
// irfftn's float64 result rounded to float32 (it is the same computation with the last store narrowed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { irfftn, irfftnAs, rfftn, rfftnInto } from '../../src/fft/api.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { randn } from '../../src/tensor/random.js';

test('irfftnAs float32 = Math.fround of irfftn (2-D last dims, batched; odd and even sizes; 3-D)', () => {
  for (const [shape, dim] of [
    [[3, 4, 16, 12], [-2, -1]],
    [[2, 9, 15], [-2, -1]],
    [[2, 5, 6, 7], [-3, -2, -1]],
  ] as [number[], number[]][]) {
    const x = randn(shape, { seed: shape.length + shape[1]!, dtype: 'float64' });
    const s = dim.map((d) => shape[shape.length + d]!);
    const spec = rfftn(x, { dim });
    const ref = irfftn(spec, { s, dim }).data as Float64Array;
    const out = irfftnAs(spec, { s, dim }, 'float32');
    assert.equal(out.dtype, 'float32');
    assert.deepEqual(out.shape, shape);
    const d = out.data as Float32Array;
    assert.ok(d instanceof Float32Array, 'float32 storage');
    let worst = 0;
    for (let i = 0; i < d.length; i++) worst = Math.max(worst, Math.abs(d[i]! - Math.fround(ref[i]!)));
    assert.equal(worst, 0, `largest difference from the rounded float64 result: ${worst} (shape ${shape})`);
    const back = irfftnAs(spec, { s, dim }, 'float64');
    assert.deepEqual(Array.from(back.data as Float64Array), Array.from(ref), 'float64 output is irfftn itself');
  }
});

test('rfftnInto: float32 input transformed in float64 into a caller array = rfftn of the widened input, bit for bit (garbage overwritten; padding cleared; wrong length refused)', () => {
  for (const [shape, dim, s] of [
    [[3, 4, 16, 12], [-2, -1], undefined],
    [[2, 9, 15], [-2, -1], undefined],
    [[2, 5, 6, 7], [-3, -2, -1], undefined],
    [[2, 5, 6], [-2, -1], [8, 9]],
  ] as [number[], number[], number[] | undefined][]) {
    const x32 = randn(shape, { seed: 3 + shape[1]!, dtype: 'float32' });
    const x64 = new Tensor(Float64Array.from(x32.data as Float32Array), shape, 'float64');
    const ref = rfftn(x64, { dim, s });
    const out = new Float64Array(2 * ref.numel).fill(Number.NaN);
    const got = rfftnInto(x32, { dim, s }, out);
    assert.equal(got.dtype, 'complex128');
    assert.deepEqual(got.shape, ref.shape);
    assert.ok(got.data === out, 'the caller array holds the result');
    assert.deepEqual(Array.from(out), Array.from(ref.data as Float64Array), `shape ${shape}, s ${s}`);
  }
  assert.throws(() => rfftnInto(randn([4, 8], { seed: 1 }), {}, new Float64Array(10)), /out/);
});
