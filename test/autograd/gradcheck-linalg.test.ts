// Gradients of the recorded linalg ops against central finite differences, real and complex, batched.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, eye } from '../../src/index.js';
import * as A from '../../src/autograd/index.js';
import * as LA from '../../src/autograd/ops-linalg.js';
import * as RawLinalg from '../../src/linalg/index.js';
import { cn, rn } from './helpers.js';

type F = (...xs: Tensor[]) => Tensor;
const check = (f: F, xs: Tensor[], opts = {}) => assert.equal(A.gradcheck(f, xs, { atol: 1e-6, rtol: 1e-4, ...opts }), true);

/** A well-conditioned square matrix: n·I plus noise. */
const wellR = (shape: number[]) => rn(shape).add(eye(shape[shape.length - 1]!, undefined, { dtype: 'float64' }).mul(4));
const wellC = (shape: number[]) => cn(shape).add(eye(shape[shape.length - 1]!, undefined, { dtype: 'float64' }).mul(4));
/** Hermitian positive-definite from the lower triangle read by the op: M Mᴴ + n·I. */
const spd = (x: Tensor) => A.add(A.matmul(x, A.conjTranspose(x)), eye(x.shape[x.ndim - 1]!, undefined, { dtype: 'float64' }).mul(x.shape[x.ndim - 1]!));
/** |X|² elementwise (real, phase-gauge invariant). */
const abs2 = (x: Tensor) => A.real(A.mul(x, A.conj(x)));

