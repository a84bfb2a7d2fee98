import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdjointError, Tensor, arange, complex, eye, full, linspace, ones, rand, randn, tensor, zeros } from '../../src/index.js';

test('tensor from nested arrays infers shape and default dtype', () => {
  const t = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(Array.from(t.data), [1, 2, 3, 4, 5, 6]);
});

test('complex dtypes read [re, im] pairs and interleaved typed arrays', () => {
  const t = tensor([[1, 2], [3, -4]], { dtype: 'complex128' });
  assert.deepEqual(t.shape, [2]);
  assert.deepEqual(Array.from(t.data), [1, 2, 3, -4]);
  const u = tensor(new Float64Array([1, 2, 3, 4]), { dtype: 'complex64' });
  assert.deepEqual(u.shape, [2]);
  assert.deepEqual(u.item.call(tensor([[5, 6]], { dtype: 'complex64' })), [5, 6]);
  const c = complex(tensor([1, 2], { dtype: 'float64' }), tensor([[0], [-1]], { dtype: 'float64' }));
  assert.equal(c.dtype, 'complex128');
  assert.deepEqual(c.toArray(), [[[1, 0], [2, 0]], [[1, -1], [2, -1]]]);
});

test('typed arrays keep their dtype and shape option reshapes', () => {
  const t = tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
  assert.equal(t.dtype, 'float64');
  assert.deepEqual(t.toArray(), [[1, 2], [3, 4]]);
  assert.throws(() => tensor(new Float64Array(3), { shape: [2, 2] }), (e: unknown) => e instanceof AdjointError && e.argument === 'shape');
});

test('creation functions', () => {
  assert.deepEqual(zeros([2]).toArray(), [0, 0]);
  assert.deepEqual(ones([2], { dtype: 'int32' }).toArray(), [1, 1]);
  assert.deepEqual(full([2], [1, 2], { dtype: 'complex64' }).toArray(), [[1, 2], [1, 2]]);
  assert.deepEqual(eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
  assert.deepEqual(arange(4).toArray(), [0, 1, 2, 3]);
  assert.equal(arange(4).dtype, 'int32');
  assert.deepEqual(arange(0, 1, 0.25, { dtype: 'float64' }).toArray(), [0, 0.25, 0.5, 0.75]);
  assert.deepEqual(linspace(0, 1, 5, { dtype: 'float64' }).toArray(), [0, 0.25, 0.5, 0.75, 1]);
  assert.equal(tensor(true).dtype, 'bool');
  assert.equal(tensor(3).item(), 3);
});

test('bad input names the argument', () => {
  const names = (fn: () => unknown, arg: string) =>
    assert.throws(fn, (e: unknown) => e instanceof AdjointError && e.argument === arg && e.message.includes(`'${arg}'`));
  names(() => zeros([-1]), 'shape');
  names(() => zeros([2], { dtype: 'float16' as never }), 'dtype');
  names(() => tensor([[1, 2], [3]]), 'data');
  names(() => arange(0, 1, 0), 'step');
  names(() => Tensor.fromStorage(new Float32Array(2), [3], 'float32'), 'storage');
});

test('random numbers are reproducible and have the right moments', () => {
  const a = randn([10000], { seed: 7, dtype: 'float64' });
  const b = randn([10000], { seed: 7, dtype: 'float64' });
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
  const d = a.data;
  let m = 0, v = 0;
  for (const x of d) m += x;
  m /= d.length;
  for (const x of d) v += (x - m) ** 2;
  v /= d.length;
  assert.ok(Math.abs(m) < 0.05, `mean ${m}`);
  assert.ok(Math.abs(v - 1) < 0.05, `var ${v}`);
  const u = rand([10000], { seed: 3, dtype: 'float64' }).data;
  assert.ok(Array.from(u).every((x) => x >= 0 && x < 1));
  // The stream is pinned: a change in the generator changes these numbers and fails this test.
  const pinned = Array.from(rand([3], { seed: 0, dtype: 'float64' }).data);
  assert.deepEqual(pinned, [0.8868539502021594, 0.012474988946590604, 0.032522145755498943]);
  assert.notDeepEqual(pinned, Array.from(rand([3], { seed: 1, dtype: 'float64' }).data));
  const c = randn([20000], { seed: 2, dtype: 'complex128' }).data;
  let e2 = 0;
  for (const x of c) e2 += x * x;
  assert.ok(Math.abs(e2 / 20000 - 1) < 0.05);
});

test('strided read-out of a transposed view', () => {
  const base = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' });
  const tr = Tensor.fromStorage(base.storage, [3, 2], 'float64', [1, 3], 0);
  assert.equal(tr.isContiguous(), false);
  assert.deepEqual(tr.toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(Array.from(tr.data), [1, 4, 2, 5, 3, 6]);
});
