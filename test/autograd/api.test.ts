import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, randn, Tensor } from '../../src/index.js';
import { variable, gradients, grad, valueAndGrad, backward, noGrad, liveNodeCount, mul, sum, abs, add } from '../../src/autograd/index.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('autograd API', () => {
  test("the issue's snippet runs as written and matches the closed form", () => {
    const X = randn([100], { seed: 1, dtype: 'float64' });
    const Y = X.mul(3).add(2);
    const W = variable(tensor(0.5, { dtype: 'float64' }), { name: 'W' });
    const b = variable(tensor(0.0, { dtype: 'float64' }), { name: 'b' });
    const cost = () => X.mul(W).add(b).sub(Y).pow(2).sum().div(2 * 100);
    const [dW, db] = gradients(cost, [W, b]);
    const byName = gradients(cost, { W, b });
    const f = (w: typeof W, bb: typeof b) => X.mul(w).add(bb).sub(Y).pow(2).mean();
    const [gw, gb] = grad(f, [0, 1])(W, b);
    // Closed form: r = xW + b − y; dW = Σ r·x / n, db = Σ r / n.
    const x = X.toArray() as number[];
    let sW = 0;
    let sb = 0;
    for (const xi of x) {
      const r = xi * 0.5 + 0 - (3 * xi + 2);
      sW += r * xi;
      sb += r;
    }
    close(dW.item() as number, sW / 100);
    close(db.item() as number, sb / 100);
    close(byName.W.item() as number, sW / 100);
    close(byName.b.item() as number, sb / 100);
    close(gw.item() as number, (2 * sW) / 100);
    close(gb.item() as number, (2 * sb) / 100);
    assert.deepEqual(Object.keys(byName), ['W', 'b']);
  });

  test('unconnected variables get zeros, or null on request', () => {
    const a = variable(tensor([1, 2], { dtype: 'float64' }));
    const c = variable(tensor([[1, 2, 3]], { dtype: 'float64' }));
    const [ga, gc] = gradients(() => a.mul(a).sum(), [a, c]);
    assert.deepEqual(ga!.toArray(), [2, 4]);
    assert.deepEqual(gc!.toArray(), [[0, 0, 0]]);
    const [, gn] = gradients(() => a.mul(a).sum(), [a, c], { unconnected: 'null' });
    assert.equal(gn, null);
  });

  test('complex convention: |z|² at 3+4i has gradient 6+8i', () => {
    const z = variable(tensor([[3, 4]], { dtype: 'complex128' }));
    const [g] = gradients(() => abs(z).pow(2).sum(), [z]);
    const [re, im] = (g!.toArray() as number[][])[0]!;
    close(re!, 6);
    close(im!, 8);
    // z·conj(z) real part gives the same.
    const [g2] = gradients(() => z.mul(z.conj()).real.sum(), [z]);
    assert.deepEqual(g2!.toArray(), [[6, 8]]);
  });

  test('grad of a non-scalar without a seed is a clear error; a seed gives the VJP', () => {
    const a = variable(tensor([1, 2, 3], { dtype: 'float64' }));
    assert.throws(() => gradients(() => a.mul(2), [a]), /scalar output.*seed/);
    const [g] = gradients(() => a.mul(a), [a], { seed: tensor([1, 0, 1], { dtype: 'float64' }) });
    assert.deepEqual(g!.toArray(), [2, 0, 6]);
  });

  test('grad through argmax or a comparison names the op; detached paths are fine', () => {
    const a = variable(tensor([1, 5, 2], { dtype: 'float64' }));
    assert.throws(() => gradients(() => a.argmax().to('float64').mul(a).sum(), [a]), /'argmax'.*not differentiable/);
    assert.throws(() => gradients(() => a.gt(1.5).to('float64').mul(a).sum(), [a]), /'gt'/);
    assert.throws(() => gradients(() => a.mul(a.eq(5)).sum(), [a]), /'eq'/);
    const [g] = gradients(() => a.mul(a.detach().gt(1.5)).sum(), [a]);
    assert.deepEqual(g!.toArray(), [0, 1, 1]);
    const [g2] = gradients(() => a.where(a.gt(1.5), 0).sum(), [a]);
    assert.deepEqual(g2!.toArray(), [0, 1, 1]);
    const [g3] = gradients(() => a.mul(noGrad(() => a.gt(1.5))).sum(), [a]);
    assert.deepEqual(g3!.toArray(), [0, 1, 1]);
    // A failed sweep frees the nodes it collected.
    const before = liveNodeCount();
    assert.throws(() => gradients(a.argmax().to('float64').add(a.sum()), [a]), /argmax/);
    assert.equal(liveNodeCount(), before);
  });

  test('noGrad and detach stop recording', () => {
    const a = variable(tensor([1, 2], { dtype: 'float64' }));
    const y = noGrad(() => a.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(a.detach().requiresGrad, false);
    assert.equal(a.mul(2).requiresGrad, true);
    assert.equal(tensor([1]).mul(2).requiresGrad, false);
  });

  test('backward accumulates into .grad; valueAndGrad returns the value', () => {
    const w = variable(tensor([1, -2], { dtype: 'float64' }));
    backward(sum(mul(w, w)));
    backward(sum(mul(w, 3)));
    assert.deepEqual(w.grad!.toArray(), [5, -1]);
    const [v, g] = valueAndGrad((t: Tensor) => t.mul(t).sum())(w);
    assert.equal(v.item(), 5);
    assert.deepEqual(g.toArray(), [2, -4]);
  });

  test('a freed graph cannot be swept twice unless retained; nodes are freed after backward', () => {
    const w = variable(tensor([1, 2], { dtype: 'float64' }));
    const before = liveNodeCount();
    const loss = add(w.mul(w), 1).sum();
    assert.ok(liveNodeCount() > before);
    gradients(loss, [w]);
    assert.equal(liveNodeCount(), before);
    assert.throws(() => gradients(loss, [w]), /already used/);
    const loss2 = w.mul(w).sum();
    gradients(loss2, [w], { retainGraph: true });
    const [g] = gradients(loss2, [w]);
    assert.deepEqual(g!.toArray(), [2, 4]);
    assert.equal(liveNodeCount(), before);
  });
});
