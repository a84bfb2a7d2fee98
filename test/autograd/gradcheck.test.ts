// gradcheck itself must be able to fail: wrong rules (real and complex, off by a conjugate) are caught.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/index.js';
import * as E from '../../src/tensor/elementwise.js';
import * as C from '../../src/tensor/complex-ops.js';
import { differentiable } from '../../src/autograd/wrap.js';
import { gradcheck } from '../../src/autograd/index.js';
import { cn, rn } from './helpers.js';

describe('gradcheck', () => {
  test('catches a wrong real rule and names the input and element', () => {
    const badSquare = (x: Tensor) => differentiable('badSquare', [x], () => E.mul(x, x), (g) => [E.mul(g, x)]);
    assert.throws(() => gradcheck(badSquare, [rn([3])]), /input 0, element 0: analytic gradient/);
  });
  test('catches a missing conjugate in a complex rule (holomorphic convention)', () => {
    const badExp = (x: Tensor) => differentiable('badExp', [x], () => E.exp(x), (g, out) => [E.mul(g, out)]);
    assert.throws(() => gradcheck(badExp, [cn([2])]), /imaginary part|real part/);
    const goodExp = (x: Tensor) => differentiable('goodExp', [x], () => E.exp(x), (g, out) => [E.mul(g, C.conj(out))]);
    assert.equal(gradcheck(goodExp, [cn([2])]), true);
  });
  test('leaves the caller inputs untouched', () => {
    const x = rn([3]);
    const before = x.toArray();
    gradcheck((t) => t.mul(t).sum(), [x]);
    assert.deepEqual(x.toArray(), before);
  });
});
