import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdjointError, randn, tensor } from '../../src/index.js';
import { pinv } from '../../src/linalg/spectral.js';
import { solve } from '../../src/linalg/factor.js';
import { Tensor } from '../../src/tensor/tensor.js';
import * as operators from '../../src/operators/index.js';
import type { KrylovOptions, KrylovResult, LinearOperator } from '../../src/operators/index.js';
import { assertClose, conjT, dense, matmul, matvec, toTensor, vec } from './dense-helpers.js';

const f64 = 'float64' as const;
const c128 = 'complex128' as const;
type Solver = (A: LinearOperator, b: Tensor, o?: KrylovOptions) => KrylovResult;
const SOLVERS: [string, Solver][] = [
  ['lsqr', operators.lsqr],
  ['lsmr', operators.lsmr],
  ['cgls', operators.cgls],
];

/** x = pinv(A) b with the dense SVD-based pinv (cut-off well above rounding, below the smallest kept σ). */
function pinvSolve(A: LinearOperator, b: Tensor, rtol = 1e-9): { re: Float64Array; im: Float64Array } {
  const D = A.toDense();
  const P = dense(pinv(D, { rtol }));
  return matvec(P, vec(b));
}

/** A circular conv whose kernel [1, −1] along the width has frequency response zero at f2 = 0: rank-deficient. */
function singularConv(dt: 'float64' | 'complex128'): LinearOperator {
  const c = 2;
  const a = randn([c, c], { seed: 21, dtype: dt }).data as Float64Array;
  const sp = dt === 'complex128' ? 2 : 1;
  const w = new Float64Array(c * c * 1 * 3 * sp);
  for (let o = 0; o < c; o++)
    for (let i = 0; i < c; i++)
      for (let p = 0; p < sp; p++) {
        const base = ((o * c + i) * 3) * sp + p;
        const v = a[(o * c + i) * sp + p]!;
        w[base] = v; // tap u=0,v=0
        w[base + sp] = -v; // tap v=1
      }
  return operators.conv2d(new Tensor(w, [c, c, 1, 3], dt), { inShape: [c, 5, 6], padding: [0, 1], paddingMode: 'circular' });
}

test('rank-deficient circular conv: all three solvers reach the minimum-norm solution (= pinv b)', () => {
  for (const dt of [f64, c128]) {
    const A = singularConv(dt);
    // The kernel annihilates constants along the width: A is singular.
    const ones = new Tensor(new Float64Array(A.inSize * (dt === c128 ? 2 : 1)).fill(0).map((_, i) => (dt === c128 && i % 2 ? 0 : 1)), A.inShape, dt);
    assert.ok(Math.max(...Array.from(A.apply(ones).data).map(Math.abs)) < 1e-12);
    const b = randn([...A.outShape], { seed: 3, dtype: dt }); // not in the range: a true least-squares problem
    const ref = pinvSolve(A, b);
    for (const [name, solve] of SOLVERS) {
      const { x, info } = solve(A, b, { tol: 1e-13, maxIter: 400 });
      assert.ok(info.converged, `${name} ${dt}: ${JSON.stringify(info)}`);
      assert.equal(info.method, name);
      assert.ok(info.iterations > 1 && info.iterations < 400);
      assertClose(vec(x), ref, 1e-8, `${name} ${dt} min-norm`);
      assert.ok(info.relResidual > 0.05, `${name}: b is not in the range, the residual cannot vanish`);
      assert.ok(info.relNormalResidual < 1e-10, `${name}: ${info.relNormalResidual}`);
    }
  }
});

