import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AdjointError, Tensor, randn, tensor } from '../../src/index.js';
import type { DType } from '../../src/tensor/dtype.js';
import { conv2d, convTranspose2d } from '../../src/nn/index.js';
import type { Conv2dOptions, ConvTranspose2dOptions, PaddingMode } from '../../src/nn/index.js';
import { refConv2d, refConvTranspose2d, relErr, type Mode } from './conv-reference.js';

interface FixTensor { shape: number[]; data: number[] }
interface FixCase {
  name: string;
  op: 'conv2d' | 'convTranspose2d';
  dtype: DType;
  options: Record<string, unknown>;
  x: FixTensor;
  w: FixTensor;
  bias: number[] | null;
  y: FixTensor;
}
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/conv/torch_conv.json', import.meta.url), 'utf8')) as { cases: FixCase[] };

function mk(t: FixTensor | number[], dtype: DType, shape?: number[]): Tensor {
  const data = Array.isArray(t) ? t : t.data;
  const s = shape ?? (Array.isArray(t) ? [data.length / (dtype.startsWith('complex') ? 2 : 1)] : t.shape);
  const real = dtype === 'float32' || dtype === 'complex64' ? new Float32Array(data) : new Float64Array(data);
  return Tensor.fromStorage(real, s, dtype);
}

test('conv2d and convTranspose2d match PyTorch fixtures (all padding modes, same, stride, dilation, groups)', () => {
  assert.ok(fixtures.cases.length >= 30);
  for (const c of fixtures.cases) {
    const x = mk(c.x, c.dtype);
    const w = mk(c.w, c.dtype);
    const bias = c.bias ? mk(c.bias, c.dtype) : null;
    const y = c.op === 'conv2d'
      ? conv2d(x, w, { ...(c.options as Conv2dOptions), bias })
      : convTranspose2d(x, w, { ...(c.options as ConvTranspose2dOptions), bias });
    assert.deepEqual(y.shape, c.y.shape, c.name);
    assert.equal(y.dtype, c.dtype, c.name);
    const tol = c.dtype === 'float32' || c.dtype === 'complex64' ? 2e-6 : 1e-12;
    const e = relErr(y.data, c.y.data);
    assert.ok(e < tol, `${c.name}: rel err ${e}`);
  }
});

test('unbatched input gives the unbatched output of the batched op', () => {
  const x = randn([3, 6, 5], { seed: 1, dtype: 'float64' });
  const w = randn([2, 3, 3, 2], { seed: 2, dtype: 'float64' });
  const y = conv2d(x, w, { padding: 'same', paddingMode: 'reflect' });
  const yb = conv2d(Tensor.fromStorage(x.data as Float64Array, [1, 3, 6, 5], 'float64'), w, { padding: 'same', paddingMode: 'reflect' });
  assert.deepEqual(y.shape, [2, 6, 5]);
  assert.deepEqual(Array.from(y.data), Array.from(yb.data));
  const t = convTranspose2d(y, randn([2, 3, 3, 3], { seed: 3, dtype: 'float64' }), { stride: 2 });
  assert.deepEqual(t.shape, [3, 13, 11]);
});

const MODES: Mode[] = ['zeros', 'circular', 'reflect', 'replicate'];

/** Random conv configurations that PyTorch accepts (invalid ones are filtered out). */
const convConfig = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cig: fc.integer({ min: 1, max: 2 }),
    cog: fc.integer({ min: 1, max: 3 }),
    h: fc.integer({ min: 1, max: 8 }),
    w: fc.integer({ min: 1, max: 8 }),
    kh: fc.integer({ min: 1, max: 4 }),
    kw: fc.integer({ min: 1, max: 4 }),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    padding: fc.oneof(fc.constant('same' as const), fc.constant('valid' as const), fc.integer({ min: 0, max: 3 }), fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))),
    mode: fc.constantFrom(...MODES),
    bias: fc.boolean(),
    dtype: fc.constantFrom<DType>('float64', 'complex128', 'float32', 'complex64'),
    unbatched: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1e6 }),
  })
  .map((c) => {
    const st: [number, number] = c.padding === 'same' ? [1, 1] : c.stride;
    let pads: [number, number, number, number];
    if (c.padding === 'same') {
      const th = c.dilation[0] * (c.kh - 1);
      const tw = c.dilation[1] * (c.kw - 1);
      pads = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
    } else if (c.padding === 'valid') pads = [0, 0, 0, 0];
    else if (typeof c.padding === 'number') pads = [c.padding, c.padding, c.padding, c.padding];
    else pads = [c.padding[0], c.padding[0], c.padding[1], c.padding[1]];
    return { ...c, stride: st, pads };
  })
  .filter((c) => {
    const [pt, pb, pl, pr] = c.pads;
    if (c.mode === 'reflect' && (Math.max(pt, pb) >= c.h || Math.max(pl, pr) >= c.w)) return false;
    if (c.mode === 'circular' && (Math.max(pt, pb) > c.h || Math.max(pl, pr) > c.w)) return false;
    return c.h + pt + pb >= c.dilation[0] * (c.kh - 1) + 1 && c.w + pl + pr >= c.dilation[1] * (c.kw - 1) + 1;
  });

