// Every recorded op's gradient against central finite differences (gradcheck), on random shapes, real and
// complex where the op takes complex input.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, Tensor } from '../../src/index.js';
import * as A from '../../src/autograd/index.js';
import { cn, rn, ru, shapeRng } from './helpers.js';

type F = (...xs: Tensor[]) => Tensor;
const check = (f: F, xs: Tensor[], opts = {}) => assert.equal(A.gradcheck(f, xs, opts), true);

describe('gradcheck: elementwise', () => {
  const r = shapeRng(7);
  const sh = () => [r(1, 3), r(1, 4)];
  const binaries: Array<[string, F]> = [
    ['add', (a, b) => A.add(a, b)],
    ['sub', (a, b) => A.sub(a, b)],
    ['mul', (a, b) => A.mul(a, b)],
    ['div', (a, b) => A.div(a, b)],
  ];
  for (const [name, f] of binaries) {
    test(`${name}: real, complex, mixed, broadcast`, () => {
      const s = sh();
      check(f, [rn(s), rn(s).add(3)]);
      check(f, [cn(s), cn(s).add(3)]);
      check(f, [rn(s), cn([s[1]!]).add(3)]);
      check(f, [cn([1, s[1]!]), rn([s[0]!, 1]).add(3)]);
    });
  }
  test('pow: real base and exponent, complex, scalar exponents', () => {
    check((a, b) => A.pow(a, b), [ru([3, 2], 0.5, 2), rn([3, 2])]);
    check((a) => A.pow(a, 3), [rn([4])]);
    check((a) => A.pow(a, 0.5), [ru([4], 0.5, 2)]);
    check((a) => A.pow(2, a), [rn([4])]);
    check((a, b) => A.pow(a, b), [cn([3]), cn([3])]);
    check((a) => A.pow(a, 2), [cn([3])]);
  });
  test('pow: gradient 0 at 0 ** 0 for the base, finite for 0 ** 2', () => {
    const a = A.variable(tensor([0, 0], { dtype: 'float64' }));
    const [g] = A.gradients(() => A.pow(a, tensor([0, 2], { dtype: 'float64' })).sum(), [a]);
    assert.deepEqual(g!.toArray(), [0, 0]);
  });
  test('maximum/minimum/atan2/remainder (away from ties)', () => {
    const a = rn([3, 4]);
    const b = a.add(ru([3, 4], 0.1, 0.5).mul(rn([3, 4]).sign()));
    check((x, y) => A.maximum(x, y), [a, b]);
    check((x, y) => A.minimum(x, y), [a, b]);
    check((x, y) => A.atan2(x, y), [rn([5]), rn([5])]);
    check((x, y) => A.remainder(x, y), [ru([5], 0.1, 0.9), ru([5], 1.1, 2)]);
  });
  test('maximum splits ties evenly', () => {
    const a = A.variable(tensor([1, 2], { dtype: 'float64' }));
    const b = A.variable(tensor([1, 3], { dtype: 'float64' }));
    const [ga, gb] = A.gradients(() => A.maximum(a, b).sum(), [a, b]);
    assert.deepEqual(ga!.toArray(), [0.5, 0]);
    assert.deepEqual(gb!.toArray(), [0.5, 1]);
  });
  test('where and clamp', () => {
    const c = rn([4, 3]).gt(0);
    check((x, y) => A.where(c, x, y), [rn([4, 3]), rn([3])]);
    const x = tensor([-2, -0.5, 0.3, 0.9, 2], { dtype: 'float64' });
    check((t) => A.clamp(t, { min: -1, max: 1 }), [x]);
    check((t, lo, hi) => A.clamp(t, { min: lo, max: hi }), [x, tensor([-1, -1, -1, 0.5, 0], { dtype: 'float64' }), tensor([1, 1, 0, 1, 1], { dtype: 'float64' })]);
  });
  const unaries: Array<[string, F, () => Tensor, (() => Tensor) | null]> = [
    ['neg', (x) => A.neg(x), () => rn([3, 2]), () => cn([3])],
    ['exp', (x) => A.exp(x), () => rn([3, 2]), () => cn([3])],
    ['log', (x) => A.log(x), () => ru([3, 2], 0.5, 3), () => cn([3]).add(3)],
    ['log1p', (x) => A.log1p(x), () => ru([4], 0, 2), () => cn([3]).add(3)],
    ['expm1', (x) => A.expm1(x), () => rn([4]), () => cn([3])],
    ['sqrt', (x) => A.sqrt(x), () => ru([4], 0.5, 3), () => cn([3]).add(3)],
    ['abs', (x) => A.abs(x), () => rn([5]), () => cn([4])],
    ['sign', (x) => A.sign(x), () => rn([5]), () => cn([4])],
    ['sin', (x) => A.sin(x), () => rn([4]), () => cn([3])],
    ['cos', (x) => A.cos(x), () => rn([4]), () => cn([3])],
    ['tan', (x) => A.tan(x), () => ru([4], -1, 1), () => cn([3]).mul(0.3)],
    ['tanh', (x) => A.tanh(x), () => rn([4]), () => cn([3]).mul(0.3)],
    ['sigmoid', (x) => A.sigmoid(x), () => rn([4]), () => cn([3]).mul(0.3)],
    ['relu', (x) => A.relu(x), () => rn([6]), null],
    ['square', (x) => A.square(x), () => rn([4]), () => cn([3])],
    ['reciprocal', (x) => A.reciprocal(x), () => ru([4], 0.5, 2), () => cn([3]).add(2)],
    ['floor', (x) => A.floor(x), () => ru([4], 0.1, 0.9), null],
    ['round', (x) => A.round(x), () => ru([4], 0.1, 0.4), null],
    ['conj', (x) => A.conj(x), () => rn([3]), () => cn([3])],
    ['real', (x) => A.real(x), () => rn([3]), () => cn([3])],
    ['imag', (x) => A.imag(x), () => cn([3]), null],
    ['angle', (x) => A.angle(x), () => cn([3]), null],
    ['cast real→complex', (x) => A.cast(x, 'complex128'), () => rn([3]), null],
    ['cast complex→real', (x) => A.cast(x, 'float64'), () => cn([3]), null],
    ['real getter', (x) => x.real, () => cn([2, 2]), null],
    ['imag getter', (x) => x.imag, () => cn([2, 2]), null],
    ['clone', (x) => A.clone(x), () => rn([3]), () => cn([2])],
  ];
  for (const [name, f, mk, mkc] of unaries) {
    test(name, () => {
      check(f, [mk()]);
      if (mkc) check(f, [mkc()]);
    });
  }
});

