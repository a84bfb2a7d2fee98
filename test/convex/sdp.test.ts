import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tensor } from '../../src/tensor/creation.js';
import { Variable, Problem, maximize, minimize, trace, diag, sum, mul, psd, index } from '../../src/convex/index.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/convex_fixtures.json', import.meta.url), 'utf8'));

/** Lovász theta: max ⟨J, X⟩ s.t. tr X = 1, X_ij = 0 on edges, X ⪰ 0. */
function theta(n: number, edges: [number, number][]): { status: string; value: number } {
  const X = new Variable([n, n], { symmetric: true, name: 'X' });
  const cons = [psd(X), trace(X).eq(1), ...edges.map(([i, j]) => index(X, i, j).eq(0))];
  return new Problem(maximize(sum(X)), cons).solve();
}

test('Lovász theta of the 5-cycle is √5', () => {
  const r = theta(5, [[0, 1], [1, 2], [2, 3], [3, 4], [4, 0]]);
  assert.equal(r.status, 'optimal');
  assert.ok(Math.abs(r.value - Math.sqrt(5)) < 1e-7, `${r.value}`);
});

test('Lovász theta of the Petersen graph is 4', () => {
  const edges: [number, number][] = [];
  for (let i = 0; i < 5; i++) {
    edges.push([i, (i + 1) % 5]); // outer cycle
    edges.push([5 + i, 5 + ((i + 2) % 5)]); // inner pentagram
    edges.push([i, 5 + i]); // spokes
  }
  const r = theta(10, edges);
  assert.equal(r.status, 'optimal');
  assert.ok(Math.abs(r.value - 4) < 1e-7, `${r.value}`);
});

test('max-cut relaxation matches cvxopt', () => {
  const W: number[][] = fx.maxcut.W;
  const n = W.length;
  const L = W.map((row, i) => row.map((w, j) => (i === j ? row.reduce((a, b) => a + b, 0) : -w) / 4));
  const X = new Variable([n, n], { psd: true });
  const p = new Problem(maximize(sum(mul(tensor(L, { dtype: 'float64' }), X))), [diag(X).eq(1)]);
  const r = p.solve();
  assert.equal(r.status, 'optimal');
  assert.ok(Math.abs(r.value - fx.maxcut.value) < 1e-6 * Math.abs(fx.maxcut.value), `${r.value} vs ${fx.maxcut.value}`);
  const x = X.value!.data as Float64Array;
  for (let i = 0; i < n; i++) assert.ok(Math.abs(x[i * n + i]! - 1) < 1e-7);
});

test('infeasible and unbounded SDPs are reported as such', () => {
  const X = new Variable([2, 2], { symmetric: true });
  const inf = new Problem(minimize(trace(X)), [psd(X), index(X, 0, 0).eq(-1)]).solve();
  assert.equal(inf.status, 'infeasible');
  assert.equal(inf.value, Infinity);
  const Y = new Variable([2, 2], { symmetric: true });
  const unb = new Problem(minimize(index(Y, 0, 1).neg()), [psd(Y), index(Y, 0, 0).eq(1)]).solve();
  assert.equal(unb.status, 'unbounded');
  assert.equal(unb.value, -Infinity);
});

test('a Hermitian PSD constraint on an expression goes through the real embedding', () => {
  // min tr(F) s.t. F − A ⪰ 0 for a fixed Hermitian A: optimum is Σ max(λ(A), 0)... with F free Hermitian, the
  // optimum is tr(A) (F = A); with F ⪰ 0 added it is Σ max(λᵢ, 0).
  const A = tensor([[[1, 0], [0, 2]], [[0, -2], [-1, 0]]], { dtype: 'complex128' }); // [[1, 2i], [−2i, −1]]
  const F = new Variable([2, 2], { hermitian: true });
  const r = new Problem(minimize(trace(F)), [psd(F.sub(A)), psd(F)]).solve();
  assert.equal(r.status, 'optimal');
  // eigenvalues of [[1, 2i], [−2i, −1]] are ±√5
  assert.ok(Math.abs(r.value - Math.sqrt(5)) < 1e-7, `${r.value}`);
});
