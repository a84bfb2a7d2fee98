import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AdjointError, tensor } from '../../src/index.js';
import { lstsq, matrixRank, pinv, svd } from '../../src/linalg/spectral.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { gaussJordanInverse } from '../../src/linalg/kernels/pinv.js';
import { DTYPES, ct, diagM, epsOf, eyeM, fixM, fro, fromM, lowRank, mat, mul, randT, sub, type FloatDT, type M } from './spectral-helpers.js';

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/linalg_spectral.json', import.meta.url), 'utf8'));

/** The four Moore–Penrose conditions, relative to the sizes involved, tolerance c·ε·κ-free (well-separated ranks). */
function checkPenrose(A: M, X: M, eps: number, c = 200): void {
  const AX = mul(A, X), XA = mul(X, A);
  const nA = Math.max(fro(A), 1e-300), nX = Math.max(fro(X), 1e-300);
  const tol = c * Math.max(A.m, A.n) * eps;
  assert.ok(fro(sub(mul(AX, A), A)) <= tol * nA * nA * nX, `AXA = A: ${fro(sub(mul(AX, A), A)) / nA}`);
  assert.ok(fro(sub(mul(XA, X), X)) <= tol * nX * nX * nA, `XAX = X: ${fro(sub(mul(XA, X), X)) / nX}`);
  assert.ok(fro(sub(ct(AX), AX)) <= tol * nA * nX, `(AX)ᴴ = AX: ${fro(sub(ct(AX), AX))}`);
  assert.ok(fro(sub(ct(XA), XA)) <= tol * nA * nX, `(XA)ᴴ = XA: ${fro(sub(ct(XA), XA))}`);
}

function checkPinvBatch(A: Tensor, opts = {}): void {
  const X = pinv(A, opts);
  const m = A.shape[A.ndim - 2]!, n = A.shape[A.ndim - 1]!;
  assert.deepEqual(X.shape, [...A.shape.slice(0, -2), n, m]);
  assert.equal(X.dtype, A.dtype);
  const count = A.numel / Math.max(m * n, 1);
  for (let b = 0; b < (m * n === 0 ? 0 : count); b++) checkPenrose(mat(A, b), mat(X, b), epsOf(A.dtype));
}

test('pinv satisfies the Moore–Penrose conditions: square, tall, wide, all dtypes', () => {
  let seed = 10;
  for (const dt of DTYPES) {
    for (const [m, n] of [[5, 5], [7, 4], [4, 7], [1, 3], [3, 1], [16, 16]] as const) checkPinvBatch(randT([3, m, n], dt, seed++));
  }
});

test('pinv of exactly rank-deficient matrices (low-rank products) and their matrixRank', () => {
  let seed = 200;
  for (const dt of DTYPES) {
    const cplx = dt.startsWith('complex');
    for (const [m, n, r] of [[6, 6, 3], [8, 5, 2], [5, 8, 4], [7, 7, 1], [6, 4, 0]] as const) {
      const L = r === 0 ? { m, n, re: new Float64Array(m * n), im: new Float64Array(m * n) } : lowRank(m, n, r, cplx, seed++);
      const A = fromM(L, dt);
      checkPinvBatch(A);
      assert.equal(matrixRank(A).item(), r, `${dt} ${m}x${n} rank ${r}`);
      // The pinv has rank r too (the dropped directions really are dropped).
      assert.equal(matrixRank(pinv(A)).item(), r);
    }
  }
});

test('pinv matches NumPy on a complex rank-2 5×3 matrix; lstsq matches numpy.linalg.lstsq', () => {
  const f = fixtures.lowrank_c;
  const A = fromM(fixM(f.A), 'complex128');
  const X = mat(pinv(A));
  const ref = fixM(f.pinv);
  assert.ok(fro(sub(X, ref)) <= 1e-12 * fro(ref), `pinv vs NumPy ${fro(sub(X, ref))}`);
  const B = fromM(fixM(f.B), 'complex128');
  const r = lstsq(A, B);
  assert.equal(r.rank.item(), f.rank);
  assert.ok(fro(sub(mat(r.solution), fixM(f.x))) <= 1e-12 * fro(fixM(f.x)));
  assert.deepEqual(r.residuals.shape, [0]); // rank-deficient: no residuals (NumPy/PyTorch rule)
  const s = Array.from(r.singularValues.data);
  (f.s as number[]).forEach((v, j) => assert.ok(Math.abs(s[j]! - v) <= 1e-13 * f.s[0]));

  const t = fixtures.tall_r;
  const rt = lstsq(fromM(fixM(t.A), 'float64'), fromM(fixM(t.B), 'float64'));
  assert.ok(fro(sub(mat(rt.solution), fixM(t.x))) <= 1e-13 * fro(fixM(t.x)));
  const res = Array.from(rt.residuals.data);
  (t.residuals as number[]).forEach((v, j) => assert.ok(Math.abs(res[j]! - v) <= 1e-12 * v));
  assert.equal(rt.rank.item(), 3);
});

