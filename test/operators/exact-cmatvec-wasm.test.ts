// Issue 9, SIMD: the WebAssembly products of the exact 'valid' solver (cmatvec.wat, packed Hermitian matrices)
// against the plain-JS products they replace (bitwise: same summation order and roundings) and a naive complex
// loop, and whole solves with and without the kernel (ADJOINT_NO_WASM) against each other and dense pinv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CmatvecArena, packedLength, packHermitian } from '../../src/operators/exact/cmatvec-wasm.js';
import { cmatvecMulti } from '../../src/operators/exact/cmatvec-multi.js';
import { cmatvec, invertHermitianPd } from '../../src/operators/exact/hermitian-kernel.js';
import { RingValidFactor } from '../../src/operators/exact/ring-valid.js';
import { wasmDisabled } from '../../src/wasm/load.js';
import { conv2d } from '../../src/operators/conv2d.js';
import { pinv } from '../../src/linalg/index.js';
import { randn } from '../../src/tensor/random.js';
import { withoutWasm } from '../wasm/helpers.js';

const norm = (a: Float64Array): number => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
const relDiff = (a: Float64Array, b: Float64Array): number => norm(a.map((v, i) => v - b[i]!)) / Math.max(norm(b), 1e-300);

/** An exactly Hermitian n×n complex matrix (a_ji = conj(a_ij) bit for bit, as invertHermitianPd writes). */
function hermitian(n: number, seed: number): Float64Array {
  const r = randn([2 * n * n], { seed, dtype: 'float64' }).data as Float64Array;
  const A = new Float64Array(2 * n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const re = r[2 * (i * n + j)]!;
      const im = i === j ? 0.25 * r[2 * (i * n + j) + 1]! : r[2 * (i * n + j) + 1]!; // a rounding-size imaginary diagonal is kept as is
      A[2 * (i * n + j)] = re;
      A[2 * (i * n + j) + 1] = im;
      A[2 * (j * n + i)] = re;
      A[2 * (j * n + i) + 1] = -im;
    }
  return A;
}

test('packHermitian keeps the upper triangle row by row', () => {
  const n = 3;
  const A = Float64Array.from({ length: 2 * n * n }, (_, k) => k);
  const P = new Float64Array(1 + packedLength(n));
  packHermitian(A, 0, P, 1, n);
  const want = [0, 0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 16, 17];
  assert.deepEqual(Array.from(P), want);
});

test('the SIMD arena is available unless WebAssembly is disabled', () => {
  const ar = CmatvecArena.create([4]);
  if (wasmDisabled()) assert.equal(ar, null);
  else {
    assert.ok(ar);
    assert.equal(ar.views[0]!.length, 4);
  }
});

test('SIMD packed Hermitian products equal the JS products bitwise (1..5 vectors) and a naive loop', (t) => {
  const sizes = [1, 2, 3, 5, 8, 32];
  const maxN = Math.max(...sizes);
  const ar = CmatvecArena.create([2 * packedLength(maxN), 2 * maxN * 5, 2 * maxN * 5]);
  if (!ar) {
    t.skip('WebAssembly disabled');
    return;
  }
  const [Ap, xw, yw] = ar.views as [Float64Array, Float64Array, Float64Array];
  for (const n of sizes) {
    const A = hermitian(n, 100 + n);
    const aOff = packedLength(maxN); // a non-zero offset in the arena
    packHermitian(A, 0, Ap, aOff, n);
    for (let count = 1; count <= 5; count++) {
      const x = randn([2 * n * count], { seed: 7 * n + count, dtype: 'float64' }).data as Float64Array;
      xw.set(x);
      yw.fill(Number.NaN); // the kernel must overwrite, not accumulate
      ar.hermMulti(Ap, aOff, xw, yw, n, count);
      const js = new Float64Array(2 * n * count);
      cmatvecMulti(A, 0, x, js, n, count);
      assert.deepEqual(Array.from(yw.subarray(0, 2 * n * count)), Array.from(js), `n=${n} count=${count}`);
      // Naive reference: Σ_k a_ik x_k.
      for (let b = 0; b < count; b++)
        for (let i = 0; i < n; i++) {
          let sr = 0;
          let si = 0;
          for (let k = 0; k < n; k++) {
            const [ar0, ai0] = [A[2 * (i * n + k)]!, A[2 * (i * n + k) + 1]!];
            const [xr, xi] = [x[2 * (b * n + k)]!, x[2 * (b * n + k) + 1]!];
            sr += ar0 * xr - ai0 * xi;
            si += ar0 * xi + ai0 * xr;
          }
          const o = 2 * (b * n + i);
          assert.ok(Math.abs(yw[o]! - sr) <= 1e-12 * (1 + Math.abs(sr)) && Math.abs(yw[o + 1]! - si) <= 1e-12 * (1 + Math.abs(si)));
        }
    }
    // Single product at offsets (the band-solve call).
    const x = randn([2 * n], { seed: 3, dtype: 'float64' }).data as Float64Array;
    xw.set(x, 2 * n);
    ar.herm(Ap, aOff, xw, 2 * n, yw, 4 * n, n);
    const js = new Float64Array(2 * n);
    cmatvec(A, 0, x, 0, js, 0, n);
    assert.deepEqual(Array.from(yw.subarray(4 * n, 6 * n)), Array.from(js), `herm n=${n}`);
  }
});

