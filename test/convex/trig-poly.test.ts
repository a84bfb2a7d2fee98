import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Variable, Problem, maximize, trace, diag, sum, psd, sub, type Constraint } from '../../src/convex/index.js';
import * as convex from '../../src/convex/index.js';
import { prng, trigMin } from './helpers.js';

test("the user's model, as written in the issue, runs and gives -2", () => {
  const { Variable, Problem, maximize, trace, diag, sum, psd, sub } = convex;
  const c = [[0, 0], [1, 0]]; // complex coefficients as [re, im]; c[0] is real
  const n = c.length;
  const F = new Variable([n, n], { hermitian: true });
  const constraints = [psd(F)];
  for (let k = 1; k < n; k++) constraints.push(sum(diag(F, k)).eq(c[k]));
  const problem = new Problem(maximize(sub(c[0][0], trace(F))), constraints);
  const { status, value } = problem.solve();
  assert.equal(status, 'optimal');
  assert.ok(Math.abs(value + 2) < 1e-7, `${value}`);
});

/** The user's model, as written in the issue. */
function solveTrig(c: [number, number][]): { status: string; value: number; F: Variable; constraints: Constraint[] } {
  const n = c.length;
  const F = new Variable([n, n], { hermitian: true });
  const constraints = [psd(F)];
  for (let k = 1; k < n; k++) constraints.push(sum(diag(F, k)).eq(c[k]!));
  const problem = new Problem(maximize(sub(c[0]![0], trace(F))), constraints);
  const { status, value } = problem.solve();
  return { status, value, F, constraints };
}

test('trigonometric-polynomial SDP: the examples of the issue', () => {
  const a = solveTrig([[0, 0], [1, 0]]);
  assert.equal(a.status, 'optimal');
  assert.ok(Math.abs(a.value - -2) < 1e-7, `${a.value}`);
  const b = solveTrig([[0, 0], [0, 1]]);
  assert.equal(b.status, 'optimal');
  assert.ok(Math.abs(b.value - -2) < 1e-7, `${b.value}`);
  const c = solveTrig([[2, 0], [0.5, 0.5]]);
  assert.equal(c.status, 'optimal');
  assert.ok(Math.abs(c.value - (2 - Math.SQRT2)) < 1e-7, `${c.value}`);
});

test('trigonometric-polynomial SDP: the Fejér kernel gives 0', () => {
  // degree n − 1 = 5: c_k = 1 − k/n, k = 0…n−1 (MATH.md's c_k = 1 − k/(deg + 1))
  const n = 6;
  const r = solveTrig(Array.from({ length: n }, (_, k) => [1 - k / n, 0] as [number, number]));
  assert.equal(r.status, 'optimal');
  assert.ok(Math.abs(r.value) < 1e-7, `${r.value}`);
});

for (const n of [10, 20, 40]) {
  test(`trigonometric-polynomial SDP: random complex c of length ${n} against the closed form`, () => {
    const rnd = prng(1000 + n);
    const c = Array.from({ length: n }, (_, k) => (k === 0 ? [rnd(), 0] : [rnd(), rnd()]) as [number, number]);
    const { status, value, F, constraints } = solveTrig(c);
    assert.equal(status, 'optimal');
    const exact = trigMin(c);
    assert.ok(Math.abs(value - exact) < 1e-7 * Math.max(1, Math.abs(exact)), `sdp ${value} vs closed form ${exact}`);
    // F comes back exactly Hermitian and satisfies the constraints
    const f = F.value!;
    assert.equal(f.dtype, 'complex128');
    assert.deepEqual(f.shape, [n, n]);
    const d = f.data as Float64Array;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      assert.ok(d[2 * (i * n + j)] === d[2 * (j * n + i)]);
      assert.ok(d[2 * (i * n + j) + 1] === -d[2 * (j * n + i) + 1]!);
    }
    let tr = 0;
    for (let i = 0; i < n; i++) tr += d[2 * (i * n + i)]!;
    assert.ok(Math.abs(c[0]![0] - tr - value) < 1e-12);
    for (let k = 1; k < n; k++) {
      let re = 0, im = 0;
      for (let p = 0; p + k < n; p++) {
        re += d[2 * (p * n + p + k)]!;
        im += d[2 * (p * n + p + k) + 1]!;
      }
      assert.ok(Math.abs(re - c[k]![0]) < 1e-7 && Math.abs(im - c[k]![1]) < 1e-7, `k=${k}`);
    }
    // the PSD dual is Hermitian and complementary to F: Re tr(Y·F) ≈ 0, tr(Y) > 0
    const y = constraints[0]!.dual!;
    assert.equal(y.dtype, 'complex128');
    const yd = y.data as Float64Array;
    let inner = 0, ytr = 0;
    for (let i = 0; i < n; i++) {
      ytr += yd[2 * (i * n + i)]!;
      for (let j = 0; j < n; j++) {
        const yr = yd[2 * (i * n + j)]!, yi = yd[2 * (i * n + j) + 1]!;
        const fr = d[2 * (j * n + i)]!, fi = d[2 * (j * n + i) + 1]!;
        inner += yr * fr - yi * fi;
      }
    }
    assert.ok(ytr > 0.5, `tr(Y) = ${ytr}`);
    assert.ok(Math.abs(inner) < 1e-6 * Math.max(1, ytr * tr), `Re tr(YF) = ${inner}`);
  });
}