describe('gradcheck: reductions', () => {
  const x = () => rn([3, 4, 2]);
  test('sum and mean over all, one and several dims, keepdim', () => {
    for (const f of [A.sum, A.mean]) {
      check((t) => f(t), [x()]);
      check((t) => f(t, 1), [x()]);
      check((t) => f(t, [0, 2], true), [x()]);
      check((t) => f(t, -1), [cn([2, 3])]);
    }
  });
  test('prod, with and without zeros, real and complex', () => {
    check((t) => A.prod(t, 1), [rn([2, 4])]);
    check((t) => A.prod(t), [tensor([[1.5, 0], [2, -1]], { dtype: 'float64' })]);
    check((t) => A.prod(t), [tensor([0, 0, 2], { dtype: 'float64' })]);
    check((t) => A.prod(t, 0), [cn([3, 2])]);
  });
  test('max/min (values), maxWithIndices', () => {
    check((t) => A.max(t), [x()]);
    check((t) => A.min(t, 1, true), [x()]);
    check((t) => A.maxWithIndices(t, 1).values, [x()]);
    check((t) => A.minWithIndices(t, 0, true).values, [x()]);
  });
  test('norm: 2, 1, 3, inf, fro; real and complex', () => {
    check((t) => A.norm(t), [x()]);
    check((t) => A.norm(t, 1, 1), [x()]);
    check((t) => A.norm(t, 3, [0, 1]), [x()]);
    check((t) => A.norm(t, Infinity, 2), [x()]);
    check((t) => A.norm(t, 'fro', [0, 1], true), [x()]);
    check((t) => A.norm(t), [cn([4])]);
    check((t) => A.norm(t, 1), [cn([4])]);
  });
  test('variance and std with corrections; logsumexp; cumsum', () => {
    check((t) => A.variance(t), [x()]);
    check((t) => A.variance(t, 1, { correction: 0, keepdim: true }), [x()]);
    check((t) => A.std(t, [0, 2]), [x()]);
    check((t) => A.variance(t, 0), [cn([4, 2])]);
    check((t) => A.logsumexp(t, 1), [x()]);
    check((t) => A.logsumexp(t), [x()]);
    check((t) => A.cumsum(t, 1), [x()]);
    check((t) => A.cumsum(t, 0), [cn([3, 2])]);
  });
});

