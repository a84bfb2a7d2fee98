import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { AdjointError, Tensor, randn, tensor, type DType } from '../../src/index.js';
import { cholesky, det, inv, lu, luFactor, luSolve, slogdet, solve, triangularSolve } from '../../src/linalg/factor.js';
import { broadcastBatch, formatBatchIndex, linalgDtype, matrixBatch } from '../../src/linalg/batch.js';
import { trsmComplex, trsmReal } from '../../src/linalg/kernels/triangular.js';

// ---- small dense complex reference helpers (independent of the code under test) ----
interface CM {
  shape: number[];
  re: Float64Array;
  im: Float64Array;
}
function cm(t: Tensor): CM {
  const d = t.data;
  const n = t.numel;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const c = t.dtype === 'complex64' || t.dtype === 'complex128';
  for (let i = 0; i < n; i++) {
    re[i] = c ? d[2 * i]! : d[i]!;
    im[i] = c ? d[2 * i + 1]! : 0;
  }
  return { shape: [...t.shape], re, im };
}
function count(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
/** Batched product with equal batch shapes. */
function matmulC(a: CM, b: CM): CM {
  const m = a.shape[a.shape.length - 2]!;
  const k = a.shape[a.shape.length - 1]!;
  const n = b.shape[b.shape.length - 1]!;
  const batch = count(a.shape.slice(0, -2));
  const re = new Float64Array(batch * m * n);
  const im = new Float64Array(batch * m * n);
  for (let z = 0; z < batch; z++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let sr = 0;
        let si = 0;
        for (let t = 0; t < k; t++) {
          const p = z * m * k + i * k + t;
          const q = z * k * n + t * n + j;
          sr += a.re[p]! * b.re[q]! - a.im[p]! * b.im[q]!;
          si += a.re[p]! * b.im[q]! + a.im[p]! * b.re[q]!;
        }
        re[z * m * n + i * n + j] = sr;
        im[z * m * n + i * n + j] = si;
      }
  return { shape: [...a.shape.slice(0, -2), m, n], re, im };
}
function adjC(a: CM): CM {
  const m = a.shape[a.shape.length - 2]!;
  const n = a.shape[a.shape.length - 1]!;
  const batch = count(a.shape.slice(0, -2));
  const re = new Float64Array(a.re.length);
  const im = new Float64Array(a.re.length);
  for (let z = 0; z < batch; z++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        re[z * m * n + j * m + i] = a.re[z * m * n + i * n + j]!;
        im[z * m * n + j * m + i] = -a.im[z * m * n + i * n + j]!;
      }
  return { shape: [...a.shape.slice(0, -2), n, m], re, im };
}
/** Largest |a − b| / scale over all entries. */
function maxDiff(a: CM, b: CM): number {
  assert.deepEqual(a.shape, b.shape);
  let d = 0;
  for (let i = 0; i < a.re.length; i++) d = Math.max(d, Math.hypot(a.re[i]! - b.re[i]!, a.im[i]! - b.im[i]!));
  return d;
}
function normF(a: CM): number {
  let s = 0;
  for (let i = 0; i < a.re.length; i++) s += a.re[i]! ** 2 + a.im[i]! ** 2;
  return Math.sqrt(s);
}
/** Copies batch element `src` (a flat batch index) of `a` with matrix size `ms`. */
function sliceC(a: CM, z: number, rows: number, cols: number): CM {
  const s = z * rows * cols;
  return { shape: [rows, cols], re: a.re.slice(s, s + rows * cols), im: a.im.slice(s, s + rows * cols) };
}
function eyeC(n: number): CM {
  const re = new Float64Array(n * n);
  for (let i = 0; i < n; i++) re[i * n + i] = 1;
  return { shape: [n, n], re, im: new Float64Array(n * n) };
}
function epsOf(dt: DType): number {
  return dt === 'float32' || dt === 'complex64' ? 2 ** -23 : 2 ** -52;
}
/** Flat source index of output batch element z when `src` broadcasts to `out` (naive, by multi-index). */
function srcIndex(src: readonly number[], out: readonly number[], z: number): number {
  const idx: number[] = [];
  for (let d = out.length - 1; d >= 0; d--) {
    idx.unshift(z % out[d]!);
    z = Math.floor(z / out[d]!);
  }
  const off = out.length - src.length;
  let p = 0;
  for (let d = 0; d < src.length; d++) p = p * src[d]! + (src[d] === 1 ? 0 : idx[d + off]!);
  return p;
}
function fromFixture(f: { shape: number[]; dtype: string; data: number[] }): Tensor {
  const dt = f.dtype as DType;
  const data = dt === 'int32' ? new Int32Array(f.data) : new Float64Array(f.data);
  return Tensor.fromStorage(data, f.shape, dt);
}
const DTYPES: DType[] = ['float32', 'float64', 'complex64', 'complex128'];
const fixtures = JSON.parse(readFileSync(new URL('../fixtures/linalg_factor_fixtures.json', import.meta.url), 'utf8')) as Record<
  string,
  Record<string, { shape: number[]; dtype: string; data: number[] }>
>;
/** A well-conditioned random square batch: randn + n·I. */
function wellConditioned(shape: number[], dtype: DType, seed: number): Tensor {
  const a = randn(shape, { seed, dtype });
  const n = shape[shape.length - 1]!;
  const d = a.data.slice();
  const sp = dtype.startsWith('complex') ? 2 : 1;
  for (let z = 0; z < count(shape.slice(0, -2)); z++) for (let i = 0; i < n; i++) d[(z * n * n + i * n + i) * sp] += n;
  return Tensor.fromStorage(d, shape, dtype);
}
function names(fn: () => unknown, arg: string, text?: string): void {
  assert.throws(fn, (e: unknown) => e instanceof AdjointError && e.argument === arg && e.message.includes(`'${arg}'`) && (!text || e.message.includes(text)));
}

// ---- batch helper ----
test('batch helpers: dtype rule, broadcasting index maps and batch index text', () => {
  assert.equal(linalgDtype('int32'), 'float32');
  assert.equal(linalgDtype('bool', 'float64'), 'float64');
  assert.equal(linalgDtype('float64', 'complex64'), 'complex128');
  const bb = broadcastBatch('f', [2, 1], [3], ['A', 'B']);
  assert.deepEqual(bb.batchShape, [2, 3]);
  assert.deepEqual(Array.from(bb.indexA), [0, 0, 0, 1, 1, 1]);
  assert.deepEqual(Array.from(bb.indexB), [0, 1, 2, 0, 1, 2]);
  assert.equal(formatBatchIndex([3, 2], 4), '[2, 0]');
  names(() => broadcastBatch('solve', [2], [3], ['A', 'B']), 'B', 'batch dimensions');
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 }), fc.array(fc.boolean(), { maxLength: 3 }), (out, ones) => {
      const a = out.map((d, i) => (ones[i] ? 1 : d));
      const cut = Math.min(1, out.length);
      const b = out.slice(cut);
      const expected = out.map((d, i) => (i >= cut ? d : a[i]!));
      const r = broadcastBatch('f', a, b, ['A', 'B']);
      assert.deepEqual(r.batchShape, expected);
      for (let z = 0; z < r.count; z++) {
        assert.equal(r.indexA[z], srcIndex(a, expected, z));
        assert.equal(r.indexB[z], srcIndex(b, expected, z));
      }
    }),
  );
  // a non-contiguous view is gathered; copy:true never aliases the tensor's storage
  const t = randn([3, 2], { seed: 1, dtype: 'float64' });
  const mb = matrixBatch('f', 'A', t, { copy: true });
  assert.notEqual(mb.data, t.storage);
  assert.deepEqual(Array.from(mb.data), Array.from(t.data));
  const iv = matrixBatch('f', 'A', tensor([[1, 2]], { dtype: 'int32' }));
  assert.equal(iv.dtype, 'float32');
});

