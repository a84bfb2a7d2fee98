import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AdjointError, tensor } from '../../src/index.js';
import { cond, matrixNorm, norm, vectorNorm } from '../../src/linalg/norms.js';
import { eigh, eigvalsh, svd, svdvals } from '../../src/linalg/spectral.js';
import { tridiagonalQL } from '../../src/linalg/kernels/tridiagonal-eigh.js';
import { bidiagonalQR } from '../../src/linalg/kernels/bidiagonal-svd.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { DTYPES, ct, diagM, epsOf, fixM, fro, fromM, mat, mul, orthoErr, randT, sub, type FloatDT } from './spectral-helpers.js';

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/linalg_spectral.json', import.meta.url), 'utf8'));

/** Checks A = U·diag(S)·Vh, orthonormal U/Vh rows, S descending ≥ 0, for every matrix of the batch. */
function checkSvd(A: Tensor, full: boolean, c = 20): void {
  const { U, S, Vh } = svd(A, { fullMatrices: full });
  const m = A.shape[A.ndim - 2]!, n = A.shape[A.ndim - 1]!, k = Math.min(m, n);
  const batch = A.shape.slice(0, -2);
  assert.deepEqual(U.shape, [...batch, m, full ? m : k]);
  assert.deepEqual(S.shape, [...batch, k]);
  assert.deepEqual(Vh.shape, [...batch, full ? n : k, n]);
  assert.equal(U.dtype, A.dtype);
  assert.equal(S.dtype, A.dtype === 'complex64' ? 'float32' : A.dtype === 'complex128' ? 'float64' : A.dtype);
  const eps = epsOf(A.dtype);
  const count = batch.reduce((a, b) => a * b, 1);
  const s = S.data;
  for (let b = 0; b < count; b++) {
    const Ub = mat(U, b), Vb = mat(Vh, b), Ab = mat(A, b);
    const sb = Array.from(s.subarray(b * k, b * k + k));
    for (let j = 0; j < k; j++) {
      assert.ok(sb[j]! >= 0);
      if (j > 0) assert.ok(sb[j]! <= sb[j - 1]!, `S descending: ${sb}`);
    }
    const rec = mul(mul(Ub, diagM(sb, Ub.n, Vb.m)), Vb);
    const scale = Math.max(fro(Ab), 1e-300);
    if (m * n > 0) assert.ok(fro(sub(Ab, rec)) <= c * Math.max(m, n) * eps * scale, `‖A − UΣVh‖ = ${fro(sub(Ab, rec)) / scale}`);
    assert.ok(orthoErr(Ub) <= c * Math.max(m, 1) * eps, `U orthonormal: ${orthoErr(Ub)}`);
    assert.ok(orthoErr(ct(Vb)) <= c * Math.max(n, 1) * eps, `V orthonormal: ${orthoErr(ct(Vb))}`);
  }
}

test('svd reconstructs A with orthonormal U, V for every dtype and shape', () => {
  let seed = 1;
  for (const dt of DTYPES) {
    for (const [m, n] of [[4, 4], [6, 3], [3, 6], [1, 5], [5, 1], [7, 7]] as const) {
      for (const full of [true, false]) checkSvd(randT([2, m, n], dt, seed++), full);
    }
  }
  checkSvd(randT([2, 3, 5, 4], 'complex128', 99), true);
});

test('svd of empty and zero matrices', () => {
  for (const [m, n] of [[0, 3], [3, 0], [0, 0]] as const) {
    const { U, S, Vh } = svd(new Tensor(new Float64Array(0), [2, m, n], 'float64'));
    assert.deepEqual(S.shape, [2, 0]);
    assert.deepEqual(U.shape, [2, m, m]);
    assert.deepEqual(Vh.shape, [2, n, n]);
    if (m > 0) assert.ok(orthoErr(mat(U, 1)) === 0);
    if (n > 0) assert.ok(orthoErr(ct(mat(Vh, 1))) === 0);
  }
  // All-zero and rank-1 matrices: zero singular values still get orthonormal singular vectors.
  checkSvd(new Tensor(new Float64Array(12), [4, 3], 'float64'), true);
  checkSvd(fromM({ m: 3, n: 4, re: new Float64Array([1, 2, 3, 4, 2, 4, 6, 8, 0, 0, 0, 0]), im: new Float64Array(12) }, 'complex128'), true);
  assert.deepEqual(Array.from(svdvals(new Tensor(new Float64Array(6), [2, 3], 'float64')).data), [0, 0]);
});

