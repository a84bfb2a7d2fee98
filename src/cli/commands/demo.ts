/**
 * `adjoint demo` (what `npm start` runs): the seed question end to end. c = 32 channels, 128×128, a random
 * 3×3 kernel K and a random x (seeded); for circular padding, 'valid' (padding 0) and 'same' (zeros,
 * padding 1): y = conv2d(x, K), then x̂ = A⁺y (`pinv`'s auto choice: FFT for circular, the exact ring solvers for
 * 'valid' and 'same'; a last row runs capped Krylov on 'same' for comparison). Prints a table with the normal-equation residual ‖Aᴴ(Ax̂−y)‖/(‖A‖‖y‖) of each
 * row, then a Moore–Penrose check on a small instance.
 */
import type { Command } from 'commander';
import { AdjointError } from '../../errors.js';
import { randn } from '../../tensor/random.js';
import { Tensor } from '../../tensor/tensor.js';
import { conv2d } from '../../operators/conv2d.js';
import { convPinv } from '../../operators/conv2d-pinv.js';
import { chooseMethod } from '../../operators/pinv/choose.js';
import { toFloat64 } from '../../operators/linear-operator.js';
import { matmul } from '../../tensor/matmul.js';
import { installNodeBackend, nodeBackendReady } from '../../node/worker-pool.js';
import type { CliContext, CommandRegistrar } from '../command.js';

/** Options of the demo. @example `{ channels: 32, size: 128, maxIter: 60, dtype: 'float64' }` */
export interface DemoOptions {
  channels: number;
  size: number;
  maxIter: number;
  dtype: 'float32' | 'float64';
}

function relDiff(a: Float64Array, b: Float64Array): number {
  let n = 0;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    n += (a[i]! - b[i]!) ** 2;
    d += b[i]! ** 2;
  }
  return d > 0 ? Math.sqrt(n / d) : Math.sqrt(n);
}

/**
 * The four Moore–Penrose residuals ‖AXA − A‖, ‖XAX − X‖, ‖(AX)ᴴ − AX‖, ‖(XA)ᴴ − XA‖ (relative, Frobenius) of
 * X = the matrix of x ↦ A⁺x built column by column through `pinv`, for a small circular and a small
 * zero-padded conv2d.
 *
 * @example `moorePenroseCheck().map((r) => r.worst)`
 */
export function moorePenroseCheck(): Array<{ name: string; method: string; residuals: number[] }> {
  const out: Array<{ name: string; method: string; residuals: number[] }> = [];
  const w = randn([3, 2, 3, 3], { seed: 7, dtype: 'float64' });
  for (const [name, mode, padding, stride] of [
    ['circular, stride 2, c_out=3 > c_in=2, 8×8', 'circular', 1, 2],
    ['zeros, valid, 7×6', 'zeros', 0, 1],
  ] as const) {
    const inShape = name.includes('7×6') ? [2, 7, 6] : [2, 8, 8];
    const A = conv2d(w, { inShape, padding, paddingMode: mode, stride });
    const Ad = A.toDense();
    const m = A.outSize;
    const n = A.inSize;
    const eye = new Float64Array(m * m);
    for (let i = 0; i < m; i++) eye[i * m + i] = 1;
    const { x, info } = convPinv(A, new Tensor(eye, [m, ...A.outShape], 'float64'), { residual: false });
    // Row i of x is A⁺e_i, so X = xᵀ (n × m).
    const xs = toFloat64(x);
    const X = new Float64Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) X[j * m + i] = xs[i * n + j]!;
    const Xt = new Tensor(X, [n, m], 'float64');
    const AX = toFloat64(matmul(Ad, Xt));
    const XA = toFloat64(matmul(Xt, Ad));
    const AXA = toFloat64(matmul(new Tensor(AX, [m, m], 'float64'), Ad));
    const XAX = toFloat64(matmul(new Tensor(XA, [n, n], 'float64'), Xt));
    const tr = (a: Float64Array, k: number): Float64Array => {
      const t = new Float64Array(k * k);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) t[j * k + i] = a[i * k + j]!;
      return t;
    };
    out.push({ name, method: info.method, residuals: [relDiff(AXA, toFloat64(Ad)), relDiff(XAX, X), relDiff(tr(AX, m), AX), relDiff(tr(XA, n), XA)] });
  }
  return out;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/**
 * Runs the demo and prints its table through `ctx`.
 * @example `runDemo({ channels: 32, size: 128, maxIter: 100, dtype: 'float64' }, ctx)`
 */
