import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AdjointError, Tensor, arange, tensor, zeros } from '../../src/index.js';
import { gather, index, indexSelect, setIndex, sliceIndices, take, type IndexSpec } from '../../src/tensor/slicing.js';
import '../../src/tensor/views.js';

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/slice_fixtures.json', import.meta.url), 'utf8')) as {
  lists: { n: number; start: number | null; stop: number | null; step: number | null; out: number[] }[];
  exprs: { expr: string; shape: number[]; out: number[] }[];
};
const names = (fn: () => unknown, arg: string, text?: string) =>
  assert.throws(fn, (e: unknown) => e instanceof AdjointError && e.argument === arg && e.message.includes(`'${arg}'`) && (text === undefined || e.message.includes(text)));

/** Python's list slicing, written from the language reference: clamp start/stop, then step. */
function pySlice(n: number, start: number | null, stop: number | null, step: number | null): number[] {
  const st = step ?? 1;
  const norm = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const out: number[] = [];
  if (st > 0) {
    const a = start === null ? 0 : norm(start, 0, n);
    const b = stop === null ? n : norm(stop, 0, n);
    for (let i = a; i < b; i += st) out.push(i);
  } else {
    const a = start === null ? n - 1 : norm(start, -1, n - 1);
    const b = stop === null ? -1 : norm(stop, -1, n - 1);
    for (let i = a; i > b; i += st) out.push(i);
  }
  return out;
}

test('1-D slices match Python list slicing (fixture) and the written reference', () => {
  for (const c of fixtures.lists) {
    assert.deepEqual(pySlice(c.n, c.start, c.stop, c.step), c.out, JSON.stringify(c));
    const x = arange(c.n);
    const viaObj = index(x, { start: c.start, stop: c.stop, step: c.step });
    assert.deepEqual(viaObj.toArray(), c.out, JSON.stringify(c));
    const str = `${c.start ?? ''}:${c.stop ?? ''}:${c.step ?? ''}`;
    assert.deepEqual(x.index(str).toArray(), c.out, str);
    assert.equal(viaObj.storage, x.storage);
  }
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 9 }),
      fc.option(fc.integer({ min: -12, max: 12 })),
      fc.option(fc.integer({ min: -12, max: 12 })),
      fc.option(fc.integer({ min: -4, max: 4 }).filter((s) => s !== 0)),
      (n, a, b, s) => {
        const want = pySlice(n, a, b, s);
        assert.deepEqual(index(arange(n), { start: a, stop: b, step: s }).toArray(), want);
        assert.equal(sliceIndices(a, b, s, n).count, want.length);
      },
    ),
  );
});

test('multi-dim index expressions match NumPy (fixture), as one string and as separate specs', () => {
  const x = arange(120).reshape([2, 3, 4, 5]);
  for (const c of fixtures.exprs) {
    const y = x.index(c.expr);
    assert.deepEqual(y.shape, c.shape, c.expr);
    assert.deepEqual(Array.from(y.data), c.out, c.expr);
    const specs: IndexSpec[] = c.expr.split(',').map((p) => {
      const s = p.trim();
      return s === 'None' ? null : /^-?\d+$/.test(s) ? Number(s) : s;
    });
    assert.deepEqual(Array.from(index(x, ...specs).data), c.out, c.expr);
  }
});

test('indexing a non-contiguous (transposed, flipped) view composes strides correctly', () => {
  const base = arange(60).reshape([3, 4, 5]);
  const t = base.transpose(0, 2).flip(1); // [5, 4, 3]
  const dense = tensor(t.toArray() as number[][][], { dtype: 'int32' });
  for (const expr of ['1:4, ::-2, 0', '..., 1', '-1, None, 1:, ::2', '::-1, ::-1, ::-1', '2']) {
    assert.deepEqual(t.index(expr).toArray(), dense.index(expr).toArray(), expr);
    assert.equal(t.index(expr).storage, base.storage);
  }
});

