import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { conv2d } from '../../src/operators/conv2d.js';
import { convPinv } from '../../src/operators/conv2d-pinv.js';
import { dottest } from '../../src/operators/dottest.js';
import { toFloat64 } from '../../src/operators/linear-operator.js';
import { chooseMethod } from '../../src/operators/pinv/choose.js';
import { CircularPinv } from '../../src/operators/pinv/circular-fft.js';
import { CirculantGramInverse } from '../../src/operators/pinv/krylov.js';
import type { PaddingMode } from '../../src/nn/conv-args.js';

function rel(a: Tensor, b: Tensor): number {
  const x = toFloat64(a);
  const y = toFloat64(b);
  assert.equal(x.length, y.length);
  let n = 0;
  let d = 0;
  for (let i = 0; i < x.length; i++) {
    n += (x[i]! - y[i]!) ** 2;
    d += y[i]! ** 2;
  }
  return d === 0 ? Math.sqrt(n) : Math.sqrt(n / d);
}

type Case = { co: number; ci: number; h: number; w: number; k: number; s: number; padding: number | 'same'; d?: number; groups?: number };
const cases: Case[] = [
  { co: 3, ci: 3, h: 6, w: 6, k: 3, s: 1, padding: 1 },
  { co: 2, ci: 3, h: 7, w: 6, k: 3, s: 1, padding: 1 },
  { co: 3, ci: 2, h: 9, w: 8, k: 3, s: 1, padding: 1 },
  { co: 3, ci: 3, h: 9, w: 8, k: 2, s: 1, padding: 'same' },
  { co: 3, ci: 2, h: 8, w: 6, k: 3, s: 2, padding: 1 },
  { co: 4, ci: 1, h: 6, w: 8, k: 3, s: 2, padding: 1 },
  { co: 2, ci: 2, h: 8, w: 8, k: 1, s: 2, padding: 0 },
  { co: 2, ci: 2, h: 9, w: 7, k: 3, s: 1, padding: 2, d: 2 },
  { co: 4, ci: 4, h: 6, w: 7, k: 3, s: 1, padding: 1, groups: 2 },
];

