import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { installNodeBackend, nodeBackendReady, uninstallNodeBackend } from '../../src/node/worker-pool.js';
import { getParallelBackend, setParallelBackend, type ParallelBackend } from '../../src/parallel/pool.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { cholesky, det, inv, qr, slogdet, solve } from '../../src/linalg/factor.js';
import { eigh, eigvalsh, lstsq, matrixRank, pinv, svd, svdvals } from '../../src/linalg/spectral.js';

type Dt = 'float32' | 'float64' | 'complex64' | 'complex128';

/** Deterministic pseudo-random values in (-1, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

function randBatch(batch: number[], m: number, n: number, dt: Dt, seed: number): Tensor {
  const r = rng(seed);
  const cplx = dt.startsWith('complex');
  const len = batch.reduce((a, b) => a * b, 1) * m * n * (cplx ? 2 : 1);
  const d = dt === 'float32' || dt === 'complex64' ? new Float32Array(len) : new Float64Array(len);
  for (let i = 0; i < len; i++) d[i] = r();
  return new Tensor(d, [...batch, m, n], dt);
}

/** Hermitian, diagonally dominant (so positive-definite) matrices. */
function hpdBatch(batch: number[], n: number, dt: Dt, seed: number): Tensor {
  const t = randBatch(batch, n, n, dt, seed);
  const d = t.data;
  const sp = dt.startsWith('complex') ? 2 : 1;
  const count = t.numel / (n * n);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        const p = (b * n * n + i * n + j) * sp, q = (b * n * n + j * n + i) * sp;
        d[q] = d[p]!;
        if (sp === 2) d[q + 1] = -d[p + 1]!;
      }
      const p = (b * n * n + i * n + i) * sp;
      d[p] = 2 * n;
      if (sp === 2) d[p + 1] = 0;
    }
  }
  return t;
}

let calls = 0;
let pool: ParallelBackend | null = null;

before(async () => {
  installNodeBackend(2);
  await nodeBackendReady();
  const real = getParallelBackend();
  assert.ok(real !== null && real.helpers === 1, 'a pool with one helper');
  // Count the split calls, so that each test can check that the parallel path really ran.
  pool = {
    helpers: real.helpers,
    runBlocking(task, args, ranges, onCaller) {
      calls++;
      real.runBlocking(task, args, ranges, onCaller);
    },
  };
  setParallelBackend(pool);
});

after(async () => {
  await uninstallNodeBackend();
});

/** Runs f serially (no backend) and then with the pool; asserts that the pool was used. */
function serialAndParallel<T>(f: () => T): [T, T] {
  setParallelBackend(null);
  const s = f();
  setParallelBackend(pool);
  const before = calls;
  const p = f();
  assert.ok(calls > before, 'the batch was split across threads');
  return [s, p];
}

function sameTensor(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual(b.shape, a.shape, `${what}: shape`);
  assert.equal(b.dtype, a.dtype, `${what}: dtype`);
  const x = a.data, y = b.data;
  assert.equal(y.length, x.length);
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) assert.fail(`${what}: element ${i} differs: ${x[i]} vs ${y[i]}`);
}

/** The error message f throws (fails when it does not throw). */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail('expected an error');
}

const DTS: Dt[] = ['float64', 'complex128', 'float32', 'complex64'];

test('spectral ops give bit-identical results with the worker pool', () => {
  let seed = 1;
  for (const dt of DTS) {
    const A = randBatch([3, 40], 12, 12, dt, seed++);
    const tall = randBatch([120], 14, 9, dt, seed++);
    const wide = randBatch([120], 9, 14, dt, seed++);
    for (const X of [A, tall, wide]) {
      const [s, p] = serialAndParallel(() => svd(X));
      sameTensor(s.U, p.U, `svd U ${dt}`);
      sameTensor(s.S, p.S, `svd S ${dt}`);
      sameTensor(s.Vh, p.Vh, `svd Vh ${dt}`);
      const [r, q] = serialAndParallel(() => svd(X, { fullMatrices: false }));
      sameTensor(r.U, q.U, `reduced svd U ${dt}`);
      const [sv, pv] = serialAndParallel(() => svdvals(X));
      sameTensor(sv, pv, `svdvals ${dt}`);
      const [sp, pp] = serialAndParallel(() => pinv(X));
      sameTensor(sp, pp, `pinv ${dt}`);
      const [sr, pr] = serialAndParallel(() => matrixRank(X));
      sameTensor(sr, pr, `matrixRank ${dt}`);
    }
    const [e1, e2] = serialAndParallel(() => eigh(A));
    sameTensor(e1.eigenvalues, e2.eigenvalues, `eigh values ${dt}`);
    sameTensor(e1.eigenvectors, e2.eigenvectors, `eigh vectors ${dt}`);
    const [u1, u2] = serialAndParallel(() => eigh(A, 'U'));
    sameTensor(u1.eigenvectors, u2.eigenvectors, `eigh U ${dt}`);
    const [v1, v2] = serialAndParallel(() => eigvalsh(A));
    sameTensor(v1, v2, `eigvalsh ${dt}`);
    const [h1, h2] = serialAndParallel(() => pinv(A, { hermitian: true }));
    sameTensor(h1, h2, `pinv hermitian ${dt}`);
    const [k1, k2] = serialAndParallel(() => matrixRank(A, { hermitian: true }));
    sameTensor(k1, k2, `matrixRank hermitian ${dt}`);
    const B = randBatch([120], 14, 3, dt, seed++);
    const [b1, b2] = serialAndParallel(() => lstsq(randBatch([1], 14, 9, dt, 4), B));
    sameTensor(b1.solution, b2.solution, `lstsq broadcast A ${dt}`);
    const [l1, l2] = serialAndParallel(() => lstsq(tall, B));
    sameTensor(l1.solution, l2.solution, `lstsq solution ${dt}`);
    sameTensor(l1.residuals, l2.residuals, `lstsq residuals ${dt}`);
    sameTensor(l1.rank, l2.rank, `lstsq rank ${dt}`);
    sameTensor(l1.singularValues, l2.singularValues, `lstsq singular values ${dt}`);
  }
});

