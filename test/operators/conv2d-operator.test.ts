import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdjointError, randn } from '../../src/index.js';
import { conv2d as nnConv2d } from '../../src/nn/index.js';
import type { PaddingMode } from '../../src/nn/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import * as operators from '../../src/operators/index.js';
import { assertClose, conjT, dense, matvec, vec } from './dense-helpers.js';

const MODES: PaddingMode[] = ['zeros', 'circular', 'reflect', 'replicate'];

interface Case {
  cin: number;
  cout: number;
  h: number;
  w: number;
  k: [number, number];
  stride: number | [number, number];
  dilation: number | [number, number];
  padding: number | [number, number] | 'same' | 'valid';
  groups: number;
}

// Odd and even sizes, stride 1/2 (and mixed), dilation, groups, c_out ≠ c_in, asymmetric 'same'.
const CASES: Case[] = [
  { cin: 2, cout: 3, h: 7, w: 8, k: [3, 3], stride: 1, dilation: 1, padding: 1, groups: 1 },
  { cin: 2, cout: 3, h: 7, w: 8, k: [3, 3], stride: 2, dilation: 1, padding: 1, groups: 1 },
  { cin: 4, cout: 2, h: 8, w: 9, k: [3, 2], stride: [2, 1], dilation: [2, 1], padding: [2, 1], groups: 2 },
  { cin: 3, cout: 3, h: 9, w: 6, k: [3, 3], stride: 1, dilation: 2, padding: 2, groups: 3 },
  { cin: 2, cout: 4, h: 6, w: 7, k: [2, 4], stride: 1, dilation: 1, padding: 'same', groups: 2 },
  { cin: 1, cout: 2, h: 5, w: 5, k: [3, 3], stride: 2, dilation: 1, padding: 'valid', groups: 1 },
  { cin: 2, cout: 1, h: 8, w: 8, k: [3, 3], stride: 2, dilation: 2, padding: 2, groups: 1 },
];

function describe(c: Case, mode: PaddingMode, dt: string): string {
  return `${dt} ${mode} cin=${c.cin} cout=${c.cout} ${c.h}×${c.w} k=${c.k} s=${c.stride} d=${c.dilation} p=${c.padding} g=${c.groups}`;
}

function build(c: Case, mode: PaddingMode, dt: 'float32' | 'float64' | 'complex64' | 'complex128', seed: number): { A: operators.Conv2dOperator; w: Tensor } {
  const w = randn([c.cout, c.cin / c.groups, c.k[0], c.k[1]], { seed, dtype: dt });
  const A = operators.conv2d(w, { inShape: [c.cin, c.h, c.w], stride: c.stride, dilation: c.dilation, padding: c.padding, groups: c.groups, paddingMode: mode });
  return { A, w };
}

test('conv2d operator passes the dot test for every padding mode, stride, dilation, group and dtype', () => {
  let n = 0;
  for (const c of CASES)
    for (const mode of MODES)
      for (const dt of ['float32', 'float64', 'complex64', 'complex128'] as const) {
        const { A } = build(c, mode, dt, 11 + n);
        const r = operators.dottest(A, { seed: n });
        const single = dt === 'float32' || dt === 'complex64';
        assert.ok(r.passed, `${describe(c, mode, dt)}: relError ${r.relError}`);
        assert.ok(r.relError < (single ? 2e-5 : 1e-12), `${describe(c, mode, dt)}: relError ${r.relError}`);
        n++;
      }
  assert.equal(n, CASES.length * 16);
});

test('conv2d operator: toDense·x equals nn.conv2d(x), and toDense(Aᴴ) is the conjugate transpose', () => {
  for (const c of CASES.slice(0, 5))
    for (const mode of MODES)
      for (const dt of ['float64', 'complex128'] as const) {
        const { A, w } = build(c, mode, dt, 3);
        const D = dense(A.toDense());
        const x = randn([c.cin, c.h, c.w], { seed: 4, dtype: dt });
        const want = nnConv2d(x, w, { stride: c.stride, dilation: c.dilation, padding: c.padding, groups: c.groups, paddingMode: mode });
        assert.deepEqual([...A.outShape], [...want.shape]);
        assertClose(matvec(D, vec(x)), vec(want), 1e-12, `dense·x ${describe(c, mode, dt)}`);
        // Batched apply equals conv2d on the batch.
        const X = randn([2, c.cin, c.h, c.w], { seed: 5, dtype: dt });
        const Wb = nnConv2d(X, w, { stride: c.stride, dilation: c.dilation, padding: c.padding, groups: c.groups, paddingMode: mode });
        assertClose(vec(A.apply(X)), vec(Wb), 1e-12, `batched ${describe(c, mode, dt)}`);
        const DH = dense(A.H.toDense());
        const want2 = conjT(D);
        assertClose({ re: DH.re, im: DH.im }, { re: want2.re, im: want2.im }, 1e-12, `dense(Aᴴ) ${describe(c, mode, dt)}`);
      }
});

test('conv2d operator accepts a 4-D inShape and validates its arguments', () => {
  const w = randn([3, 2, 3, 3], { seed: 0, dtype: 'float64' });
  const A = operators.conv2d(w, { inShape: [2, 2, 6, 6], padding: 1, paddingMode: 'reflect' });
  assert.deepEqual([...A.outShape], [2, 3, 6, 6]);
  assert.ok(operators.dottest(A).passed);
  assert.ok(operators.dottest(A, { seed: 2 }).relError < 1e-12);
  assert.throws(() => operators.conv2d(w, { inShape: [3, 6, 6] }), (e: unknown) => e instanceof AdjointError && e.argument === 'inShape' && /2 input channels/.test(e.message));
  assert.throws(() => operators.conv2d(w, { inShape: [2, 6, 6], padding: 6, paddingMode: 'reflect' }), (e: unknown) => e instanceof AdjointError && e.argument === 'padding');
  assert.throws(() => operators.conv2d(w, { inShape: [2, 2, 2] }), (e: unknown) => e instanceof AdjointError && e.argument === 'w');
  assert.throws(() => A.apply(randn([2, 6, 6], { seed: 0, dtype: 'float64' })), (e: unknown) => e instanceof AdjointError && e.argument === 'x' && /\[2, 2, 6, 6\]/.test(e.message));
});