export function runDemo(o: DemoOptions, ctx: CliContext): void {
  const { channels: c, size: n, maxIter, dtype } = o;
  ctx.stdout(`adjoint demo: pseudo-inverse of y = conv2d(x, K), K [${c}, ${c}, 3, 3], x [1, ${c}, ${n}, ${n}], ${dtype}, seeded\n`);
  ctx.stdout(`(Krylov runs are capped at ${maxIter} iterations; 'valid' is underdetermined, so x is not recoverable there: x̂ is the minimum-norm solution;\n`);
  ctx.stdout(` 'exact' = ring solver refined to ‖Aᴴ(Ax̂−y)‖/(‖A‖‖y‖) ≤ 1e-10, ‖A‖ taken as a lower bound so the column over-states)\n\n`);
  const rows: string[][] = [['mode', 'method', 'seconds', '‖Ax̂−y‖/‖y‖', '‖Aᴴ(Ax̂−y)‖/(‖A‖‖y‖)', '‖x̂−x‖/‖x‖', 'notes']];
  // 'auto' takes the exact solvers for all three modes at the seed's size; the last row runs the Krylov path
  // on the same 'same' problem, capped, to show what an iterative answer reaches in comparable time.
  const cases = [
    ['circular (padding 1)', 'circular', 1, c, n, null],
    ['valid (padding 0)', 'zeros', 0, c, n, null],
    ['same (zeros, padding 1)', 'zeros', 1, c, n, null],
    ['same, Krylov for comparison', 'zeros', 1, c, n, 'krylov'],
  ] as const;
  for (const [mode, paddingMode, padding, cc, nn, force] of cases) {
    const K = randn([cc, cc, 3, 3], { seed: 0, dtype });
    const x = randn([1, cc, nn, nn], { seed: 1, dtype });
    const xd = toFloat64(x);
    const A = conv2d(K, { inShape: [cc, nn, nn], padding, paddingMode });
    const y = A.apply(x);
    const t0 = performance.now();
    // The Krylov cap is for Krylov only: the exact solvers run their own bounded iterations to the 1e-10 target.
    const tol = dtype === 'float64' ? 1e-10 : 1e-5;
    const exact = force === null && chooseMethod(A) === 'exact';
    const { x: xh, info } = convPinv(A, y, exact ? { tol } : { maxIter, tol, ...(force ? { method: force } : {}) });
    const secs = (performance.now() - t0) / 1000;
    const recoverable = A.outSize >= A.inSize;
    const err = recoverable ? relDiff(toFloat64(xh), xd).toExponential(2) : 'n/a';
    let note = '';
    if (info.method === 'krylov') note = `${info.iterations} it, ${info.converged ? 'converged' : `stopped at the cap (${info.stopReasons?.join(',')})`}`;
    else if (info.method === 'exact' && padding === 0)
      note = `${info.iterations} ring CG it, ${info.refinements} pass(es), cond(C) ≈ ${info.condEstimate?.toPrecision(3)}, ${info.status}, ${info.converged ? 'converged' : 'NOT converged'}`;
    else if (info.method === 'exact')
      note = `pad-ring LU, ${info.refinements} pass(es), cond(A) ≈ ${info.condEstimate?.toPrecision(3)}, ${info.status}, ${info.converged ? 'converged' : 'NOT converged'}`;
    else note = `rank ${info.rank}, σ₁ ${info.sigmaMax?.toPrecision(4)}, cutoff ${info.cutoff?.toExponential(2)}`;
    rows.push([mode, info.method, secs.toFixed(2), info.relResidual.toExponential(2), info.relNormalResidual.toExponential(2), err, note]);
  }
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  for (const r of rows) ctx.stdout(`${r.map((v, j) => pad(v, widths[j]!)).join('  ')}\n`);
  ctx.stdout('\nMoore–Penrose check (X = matrix of y ↦ A⁺y, float64), relative residuals of AXA=A, XAX=X, (AX)ᴴ=AX, (XA)ᴴ=XA:\n');
  for (const r of moorePenroseCheck()) {
    const worst = Math.max(...r.residuals);
    ctx.stdout(`  ${pad(r.name, 42)} [${r.method}]  ${r.residuals.map((v) => v.toExponential(1)).join('  ')}  ${worst < 1e-9 ? 'OK' : 'FAILED'}\n`);
    if (!(worst < 1e-9)) throw new AdjointError(`demo: the Moore–Penrose check failed for ${r.name} (worst residual ${worst})`);
  }
}

/**
 * Registers `adjoint demo`.
 * @example `registerDemo(program, ctx)`
 */
export const registerDemo: CommandRegistrar = (program: Command, ctx: CliContext) => {
  program
    .command('demo')
    .description('the seed scenario end to end: pseudo-inverse of a 32-channel 3×3 conv on 128×128 for circular (FFT), valid (exact ring CG) and same (exact pad-ring LU) padding, and Krylov on same for comparison')
    .option('--channels <c>', 'channels', '32')
    .option('--size <n>', 'spatial size', '128')
    .option('--max-iter <n>', 'Krylov iteration cap', '60')
    .option('--dtype <dt>', 'float64 or float32', 'float64')
    .action(async (opts: { channels: string; size: string; maxIter: string; dtype: string }) => {
      const num = (k: string, v: string): number => {
        const x = Number(v);
        if (!Number.isInteger(x) || x < 1) throw new AdjointError(`demo: --${k} must be a positive integer, got '${v}'`);
        return x;
      };
      if (opts.dtype !== 'float64' && opts.dtype !== 'float32') throw new AdjointError(`demo: --dtype must be float64 or float32, got '${opts.dtype}'`);
      installNodeBackend();
      await nodeBackendReady();
      runDemo({ channels: num('channels', opts.channels), size: num('size', opts.size), maxIter: num('max-iter', opts.maxIter), dtype: opts.dtype }, ctx);
    });
};