// ---- fixtures (PyTorch / LAPACK) ----
for (const dt of ['float64', 'complex128']) {
  test(`${dt}: det, slogdet, solve, inv, lu_factor, cholesky, solve_triangular match PyTorch`, () => {
    const f = fixtures[dt]!;
    const A = fromFixture(f.A!);
    const tol = 1e-12;
    assert.ok(maxDiff(cm(det(A)), cm(fromFixture(f.det!))) < tol);
    const s = slogdet(A);
    assert.ok(maxDiff(cm(s.sign), cm(fromFixture(f.slogdet_sign!))) < tol);
    assert.ok(maxDiff(cm(s.logabsdet), cm(fromFixture(f.slogdet_logabsdet!))) < tol);
    assert.equal(s.logabsdet.dtype, 'float64');
    assert.ok(maxDiff(cm(solve(A, fromFixture(f.B!))), cm(fromFixture(f.solve!))) < 1e-11);
    assert.ok(maxDiff(cm(inv(A)), cm(fromFixture(f.inv!))) < 1e-11);
    const r = luFactor(fromFixture(f.lu_A!));
    assert.deepEqual(Array.from(r.pivots.data), f.lu_pivots!.data);
    assert.deepEqual(r.pivots.shape, f.lu_pivots!.shape);
    assert.ok(maxDiff(cm(r.LU), cm(fromFixture(f.lu_LU!))) < tol);
    assert.ok(maxDiff(cm(cholesky(fromFixture(f.chol_A!))), cm(fromFixture(f.chol_L!))) < 1e-12);
    const X = triangularSolve(fromFixture(f.tri_A!), fromFixture(f.tri_B!), { upper: true });
    assert.ok(maxDiff(cm(X), cm(fromFixture(f.tri_X!))) < 1e-12);
  });
}