test('underdetermined valid conv and rank-deficient complex matrix: minimum-norm solutions', () => {
  const w = randn([2, 3, 3, 3], { seed: 5, dtype: f64 });
  const V = operators.conv2d(w, { inShape: [3, 6, 5], padding: 'valid', stride: [1, 2] }); // 2·4·2 = 16 equations, 90 unknowns
  const bV = randn([...V.outShape], { seed: 6, dtype: f64 });
  const L = randn([6, 2], { seed: 7, dtype: c128 });
  const R = randn([2, 5], { seed: 8, dtype: c128 });
  const M = operators.matrix(toTensor(matmul(dense(L), dense(R)), true)); // rank 2, 6×5
  const bM = randn([6], { seed: 9, dtype: c128 });
  for (const [A, b] of [
    [V, bV],
    [M, bM],
  ] as [LinearOperator, Tensor][]) {
    const ref = pinvSolve(A, b);
    for (const [name, solve] of SOLVERS) {
      const { x, info } = solve(A, b, { tol: 1e-14, maxIter: 300 });
      assert.ok(info.converged, `${name} ${A.name}: ${info.stopReason}`);
      assertClose(vec(x), ref, 1e-8, `${name} ${A.name}`);
    }
  }
});

test('damped problems match the closed form (AᴴA + λ²I)⁻¹Aᴴb', () => {
  const lam = 0.7;
  for (const dt of [f64, c128]) {
    const A = singularConv(dt);
    const b = randn([...A.outShape], { seed: 13, dtype: dt });
    const D = dense(A.toDense());
    const DH = conjT(D);
    const N = matmul(DH, D);
    for (let j = 0; j < N.n; j++) N.re[j * N.n + j] += lam * lam;
    const rhs = matvec(DH, vec(b));
    const rhsT = toTensor({ m: N.n, n: 1, re: rhs.re, im: rhs.im }, true);
    const ref = vec(solve(toTensor(N, true), rhsT));
    for (const [name, solveK] of SOLVERS) {
      const { x, info } = solveK(A, b, { damp: lam, tol: 1e-13 });
      assert.ok(info.converged, `${name}: ${info.stopReason}`);
      assertClose(vec(x), ref, 1e-9, `${name} damped ${dt}`);
      assert.ok(info.relNormalResidual < 1e-10, `${name} damped normal residual ${info.relNormalResidual}`);
    }
  }
});

test('maxIter bounds every solver and converged=false is reported; onIteration sees every step and can stop', () => {
  const A = operators.conv2d(randn([3, 3, 3, 3], { seed: 1, dtype: f64 }), { inShape: [3, 8, 8], padding: 1 });
  const b = randn([3, 8, 8], { seed: 2, dtype: f64 });
  for (const [name, solve] of SOLVERS) {
    let calls = 0;
    const { info } = solve(A, b, { maxIter: 4, tol: 1e-14, onIteration: () => void calls++ });
    assert.equal(info.iterations, 4, name);
    assert.equal(calls, 4, name);
    assert.equal(info.converged, false, name);
    assert.equal(info.stopReason, 'maxIter', name);
    assert.ok(info.relResidual > 1e-6, name);
    const seen: number[] = [];
    const r2 = solve(A, b, { tol: 1e-14, onIteration: (it, p) => (seen.push(p.relResidual), it < 2) });
    assert.equal(r2.info.iterations, 2, name);
    assert.equal(r2.info.stopReason, 'callback');
    assert.equal(r2.info.converged, false);
    assert.ok(seen.length === 2 && seen.every((v) => v > 0 && v < 1), `${name}: ${seen}`);
    const r0 = solve(A, b, { maxIter: 0 });
    assert.equal(r0.info.iterations, 0);
    assert.equal(r0.info.converged, false);
  }
});

