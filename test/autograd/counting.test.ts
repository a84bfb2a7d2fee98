import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, arange, Tensor } from '../../src/index.js';
import * as A from '../../src/autograd/index.js';
import { softCount, softHistogram, expectedCounts, hardCountST, exactCount } from '../../src/counting/index.js';
import * as optim from '../../src/optim/index.js';
import { rn } from './helpers.js';

const K: Record<string, (t: number) => number> = {
  gaussian: (t) => Math.exp(-t * t / 2),
  sigmoid: (t) => { const s = 1 / (1 + Math.exp(-t)); return 4 * s * (1 - s); },
  triangular: (t) => Math.max(0, 1 - Math.abs(t)),
};

describe('differentiable counting', () => {
  for (const kernel of ['gaussian', 'sigmoid', 'triangular'] as const) {
    test(`softCount (${kernel}): value against a naive loop, gradient by gradcheck`, () => {
      const a = rn([7]).mul(2).add(5);
      const h = 0.8;
      const want = (a.toArray() as number[]).reduce((s, v) => s + K[kernel]!((v - 5) / h), 0);
      assert.ok(Math.abs((softCount(a, 5, { kernel, bandwidth: h }).item() as number) - want) < 1e-12);
      assert.equal(A.gradcheck((t) => softCount(t, 5, { kernel, bandwidth: h }), [a]), true);
    });
  }
  test('softHistogram: triangular splits linearly, counts sum to N inside the range; gradcheck', () => {
    const a = tensor([0, 0.5, 2, 1.25], { dtype: 'float64' });
    const hist = softHistogram(a, 3, { range: [0, 2] }).toArray() as number[];
    [1.5, 1.25, 1.25].forEach((v, i) => assert.ok(Math.abs(hist[i]! - v) < 1e-12, `${hist}`));
    assert.equal(A.gradcheck((t) => softHistogram(t, [0, 1, 2], { kernel: 'gaussian', bandwidth: 0.7 }), [rn([5])]), true);
    assert.throws(() => softHistogram(a, 0), /bins/);
  });
  test('expectedCounts: column sums of P, or of softmax(logits); gradients', () => {
    const P = tensor([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]], { dtype: 'float64' });
    assert.deepEqual((expectedCounts(P).toArray() as number[]).map((v) => +v.toFixed(12)), [1.6, 1.4]);
    const L = rn([4, 3]);
    const z = expectedCounts(L, { logits: true }).toArray() as number[];
    assert.ok(Math.abs(z.reduce((s, v) => s + v, 0) - 4) < 1e-12);
    assert.equal(A.gradcheck((t) => expectedCounts(t, { logits: true }), [L]), true);
  });
  test('hardCountST: exact count forward, softCount gradient backward', () => {
    const a = A.variable(tensor([4, 5, 5, 6.5], { dtype: 'float64' }));
    const n = hardCountST(a, 5, { bandwidth: 1 });
    assert.equal(n.item(), 2);
    const [g1] = A.gradients(() => hardCountST(a, 5, { bandwidth: 1 }), [a]);
    const [g2] = A.gradients(() => softCount(a, 5, { bandwidth: 1 }), [a]);
    assert.deepEqual(g1!.toArray(), g2!.toArray());
    assert.ok((g1!.toArray() as number[])[0]! > 0);
  });
  test('training with the straight-through count reaches exactly N occurrences of 5', () => {
    const a = A.variable(arange(0, 10, 1, { dtype: 'float64' }));
    const N = 3;
    const opt = new optim.SGD([a], { lr: 0.2 });
    const opts = { bandwidth: 1, atol: 1e-6 };
    let steps = 0;
    while (exactCount(a, 5, opts.atol) !== N && steps < 200) {
      opt.step(A.gradients(() => hardCountST(a, 5, opts).sub(N).pow(2), [a]));
      steps++;
    }
    assert.equal(exactCount(a, 5, opts.atol), N);
    assert.ok(steps < 200);
    // Elements far from 5 barely moved.
    assert.ok(Math.abs((a.toArray() as number[])[0]!) < 1e-3);
  });
  test('the seed question: (a == 5).sum() is not differentiable, and says so', () => {
    const a = A.variable(arange(0, 10, 1, { dtype: 'float64' }));
    assert.throws(() => A.gradients(() => A.eq(a, 5).to('float64').sum().sub(3).pow(2), [a]), /'eq'/);
  });
});
