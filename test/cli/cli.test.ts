import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor, tensor } from '../../src/index.js';
import { saveNpy } from '../../src/io/index.js';
import { main } from '../../src/cli/main.js';
import { storageStats } from '../../src/cli/commands/info.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIX = join(ROOT, 'test', 'fixtures', 'npy');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Runs the CLI from source in a child process, as a user would. */
function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Runs `main` in-process, capturing output. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}

test('child process: --version, --help, info on a fixture, and a bad file', () => {
  const v = cli('--version');
  assert.equal(v.code, 0);
  assert.equal(v.out.trim(), VERSION);

  const h = cli('--help');
  assert.equal(h.code, 0);
  assert.match(h.out, /Usage: adjoint/);
  assert.match(h.out, /info <file>/);

  const i = cli('info', join(FIX, 'f8_fortran.npy'));
  assert.equal(i.code, 0, i.err);
  assert.equal(i.err, '');
  assert.match(i.out, /^shape: \[2, 3\]$/m);
  assert.match(i.out, /^dtype: float64$/m);
  assert.match(i.out, /^min: 0$/m);
  assert.match(i.out, /^max: 7\.5$/m);
  assert.match(i.out, /^mean: 3\.75$/m);

  const bad = cli('info', join(FIX, 'i8_big.npy'));
  assert.equal(bad.code, 1);
  assert.equal(bad.out, '');
  const lines = bad.err.trimEnd().split('\n');
  assert.equal(lines.length, 1, bad.err);
  assert.match(lines[0]!, /^adjoint: loadNpy: .*i8_big\.npy.*does not fit in int32/);
  assert.doesNotMatch(bad.err, /\n\s+at /); // no stack trace
});

test('usage errors exit with 2 and one adjoint: line', async () => {
  for (const args of [['info'], ['frobnicate'], ['--nope']]) {
    const r = await run(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.out, '');
    assert.match(r.err, /^adjoint: /, args.join(' '));
  }
});

test('info statistics: NaN skipped, Inf counted, |z| for complex, npz lists every array', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'adjoint-cli-'));
  try {
    const p = join(dir, 'z.npy');
    saveNpy(p, tensor([[3, 4], [NaN, 1], [0, -Infinity], [-6, 8]], { dtype: 'complex128' }));
    const r = await run('info', p);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^shape: \[4\]$/m);
    assert.match(r.out, /^min \|z\|: 5$/m);
    assert.match(r.out, /^max \|z\|: Infinity$/m);
    assert.match(r.out, /^nan: 1$/m);
    assert.match(r.out, /^inf: 1$/m);

    const f = join(dir, 'f.npy');
    saveNpy(f, tensor([0.1, 0.7, NaN, NaN], { dtype: 'float32' }));
    const s = await run('info', f);
    assert.match(s.out, /^min: 0\.1$/m); // shortest float32 form, not 0.10000000149011612
    assert.match(s.out, /^max: 0\.7$/m);
    assert.match(s.out, /^nan: 2$/m);

    const e = join(dir, 'e.npy');
    saveNpy(e, Tensor.fromStorage(new Float64Array(0), [0, 3], 'float64'));
    assert.match((await run('info', e)).out, /^min: n\/a$/m);

    const z = await run('info', join(FIX, 'stored.npz'));
    assert.equal(z.code, 0, z.err);
    assert.match(z.out, /3 arrays/);
    for (const k of ['[a]', '[b]', '[flags]']) assert.ok(z.out.includes(k), k);

    const junk = join(dir, 'junk.npy');
    writeFileSync(junk, 'not an array at all');
    const j = await run('info', junk);
    assert.equal(j.code, 1);
    assert.match(j.err, /^adjoint: loadNpy: .*bad magic.*\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('storageStats against a naive reference', () => {
  const d = new Float64Array([2, -1, NaN, Infinity, 4]);
  assert.deepEqual(storageStats(d, false, 5), { min: -1, max: Infinity, mean: Infinity, nan: 1, inf: 1 });
  const c = new Float64Array([3, 4, 0, NaN, 0, 0, 1e308, 1e308]);
  const s = storageStats(c, true, 4);
  assert.equal(s.nan, 1);
  assert.equal(s.min, 0);
  assert.equal(s.max, Math.SQRT2 * 1e308); // hypot, no overflow
  const both = storageStats(new Float32Array([Infinity, NaN, 1, 0, NaN, 2, -Infinity, 0]), true, 4);
  assert.deepEqual([both.nan, both.inf, both.min, both.max, both.mean], [2, 2, 1, Infinity, Infinity]);
  assert.deepEqual(storageStats(new Float64Array([NaN]), false, 1), { min: undefined, max: undefined, mean: undefined, nan: 1, inf: 0 });
});

test('bin/adjoint.js is an executable shim onto dist/cli/main.js', () => {
  const src = readFileSync(join(ROOT, 'bin', 'adjoint.js'), 'utf8');
  assert.ok(src.startsWith('#!/usr/bin/env node\n'));
  assert.match(src, /from '\.\.\/dist\/cli\/main\.js'/);
});
