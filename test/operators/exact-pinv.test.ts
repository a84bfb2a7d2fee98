// Exact 'valid' conv pseudo-inverse (issue 9) against dense pinv of the materialised operator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conv2d } from '../../src/operators/conv2d.js';
import { exactConvPinv, exactConvPinvFactor } from '../../src/operators/exact/index.js';
import { pinv, svdvals } from '../../src/linalg/index.js';
import { randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { AdjointError } from '../../src/errors.js';

function denseMatVec(D: Float64Array, m: number, n: number, x: Float64Array): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += D[i * n + j]! * x[j]!;
    out[i] = s;
  }
  return out;
}

const norm = (a: Float64Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

interface Case {
  co: number;
  ci: number;
  k: [number, number];
  n: [number, number];
  dil?: number;
  stride?: number;
  seed: number;
}

const cases: Case[] = [
  { co: 2, ci: 2, k: [3, 3], n: [8, 8], seed: 1 },
  { co: 3, ci: 3, k: [3, 3], n: [7, 9], seed: 2 },
  { co: 2, ci: 3, k: [3, 2], n: [6, 7], seed: 3 },
  { co: 4, ci: 4, k: [3, 3], n: [10, 10], seed: 4 },
  { co: 2, ci: 2, k: [2, 3], n: [9, 8], dil: 2, seed: 5 },
  { co: 1, ci: 2, k: [1, 3], n: [6, 6], seed: 6 },
  { co: 2, ci: 2, k: [3, 3], n: [10, 10], stride: 2, seed: 7 },
  { co: 3, ci: 2, k: [3, 3], n: [11, 9], stride: 2, seed: 8 },
  { co: 4, ci: 2, k: [2, 2], n: [8, 12], stride: 2, seed: 9 },
  { co: 2, ci: 3, k: [3, 3], n: [13, 10], stride: 3, dil: 2, seed: 10 },
];

for (const cs of cases) {
  test(`exactConvPinv 'valid' matches dense pinv: co=${cs.co} ci=${cs.ci} k=${cs.k} n=${cs.n} dil=${cs.dil ?? 1} stride=${cs.stride ?? 1}`, () => {
    const w = randn([cs.co, cs.ci, cs.k[0], cs.k[1]], { seed: cs.seed, dtype: 'float64' });
    const inShape = [cs.ci, cs.n[0], cs.n[1]];
    const st = cs.stride ?? 1;
    const A = conv2d(w, { inShape, padding: 0, dilation: cs.dil ?? 1, stride: st });
    const D = A.toDense();
    const [m, n] = D.shape as [number, number];
    const Dd = D.data as Float64Array;
    const m1 = Math.floor((cs.n[0] - (cs.dil ?? 1) * (cs.k[0] - 1) - 1) / st) + 1;
    const m2 = Math.floor((cs.n[1] - (cs.dil ?? 1) * (cs.k[1] - 1) - 1) / st) + 1;
    // A right-hand side with a component outside range(A) when A is not surjective.
    const y = randn([2, cs.co, m1, m2], { seed: cs.seed + 100, dtype: 'float64' });
    const { x, info } = exactConvPinv(w, y, { inShape, dilation: cs.dil ?? 1, stride: st });
    assert.deepEqual(x.shape, [2, ...inShape]);
    assert.equal(info.factor.status, 'ok');
    assert.ok(info.converged, JSON.stringify(info.samples));
    const P = pinv(D).data as Float64Array; // [n, m]
    const sig = svdvals(D).data as Float64Array;
    const normA = sig[0]!;
    assert.ok(info.factor.normC >= normA * (1 - 1e-9), `‖C‖ ${info.factor.normC} must bound ‖A‖ ${normA}`);
    assert.ok(info.factor.normALower <= normA * (1 + 1e-12) && info.factor.normALower > 0.3 * normA, `lower bound ${info.factor.normALower} vs ‖A‖ ${normA}`);
    const xd = x.data as Float64Array;
    const yd = y.data as Float64Array;
    for (let b = 0; b < 2; b++) {
      const yb = yd.subarray(b * m, (b + 1) * m);
      const xb = xd.subarray(b * n, (b + 1) * n);
      const ref = denseMatVec(P, n, m, yb);
      const diff = ref.map((v, i) => v - xb[i]!);
      assert.ok(norm(diff) <= 1e-9 * norm(ref), `‖x̂ − pinv·y‖/‖pinv·y‖ = ${norm(diff) / norm(ref)}`);
      // Normal-equation residual against the true ‖A‖ (from the dense SVD).
      const r = denseMatVec(Dd, m, n, xb).map((v, i) => v - yb[i]!);
      const DT = new Float64Array(n * m);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) DT[j * m + i] = Dd[i * n + j]!;
      const g = denseMatVec(DT, n, m, r);
      assert.ok(norm(g) / (normA * norm(yb)) <= 1e-10, `normal-equation residual ${norm(g) / (normA * norm(yb))}`);
    }
  });
}

test('exactConvPinvFactor: re-solves reuse the factorisation and agree with a fresh solve', () => {
  const w = randn([3, 3, 3, 3], { seed: 11, dtype: 'float64' });
  const f = exactConvPinvFactor(w, { inShape: [3, 12, 12] });
  const y1 = randn([3, 10, 10], { seed: 12, dtype: 'float64' });
  const a = f.solve(y1);
  const b = exactConvPinv(w, y1, { inShape: [3, 12, 12] });
  const ad = a.x.data as Float64Array;
  const bd = b.x.data as Float64Array;
  let e = 0;
  for (let i = 0; i < ad.length; i++) e = Math.max(e, Math.abs(ad[i]! - bd[i]!));
  assert.ok(e < 1e-11, `max diff ${e}`);
  assert.ok(a.info.converged);
  // A zero right-hand side gives exactly zero.
  const z = f.solve(Tensor.fromStorage(new Float64Array(300), [3, 10, 10], 'float64'));
  assert.ok((z.x.data as Float64Array).every((v) => v === 0));
});

test('exactConvPinv: c_out > c_in (G singular) is reported, not claimed', () => {
  const w = randn([3, 1, 3, 3], { seed: 21, dtype: 'float64' });
  const f = exactConvPinvFactor(w, { inShape: [1, 8, 8] });
  assert.equal(f.info.status, 'singular');
  const r = f.solve(randn([3, 6, 6], { seed: 22, dtype: 'float64' }));
  assert.equal(r.info.converged, false);
});

test('exactConvPinv: unsupported geometries and bad input throw AdjointError', () => {
  const w = randn([2, 2, 3, 3], { seed: 31, dtype: 'float64' });
  assert.throws(() => exactConvPinvFactor(w, { inShape: [2, 8, 8], padding: 1 }), AdjointError);
  assert.throws(() => exactConvPinvFactor(w, { inShape: [2, 8, 8], padding: 'same' }), AdjointError);
  assert.throws(() => exactConvPinvFactor(w, { inShape: [3, 8, 8] }), AdjointError);
  assert.throws(() => exactConvPinvFactor(randn([2, 2, 3, 3], { seed: 1 }), { inShape: [2, 8, 8] }), AdjointError);
  const f = exactConvPinvFactor(w, { inShape: [2, 8, 8] });
  assert.throws(() => f.solve(randn([2, 7, 6], { seed: 2, dtype: 'float64' })), AdjointError);
});