describe('gradcheck: linalg', () => {
  test('solve: matrix and vector right-hand sides, left and right, broadcast batches', () => {
    check((a, b) => LA.solve(a, b), [wellR([3, 3]), rn([3, 2])]);
    check((a, b) => LA.solve(a, b), [wellC([2, 3, 3]), cn([3, 2])]);
    check((a, b) => LA.solve(a, b), [wellR([2, 3, 3]), rn([2, 3])]);
    check((a, b) => LA.solve(a, b), [wellC([3, 3]), cn([3])]);
    check((a, b) => LA.solve(a, b, { left: false }), [wellR([3, 3]), rn([2, 3])]);
    check((a, b) => LA.solve(a, b, { left: false }), [wellC([3, 3]), cn([2, 2, 3])]);
    check((a, b) => LA.solve(a, b), [wellR([3, 3]), cn([3, 1])]);
  });
  test('inv', () => {
    check((a) => LA.inv(a), [wellR([2, 3, 3])]);
    check((a) => LA.inv(a), [wellC([3, 3])]);
  });
  test('det: regular, complex, batched and singular', () => {
    check((a) => LA.det(a), [rn([2, 3, 3])]);
    check((a) => LA.det(a), [cn([3, 3])]);
    // Rank n−1: the gradient is the adjugate, finite and nonzero.
    const s = new Tensor(Float64Array.from([1, 2, 3, 2, 4, 6, 1, 0, 1]), [3, 3], 'float64');
    check((a) => LA.det(a), [s]);
    const v = A.variable(s);
    const [g] = A.gradients(() => LA.det(v), [v]);
    const want = [[4, 4, -4], [-2, -2, 2], [0, 0, 0]].flat();
    const got = Array.from(g!.contiguousData());
    want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) < 1e-10, `cofactor ${i}: ${got[i]} vs ${w}`));
  });
  test('slogdet: logabsdet real/complex, sign complex; real sign is a constant', () => {
    check((a) => LA.slogdet(a).logabsdet, [rn([2, 3, 3])]);
    check((a) => LA.slogdet(a).logabsdet, [cn([3, 3])]);
    check((a) => LA.slogdet(a).sign, [cn([2, 3, 3])]);
    const x = A.variable(rn([3, 3]));
    assert.equal(LA.slogdet(x).sign.requiresGrad, false);
  });
  test('cholesky: lower and upper, real and complex (gradient on the triangle read)', () => {
    check((x) => LA.cholesky(spd(x)), [rn([3, 3])]);
    check((x) => LA.cholesky(spd(x), { upper: true }), [cn([2, 3, 3])]);
    // Directly on A: only the lower triangle is read, so the upper triangle's gradient is zero.
    const a0 = RawLinalg.cholesky(spd(rn([3, 3])));
    const A0 = A.matmul(a0, A.conjTranspose(a0));
    check((a) => LA.cholesky(a), [A0]);
    const c0 = RawLinalg.cholesky(spd(cn([3, 3])));
    check((a) => LA.cholesky(a), [A.matmul(c0, A.conjTranspose(c0))]);
  });
  test('qr: reduced tall and square, real and complex; wide throws', () => {
    check((a) => LA.qr(a).Q, [rn([4, 3])]);
    check((a) => LA.qr(a).R, [rn([2, 4, 3])]);
    check((a) => A.add(A.sum(LA.qr(a).Q), A.sum(LA.qr(a).R)), [rn([3, 3])]);
    check((a) => LA.qr(a).Q, [cn([4, 3])]);
    check((a) => LA.qr(a).R, [cn([3, 3])]);
    check((a) => LA.qr(a, { mode: 'r' }).R, [cn([4, 2])]);
    assert.throws(() => LA.qr(A.variable(rn([2, 3]))), /m ≥ n/);
  });
  test('eigh: eigenvalues, gauge-invariant eigenvector losses, upper triangle', () => {
    const sym = (x: Tensor) => A.add(x, A.conjTranspose(x));
    check((x) => LA.eigh(sym(x)).eigenvalues, [rn([2, 4, 4])]);
    check((x) => LA.eigvalsh(sym(x)), [cn([3, 3])]);
    check((x) => abs2(LA.eigh(sym(x)).eigenvectors), [rn([4, 4])]);
    check((x) => abs2(LA.eigh(sym(x)).eigenvectors), [cn([2, 3, 3])]);
    const w = new Tensor(Float64Array.from([1, -2, 0.5]), [3], 'float64');
    check((x) => {
      const V = LA.eigh(sym(x), 'U').eigenvectors;
      return A.matmul(A.mul(V, w), A.conjTranspose(V));
    }, [cn([3, 3])]);
    // Directly on A: the triangle read.
    const a0 = sym(rn([3, 3]));
    check((a) => LA.eigh(a).eigenvalues, [a0]);
    check((a) => abs2(LA.eigh(a, 'U').eigenvectors), [sym(cn([3, 3]))]);
  });
  test('eigh: eigenvector gradients for a repeated eigenvalue throw', () => {
    const x = A.variable(eye(3, undefined, { dtype: 'float64' }));
    assert.throws(() => A.gradients(() => A.sum(abs2(LA.eigh(x).eigenvectors)), [x]), /repeated eigenvalues/);
  });
  test('svd / svdvals: real and complex, tall, wide and square, batched', () => {
    check((a) => LA.svdvals(a), [rn([2, 4, 3])]);
    check((a) => LA.svd(a).S, [cn([3, 4])]);
    for (const sh of [[4, 3], [3, 4], [3, 3]]) {
      check((a) => abs2(LA.svd(a, { fullMatrices: false }).U), [rn(sh)]);
      check((a) => abs2(LA.svd(a, { fullMatrices: false }).Vh), [rn(sh)]);
      check((a) => abs2(LA.svd(a, { fullMatrices: false }).U), [cn(sh)]);
      check((a) => abs2(LA.svd(a, { fullMatrices: false }).Vh), [cn(sh)]);
      // U diag(w) Vh is invariant under the joint phase of each singular pair.
      const w = new Tensor(Float64Array.from([1, -2, 0.5]), [3], 'float64');
      check((a) => {
        const { U, Vh } = LA.svd(a, { fullMatrices: false });
        return A.matmul(A.mul(U, w), Vh);
      }, [cn(sh)]);
    }
    check((a) => abs2(LA.svd(a).U), [cn([2, 3, 3])]);
    const x = A.variable(rn([4, 3]));
    assert.throws(() => A.gradients(() => A.sum(LA.svd(x).U), [x]), /not differentiable/);
  });
  test('pinv: full-rank tall, wide, square, complex, hermitian', () => {
    check((a) => LA.pinv(a), [rn([4, 3])]);
    check((a) => LA.pinv(a), [cn([2, 3, 4])]);
    check((a) => LA.pinv(a), [wellC([3, 3])]);
    const sym = (x: Tensor) => A.add(A.add(x, A.conjTranspose(x)), eye(3, undefined, { dtype: 'float64' }).mul(5));
    check((x) => LA.pinv(sym(x), { hermitian: true }), [cn([3, 3])]);
  });
  test('pinv at constant rank: A = U V of rank 2 stays rank 2 under any perturbation of U and V', () => {
    check((u, v) => LA.pinv(A.matmul(u, v)), [rn([4, 2]), rn([2, 3])]);
    check((u, v) => LA.pinv(A.matmul(u, v)), [cn([3, 2]), cn([2, 4])]);
  });
  test('triangularSolve: upper/lower, left/right, unitriangular, real and complex', () => {
    check((a, b) => LA.triangularSolve(a, b, { upper: true }), [wellR([3, 3]), rn([3, 2])]);
    check((a, b) => LA.triangularSolve(a, b, { upper: false, left: false }), [wellC([2, 3, 3]), cn([2, 3])]);
    check((a, b) => LA.triangularSolve(a, b, { upper: false, unitriangular: true }), [rn([3, 3]), rn([2, 3, 1])]);
    check((a, b) => LA.triangularSolve(a, b, { upper: true, left: false, unitriangular: true }), [cn([3, 3]), cn([2, 3])]);
  });
  test('lstsq: solution of a full-rank tall system, matrix and vector B, real and complex', () => {
    check((a, b) => LA.lstsq(a, b).solution, [rn([5, 3]), rn([5, 2])]);
    check((a, b) => LA.lstsq(a, b).solution, [cn([2, 4, 3]), cn([4])]);
    const x = A.variable(rn([4, 3]));
    assert.throws(() => A.gradients(() => A.sum(LA.lstsq(x, rn([4, 1])).residuals), [x]), /not differentiable/);
  });
  test('non-differentiable linalg ops say so in the backward pass', () => {
    const x = A.variable(wellR([3, 3]));
    assert.throws(() => A.gradients(() => A.sum(LA.lu(x).U), [x]), /not differentiable/);
    assert.throws(() => A.gradients(() => LA.matrixNorm(x), [x]), /not differentiable/);
  });
});

describe('recorded linalg namespace', () => {
  test('has every name of the raw linalg namespace, and records', () => {
    const raw = Object.keys(RawLinalg).sort();
    const rec = Object.keys(A.linalg).sort();
    assert.deepEqual(rec, raw);
    const x = A.variable(rn([3, 3]));
    assert.equal(A.linalg.inv(x.add(eye(3, undefined, { dtype: 'float64' }).mul(4))).requiresGrad, true);
    assert.equal(A.linalg.MAX_QR_ITER, RawLinalg.MAX_QR_ITER);
  });
  test('without variables the results equal the raw ops', () => {
    const a = wellC([2, 3, 3]);
    assert.deepEqual(Array.from(A.linalg.inv(a).contiguousData()), Array.from(RawLinalg.inv(a).contiguousData()));
    assert.equal(A.linalg.inv(a).requiresGrad, false);
  });
});
