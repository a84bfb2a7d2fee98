import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AdjointError, Tensor, arange, tensor, zeros } from '../../src/index.js';
import { cat, chunk, concat, split, stack } from '../../src/tensor/join.js';
import { pad, type PadMode } from '../../src/tensor/pad.js';
import '../../src/tensor/views.js';
import '../../src/tensor/slicing.js';

const names = (fn: () => unknown, arg: string) =>
  assert.throws(fn, (e: unknown) => e instanceof AdjointError && e.argument === arg && e.message.includes(`'${arg}'`));
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

const padFix = JSON.parse(readFileSync(new URL('../fixtures/pad_fixtures.json', import.meta.url), 'utf8')) as {
  cases: { shape: number[]; pad: number[]; mode: PadMode; value: number; outShape: number[]; out: number[] }[];
};

test('pad matches torch.nn.functional.pad in all four modes (fixture), also on non-contiguous input', () => {
  assert.ok(padFix.cases.length >= 20, 'pad fixture cases');
  for (const c of padFix.cases) {
    const n = prod(c.shape);
    const xin = tensor(Float64Array.from({ length: n }, (_, i) => i * 1.5 - 3), { shape: c.shape });
    const y = pad(xin, c.pad, { mode: c.mode, value: c.value });
    const tag = JSON.stringify({ shape: c.shape, pad: c.pad, mode: c.mode });
    assert.deepEqual(y.shape, c.outShape, tag);
    assert.deepEqual(Array.from(y.data), c.out, tag);
    // the same input stored transposed (a non-contiguous view) pads identically
    const nd = c.shape.length;
    const tr = xin.transpose(0, nd - 1).contiguous().transpose(0, nd - 1);
    assert.deepEqual(Array.from(xin.pad(c.pad, { mode: c.mode, value: c.value }).data), c.out, tag);
    assert.deepEqual(Array.from(pad(tr, c.pad, { mode: c.mode, value: c.value }).data), c.out, tag);
  }
});

/** Reference: one padded dim at a time, on nested JS arrays. */
function padRef(x: unknown, shape: number[], pads: number[], mode: PadMode, value: number): unknown {
  const nd = shape.length;
  const padDim = (arr: unknown, depth: number, d: number, l: number, r: number): unknown => {
    if (depth < d) return (arr as unknown[]).map((a) => padDim(a, depth + 1, d, l, r));
    const a = arr as unknown[];
    const n = a.length;
    const out: unknown[] = [];
    for (let i = -l; i < n + r; i++) {
      if (i >= 0 && i < n && (mode !== 'circular' || (i >= Math.max(0, -l) && i < n - Math.max(0, -r)))) out.push(a[i]);
      else if (mode === 'constant') out.push(fillLike(a[0] ?? null, shape, d, value));
      else if (mode === 'replicate') out.push(a[i < 0 ? 0 : n - 1]);
      else if (mode === 'reflect') out.push(a[i < 0 ? -i : 2 * (n - 1) - i]);
      else {
        const lo = Math.max(0, -l);
        const w = n - lo - Math.max(0, -r);
        out.push(a[lo + ((((i - lo) % w) + w) % w)]);
      }
    }
    return out;
  };
  let cur = x;
  const sh = shape.slice();
  for (let p = 0; p < pads.length / 2; p++) {
    const d = nd - 1 - p;
    cur = padDim(cur, 0, d, pads[2 * p]!, pads[2 * p + 1]!);
    sh[d] = sh[d]! + pads[2 * p]! + pads[2 * p + 1]!;
    shape = sh.slice();
  }
  return cur;
}
/** A block of `value` shaped like one slice along dim d. */
function fillLike(_proto: unknown, shape: number[], d: number, value: number): unknown {
  const build = (k: number): unknown => (k === shape.length ? value : Array.from({ length: shape[k]! }, () => build(k + 1)));
  return build(d + 1);
}

test('pad in any number of dims and modes matches a per-dim reference (property)', () => {
  const modes: PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), fc.nat(), fc.integer({ min: 0, max: 3 }), (shape, seed, mi) => {
      const mode = modes[mi]!;
      const k = 1 + (seed % shape.length);
      const pads: number[] = [];
      for (let p = 0; p < 2 * k; p++) {
        const n = shape[shape.length - 1 - (p >> 1)]!;
        const r = (seed >> (p * 3)) & 7;
        // mode limits: reflect < n, circular <= n; negative crops (keep the size >= 1 in non-constant modes)
        const hi = mode === 'reflect' ? n - 1 : mode === 'circular' ? n : 3;
        let v = (r % (hi + 2)) - 1;
        if (v > hi) v = hi;
        pads.push(v);
      }
      for (let p = 0; p < k; p++) {
        const n = shape[shape.length - 1 - p]!;
        while (n + pads[2 * p]! + pads[2 * p + 1]! < 1) {
          if (pads[2 * p]! < 0) pads[2 * p]!++;
          else pads[2 * p + 1]!++;
        }
      }
      const x = arange(prod(shape)).to('float64').reshape(shape).flip(0);
      const emptyWrap = pads.some((_, p) => p % 2 === 0 && mode === 'circular' && shape[shape.length - 1 - p / 2]! - Math.max(0, -pads[p]!) - Math.max(0, -pads[p + 1]!) < 1);
      if (emptyWrap) {
        names(() => pad(x, pads, { mode }), 'pad'); // PyTorch reads uninitialised memory here
        return;
      }
      const y = pad(x, pads, { mode, value: mode === 'constant' ? -7 : 0 });
      assert.deepEqual(y.toArray(), padRef(x.toArray(), shape.slice(), pads, mode, -7), JSON.stringify({ shape, pads, mode }));
    }),
  );
});

