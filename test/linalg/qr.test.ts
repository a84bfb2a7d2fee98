import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AdjointError, Tensor, randn, type DType } from '../../src/index.js';
import { qr } from '../../src/linalg/factor.js';

// Small dense complex reference helpers, independent of the code under test.
interface CM {
  shape: number[];
  re: Float64Array;
  im: Float64Array;
}
function cm(t: Tensor): CM {
  const d = t.data;
  const n = t.numel;
  const c = t.dtype === 'complex64' || t.dtype === 'complex128';
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = c ? d[2 * i]! : d[i]!;
    im[i] = c ? d[2 * i + 1]! : 0;
  }
  return { shape: [...t.shape], re, im };
}
/** Entry (z, i, j) of a batch of m×n matrices. */
function at(a: CM, z: number, i: number, j: number): [number, number] {
  const m = a.shape[a.shape.length - 2]!;
  const n = a.shape[a.shape.length - 1]!;
  const p = z * m * n + i * n + j;
  return [a.re[p]!, a.im[p]!];
}
function batchCount(shape: readonly number[]): number {
  return shape.slice(0, -2).reduce((x, y) => x * y, 1);
}
function epsOf(dt: DType): number {
  return dt === 'float32' || dt === 'complex64' ? 2 ** -23 : 2 ** -52;
}
const DTYPES: DType[] = ['float32', 'float64', 'complex64', 'complex128'];

/** Checks A[:, perm] = Q R, Qᴴ Q = I, R upper triangular; returns nothing, throws on failure. */
function checkQr(A: Tensor, Q: Tensor, R: Tensor, perm: Tensor | undefined, label: string): void {
  const a = cm(A), q = cm(Q), r = cm(R);
  const m = A.shape[A.ndim - 2]!;
  const n = A.shape[A.ndim - 1]!;
  const qc = Q.shape[Q.ndim - 1]!;
  const rr = R.shape[R.ndim - 2]!;
  assert.equal(qc, rr, label);
  const nb = batchCount(A.shape);
  const p = perm ? Array.from(perm.data) : null;
  let anorm = 0;
  for (let i = 0; i < a.re.length; i++) anorm = Math.max(anorm, Math.hypot(a.re[i]!, a.im[i]!));
  const tol = 30 * Math.max(m, n, 1) * epsOf(A.dtype);
  for (let z = 0; z < nb; z++) {
    for (let i = 0; i < rr; i++) for (let j = 0; j < Math.min(i, n); j++) assert.deepEqual(at(r, z, i, j), [0, 0], `${label}: R not upper`);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let sr = 0, si = 0;
        for (let t = 0; t < qc; t++) {
          const [xr, xi] = at(q, z, i, t);
          const [yr, yi] = at(r, z, t, j);
          sr += xr * yr - xi * yi;
          si += xr * yi + xi * yr;
        }
        const src = p ? p[z * n + j]! : j;
        const [er, ei] = at(a, z, i, src);
        assert.ok(Math.hypot(sr - er, si - ei) <= tol * (anorm + 1), `${label}: QR != A at ${z},${i},${j}`);
      }
    for (let s = 0; s < qc; s++)
      for (let t = 0; t < qc; t++) {
        let sr = 0, si = 0;
        for (let i = 0; i < m; i++) {
          const [xr, xi] = at(q, z, i, s);
          const [yr, yi] = at(q, z, i, t);
          sr += xr * yr + xi * yi;
          si += xr * yi - xi * yr;
        }
        assert.ok(Math.hypot(sr - (s === t ? 1 : 0), si) <= tol, `${label}: QᴴQ != I (${sr}, ${si})`);
      }
  }
}

function fromFixture(f: { shape: number[]; dtype: string; data: number[] }): Tensor {
  const dt = f.dtype as DType;
  return Tensor.fromStorage(dt === 'int32' ? new Int32Array(f.data) : new Float64Array(f.data), f.shape, dt);
}
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/linalg_factor_fixtures.json', import.meta.url), 'utf8')) as Record<
  string,
  Record<string, { shape: number[]; dtype: string; data: number[] }>
>;
function maxDiff(a: CM, b: CM): number {
  assert.deepEqual(a.shape, b.shape);
  let d = 0;
  for (let i = 0; i < a.re.length; i++) d = Math.max(d, Math.hypot(a.re[i]! - b.re[i]!, a.im[i]! - b.im[i]!));
  return d;
}

for (const dt of ['float64', 'complex128']) {
  test(`${dt}: Q and R match PyTorch exactly in sign (LAPACK Householder convention)`, () => {
    const f = fixtures[dt]!;
    const A = fromFixture(f.qr_tall_A!);
    const red = qr(A);
    assert.ok(maxDiff(cm(red.Q), cm(fromFixture(f.qr_tall_Q!))) < 1e-13);
    assert.ok(maxDiff(cm(red.R), cm(fromFixture(f.qr_tall_R!))) < 1e-13);
    const full = qr(A, { mode: 'complete' });
    assert.ok(maxDiff(cm(full.Q), cm(fromFixture(f.qr_tall_Qc!))) < 1e-13);
    const W = fromFixture(f.qr_wide_A!);
    const w = qr(W);
    assert.ok(maxDiff(cm(w.Q), cm(fromFixture(f.qr_wide_Q!))) < 1e-13);
    assert.ok(maxDiff(cm(w.R), cm(fromFixture(f.qr_wide_R!))) < 1e-13);
    // column pivoting against SciPy (LAPACK geqp3): same permutation, same |R|
    const P = qr(fromFixture(f.qrp_A!), { pivoting: true });
    assert.deepEqual(Array.from(P.perm!.data), f.qrp_perm!.data);
    const r = cm(P.R);
    const ref = cm(fromFixture(f.qrp_R!));
    for (let i = 0; i < r.re.length; i++) assert.ok(Math.abs(Math.hypot(r.re[i]!, r.im[i]!) - Math.hypot(ref.re[i]!, ref.im[i]!)) < 1e-12);
  });
}

