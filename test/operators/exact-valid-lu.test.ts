// 'valid' convolutions with `validSolver: 'lu'`: the ring system factorised once by the two-ring solver (empty
// input ring), so that new right-hand sides cost no CG (issue 9, "solving a new y must be cheap").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNpy, saveNpy } from '../../src/io/files.js';
import { main } from '../../src/cli/main.js';
import { conv2d } from '../../src/operators/conv2d.js';
import { convPinv, forgetPinv, VALID_LU_MIN_BATCH } from '../../src/operators/conv2d-pinv.js';
import { Conv2dExactPinv } from '../../src/operators/exact/conv2d-exact.js';
import { randn } from '../../src/tensor/random.js';
import { relErr as rel } from './dense-helpers.js';

test("validSolver 'lu' = dense pinv on small 'valid' operators (stride 1 and 2, c_out ≠ c_in), batched", () => {
  for (const [co, ci, n1, n2, s, seed] of [
    [2, 2, 10, 9, 1, 1],
    [2, 3, 9, 10, 1, 2],
    [3, 2, 12, 11, 2, 3],
  ] as const) {
    const A = conv2d(randn([co, ci, 3, 3], { seed, dtype: 'float64' }), { inShape: [ci, n1, n2], stride: s });
    const f = new Conv2dExactPinv(A, { validSolver: 'lu' });
    assert.equal(f.kind, 'rect', 'the two-ring solver');
    const y = randn([2, ...A.outShape], { seed: seed + 10, dtype: 'float64' });
    const lu = convPinv(A, y, { method: 'exact', validSolver: 'lu' });
    const dn = convPinv(A, y, { method: 'dense' });
    assert.equal(lu.info.method, 'exact');
    assert.equal(lu.info.iterations, 0, 'no CG');
    assert.ok(lu.info.converged && lu.info.relNormalResidual <= 1e-10, JSON.stringify(lu.info));
    assert.ok(rel(lu.x, dn.x) <= 1e-9, `‖x_lu − x_dense‖/‖x_dense‖ = ${rel(lu.x, dn.x)}`);
  }
});

test("validSolver 'lu' agrees with the CG ring solve above the dense limit, and both are kept on the operator", () => {
  const A = conv2d(randn([4, 4, 3, 3], { seed: 21, dtype: 'float64' }), { inShape: [4, 24, 24] });
  const y = randn(A.outShape, { seed: 22, dtype: 'float64' });
  const cg = convPinv(A, y, { method: 'exact' });
  const lu = convPinv(A, y, { method: 'exact', validSolver: 'lu' });
  assert.ok(cg.info.iterations > 0, 'the default solves by CG');
  assert.equal(lu.info.iterations, 0);
  assert.equal(lu.info.ringSize, 4 * (24 * 24 - 22 * 22));
  assert.ok(rel(lu.x, cg.x) <= 1e-9, `${rel(lu.x, cg.x)}`);
  assert.equal(convPinv(A, y, { method: 'exact', validSolver: 'lu' }).info.reused, true);
  assert.equal(convPinv(A, y, { method: 'exact' }).info.reused, true);
  forgetPinv(A);
  assert.equal(convPinv(A, y, { method: 'exact', validSolver: 'lu' }).info.reused, false);
});