test('conv2d equals the naive 7-loop reference over random configurations', () => {
  fc.assert(
    fc.property(convConfig, (c) => {
      const cin = c.cig * c.groups;
      const cout = c.cog * c.groups;
      const n = c.unbatched ? 1 : c.n;
      const xs = c.unbatched ? [cin, c.h, c.w] : [n, cin, c.h, c.w];
      const x = randn(xs, { seed: c.seed, dtype: c.dtype });
      const w = randn([cout, c.cig, c.kh, c.kw], { seed: c.seed + 1, dtype: c.dtype });
      const b = c.bias ? randn([cout], { seed: c.seed + 2, dtype: c.dtype }) : null;
      const y = conv2d(x, w, { bias: b, stride: c.stride, dilation: c.dilation, padding: c.padding, groups: c.groups, paddingMode: c.mode as PaddingMode });
      const sp = c.dtype.startsWith('complex') ? 2 : 1;
      const ref = refConv2d({
        x: x.data as Float64Array, xs: [n, cin, c.h, c.w], w: w.data as Float64Array, ws: [cout, c.cig, c.kh, c.kw],
        bias: b ? (b.data as Float64Array) : null, stride: c.stride, dilation: c.dilation, pads: c.pads, groups: c.groups, mode: c.mode, sp,
      });
      const shape = c.unbatched ? ref.shape.slice(1) : ref.shape;
      assert.deepEqual(y.shape, shape);
      assert.equal(y.dtype, c.dtype);
      const tol = c.dtype === 'float64' || c.dtype === 'complex128' ? 1e-12 : 1e-5;
      assert.ok(relErr(y.data, ref.data) < tol, `rel err ${relErr(y.data, ref.data)}`);
    }),
    { numRuns: 300, seed: 12345 },
  );
});

test('convTranspose2d equals the naive scatter reference over random configurations', () => {
  fc.assert(
    fc.property(
      fc.record({
        n: fc.integer({ min: 1, max: 2 }),
        groups: fc.integer({ min: 1, max: 3 }),
        cig: fc.integer({ min: 1, max: 2 }),
        cog: fc.integer({ min: 1, max: 3 }),
        h: fc.integer({ min: 1, max: 6 }),
        w: fc.integer({ min: 1, max: 6 }),
        kh: fc.integer({ min: 1, max: 4 }),
        kw: fc.integer({ min: 1, max: 4 }),
        stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        dilation: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
        padding: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
        opRaw: fc.tuple(fc.nat(), fc.nat()),
        bias: fc.boolean(),
        dtype: fc.constantFrom<DType>('float64', 'complex128', 'float32'),
        seed: fc.integer({ min: 0, max: 1e6 }),
      }),
      (c) => {
        const op: [number, number] = [c.opRaw[0] % Math.max(c.stride[0], c.dilation[0]), c.opRaw[1] % Math.max(c.stride[1], c.dilation[1])];
        const ho = (c.h - 1) * c.stride[0] - 2 * c.padding[0] + c.dilation[0] * (c.kh - 1) + op[0] + 1;
        const wo = (c.w - 1) * c.stride[1] - 2 * c.padding[1] + c.dilation[1] * (c.kw - 1) + op[1] + 1;
        fc.pre(ho >= 1 && wo >= 1);
        const cin = c.cig * c.groups;
        const x = randn([c.n, cin, c.h, c.w], { seed: c.seed, dtype: c.dtype });
        const w = randn([cin, c.cog, c.kh, c.kw], { seed: c.seed + 1, dtype: c.dtype });
        const b = c.bias ? randn([c.cog * c.groups], { seed: c.seed + 2, dtype: c.dtype }) : null;
        const y = convTranspose2d(x, w, { bias: b, stride: c.stride, dilation: c.dilation, padding: c.padding, outputPadding: op, groups: c.groups });
        const ref = refConvTranspose2d({
          x: x.data as Float64Array, xs: [c.n, cin, c.h, c.w], w: w.data as Float64Array, ws: [cin, c.cog, c.kh, c.kw],
          bias: b ? (b.data as Float64Array) : null, stride: c.stride, dilation: c.dilation, padding: c.padding, outputPadding: op,
          groups: c.groups, sp: c.dtype === 'complex128' ? 2 : 1,
        });
        assert.deepEqual(y.shape, ref.shape);
        const tol = c.dtype === 'float32' ? 1e-5 : 1e-12;
        assert.ok(relErr(y.data, ref.data) < tol, `rel err ${relErr(y.data, ref.data)}`);
      },
    ),
    { numRuns: 300, seed: 777 },
  );
});