test('complex pivots are chosen by |re| + |im| as LAPACK izamax (PyTorch gives pivots [2, 2] here)', () => {
  // |5| = 5 > |3+3i| ≈ 4.24, but |re| + |im| is 5 < 6: LAPACK (and PyTorch) pivot on 3+3i.
  const A = Tensor.fromStorage(new Float64Array([5, 0, 1, 0, 3, 3, 2, 0]), [2, 2], 'complex128');
  const { LU, pivots } = luFactor(A);
  assert.deepEqual(Array.from(pivots.data), [2, 2]);
  const ref = [3, 3, 2, 0, 5 / 6, -5 / 6, -2 / 3, 5 / 3]; // PyTorch's LU
  Array.from(LU.data).forEach((v, i) => assert.ok(Math.abs(v - ref[i]!) < 1e-15));
});

// ---- solve ----
test('solve: residual is small for every dtype, with broadcasting batch dims', () => {
  let seed = 10;
  for (const dt of DTYPES) {
    for (const [as, bs] of [
      [[5, 5], [5, 3]],
      [[2, 1, 4, 4], [3, 4, 2]],
      [[3, 3], [2, 2, 3, 1]],
      [[1, 6, 6], [4, 6, 6]],
    ] as number[][][]) {
      const A = wellConditioned(as!, dt, seed++);
      const B = randn(bs!, { seed: seed++, dtype: dt });
      const X = solve(A, B);
      assert.equal(X.dtype, dt);
      const n = as![as!.length - 1]!;
      const k = bs![bs!.length - 1]!;
      const outBatch = X.shape.slice(0, -2);
      assert.deepEqual(X.shape, [...outBatch, n, k]);
      const a = cm(A), b = cm(B), x = cm(X);
      for (let z = 0; z < count(outBatch); z++) {
        const az = sliceC(a, srcIndex(as!.slice(0, -2), outBatch, z), n, n);
        const bz = sliceC(b, srcIndex(bs!.slice(0, -2), outBatch, z), n, k);
        const xz = sliceC(x, z, n, k);
        const rel = maxDiff(matmulC(az, xz), bz) / (normF(az) * normF(xz));
        assert.ok(rel < 20 * n * epsOf(dt), `${dt} ${as} ${bs} rel ${rel}`);
      }
    }
  }
});

