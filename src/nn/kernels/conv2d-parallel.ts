/**
 * Multi-threaded driver of the direct convolution kernel on the parallel backend (src/parallel/pool.ts). Each
 * thread runs the WebAssembly SIMD kernel (conv2d-wasm.ts) where it can, else the JS one (conv2d-direct.ts);
 * both give bitwise the same result.
 *
 * One "plan" is a set of `convGemm` calls that share their offset tables and differ only by (group, batch
 * item): the input offset, the output offset and the group's packed weights and bias. The work units are
 * (call, chunk of output pixels). Each output element depends only on its own pixel's inputs and is summed
 * over k in the same order whichever tile or chunk holds the pixel, so any split gives a result bitwise
 * identical to the serial loop. Threads write disjoint pixels of the output.
 *
 * Small plans (under {@link PARALLEL_CONV_MIN_FLOPS}), calls without a backend and calls from inside another
 * parallel task run serially.
 */
import { AdjointError } from '../../errors.js';
import { allocShared, getParallelBackend, isShared, parallelFor } from '../../parallel/pool.js';
import { registerTask, type TaskArg } from '../../parallel/tasks.js';
import { convGemm } from './conv2d-direct.js';
import { convGemmWasm } from './conv2d-wasm.js';

/** Flop count (2·M·K·pixels·calls, in real scalars) from which a plan is split across threads (~5 ms serial with
 * the JS kernel, ~1 ms with the wasm one: still well above the cost of a split). */
export const PARALLEL_CONV_MIN_FLOPS = 2e7;

const TASK = 'nn.convGemmRange';
// Pixels per work unit: a multiple of both tile widths (4 and 8) and of 8 doubles, so that neighbouring threads
// rarely share a cache line of a contiguous output row.
const PIX_UNIT = 256;

/**
 * A batch of `convGemm` calls over the same tables. Call `c = g·n + b` (g < groups, b < n) reads
 * `x[xOff(c) + …]` with `xOff(c) = b·xStrideB + g·xStrideG`, writes `out[outOff(c) + rowBase[m] + outIdx[p]]`
 * with `outOff(c) = b·outStrideB + g·outStrideG`, and uses the weights `wp[g·wStrideG …]` and bias
 * `bias[g·M …]` (when not null).
 */
export interface ConvPlan {
  x: Float64Array;
  pixBase: Int32Array;
  nPix: number;
  taps: Int32Array;
  K: number;
  /** Packed weights of all groups, one after another (each as built by `packRows`). */
  wp: Float64Array;
  wStrideG: number;
  M: number;
  /** Bias of all groups (`groups·M` scalars), or null. */
  bias: Float64Array | null;
  out: Float64Array;
  rowBase: Int32Array;
  outIdx: Int32Array;
  n: number;
  groups: number;
  xStrideB: number;
  xStrideG: number;
  outStrideB: number;
  outStrideG: number;
}

/**
 * Runs units [start, end) of a plan: unit u is pixel chunk `u mod chunks` of call `⌊u / chunks⌋`. Consecutive
 * units of one call go to the kernel as one pixel range (the wasm kernel copies its input once per range).
 */
function runUnits(p: ConvPlan, start: number, end: number): void {
  const chunks = Math.ceil(p.nPix / PIX_UNIT);
  for (let u = start; u < end; ) {
    const call = (u / chunks) | 0;
    const uEnd = Math.min(end, (call + 1) * chunks);
    const g = (call / p.n) | 0;
    const b = call - g * p.n;
    const p0 = (u - call * chunks) * PIX_UNIT;
    const p1 = Math.min(p.nPix, (uEnd - call * chunks) * PIX_UNIT);
    const xOff = b * p.xStrideB + g * p.xStrideG;
    const oOff = b * p.outStrideB + g * p.outStrideG;
    const wp = p.wp.subarray(g * p.wStrideG, (g + 1) * p.wStrideG);
    const bias = p.bias === null ? null : p.bias.subarray(g * p.M, (g + 1) * p.M);
    // The output view starts at this call's offset, so the shared rowBase table serves every call.
    const pix = p.pixBase.subarray(p0, p1);
    const out = p.out.subarray(oOff);
    const outIdx = p.outIdx.subarray(p0, p1);
    if (!convGemmWasm(p.x, xOff, pix, p1 - p0, p.taps, p.K, wp, p.M, bias, out, p.rowBase, outIdx)) {
      convGemm(p.x, xOff, pix, p1 - p0, p.taps, p.K, wp, p.M, bias, out, p.rowBase, outIdx);
    }
    u = uEnd;
  }
}