test('dtype promotion: float32 with float64 gives float64, real with complex gives complex', () => {
  const x32 = randn([1, 2, 5, 5], { seed: 4, dtype: 'float32' });
  const w64 = randn([3, 2, 3, 3], { seed: 5, dtype: 'float64' });
  const y = conv2d(x32, w64);
  assert.equal(y.dtype, 'float64');
  const ref = conv2d(tensor(x32, { dtype: 'float64' }), w64);
  assert.deepEqual(Array.from(y.data), Array.from(ref.data));
  const wc = randn([3, 2, 3, 3], { seed: 6, dtype: 'complex64' });
  const yc = conv2d(x32, wc, { padding: 1 });
  assert.equal(yc.dtype, 'complex64');
  const yc2 = conv2d(tensor(x32, { dtype: 'complex64' }), wc, { padding: 1 });
  assert.deepEqual(Array.from(yc.data), Array.from(yc2.data));
  assert.equal(convTranspose2d(x32, randn([2, 3, 2, 2], { seed: 7, dtype: 'complex128' })).dtype, 'complex128');
});

test('bad input throws AdjointError naming the argument', () => {
  const names = (fn: () => unknown, arg: string) =>
    assert.throws(fn, (e: unknown) => e instanceof AdjointError && e.argument === arg && e.message.includes(`'${arg}'`), `expected an error naming '${arg}'`);
  const x = randn([1, 4, 6, 6], { seed: 0, dtype: 'float64' });
  const w = randn([2, 4, 3, 3], { seed: 1, dtype: 'float64' });
  names(() => conv2d(randn([4, 6], { seed: 0 }), w), 'x');
  names(() => conv2d(x, randn([2, 4, 3], { seed: 0 })), 'w');
  names(() => conv2d(x, randn([2, 3, 3, 3], { seed: 0 })), 'x'); // channel mismatch
  names(() => conv2d(x, randn([3, 2, 3, 3], { seed: 0 }), { groups: 2 }), 'groups'); // 3 % 2
  names(() => conv2d(x, w, { groups: 0 }), 'groups');
  names(() => conv2d(x, w, { stride: 0 }), 'stride');
  names(() => conv2d(x, w, { stride: [1, 2, 3] as never }), 'stride');
  names(() => conv2d(x, w, { dilation: -1 }), 'dilation');
  names(() => conv2d(x, w, { padding: -1 }), 'padding');
  names(() => conv2d(x, w, { padding: 'full' as never }), 'padding');
  names(() => conv2d(x, w, { padding: 'same', stride: 2 }), 'padding');
  names(() => conv2d(x, w, { paddingMode: 'mirror' as never }), 'paddingMode');
  names(() => conv2d(x, w, { padding: 6, paddingMode: 'reflect' }), 'padding');
  names(() => conv2d(x, w, { padding: 7, paddingMode: 'circular' }), 'padding');
  names(() => conv2d(x, randn([2, 4, 7, 3], { seed: 0 })), 'w'); // kernel larger than input
  names(() => conv2d(x, w, { dilation: 3 }), 'w'); // dilated kernel 7 > 6
  names(() => conv2d(x, w, { bias: randn([3], { seed: 0 }) }), 'bias');
  names(() => conv2d(x, w, { bias: [1, 2] as never }), 'bias');
  names(() => conv2d(x, 3 as never), 'w');
  const wt = randn([4, 2, 3, 3], { seed: 1, dtype: 'float64' });
  names(() => convTranspose2d(x, wt, { stride: 2, outputPadding: 2 }), 'outputPadding');
  names(() => convTranspose2d(x, wt, { outputPadding: 1 }), 'outputPadding'); // stride 1, dilation 1
  names(() => convTranspose2d(x, randn([3, 2, 3, 3], { seed: 0 })), 'x');
  names(() => convTranspose2d(randn([1, 3, 6, 6], { seed: 0 }), randn([3, 2, 3, 3], { seed: 0 }), { groups: 2 }), 'groups');
  names(() => convTranspose2d(x, wt, { padding: 5 }), 'padding');
  names(() => convTranspose2d(x, wt, { padding: 'same' as never }), 'padding');
  names(() => convTranspose2d(x, wt, { bias: randn([3], { seed: 0 }) }), 'bias');
});

