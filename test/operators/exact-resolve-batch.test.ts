// Issue 9, batches: RingValidFactor.solveMany solves SOLVE_BATCH right-hand sides in lock-step (one batched G⁻¹
// application per CG iteration). References: dense pinv of the materialised convolution and separate solves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RingValidFactor, SOLVE_BATCH } from '../../src/operators/exact/ring-valid.js';
import { cmatvecMulti } from '../../src/operators/exact/cmatvec-multi.js';
import { exactConvPinvFactor } from '../../src/operators/exact/index.js';
import { conv2d } from '../../src/operators/conv2d.js';
import { pinv } from '../../src/linalg/index.js';
import { randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

const norm = (a: Float64Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
const relDiff = (a: Float64Array, b: Float64Array): number => norm(a.map((v, i) => v - b[i]!)) / Math.max(norm(b), 1e-300);

test('cmatvecMulti equals a naive complex mat-vec for 1..9 vectors', () => {
  for (const n of [1, 3, 5]) {
    for (let count = 1; count <= 9; count++) {
      const A = randn([2 * n * n], { seed: n, dtype: 'float64' }).data as Float64Array;
      const x = randn([2 * n * count], { seed: 10 + count, dtype: 'float64' }).data as Float64Array;
      const out = new Float64Array(2 * n * count);
      cmatvecMulti(A, 0, x, out, n, count);
      for (let b = 0; b < count; b++)
        for (let i = 0; i < n; i++) {
          let sr = 0;
          let si = 0;
          for (let k = 0; k < n; k++) {
            const ar = A[2 * (i * n + k)]!;
            const ai = A[2 * (i * n + k) + 1]!;
            const br = x[2 * (b * n + k)]!;
            const bi = x[2 * (b * n + k) + 1]!;
            sr += ar * br - ai * bi;
            si += ar * bi + ai * br;
          }
          assert.ok(Math.abs(out[2 * (b * n + i)]! - sr) <= 1e-12 * (1 + Math.abs(sr)), `n=${n} count=${count} re`);
          assert.ok(Math.abs(out[2 * (b * n + i) + 1]! - si) <= 1e-12 * (1 + Math.abs(si)), `n=${n} count=${count} im`);
        }
    }
  }
});

for (const { c, n, count, seed } of [
  { c: 3, n: 12, count: 3, seed: 1 }, // 9 real channels: an odd lane count in the packed FFT
  { c: 2, n: 11, count: 6, seed: 2 }, // a full batch of SOLVE_BATCH and a partial one
]) {
  test(`solveMany (c=${c}, ${n}², ${count} samples) matches dense pinv and separate solves`, () => {
    const wt = randn([c, c, 3, 3], { seed, dtype: 'float64' });
    const A = conv2d(wt, { inShape: [c, n, n], padding: 0 });
    const D = A.toDense();
    const [m, nn] = D.shape as [number, number];
    const P = pinv(D).data as Float64Array;
    const f = new RingValidFactor({ weight: wt.data as Float64Array, cOut: c, cIn: c, kh: 3, kw: 3, n1: n, n2: n });
    const ys: Float64Array[] = [];
    for (let k = 0; k < count; k++) ys.push(randn([m], { seed: 50 + k, dtype: 'float64' }).data as Float64Array);
    ys[1] = new Float64Array(m); // a zero sample inside the batch
    // tol 1e-13 makes some samples take a refinement pass while others stop after one.
    const many = f.solveMany(ys, { tol: 1e-13 });
    assert.equal(many.length, count);
    assert.ok(count <= SOLVE_BATCH || many.length > SOLVE_BATCH);
    // Lock-step with samples dropping out: some need a refinement pass, some stop after one.
    assert.ok(many.some((r) => r.info.cgIterations.length === 2) && many.some((r) => r.info.cgIterations.length === 1));
    for (let k = 0; k < count; k++) {
      const one = f.solve(ys[k]!, { tol: 1e-13 });
      const r = many[k]!;
      assert.ok(r.info.converged, `sample ${k}: ${JSON.stringify(r.info)}`);
      assert.deepEqual(r.info.cgIterations, one.info.cgIterations, `sample ${k}`);
      assert.ok(relDiff(r.x, one.x) <= 1e-12 || norm(one.x) === 0, `sample ${k} vs separate solve: ${relDiff(r.x, one.x)}`);
      const ref = new Float64Array(nn);
      for (let i = 0; i < nn; i++) for (let j = 0; j < m; j++) ref[i] += P[i * m + j]! * ys[k]![j]!;
      if (k === 1) assert.ok(r.x.every((v) => v === 0) && r.info.cgIterations.length === 0);
      else assert.ok(relDiff(r.x, ref) <= 1e-9, `sample ${k} vs dense pinv: ${relDiff(r.x, ref)}`);
    }
  });
}

test('exactConvPinvFactor solves a [N, C, H, W] batch like N separate solves', () => {
  const w = randn([3, 3, 3, 3], { seed: 9, dtype: 'float64' });
  const f = exactConvPinvFactor(w, { inShape: [3, 10, 10] });
  const y = randn([5, 3, 8, 8], { seed: 19, dtype: 'float64' });
  const all = f.solve(y);
  assert.deepEqual(all.x.shape, [5, 3, 10, 10]);
  assert.equal(all.info.samples.length, 5);
  assert.ok(all.info.converged);
  const yd = y.data as Float64Array;
  const xd = all.x.data as Float64Array;
  for (let b = 0; b < 5; b++) {
    const one = f.solve(Tensor.fromStorage(yd.slice(b * 192, (b + 1) * 192), [3, 8, 8], 'float64'));
    assert.ok(relDiff(xd.subarray(b * 300, (b + 1) * 300), one.x.data as Float64Array) <= 1e-12, `sample ${b}`);
  }
  assert.throws(() => exactConvPinvFactor(w, { inShape: [3, 10, 10], recycleBytes: -5 }));
});
