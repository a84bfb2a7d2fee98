import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AdjointError, Tensor, arange, tensor, zeros } from '../../src/index.js';
import { broadcastTo, diagonal, expand, flatten, flip, movedim, permute, reshape, squeeze, transpose, unsqueeze, view } from '../../src/tensor/views.js';

// ---- naive reference over flat C-order arrays ----
function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let a = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = a;
    a *= shape[i]!;
  }
  return s;
}
function allIndices(shape: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (const n of shape) {
    const next: number[][] = [];
    for (const p of out) for (let i = 0; i < n; i++) next.push([...p, i]);
    out = next;
  }
  return out;
}
/** Expected flat values of a result of `outShape` whose element at index i is input element f(i). */
function refMap(inShape: readonly number[], inFlat: readonly number[], outShape: readonly number[], f: (i: number[]) => number[]): number[] {
  const st = strides(inShape);
  return allIndices(outShape).map((i) => inFlat[f(i).reduce((acc, v, k) => acc + v * st[k]!, 0)]!);
}
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
/** A float64 tensor with distinct values, so every mix-up of elements shows. */
function distinct(shape: number[]): { t: Tensor; flat: number[] } {
  const flat = Array.from({ length: prod(shape) }, (_, i) => i * 1.5 + 0.25);
  return { t: tensor(Float64Array.from(flat), { shape }), flat };
}
const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 4 });
const flatOf = (t: Tensor) => Array.from(t.data as Float64Array);
const names = (fn: () => unknown, arg: string) =>
  assert.throws(fn, (e: unknown) => e instanceof AdjointError && e.argument === arg && e.message.includes(`'${arg}'`));

test('permute / transpose / movedim match the index-mapping reference and share storage', () => {
  fc.assert(
    fc.property(shapeArb, fc.nat(), (shape, seed) => {
      const { t, flat } = distinct(shape);
      const nd = shape.length;
      const perm = shape.map((_, i) => i);
      for (let i = nd - 1; i > 0; i--) {
        const j = (seed + i * 7) % (i + 1);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      const p = permute(t, perm);
      assert.equal(p.storage, t.storage);
      assert.deepEqual(p.shape, perm.map((d) => shape[d]));
      assert.deepEqual(
        flatOf(p),
        refMap(shape, flat, p.shape, (i) => {
          const src = new Array<number>(nd);
          perm.forEach((d, k) => (src[d] = i[k]!));
          return src;
        }),
      );
      if (nd >= 2) {
        const a = seed % nd;
        const b = (seed >> 3) % nd;
        const tr = transpose(t, a, b - nd);
        const swap = (i: number[]) => {
          const s = i.slice();
          [s[a], s[b]] = [i[b]!, i[a]!];
          return s;
        };
        assert.deepEqual(flatOf(tr), refMap(shape, flat, tr.shape, swap));
        // movedim(a -> b) keeps the other dims in order
        const m = movedim(t, a, b);
        const order = shape.map((_, i) => i).filter((i) => i !== a);
        order.splice(b, 0, a);
        assert.deepEqual(flatOf(m), flatOf(permute(t, order)));
      }
    }),
  );
});

test('mT, T and mH', () => {
  const x = arange(24).reshape([2, 3, 4]);
  assert.deepEqual(x.mT.shape, [2, 4, 3]);
  assert.deepEqual(x.mT.toArray(), (x.toArray() as number[][][]).map((m) => m[0]!.map((_, j) => m.map((r) => r[j]!))));
  assert.deepEqual(x.T.shape, [4, 3, 2]);
  assert.equal(x.T.storage, x.storage);
  const c = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], { dtype: 'complex128' }); // 2x2 complex
  assert.deepEqual(c.mH.toArray(), [[[1, -2], [5, -6]], [[3, -4], [7, -8]]]);
  assert.equal(x.mH.storage, x.storage); // real: a view
  names(() => arange(3).mT, 'input');
});

