// Gradients through linear operators: apply/adjoint (∂x = Aᴴg, ∂y = Ag), the conv2d operator's pinv (∂y = (A⁺)ᴴg), and w.r.t. the operator's own kernel/matrix.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, operators, randn as rnd, allclose, matmul as mm } from '../../src/index.js';
import * as A from '../../src/autograd/index.js';
import { linalg as RawLinalg } from '../../src/index.js';
import { cn, rn } from './helpers.js';
import * as P from '../../src/autograd/ops-operators.js';

type F = (...xs: Tensor[]) => Tensor;
const check = (f: F, xs: Tensor[]) => assert.equal(A.gradcheck(f, xs, { atol: 1e-6, rtol: 1e-4 }), true);

describe('gradients through linear operators', () => {
  test('matrix operator: apply and adjoint, real and complex, batched', () => {
    const M = operators.matrix(rn([4, 3]));
    check((x) => M.apply(x), [rn([3])]);
    check((y) => M.adjoint(y), [rn([2, 4])]);
    const Mc = operators.matrix(cn([3, 3]));
    check((x) => Mc.apply(x), [cn([2, 3])]);
    check((y) => Mc.adjoint(y), [cn([3])]);
    // A real input to a complex operator gets the real part of Aᴴg (PyTorch's rule).
    check((x) => Mc.apply(x), [rn([3])]);
  });
  test('composed operators and the rFFT (real in, complex out)', () => {
    const B = operators.matrix(rn([4, 4])).compose(operators.diagonal(rn([4])));
    check((x) => B.apply(x), [rn([4])]);
    check((y) => B.H.apply(y), [rn([4])]);
    const R = operators.rfft([6]);
    check((x) => R.apply(x), [rn([6])]);
    check((y) => R.adjoint(y), [cn([4])]);
  });
  test('conv2d operator: apply and adjoint, chained with recorded ops', () => {
    const C = operators.conv2d(rn([2, 2, 3, 3]), { inShape: [2, 4, 4], padding: 1 });
    check((x) => C.apply(x), [rn([2, 4, 4])]);
    check((y) => C.adjoint(y), [rn([2, 2, 4, 4])]);
    const x = A.variable(rn([2, 4, 4]));
    const [g] = A.gradients(() => C.apply(x).pow(2).sum(), [x]);
    // ∂/∂x |Cx|² = 2 Cᴴ C x.
    const want = C.adjoint(C.apply(x.detach())).mul(2).contiguousData();
    const got = g!.contiguousData();
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-10);
  });
  test('without variables nothing is recorded', () => {
    const M = operators.matrix(rn([3, 3]));
    assert.equal(M.apply(rn([3])).requiresGrad, false);
    assert.equal(M.apply(A.variable(rn([3]))).requiresGrad, true);
  });
  test('conv2d pinv: ∂y = (A⁺)ᴴg on the circular FFT path and the dense path, batched, vs a dense reference', () => {
    const C = operators.conv2d(rn([2, 2, 3, 3]), { inShape: [2, 4, 4], padding: 1, paddingMode: 'circular' });
    assert.equal(C.pinv(A.variable(rn([2, 4, 4]))).info.method, 'fft');
    check((y) => C.pinv(y).x, [rn([2, 4, 4])]);
    check((y) => C.pinv(y, { method: 'dense' }).x, [rn([2, 2, 4, 4])]);
    const W = operators.conv2d(rn([3, 2, 2, 2]), { inShape: [2, 3, 3] });
    check((y) => W.pinv(y, { method: 'dense' }).x, [rn([3, 2, 2])]);
    // Against (pinv(dense A))ᴴ g.
    const y = A.variable(rn([2, 4, 4]));
    const gOut = rn([2, 4, 4]);
    const [gy] = A.gradients(() => A.mul(C.pinv(y).x, gOut).sum(), [y]);
    const P = RawLinalg.pinv(C.toDense());
    const ref = A.matmul(A.conjTranspose(P), gOut.reshape([32])).contiguousData();
    const got = gy!.contiguousData();
    for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(got[i]! - ref[i]!) < 1e-9, `${i}: ${got[i]} vs ${ref[i]}`);
  });
  test('conv2d pinv with a complex kernel', () => {
    const C = operators.conv2d(cn([1, 1, 2, 2]), { inShape: [1, 4, 4], padding: [1, 1], paddingMode: 'circular', dilation: 1 });
    check((y) => C.pinv(y).x, [cn([...C.outShape])]);
  });
});