test('pad dtypes and bad input', () => {
  assert.deepEqual(pad(tensor([[1, 2]], { dtype: 'complex64' }), [1, 0], { value: 3 }).toArray(), [[3, 0], [1, 2]]);
  assert.deepEqual(pad(tensor([1, 2], { dtype: 'int32' }), [0, 2], { mode: 'replicate' }).toArray(), [1, 2, 2, 2]);
  assert.deepEqual(pad(tensor([true]), [1, 1], { value: 1 }).toArray(), [true, true, true]);
  names(() => pad(zeros([3]), [3, 0], { mode: 'reflect' }), 'pad');
  names(() => pad(zeros([3]), [4, 0], { mode: 'circular' }), 'pad');
  names(() => pad(zeros([3]), [1]), 'pad');
  names(() => pad(zeros([3]), [1, 1, 1, 1]), 'pad');
  names(() => pad(zeros([3]), [-2, -2]), 'pad');
  names(() => pad(zeros([3]), [1, 1], { mode: 'edge' as PadMode }), 'mode');
  names(() => pad(zeros([3]), [1, 1], { mode: 'reflect', value: 2 }), 'value');
  names(() => pad(zeros([0]), [1, 1], { mode: 'replicate' }), 'input');
});

test('concat / stack agree with nested-array references and promote dtypes', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }), fc.nat(), (shape, sizes, seed) => {
      const d = seed % shape.length;
      let start = 0;
      const parts = sizes.map((s, i) => {
        const sh = shape.slice();
        sh[d] = s;
        const t = arange(start, start + prod(sh)).reshape(sh);
        start += prod(sh);
        return i % 2 === 1 ? t.to('float64').flip(d) : t;
      });
      const y = concat(parts, d - shape.length);
      assert.equal(y.dtype, parts.length > 1 ? 'float64' : 'int32');
      // reference: concatenation of the moved-to-front nested arrays
      const want = parts.flatMap((p) => p.movedim(d, 0).toArray() as unknown[]);
      assert.deepEqual(y.movedim(d, 0).toArray(), want);
      // split back into the same pieces (views)
      const back = split(y, sizes, d);
      back.forEach((b, i) => {
        assert.equal(b.storage, y.storage);
        assert.deepEqual(b.toArray(), parts[i]!.to('float64').toArray());
      });
      const same = parts.map((p) => p.to('float64'));
      if (same.every((p) => p.shape.every((s, k) => s === same[0]!.shape[k]))) {
        const st = stack(same, d);
        assert.deepEqual(st.shape, [...same[0]!.shape.slice(0, d), same.length, ...same[0]!.shape.slice(d)]);
        same.forEach((p, i) => assert.deepEqual(st.index(...Array(d).fill(':'), i).toArray(), p.toArray()));
      }
    }),
  );
  assert.equal(cat([tensor([1], { dtype: 'int32' }), tensor([[1, 2]], { dtype: 'complex64' }).reshape([1])]).dtype, 'complex64');
  assert.equal(cat([tensor([true]), tensor([1], { dtype: 'int32' })]).dtype, 'int32');
});

test('split / chunk follow torch.split and torch.chunk', () => {
  const x = arange(10);
  assert.deepEqual(split(x, 3).map((p) => p.toArray()), [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
  assert.deepEqual(split(x, [2, 0, 8]).map((p) => p.shape[0]), [2, 0, 8]);
  assert.deepEqual(chunk(x, 4).map((p) => p.shape[0]), [3, 3, 3, 1]);
  assert.deepEqual(chunk(arange(6), 4).map((p) => p.shape[0]), [2, 2, 2]); // fewer pieces, as torch.chunk
  assert.deepEqual(x.reshape([2, 5]).chunk(2, 1).map((p) => p.toArray()), [[[0, 1, 2], [5, 6, 7]], [[3, 4], [8, 9]]]);
  assert.equal(chunk(zeros([0]), 3).length, 3);
  names(() => split(x, [3, 3]), 'sizes');
  names(() => split(x, 0), 'sizes');
  names(() => chunk(x, 0), 'chunks');
  names(() => concat([zeros([2, 3]), zeros([2, 4])], 0), 'tensors[1]');
  names(() => concat([zeros([2, 3]), zeros([2])], 1), 'tensors[1]');
  names(() => concat([]), 'tensors');
  names(() => concat([zeros([2]), 'x' as unknown as Tensor]), 'tensors[1]');
  names(() => stack([zeros([2]), zeros([3])]), 'tensors[1]');
  names(() => stack([zeros([2])], 2), 'dim');
});
