import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { installNodeBackend, nodeBackendReady, uninstallNodeBackend } from '../../src/node/worker-pool.js';
import { gemmComplex, gemmReal, type FloatStorage, type GemmOperand, type GemmShape } from '../../src/linalg/kernels/gemm.js';
import { gemmComplexParallel, gemmRealParallel } from '../../src/linalg/kernels/gemm-parallel.js';
import { allocShared, getParallelBackend, setParallelBackend, type ParallelBackend } from '../../src/parallel/pool.js';
import type { TaskArg } from '../../src/parallel/tasks.js';
import { matmul } from '../../src/tensor/matmul.js';
import { Tensor } from '../../src/tensor/tensor.js';
import '../../src/tensor/views.js';

after(async () => {
  await uninstallNodeBackend();
});

function fill(a: Float64Array, seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < a.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    a[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return a;
}

/** Random data in shared memory (as tensor storage would be) or in an ordinary array. */
function data(n: number, seed: number, shared: boolean): Float64Array {
  return fill(shared ? allocShared(Float64Array, n) : new Float64Array(n), seed);
}

function op(d: FloatStorage, offset: number, rowStride: number, colStride: number, batchStrides: number[] = []): GemmOperand<FloatStorage> {
  return { data: d, offset, rowStride, colStride, batchStrides };
}

function assertBitwise(got: Float64Array, want: Float64Array, what: string): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`${what}: element ${i} differs: ${got[i]} vs serial ${want[i]}`);
  }
}

interface Recorded {
  task: string;
  ranges: Array<readonly [number, number]>;
}

/** Runs `fn` with the installed backend wrapped so that every split is recorded. */
function recording(fn: () => void): Recorded[] {
  const real = getParallelBackend();
  assert.ok(real !== null, 'backend installed');
  const calls: Recorded[] = [];
  const spy: ParallelBackend = {
    helpers: real.helpers,
    runBlocking(task: string, args: readonly TaskArg[], ranges: ReadonlyArray<readonly [number, number]>, onCaller: () => void) {
      calls.push({ task, ranges: ranges.slice() });
      real.runBlocking(task, args, ranges, onCaller);
    },
  };
  setParallelBackend(spy);
  try {
    fn();
  } finally {
    setParallelBackend(real);
  }
  return calls;
}

/** Checks that the product was split and that a helper got a non-empty share. */
function assertSplit(calls: Recorded[], what: string): void {
  const mine = calls.filter((c) => c.task === 'linalg.gemmRange');
  assert.equal(mine.length, 1, `${what}: one parallel GEMM call`);
  assert.ok(mine[0]!.ranges.length >= 1 && mine[0]!.ranges.every(([s, e]) => e > s), `${what}: helpers got work`);
}

interface Case {
  name: string;
  complex: boolean;
  shape: GemmShape;
  a: [len: number, offset: number, rs: number, cs: number, bs: number[]];
  b: [len: number, offset: number, rs: number, cs: number, bs: number[]];
  c: [len: number, offset: number, rs: number, cs: number, bs: number[]];
  shared?: boolean;
}

function runCase(cs: Case, seed: number): void {
  const sp = cs.complex ? 2 : 1;
  const shared = cs.shared ?? true;
  const A = op(data(sp * cs.a[0], seed, shared), cs.a[1], cs.a[2], cs.a[3], cs.a[4]);
  const B = op(data(sp * cs.b[0], seed + 1, shared), cs.b[1], cs.b[2], cs.b[3], cs.b[4]);
  // C starts with random values: with beta ≠ 0 they enter the result, with beta = 0 they must be overwritten.
  const cPar = data(sp * cs.c[0], seed + 2, shared);
  const cSer = Float64Array.from(cPar);
  const calls = recording(() => (cs.complex ? gemmComplexParallel : gemmRealParallel)(cs.shape, A, B, op(cPar, cs.c[1], cs.c[2], cs.c[3], cs.c[4])));
  (cs.complex ? gemmComplex : gemmReal)(cs.shape, A, B, op(cSer, cs.c[1], cs.c[2], cs.c[3], cs.c[4]));
  assertSplit(calls, cs.name);
  assertBitwise(cPar, cSer, cs.name);
}

test('without a backend the parallel entry points are the serial kernels', () => {
  setParallelBackend(null);
  const m = 40, n = 30, k = 20;
  const a = fill(new Float64Array(m * k), 1), b = fill(new Float64Array(k * n), 2);
  const c1 = new Float64Array(m * n), c2 = new Float64Array(m * n);
  gemmRealParallel({ m, n, k, batchShape: [] }, op(a, 0, k, 1), op(b, 0, n, 1), op(c1, 0, n, 1));
  gemmReal({ m, n, k, batchShape: [] }, op(a, 0, k, 1), op(b, 0, n, 1), op(c2, 0, n, 1));
  assertBitwise(c1, c2, 'serial');
  // A naive dot product as an independent reference for one entry.
  let s = 0;
  for (let p = 0; p < k; p++) s += a[7 * k + p]! * b[p * n + 11]!;
  assert.ok(Math.abs(c1[7 * n + 11]! - s) < 1e-12);
});