test('Gauss–Jordan kernel (pinv fast path): A·X = I for real and complex n = 1…9, and singular input is refused', () => {
  for (const cplx of [false, true]) {
    for (let n = 1; n <= 9; n++) {
      const A = mat(randT([n, n], cplx ? 'complex128' : 'float64', 900 + n));
      const xr = new Float64Array(A.re), xi = cplx ? new Float64Array(A.im) : null;
      assert.equal(gaussJordanInverse(n, xr, xi, new Int32Array(n)), true);
      const X = { m: n, n, re: xr, im: xi ?? new Float64Array(n * n) };
      assert.ok(fro(sub(mul(A, X), eyeM(n))) < 1e-12 * Math.max(1, fro(X)), `${cplx} n=${n}`);
    }
    // Exactly singular: second column a multiple of the first (caught at the paired second pivot) and a zero column.
    const S1 = new Float64Array([1, 2, 3, 2, 4, 5, 3, 6, 7]);
    assert.equal(gaussJordanInverse(3, S1, cplx ? new Float64Array(9) : null, new Int32Array(3)), false);
    const S2 = new Float64Array([0, 1, 0, 2]);
    assert.equal(gaussJordanInverse(2, S2, cplx ? new Float64Array(4) : null, new Int32Array(2)), false);
  }
});

test('Gauss–Jordan kernel: minPivot refuses a matrix whose LU pivot falls below it, at every pivot position', () => {
  // diag(1, …, 1, d) with the small pivot placed at position q: the pivots of the partially pivoted LU are the
  // diagonal itself, so minPivot just above |d| refuses and just below accepts (odd n exercises the last
  // single pivot of the complex kernel, even q its paired second pivot).
  for (const cplx of [false, true]) {
    for (const n of [4, 5]) {
      for (let q = 0; q < n; q++) {
        const make = (): [Float64Array, Float64Array | null] => {
          const xr = new Float64Array(n * n), xi = cplx ? new Float64Array(n * n) : null;
          for (let i = 0; i < n; i++) xr[i * n + i] = 1;
          xr[q * n + q] = 1e-3;
          if (xi) xi[q * n + q] = 1e-3; // |d| = √2·1e-3
          return [xr, xi];
        };
        const d = cplx ? Math.SQRT2 * 1e-3 : 1e-3;
        const [ar, ai] = make();
        assert.equal(gaussJordanInverse(n, ar, ai, new Int32Array(n), 1.01 * d), false, `${cplx} n=${n} q=${q} refused`);
        const [br, bi] = make();
        assert.equal(gaussJordanInverse(n, br, bi, new Int32Array(n), 0.99 * d), true, `${cplx} n=${n} q=${q} accepted`);
        assert.ok(Math.abs(br[q * n + q]! - (cplx ? 500 : 1000)) < 1e-9, 'the inverse is still computed');
      }
    }
  }
});

test('pinv of a batch mixing full-rank and rank-deficient matrices equals pinv of each matrix alone', () => {
  const n = 12;
  for (const dt of ['float64', 'complex128'] as const) {
    const full = randT([n, n], dt, 31);
    const low = fromM(lowRank(n, n, 5, dt === 'complex128', 32), dt);
    const both = [full, low, full];
    const cat = new Tensor(new Float64Array([...full.data, ...low.data, ...full.data]), [3, n, n], dt);
    const X = pinv(cat);
    both.forEach((a, b) => {
      const ref = mat(pinv(a));
      assert.ok(fro(sub(mat(X, b), ref)) <= 1e-12 * fro(ref), `${dt} matrix ${b}`);
    });
    checkPenrose(mat(low), mat(pinv(low)), epsOf(dt));
  }
});