test('reshape/view/flatten keep C order; view shares storage; reshape copies only when it must', () => {
  fc.assert(
    fc.property(shapeArb, fc.nat(), (shape, seed) => {
      const { t, flat } = distinct(shape);
      const n = prod(shape);
      // a random factorisation of n (when n > 0) into up to 3 dims, with one -1
      const target: number[] = [];
      let rest = n;
      for (let k = 0; k < 2 && rest > 0; k++) {
        const divs = Array.from({ length: rest }, (_, i) => i + 1).filter((d) => rest % d === 0);
        const d = divs[(seed >> (k * 4)) % divs.length]!;
        target.push(d);
        rest /= d;
      }
      target.push(n === 0 ? 0 : -1);
      const r = reshape(t, target);
      assert.equal(prod(r.shape), n);
      assert.deepEqual(flatOf(r), flat);
      assert.equal(view(t, target).storage, t.storage);
      assert.deepEqual(flatOf(flatten(t)), flat);
      // after a permutation, reshape still reads in the permuted C order
      if (shape.length >= 2) {
        const p = transpose(t, 0, -1);
        const rp = reshape(p, [-1]);
        assert.deepEqual(flatOf(rp), flatOf(p));
        const isView = rp.storage === t.storage;
        let viewOk = true;
        try {
          view(p, [-1]);
        } catch (e) {
          assert.ok(e instanceof AdjointError, 'view error type');
          viewOk = false;
        }
        assert.equal(viewOk, isView);
        // a transposed matrix with two dims > 1 can never be flattened without a copy
        if (shape[0]! > 1 && shape[shape.length - 1]! > 1 && n > 0) assert.equal(isView, false);
      }
    }),
  );
});

test('view works across split/merged dims of non-contiguous inputs (PyTorch computeStride cases)', () => {
  const x = arange(24).reshape([2, 3, 4]).transpose(0, 1); // [3, 2, 4], strides [4, 12, 1]
  const v = x.view([3, 2, 2, 2]);
  assert.equal(v.storage, x.storage);
  assert.deepEqual(v.strides, [4, 12, 2, 1]);
  assert.deepEqual(v.toArray(), (x.contiguous().reshape([3, 2, 2, 2]).toArray()));
  names(() => x.view([6, 4]), 'shape');
  names(() => x.view([5, -1]), 'shape');
  names(() => x.reshape([-1, -1]), 'shape');
  names(() => x.reshape([7]), 'shape');
  names(() => reshape(x, [2, -2]), 'shape');
  assert.deepEqual(flatten(zeros([2, 3, 4, 5]), 1, 2).shape, [2, 12, 5]);
  names(() => flatten(zeros([2, 3]), 1, 0), 'startDim');
  assert.deepEqual(tensor(5).reshape([1, 1]).shape, [1, 1]);
  assert.deepEqual(zeros([0, 3]).reshape([3, -1, 5]).shape, [3, 0, 5]);
});

test('flip is a negative-stride view that reads back reversed', () => {
  fc.assert(
    fc.property(shapeArb, fc.nat(), (shape, seed) => {
      const { t, flat } = distinct(shape);
      const dims = shape.map((_, i) => i).filter((i) => (seed >> i) & 1);
      const f = flip(t, dims);
      assert.equal(f.storage, t.storage);
      assert.deepEqual(
        flatOf(f),
        refMap(shape, flat, shape, (i) => i.map((v, k) => (dims.includes(k) ? shape[k]! - 1 - v : v))),
      );
      // flip twice is the identity; a flipped view reshaped keeps the flipped order
      assert.deepEqual(flatOf(flip(f, dims)), flat);
      assert.deepEqual(flatOf(reshape(f, [-1])), flatOf(f));
      if (prod(shape) > 0 && dims.some((d) => shape[d]! > 1)) assert.equal(f.isContiguous(), false);
    }),
  );
  // writes through the flipped view land in the right place
  const x = arange(4).to('float64');
  const f = x.flip(0);
  (f.storage as Float64Array)[f.offset] = 99;
  assert.deepEqual(x.toArray(), [0, 1, 2, 99]);
});

