// `adjoint conv-pinv --method exact` (issue 9): same answer as the library's exact path, auto picks it for a
// mid-size 'valid' instance, and the report carries the normal-equation residual and condition estimate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randn } from '../../src/tensor/random.js';
import { loadNpy, saveNpy } from '../../src/io/files.js';
import { main } from '../../src/cli/main.js';
import { conv2d } from '../../src/operators/conv2d.js';
import { convPinv } from '../../src/operators/conv2d-pinv.js';
import { toFloat64 } from '../../src/operators/linear-operator.js';

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}

test("conv-pinv --method exact / auto on 'valid': equals the dense pinv, reports residual and cond", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'exact-cli-'));
  try {
    const w = randn([2, 2, 3, 3], { seed: 5, dtype: 'float64' });
    saveNpy(join(dir, 'w.npy'), w);
    // Small: explicit exact vs dense.
    const A = conv2d(w, { inShape: [2, 9, 8], padding: 0 });
    const y = randn([2, ...A.outShape], { seed: 6, dtype: 'float64' });
    saveNpy(join(dir, 'y.npy'), y);
    const r = await run('conv-pinv', '--weight', join(dir, 'w.npy'), '--input', join(dir, 'y.npy'), '--out', join(dir, 'x.npy'), '--padding', 'valid', '--method', 'exact', '--report', join(dir, 'r.json'));
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /conv-pinv: exact \(\d+ ring CG iterations, normal-equation residual/);
    const x = toFloat64(loadNpy(join(dir, 'x.npy')));
    const xd = toFloat64(convPinv(A, y, { method: 'dense' }).x);
    let e = 0;
    let d = 0;
    for (let i = 0; i < x.length; i++) {
      e += (x[i]! - xd[i]!) ** 2;
      d += xd[i]! ** 2;
    }
    assert.ok(Math.sqrt(e / d) <= 1e-9, `${Math.sqrt(e / d)}`);
    const rep = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(rep['method'], 'exact');
    assert.equal(rep['converged'], true);
    assert.equal(rep['status'], 'ok');
    assert.ok((rep['relNormalResidual'] as number) <= 1e-10);
    assert.ok(Number.isFinite(rep['condEstimate'] as number) && (rep['condEstimate'] as number) >= 1);
    // Mid-size: auto picks exact.
    const B = conv2d(w, { inShape: [2, 22, 22], padding: 0 });
    saveNpy(join(dir, 'y2.npy'), randn(B.outShape, { seed: 7, dtype: 'float64' }));
    const r2 = await run('conv-pinv', '--weight', join(dir, 'w.npy'), '--input', join(dir, 'y2.npy'), '--out', join(dir, 'x2.npy'), '--padding', 'valid', '--report', join(dir, 'r2.json'));
    assert.equal(r2.code, 0, r2.err);
    const rep2 = JSON.parse(readFileSync(join(dir, 'r2.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(rep2['method'], 'exact');
    assert.ok((rep2['relNormalResidual'] as number) <= 1e-10);
    // Circular padding with --method exact is refused with a message naming the obstacle.
    const r3 = await run('conv-pinv', '--weight', join(dir, 'w.npy'), '--input', join(dir, 'y2.npy'), '--out', join(dir, 'x3.npy'), '--padding', '1', '--padding-mode', 'circular', '--stride', '2', '--input-size', '40,40', '--method', 'exact');
    assert.notEqual(r3.code, 0);
    assert.match(r3.err, /method 'exact' needs a real 'valid' convolution or a zero-, reflect- or replicate-padded one.*circulant: use method 'fft'/);
    // Reflect padding with stride 2 (two-ring geometry) at 40×40: auto's bounded LSQR meets 1e-12 first and the
    // report says so; --method exact factorises, and both answers agree.
    const R = conv2d(w, { inShape: [2, 40, 40], padding: 1, stride: 2, paddingMode: 'reflect' });
    saveNpy(join(dir, 'yr.npy'), randn(R.outShape, { seed: 9, dtype: 'float64' }));
    const common = ['--weight', join(dir, 'w.npy'), '--input', join(dir, 'yr.npy'), '--padding', '1', '--padding-mode', 'reflect', '--stride', '2', '--input-size', '40,40'];
    const ra = await run('conv-pinv', ...common, '--out', join(dir, 'xra.npy'), '--report', join(dir, 'ra.json'));
    assert.equal(ra.code, 0, ra.err);
    const repa = JSON.parse(readFileSync(join(dir, 'ra.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(repa['method'], 'krylov');
    assert.equal(repa['converged'], true);
    assert.match(String(repa['choice']), /^auto: LSQR met 1e-12 in \d+ of \d+ iterations/);
    assert.ok((repa['relNormalResidual'] as number) <= 1e-12, `${repa['relNormalResidual']}`);
    const re = await run('conv-pinv', ...common, '--out', join(dir, 'xre.npy'), '--method', 'exact', '--report', join(dir, 're.json'));
    assert.equal(re.code, 0, re.err);
    assert.equal((JSON.parse(readFileSync(join(dir, 're.json'), 'utf8')) as Record<string, unknown>)['method'], 'exact');
    const xa = toFloat64(loadNpy(join(dir, 'xra.npy')));
    const xe = toFloat64(loadNpy(join(dir, 'xre.npy')));
    let ea = 0;
    let na = 0;
    for (let i = 0; i < xa.length; i++) {
      ea += (xa[i]! - xe[i]!) ** 2;
      na += xe[i]! ** 2;
    }
    assert.ok(Math.sqrt(ea / na) <= 1e-10, `auto vs exact ${Math.sqrt(ea / na)}`);
    // 'same' (zeros) with --method exact: solved, equal to the dense answer.
    const C = conv2d(w, { inShape: [2, 10, 9], padding: 'same' });
    const yc = randn(C.outShape, { seed: 8, dtype: 'float64' });
    saveNpy(join(dir, 'yc.npy'), yc);
    const r4 = await run('conv-pinv', '--weight', join(dir, 'w.npy'), '--input', join(dir, 'yc.npy'), '--out', join(dir, 'xc.npy'), '--padding', 'same', '--method', 'exact');
    assert.equal(r4.code, 0, r4.err);
    const xc = toFloat64(loadNpy(join(dir, 'xc.npy')));
    const xcd = toFloat64(convPinv(C, yc, { method: 'dense' }).x);
    let ec = 0;
    for (let i = 0; i < xc.length; i++) ec = Math.max(ec, Math.abs(xc[i]! - xcd[i]!));
    assert.ok(ec < 1e-9, `${ec}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
