import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AdjointError, Tensor, randn, tensor } from '../../src/index.js';
import type { DType } from '../../src/tensor/dtype.js';
import { conv2d, convTranspose2d, pad2d, pad2dAdjoint, padIndexMap } from '../../src/nn/index.js';
import type { PaddingMode } from '../../src/nn/index.js';
import { srcIndex } from './conv-reference.js';

/** Bilinear pairing Σ a_i b_i (no conjugation): the transpose identity holds for complex data too. */
function dot(a: Tensor, b: Tensor): [number, number] {
  assert.deepEqual(a.shape, b.shape);
  const x = a.data;
  const y = b.data;
  if (!a.isComplex) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
    return [s, 0];
  }
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i += 2) {
    re += x[i]! * y[i]! - x[i + 1]! * y[i + 1]!;
    im += x[i]! * y[i + 1]! + x[i + 1]! * y[i]!;
  }
  return [re, im];
}

function close(a: [number, number], b: [number, number], scale: number, what: string): void {
  const e = Math.hypot(a[0] - b[0], a[1] - b[1]);
  assert.ok(e <= 1e-11 * Math.max(1, scale), `${what}: ${a} vs ${b}`);
}

const MODES: PaddingMode[] = ['zeros', 'circular', 'reflect', 'replicate'];

test('padIndexMap follows F.pad for every mode', () => {
  assert.deepEqual(Array.from(padIndexMap(3, 2, 1, 'reflect')), [2, 1, 0, 1, 2, 1]);
  assert.deepEqual(Array.from(padIndexMap(3, 1, 1, 'circular')), [2, 0, 1, 2, 0]);
  assert.deepEqual(Array.from(padIndexMap(3, 3, 3, 'circular')), [0, 1, 2, 0, 1, 2, 0, 1, 2]);
  assert.deepEqual(Array.from(padIndexMap(2, 2, 3, 'replicate')), [0, 0, 0, 1, 1, 1, 1]);
  assert.deepEqual(Array.from(padIndexMap(2, 1, 2, 'zeros')), [-1, 0, 1, -1, -1]);
});

test('pad2d matches torch F.pad fixtures', () => {
  const fix = JSON.parse(readFileSync(new URL('../fixtures/conv/torch_conv.json', import.meta.url), 'utf8')) as {
    pads: { mode: PaddingMode; pad: [number, number, number, number]; x: { shape: number[]; data: number[] }; y: { shape: number[]; data: number[] } }[];
  };
  assert.equal(fix.pads.length, 8);
  for (const c of fix.pads) {
    const x = Tensor.fromStorage(new Float64Array(c.x.data), c.x.shape, 'float64');
    const y = pad2d(x, c.pad, c.mode);
    assert.deepEqual(y.shape, c.y.shape);
    const d = y.data;
    for (let i = 0; i < d.length; i++) assert.ok(Math.abs(d[i]! - c.y.data[i]!) < 1e-12, `${c.mode} ${c.pad} at ${i}`);
  }
});

test('dot test ⟨pad2d(x), y⟩ = ⟨x, pad2dAdjoint(y)⟩ for all four modes, real and complex', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...MODES),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 6 }),
      fc.tuple(fc.nat(6), fc.nat(6), fc.nat(6), fc.nat(6)),
      fc.constantFrom<DType>('float64', 'complex128'),
      fc.integer({ min: 0, max: 1e6 }),
      (mode, h, w, p, dtype, seed) => {
        let [l, r, t, b] = p;
        if (mode === 'reflect') [l, r, t, b] = [l % w, r % w, t % h, b % h];
        if (mode === 'circular') [l, r, t, b] = [l % (w + 1), r % (w + 1), t % (h + 1), b % (h + 1)];
        const x = randn([2, h, w], { seed, dtype });
        const px = pad2d(x, [l, r, t, b], mode);
        assert.deepEqual(px.shape, [2, h + t + b, w + l + r]);
        // The padded values are the ones the independent reference index map picks.
        const xd = x.data;
        const pd = px.data;
        const sp = dtype === 'complex128' ? 2 : 1;
        for (let i = 0; i < h + t + b; i++)
          for (let j = 0; j < w + l + r; j++) {
            const si = srcIndex(i - t, h, mode);
            const sj = srcIndex(j - l, w, mode);
            const want = si < 0 || sj < 0 ? 0 : xd[(si * w + sj) * sp]!;
            assert.equal(pd[(i * (w + l + r) + j) * sp], want);
          }
        const y = randn(px.shape, { seed: seed + 1, dtype });
        const aty = pad2dAdjoint(y, [l, r, t, b], mode);
        assert.deepEqual(aty.shape, x.shape);
        close(dot(px, y), dot(x, aty), 100, mode);
      },
    ),
    { numRuns: 200, seed: 99 },
  );
});