describe('conv2d pinv: circular FFT path equals the dense SVD pseudo-inverse', () => {
  for (const c of cases) {
    for (const dtype of ['float64', 'float32'] as const) {
      test(`${JSON.stringify(c)} ${dtype}`, () => {
        const w = randn([c.co, c.ci / (c.groups ?? 1), c.k, c.k], { seed: 11, dtype });
        const A = conv2d(w, { inShape: [c.ci, c.h, c.w], padding: c.padding, stride: c.s, dilation: c.d ?? 1, groups: c.groups ?? 1, paddingMode: 'circular' });
        assert.equal(chooseMethod(A), 'fft');
        const y = randn([2, ...A.outShape], { seed: 12, dtype });
        const f = convPinv(A, y, { method: 'fft' });
        const dn = convPinv(A, y, { method: 'dense' });
        assert.equal(f.x.dtype, dtype);
        assert.deepEqual(f.x.shape, [2, ...A.inShape]);
        assert.equal(f.info.rank, dn.info.rank);
        assert.ok(rel(f.x, dn.x) < (dtype === 'float64' ? 1e-11 : 1e-5), `rel ${rel(f.x, dn.x)}`);
        // Moore–Penrose: A x̂ is the projection of y on range(A), so Aᴴ(A x̂ − y) = 0.
        if (dtype === 'float64') assert.ok(f.info.relNormalResidual < 1e-12, `normal residual ${f.info.relNormalResidual}`);
      });
    }
  }

  test('rank-deficient kernel: response vanishing at f2 = 0 (horizontal differences), stride 1 and 2', () => {
    for (const s of [1, 2]) {
      const a = toFloat64(randn([2, 2], { seed: 3, dtype: 'float64' }));
      const k = new Float64Array(2 * 2 * 9);
      for (let q = 0; q < 4; q++) {
        k[q * 9 + 3] = a[q]!;
        k[q * 9 + 4] = -a[q]!;
      }
      const A = conv2d(new Tensor(k, [2, 2, 3, 3], 'float64'), { inShape: [2, 6, 8], padding: 1, stride: s, paddingMode: 'circular' });
      const y = randn(A.outShape, { seed: 4, dtype: 'float64' });
      const f = convPinv(A, y, { method: 'fft' });
      const dn = convPinv(A, y, { method: 'dense' });
      if (s === 1) assert.ok(f.info.rank! < Math.min(A.inSize, A.outSize), 'rank deficient');
      assert.equal(f.info.rank, dn.info.rank);
      assert.ok(rel(f.x, dn.x) < 1e-11, `s=${s} rel ${rel(f.x, dn.x)}`);
      // x̂ is orthogonal to the null space: constant-in-w images are in it, so every row of x̂ sums to 0.
      const xd = toFloat64(f.x);
      for (let r = 0; r < 2 * 6; r++) {
        let sum = 0;
        for (let j = 0; j < 8; j++) sum += xd[r * 8 + j]!;
        assert.ok(Math.abs(sum) < 1e-10);
      }
    }
  });

  test('zero kernel gives x̂ = 0 and rank 0', () => {
    const A = conv2d(new Tensor(new Float64Array(2 * 3 * 9), [2, 3, 3, 3], 'float64'), { inShape: [3, 6, 6], padding: 1, paddingMode: 'circular' });
    const r = convPinv(A, randn(A.outShape, { seed: 1, dtype: 'float64' }));
    assert.equal(r.info.rank, 0);
    assert.ok(toFloat64(r.x).every((v) => v === 0));
  });

  test('the cut-off is global: a frequency with σ below rtol·σ₁(A) contributes 0, unlike a per-frequency pinv', () => {
    // 1×1 kernel on one channel pair, tiny at one frequency: K = [1, 1 − δ] horizontally gives H(f2) = 1 + (1 − δ)e^{iθ}.
    const delta = 1e-6;
    const K = new Tensor(new Float64Array([0, 0, 0, 1, 1 - delta, 0, 0, 0, 0]), [1, 1, 3, 3], 'float64');
    const A = conv2d(K, { inShape: [1, 4, 8], padding: 1, paddingMode: 'circular' });
    const y = randn(A.outShape, { seed: 2, dtype: 'float64' });
    const rtol = 1e-4; // σ at the Nyquist column is δ ≪ rtol·2, all others are ≥ 0.7
    const f = convPinv(A, y, { rtol });
    const dn = convPinv(A, y, { rtol, method: 'dense' });
    assert.equal(f.info.rank, 4 * 8 - 4);
    assert.equal(dn.info.rank, 4 * 8 - 4);
    assert.ok(rel(f.x, dn.x) < 1e-12);
    const atolRun = convPinv(A, y, { atol: 1e-3 });
    assert.equal(atolRun.info.rank, 28);
  });

  test('Tikhonov damping matches the dense closed form', () => {
    const w = randn([3, 2, 3, 3], { seed: 5, dtype: 'float64' });
    for (const s of [1, 2]) {
      const A = conv2d(w, { inShape: [2, 6, 8], padding: 1, stride: s, paddingMode: 'circular' });
      const y = randn(A.outShape, { seed: 6, dtype: 'float64' });
      const f = convPinv(A, y, { damp: 0.7 });
      const dn = convPinv(A, y, { damp: 0.7, method: 'dense' });
      assert.ok(rel(f.x, dn.x) < 1e-12);
      assert.ok(f.info.relNormalResidual < 1e-12, `damped normal residual ${f.info.relNormalResidual}`);
    }
  });

  test('the factorisation is kept and reused; solving twice gives the same x̂', () => {
    const w = randn([2, 2, 3, 3], { seed: 8, dtype: 'float64' });
    const A = conv2d(w, { inShape: [2, 6, 6], padding: 1, paddingMode: 'circular' });
    const y = randn(A.outShape, { seed: 9, dtype: 'float64' });
    const a = A.pinv(y);
    const b = A.pinv(y);
    assert.equal(a.info.reused, false);
    assert.equal(b.info.reused, true);
    assert.deepEqual(toFloat64(a.x), toFloat64(b.x));
    const fac = new CircularPinv(A);
    assert.ok(rel(fac.solve(y), a.x) < 1e-15);
  });

  test('errors: fft on a non-circular operator, bad y, non-finite y, bad tolerances', () => {
    const w = randn([2, 2, 3, 3], { seed: 8, dtype: 'float64' });
    const Z = conv2d(w, { inShape: [2, 6, 6], padding: 1 });
    assert.throws(() => convPinv(Z, Z.apply(randn(Z.inShape, { seed: 1, dtype: 'float64' })), { method: 'fft' }), /method 'fft' needs a circular convolution.*zeros/);
    const A = conv2d(w, { inShape: [2, 6, 6], padding: 1, paddingMode: 'circular' });
    assert.throws(() => A.pinv(randn([2, 5, 6], { seed: 1, dtype: 'float64' })), /argument 'y' must be shape \[2, 6, 6\]/);
    const bad = randn(A.outShape, { seed: 1, dtype: 'float64' });
    (bad.data as Float64Array)[3] = NaN;
    assert.throws(() => A.pinv(bad), /finite values.*flat index 3/);
    // Float32 y with −∞, and the last element: each found at its own index.
    const A32 = conv2d(randn([2, 2, 3, 3], { seed: 8, dtype: 'float32' }), { inShape: [2, 6, 6], padding: 1, paddingMode: 'circular' });
    const bad32 = randn(A32.outShape, { seed: 1, dtype: 'float32' });
    (bad32.data as Float32Array)[17] = -Infinity;
    assert.throws(() => A32.pinv(bad32), /finite values.*flat index 17/);
    const last32 = randn(A32.outShape, { seed: 1, dtype: 'float32' });
    (last32.data as Float32Array)[71] = Infinity;
    assert.throws(() => A32.pinv(last32), /finite values.*flat index 71/);
    assert.throws(() => A.pinv(randn(A.outShape, { seed: 1, dtype: 'float64' }), { rtol: -1 }), /'rtol' must be a finite number >= 0/);
    assert.throws(() => A.pinv(randn(A.outShape, { seed: 1, dtype: 'float64' }), { method: 'magic' as 'fft' }), /'method' must be/);
    const C2 = conv2d(w, { inShape: [2, 7, 6], padding: 1, stride: 2, paddingMode: 'circular' });
    assert.notEqual(chooseMethod(C2), 'fft');
  });

  test('the circulant Gram inverse P satisfies (C·Cᴴ)·P = I for a circular C and passes the dot test', () => {
    const w = randn([3, 3, 3, 3], { seed: 1, dtype: 'float64' });
    for (const s of [1, 2]) {
      const A = conv2d(w, { inShape: [3, 8, 8], padding: 1, paddingMode: 'circular', stride: s });
      const P = new CirculantGramInverse(A, 1e-14);
      const y = randn(A.outShape, { seed: 2, dtype: 'float64' });
      assert.ok(rel(A.apply(A.adjoint(P.apply(y))), y) < 1e-10);
      assert.ok(dottest(P).passed);
    }
  });
});