test('right preconditioner: x = M z with z solving min ‖A M z − b‖', () => {
  const Am = randn([9, 5], { seed: 31, dtype: f64 });
  const A = operators.matrix(Am);
  const b = randn([9], { seed: 32, dtype: f64 });
  const d = tensor([1, 10, 0.1, 3, 0.5], { dtype: f64 });
  const M = operators.diagonal(d);
  // Full column rank: the least-squares solution is unique, so the preconditioned x equals pinv(A) b.
  const ref = pinvSolve(A, b, 1e-12);
  for (const [name, solve] of SOLVERS) {
    const { x, info } = solve(A, b, { preconditioner: M, tol: 1e-13 });
    assert.ok(info.converged, name);
    assertClose(vec(x), ref, 1e-9, `${name} preconditioned`);
  }
  // A column-scaling preconditioner that undoes a bad scaling cuts the iteration count.
  const bad = operators.matrix(Am).compose(operators.diagonal(tensor([1, 1e-3, 1e3, 1, 1e-2], { dtype: f64 })));
  const fix = operators.diagonal(tensor([1, 1e3, 1e-3, 1, 1e2], { dtype: f64 }));
  const plain = operators.lsqr(bad, b, { tol: 1e-12, conlim: 0 });
  const pre = operators.lsqr(bad, b, { tol: 1e-12, preconditioner: fix });
  assert.ok(pre.info.iterations <= 6, `${pre.info.iterations}`);
  assert.ok(plain.info.iterations > pre.info.iterations, `${plain.info.iterations} vs ${pre.info.iterations}`);
  assert.throws(() => operators.lsmr(A, b, { preconditioner: operators.identity([4]) }), (e: unknown) => e instanceof AdjointError && e.argument === 'preconditioner');
});

test('complex right-hand sides, the rFFT operator, float32 operators, x0 and b = 0', () => {
  // Real operator, complex b: solves real and imaginary parts together.
  const A = operators.matrix(randn([7, 4], { seed: 41, dtype: f64 }));
  const bc = randn([7], { seed: 42, dtype: c128 });
  const refc = pinvSolve(A, bc, 1e-12);
  for (const [name, solve] of SOLVERS) {
    const { x } = solve(A, bc, { tol: 1e-13 });
    assert.equal(x.dtype, c128);
    assertClose(vec(x), refc, 1e-9, `${name} complex b`);
  }
  // rFFT (real-linear, RᴴR = I): the least-squares solution is Rᴴ b.
  const R = operators.rfft([4, 6]);
  const br = randn([...R.outShape], { seed: 43, dtype: c128 });
  for (const [name, solve] of SOLVERS) {
    const { x, info } = solve(R, br, { tol: 1e-13 });
    assert.equal(x.dtype, f64);
    assert.ok(info.iterations <= 2, `${name}: ${info.iterations}`);
    assertClose(vec(x), vec(R.adjoint(br)), 1e-12, `${name} rfft`);
  }
  // float32 operator: default tolerances, single-precision answer.
  const A32 = operators.conv2d(randn([2, 2, 3, 3], { seed: 44, dtype: 'float32' }), { inShape: [2, 6, 6], padding: 1, paddingMode: 'replicate' });
  const xt = randn([2, 6, 6], { seed: 45, dtype: 'float32' });
  const b32 = A32.apply(xt);
  for (const [name, solve] of SOLVERS) {
    const { x, info } = solve(A32, b32, { maxIter: 500 });
    assert.equal(x.dtype, 'float32');
    assert.ok(info.relResidual < 1e-3, `${name} f32: ${JSON.stringify(info)}`);
  }
  // x0 on a full-rank problem gives the same unique solution; b = 0 gives x = 0 at once.
  const ref = pinvSolve(A, randn([7], { seed: 46, dtype: f64 }), 1e-12);
  for (const [name, solve] of SOLVERS) {
    const { x } = solve(A, randn([7], { seed: 46, dtype: f64 }), { x0: randn([4], { seed: 47, dtype: f64 }), tol: 1e-13 });
    assertClose(vec(x), ref, 1e-9, `${name} x0`);
    const z = solve(A, new Tensor(new Float64Array(7), [7], f64));
    assert.equal(z.info.stopReason, 'zeroRhs');
    assert.equal(z.info.iterations, 0);
    assert.deepEqual(Array.from(z.x.data), [0, 0, 0, 0]);
  }
  assert.throws(() => operators.lsqr(A, randn([6], { seed: 0, dtype: f64 })), (e: unknown) => e instanceof AdjointError && e.argument === 'b' && /\[7\]/.test(e.message));
  assert.throws(() => operators.cgls(A, bc, { damp: -1 }), (e: unknown) => e instanceof AdjointError && e.argument === 'damp');
});