test("validSolver: bad values and ring systems the two-ring solver cannot form are refused", () => {
  const A = conv2d(randn([2, 2, 3, 3], { seed: 31, dtype: 'float64' }), { inShape: [2, 9, 9] });
  const y = randn(A.outShape, { seed: 32, dtype: 'float64' });
  assert.throws(() => convPinv(A, y, { method: 'exact', validSolver: 'qr' as 'lu' }), /validSolver.*'cg' or 'lu'/);
  // Wide, but the taps (dilation 2, stride 2) read one input phase of four and c_out = 2 > c_in·1: CCᵀ is
  // singular on the torus, so 'lu' refuses up front.
  const W = conv2d(randn([2, 1, 3, 3], { seed: 33, dtype: 'float64' }), { inShape: [1, 13, 13], stride: 2, dilation: 2 });
  assert.ok(W.outSize < W.inSize);
  assert.throws(() => convPinv(W, randn(W.outShape, { seed: 34, dtype: 'float64' }), { method: 'exact', validSolver: 'lu' }), /validSolver' 'lu' needs.*input phases/);
});

test("validSolver 'lu' also solves tall 'valid' operators (c_out > c_in·s², where the CG ring solver's G is singular)", () => {
  const T = conv2d(randn([3, 1, 3, 3], { seed: 33, dtype: 'float64' }), { inShape: [1, 12, 12] });
  assert.ok(T.outSize > T.inSize);
  const y = randn(T.outShape, { seed: 34, dtype: 'float64' });
  const lu = convPinv(T, y, { method: 'exact', validSolver: 'lu' });
  const dn = convPinv(T, y, { method: 'dense' });
  assert.equal(lu.info.status, 'ok');
  assert.ok(lu.info.converged && lu.info.relNormalResidual <= 1e-10, JSON.stringify(lu.info));
  assert.ok(rel(lu.x, dn.x) <= 1e-9, `${rel(lu.x, dn.x)}`);
  assert.ok(Math.abs(lu.info.relResidual - dn.info.relResidual) <= 1e-9, 'the least-squares residual of the dense answer');
  // The CG ring solver cannot: G = CCᵀ is singular there.
  assert.equal(convPinv(T, y, { method: 'exact' }).info.status, 'singular');
});

test("CLI: conv-pinv --valid-solver lu = the library's answer; a bad value is one clear error", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'valid-lu-'));
  try {
    const w = randn([2, 2, 3, 3], { seed: 41, dtype: 'float64' });
    const A = conv2d(w, { inShape: [2, 20, 20] });
    const y = randn(A.outShape, { seed: 42, dtype: 'float64' });
    saveNpy(join(dir, 'w.npy'), w);
    saveNpy(join(dir, 'y.npy'), y);
    let err = '';
    const args = ['conv-pinv', '--weight', join(dir, 'w.npy'), '--input', join(dir, 'y.npy'), '--out', join(dir, 'x.npy'), '--method', 'exact'];
    const code = await main([...args, '--valid-solver', 'lu'], { stdout: () => undefined, stderr: (s) => void (err += s) });
    assert.equal(code, 0, err);
    const x = loadNpy(join(dir, 'x.npy'));
    assert.ok(rel(x, convPinv(A, y, { method: 'dense' }).x) <= 1e-9, 'equal to the dense answer');
    let err2 = '';
    const code2 = await main([...args, '--valid-solver', 'qr'], { stdout: () => undefined, stderr: (s) => void (err2 += s) });
    assert.notEqual(code2, 0);
    assert.match(err2, /--valid-solver must be cg or lu, got 'qr'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(`a batch of ${VALID_LU_MIN_BATCH} or more right-hand sides of a 'valid' operator factorises its ring ('lu'); fewer use CG`, () => {
  const A = conv2d(randn([2, 2, 3, 3], { seed: 51, dtype: 'float64' }), { inShape: [2, 22, 22] });
  const yb = randn([VALID_LU_MIN_BATCH, ...A.outShape], { seed: 52, dtype: 'float64' });
  const many = convPinv(A, yb, { method: 'exact' });
  assert.equal(many.info.iterations, 0, 'no CG');
  assert.match(many.info.choice ?? '', new RegExp(`validSolver 'lu' for ${VALID_LU_MIN_BATCH} right-hand sides`));
  assert.ok(many.info.converged && many.info.relNormalResidual <= 1e-10, JSON.stringify(many.info));
  forgetPinv(A);
  const few = randn([VALID_LU_MIN_BATCH - 1, ...A.outShape], { seed: 52, dtype: 'float64' });
  const cg = convPinv(A, few, { method: 'exact' });
  assert.ok(cg.info.iterations > 0, 'CG below the threshold');
  assert.equal(cg.info.choice, undefined);
  // Same answers: the first 15 samples of the batch by CG and by the factorisation.
  const n = (VALID_LU_MIN_BATCH - 1) * A.inSize;
  const a = (many.x.data as Float64Array).subarray(0, n);
  const b = cg.x.data as Float64Array;
  let e = 0;
  let d = 0;
  for (let i = 0; i < n; i++) {
    e += (a[i]! - b[i]!) ** 2;
    d += b[i]! ** 2;
  }
  assert.ok(Math.sqrt(e / d) <= 1e-9, `‖x_lu − x_cg‖/‖x_cg‖ = ${Math.sqrt(e / d)}`);
  // An explicit choice wins.
  forgetPinv(A);
  assert.ok(convPinv(A, yb, { method: 'exact', validSolver: 'cg' }).info.iterations > 0, "validSolver: 'cg' forces CG");
});