test('solve: PyTorch rule for vector right-hand sides', () => {
  const A = wellConditioned([2, 3, 3], 'float64', 1);
  // B.shape == A.shape[:-1] → batch of vectors
  const b = randn([2, 3], { seed: 2, dtype: 'float64' });
  const x = solve(A, b);
  assert.deepEqual(x.shape, [2, 3]);
  const a = cm(A);
  for (let z = 0; z < 2; z++) {
    const bz = { shape: [3, 1], re: cm(b).re.slice(3 * z, 3 * z + 3), im: new Float64Array(3) };
    const xz = { shape: [3, 1], re: cm(x).re.slice(3 * z, 3 * z + 3), im: new Float64Array(3) };
    assert.ok(maxDiff(matmulC(sliceC(a, z, 3, 3), xz), bz) < 1e-13);
  }
  // 1-D B broadcasts against the batch
  assert.deepEqual(solve(A, tensor([1, 2, 3], { dtype: 'float64' })).shape, [2, 3]);
  // [3, 3] B with A [2, 3, 3] is a matrix right-hand side (shape differs from A.shape[:-1])
  assert.deepEqual(solve(A, randn([3, 3], { seed: 3, dtype: 'float64' })).shape, [2, 3, 3]);
  // left: false solves X A = B
  const B = randn([2, 4, 3], { seed: 4, dtype: 'complex128' });
  const Ac = wellConditioned([2, 3, 3], 'complex128', 5);
  const Xr = solve(Ac, B, { left: false });
  assert.ok(maxDiff(matmulC(cm(Xr), cm(Ac)), cm(B)) < 1e-12);
});

test('solve and inv: singular matrices throw naming the batch index; NaN propagates', () => {
  const A = randn([3, 2, 3, 3], { seed: 6, dtype: 'float64' });
  const d = A.data.slice();
  const z = 2 * 2 + 0; // batch index [2, 0]
  for (let j = 0; j < 3; j++) d[z * 9 + 3 + j] = 0; // a zero row stays zero through elimination: exact zero pivot
  const S = Tensor.fromStorage(d, [3, 2, 3, 3], 'float64');
  names(() => solve(S, randn([3, 1], { seed: 7, dtype: 'float64' })), 'A', "solve: argument 'A' is singular at batch index [2, 0]");
  names(() => inv(S), 'A', 'at batch index [2, 0]');
  names(() => inv(Tensor.fromStorage(new Float32Array([1, 1, 2, 0, 2, 2, 4, 0]), [2, 2], 'complex64')), 'A', 'is singular');
  const N = tensor([[NaN, 1], [1, 1]], { dtype: 'float64' });
  const x = solve(N, tensor([1, 1], { dtype: 'float64' }));
  assert.ok(Array.from(x.data).some((v) => Number.isNaN(v)));
  assert.ok(Number.isNaN(det(N).item() as number));
  // a NaN column below a zero is a NaN pivot, not a singularity
  assert.ok(Array.from(inv(tensor([[0, 1], [NaN, 1]], { dtype: 'float64' })).data).some((v) => Number.isNaN(v)));
});

test('inv(A)·A = I for every dtype and batch', () => {
  let seed = 30;
  for (const dt of DTYPES) {
    const A = wellConditioned([2, 3, 6, 6], dt, seed++);
    const X = inv(A);
    const p = matmulC(cm(X), cm(A));
    for (let z = 0; z < 6; z++) assert.ok(maxDiff(sliceC(p, z, 6, 6), eyeC(6)) < 50 * epsOf(dt), dt);
  }
  assert.deepEqual(inv(randn([0, 2, 2], { seed: 1 })).shape, [0, 2, 2]);
  assert.deepEqual(inv(randn([0, 0], { seed: 1 })).shape, [0, 0]);
});

test('Hilbert matrix (ill-conditioned): solve is backward stable', () => {
  const n = 10;
  const h = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] = 1 / (i + j + 1);
  const H = Tensor.fromStorage(h, [n, n], 'float64');
  const b = randn([n, 2], { seed: 3, dtype: 'float64' });
  const x = solve(H, b);
  const rel = maxDiff(matmulC(cm(H), cm(x)), cm(b)) / (normF(cm(H)) * normF(cm(x)));
  assert.ok(rel < 1e-15, `rel ${rel}`);
  // det of the Hilbert matrix has a closed form; slogdet keeps it accurate in log scale
  let logDet = 0;
  for (let k = 1; k < n; k++) {
    // det H_n = c_n^4 / c_{2n}, c_m = Π_{i<m} i!  →  use log-factorials
    logDet += 4 * lgammaInt(k + 1);
  }
  for (let k = 1; k < 2 * n; k++) logDet -= lgammaInt(k + 1);
  const s = slogdet(H);
  assert.equal(s.sign.item(), 1);
  // the Hilbert matrix is positive-definite: its Cholesky factor reproduces it to rounding
  const L = cm(cholesky(H));
  assert.ok(maxDiff(matmulC(L, adjC(L)), cm(H)) < 1e-15);
  assert.ok(Math.abs((s.logabsdet.item() as number) - logDet) < 1e-6 * Math.abs(logDet), `${s.logabsdet.item()} vs ${logDet}`);
});
function lgammaInt(m: number): number {
  let s = 0;
  for (let i = 2; i < m; i++) s += Math.log(i);
  return s; // log((m-1)!)
}