test('huge and tiny entries do not overflow or underflow (each matrix is scaled by its largest entry)', () => {
  for (const scale of [1e200, 1e-200]) {
    const A = randT([2, 5, 4], 'complex128', 11);
    const d = new Float64Array(A.data as Float64Array).map((x) => x * scale);
    const As = new Tensor(d, [2, 5, 4], 'complex128');
    checkSvd(As, true);
    const ref = Array.from(svdvals(A).data);
    Array.from(svdvals(As).data).forEach((v, j) => assert.ok(Math.abs(v / scale - ref[j]!) <= 1e-14 * ref[0]!, `scale ${scale}`));
    const H = randT([4, 4], 'float64', 12);
    const Hs = new Tensor(new Float64Array(H.data as Float64Array).map((x) => x * scale), [4, 4], 'float64');
    const w0 = Array.from(eigvalsh(H).data), w1 = Array.from(eigvalsh(Hs).data);
    w1.forEach((v, j) => assert.ok(Math.abs(v / scale - w0[j]!) <= 1e-14 * Math.max(...w0.map(Math.abs))));
  }
});

test('svdvals equals svd S and diagonal matrices give sorted |d|', () => {
  const A = randT([3, 5, 4], 'complex128', 5);
  assert.deepEqual(Array.from(svdvals(A).data), Array.from(svd(A).S.data));
  const D = tensor([[0, 0, 0], [0, -7, 0], [0, 0, 2]], { dtype: 'float64' });
  assert.deepEqual(Array.from(svdvals(D).data), [7, 2, 0]);
});

test('ill-conditioned singular values match NumPy (Hilbert, Kahan)', () => {
  for (const name of ['hilbert8', 'kahan12']) {
    const f = fixtures[name];
    const A = fromM(fixM(f.A), 'float64');
    const s = Array.from(svdvals(A).data);
    const ref = f.s as number[];
    for (let j = 0; j < ref.length; j++) {
      // Both LAPACK's and our Golub–Kahan–Reinsch values are accurate to ~ε·σ_1 absolutely: compare absolutely.
      assert.ok(Math.abs(s[j]! - ref[j]!) <= 16 * 2 ** -52 * ref[0]!, `${name} σ_${j}: ${s[j]} vs ${ref[j]}`);
    }
    checkSvd(A, true);
  }
  // Hilbert's smallest singular value relative to exact theory: σ_min(H8) = 1/‖H8⁻¹‖₂ ≈ 1.11153896e-10.
  const s = svdvals(fromM(fixM(fixtures.hilbert8.A), 'float64')).data;
  assert.ok(Math.abs(s[7]! / 1.111538966e-10 - 1) < 1e-6);
});

function checkEigh(A: Tensor, uplo: 'L' | 'U', c = 20): void {
  const { eigenvalues, eigenvectors } = eigh(A, uplo);
  const n = A.shape[A.ndim - 1]!;
  const count = A.numel / Math.max(n * n, 1);
  const eps = epsOf(A.dtype);
  const w = eigenvalues.data;
  for (let b = 0; b < count; b++) {
    const Ab = mat(A, b);
    // Hermitian matrix the chosen triangle defines.
    const H = fromM(Ab, 'complex128');
    const Hm = mat(H);
    for (let i = 0; i < n; i++) {
      Hm.im[i * n + i] = 0;
      for (let j = 0; j < n; j++) {
        const keep = uplo === 'L' ? i >= j : i <= j;
        if (!keep) {
          Hm.re[i * n + j] = Ab.re[j * n + i]!;
          Hm.im[i * n + j] = -Ab.im[j * n + i]!;
        }
      }
    }
    const V = mat(eigenvectors, b);
    const lam = Array.from(w.subarray(b * n, b * n + n));
    for (let j = 1; j < n; j++) assert.ok(lam[j]! >= lam[j - 1]!, 'ascending');
    const res = fro(sub(mul(Hm, V), mul(V, diagM(lam, n, n))));
    assert.ok(res <= c * n * eps * Math.max(fro(Hm), 1e-300), `‖AV − VΛ‖ = ${res}`);
    assert.ok(orthoErr(V) <= c * n * eps, `V orthonormal ${orthoErr(V)}`);
    assert.deepEqual(Array.from(eigvalsh(A, uplo).data.subarray(b * n, b * n + n)), lam);
  }
}

