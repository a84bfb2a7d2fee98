/**
 * `adjoint conv-pinv --weight W.npy --input Y.npy --out X.npy [...]` — x̂ = A⁺y for the operator
 * x ↦ conv2d(x, W, stride, padding, dilation) with nn.Conv2d(padding_mode=…) semantics.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync, renameSync, writeFileSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { AdjointError } from '../../errors.js';
import { loadNpy, saveNpy } from '../../io/files.js';
import { convOutSize, resolveConvPadding, type Conv2dPadding, type PaddingMode } from '../../nn/conv-args.js';
import { cast } from '../../tensor/cast.js';
import { Tensor } from '../../tensor/tensor.js';
import { conv2d } from '../../operators/conv2d.js';
import { convPinv, type ConvPinvMethod, type ConvPinvOptions } from '../../operators/conv2d-pinv.js';
import { installNodeBackend, nodeBackendReady } from '../../node/worker-pool.js';
import type { CliContext, CommandRegistrar } from '../command.js';

/** Parsed options of `adjoint conv-pinv`. @example `{ weight: 'w.npy', input: 'y.npy', out: 'x.npy', padding: '1' }` */
export interface ConvPinvCliOptions {
  weight: string;
  input: string;
  out: string;
  padding?: string;
  paddingMode?: string;
  stride?: string;
  dilation?: string;
  inputSize?: string;
  method?: string;
  rtol?: string;
  atol?: string;
  damp?: string;
  tol?: string;
  maxIter?: string;
  validSolver?: string;
  report?: string;
}

function bad(msg: string): AdjointError {
  return new AdjointError(`conv-pinv: ${msg}`);
}

function intList(name: string, s: string, n: 1 | 2): [number, number] {
  const parts = s.split(',').map((p) => p.trim());
  if (parts.length < 1 || parts.length > n || !parts.every((p) => /^\d+$/.test(p))) throw bad(`--${name} must be ${n === 1 ? 'an integer' : "an integer or 'H,W'"}, got '${s}'`);
  const v = parts.map(Number);
  return [v[0]!, v[1] ?? v[0]!];
}

function posNumber(name: string, s: string | undefined, integer = false): number | undefined {
  if (s === undefined) return undefined;
  const v = Number(s);
  if (s.trim() === '' || !Number.isFinite(v) || v < 0 || (integer && (!Number.isInteger(v) || v < 1))) {
    throw bad(`--${name} must be ${integer ? 'a positive integer' : 'a finite number >= 0'}, got '${s}'`);
  }
  return v;
}

/**
 * Parses `--padding`: an integer, 'H,W', 'same' or 'valid'.
 * @example `parsePadding('1,2') // [1, 2]`
 */
export function parsePadding(s: string | undefined): Conv2dPadding {
  if (s === undefined) return 0;
  if (s === 'same' || s === 'valid') return s;
  if (!/^\d+(,\d+)?$/.test(s.trim())) throw bad(`--padding must be an integer, 'H,W', 'same' or 'valid', got '${s}'`);
  return intList('padding', s, 2);
}

/**
 * The input spatial sizes that give `outSize` outputs along one dim; unique when the stride is 1.
 * @example `inputSizesFor(126, 0, 0, 3, 1, 1) // [128]`
 */
export function inputSizesFor(outSize: number, padLo: number, padHi: number, k: number, s: number, d: number): number[] {
  const out: number[] = [];
  const base = (outSize - 1) * s + d * (k - 1) + 1 - padLo - padHi;
  for (let n = Math.max(1, base); n < base + s; n++) if (convOutSize(n, padLo, padHi, k, s, d) === outSize) out.push(n);
  return out;
}

function sameFile(a: string, b: string): boolean {
  const ra = resolve(a);
  const rb = resolve(b);
  if (ra === rb) return true;
  try {
    return existsSync(b) && realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

function checkFinite(name: string, t: Tensor): void {
  const d = t.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i] as number)) throw bad(`${name} contains a non-finite value (NaN or Inf)`);
}