// ---- det / slogdet ----
function cofactorDet(re: number[], im: number[], n: number): [number, number] {
  if (n === 0) return [1, 0];
  if (n === 1) return [re[0]!, im[0]!];
  let sr = 0;
  let si = 0;
  for (let c = 0; c < n; c++) {
    const mr: number[] = [];
    const mi: number[] = [];
    for (let i = 1; i < n; i++)
      for (let j = 0; j < n; j++)
        if (j !== c) {
          mr.push(re[i * n + j]!);
          mi.push(im[i * n + j]!);
        }
    const [dr, di] = cofactorDet(mr, mi, n - 1);
    const sg = c % 2 === 0 ? 1 : -1;
    sr += sg * (re[c]! * dr - im[c]! * di);
    si += sg * (re[c]! * di + im[c]! * dr);
  }
  return [sr, si];
}

test('det against cofactor expansion, the LU diagonal and slogdet, for every dtype', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(...DTYPES), fc.integer({ min: 0, max: 1e6 }), (n, nb, dt, seed) => {
      const A = randn([nb, n, n], { seed, dtype: dt });
      const D = det(A);
      assert.equal(D.dtype, dt);
      assert.deepEqual(D.shape, [nb]);
      const a = cm(A);
      const d = cm(D);
      const s = slogdet(A);
      const sg = cm(s.sign);
      const la = cm(s.logabsdet);
      const { P, U } = lu(A);
      const dp = det(P);
      const u = cm(U);
      const tol = 100 * epsOf(dt);
      for (let z = 0; z < nb; z++) {
        const [er, ei] = cofactorDet(Array.from(a.re.slice(z * n * n, (z + 1) * n * n)), Array.from(a.im.slice(z * n * n, (z + 1) * n * n)), n);
        const scale = Math.max(1, Math.hypot(er, ei));
        assert.ok(Math.hypot(d.re[z]! - er, d.im[z]! - ei) < tol * scale * 10, `${dt} n=${n}`);
        // det = det(P) · Π diag(U)
        let pr = cm(dp).re[z]!;
        let pi = 0;
        for (let j = 0; j < n; j++) {
          const q = z * n * n + j * n + j;
          const t = pr * u.re[q]! - pi * u.im[q]!;
          pi = pr * u.im[q]! + pi * u.re[q]!;
          pr = t;
        }
        assert.ok(Math.hypot(d.re[z]! - pr, d.im[z]! - pi) < tol * scale);
        // sign · exp(logabsdet) = det
        const m = Math.exp(la.re[z]!);
        assert.ok(Math.hypot(sg.re[z]! * m - d.re[z]!, sg.im[z]! * m - d.im[z]!) < tol * scale);
        if (n > 0) assert.ok(Math.abs(Math.hypot(sg.re[z]!, sg.im[z]!) - 1) < tol);
      }
    }),
    { numRuns: 60 },
  );
});

test('det and slogdet of singular matrices: 0, sign 0, logabsdet -Infinity', () => {
  for (const dt of DTYPES) {
    const A = tensor([[[1, 2], [2, 4]], [[0, 0], [0, 0]]], { dtype: dt === 'float32' || dt === 'float64' ? dt : 'float64' });
    const Ad = dt.startsWith('complex') ? Tensor.fromStorage(new (dt === 'complex64' ? Float32Array : Float64Array)([1, 1, 2, 2, 2, 2, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0]), [2, 2, 2], dt) : A;
    assert.deepEqual(Array.from(cm(det(Ad)).re, Math.abs), [0, 0]);
    const s = slogdet(Ad);
    assert.deepEqual(Array.from(cm(s.sign).re), [0, 0]);
    assert.deepEqual(Array.from(s.logabsdet.data), [-Infinity, -Infinity]);
  }
  assert.equal(det(randn([0, 0], { seed: 1 })).item(), 1);
});