test('dot test for conv2d with zero padding: the adjoint is convTranspose2d with outputPadding restoring the size', () => {
  fc.assert(
    fc.property(
      fc.record({
        n: fc.integer({ min: 1, max: 2 }),
        groups: fc.integer({ min: 1, max: 2 }),
        cig: fc.integer({ min: 1, max: 3 }),
        cog: fc.integer({ min: 1, max: 3 }),
        h: fc.integer({ min: 1, max: 9 }),
        w: fc.integer({ min: 1, max: 9 }),
        kh: fc.integer({ min: 1, max: 4 }),
        kw: fc.integer({ min: 1, max: 4 }),
        stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
        padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
        dtype: fc.constantFrom<DType>('float64', 'complex128'),
        seed: fc.integer({ min: 0, max: 1e6 }),
      }),
      (c) => {
        const ho = Math.floor((c.h + 2 * c.padding[0] - c.dilation[0] * (c.kh - 1) - 1) / c.stride[0]) + 1;
        const wo = Math.floor((c.w + 2 * c.padding[1] - c.dilation[1] * (c.kw - 1) - 1) / c.stride[1]) + 1;
        fc.pre(ho >= 1 && wo >= 1);
        const cin = c.cig * c.groups;
        const cout = c.cog * c.groups;
        const x = randn([c.n, cin, c.h, c.w], { seed: c.seed, dtype: c.dtype });
        const w = randn([cout, c.cig, c.kh, c.kw], { seed: c.seed + 1, dtype: c.dtype });
        const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
        const ax = conv2d(x, w, opts);
        const y = randn(ax.shape, { seed: c.seed + 2, dtype: c.dtype });
        const op: [number, number] = [
          c.h - ((ho - 1) * c.stride[0] - 2 * c.padding[0] + c.dilation[0] * (c.kh - 1) + 1),
          c.w - ((wo - 1) * c.stride[1] - 2 * c.padding[1] + c.dilation[1] * (c.kw - 1) + 1),
        ];
        const aty = convTranspose2d(y, w, { ...opts, outputPadding: op });
        assert.deepEqual(aty.shape, x.shape);
        close(dot(ax, y), dot(x, aty), 1000, JSON.stringify(c));
      },
    ),
    { numRuns: 200, seed: 4242 },
  );
});

test('dot test for mode-padded conv2d: adjoint = pad2dAdjoint(convTranspose2d on the padded grid)', () => {
  for (const mode of MODES)
    for (const [stride, padding, kh] of [[1, 1, 3], [2, 2, 3], [1, 2, 4], [3, 1, 2]] as const) {
      const x = randn([1, 2, 7, 8], { seed: kh + stride, dtype: 'float64' });
      const w = randn([3, 2, kh, kh], { seed: 11, dtype: 'float64' });
      const ax = conv2d(x, w, { stride, padding, paddingMode: mode });
      const y = randn(ax.shape, { seed: 12, dtype: 'float64' });
      const hp = 7 + 2 * padding;
      const wp = 8 + 2 * padding;
      const op: [number, number] = [hp - ((ax.shape[2]! - 1) * stride + kh), wp - ((ax.shape[3]! - 1) * stride + kh)];
      const aty = pad2dAdjoint(convTranspose2d(y, w, { stride, outputPadding: op }), padding, mode);
      close(dot(ax, y), dot(x, aty), 1000, `${mode} s${stride} p${padding} k${kh}`);
    }
});

test('pad2d / pad2dAdjoint reject bad input naming the argument', () => {
  const names = (fn: () => unknown, arg: string) =>
    assert.throws(fn, (e: unknown) => e instanceof AdjointError && e.argument === arg && e.message.includes(`'${arg}'`), arg);
  const x = tensor([[1, 2, 3]], { dtype: 'float64' });
  names(() => pad2d(x, [3, 0, 0, 0], 'reflect'), 'pad');
  names(() => pad2d(x, [0, 0, 1, 0], 'reflect'), 'pad'); // H = 1
  names(() => pad2d(x, [4, 0, 0, 0], 'circular'), 'pad');
  names(() => pad2d(x, [1, 1] as never, 'zeros'), 'pad');
  names(() => pad2d(x, -1), 'pad');
  names(() => pad2d(x, 1, 'wrap' as never), 'mode');
  names(() => pad2d(tensor([1, 2], { dtype: 'float64' }), 1), 'x');
  names(() => pad2dAdjoint(x, [2, 2, 0, 0]), 'pad');
  names(() => pad2dAdjoint(tensor([[true, false]]), 0), 'y');
});
