import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdjointError, Tensor, tensor } from '../../src/index.js';
import { loadNpy, loadNpz, saveNpy, saveNpz } from '../../src/io/index.js';

function withTmp(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'adjoint-io-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('saveNpy/loadNpy and saveNpz/loadNpz round-trip through disk, leaving no temp files', () => {
  withTmp((dir) => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' });
    const p = join(dir, 'x.npy');
    saveNpy(p, x);
    assert.deepEqual(loadNpy(p).toArray(), x.toArray());
    // Overwrite in place: the new content replaces the old.
    saveNpy(p, tensor([9], { dtype: 'int32' }));
    assert.deepEqual(loadNpy(p).toArray(), [9]);
    const q = join(dir, 'm.npz');
    saveNpz(q, { a: x, b: tensor([[0, 1]], { dtype: 'complex128' }) }, { compressed: true });
    const r = loadNpz(q);
    assert.deepEqual(r['a']!.toArray(), x.toArray());
    assert.deepEqual(r['b']!.toArray(), [[0, 1]]);
    assert.deepEqual(readdirSync(dir).sort(), ['m.npz', 'x.npy']);
  });
});

test('load errors are AdjointErrors naming the path', () => {
  withTmp((dir) => {
    const missing = join(dir, 'nope.npy');
    assert.throws(() => loadNpy(missing), (e: unknown) => e instanceof AdjointError && e.message.includes(missing) && /no such file/.test(e.message));
    assert.throws(() => loadNpz(dir), (e: unknown) => e instanceof AdjointError && /directory/.test(e.message));
    const junk = join(dir, 'junk.npy');
    writeFileSync(junk, 'hello world, not an array');
    assert.throws(() => loadNpy(junk), (e: unknown) => e instanceof AdjointError && e.message.startsWith('loadNpy:') && e.message.includes(junk));
    assert.throws(() => loadNpy('' as string), (e: unknown) => e instanceof AdjointError && e.argument === 'path');
  });
});

test('a failed save leaves the old file intact and no temp file behind', () => {
  withTmp((dir) => {
    const p = join(dir, 'keep.npz');
    saveNpz(p, { a: tensor([1, 2]) });
    const before = readFileSync(p);
    // Validation fails before anything is written.
    assert.throws(() => saveNpz(p, { a: 'x' as unknown as Tensor }), AdjointError);
    // The target is a directory: the rename fails after the temp file was written; it must be cleaned up.
    const asDir = join(dir, 'sub');
    mkdirSync(asDir);
    writeFileSync(join(asDir, 'f'), '');
    assert.throws(() => saveNpy(asDir, tensor([1])), (e: unknown) => e instanceof AdjointError && e.message.includes(asDir));
    assert.throws(() => saveNpy(join(dir, 'no', 'such', 'dir.npy'), tensor([1])), (e: unknown) => e instanceof AdjointError && /no such file/.test(e.message));
    assert.deepEqual(readFileSync(p), before);
    assert.deepEqual(readdirSync(dir).sort(), ['keep.npz', 'sub']);
  });
});