// ---- cholesky ----
test('cholesky: L Lᴴ = A, lower/upper, every dtype; not positive-definite names the batch index', () => {
  let seed = 50;
  for (const dt of DTYPES) {
    const M = randn([2, 5, 5], { seed: seed++, dtype: dt });
    const S = matmulC(cm(M), adjC(cm(M)));
    for (let z = 0; z < 2; z++) for (let i = 0; i < 5; i++) S.re[z * 25 + i * 6] += 1;
    const sd = new Float64Array(2 * 25 * (dt.startsWith('complex') ? 2 : 1));
    for (let i = 0; i < 50; i++) {
      if (dt.startsWith('complex')) {
        sd[2 * i] = S.re[i]!;
        sd[2 * i + 1] = S.im[i]!;
      } else sd[i] = S.re[i]!;
    }
    const St = Tensor.fromStorage(sd, [2, 5, 5], dt === 'float32' || dt === 'float64' ? 'float64' : 'complex128');
    const A = dt === 'float32' || dt === 'complex64' ? St.to(dt) : St;
    const L = cholesky(A);
    const l = cm(L);
    for (let z = 0; z < 2; z++)
      for (let i = 0; i < 5; i++) {
        for (let j = i + 1; j < 5; j++) assert.equal(l.re[z * 25 + i * 5 + j], 0);
        assert.ok(l.re[z * 25 + i * 6]! > 0 && l.im[z * 25 + i * 6] === 0);
      }
    assert.ok(maxDiff(matmulC(l, adjC(l)), cm(A)) < 200 * epsOf(dt) * normF(cm(A)), dt);
    const U = cholesky(A, { upper: true });
    assert.ok(maxDiff(cm(U), adjC(l)) === 0);
  }
  const bad = tensor([[[4, 0], [0, 1]], [[1, 2], [2, 1]]], { dtype: 'float64' });
  names(() => cholesky(bad), 'A', 'not positive-definite (the leading minor of order 2 is not positive-definite) at batch index [1]');
  names(() => cholesky(tensor([[-1]], { dtype: 'float64' })), 'A', 'order 1');
  assert.ok(Number.isNaN(cholesky(tensor([[NaN, 0], [0, 1]], { dtype: 'float64' })).data[0]!));
});

// ---- lu / luFactor / luSolve ----
test('lu: A = P L U for tall, wide, square and empty matrices of every dtype', () => {
  let seed = 70;
  for (const dt of DTYPES)
    for (const shape of [[4, 4], [2, 6, 3], [3, 5], [0, 3], [3, 0], [2, 0, 0]]) {
      const A = randn(shape, { seed: seed++, dtype: dt });
      const { P, L, U } = lu(A);
      const m = shape[shape.length - 2]!;
      const n = shape[shape.length - 1]!;
      const k = Math.min(m, n);
      assert.deepEqual(P.shape, [...shape.slice(0, -2), m, m]);
      assert.deepEqual(L.shape, [...shape.slice(0, -2), m, k]);
      assert.deepEqual(U.shape, [...shape.slice(0, -2), k, n]);
      assert.ok(maxDiff(matmulC(matmulC(cm(P), cm(L)), cm(U)), cm(A)) < 20 * epsOf(dt) * (normF(cm(A)) + 1), `${dt} ${shape}`);
      const l = cm(L);
      const nb = count(shape.slice(0, -2));
      for (let z = 0; z < nb; z++)
        for (let i = 0; i < m; i++)
          for (let j = 0; j < k; j++) {
            if (j > i) assert.equal(l.re[z * m * k + i * k + j], 0);
            if (j === i) assert.equal(l.re[z * m * k + i * k + j], 1);
            // partial pivoting: |L| ≤ 1 (≤ √2 for complex, whose pivots are chosen by |re| + |im| as izamax)
            if (j < i) assert.ok(Math.hypot(l.re[z * m * k + i * k + j]!, l.im[z * m * k + i * k + j]!) <= (dt.startsWith('complex') ? Math.SQRT2 : 1) + 1e-6);
          }
    }
});