describe('conv2d operators used by pinv pass the dot test', () => {
  for (const mode of ['zeros', 'circular', 'reflect', 'replicate'] as PaddingMode[]) {
    for (const s of [1, 2]) {
      test(`${mode} stride ${s}`, () => {
        const A = conv2d(randn([3, 2, 3, 3], { seed: 4, dtype: 'float64' }), { inShape: [2, 7, 8], padding: 1, stride: s, paddingMode: mode });
        assert.ok(dottest(A).passed);
      });
    }
  }
});

describe('conv2d pinv: the global cut-off placed between any two singular values', () => {
  test('fft path keeps exactly the singular values the dense SVD keeps, for cut-offs across the spectrum', async () => {
    const { svdvals } = await import('../../src/linalg/spectral.js');
    for (const [co, ci, s] of [[2, 2, 1], [3, 2, 1], [2, 1, 2]] as const) {
      const w = randn([co, ci, 3, 3], { seed: 30 + co + s, dtype: 'float64' });
      const A = conv2d(w, { inShape: [ci, 6, 8], padding: 1, stride: s, paddingMode: 'circular' });
      const sv = Array.from(toFloat64(svdvals(A.toDense()))).sort((a, b) => b - a);
      const y = randn(A.outShape, { seed: 40, dtype: 'float64' });
      // Cut-offs midway (geometrically) between consecutive distinct singular values, at several depths.
      for (const j of [1, 3, Math.floor(sv.length / 3), Math.floor(sv.length / 2), sv.length - 2]) {
        if (!(sv[j]! > 0) || sv[j - 1]! / sv[j]! < 1 + 1e-6) continue;
        const rtol = Math.sqrt(sv[j - 1]! * sv[j]!) / sv[0]!;
        const f = convPinv(A, y, { rtol });
        const dn = convPinv(A, y, { rtol, method: 'dense' });
        assert.equal(f.info.rank, j, `co=${co} ci=${ci} s=${s} j=${j}`);
        assert.equal(dn.info.rank, j);
        assert.ok(rel(f.x, dn.x) < 1e-9, `j=${j}: ${rel(f.x, dn.x)}`);
      }
    }
  });
});

test('fft path: when σ₁(A) is only bracketed and a cut-off decision depends on it, σ₁ is computed exactly', () => {
  // H(f) = M·(1 + (1 − δ)e^{iθ2}): well-conditioned blocks (certified fast path) except the Nyquist column, whose
  // singular values δ·σ(M) sit where the bracket on σ₁(A) (from the fast blocks' Frobenius norms) matters.
  const M = [[1.0, 0.3], [-0.2, 0.8]];
  const delta = 1e-3;
  const k = new Float64Array(2 * 2 * 9);
  for (let o = 0; o < 2; o++)
    for (let c = 0; c < 2; c++) {
      k[(o * 2 + c) * 9 + 4] = M[o]![c]!;
      k[(o * 2 + c) * 9 + 5] = M[o]![c]! * (1 - delta);
    }
  const A = conv2d(new Tensor(k, [2, 2, 3, 3], 'float64'), { inShape: [2, 4, 8], padding: 1, paddingMode: 'circular' });
  const y = randn(A.outShape, { seed: 1, dtype: 'float64' });
  let refined = 0;
  let bracketed = 0;
  for (let e = -5; e <= -2; e += 0.125) {
    const rtol = 10 ** e;
    const f = convPinv(A, y, { rtol });
    const d = convPinv(A, y, { rtol, method: 'dense' });
    assert.equal(f.info.rank, d.info.rank, `rtol 1e${e}`);
    assert.ok(rel(f.x, d.x) < 1e-9);
    if (Math.abs(f.info.sigmaMax! - d.info.sigmaMax!) < 1e-12 * d.info.sigmaMax!) refined++;
    else {
      assert.ok(f.info.sigmaMax! < d.info.sigmaMax!, 'a lower bound otherwise');
      bracketed++;
    }
  }
  assert.ok(refined > 0 && bracketed > 0, `refined ${refined}, bracketed ${bracketed}`);
});
