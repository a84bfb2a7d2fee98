import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randn } from '../../src/tensor/random.js';
import { conv2d } from '../../src/operators/conv2d.js';
import { convPinv } from '../../src/operators/conv2d-pinv.js';
import { toFloat64 } from '../../src/operators/linear-operator.js';
import { installNodeBackend, nodeBackendReady, uninstallNodeBackend } from '../../src/node/worker-pool.js';

after(async () => {
  await uninstallNodeBackend();
});

test('circular pinv on worker threads equals the single-threaded result (fast, SVD and damped blocks)', async () => {
  const w = randn([3, 3, 3, 3], { seed: 1, dtype: 'float64' });
  const w2 = randn([3, 2, 3, 3], { seed: 2, dtype: 'float64' });
  const ops = [
    conv2d(w, { inShape: [3, 16, 14], padding: 1, paddingMode: 'circular' }),
    conv2d(w2, { inShape: [2, 16, 14], padding: 1, paddingMode: 'circular', stride: 2 }),
  ];
  const ys = ops.map((A, i) => randn([2, ...A.outShape], { seed: 10 + i, dtype: 'float64' }));
  const serial = ops.map((A, i) => [convPinv(A, ys[i]!, { residual: false }), convPinv(A, ys[i]!, { residual: false, damp: 0.5 }), convPinv(A, ys[i]!, { method: 'dense', residual: false })]);
  installNodeBackend(2);
  await nodeBackendReady();
  const ops2 = [
    conv2d(w, { inShape: [3, 16, 14], padding: 1, paddingMode: 'circular' }),
    conv2d(w2, { inShape: [2, 16, 14], padding: 1, paddingMode: 'circular', stride: 2 }),
  ];
  ops2.forEach((A, i) => {
    const p = [convPinv(A, ys[i]!, { residual: false }), convPinv(A, ys[i]!, { residual: false, damp: 0.5 })];
    for (let j = 0; j < 2; j++) {
      const a = toFloat64(p[j]!.x);
      const b = toFloat64(serial[i]![j]!.x);
      const d = toFloat64(serial[i]![2]!.x);
      for (let q = 0; q < a.length; q++) assert.ok(Math.abs(a[q]! - b[q]!) < 1e-12);
      if (j === 0) for (let q = 0; q < a.length; q++) assert.ok(Math.abs(a[q]! - d[q]!) < 1e-9);
    }
  });
});