test('expand / broadcastTo / squeeze / unsqueeze', () => {
  fc.assert(
    fc.property(shapeArb, fc.nat(), fc.integer({ min: 0, max: 3 }), (shape, seed, lead) => {
      const base = shape.map((n, i) => ((seed >> i) & 1 ? 1 : n));
      const { t, flat } = distinct(base);
      const target = [...Array.from({ length: lead }, (_, i) => i + 1), ...shape.map((n, i) => (base[i] === 1 ? n : (seed >> (i + 5)) & 1 ? -1 : n))];
      const e = expand(t, target);
      const want = [...target.slice(0, lead), ...base.map((n, i) => (target[lead + i] === -1 ? n : target[lead + i]!))];
      assert.deepEqual(e.shape, want);
      assert.equal(e.storage, t.storage);
      assert.deepEqual(flatOf(e), refMap(base, flat, want, (i) => i.slice(lead).map((v, k) => (base[k] === 1 ? 0 : v))));
      assert.deepEqual(flatOf(broadcastTo(t, want)), flatOf(e));
      const sq = squeeze(t);
      assert.deepEqual(sq.shape, base.filter((n) => n !== 1));
      assert.deepEqual(flatOf(sq), flat);
      const d = seed % (base.length + 1);
      const u = unsqueeze(t, d);
      assert.deepEqual(u.shape, [...base.slice(0, d), 1, ...base.slice(d)]);
      assert.deepEqual(flatOf(u), flat);
      assert.deepEqual(flatOf(unsqueeze(transpose(u, 0, -1), -1)), flatOf(transpose(u, 0, -1)));
    }),
  );
  assert.deepEqual(squeeze(zeros([1, 3, 1]), 0).shape, [3, 1]);
  assert.deepEqual(squeeze(zeros([1, 3, 1]), [0, 1, 2]).shape, [3]);
  assert.deepEqual(squeeze(zeros([2, 3]), 0).shape, [2, 3]); // non-1 dims are left alone, as in PyTorch
  names(() => expand(zeros([3, 2]), [3, 4]), 'shape');
  names(() => expand(zeros([3]), [-1, 3]), 'shape');
  names(() => broadcastTo(zeros([3]), [2, 4]), 'shape');
  names(() => unsqueeze(zeros([3]), 3), 'dim');
  names(() => squeeze(zeros([3]), 2), 'dim');
  names(() => permute(zeros([2, 3]), [0, 0]), 'dims');
  names(() => permute(zeros([2, 3]), [0]), 'dims');
  names(() => transpose(zeros([2, 3]), 0, 2), 'dim1');
  names(() => movedim(zeros([2, 3]), [0, 1], [1]), 'destination');
});

test('diagonal matches the reference for offsets and dim pairs', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 4 }), fc.integer({ min: -5, max: 5 }), fc.nat(), (shape, off, seed) => {
      const { t, flat } = distinct(shape);
      const nd = shape.length;
      const a = seed % nd;
      const b = (a + 1 + ((seed >> 4) % (nd - 1))) % nd;
      const dg = diagonal(t, off, a, b - nd);
      assert.equal(dg.storage, t.storage);
      const len = Math.max(0, off >= 0 ? Math.min(shape[a]!, shape[b]! - off) : Math.min(shape[a]! + off, shape[b]!));
      const rest = shape.map((_, i) => i).filter((i) => i !== a && i !== b);
      assert.deepEqual(dg.shape, [...rest.map((i) => shape[i]!), len]);
      assert.deepEqual(
        flatOf(dg),
        refMap(shape, flat, dg.shape, (i) => {
          const src = new Array<number>(nd);
          rest.forEach((d, k) => (src[d] = i[k]!));
          const k = i[i.length - 1]!;
          src[a] = off >= 0 ? k : k - off;
          src[b] = off >= 0 ? k + off : k;
          return src;
        }),
      );
    }),
  );
  assert.deepEqual(tensor([[1, 2, 3], [4, 5, 6]]).diagonal(1).toArray(), [2, 6]);
  assert.deepEqual(tensor([[1, 2, 3], [4, 5, 6]]).diagonal(-1).toArray(), [4]);
  names(() => diagonal(zeros([2, 2]), 0, 1, -1), 'dim2');
  names(() => diagonal(zeros([2]), 0), 'input');
});

test('views of complex tensors keep [re, im] pairs together', () => {
  const c = tensor([[[1, 1], [2, 2], [3, 3]], [[4, 4], [5, 5], [6, 6]]], { dtype: 'complex64' });
  assert.deepEqual(c.mT.toArray(), [[[1, 1], [4, 4]], [[2, 2], [5, 5]], [[3, 3], [6, 6]]]);
  assert.deepEqual(c.flip(1).reshape([-1]).toArray(), [[3, 3], [2, 2], [1, 1], [6, 6], [5, 5], [4, 4]]);
  assert.deepEqual(c.mT.reshape([6]).toArray(), [[1, 1], [4, 4], [2, 2], [5, 5], [3, 3], [6, 6]]);
});