test('SIMD products of an inverse from invertHermitianPd equal the JS ones bitwise', (t) => {
  const n = 12;
  const ar = CmatvecArena.create([packedLength(n), 2 * n, 2 * n]);
  if (!ar) {
    t.skip('WebAssembly disabled');
    return;
  }
  const B = randn([2 * n * n], { seed: 5, dtype: 'float64' }).data as Float64Array;
  // G = B Bᴴ + I (Hermitian positive definite), inverted in place as the solver does.
  const G = new Float64Array(2 * n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sr = i === j ? 1 : 0;
      let si = 0;
      for (let k = 0; k < n; k++) {
        const [ar0, ai0] = [B[2 * (i * n + k)]!, B[2 * (i * n + k) + 1]!];
        const [br, bi] = [B[2 * (j * n + k)]!, -B[2 * (j * n + k) + 1]!];
        sr += ar0 * br - ai0 * bi;
        si += ar0 * bi + ai0 * br;
      }
      G[2 * (i * n + j)] = sr;
      G[2 * (i * n + j) + 1] = si;
    }
  assert.ok(invertHermitianPd(G, 0, n, new Float64Array(4 * n * n)) > 0);
  const [Ap, xw, yw] = ar.views as [Float64Array, Float64Array, Float64Array];
  packHermitian(G, 0, Ap, 0, n);
  const x = randn([2 * n], { seed: 6, dtype: 'float64' }).data as Float64Array;
  xw.set(x);
  ar.hermMulti(Ap, 0, xw, yw, n, 1);
  const js = new Float64Array(2 * n);
  cmatvec(G, 0, x, 0, js, 0, n);
  assert.deepEqual(Array.from(yw), Array.from(js));
});


for (const { c, n, s, batch } of [
  { c: 3, n: 12, s: 1, batch: 1 }, // odd channel count: an odd lane in the packed FFT
  { c: 4, n: 13, s: 2, batch: 3 }, // stride 2 (aliased G), a batch of 3 (hmv2 + hmv1)
]) {
  test(`solve with the SIMD kernel equals the JS solve (c=${c}, ${n}², stride ${s}, ${batch} samples) and dense pinv`, () => {
    const wt = randn([c, c, 3, 3], { seed: 11 + c, dtype: 'float64' });
    const spec = { weight: wt.data as Float64Array, cOut: c, cIn: c, kh: 3, kw: 3, n1: n, n2: n, s1: s, s2: s };
    const fw = new RingValidFactor(spec);
    const fj = withoutWasm(() => new RingValidFactor(spec));
    const A = conv2d(wt, { inShape: [c, n, n], padding: 0, stride: s });
    const D = A.toDense();
    const [m, nn] = D.shape as [number, number];
    const P = pinv(D).data as Float64Array;
    const ys = Array.from({ length: batch }, (_, k) => randn([m], { seed: 40 + k, dtype: 'float64' }).data as Float64Array);
    const rw = fw.solveMany(ys, { tol: 1e-12 });
    const rj = fj.solveMany(ys, { tol: 1e-12 });
    for (let k = 0; k < batch; k++) {
      assert.ok(rw[k]!.info.converged);
      assert.deepEqual(rw[k]!.info.cgIterations, rj[k]!.info.cgIterations, `sample ${k}`);
      // Bitwise-equal products (see cmatvec.wat), so the whole solve is bitwise equal too.
      assert.ok(relDiff(rw[k]!.x, rj[k]!.x) === 0, `sample ${k} SIMD vs JS: ${relDiff(rw[k]!.x, rj[k]!.x)}`);
      const ref = new Float64Array(nn);
      for (let i = 0; i < nn; i++) for (let j = 0; j < m; j++) ref[i] += P[i * m + j]! * ys[k]![j]!;
      assert.ok(relDiff(rw[k]!.x, ref) <= 1e-9, `sample ${k} vs dense pinv: ${relDiff(rw[k]!.x, ref)}`);
    }
  });
}
