import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { conv2d } from '../../src/operators/conv2d.js';
import { convPinv } from '../../src/operators/conv2d-pinv.js';
import { toFloat64 } from '../../src/operators/linear-operator.js';
import { chooseMethod } from '../../src/operators/pinv/choose.js';
import type { PaddingMode } from '../../src/nn/conv-args.js';
import { relErr as rel } from './dense-helpers.js';


describe('conv2d pinv: Krylov and dense paths for non-circular padding', () => {
  for (const mode of ['zeros', 'reflect', 'replicate'] as PaddingMode[]) {
    for (const [co, ci, s] of [[2, 3, 1], [3, 2, 2]] as const) {
      test(`${mode} c_out=${co} c_in=${ci} stride ${s}: Krylov (LSQR, LSMR) → dense pinv; auto picks dense`, () => {
        const w = randn([co, ci, 3, 3], { seed: 21, dtype: 'float64' });
        const A = conv2d(w, { inShape: [ci, 7, 6], padding: 1, stride: s, paddingMode: mode });
        assert.equal(chooseMethod(A), 'dense');
        const y = randn([2, ...A.outShape], { seed: 22, dtype: 'float64' });
        const dn = convPinv(A, y);
        assert.equal(dn.info.method, 'dense');
        assert.ok(dn.info.relNormalResidual < 1e-12);
        for (const solver of ['lsqr', 'lsmr'] as const) {
          const k = convPinv(A, y, { method: 'krylov', solver, tol: 1e-14, maxIter: 5000 });
          assert.equal(k.info.method, 'krylov');
          assert.deepEqual(k.x.shape, [2, ...A.inShape]);
          assert.ok(rel(k.x, dn.x) < 1e-7, `${solver}: ${rel(k.x, dn.x)}, ${k.info.stopReasons}`);
        }
      });
    }
  }

  test('damped Krylov equals the damped dense solution; float32 keeps its dtype', () => {
    const w = randn([2, 2, 3, 3], { seed: 3, dtype: 'float64' });
    const A = conv2d(w, { inShape: [2, 6, 6], padding: 0 });
    const y = randn(A.outShape, { seed: 4, dtype: 'float64' });
    const k = convPinv(A, y, { method: 'krylov', damp: 0.3, tol: 1e-14, maxIter: 5000 });
    const dn = convPinv(A, y, { method: 'dense', damp: 0.3 });
    assert.ok(rel(k.x, dn.x) < 1e-8);
    const A32 = conv2d(randn([2, 2, 3, 3], { seed: 3, dtype: 'float32' }), { inShape: [2, 6, 6], padding: 1, paddingMode: 'reflect' });
    const r = A32.pinv(randn(A32.outShape, { seed: 5, dtype: 'float32' }));
    assert.equal(r.x.dtype, 'float32');
  });

  test('the iteration cap is honoured and reported; the callback sees progress and can stop', () => {
    const w = randn([3, 3, 3, 3], { seed: 6, dtype: 'float64' });
    const A = conv2d(w, { inShape: [3, 12, 12], padding: 1 });
    const y = randn(A.outShape, { seed: 7, dtype: 'float64' });
    const capped = convPinv(A, y, { method: 'krylov', maxIter: 5, tol: 1e-14 });
    assert.equal(capped.info.iterations, 5);
    assert.equal(capped.info.converged, false);
    assert.deepEqual(capped.info.stopReasons, ['maxIter']);
    assert.ok(capped.info.relResidual > 0 && capped.info.relResidual < 1);
    let calls = 0;
    const stopped = convPinv(A, y, { method: 'krylov', tol: 1e-14, onIteration: () => ++calls < 3 });
    assert.equal(calls, 3);
    assert.deepEqual(stopped.info.stopReasons, ['callback']);
    assert.equal(stopped.info.converged, false);
  });

  test('the circulant preconditioner keeps x̂ in range(Aᴴ): same minimum-norm limit', () => {
    const w = randn([2, 2, 3, 3], { seed: 8, dtype: 'float64' });
    const A = conv2d(w, { inShape: [2, 6, 7], padding: 0 });
    const y = randn(A.outShape, { seed: 9, dtype: 'float64' });
    const p = convPinv(A, y, { method: 'krylov', precondition: true, tol: 1e-14, maxIter: 20000 });
    assert.equal(p.info.preconditioned, true);
    const dn = convPinv(A, y, { method: 'dense' });
    assert.ok(rel(p.x, dn.x) < 1e-6, `${rel(p.x, dn.x)}`);
  });

  test('complex operators: batched complex or real y, Krylov = dense pinv; auto above the dense limit', () => {
    for (const paddingMode of ['zeros', 'reflect'] as const) {
      const A = conv2d(randn([2, 2, 3, 3], { seed: 1, dtype: 'complex128' }), { inShape: [2, 8, 8], padding: 1, stride: 2, paddingMode });
      for (const ydt of ['complex128', 'float64'] as const) {
        const y = randn([2, ...A.outShape], { seed: 2, dtype: ydt });
        const k = convPinv(A, y, { method: 'krylov', tol: 1e-13, maxIter: 2000 });
        const d = convPinv(A, y, { method: 'dense' });
        assert.equal(k.x.dtype, 'complex128');
        assert.deepEqual(k.x.shape, [2, 2, 8, 8]);
        assert.ok(k.info.converged, `${paddingMode}, y ${ydt}: ${JSON.stringify(k.info)}`);
        assert.ok(rel(k.x, d.x) < 1e-9, `${paddingMode}, y ${ydt}: ‖x_krylov − x_dense‖/‖x_dense‖ = ${rel(k.x, d.x)}`);
      }
    }
    // Above the dense limit no exact solver takes complex operators: auto runs Krylov on the whole batch.
    const B = conv2d(randn([2, 2, 3, 3], { seed: 3, dtype: 'complex128' }), { inShape: [2, 24, 24], padding: 1, stride: 2, paddingMode: 'reflect' });
    assert.equal(chooseMethod(B), 'krylov');
    const yb = randn([2, ...B.outShape], { seed: 4, dtype: 'complex128' });
    const kb = B.pinv(yb, { tol: 1e-12, maxIter: 3000 });
    assert.equal(kb.info.method, 'krylov');
    assert.ok(kb.info.converged && kb.info.relResidual < 1e-9, JSON.stringify(kb.info));
  });

  test('auto goes Krylov above the dense limit where no exact solver applies', () => {
    // Grouped reflect padding with stride 2: the ring solvers take groups 1 only.
    const A = conv2d(randn([4, 2, 3, 3], { seed: 1, dtype: 'float64' }), { inShape: [4, 40, 40], padding: 1, stride: 2, paddingMode: 'reflect', groups: 2 });
    assert.equal(chooseMethod(A), 'krylov');
    assert.throws(() => chooseMethod(conv2d(randn([4, 4, 3, 3], { seed: 1, dtype: 'float64' }), { inShape: [4, 80, 80], padding: 1 }), 'dense'), /method 'dense' would build/);
  });
});