function unitCount(p: ConvPlan): number {
  return p.n * p.groups * Math.ceil(p.nPix / PIX_UNIT);
}

registerTask(TASK, (args: readonly TaskArg[], start: number, end: number) => {
  const [x, pixBase, taps, wp, bias, out, rowBase, outIdx, meta] = args as [
    Float64Array, Int32Array, Int32Array, Float64Array, Float64Array | boolean, Float64Array, Int32Array, Int32Array, Int32Array,
  ];
  runUnits(
    {
      x, pixBase, taps, wp, out, rowBase, outIdx,
      bias: typeof bias === 'boolean' ? null : bias,
      nPix: meta[0]!, K: meta[1]!, wStrideG: meta[2]!, M: meta[3]!, n: meta[4]!, groups: meta[5]!,
      xStrideB: meta[6]!, xStrideG: meta[7]!, outStrideB: meta[8]!, outStrideG: meta[9]!,
    },
    start,
    end,
  );
});

/** A shared copy of `a` (when a backend is installed), else `a`. */
function shared(a: Float64Array): Float64Array;
function shared(a: Int32Array): Int32Array;
function shared(a: Float64Array | Int32Array): Float64Array | Int32Array {
  if (isShared(a)) return a;
  const s = a instanceof Int32Array ? allocShared(Int32Array, a.length) : allocShared(Float64Array, a.length);
  s.set(a);
  return s;
}

/**
 * True when a plan of `flops` real flops would be split across threads: a backend with helpers is installed and
 * the work is large enough. Callers use it to allocate their input/output buffers in shared memory up front.
 * @example `const big = convWantsParallel(2 * M * K * nPix * n * groups);`
 */
export function convWantsParallel(flops: number): boolean {
  const b = getParallelBackend();
  return b !== null && b.helpers >= 1 && flops >= PARALLEL_CONV_MIN_FLOPS && typeof SharedArrayBuffer !== 'undefined';
}

/**
 * Runs every call of `plan`, split across threads when {@link convWantsParallel} holds and `plan.x` and
 * `plan.out` are in shared memory (the small tables are copied there); otherwise serially. The result is
 * bitwise identical either way.
 *
 * @example
 * ```ts
 * convGemmPlan({ x: xp, pixBase, nPix, taps, K, wp, wStrideG: wp.length, M, bias: null, out, rowBase, outIdx,
 *                n: 1, groups: 1, xStrideB: 0, xStrideG: 0, outStrideB: 0, outStrideG: 0 });
 * ```
 */
export function convGemmPlan(plan: ConvPlan): void {
  const units = unitCount(plan);
  const flops = 2 * plan.M * plan.K * plan.nPix * plan.n * plan.groups;
  if (units < 2 || !convWantsParallel(flops) || !isShared(plan.x) || !isShared(plan.out)) {
    runUnits(plan, 0, units);
    return;
  }
  // Int32 metadata: sizes read back from a Float64Array would reach the kernel as doubles, and V8 then compiles
  // its index arithmetic for doubles in every thread (the serial path included), about 1.5× slower.
  const meta = allocShared(Int32Array, 10);
  meta.set([plan.nPix, plan.K, plan.wStrideG, plan.M, plan.n, plan.groups, plan.xStrideB, plan.xStrideG, plan.outStrideB, plan.outStrideG]);
  const args: TaskArg[] = [
    plan.x, shared(plan.pixBase), shared(plan.taps), shared(plan.wp), plan.bias === null ? false : shared(plan.bias),
    plan.out, shared(plan.rowBase), shared(plan.outIdx), meta,
  ];
  try {
    parallelFor(TASK, units, args);
  } catch (e) {
    // Called from inside another parallel task: the backend refuses nested splits before any work starts.
    if (e instanceof AdjointError && /nested parallelFor/.test(e.message)) {
      runUnits(plan, 0, units);
      return;
    }
    throw e;
  }
}