test('qr: all modes, shapes and dtypes; R diagonal is real', () => {
  let seed = 1;
  for (const dt of DTYPES)
    for (const shape of [[5, 3], [3, 5], [4, 4], [2, 3, 6, 2], [0, 3], [3, 0], [1, 1], [2, 0, 0]]) {
      const A = randn(shape, { seed: seed++, dtype: dt });
      const m = shape[shape.length - 2]!;
      const n = shape[shape.length - 1]!;
      const k = Math.min(m, n);
      const b = shape.slice(0, -2);
      const red = qr(A);
      assert.equal(red.Q.dtype, dt);
      assert.deepEqual(red.Q.shape, [...b, m, k]);
      assert.deepEqual(red.R.shape, [...b, k, n]);
      checkQr(A, red.Q, red.R, undefined, `${dt} ${shape} reduced`);
      const full = qr(A, { mode: 'complete' });
      assert.deepEqual(full.Q.shape, [...b, m, m]);
      assert.deepEqual(full.R.shape, [...b, m, n]);
      checkQr(A, full.Q, full.R, undefined, `${dt} ${shape} complete`);
      const r = qr(A, { mode: 'r' });
      assert.deepEqual(r.Q.shape, [0]);
      assert.deepEqual(Array.from(r.R.data), Array.from(red.R.data));
      const rc = cm(red.R);
      for (let z = 0; z < batchCount(shape); z++) for (let i = 0; i < k; i++) assert.equal(at(rc, z, i, i)[1], 0);
      assert.equal(red.perm, undefined);
    }
});

test('qr with column pivoting: A[:, perm] = Q R and |diag R| non-increasing', () => {
  let seed = 100;
  for (const dt of DTYPES)
    for (const shape of [[6, 4], [4, 6], [2, 5, 5]]) {
      const A = randn(shape, { seed: seed++, dtype: dt });
      const { Q, R, perm } = qr(A, { pivoting: true });
      const n = shape[shape.length - 1]!;
      const k = Math.min(shape[shape.length - 2]!, n);
      assert.equal(perm!.dtype, 'int32');
      assert.deepEqual(perm!.shape, [...shape.slice(0, -2), n]);
      for (let z = 0; z < batchCount(shape); z++) {
        const p = Array.from(perm!.data.subarray(z * n, (z + 1) * n));
        assert.deepEqual([...p].sort((x, y) => x - y), [...Array(n).keys()]);
      }
      checkQr(A, Q, R, perm, `${dt} ${shape} pivoted`);
      const r = cm(R);
      for (let z = 0; z < batchCount(shape); z++)
        for (let i = 1; i < k; i++) assert.ok(Math.hypot(...at(r, z, i, i)) <= Math.hypot(...at(r, z, i - 1, i - 1)) * (1 + 1e-6));
    }
  // rank-deficient: duplicated columns show up as (near) zero trailing diagonal entries
  const B = randn([6, 3], { seed: 7, dtype: 'float64' }).data;
  const d = new Float64Array(36);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) d[i * 6 + j] = B[i * 3 + (j % 3)]!;
  const { R } = qr(Tensor.fromStorage(d, [6, 6], 'float64'), { pivoting: true });
  const r = R.data;
  assert.ok(Math.abs(r[2 * 7]!) > 1e-3);
  for (let i = 3; i < 6; i++) assert.ok(Math.abs(r[i * 7]!) < 1e-12, `R[${i},${i}] = ${r[i * 7]}`);
});

test('qr of the (ill-conditioned) Hilbert matrix: still Q R = A with orthonormal Q', () => {
  const n = 12;
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] = 1 / (i + j + 1);
  const H = Tensor.fromStorage(h, [n, n], 'float64');
  const r = qr(H);
  checkQr(H, r.Q, r.R, undefined, 'hilbert');
  const p = qr(H, { pivoting: true });
  checkQr(H, p.Q, p.R, p.perm, 'hilbert pivoted');
});

test('property: QR of random shapes and batches', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 0, max: 6 }),
      fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 2 }),
      fc.constantFrom(...DTYPES),
      fc.constantFrom<'reduced' | 'complete'>('reduced', 'complete'),
      fc.boolean(),
      fc.integer({ min: 0, max: 1e6 }),
      (m, n, batch, dt, mode, pivoting, seed) => {
        const A = randn([...batch, m, n], { seed, dtype: dt });
        const r = qr(A, { mode, pivoting });
        checkQr(A, r.Q, r.R, r.perm, `${dt} ${[...batch, m, n]} ${mode} ${pivoting}`);
      },
    ),
    { numRuns: 80 },
  );
});

test('qr: NaN propagates; bad input names the argument', () => {
  const A = Tensor.fromStorage(new Float64Array([NaN, 1, 2, 3]), [2, 2], 'float64');
  assert.ok(Number.isNaN(qr(A).R.data[0]!));
  const named = (fn: () => unknown, arg: string) => assert.throws(fn, (e: unknown) => e instanceof AdjointError && e.argument === arg);
  named(() => qr(randn([3], { seed: 1 })), 'A');
  named(() => qr(randn([3, 3], { seed: 1 }), { mode: 'full' as never }), 'mode');
  named(() => qr('x' as never), 'A');
});