describe("gradients with respect to an operator's own parameters", () => {
  const checkW = (f: F, xs: Tensor[]) => assert.equal(A.gradcheck(f, xs, { atol: 1e-6, rtol: 1e-4 }), true);
  test('conv2d operator apply/adjoint: kernel and input together, every padding mode, stride, dilation, groups', () => {
    const cases: Array<[number[], Parameters<typeof P.conv2dOperator>[1]]> = [
      [[2, 2, 3, 3], { inShape: [2, 4, 4], padding: 1 }],
      [[2, 2, 3, 3], { inShape: [2, 5, 4], padding: 1, paddingMode: 'circular' }],
      [[2, 1, 2, 3], { inShape: [2, 5, 6], padding: [1, 1], paddingMode: 'reflect', stride: [2, 1], groups: 2 }],
      [[1, 2, 2, 2], { inShape: [2, 5, 5], padding: 'same', paddingMode: 'replicate', dilation: 2 }],
      [[2, 1, 3, 3], { inShape: [1, 4, 5], padding: 'valid' }],
    ];
    for (const [ws, o] of cases) {
      const x0 = rn([2, ...o.inShape]);
      checkW((w, x) => P.conv2dOperator(w, o).apply(x), [rn(ws), x0]);
      checkW((w) => P.conv2dOperator(w, o).apply(x0), [rn(ws)]);
      const outShape = P.conv2dOperator(rn(ws), o).outShape;
      checkW((w, y) => P.conv2dOperator(w, o).adjoint(y), [rn(ws), rn([...outShape])]);
    }
    // Complex kernel.
    const o = { inShape: [1, 4, 4], padding: 1, paddingMode: 'circular' as const };
    checkW((w, x) => P.conv2dOperator(w, o).apply(x), [cn([2, 1, 3, 3]), cn([1, 4, 4])]);
    checkW((w, y) => P.conv2dOperator(w, o).adjoint(y), [cn([2, 1, 3, 3]), cn([2, 4, 4])]);
  });
  test('conv2d operator apply: kernel gradient equals nn.conv2d\'s', () => {
    const w0 = rn([2, 2, 3, 3]);
    const x = rn([2, 5, 4]);
    const gOut = rn([2, 5, 4]);
    const o = { padding: 1, paddingMode: 'reflect' as const };
    const W1 = A.variable(w0);
    const [g1] = A.gradients(() => A.mul(P.conv2dOperator(W1, { inShape: [2, 5, 4], ...o }).apply(x), gOut).sum(), [W1]);
    const W2 = A.variable(w0);
    const [g2] = A.gradients(() => A.mul(A.nn.conv2d(x.reshape([1, 2, 5, 4]), W2, o), gOut.reshape([1, 2, 5, 4])).sum(), [W2]);
    const a = g1!.contiguousData();
    const b = g2!.contiguousData();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-12);
    // operators.conv2d keeps the tensor it was built from as `source`, so a variable kernel gets its gradient.
    const W3 = A.variable(w0);
    const [g3] = A.gradients(() => A.mul(operators.conv2d(W3, { inShape: [2, 5, 4], ...o }).apply(x), gOut).sum(), [W3]);
    const c = g3!.contiguousData();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - c[i]!) < 1e-12);
  });
  test('matrix operator: ∂M = g xᴴ for apply and y gᴴ for adjoint, real and complex, batched', () => {
    checkW((m, x) => P.matrixOperator(m).apply(x), [rn([4, 3]), rn([2, 3])]);
    checkW((m, y) => P.matrixOperator(m).adjoint(y), [rn([4, 3]), rn([4])]);
    checkW((m, x) => P.matrixOperator(m).apply(x), [cn([3, 3]), cn([2, 3])]);
    checkW((m, y) => P.matrixOperator(m).adjoint(y), [cn([3, 2]), cn([2, 3])]);
    const x22 = rn([2, 2]);
    checkW((m) => P.matrixOperator(m, { inShape: [2, 2] }).apply(x22), [rn([3, 4])]);
  });
  test('conv2d pinv: kernel gradient at full rank, fft (circular) and dense (zeros, valid) paths, real and complex', () => {
    // Square circular conv (fft path, invertible for a generic kernel).
    const oc = { inShape: [2, 4, 4], padding: 1, paddingMode: 'circular' as const };
    assert.equal(P.conv2dOperator(rn([2, 2, 3, 3]), oc).pinv(rn([2, 4, 4])).info.method, 'fft');
    checkW((w, y) => P.conv2dOperator(w, oc).pinv(y).x, [rn([2, 2, 3, 3]), rn([2, 4, 4])]);
    const y45 = cn([1, 4, 5]);
    checkW((w) => P.conv2dOperator(w, { inShape: [1, 4, 5], padding: 1, paddingMode: 'circular' }).pinv(y45).x, [cn([1, 1, 3, 3])]);
    // Tall (c_out > c_in, zeros padding): full column rank, y not in the range (r ≠ 0 term).
    checkW((w, y) => P.conv2dOperator(w, { inShape: [1, 4, 4], padding: 1 }).pinv(y, { method: 'dense' }).x, [rn([2, 1, 3, 3]), rn([2, 4, 4])]);
    // Valid conv, tall in space: 6×5 → 5×4 with 2 channels out of 1 (40 outputs, 30 inputs).
    checkW((w, y) => P.conv2dOperator(w, { inShape: [1, 6, 5], padding: 'valid' }).pinv(y, { method: 'dense' }).x, [rn([2, 1, 2, 2]), rn([2, 5, 4])]);
    // Wide (c_out < c_in): full row rank, the null-space term (I − A⁺A) is active. Batched y.
    checkW((w, y) => P.conv2dOperator(w, { inShape: [2, 4, 4], padding: 1 }).pinv(y, { method: 'dense' }).x, [rn([1, 2, 3, 3]), rn([2, 1, 4, 4])]);
    checkW((w, y) => P.conv2dOperator(w, { inShape: [2, 4, 4], padding: 1, paddingMode: 'circular' }).pinv(y).x, [cn([1, 2, 3, 3]), cn([1, 4, 4])]);
    // Complex, dense path.
    checkW((w, y) => P.conv2dOperator(w, { inShape: [1, 4, 4], padding: 1 }).pinv(y, { method: 'dense' }).x, [cn([2, 1, 3, 3]), cn([2, 4, 4])]);
  });
  test('conv2d pinv kernel gradient vs a dense reference (pinv of the matrix operator)', () => {
    const w0 = rn([1, 2, 3, 3]);
    const y = rn([1, 4, 4]);
    const gOut = rn([2, 4, 4]);
    const W = A.variable(w0);
    const [gw] = A.gradients(() => A.mul(P.conv2dOperator(W, { inShape: [2, 4, 4], padding: 1 }).pinv(y, { method: 'dense' }).x, gOut).sum(), [W]);
    // Reference: the dense matrix D(w) = Σ_k w_k D_k is linear in w; differentiate pinv(D) through linalg.
    const basis = Array.from({ length: 18 }, (_, k) => {
      const e = new Float64Array(18);
      e[k] = 1;
      return operators.conv2d(new Tensor(e, [1, 2, 3, 3], 'float64'), { inShape: [2, 4, 4], padding: 1 }).toDense();
    });
    const Wr = A.variable(w0);
    const [ref] = A.gradients(() => {
      let D = A.mul(A.index(Wr.reshape([18]), 0), basis[0]!);
      for (let k = 1; k < 18; k++) D = A.add(D, A.mul(A.index(Wr.reshape([18]), k), basis[k]!));
      const x = A.matmul(A.linalg.pinv(D), y.reshape([16]));
      return A.mul(x, gOut.reshape([32])).sum();
    }, [Wr]);
    const a = gw!.contiguousData();
    const b = ref!.contiguousData();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-8, `${i}: ${a[i]} vs ${b[i]}`);
  });
  test('pinv with damp and a kernel variable: the backward pass throws', () => {
    const W = A.variable(rn([1, 1, 3, 3]));
    const C = P.conv2dOperator(W, { inShape: [1, 4, 4], padding: 1, paddingMode: 'circular' });
    assert.throws(() => A.gradients(() => C.pinv(rn([1, 4, 4]), { damp: 0.1 }).x.sum(), [W]), /damp/);
  });
});

test('operators.matrix built from a variable routes the matrix gradient (g xᵀ summed over the batch)', () => {
  const M = A.variable(rnd([3, 2], { seed: 11, dtype: 'float64' }));
  const x = rnd([4, 2], { seed: 12, dtype: 'float64' });
  const g = rnd([4, 3], { seed: 13, dtype: 'float64' });
  const [dM] = A.gradients(() => A.mul(operators.matrix(M).apply(x), g).sum(), [M]);
  const expected = mm(g.mT, x); // Σ_b g_b x_bᵀ
  assert.ok(allclose(dM!, expected, { rtol: 1e-12, atol: 1e-12 }), 'matrix gradient differs from g xᵀ');
});