test('pinv of the 8×8 Hilbert matrix (κ ≈ 1.5e10, SVD path) matches its exact integer inverse to κ·ε', () => {
  const n = 8;
  const binom = (a: number, b: number): number => {
    let r = 1;
    for (let i = 1; i <= b; i++) r = (r * (a - b + i)) / i;
    return r;
  };
  const H = { m: n, n, re: new Float64Array(n * n), im: new Float64Array(n * n) };
  const Hinv = { m: n, n, re: new Float64Array(n * n), im: new Float64Array(n * n) };
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= n; j++) {
      H.re[(i - 1) * n + j - 1] = 1 / (i + j - 1);
      Hinv.re[(i - 1) * n + j - 1] = (-1) ** (i + j) * (i + j - 1) * binom(n + i - 1, n - j) * binom(n + j - 1, n - i) * binom(i + j - 2, i - 1) ** 2;
    }
  const X = mat(pinv(fromM(H, 'float64'), { rtol: 1e-13 }));
  assert.ok(fro(sub(X, Hinv)) <= 1e-5 * fro(Hinv), `pinv(H8) error ${fro(sub(X, Hinv)) / fro(Hinv)}`);
  assert.equal(matrixRank(fromM(H, 'float64')).item(), 8);
  assert.equal(matrixRank(fromM(H, 'float64'), { rtol: 1e-9 }).item(), 7);
});

test('lstsq minimum-norm solution equals pinv(A)·B (rank-deficient, tall, wide, batched and broadcast, vector B)', () => {
  let seed = 300;
  for (const dt of DTYPES) {
    const cplx = dt.startsWith('complex');
    for (const [m, n, r] of [[7, 4, 2], [4, 7, 3], [5, 5, 5], [6, 3, 3]] as const) {
      const A = fromM(lowRank(m, n, r, cplx, seed++), dt);
      const B = randT([2, m, 3], dt, seed++); // broadcasts A over B's batch
      const sol = lstsq(A, B).solution;
      assert.deepEqual(sol.shape, [2, n, 3]);
      const P = mat(pinv(A));
      for (let b = 0; b < 2; b++) {
        const ref = mul(P, mat(B, b));
        assert.ok(fro(sub(mat(sol, b), ref)) <= 100 * Math.max(m, n) * epsOf(dt) * Math.max(fro(ref), 1), `${dt} ${m}x${n}`);
      }
    }
  }
  const A = tensor([[1, 0], [0, 1], [1, 1]], { dtype: 'float64' });
  const v = lstsq(A, tensor([1, 2, 3], { dtype: 'float64' }));
  assert.deepEqual(v.solution.shape, [2]);
  const x = Array.from(v.solution.data);
  assert.ok(Math.abs(x[0]! - 1) < 1e-14 && Math.abs(x[1]! - 2) < 1e-14);
  assert.ok(Math.abs(v.residuals.item() as number) < 1e-28);
});

test('cut-off follows PyTorch: σ > max(atol, rtol·σ1), rtol defaults to max(m,n)·ε unless atol is given', () => {
  const D = (s: number[]) => fromM(diagM(s, s.length, s.length), 'float64');
  assert.equal(matrixRank(D([1, 1e-16])).item(), 1); // 1e-16 < 2·ε
  assert.equal(matrixRank(D([1, 1e-16]), { atol: 1e-20 }).item(), 2); // atol alone: rtol = 0
  assert.equal(matrixRank(D([1, 1e-16]), { atol: 0 }).item(), 1); // atol = 0 counts as not given
  assert.equal(matrixRank(D([1, 1e-3, 1e-10]), { rtol: 1e-5 }).item(), 2);
  assert.equal(matrixRank(D([2, 1e-3, 1e-10]), { atol: 1e-3 }).item(), 1); // strictly greater
  assert.equal(matrixRank(D([1, 1e-3, 1e-10]), { atol: 0.5, rtol: 1e-12 }).item(), 1);
  // float32: default rtol = n·2^-23
  assert.equal(matrixRank(fromM(diagM([1, 3e-7, 1e-3], 3, 3), 'float32')).item(), 2);
  const X = mat(pinv(D([4, 1e-3, 1e-10]), { rtol: 1e-5 }));
  assert.deepEqual(Array.from(X.re), [0.25, 0, 0, 0, 1000, 0, 0, 0, 0]);
  // Square fast path and SVD path agree: the same matrix with an rtol that forces the SVD.
  const A = randT([12, 12], 'complex128', 77);
  const P1 = mat(pinv(A));
  const { U, S, Vh } = svd(A);
  const P2 = mul(mul(ct(mat(Vh)), diagM(Array.from(S.data).map((x) => 1 / x), 12, 12)), ct(mat(U)));
  assert.ok(fro(sub(P1, P2)) <= 1e-12 * fro(P2));
});