test('large real and complex products split across two threads give bitwise the serial result', async () => {
  installNodeBackend(2);
  await nodeBackendReady();
  assert.equal(getParallelBackend()?.helpers, 1);
  const cases: Case[] = [
    // Row panels; k > 256 spans several k-blocks; odd sizes leave edge tiles in both threads.
    { name: 'real rows', complex: false, shape: { m: 203, n: 257, k: 300, batchShape: [] }, a: [203 * 300, 0, 300, 1, []], b: [300 * 257, 0, 257, 1, []], c: [203 * 257, 0, 257, 1, []] },
    // Transposed A (stored k×m), transposed B, alpha/beta, an offset and a column-major C.
    {
      name: 'real transposed, alpha/beta',
      complex: false,
      shape: { m: 210, n: 190, k: 270, batchShape: [], opA: 'T', opB: 'T', alpha: -1.5, beta: 0.25 },
      a: [270 * 210, 0, 210, 1, []],
      b: [190 * 270 + 5, 5, 270, 1, []],
      c: [210 * 190, 0, 1, 210, []],
    },
    // A wide, flat product is split by column panels.
    { name: 'real columns', complex: false, shape: { m: 6, n: 1999, k: 1500, batchShape: [] }, a: [6 * 1500, 0, 1500, 1, []], b: [1500 * 1999, 0, 1999, 1, []], c: [6 * 1999, 0, 1999, 1, []] },
    // A batch of 30 split by matrices, B broadcast over the first batch dim.
    {
      name: 'real batch',
      complex: false,
      shape: { m: 80, n: 72, k: 64, batchShape: [6, 5] },
      a: [30 * 80 * 64, 0, 64, 1, [5 * 80 * 64, 80 * 64]],
      b: [5 * 64 * 72, 0, 72, 1, [0, 64 * 72]],
      c: [30 * 80 * 72, 0, 72, 1, [5 * 80 * 72, 80 * 72]],
    },
    // A batch of 3 does not divide over 2 threads: each matrix is split by rows instead.
    { name: 'real batch of 3', complex: false, shape: { m: 150, n: 160, k: 170, batchShape: [3] }, a: [3 * 150 * 170, 0, 170, 1, [150 * 170]], b: [3 * 170 * 160, 0, 160, 1, [170 * 160]], c: [3 * 150 * 160, 0, 160, 1, [150 * 160]] },
    // Operands in ordinary memory are copied to shared memory (and C back).
    { name: 'real unshared', complex: false, shape: { m: 220, n: 230, k: 240, batchShape: [] }, a: [220 * 240, 0, 240, 1, []], b: [240 * 230, 0, 230, 1, []], c: [220 * 230, 0, 230, 1, []], shared: false },
    {
      name: 'complex conj-transposed, complex alpha/beta',
      complex: true,
      shape: { m: 131, n: 140, k: 150, batchShape: [], opA: 'C', opB: 'T', alpha: [0.5, -2], beta: [1, 0.5] },
      a: [150 * 131, 0, 131, 1, []],
      b: [140 * 150, 0, 150, 1, []],
      c: [131 * 140, 0, 140, 1, []],
    },
    {
      name: 'complex batch',
      complex: true,
      shape: { m: 40, n: 36, k: 30, batchShape: [64] },
      a: [64 * 40 * 30, 0, 30, 1, [40 * 30]],
      b: [64 * 30 * 36, 0, 36, 1, [30 * 36]],
      c: [64 * 40 * 36, 0, 36, 1, [40 * 36]],
    },
  ];
  cases.forEach((cs, i) => runCase(cs, 10 * i + 1));
});

test('matmul of large tensors uses both threads and matches the serial matmul exactly', async () => {
  installNodeBackend(2);
  await nodeBackendReady();
  const mk = (shape: number[], seed: number, dtype: 'float64' | 'complex128'): Tensor => {
    const n = shape.reduce((x, y) => x * y, 1) * (dtype === 'complex128' ? 2 : 1);
    return Tensor.fromStorage(data(n, seed, true), shape, dtype);
  };
  const pairs: Array<[string, Tensor, Tensor]> = [
    ['float64 with a transposed view', mk([260, 250], 1, 'float64').mT, mk([260, 240], 2, 'float64')],
    ['complex128', mk([150, 160], 3, 'complex128'), mk([160, 140], 4, 'complex128')],
    ['float64 batched [2, 3]', mk([2, 3, 200, 150], 5, 'float64'), mk([150, 120], 6, 'float64')],
  ];
  for (const [name, a, b] of pairs) {
    let par: Tensor | undefined;
    const calls = recording(() => {
      par = matmul(a, b);
    });
    assertSplit(calls, name);
    const backend = getParallelBackend();
    setParallelBackend(null);
    const ser = matmul(a, b);
    setParallelBackend(backend);
    assert.deepEqual(par!.shape, ser.shape);
    assertBitwise(par!.storage as Float64Array, ser.storage as Float64Array, name);
  }
});

test('small products stay on the calling thread', async () => {
  installNodeBackend(2);
  await nodeBackendReady();
  const m = 64;
  const a = data(m * m, 1, true), b = data(m * m, 2, true), c = allocShared(Float64Array, m * m);
  const calls = recording(() => gemmRealParallel({ m, n: m, k: m, batchShape: [] }, op(a, 0, m, 1), op(b, 0, m, 1), op(c, 0, m, 1)));
  assert.equal(calls.length, 0);
  assert.ok(c.some((x) => x !== 0));
});

test('a large GEMM called from inside another parallel task runs serially instead of failing', async () => {
  installNodeBackend(2);
  await nodeBackendReady();
  const n = 300;
  const a = data(n * n, 7, true), b = data(n * n, 8, true);
  const c = allocShared(Float64Array, n * n), ref = new Float64Array(n * n);
  const shape = { m: n, n, k: n, batchShape: [] };
  // The backend is busy while the caller runs its own share of a task: a nested split would deadlock.
  getParallelBackend()!.runBlocking('linalg.gemmRange', [], [], () => gemmRealParallel(shape, op(a, 0, n, 1), op(b, 0, n, 1), op(c, 0, n, 1)));
  gemmReal(shape, op(a, 0, n, 1), op(b, 0, n, 1), op(ref, 0, n, 1));
  assertBitwise(c, ref, 'nested');
});
