// Gradients through linear operators: apply/adjoint (∂x = Aᴴg, ∂y = Ag) and the conv2d operator's pinv (∂y = (A⁺)ᴴg).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, operators } from '../../src/index.js';
import * as A from '../../src/autograd/index.js';
import { linalg as RawLinalg } from '../../src/index.js';
import { cn, rn } from './helpers.js';

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
