import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tensor } from '../../src/tensor/creation.js';
import { Variable, Problem, minimize, maximize, matmul, add, soc, sum, le, ge } from '../../src/convex/index.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/convex_fixtures.json', import.meta.url), 'utf8'));
const t64 = (a: number[] | number[][]) => tensor(a, { dtype: 'float64' });

test('LP matches cvxopt, with KKT-consistent duals', () => {
  const { c, G, h, A, b, value, x: xs } = fx.lp as { c: number[]; G: number[][]; h: number[]; A: number[][]; b: number[]; value: number; x: number[] };
  const n = c.length;
  const x = new Variable([n], { name: 'x' });
  const ineq = le(matmul(t64(G), x), t64(h));
  const eqc = matmul(t64(A), x).eq(t64(b));
  const r = new Problem(minimize(matmul(t64(c), x)), [ineq, eqc]).solve();
  assert.equal(r.status, 'optimal');
  assert.ok(Math.abs(r.value - value) < 1e-6 * Math.max(1, Math.abs(value)), `${r.value} vs ${value}`);
  const xv = x.value!.data as Float64Array;
  for (let i = 0; i < n; i++) assert.ok(Math.abs(xv[i]! - xs[i]!) < 1e-5, `x[${i}] ${xv[i]} vs ${xs[i]}`);
  // stationarity c + Aᵀν + Gᵀλ = 0, λ ≥ 0, λᵢ·(h − Gx)ᵢ ≈ 0
  const lam = ineq.dual!.data as Float64Array, nu = eqc.dual!.data as Float64Array;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < A.length; i++) s += A[i]![j]! * nu[i]!;
    for (let i = 0; i < G.length; i++) s += G[i]![j]! * lam[i]!;
    assert.ok(Math.abs(s + c[j]!) < 1e-6, `stationarity ${j}: ${s} vs ${-c[j]!}`);
  }
  for (let i = 0; i < G.length; i++) {
    let gx = 0;
    for (let j = 0; j < n; j++) gx += G[i]![j]! * xv[j]!;
    assert.ok(lam[i]! >= -1e-9);
    assert.ok(Math.abs(lam[i]! * (h[i]! - gx)) < 1e-6);
  }
});

test('SOCP matches cvxopt', () => {
  const { c, cones, radius, value } = fx.socp as { c: number[]; cones: { A: number[][]; b: number[]; f: number[]; d: number }[]; radius: number; value: number };
  const x = new Variable([c.length]);
  const cons = cones.map((k) => soc(add(matmul(t64(k.f), x), k.d), add(matmul(t64(k.A), x), t64(k.b))));
  cons.push(soc(radius, x));
  const r = new Problem(minimize(matmul(t64(c), x)), cons).solve();
  assert.equal(r.status, 'optimal');
  assert.ok(Math.abs(r.value - value) < 1e-6 * Math.max(1, Math.abs(value)), `${r.value} vs ${value}`);
});

test('infeasible and unbounded LPs are reported as such', () => {
  const x = new Variable([2]);
  const inf = new Problem(minimize(sum(x)), [ge(x, 1), le(sum(x), 1)]).solve();
  assert.equal(inf.status, 'infeasible');
  const y = new Variable([2], { nonneg: true });
  const unb = new Problem(maximize(sum(y)), [le(y.index(0), 1)]).solve();
  assert.equal(unb.status, 'unbounded');
  assert.equal(unb.value, Infinity);
});

test('nonneg variables and a tiny LP with a known answer', () => {
  // min x0 + 2x1 s.t. x0 + x1 ≥ 1, x ≥ 0 → 1 at x = (1, 0)
  const x = new Variable([2], { nonneg: true });
  const r = new Problem(minimize(matmul(t64([1, 2]), x)), [ge(sum(x), 1)]).solve();
  assert.equal(r.status, 'optimal');
  assert.ok(Math.abs(r.value - 1) < 1e-8);
  const v = x.value!.data as Float64Array;
  assert.ok(Math.abs(v[0]! - 1) < 1e-7 && Math.abs(v[1]!) < 1e-7);
});

test('SOCP with a known answer: distance from (3, 4) to the half-plane x₀ + x₁ ≤ 1 is 3√2; its dual is in the cone', () => {
  const x = new Variable([2]);
  const t = new Variable([1]);
  const cone = soc(t, x.sub(t64([3, 4])));
  const r = new Problem(minimize(sum(t)), [cone, le(sum(x), 1)]).solve();
  assert.equal(r.status, 'optimal');
  assert.ok(Math.abs(r.value - 3 * Math.SQRT2) < 1e-7, `${r.value}`);
  const xv = x.value!.data as Float64Array;
  assert.ok(Math.abs(xv[0]! - 0) < 1e-6 && Math.abs(xv[1]! - 1) < 1e-6, `${xv}`);
  const u = cone.dual!.data as Float64Array;
  assert.equal(u.length, 3);
  assert.ok(u[0]! >= Math.hypot(u[1]!, u[2]!) - 1e-8);
  assert.ok(Math.abs(u[0]! - 1) < 1e-6); // ∂(value)/∂t: the cone is active with multiplier 1
  const y = new Variable([2]);
  const inf = new Problem(minimize(sum(y)), [soc(-1, y)]).solve();
  assert.equal(inf.status, 'infeasible');
});
