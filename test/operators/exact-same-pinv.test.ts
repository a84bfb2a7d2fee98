// 'same' (zeros padding, stride 1, c_out = c_in) through the exact pad-ring solver (issue 9): agreement with
// the dense SVD path, the condition estimate against the true one, singular instances reported, refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conv2d } from '../../src/operators/conv2d.js';
import { convPinv } from '../../src/operators/conv2d-pinv.js';
import { chooseMethod } from '../../src/operators/pinv/choose.js';
import { Conv2dExactPinv, exactAutoObstacle, exactObstacle, SAME_RING_MAX } from '../../src/operators/exact/conv2d-exact.js';
import { EXACT_RING_MAX } from '../../src/operators/exact/ring-rect.js';
import { toFloat64 } from '../../src/operators/linear-operator.js';
import { svdvals } from '../../src/linalg/index.js';
import { randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { relErr as rel } from './dense-helpers.js';


const cases = [
  { c: 2, k: [3, 3], n: [8, 9], dil: 1, seed: 1 },
  { c: 3, k: [5, 5], n: [10, 10], dil: 1, seed: 2 },
  { c: 2, k: [3, 3], n: [9, 7], dil: 2, seed: 3 },
  { c: 2, k: [2, 4], n: [7, 8], dil: 1, seed: 4 }, // even kernels: asymmetric 'same' pads
  { c: 1, k: [3, 3], n: [12, 11], dil: 1, seed: 5 },
] as const;

for (const [ci, cs] of cases.entries()) for (const mode of ['zeros', 'reflect', 'replicate'] as const) {
  // Every mode on the first case; reflect/replicate once more on the others (alternating) to keep the suite fast.
  if (ci > 0 && mode !== 'zeros' && (mode === 'reflect') !== (ci % 2 === 1)) continue;
  test(`'same' ${mode} method 'exact' = dense pinv: c=${cs.c} k=${cs.k} n=${cs.n} dilation ${cs.dil}`, () => {
    const w = randn([cs.c, cs.c, cs.k[0], cs.k[1]], { seed: cs.seed, dtype: 'float64' });
    const A = conv2d(w, { inShape: [cs.c, cs.n[0], cs.n[1]], padding: 'same', dilation: cs.dil, paddingMode: mode });
    assert.equal(exactObstacle(A), null);
    const y = randn([2, ...A.outShape], { seed: cs.seed + 40, dtype: 'float64' });
    const ex = convPinv(A, y, { method: 'exact' });
    const dn = convPinv(A, y, { method: 'dense' });
    assert.equal(ex.info.method, 'exact');
    assert.equal(ex.info.status, 'ok');
    assert.ok(ex.info.converged);
    assert.ok(ex.info.relNormalResidual <= 1e-10, `normal-equation residual ${ex.info.relNormalResidual}`);
    assert.ok(ex.info.relResidual <= 1e-10, `residual ${ex.info.relResidual}`);
    assert.ok(rel(ex.x, dn.x) <= 1e-9, `‖x̂ − x_dense‖/‖x_dense‖ = ${rel(ex.x, dn.x)}`);
    // The condition estimate is of the right size: within 10× of cond(A) from the dense SVD.
    const s = svdvals(A.toDense()).data as Float64Array;
    const cond = s[0]! / s[s.length - 1]!;
    const est = ex.info.condEstimate!;
    assert.ok(est > cond / 10 && est < cond * 10, `estimate ${est} vs cond ${cond}`);
    assert.ok(ex.info.sigmaMax! <= s[0]! * (1 + 1e-12) && ex.info.sigmaMax! > 0.5 * s[0]!, `‖A‖ lower bound ${ex.info.sigmaMax} vs ${s[0]}`);
  });
}

test("'same' exact: a singular operator (a pure shift) is reported, not solved", () => {
  const wd = new Float64Array(9);
  wd[8] = 1; // y(i, j) = x(i+1, j+1): the last row/column are lost
  const A = conv2d(new Tensor(wd, [1, 1, 3, 3], 'float64'), { inShape: [1, 30, 30], padding: 1 });
  const r = convPinv(A, randn(A.outShape, { seed: 6, dtype: 'float64' }), { method: 'exact' });
  assert.equal(r.info.status, 'singular');
  assert.equal(r.info.condEstimate, Infinity);
  assert.equal(r.info.converged, false);
  // The answer is the Krylov path's bounded minimum-norm one, not zeros: it matches the dense pinv.
  assert.match(r.info.fallback ?? '', /^krylov/);
  const y = randn(A.outShape, { seed: 6, dtype: 'float64' });
  const dn = convPinv(A, y, { method: 'dense' });
  assert.ok(rel(r.x, dn.x) < 1e-6, `‖x̂ − x_dense‖/‖x_dense‖ = ${rel(r.x, dn.x)}`);
});

test("'same' exact: geometries it cannot take are refused with the reason", () => {
  const w = randn([2, 2, 3, 3], { seed: 7, dtype: 'float64' });
  assert.match(exactObstacle(conv2d(w, { inShape: [2, 8, 8], padding: 1, paddingMode: 'circular' }))!, /circular/);
  // Stride 2, c_out ≠ c_in and pads beyond 'same' go to the two-ring solver in every mode (exact-rect-pinv.test.ts).
  const w32 = randn([3, 2, 3, 3], { seed: 8, dtype: 'float64' });
  for (const paddingMode of ['reflect', 'replicate'] as const) {
    for (const B of [conv2d(w, { inShape: [2, 8, 8], padding: 1, stride: 2, paddingMode }), conv2d(w32, { inShape: [2, 8, 8], padding: 1, paddingMode }), conv2d(w, { inShape: [2, 8, 8], padding: 2, paddingMode })]) {
      assert.equal(exactObstacle(B), null, paddingMode);
      assert.equal(new Conv2dExactPinv(B).kind, 'rect', paddingMode);
    }
  }
  assert.equal(exactObstacle(conv2d(w, { inShape: [2, 8, 8], padding: 1, stride: 2 })), null);
  assert.equal(exactObstacle(conv2d(w32, { inShape: [2, 8, 8], padding: 1 })), null);
  assert.equal(exactObstacle(conv2d(w, { inShape: [2, 8, 8], padding: 2 })), null);
  // 32·(2·200 + 1) = 12,832 ring unknowns: above the automatic limit (Krylov), within the hard one (method 'exact').
  const big = conv2d(randn([32, 32, 3, 3], { seed: 9, dtype: 'float64' }), { inShape: [32, 200, 200], padding: 1 });
  assert.equal(exactObstacle(big), null);
  assert.match(exactAutoObstacle(big)!, new RegExp(`12832 unknowns, above the automatic limit ${SAME_RING_MAX}`));
  assert.equal(chooseMethod(big), 'krylov');
  assert.equal(chooseMethod(big, 'exact'), 'exact');
  const huge = conv2d(randn([32, 32, 3, 3], { seed: 9, dtype: 'float64' }), { inShape: [32, 400, 400], padding: 1 });
  assert.match(exactObstacle(huge)!, new RegExp(`above ${EXACT_RING_MAX}`));
  assert.throws(() => chooseMethod(huge, 'exact'), /method 'exact' needs/);
});

test("'same' exact: zero padding embeds in the smallest torus that does not wrap onto data (n + max pad)", () => {
  // 3×3 'same': 2n + 1 ring pixels per channel (torus n + 1); reflect needs the full padded torus (4n + 4).
  const w = randn([2, 2, 3, 3], { seed: 11, dtype: 'float64' });
  const y = randn([2, 9, 10], { seed: 12, dtype: 'float64' });
  const zeros = convPinv(conv2d(w, { inShape: [2, 9, 10], padding: 1 }), y, { method: 'exact' });
  assert.equal(zeros.info.ringSize, 2 * (10 * 11 - 9 * 10), `zeros ring ${zeros.info.ringSize}`);
  const refl = convPinv(conv2d(w, { inShape: [2, 9, 10], padding: 1, paddingMode: 'reflect' }), y, { method: 'exact' });
  assert.equal(refl.info.ringSize, 2 * (11 * 12 - 9 * 10), `reflect ring ${refl.info.ringSize}`);
  // An even 2×4 kernel has pads (0, 1) and (1, 2): torus (n1 + 1) × (n2 + 2); still equal to dense pinv
  // (cond(A) ≈ 8e4 for this seed; many 2×4 seeds give cond ≈ 1e10 or a singular A).
  const w2 = randn([2, 2, 2, 4], { seed: 4, dtype: 'float64' });
  const A2 = conv2d(w2, { inShape: [2, 9, 10], padding: 'same' });
  const ex = convPinv(A2, y, { method: 'exact' });
  assert.equal(ex.info.ringSize, 2 * (10 * 12 - 9 * 10), `even-kernel ring ${ex.info.ringSize}`);
  assert.ok(rel(ex.x, convPinv(A2, y, { method: 'dense' }).x) <= 1e-9, 'even-kernel exact = dense');
});
