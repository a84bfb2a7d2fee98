import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cholesky, ldlQuasiDefinite, ldlSolve, symEig } from '../../src/convex/solver/dense.js';
import { ntScalingPsd } from '../../src/convex/solver/cones.js';
import { prng } from './helpers.js';

function randomSym(n: number, seed: number): Float64Array {
  const rnd = prng(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rnd();
  return a;
}

test('symEig: A·V = V·diag(d), VᵀV = I, and values-only agrees', () => {
  for (const n of [1, 2, 5, 33, 80]) {
    const a0 = randomSym(n, n);
    const a = a0.slice(), d = new Float64Array(n), e = new Float64Array(n);
    assert.ok(symEig(n, a, d, e, true));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let av = 0, vv = 0;
      for (let k = 0; k < n; k++) {
        av += a0[i * n + k]! * a[k * n + j]!;
        vv += a[k * n + i]! * a[k * n + j]!;
      }
      assert.ok(Math.abs(av - d[j]! * a[i * n + j]!) < 1e-12 * n);
      assert.ok(Math.abs(vv - (i === j ? 1 : 0)) < 1e-12 * n);
    }
    const d2 = new Float64Array(n);
    assert.ok(symEig(n, a0.slice(), d2, e, false));
    const s1 = [...d].sort((x, y) => x - y), s2 = [...d2].sort((x, y) => x - y);
    s1.forEach((v, i) => assert.ok(Math.abs(v - s2[i]!) < 1e-12 * n));
  }
});

test('cholesky and the quasi-definite LDLᵀ solve against dense products', () => {
  const n = 6, nf = 2, K = n + nf;
  const b = randomSym(n, 11);
  const m = new Float64Array(n * n); // M = BᵀB + I is positive definite
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? 1 : 0;
    for (let k = 0; k < n; k++) s += b[k * n + i]! * b[k * n + j]!;
    m[i * n + j] = s;
  }
  const l = m.slice();
  assert.ok(cholesky(n, l));
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += l[i * n + k]! * l[j * n + k]!;
    assert.ok(Math.abs(s - m[i * n + j]!) < 1e-12);
  }
  assert.equal(cholesky(2, new Float64Array([1, 2, 2, 1])), false);
  // [[M, F], [Fᵀ, 0]] with F of full column rank
  const rnd = prng(5);
  const kk = new Float64Array(K * K);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) kk[i * K + j] = m[i * n + j]!;
  for (let i = 0; i < n; i++) for (let j = 0; j < nf; j++) kk[i * K + n + j] = kk[(n + j) * K + i] = rnd();
  const sign = Int8Array.from({ length: K }, (_, i) => (i < n ? 1 : -1));
  const f = kk.slice();
  ldlQuasiDefinite(K, f, sign, 1e-14);
  const x = Float64Array.from({ length: K }, (_, i) => i + 1);
  const rhs = new Float64Array(K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) rhs[i]! += kk[i * K + j]! * x[j]!;
  ldlSolve(K, f, rhs);
  rhs.forEach((v, i) => assert.ok(Math.abs(v - x[i]!) < 1e-9, `${v} vs ${x[i]}`));
});

test('NT scaling: R⁻¹·X·R⁻ᵀ = Rᵀ·Z·R = diag(λ)', () => {
  const n = 7;
  const mk = (seed: number): Float64Array => {
    const b = randomSym(n, seed), out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = i === j ? 0.1 : 0;
      for (let k = 0; k < n; k++) s += b[i * n + k]! * b[j * n + k]!;
      out[i * n + j] = s;
    }
    return out;
  };
  const X = mk(1), Z = mk(2);
  const work = [0, 1, 2, 3].map(() => new Float64Array(n * n));
  const sc = ntScalingPsd(n, X, Z, work)!;
  // G·Z·G = X (the defining property of the NT point G = R·Rᵀ)
  const tmp = new Float64Array(n * n), gzg = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += sc.G[i * n + k]! * Z[k * n + j]!;
    tmp[i * n + j] = s;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += tmp[i * n + k]! * sc.G[k * n + j]!;
    gzg[i * n + j] = s;
  }
  for (let i = 0; i < n * n; i++) assert.ok(Math.abs(gzg[i]! - X[i]!) < 1e-9 * (1 + Math.abs(X[i]!)));
  // Rᵀ·Z·R = diag(λ)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) s += sc.R[p * n + i]! * Z[p * n + q]! * sc.R[q * n + j]!;
    assert.ok(Math.abs(s - (i === j ? sc.lambda[i]! : 0)) < 1e-9);
  }
});