test('setIndex writes through views with broadcasting and dtype casting', () => {
  const x = zeros([3, 4], { dtype: 'float64' });
  setIndex(x, [':', 0], 1);
  setIndex(x, '1:, 2:', tensor([7, 8]));
  x.setIndex([0, '::-1'], tensor([1, 2, 3, 4], { dtype: 'int32' }));
  assert.deepEqual(x.toArray(), [[4, 3, 2, 1], [1, 0, 7, 8], [1, 0, 7, 8]]);
  // overlapping source: reversing a row in place
  const r = arange(5).to('float64');
  r.setIndex(':', r.flip(0));
  assert.deepEqual(r.toArray(), [4, 3, 2, 1, 0]);
  // complex target with a real value; real target with a complex value is refused
  const c = zeros([2], { dtype: 'complex128' });
  c.setIndex(1, 5);
  assert.deepEqual(c.toArray(), [[0, 0], [5, 0]]);
  names(() => zeros([2]).setIndex(0, tensor([[1, 2]], { dtype: 'complex64' })), 'value');
  names(() => zeros([2, 2]).setIndex(0, tensor([1, 2, 3])), 'shape');
});

test('indexSelect, take and gather match naive loops', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
      fc.nat(),
      fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 6 }),
      (shape, seed, raw) => {
        const c = arange(shape.reduce((a, b) => a * b, 1)).reshape(shape).to('float64');
        const x = shape.length >= 2 ? c.mT.contiguous().mT : c; // same values; Fortran-order storage when 2-D+
        const d = seed % shape.length;
        const n = shape[d]!;
        const idx = raw.map((v) => (((v % (2 * n)) + 2 * n) % (2 * n)) - n); // in [-n, n)
        const sel = indexSelect(x, d, idx);
        const want = x.movedim(d, 0).toArray() as unknown[];
        const picked = idx.map((i) => want[i < 0 ? i + n : i]);
        assert.deepEqual(sel.movedim(d, 0).toArray(), picked);
        const N = x.numel;
        const flatIdx = raw.map((v) => (((v % (2 * N)) + 2 * N) % (2 * N)) - N);
        const flat = Array.from(x.data);
        assert.deepEqual(Array.from(take(x, flatIdx).data), flatIdx.map((i) => flat[i < 0 ? i + N : i]));
      },
    ),
  );
  const src = tensor([[1, 2, 3], [4, 5, 6]]);
  const gi = tensor([[2, 0], [1, -1]], { dtype: 'int32' });
  assert.deepEqual(gather(src, 1, gi).toArray(), [[3, 1], [5, 6]]);
  assert.deepEqual(src.gather(0, tensor([[1, 0, 1]], { dtype: 'int32' })).toArray(), [[4, 2, 6]]);
  assert.deepEqual(take(src, tensor([[5, 0]], { dtype: 'int32' })).toArray(), [[6, 1]]);
  names(() => indexSelect(src, 1, [3]), 'indices', 'dim 1');
  names(() => indexSelect(src, 2, [0]), 'dim');
  names(() => take(src, [6]), 'indices');
  names(() => gather(src, 1, tensor([[0], [0], [0]], { dtype: 'int32' })), 'indices');
  assert.deepEqual(gather(src, 1, tensor([[0, 0, 2, 2]], { dtype: 'int32' })).toArray(), [[1, 1, 3, 3]]);
  names(() => gather(src, 1, tensor([[0.5]], { dtype: 'float32' })), 'indices');
});

test('bad index expressions name the argument and the dim', () => {
  const x = zeros([2, 3]);
  names(() => x.index(0, 3), 'specs', 'dim 1');
  names(() => x.index(-3), 'specs', 'dim 0');
  names(() => x.index(0, 0, 0), 'specs', 'too many');
  names(() => x.index('...', '...'), 'specs');
  names(() => x.index('::0'), 'specs');
  names(() => x.index('1:2:3:4'), 'specs');
  names(() => x.index('a'), 'specs');
  names(() => x.index(0.5), 'specs');
  names(() => x.index({ start: 1.5 }), 'specs');
  names(() => index('x' as unknown as Tensor, 0), 'input');
  assert.deepEqual(x.index('..., None').shape, [2, 3, 1]);
  assert.deepEqual(x.index().shape, [2, 3]);
  assert.equal(x.index(1, 2).ndim, 0);
});