test('hermitian = true agrees with the general pinv and matrixRank on Hermitian (indefinite, singular) input', () => {
  let seed = 500;
  for (const dt of DTYPES) {
    const cplx = dt.startsWith('complex');
    const L = lowRank(6, 3, 3, cplx, seed++);
    // H = L·D·Lᴴ with D = diag(1, -2, 3): indefinite, rank 3 of 6.
    const H = mul(mul(L, diagM([1, -2, 3], 3, 3)), ct(L));
    const A = fromM(H, dt);
    const Xh = mat(pinv(A, { hermitian: true }));
    const Xg = mat(pinv(A));
    assert.ok(fro(sub(Xh, Xg)) <= 1e4 * epsOf(dt) * fro(Xg), `${dt}: ${fro(sub(Xh, Xg)) / fro(Xg)}`);
    assert.equal(matrixRank(A, { hermitian: true }).item(), 3);
  }
});

test('empty matrices, batches and errors', () => {
  assert.deepEqual(pinv(new Tensor(new Float64Array(0), [2, 0, 3], 'float64')).shape, [2, 3, 0]);
  assert.deepEqual(pinv(new Tensor(new Float64Array(0), [0, 4, 3], 'float64')).shape, [0, 3, 4]);
  assert.deepEqual(Array.from(matrixRank(new Tensor(new Float64Array(0), [2, 3, 0], 'float64')).data), [0, 0]);
  assert.deepEqual(Array.from(pinv(new Tensor(new Float64Array(4), [2, 2], 'float64')).data), [0, 0, 0, 0]);
  const names = (fn: () => unknown, arg: string) =>
    assert.throws(fn, (e: unknown) => e instanceof AdjointError && e.argument === arg && e.message.includes(`'${arg}'`));
  names(() => pinv(tensor([1, 2])), 'A');
  names(() => pinv(randT([2, 3], 'float64', 1), { hermitian: true }), 'A');
  names(() => pinv(randT([2, 2], 'float64', 1), { rtol: -1 }), 'rtol');
  names(() => matrixRank(randT([2, 2], 'float64', 1), { atol: 'x' as never }), 'atol');
  names(() => lstsq(randT([3, 2], 'float64', 1), randT([4, 1], 'float64', 1)), 'B');
  names(() => lstsq(randT([3, 2], 'float64', 1), randT([3, 1], 'float64', 1), { rcond: NaN }), 'rcond');
  assert.throws(() => lstsq(randT([2, 3, 2], 'float64', 1), randT([3, 3, 1], 'float64', 1)), (e: unknown) => e instanceof AdjointError && /'A'/.test(e.message) && /'B'/.test(e.message));
  const bad = new Tensor(new Float64Array([1, NaN, 0, 1]), [2, 2], 'float64');
  names(() => pinv(bad), 'A');
  names(() => matrixRank(bad), 'A');
});

test('property: Moore–Penrose conditions on random shapes, ranks and dtypes (fast-check)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: 0, max: 7 }),
      fc.constantFrom<FloatDT>(...DTYPES),
      fc.integer({ min: 1, max: 1e6 }),
      (m, n, r0, dt, seed) => {
        const r = Math.min(r0, m, n);
        const L = r === 0 ? { m, n, re: new Float64Array(m * n), im: new Float64Array(m * n) } : lowRank(m, n, r, dt.startsWith('complex'), seed);
        const A = fromM(L, dt);
        checkPinvBatch(A);
        assert.equal(matrixRank(A).item(), r);
      },
    ),
    { numRuns: 80 },
  );
});
