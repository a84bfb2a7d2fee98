import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdjointError, randn, tensor } from '../../src/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import * as operators from '../../src/operators/index.js';
import { dottest } from '../../src/operators/index.js';
import { irfftn, rfftn } from '../../src/fft/index.js';
import { assertClose, conjT, dense, lincomb, matmul, vec } from './dense-helpers.js';

const f64 = 'float64' as const;
const c128 = 'complex128' as const;

test('matrix operator applies A and its conjugate transpose (real and complex)', () => {
  const A = operators.matrix(tensor([[1, 2], [3, 4], [5, 6]], { dtype: f64 }));
  assert.deepEqual(A.apply(tensor([1, 1], { dtype: f64 })).toArray(), [3, 7, 11]);
  assert.deepEqual(A.adjoint(tensor([1, 0, 1], { dtype: f64 })).toArray(), [6, 8]);
  // [[1+i, 2]] : A x for x = [i, 1] is (1+i)i + 2 = 1 + i; Aᴴ [1] = [1−i, 2].
  const C = operators.matrix(tensor([[[1, 1], [2, 0]]], { dtype: c128 }));
  assert.deepEqual(C.apply(tensor([[0, 1], [1, 0]], { dtype: c128 })).toArray(), [[1, 1]]);
  assert.deepEqual(C.adjoint(tensor([[1, 0]], { dtype: c128 })).toArray(), [[1, -1], [2, 0]]);
  // A real operator applied to complex input acts on both parts.
  assert.deepEqual(A.apply(tensor([[1, 2], [0, 1]], { dtype: c128 })).toArray(), [[1, 4], [3, 10], [5, 16]]);
});

test('dot test passes for matrix, identity, diagonal and FFT operators in every dtype', () => {
  for (const dt of ['float32', 'float64', 'complex64', 'complex128'] as const) {
    const ops = [
      operators.matrix(randn([7, 4], { seed: 1, dtype: dt })),
      operators.matrix(randn([3, 10], { seed: 2, dtype: dt }), { inShape: [2, 5], outShape: [3, 1] }),
      operators.identity([3, 4], { dtype: dt }),
      operators.diagonal(randn([2, 3], { seed: 3, dtype: dt })),
      operators.fft([5, 6], { dtype: dt }),
      operators.fft([4, 7, 3], { dim: [2, 0], dtype: dt }),
      operators.rfft([9], { dtype: dt }),
      operators.rfft([4, 8], { dtype: dt }),
      operators.rfft([5, 3, 6], { dim: [2, 0], dtype: dt }),
      operators.rfft([6, 5], { dim: 0, dtype: dt }),
    ];
    for (const A of ops) {
      for (const op of [A, A.H]) {
        const r = dottest(op, { seed: 5 });
        assert.ok(r.passed, `${op.toString()} (${dt}): relError ${r.relError}`);
        assert.ok(r.relError < (dt === 'float32' || dt === 'complex64' ? 1e-5 : 1e-13), `${op.toString()}: ${r.relError}`);
      }
    }
  }
});

test('dot test detects a wrong adjoint', () => {
  // A "transpose without conjugation" masquerading as the adjoint of a complex matrix.
  const M = randn([4, 3], { seed: 9, dtype: c128 });
  class Wrong extends operators.LinearOperator {
    private readonly A = operators.matrix(M);
    private readonly T = operators.matrix(new Tensor(conjData(M), [4, 3], c128));
    constructor() {
      super({ name: 'Wrong', inShape: [3], outShape: [4], inDtype: c128, outDtype: c128 });
    }
    protected applyBatch(x: Tensor): Tensor {
      return this.A.apply(x);
    }
    protected adjointBatch(y: Tensor): Tensor {
      return this.T.adjoint(y);
    }
  }
  const r = dottest(new Wrong());
  assert.equal(r.passed, false);
  assert.ok(r.relError > 1e-3);
  // And dropping the √2 on the rFFT bins breaks its dot test, as MATH.md says.
  class PlainRfft extends operators.LinearOperator {
    constructor() {
      super({ name: 'PlainRfft', inShape: [8], outShape: [5], inDtype: f64, outDtype: c128 });
    }
    protected applyBatch(x: Tensor): Tensor {
      return rfftn(x, { dim: [1], norm: 'ortho' });
    }
    protected adjointBatch(y: Tensor): Tensor {
      return irfftn(y, { dim: [1], s: [8], norm: 'ortho' });
    }
  }
  assert.equal(dottest(new PlainRfft()).passed, false);
  assert.ok(dottest(operators.rfft([8])).passed);
});