describe('gradcheck: views, indexing, joins, pad', () => {
  test('views', () => {
    check((t) => A.reshape(t, [4, -1]), [rn([2, 3, 2])]);
    check((t) => A.flatten(t, 1), [rn([2, 3, 2])]);
    check((t) => A.permute(t, [2, 0, 1]), [rn([2, 3, 2])]);
    check((t) => A.transpose(t, 0, 2), [cn([2, 3, 2])]);
    check((t) => t.mT, [rn([2, 3, 2])]);
    check((t) => t.mH, [cn([2, 3])]);
    check((t) => t.T, [rn([2, 3, 4])]);
    check((t) => A.expand(t, [4, 3, 2]), [rn([3, 1])]);
    check((t) => A.squeeze(t), [rn([1, 3, 1])]);
    check((t) => A.unsqueeze(t, 1), [rn([3, 2])]);
    check((t) => A.flip(t, [0, 1]), [rn([3, 2])]);
    check((t) => A.movedim(t, 0, -1), [rn([3, 2, 4])]);
    check((t) => A.diagonal(t, 1), [rn([3, 4])]);
    check((t) => A.diagonal(t, 0, 0, 2), [cn([3, 2, 3])]);
  });
  test('index, indexSelect, take, gather (repeated indices accumulate)', () => {
    check((t) => A.index(t, 1, '::2'), [rn([3, 5])]);
    check((t) => A.index(t, '...', { start: -2 }), [cn([3, 4])]);
    check((t) => A.indexSelect(t, 1, [2, 0, 2]), [rn([3, 4])]);
    check((t) => A.take(t, [0, 5, 5, -1]), [rn([2, 3])]);
    check((t) => A.gather(t, 1, tensor([[0, 0], [1, 2]], { dtype: 'int32' })), [rn([2, 3])]);
  });
  test('concat, stack, split, chunk', () => {
    check((a, b) => A.concat([a, b], 1), [rn([2, 3]), rn([2, 1])]);
    check((a, b) => A.stack([a, b], 1), [rn([2, 3]), cn([2, 3])]);
    check((a) => A.split(a, [1, 2], 1)[1]!.mul(A.split(a, [1, 2], 1)[0]!), [rn([2, 3])]);
    check((a) => A.stack(A.chunk(a, 2, 0), 0), [rn([4, 3])]);
  });
  test('pad in every mode', () => {
    for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
      check((t) => A.pad(t, [2, 1, 1, 0], { mode }), [rn([3, 4])]);
    }
    check((t) => A.pad(t, [-1, 2], { mode: 'constant', value: 3 }), [cn([2, 4])]);
  });
});

describe('gradcheck: matmul and einsum', () => {
  test('matmul: matrix, vector, batched broadcast, complex', () => {
    check((a, b) => A.matmul(a, b), [rn([3, 4]), rn([4, 2])]);
    check((a, b) => A.matmul(a, b), [rn([4]), rn([4, 2])]);
    check((a, b) => A.matmul(a, b), [rn([3, 4]), rn([4])]);
    check((a, b) => A.matmul(a, b), [rn([4]), rn([4])]);
    check((a, b) => A.matmul(a, b), [rn([2, 1, 3, 4]), cn([3, 4, 2])]);
  });
  test('einsum: contraction, batch, trace, diagonal, summed-only labels, ellipsis, implicit output', () => {
    check((a, b) => A.einsum('ij,jk->ik', a, b), [rn([3, 4]), rn([4, 2])]);
    check((a, b) => A.einsum('jkxy,ikxy->ijxy', a, b), [cn([2, 3, 2, 2]), cn([4, 3, 2, 2])]);
    check((a) => A.einsum('ii', a), [rn([3, 3])]);
    check((a) => A.einsum('iji->j', a), [rn([3, 2, 3])]);
    check((a, b) => A.einsum('ij,k->i', a, b), [rn([3, 2]), rn([4])]);
    check((a, b) => A.einsum('...ij,...jk->...ik', a, b), [rn([2, 3, 4]), rn([4, 2])]);
    check((a, b) => A.einsum('ij,jk', a, b), [rn([2, 3]), rn([3, 2])]);
  });
});