test('pinv takes the SVD path for rank-deficient matrices in parallel too', () => {
  // Rank-1 matrices (outer products) mixed with full-rank ones: both paths of pinv in the same batch.
  const n = 16;
  const A = randBatch([200], n, n, 'complex128', 99);
  const d = A.data;
  for (let b = 0; b < 200; b += 3) {
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const o = 2 * (b * n * n + i * n + j);
      d[o] = (i + 1) * (j + 2);
      d[o + 1] = 0;
    }
  }
  const [s, p] = serialAndParallel(() => pinv(A));
  sameTensor(s, p, 'pinv mixed ranks');
});

test('factorisations give bit-identical results with the worker pool', () => {
  let seed = 100;
  for (const dt of DTS) {
    const A = randBatch([2, 60], 24, 24, dt, seed++);
    const H = hpdBatch([120], 24, dt, seed++);
    const B = randBatch([2, 60], 24, 4, dt, seed++);
    const Br = randBatch([2, 60], 4, 24, dt, seed++);
    const v = randBatch([2, 60], 1, 24, dt, seed++);
    const vec = new Tensor(v.data, [2, 60, 24], dt);
    sameTensor(...serialAndParallel(() => solve(A, B)), `solve ${dt}`);
    sameTensor(...serialAndParallel(() => solve(A, Br, { left: false })), `solve right ${dt}`);
    sameTensor(...serialAndParallel(() => solve(A, vec)), `solve vector ${dt}`);
    // B broadcast over A's batch (one matrix for all): not laid out per matrix, copied whole for the helper.
    sameTensor(...serialAndParallel(() => solve(A, randBatch([], 24, 3, dt, 3))), `solve broadcast B ${dt}`);
    sameTensor(...serialAndParallel(() => inv(A)), `inv ${dt}`);
    sameTensor(...serialAndParallel(() => det(A)), `det ${dt}`);
    const [g1, g2] = serialAndParallel(() => slogdet(A));
    sameTensor(g1.sign, g2.sign, `slogdet sign ${dt}`);
    sameTensor(g1.logabsdet, g2.logabsdet, `slogdet logabsdet ${dt}`);
    sameTensor(...serialAndParallel(() => cholesky(H)), `cholesky ${dt}`);
    sameTensor(...serialAndParallel(() => cholesky(H, { upper: true })), `cholesky upper ${dt}`);
    for (const mode of ['reduced', 'complete', 'r'] as const) {
      const [q1, q2] = serialAndParallel(() => qr(randBatch([120], 18, 12, dt, 7), { mode }));
      sameTensor(q1.R, q2.R, `qr R ${mode} ${dt}`);
      if (mode !== 'r') sameTensor(q1.Q, q2.Q, `qr Q ${mode} ${dt}`);
    }
    const [p1, p2] = serialAndParallel(() => qr(randBatch([120], 12, 18, dt, 8), { pivoting: true }));
    sameTensor(p1.R, p2.R, `pivoted qr R ${dt}`);
    sameTensor(p1.perm!, p2.perm!, `pivoted qr perm ${dt}`);
  }
});

/** Asserts that f throws the same message serially and in parallel, and that it names `where`. */
function sameError(f: () => unknown, where: string): void {
  setParallelBackend(null);
  const s = errorOf(f);
  setParallelBackend(pool);
  const before = calls;
  const p = errorOf(f);
  assert.ok(calls > before, 'the batch was split across threads');
  assert.equal(p, s);
  assert.ok(p.includes(`at batch index ${where}`), p);
}

test('errors name the same (first) batch index in parallel, in the caller\'s range or a helper\'s', () => {
  const n = 16;
  const withNaN = (flat: number[]): Tensor => {
    const A = randBatch([2, 100], n, n, 'complex128', 5);
    for (const f of flat) A.data[2 * (f * n * n + 3 * n + 2)] = NaN;
    return A;
  };
  // 200 matrices, two threads: [0, 100) runs on the caller, [100, 200) on the helper.
  sameError(() => pinv(withNaN([150])), '[1, 50]');
  sameError(() => pinv(withNaN([30, 150])), '[0, 30]');
  sameError(() => pinv(withNaN([150, 170])), '[1, 50]');
  sameError(() => svd(withNaN([199])), '[1, 99]');
  sameError(() => svdvals(withNaN([7])), '[0, 7]');
  sameError(() => eigh(withNaN([120])), '[1, 20]');
  sameError(() => eigvalsh(withNaN([101, 3])), '[0, 3]');
  const singular = (flat: number): Tensor => {
    const A = randBatch([2, 100], n, n, 'float64', 6);
    A.data.fill(0, flat * n * n, (flat + 1) * n * n);
    return A;
  };
  const B = randBatch([2, 100], n, 2, 'float64', 8);
  sameError(() => solve(singular(170), B), '[1, 70]');
  sameError(() => inv(singular(140)), '[1, 40]');
  const m = 24;
  const H = hpdBatch([200], m, 'float64', 9);
  H.data[190 * m * m + 5 * m + 5] = -1;
  sameError(() => cholesky(H), '[190]');
  assert.match(errorOf(() => cholesky(H)), /leading minor of order 6/);
});