function conjData(t: Tensor): Float64Array {
  const d = Float64Array.from(t.data as Float64Array);
  for (let i = 1; i < d.length; i += 2) d[i] = -d[i]!;
  return d;
}

test('FFT operators match the DFT matrix; the rFFT is an isometry with √2 on partnered bins', () => {
  const n = 5;
  const F = dense(operators.fft([n]).toDense());
  for (let k = 0; k < n; k++)
    for (let m = 0; m < n; m++) {
      const ang = (-2 * Math.PI * k * m) / n;
      assert.ok(Math.abs(F.re[k * n + m]! - Math.cos(ang) / Math.sqrt(n)) < 1e-14);
      assert.ok(Math.abs(F.im[k * n + m]! - Math.sin(ang) / Math.sqrt(n)) < 1e-14);
    }
  for (const len of [6, 7]) {
    const R = dense(operators.rfft([len]).toDense());
    assert.equal(R.m, Math.floor(len / 2) + 1);
    for (let k = 0; k < R.m; k++) {
      const c = k === 0 || 2 * k === len ? 1 : Math.SQRT2;
      for (let m = 0; m < len; m++) {
        const ang = (-2 * Math.PI * k * m) / len;
        assert.ok(Math.abs(R.re[k * len + m]! - (c * Math.cos(ang)) / Math.sqrt(len)) < 1e-14);
        assert.ok(Math.abs(R.im[k * len + m]! - (c * Math.sin(ang)) / Math.sqrt(len)) < 1e-14);
      }
    }
    // Rᴴ R = I and ‖R x‖ = ‖x‖ for real x.
    const Rop = operators.rfft([3, len]);
    const x = randn([3, len], { seed: len, dtype: f64 });
    assertClose(vec(Rop.H.apply(Rop.apply(x))), vec(x), 1e-13, `RᴴR x, n=${len}`);
    const nx = Math.hypot(...(x.data as Float64Array));
    const nr = Math.hypot(...(Rop.apply(x).data as Float64Array));
    assert.ok(Math.abs(nx - nr) < 1e-12 * nx);
  }
  assert.throws(
    () => operators.rfft([8]).apply(randn([8], { seed: 0, dtype: c128 })),
    (e: unknown) => e instanceof AdjointError && e.argument === 'x' && /real tensor/.test(e.message),
  );
  assert.throws(() => operators.rfft([8]).H.toDense(), (e: unknown) => e instanceof AdjointError && /reals only/.test(e.message));
});

test('toDense of adjoint, composition, sum, difference and scaling equals the dense algebra', () => {
  const A = operators.matrix(randn([5, 4], { seed: 1, dtype: c128 }));
  const B = operators.matrix(randn([4, 3], { seed: 2, dtype: f64 }));
  const C = operators.matrix(randn([5, 4], { seed: 3, dtype: f64 }));
  const D = operators.diagonal(randn([4], { seed: 4, dtype: c128 }));
  const dA = dense(A.toDense());
  const dB = dense(B.toDense());
  const dC = dense(C.toDense());
  const dD = dense(D.toDense());
  const tol = 1e-13;
  const eq = (got: Tensor, want: ReturnType<typeof dense>, what: string): void => {
    const g = dense(got);
    assert.equal(g.m, want.m, what);
    assert.equal(g.n, want.n, what);
    assertClose({ re: g.re, im: g.im }, { re: want.re, im: want.im }, tol, what);
  };
  eq(A.H.toDense(), conjT(dA), 'Aᴴ');
  assert.equal(A.H.H, A);
  eq(A.compose(B).toDense(), matmul(dA, dB), 'A∘B');
  eq(A.compose(D).compose(B).toDense(), matmul(matmul(dA, dD), dB), 'A∘D∘B');
  eq(A.add(C).toDense(), lincomb(dA, [1, 0], dC, [1, 0]), 'A+C');
  eq(A.sub(C).toDense(), lincomb(dA, [1, 0], dC, [-1, 0]), 'A−C');
  eq(C.scale([0.5, -2]).toDense(), lincomb(dC, [0.5, -2], dC, [0, 0]), '(0.5−2i)C');
  eq(A.scale(3).neg().toDense(), lincomb(dA, [-3, 0], dA, [0, 0]), '−3A');
  eq(A.add(C).scale([0, 1]).H.toDense(), conjT(lincomb(dA, [0, 1], dC, [0, 1])), '(i(A+C))ᴴ');
  eq(C.H.compose(A).toDense(), matmul(conjT(dC), dA), 'CᴴA');
  // Composite operators pass the dot test too, including real-linear pieces (rFFT).
  const R = operators.rfft([6]);
  const G = operators.matrix(randn([4, 4], { seed: 7, dtype: c128 }));
  for (const op of [A.compose(B), A.add(C).scale([0, 1]), G.compose(R), R.H.compose(G), R.scale([1, 2]), R.add(R.scale([0, 1])), C.H.compose(A).sub(B.compose(B.H).scale([0, 1]))]) {
    const r = dottest(op, { seed: 3 });
    assert.ok(r.passed, `${op.toString()}: ${r.relError}`);
  }
  // C → R → C: both spaces complex, but only real-linear; its adjoint keeps Re(Gᴴy) in the real middle space.
  const G3 = operators.matrix(randn([3, 6], { seed: 8, dtype: c128 }));
  const GRH = G3.compose(R.H);
  assert.equal(GRH.isComplexLinear, false);
  const rr = dottest(GRH, { seed: 4 });
  assert.ok(rr.passed && typeof rr.lhs === 'number', `${GRH.toString()}: ${rr.relError}`);
  assert.ok(dottest(GRH.H.compose(GRH).add(operators.identity([4], { dtype: c128 }))).passed);
  assert.throws(() => GRH.toDense(), (e: unknown) => e instanceof AdjointError && /reals only/.test(e.message));
  assert.equal(A.compose(B).isComplexLinear, true);
  assert.deepEqual(G.compose(R).inDtype, 'float64');
  assert.deepEqual(C.compose(B).dtype, 'float64');
  assert.deepEqual(A.compose(B).inDtype, 'complex128');
});