test('eigh: residual and orthonormality for every dtype, both triangles (the other is ignored)', () => {
  let seed = 40;
  for (const dt of DTYPES) {
    for (const n of [1, 2, 5, 9]) {
      const A = randT([2, n, n], dt, seed++);
      checkEigh(A, 'L');
      checkEigh(A, 'U');
    }
  }
  const empty = eigh(new Tensor(new Float64Array(0), [3, 0, 0], 'float64'));
  assert.deepEqual(empty.eigenvalues.shape, [3, 0]);
});

test('eigh eigenvalues match NumPy and eigvalsh; repeated eigenvalues keep orthonormal vectors', () => {
  const f = fixtures.herm5;
  const A = fromM(fixM(f.A), 'complex128');
  const w = Array.from(eigvalsh(A).data);
  const ref = f.w as number[];
  const scale = Math.max(...ref.map(Math.abs));
  for (let j = 0; j < 5; j++) assert.ok(Math.abs(w[j]! - ref[j]!) <= 50 * 2 ** -52 * scale);
  assert.deepEqual(w, Array.from(eigh(A).eigenvalues.data));
  // Identity plus a rank-one: eigenvalue 1 repeated 3 times.
  const I = tensor([[2, 1, 1, 1], [1, 2, 1, 1], [1, 1, 2, 1], [1, 1, 1, 2]], { dtype: 'float64' });
  const r = eigh(I);
  const lam = Array.from(r.eigenvalues.data);
  lam.slice(0, 3).forEach((x) => assert.ok(Math.abs(x - 1) < 1e-14));
  assert.ok(Math.abs(lam[3]! - 5) < 1e-14);
  assert.ok(orthoErr(mat(r.eigenvectors)) < 1e-14);
});

test('non-finite input throws naming A and the batch index', () => {
  const bad = new Float64Array(2 * 9);
  bad[9 + 4] = NaN;
  const A = new Tensor(bad, [2, 3, 3], 'float64');
  for (const f of [() => svd(A), () => svdvals(A), () => eigh(A), () => eigvalsh(A), () => cond(A)]) {
    assert.throws(f, (e: unknown) => e instanceof AdjointError && e.argument === 'A' && /non-finite/.test(e.message) && /\[1\]/.test(e.message));
  }
  const inf = new Tensor(new Float64Array([1, Infinity, 0, 1]), [2, 2], 'float64');
  assert.throws(() => svd(inf), (e: unknown) => e instanceof AdjointError && e.argument === 'A');
});

test('bounded iterations: kernels report non-convergence instead of looping', () => {
  const d = new Float64Array([1, 2, 3, 4, 5, 6]), e = new Float64Array([1, 1, 1, 1, 1, 0]);
  assert.equal(tridiagonalQL(6, d, e, null, 1), false);
  const bs = new Float64Array([1, 2, 3, 4, 5, 6]), be = new Float64Array([1, 1, 1, 1, 1, 0]);
  assert.equal(bidiagonalQR(6, bs, be, null, null, 0), false);
  const bs2 = new Float64Array([1, 2, 3, 4, 5, 6]), be2 = new Float64Array([1, 1, 1, 1, 1, 0]);
  assert.equal(bidiagonalQR(6, bs2, be2, null, null, 75), true);
});

