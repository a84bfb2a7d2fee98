// Blocked LU (src/linalg/kernels/lu-blocked.ts): PA = LU reconstructed exactly, solves and transposed solves
// against known solutions, across block-size boundaries, with the worker pool's GEMM and without; singular
// pivots counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { luBlockedReal, luBlockedSolve, luBlockedSolveTransposed } from '../../src/linalg/kernels/lu-blocked.js';
import { installNodeBackend, nodeBackendReady } from '../../src/node/worker-pool.js';
import { allocShared } from '../../src/parallel/pool.js';

/** Uniform [−1, 1) entries from a 32-bit xorshift (random matrices are well conditioned: cond ≈ n). */
function matrix(n: number, seed: number): Float64Array {
  const a = new Float64Array(n * n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < a.length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

/** max |P A − L U| over the entries, from the packed factors and the swap list. */
function reconstructionError(a0: Float64Array, lu: Float64Array, piv: Int32Array, n: number): number {
  const pa = a0.slice();
  for (let k = 0; k < n; k++) {
    const p = piv[k]!;
    if (p === k) continue;
    for (let c = 0; c < n; c++) {
      const t = pa[k * n + c]!;
      pa[k * n + c] = pa[p * n + c]!;
      pa[p * n + c] = t;
    }
  }
  let err = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k <= Math.min(i, j); k++) s += (k === i ? 1 : lu[i * n + k]!) * (k <= j ? lu[k * n + j]! : 0);
      err = Math.max(err, Math.abs(s - pa[i * n + j]!));
    }
  return err;
}

async function check(threads: boolean): Promise<void> {
  if (threads) {
    installNodeBackend();
    await nodeBackendReady();
  }
  for (const n of [1, 2, 17, 63, 64, 65, 130, 300]) {
    const a0 = matrix(n, n);
    const a = allocShared(Float64Array, n * n);
    a.set(a0);
    const piv = new Int32Array(n);
    assert.equal(luBlockedReal(a, n, piv, 0, 32), 0, `n=${n}: no zero pivot`);
    assert.ok(reconstructionError(a0, a, piv, n) < 1e-12 * n, `n=${n}: PA = LU`);
    for (let k = 0; k < n; k++) assert.ok(piv[k]! >= k && piv[k]! < n, `pivot ${k} in range`);
    const x = Float64Array.from({ length: n }, (_, i) => Math.cos(0.3 * i) + 1);
    const b = new Float64Array(n);
    const bt = new Float64Array(n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        b[i] += a0[i * n + j]! * x[j]!;
        bt[i] += a0[j * n + i]! * x[j]!;
      }
    luBlockedSolve(a, n, piv, b);
    luBlockedSolveTransposed(a, n, piv, bt);
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(b[i]! - x[i]!) < 1e-8, `n=${n}: solve x[${i}] = ${b[i]} vs ${x[i]}`);
      assert.ok(Math.abs(bt[i]! - x[i]!) < 1e-8, `n=${n}: transposed solve x[${i}] = ${bt[i]} vs ${x[i]}`);
    }
  }
}

test('blocked LU: PA = LU, solves and transposed solves (serial GEMM)', async () => {
  await check(false);
});

test('blocked LU: the same with the worker pool', async () => {
  await check(true);
});

test('blocked LU: rank-deficient matrices report their small pivots', () => {
  const n = 70;
  const a = new Float64Array(n * n);
  // rank 2: a[i][j] = u_i v_j + p_i q_j
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = Math.sin(i + 1) * Math.cos(j) + (i % 3) * (j % 5);
  const piv = new Int32Array(n);
  const small = luBlockedReal(a, n, piv, 1e-10, 16);
  assert.equal(small, n - 2, `small pivots ${small}`);
});
