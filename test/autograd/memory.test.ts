// A 1,000-step optimisation loop keeps memory flat: every node is freed after its backward pass (the saved
// tensors go with its closure), and the heap does not grow with the number of steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randn } from '../../src/index.js';
import * as A from '../../src/autograd/index.js';
import type { Node } from '../../src/autograd/tape.js';
import * as optim from '../../src/optim/index.js';

test('1,000 Adam steps: no live nodes after each step, saved tensors released, heap flat', () => {
  const n = 2000;
  const X = randn([n, 4], { seed: 3, dtype: 'float64' });
  const wTrue = randn([4], { seed: 4, dtype: 'float64' });
  const Y = A.matmul(X, wTrue).add(0.5);
  const w = A.variable(randn([4], { seed: 5, dtype: 'float64' }), { name: 'w' });
  const b = A.variable(randn([], { seed: 6, dtype: 'float64' }), { name: 'b' });
  const opt = new optim.Adam([w, b], { lr: 0.05 });
  const base = A.liveNodeCount();
  let heapAt100 = 0;
  let lastLoss = Infinity;
  for (let step = 0; step < 1000; step++) {
    const loss = A.matmul(X, w).add(b).sub(Y).pow(2).mean();
    const node = loss.gradFn as Node;
    assert.ok(A.liveNodeCount() > base);
    opt.step(A.gradients(loss, [w, b]));
    assert.equal(A.liveNodeCount(), base, `step ${step}: nodes still alive`);
    assert.equal(node.backward, null);
    assert.equal(node.inputs.length, 0);
    if (step === 100) heapAt100 = process.memoryUsage().heapUsed;
    lastLoss = loss.item() as number;
  }
  const growth = process.memoryUsage().heapUsed - heapAt100;
  // Each step allocates ~10 tensors of 2000 float64 (~160 kB); retaining them would add > 100 MB by now.
  assert.ok(growth < 40e6, `heap grew by ${(growth / 1e6).toFixed(1)} MB`);
  assert.ok(lastLoss < 1e-6, `loss ${lastLoss}`);
  const wv = w.toArray() as number[];
  (wTrue.toArray() as number[]).forEach((v, i) => assert.ok(Math.abs(wv[i]! - v) < 1e-3));
});
