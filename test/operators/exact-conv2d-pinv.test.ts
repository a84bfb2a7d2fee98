// Conv2dOperator.pinv with method 'exact' (ring solver for 'valid', issue 9): agreement with the dense SVD
// path, the auto choice, reuse of the factorisation, honest reporting when singular, and refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conv2d } from '../../src/operators/conv2d.js';
import { convPinv, forgetPinv } from '../../src/operators/conv2d-pinv.js';
import { chooseMethod } from '../../src/operators/pinv/choose.js';
import { toFloat64 } from '../../src/operators/linear-operator.js';
import { randn } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { AdjointError } from '../../src/errors.js';
import { relErr as rel } from './dense-helpers.js';


const cases = [
  { co: 2, ci: 2, n: [8, 9], stride: 1, dil: 1, seed: 1 },
  { co: 3, ci: 3, n: [10, 10], stride: 1, dil: 1, seed: 2 },
  { co: 2, ci: 3, n: [7, 8], stride: 1, dil: 2, seed: 3 },
  { co: 3, ci: 2, n: [11, 9], stride: 2, dil: 1, seed: 4 },
] as const;

for (const cs of cases) {
  test(`A.pinv method 'exact' = dense pinv: co=${cs.co} ci=${cs.ci} n=${cs.n} stride ${cs.stride} dilation ${cs.dil}`, () => {
    const w = randn([cs.co, cs.ci, 3, 3], { seed: cs.seed, dtype: 'float64' });
    const A = conv2d(w, { inShape: [cs.ci, cs.n[0], cs.n[1]], padding: 'valid', stride: cs.stride, dilation: cs.dil });
    const y = randn([2, ...A.outShape], { seed: cs.seed + 50, dtype: 'float64' });
    const ex = A.pinv(y, { method: 'exact' });
    const dn = A.pinv(y, { method: 'dense' });
    assert.equal(ex.info.method, 'exact');
    assert.deepEqual(ex.x.shape, dn.x.shape);
    assert.ok(ex.info.converged);
    assert.equal(ex.info.status, 'ok');
    assert.ok(ex.info.condEstimate! >= 1 && Number.isFinite(ex.info.condEstimate!));
    assert.ok(ex.info.iterations > 0);
    // Measured against a lower bound of ‖A‖, so this over-states the quantity.
    assert.ok(ex.info.relNormalResidual <= 1e-10, `normal-equation residual ${ex.info.relNormalResidual}`);
    assert.ok(Math.abs(ex.info.relResidual - dn.info.relResidual) <= 1e-9, `${ex.info.relResidual} vs ${dn.info.relResidual}`);
    assert.ok(rel(ex.x, dn.x) <= 1e-9, `‖x̂ − x_dense‖/‖x_dense‖ = ${rel(ex.x, dn.x)}`);
  });
}

test("A.pinv 'exact': operator with a batch in inShape, and a float32 operator", () => {
  const w = randn([2, 2, 3, 3], { seed: 9, dtype: 'float64' });
  const A = conv2d(w, { inShape: [2, 2, 7, 8], padding: 0 });
  const y = randn(A.outShape, { seed: 10, dtype: 'float64' });
  const ex = A.pinv(y, { method: 'exact' });
  const dn = A.pinv(y, { method: 'dense' });
  assert.deepEqual(ex.x.shape, [2, 2, 7, 8]);
  assert.ok(rel(ex.x, dn.x) <= 1e-9, `${rel(ex.x, dn.x)}`);
  const A32 = conv2d(randn([2, 2, 3, 3], { seed: 9, dtype: 'float32' }), { inShape: [2, 7, 8], padding: 0 });
  const y32 = randn(A32.outShape, { seed: 11, dtype: 'float32' });
  const e32 = A32.pinv(y32, { method: 'exact' });
  assert.equal(e32.x.dtype, 'float32');
  assert.ok(rel(e32.x, A32.pinv(y32, { method: 'dense' }).x) <= 1e-5);
});

test("auto picks 'exact' for a mid-size 'valid' instance, keeps the factorisation, matches dense", () => {
  const w = randn([2, 2, 3, 3], { seed: 12, dtype: 'float64' });
  const A = conv2d(w, { inShape: [2, 20, 21], padding: 0 });
  assert.equal(chooseMethod(A), 'exact');
  // Damped problems are not the ring solver's: auto goes elsewhere, explicit 'exact' refuses.
  assert.equal(chooseMethod(A, 'auto', 0.1), 'krylov');
  assert.throws(() => chooseMethod(A, 'exact', 0.1), AdjointError);
  const y = randn(A.outShape, { seed: 13, dtype: 'float64' });
  const a = A.pinv(y);
  assert.equal(a.info.method, 'exact');
  assert.equal(a.info.reused, false);
  assert.ok(a.info.converged && a.info.relNormalResidual <= 1e-10, JSON.stringify(a.info));
  const dn = A.pinv(y, { method: 'dense' });
  assert.ok(rel(a.x, dn.x) <= 1e-9, `${rel(a.x, dn.x)}`);
  const y2 = randn(A.outShape, { seed: 14, dtype: 'float64' });
  const b = A.pinv(y2);
  assert.equal(b.info.reused, true);
  assert.ok(rel(b.x, A.pinv(y2, { method: 'dense' }).x) <= 1e-9);
  forgetPinv(A);
  assert.equal(A.pinv(y2, { residual: false }).info.reused, false);
});

test("'exact': singular G is reported with an infinite condition estimate; auto avoids it; a singular torus Gram refuses", () => {
  const w = randn([3, 1, 3, 3], { seed: 21, dtype: 'float64' });
  const A = conv2d(w, { inShape: [1, 30, 30], padding: 0 });
  assert.equal(chooseMethod(A), 'krylov');
  const r = A.pinv(randn(A.outShape, { seed: 22, dtype: 'float64' }), { method: 'exact' });
  assert.equal(r.info.status, 'singular');
  assert.equal(r.info.condEstimate, Infinity);
  assert.equal(r.info.converged, false);
  // Reflect padding, stride 2 with dilation 2: the taps read one input phase of four, and c_out > c_in·1, so
  // CCᵀ is singular on the torus (A itself has fewer rows than columns).
  const S = conv2d(randn([3, 2, 3, 3], { seed: 23, dtype: 'float64' }), { inShape: [2, 40, 40], padding: 1, stride: 2, dilation: 2, paddingMode: 'reflect' });
  assert.ok(S.outSize < S.inSize);
  assert.equal(chooseMethod(S), 'krylov');
  assert.throws(() => chooseMethod(S, 'exact'), /method 'exact' needs a real 'valid' convolution or a zero-, reflect- or replicate-padded one.*read only 1 of the 4 input phases/);
  // Square 'same' (zeros, reflect, replicate) above the dense limit: auto takes the exact pad-ring solver.
  for (const paddingMode of ['zeros', 'reflect', 'replicate'] as const) {
    const Z = conv2d(randn([2, 2, 3, 3], { seed: 23, dtype: 'float64' }), { inShape: [2, 20, 20], padding: 1, paddingMode });
    assert.equal(chooseMethod(Z), 'exact', paddingMode);
  }
  const G = conv2d(randn([2, 1, 3, 3], { seed: 24, dtype: 'float64' }), { inShape: [2, 20, 20], groups: 2 });
  assert.throws(() => chooseMethod(G, 'exact'), /groups/);
});