test('larger shapes (several pixel chunks, row blocks and tails) match the reference', () => {
  const configs = [
    { xs: [2, 5, 13, 17], ws: [7, 5, 3, 3], stride: [1, 1], dilation: [1, 1], pads: [1, 1, 1, 1], groups: 1, mode: 'zeros' },
    { xs: [1, 6, 19, 11], ws: [9, 2, 2, 3], stride: [2, 1], dilation: [1, 2], pads: [2, 2, 1, 1], groups: 3, mode: 'reflect' },
    { xs: [1, 8, 16, 16], ws: [8, 1, 3, 3], stride: [1, 1], dilation: [2, 2], pads: [2, 2, 2, 2], groups: 8, mode: 'circular' },
  ] as const;
  for (const c of configs) {
    for (const dtype of ['float64', 'complex128'] as const) {
      const x = randn([...c.xs], { seed: 31, dtype });
      const w = randn([...c.ws], { seed: 32, dtype });
      const b = randn([c.ws[0]], { seed: 33, dtype });
      const y = conv2d(x, w, { bias: b, stride: [...c.stride] as [number, number], dilation: [...c.dilation] as [number, number], padding: [c.pads[0], c.pads[2]], groups: c.groups, paddingMode: c.mode });
      const ref = refConv2d({
        x: x.data as Float64Array, xs: [...c.xs], w: w.data as Float64Array, ws: [...c.ws], bias: b.data as Float64Array,
        stride: [...c.stride], dilation: [...c.dilation], pads: [...c.pads], groups: c.groups, mode: c.mode, sp: dtype === 'complex128' ? 2 : 1,
      });
      assert.deepEqual(y.shape, ref.shape);
      assert.ok(relErr(y.data, ref.data) < 1e-12, `${JSON.stringify(c)} ${dtype}`);
      // The transposed op on the same shapes, against its own reference.
      const wt = randn([c.xs[1], c.ws[0] / c.groups, c.ws[2], c.ws[3]], { seed: 34, dtype });
      const t = convTranspose2d(x, wt, { stride: [...c.stride] as [number, number], dilation: [...c.dilation] as [number, number], padding: [c.pads[0], c.pads[2]], groups: c.groups });
      const tref = refConvTranspose2d({
        x: x.data as Float64Array, xs: [...c.xs], w: wt.data as Float64Array, ws: [c.xs[1], c.ws[0] / c.groups, c.ws[2], c.ws[3]], bias: null,
        stride: [...c.stride], dilation: [...c.dilation], padding: [c.pads[0], c.pads[2]], outputPadding: [0, 0], groups: c.groups, sp: dtype === 'complex128' ? 2 : 1,
      });
      assert.deepEqual(t.shape, tref.shape);
      assert.ok(relErr(t.data, tref.data) < 1e-12, `transpose ${JSON.stringify(c)} ${dtype}`);
    }
  }
});