test('luSolve matches solve, with adjoint and left options, broadcasting B', () => {
  let seed = 90;
  for (const dt of DTYPES) {
    const A = wellConditioned([2, 4, 4], dt, seed++);
    const B = randn([3, 1, 4, 2], { seed: seed++, dtype: dt });
    const { LU, pivots } = luFactor(A);
    const tol = 50 * epsOf(dt);
    assert.ok(maxDiff(cm(luSolve(LU, pivots, B)), cm(solve(A, B))) < tol * 10);
    const a = cm(A);
    const X = cm(luSolve(LU, pivots, B, { adjoint: true }));
    const b = cm(B);
    for (let z = 0; z < 6; z++) {
      const xz = sliceC(X, z, 4, 2);
      assert.ok(maxDiff(matmulC(adjC(sliceC(a, z % 2, 4, 4)), xz), sliceC(b, Math.floor(z / 2), 4, 2)) < tol * normF(xz) * 4, dt);
    }
    const Br = randn([2, 3, 4], { seed: seed++, dtype: dt });
    const br = cm(Br);
    for (const adjoint of [false, true]) {
      const Xr = cm(luSolve(LU, pivots, Br, { left: false, adjoint }));
      for (let z = 0; z < 2; z++) {
        const az = sliceC(a, z, 4, 4);
        const xz = sliceC(Xr, z, 3, 4);
        assert.ok(maxDiff(matmulC(xz, adjoint ? adjC(az) : az), sliceC(br, z, 3, 4)) < tol * normF(xz) * 4, `${dt} right ${adjoint}`);
      }
    }
  }
  const { LU, pivots } = luFactor(wellConditioned([3, 3], 'float64', 1));
  names(() => luSolve(LU, tensor([1, 2], { dtype: 'int32' }), randn([3, 1], { seed: 1 })), 'pivots');
  names(() => luSolve(LU, tensor([0, 2, 3], { dtype: 'int32' }), randn([3, 1], { seed: 1 })), 'pivots');
  names(() => luSolve(LU, pivots, randn([2, 1], { seed: 1 })), 'B');
});

test('trsm kernels accept row strides (blocks of a larger matrix)', () => {
  // [U | b] in one 2×3 array: U = [[2, 1], [0, 4]], b = [4, 8]ᵀ → x = [1, 2]
  const w = new Float64Array([2, 1, 4, 0, 4, 8]);
  trsmReal(w, 0, 2, w, 2, 1, true, false, 3, 3);
  assert.deepEqual(Array.from(w), [2, 1, 1, 0, 4, 2]);
  const c = new Float64Array([2, 0, 1, 0, 4, 0, 0, 0, 4, 0, 8, 0]);
  trsmComplex(c, 0, 2, c, 4, 1, true, false, 3, 3);
  assert.deepEqual(Array.from(c), [2, 0, 1, 0, 1, 0, 0, 0, 4, 0, 2, 0]);
});

// ---- triangularSolve ----
test('triangularSolve: upper/lower, left/right, unitriangular, every dtype', () => {
  let seed = 120;
  for (const dt of DTYPES)
    for (const upper of [true, false])
      for (const left of [true, false])
        for (const unit of [true, false]) {
          const A = wellConditioned([2, 5, 5], dt, seed++);
          const B = randn(left ? [5, 3] : [3, 5], { seed: seed++, dtype: dt });
          const X = triangularSolve(A, B, { upper, left, unitriangular: unit });
          // reference triangle from A, read independently
          const a = cm(A);
          for (let z = 0; z < 2; z++)
            for (let i = 0; i < 5; i++)
              for (let j = 0; j < 5; j++) {
                const q = z * 25 + i * 5 + j;
                if ((upper && j < i) || (!upper && j > i)) a.re[q] = a.im[q] = 0;
                if (unit && i === j) {
                  a.re[q] = 1;
                  a.im[q] = 0;
                }
              }
          const x = cm(X);
          const tol = 100 * epsOf(dt);
          for (let z = 0; z < 2; z++) {
            const xz = left ? sliceC(x, z, 5, 3) : sliceC(x, z, 3, 5);
            const az = sliceC(a, z, 5, 5);
            const r = left ? matmulC(az, xz) : matmulC(xz, az);
            assert.ok(maxDiff(r, cm(B)) < tol * (normF(az) * normF(xz)), `${dt} upper=${upper} left=${left} unit=${unit}`);
          }
        }
  names(() => triangularSolve(randn([3, 3], { seed: 1 }), randn([3, 1], { seed: 1 }), {} as never), 'options.upper');
  names(() => triangularSolve(randn([3, 3], { seed: 1 }), randn([2, 1], { seed: 1 }), { upper: true }), 'B');
});

