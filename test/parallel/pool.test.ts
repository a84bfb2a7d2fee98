import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { installNodeBackend, nodeBackendReady, uninstallNodeBackend } from '../../src/node/worker-pool.js';
import { allocShared, getParallelBackend, parallelFor } from '../../src/parallel/pool.js';
import '../../src/parallel/builtin-tasks.js';

after(async () => {
  await uninstallNodeBackend();
});

test('parallelFor without a backend runs everything on the calling thread', () => {
  const out = new Float64Array(100);
  const who = new Int32Array(100).fill(-1);
  parallelFor('selftest.fill', 100, [out, who, 3]);
  assert.equal(out[99], 297);
  assert.ok(who.every((w) => w === 0));
});

test('parallelFor with the worker pool splits the range and gives the same result', async () => {
  installNodeBackend(2);
  await nodeBackendReady();
  assert.equal(getParallelBackend()?.helpers, 1);
  const n = 10_000;
  const out = allocShared(Float64Array, n);
  const who = allocShared(Int32Array, n);
  who.fill(-1);
  parallelFor('selftest.fill', n, [out, who, 2]);
  for (let i = 0; i < n; i++) assert.equal(out[i], 2 * i);
  assert.equal(who[0], 0, 'the caller takes the first range');
  assert.equal(who[n - 1], 1, 'a helper thread took the last range');
  // Arrays outside shared memory cannot be seen by helpers: the call then runs serially, still correctly.
  const plain = new Float64Array(n);
  const plainWho = new Int32Array(n).fill(-1);
  parallelFor('selftest.fill', n, [plain, plainWho, 1]);
  assert.ok(plainWho.every((w) => w === 0));
  assert.equal(plain[n - 1], n - 1);
});

test('an error in a helper is rethrown on the caller and the pool stays usable', () => {
  installNodeBackend(2);
  assert.throws(() => parallelFor('selftest.throw', 2, ['boom']), /boom/);
  const out = allocShared(Float64Array, 10);
  const who = allocShared(Int32Array, 10);
  parallelFor('selftest.fill', 10, [out, who, 1]);
  assert.equal(out[9], 9);
});