test('argument errors name the argument', () => {
  const names = (fn: () => unknown, arg: string) =>
    assert.throws(fn, (e: unknown) => e instanceof AdjointError && e.argument === arg && e.message.includes(`'${arg}'`));
  names(() => svd(tensor([1, 2, 3])), 'A');
  names(() => svd(3 as never), 'A');
  names(() => eigh(randT([2, 3], 'float64', 1)), 'A');
  names(() => eigh(randT([3, 3], 'float64', 1), 'X' as never), 'uplo');
  names(() => svd(randT([3, 3], 'float64', 1), { fullMatrices: 1 as never }), 'fullMatrices');
  names(() => matrixNorm(randT([3, 3], 'float64', 1), 3 as never), 'ord');
  names(() => matrixNorm(randT([3], 'float64', 1)), 'A');
  names(() => vectorNorm(randT([3, 3], 'float64', 1), 2, 5), 'dim');
  names(() => cond(randT([3, 4], 'float64', 1), 1), 'A');
});

test('matrix norms, vector norms and cond match NumPy', () => {
  const f = fixtures.norms;
  const M = fromM(fixM(f.M), 'complex128');
  const ords: Record<string, 'fro' | 'nuc' | number> = { fro: 'fro', nuc: 'nuc', '2': 2, '-2': -2, '1': 1, '-1': -1, inf: Infinity, '-inf': -Infinity };
  for (const [k, o] of Object.entries(ords)) {
    const got = matrixNorm(M, o).item() as number;
    assert.ok(Math.abs(got - f.matrix[k]) <= 1e-13 * f.matrix[k], `matrixNorm ${k}: ${got} vs ${f.matrix[k]}`);
    assert.ok(Math.abs((norm(M, o).item() as number) - f.matrix[k]) <= 1e-13 * f.matrix[k]);
  }
  const S4 = fromM(fixM(f.S4), 'float64');
  for (const [k, o] of Object.entries(ords)) {
    const got = cond(S4, o).item() as number;
    assert.ok(Math.abs(got - f.cond[k]) <= 1e-12 * f.cond[k], `cond ${k}: ${got} vs ${f.cond[k]}`);
  }
  const v = fromM({ m: 1, n: 12, re: fixM(f.M).re, im: fixM(f.M).im }, 'complex128');
  const vords: Record<string, number> = { '2': 2, '1': 1, inf: Infinity, '-inf': -Infinity, '0': 0, '3': 3, '-1.5': -1.5 };
  for (const [k, o] of Object.entries(vords)) {
    const got = vectorNorm(v, o).item() as number;
    assert.ok(Math.abs(got - f.vector[k]) <= 1e-13 * f.vector[k], `vectorNorm ${k}: ${got} vs ${f.vector[k]}`);
  }
  // dims, keepdim, norm dispatch and dtypes
  const x = tensor([[3, -4], [0, 1]], { dtype: 'float32' });
  assert.deepEqual(vectorNorm(x, 2, 1).toArray(), [5, 1]);
  assert.deepEqual(vectorNorm(x, 1, 0, true).shape, [1, 2]);
  assert.equal(vectorNorm(x).dtype, 'float32');
  assert.ok(Math.abs((norm(x).item() as number) - Math.sqrt(26)) < 1e-6);
  assert.deepEqual(matrixNorm(randT([2, 3, 4], 'float64', 1), 'fro', [0, 2]).shape, [3]);
  assert.equal(cond(tensor([[1, 2], [2, 4]], { dtype: 'float64' }), 1).item(), Infinity);
  assert.equal(cond(tensor([[2, 0], [0, 0.5]], { dtype: 'float64' })).item(), 4);
});

test('property: svd of random shapes and dtypes reconstructs (fast-check)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 0, max: 6 }),
      fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 2 }),
      fc.constantFrom<FloatDT>(...DTYPES),
      fc.boolean(),
      fc.integer({ min: 1, max: 1e6 }),
      (m, n, batch, dt, full, seed) => {
        checkSvd(randT([...batch, m, n], dt, seed), full);
      },
    ),
    { numRuns: 60 },
  );
});