test('batched apply maps over a leading batch dim', () => {
  const A = operators.matrix(randn([3, 4], { seed: 1, dtype: f64 }), { inShape: [2, 2] });
  const X = randn([5, 2, 2], { seed: 2, dtype: f64 });
  const Y = A.apply(X);
  assert.deepEqual(Y.shape, [5, 3]);
  const xd = X.data as Float64Array;
  for (let b = 0; b < 5; b++) {
    const y1 = A.apply(new Tensor(xd.slice(b * 4, b * 4 + 4), [2, 2], f64));
    assert.deepEqual(Array.from(y1.data), Array.from((Y.data as Float64Array).slice(b * 3, b * 3 + 3)));
  }
  // Through the algebra too: (AᴴA) on a batch equals AᴴA on each item.
  const N = A.H.compose(A);
  const Z = N.apply(X);
  assert.deepEqual(Z.shape, [5, 2, 2]);
  const z2 = N.apply(new Tensor(xd.slice(8, 12), [2, 2], f64));
  assert.deepEqual(Array.from(z2.data), Array.from((Z.data as Float64Array).slice(8, 12)));
});

test('shape errors name the argument and the expected shape; toDense refuses above its limit', () => {
  const A = operators.matrix(randn([3, 4], { seed: 1, dtype: f64 }));
  const B = operators.matrix(randn([5, 2], { seed: 1, dtype: f64 }));
  assert.throws(
    () => A.apply(randn([3], { seed: 0, dtype: f64 })),
    (e: unknown) => e instanceof AdjointError && e.argument === 'x' && /shape \[4\] or \[batch, 4\]/.test(e.message) && /got \[3\]/.test(e.message),
  );
  assert.throws(() => A.adjoint(randn([4], { seed: 0, dtype: f64 })), (e: unknown) => e instanceof AdjointError && e.argument === 'y' && /\[3\]/.test(e.message));
  assert.throws(() => A.compose(B), (e: unknown) => e instanceof AdjointError && e.argument === 'B' && /outShape \[4\]/.test(e.message));
  assert.throws(() => A.add(B), (e: unknown) => e instanceof AdjointError && e.argument === 'B');
  assert.throws(() => A.scale(Number.NaN), (e: unknown) => e instanceof AdjointError && e.argument === 'alpha');
  const big = operators.identity([4097, 4097]);
  assert.throws(() => big.toDense(), (e: unknown) => e instanceof AdjointError && /16785409 × 16785409/.test(e.message) && /16777216/.test(e.message) && /2\^24/.test(e.message));
  assert.throws(() => A.toDense({ maxEntries: 11 }), (e: unknown) => e instanceof AdjointError && /limit of 11/.test(e.message));
  assert.throws(() => operators.matrix(randn([2, 3], { seed: 0 }), { inShape: [4] }), (e: unknown) => e instanceof AdjointError && e.argument === 'inShape');
  // rFFT output is complex: composing it into an operator that takes real input only is refused.
  assert.throws(() => operators.rfft([4]).compose(operators.fft([4])), (e: unknown) => e instanceof AdjointError && e.argument === 'B');
});
