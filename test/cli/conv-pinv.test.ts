import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { loadNpy, saveNpy } from '../../src/io/files.js';
import { main } from '../../src/cli/main.js';
import { conv2d } from '../../src/operators/conv2d.js';
import { convPinv } from '../../src/operators/conv2d-pinv.js';
import { toFloat64 } from '../../src/operators/linear-operator.js';
import { inputSizesFor, parsePadding } from '../../src/cli/commands/conv-pinv.js';
import { moorePenroseCheck } from '../../src/cli/commands/demo.js';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}

function maxDiff(a: Tensor, b: Tensor): number {
  const x = toFloat64(a);
  const y = toFloat64(b);
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

test('conv-pinv: circular, batched Y, report; output equals the library call, in Y’s dtype', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'conv-pinv-'));
  try {
    const w = randn([3, 2, 3, 3], { seed: 1, dtype: 'float64' });
    const A = conv2d(w, { inShape: [2, 8, 6], padding: 1, paddingMode: 'circular' });
    const y = A.apply(randn([2, 2, 8, 6], { seed: 2, dtype: 'float64' }));
    saveNpy(join(dir, 'w.npy'), w);
    saveNpy(join(dir, 'y.npy'), y);
    const r = await run('conv-pinv', '--weight', join(dir, 'w.npy'), '--input', join(dir, 'y.npy'), '--out', join(dir, 'x.npy'), '--padding', '1', '--padding-mode', 'circular', '--report', join(dir, 'r.json'));
    assert.equal(r.code, 0, r.err);
    const x = loadNpy(join(dir, 'x.npy'));
    assert.deepEqual(x.shape, [2, 2, 8, 6]);
    assert.equal(x.dtype, 'float64');
    assert.ok(maxDiff(x, convPinv(A, y).x) < 1e-14);
    const rep = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(rep['method'], 'fft');
    assert.equal(rep['converged'], true);
    assert.equal(rep['iterations'], 0);
    assert.ok((rep['relResidual'] as number) < 1e-12);
    assert.equal(typeof rep['seconds'], 'number');
    // float32 Y, unbatched, 'valid' zeros → dense; X is float32 with Y's layout.
    const y32 = new Tensor(Float32Array.from(toFloat64(randn([3, 5, 4], { seed: 3, dtype: 'float64' }))), [3, 5, 4], 'float32');
    saveNpy(join(dir, 'y32.npy'), y32);
    const r2 = await run('conv-pinv', '--weight', join(dir, 'w.npy'), '--input', join(dir, 'y32.npy'), '--out', join(dir, 'x32.npy'), '--padding', 'valid', '--method', 'auto');
    assert.equal(r2.code, 0, r2.err);
    const x32 = loadNpy(join(dir, 'x32.npy'));
    assert.deepEqual(x32.shape, [2, 7, 6]);
    assert.equal(x32.dtype, 'float32');
    // Krylov with a cap reports non-convergence honestly.
    const r3 = await run('conv-pinv', '--weight', join(dir, 'w.npy'), '--input', join(dir, 'y32.npy'), '--out', join(dir, 'x3.npy'), '--padding', '0', '--method', 'krylov', '--max-iter', '2', '--tol', '1e-12', '--report', join(dir, 'r3.json'));
    assert.equal(r3.code, 0, r3.err);
    const rep3 = JSON.parse(readFileSync(join(dir, 'r3.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(rep3['method'], 'krylov');
    assert.equal(rep3['iterations'], 2);
    assert.equal(rep3['converged'], false);
    assert.match(r3.out, /NOT converged/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('conv-pinv: stride 2 needs --input-size when the size is ambiguous, and checks it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'conv-pinv-'));
  try {
    const w = randn([2, 2, 3, 3], { seed: 1, dtype: 'float64' });
    const A = conv2d(w, { inShape: [2, 8, 8], padding: 1, stride: 2, paddingMode: 'circular' });
    saveNpy(join(dir, 'w.npy'), w);
    saveNpy(join(dir, 'y.npy'), A.apply(randn([2, 8, 8], { seed: 2, dtype: 'float64' })));
    const base = ['conv-pinv', '--weight', join(dir, 'w.npy'), '--input', join(dir, 'y.npy'), '--out', join(dir, 'x.npy'), '--padding', '1', '--padding-mode', 'circular', '--stride', '2'];
    const r = await run(...base);
    assert.equal(r.code, 1);
    assert.match(r.err, /input size is not unique.*--input-size/);
    const r2 = await run(...base, '--input-size', '8,8');
    assert.equal(r2.code, 0, r2.err);
    assert.match(r2.out, /fft/);
    const r3 = await run(...base, '--input-size', '12,8');
    assert.equal(r3.code, 1);
    assert.match(r3.err, /--input-size 12,8 gives outputs/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('conv-pinv: errors (shapes, non-finite, unreadable, mistyped, out = in) exit non-zero and write nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'conv-pinv-'));
  try {
    const w = randn([3, 2, 3, 3], { seed: 1, dtype: 'float64' });
    saveNpy(join(dir, 'w.npy'), w);
    saveNpy(join(dir, 'y.npy'), randn([2, 6, 6], { seed: 2, dtype: 'float64' }));
    const bad = randn([3, 6, 6], { seed: 2, dtype: 'float64' });
    (bad.data as Float64Array)[5] = Infinity;
    saveNpy(join(dir, 'nan.npy'), bad);
    saveNpy(join(dir, 'int.npy'), new Tensor(new Int32Array(3 * 36), [3, 6, 6], 'int32'));
    writeFileSync(join(dir, 'junk.npy'), 'not an npy file');
    const W = join(dir, 'w.npy');
    const cases: Array<[string[], RegExp]> = [
      [['--input', join(dir, 'y.npy'), '--out', join(dir, 'x.npy')], /2 channels but --weight has c_out = 3/],
      [['--input', join(dir, 'nan.npy'), '--out', join(dir, 'x.npy')], /non-finite/],
      [['--input', join(dir, 'int.npy'), '--out', join(dir, 'x.npy')], /float32 or float64.*int32/],
      [['--input', join(dir, 'junk.npy'), '--out', join(dir, 'x.npy')], /junk\.npy|npy/i],
      [['--input', join(dir, 'missing.npy'), '--out', join(dir, 'x.npy')], /missing\.npy.*no such file/],
      [['--input', join(dir, 'nan.npy'), '--out', join(dir, 'nan.npy')], /same file as --input/],
      [['--input', join(dir, 'nan.npy'), '--out', W], /same file as --weight/],
      [['--input', join(dir, 'nan.npy'), '--out', join(dir, 'x.npy'), '--padding', 'wide'], /--padding must be/],
      [['--input', join(dir, 'nan.npy'), '--out', join(dir, 'x.npy'), '--method', 'magic'], /--method must be/],
    ];
    for (const [args, re] of cases) {
      const r = await run('conv-pinv', '--weight', W, ...args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.match(r.err, re);
    }
    assert.equal(existsSync(join(dir, 'x.npy')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parsePadding and inputSizesFor', () => {
  assert.equal(parsePadding(undefined), 0);
  assert.deepEqual(parsePadding('1,2'), [1, 2]);
  assert.equal(parsePadding('same'), 'same');
  assert.throws(() => parsePadding('-1'));
  assert.deepEqual(inputSizesFor(126, 0, 0, 3, 1, 1), [128]);
  assert.deepEqual(inputSizesFor(4, 1, 1, 3, 2, 1), [7, 8]);
  for (let n = 3; n < 20; n++) for (const s of [1, 2, 3]) assert.ok(inputSizesFor(Math.floor((n + 2 - 3) / s) + 1, 1, 1, 3, s, 1).includes(n));
});

test('demo: the Moore–Penrose check passes', () => {
  for (const r of moorePenroseCheck()) assert.ok(Math.max(...r.residuals) < 1e-10, `${r.name}: ${r.residuals}`);
});