function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* the temp file may not exist */
    }
    throw bad(`cannot write report '${path}': ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A one-line `\r` progress display on stderr (only when stderr is a TTY). */
function progressPrinter(ctx: CliContext, maxIter: number | undefined): ((item: number, it: number, p: { relResidual: number }) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return (item, it, p) => {
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    const cap = maxIter ?? 0;
    const width = 24;
    const frac = cap > 0 ? Math.min(1, it / cap) : 0;
    const bar = cap > 0 ? `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ` : '';
    ctx.stderr(`\r${bar}item ${item} iter ${it}${cap > 0 ? `/${cap}` : ''} rel.residual ${p.relResidual.toExponential(2)}   `);
  };
}

/**
 * Runs `adjoint conv-pinv` with parsed options; returns the report it writes.
 * @example `runConvPinv({ weight: 'w.npy', input: 'y.npy', out: 'x.npy' }, ctx)`
 */
export function runConvPinv(o: ConvPinvCliOptions, ctx: CliContext): Record<string, unknown> {
  for (const [k, v] of [['weight', o.weight], ['input', o.input]] as const) {
    if (sameFile(o.out, v)) throw bad(`--out '${o.out}' is the same file as --${k}; choose another output path`);
    if (o.report !== undefined && sameFile(o.report, v)) throw bad(`--report '${o.report}' is the same file as --${k}`);
  }
  if (o.report !== undefined && sameFile(o.report, o.out)) throw bad(`--report and --out are the same file '${o.out}'`);
  const modes: readonly PaddingMode[] = ['zeros', 'circular', 'reflect', 'replicate'];
  const mode = (o.paddingMode ?? 'zeros') as PaddingMode;
  if (!modes.includes(mode)) throw bad(`--padding-mode must be one of ${modes.join(', ')}, got '${o.paddingMode}'`);
  const padding = parsePadding(o.padding);
  const stride = intList('stride', o.stride ?? '1', 2);
  const dilation = intList('dilation', o.dilation ?? '1', 2);
  if (stride.some((v) => v < 1) || dilation.some((v) => v < 1)) throw bad('--stride and --dilation must be positive');
  const methods: readonly ConvPinvMethod[] = ['auto', 'fft', 'dense', 'exact', 'krylov'];
  const method = (o.method ?? 'auto') as ConvPinvMethod;
  if (!methods.includes(method)) throw bad(`--method must be one of ${methods.join(', ')}, got '${o.method}'`);
  const W = loadNpy(o.weight);
  const Y = loadNpy(o.input);
  for (const [name, t] of [['--weight', W], ['--input', Y]] as const) {
    if (t.dtype !== 'float32' && t.dtype !== 'float64') throw bad(`${name} must hold a float32 or float64 array, got ${t.dtype}`);
  }
  if (W.ndim !== 4) throw bad(`--weight must be [c_out, c_in, kh, kw], got shape [${W.shape.join(', ')}]`);
  if (Y.ndim !== 3 && Y.ndim !== 4) throw bad(`--input must be [b, c_out, H, W] or [c_out, H, W], got shape [${Y.shape.join(', ')}]`);
  const [cout, cin, kh, kw] = W.shape as [number, number, number, number];
  const [c, ho, wo] = Y.shape.slice(-3) as [number, number, number];
  if (c !== cout) throw bad(`--input has ${c} channels but --weight has c_out = ${cout} (shapes [${Y.shape.join(', ')}] and [${W.shape.join(', ')}])`);
  checkFinite('--weight', W);
  checkFinite('--input', Y);
  const pads = resolveConvPadding(padding, stride, [kh, kw], dilation, 'conv-pinv');
  let size: [number, number];
  if (o.inputSize !== undefined) {
    size = intList('input-size', o.inputSize, 2);
    const eh = convOutSize(size[0], pads.top, pads.bottom, kh, stride[0], dilation[0]);
    const ew = convOutSize(size[1], pads.left, pads.right, kw, stride[1], dilation[1]);
    if (eh !== ho || ew !== wo) throw bad(`--input-size ${size.join(',')} gives outputs ${eh}×${ew}, but --input is ${ho}×${wo}`);
  } else {
    const hs = inputSizesFor(ho, pads.top, pads.bottom, kh, stride[0], dilation[0]);
    const ws = inputSizesFor(wo, pads.left, pads.right, kw, stride[1], dilation[1]);
    if (hs.length === 0 || ws.length === 0) throw bad(`no input size gives a ${ho}×${wo} output with this kernel, stride, padding and dilation`);
    if (hs.length > 1 || ws.length > 1) {
      throw bad(`the input size is not unique (H in {${hs.join(', ')}}, W in {${ws.join(', ')}} all give ${ho}×${wo}); pass --input-size H,W`);
    }
    size = [hs[0]!, ws[0]!];
  }
  const dt = Y.dtype;
  const w = W.dtype === dt ? W : cast(W, dt);
  const A = conv2d(w, { inShape: [cin, size[0], size[1]], stride, padding, dilation, paddingMode: mode });
  const maxIter = posNumber('max-iter', o.maxIter, true);
  const opts: ConvPinvOptions = { method };
  const rtol = posNumber('rtol', o.rtol);
  const atol = posNumber('atol', o.atol);
  const damp = posNumber('damp', o.damp);
  const tol = posNumber('tol', o.tol);
  if (rtol !== undefined) opts.rtol = rtol;
  if (atol !== undefined) opts.atol = atol;
  if (damp !== undefined) opts.damp = damp;
  if (tol !== undefined) opts.tol = tol;
  if (maxIter !== undefined) opts.maxIter = maxIter;
  if (o.validSolver !== undefined) {
    if (o.validSolver !== 'cg' && o.validSolver !== 'lu') throw bad(`--valid-solver must be cg or lu, got '${o.validSolver}'`);
    opts.validSolver = o.validSolver;
  }
  const bar = progressPrinter(ctx, maxIter);
  if (bar) opts.onIteration = (item, it, p) => void bar(item, it, p);
  const t0 = performance.now();
  const { x, info } = convPinv(A, Y, opts);
  const seconds = (performance.now() - t0) / 1000;
  if (bar) ctx.stderr('\n');
  saveNpy(o.out, x);
  const report: Record<string, unknown> = { method: info.method, iterations: info.iterations, converged: info.converged, relResidual: info.relResidual, seconds };
  if (info.rank !== undefined) report['rank'] = info.rank;
  if (info.cutoff !== undefined) report['cutoff'] = info.cutoff;
  if (info.stopReasons !== undefined) report['stopReasons'] = info.stopReasons;
  if (info.method === 'exact') {
    report['relNormalResidual'] = info.relNormalResidual;
    report['status'] = info.status;
    report['condEstimate'] = info.condEstimate;
  }
  if (info.method === 'krylov' && report['relNormalResidual'] === undefined) report['relNormalResidual'] = info.relNormalResidual;
  if (info.choice !== undefined) report['choice'] = info.choice;
  if (info.fallback !== undefined) report['fallback'] = info.fallback;
  if (o.report !== undefined) writeJsonAtomic(o.report, report);
  ctx.stdout(
    `conv-pinv: ${info.method}${info.method === 'krylov' ? ` (${info.iterations} iterations, ${info.converged ? 'converged' : 'NOT converged: hit the cap or tolerance not met'})` : ''}` +
      `${info.method === 'exact' ? ` (${info.iterations} ring CG iterations, normal-equation residual ${info.relNormalResidual.toExponential(2)}, cond ≈ ${info.condEstimate?.toPrecision(3)}, ${info.status}${info.converged ? '' : ', NOT converged'})` : ''}, ` +
      `relResidual ${info.relResidual.toExponential(3)}, ${seconds.toFixed(3)} s -> ${o.out} [${x.shape.join(', ')}] ${x.dtype}\n`,
  );
  return report;
}

/**
 * Registers `adjoint conv-pinv`.
 * @example `registerConvPinv(program, ctx)`
 */
export const registerConvPinv: CommandRegistrar = (program: Command, ctx: CliContext) => {
  program
    .command('conv-pinv')
    .description('x = A⁺y for A = conv2d(·, W) (nn.Conv2d semantics, no bias): exact via FFT for circular padding, dense for small, exact ring solver for \'valid\', Krylov otherwise')
    .requiredOption('--weight <file>', 'kernel W [c_out, c_in, kh, kw] (.npy)')
    .requiredOption('--input <file>', 'Y [b, c_out, H, W] or [c_out, H, W] (.npy)')
    .requiredOption('--out <file>', 'where to write X = A⁺Y (.npy, atomically, in Y’s dtype)')
    .option('--padding <p>', "integer, 'H,W', 'same' or 'valid' (default 0)")
    .option('--padding-mode <mode>', 'zeros | circular | reflect | replicate (default zeros)')
    .option('--stride <s>', "integer or 'H,W' (default 1)")
    .option('--dilation <d>', "integer or 'H,W' (default 1)")
    .option('--input-size <H,W>', 'input spatial size, needed when it does not follow from Y (stride > 1)')
    .option('--method <m>', 'auto | fft | dense | exact | krylov (default auto; exact = ring solvers: real valid, zeros/reflect/replicate padding)')
    .option('--rtol <r>', 'relative cut-off against σ₁(A) (default max(M,N)·ε)')
    .option('--atol <a>', 'absolute cut-off')
    .option('--damp <l>', 'Tikhonov damping λ')
    .option('--tol <t>', 'Krylov tolerance (exact: normal-equation target, default 1e-10)')
    .option('--max-iter <n>', 'Krylov iteration cap (exact: CG cap per refinement pass)')
    .option('--valid-solver <s>', "exact on 'valid': cg (default, CG on the ring per y) | lu (dense ring factorisation once)")
    .option('--report <file>', 'write { method, iterations, converged, relResidual, seconds } as JSON')
    .action(async (opts: ConvPinvCliOptions) => {
      // The per-frequency factorisation splits across worker threads (ADJOINT_THREADS=1 disables).
      installNodeBackend();
      await nodeBackendReady();
      runConvPinv(opts, ctx);
    });
};