// ---- property test over random shapes / batches ----
test('property: solve residual over random shapes, batches and dtypes', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
      fc.constantFrom(...DTYPES),
      fc.integer({ min: 0, max: 1e6 }),
      (n, k, batch, dt, seed) => {
        const A = wellConditioned([...batch, n, n], dt, seed);
        const B = randn([...batch, n, k], { seed: seed + 1, dtype: dt });
        const X = solve(A, B);
        const r = matmulC(cm(A), cm(X));
        assert.ok(maxDiff(r, cm(B)) < 100 * epsOf(dt) * (normF(cm(A)) * normF(cm(X)) + 1));
      },
    ),
    { numRuns: 60 },
  );
});

// ---- bad input ----
test('bad input names the argument', () => {
  const sq = randn([3, 3], { seed: 1 });
  names(() => solve(randn([3, 2], { seed: 1 }), randn([3], { seed: 1 })), 'A', 'square');
  names(() => solve(sq, randn([2], { seed: 1 })), 'B');
  names(() => solve(sq, randn([4, 2], { seed: 1 })), 'B');
  names(() => solve(randn([2, 3, 3], { seed: 1 }), randn([3, 3, 1], { seed: 1 })), 'B', 'batch');
  names(() => solve([[1]] as never, sq), 'A', 'Tensor');
  names(() => inv(randn([3], { seed: 1 })), 'A', '[..., m, n]');
  names(() => det(randn([2, 3], { seed: 1 })), 'A', 'square');
  names(() => slogdet(randn([2, 3], { seed: 1 })), 'A', 'square');
  names(() => cholesky(randn([2, 3], { seed: 1 })), 'A', 'square');
  names(() => luFactor(randn([3], { seed: 1 })), 'A');
  names(() => triangularSolve(randn([2, 3], { seed: 1 }), randn([2, 1], { seed: 1 }), { upper: true }), 'A');
});

test('method forms call the free functions', () => {
  const A = wellConditioned([2, 3, 3], 'complex128', 11);
  assert.deepEqual(Array.from(A.det().data), Array.from(det(A).data));
  assert.deepEqual(Array.from(A.inverse().data), Array.from(inv(A).data));
  assert.deepEqual(Array.from(A.slogdet().logabsdet.data), Array.from(slogdet(A).logabsdet.data));
  const S = tensor([[4, 2], [2, 5]], { dtype: 'float64' });
  assert.deepEqual(S.cholesky({ upper: true }).toArray(), [[2, 1], [0, 2]]);
  assert.deepEqual(A.qr({ mode: 'r' }).R.shape, [2, 3, 3]);
});

test('integer and bool inputs compute in float32; mixed dtypes promote', () => {
  const A = tensor([[2, 1], [1, 3]], { dtype: 'int32' });
  assert.equal(inv(A).dtype, 'float32');
  assert.equal(det(A).item(), 5);
  const x = solve(A, tensor([3, 5], { dtype: 'float64' }));
  assert.equal(x.dtype, 'float64');
  assert.deepEqual(Array.from(x.data).map((v) => Math.round(v * 1e12) / 1e12), [0.8, 1.4]);
  assert.equal(solve(A.to('float32'), tensor([[1, 0], [0, 1]], { dtype: 'complex64' })).dtype, 'complex64');
});
