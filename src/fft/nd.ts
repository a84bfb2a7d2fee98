/**
 * The n-D driver: one axis at a time over contiguous C-order buffers. The lines along the axis are processed
 * in blocks of `B` lines gathered into a lane-major float64 scratch ([n, B]: element i of line b at i·B + b),
 * transformed there with every pass streaming over B consecutive lanes, and scattered back with the
 * normalisation folded in. For an outer axis the B lines of a block are neighbouring columns, so the gather
 * reads contiguous runs of B elements (no full transpose); for the last axis they are B neighbouring rows.
 *
 * Zero-padding is never materialised before the transform: each source line holds `live` entries and the
 * rest are zeros, and lines that lie entirely in the padding are skipped. When a line has only a few live
 * entries (k ≤ ¾·log2 n) the bins are evaluated directly from the k taps (the pruned rfftn fast path).
 *
 * float32 data is computed in float64 scratch with float64 twiddles and rounded once per axis on scatter.
 *
 * Big passes are split by lines between threads (`parallelFor`, task 'fft.axis', registered here and loaded by
 * the workers through src/parallel/task-list.ts). Every line is computed by the same code in the same order
 * whichever thread runs it, so results are bitwise identical with and without helpers.
 */
import { executePlan, getPlan } from './kernels/execute.js';
import { directDft } from './kernels/direct.js';
import { rootsOfUnity } from './kernels/plan.js';
import { c2rPre, r2cPost } from './kernels/real.js';
import { getParallelBackend, isShared, parallelFor, toShared } from '../parallel/pool.js';
import { registerTask, type TaskArg } from '../parallel/tasks.js';

/** Any storage the driver reads (real dtypes of every kind, complex as interleaved floats). */
export type SrcArray = Float32Array | Float64Array | Int32Array | Uint8Array;
/** Storage the driver writes. */
export type DstArray = Float32Array | Float64Array;

/** Complex elements per gathered block; a block and its scratch stay within the L2 cache. */
const BLOCK_ELEMS = 16384;
const MAX_LANES = 512;

let pruningEnabled = true;


/** @internal Turns the pruned direct-DFT path on or off (tests compare both paths). @example `setPruning(false)` */
export function setPruning(on: boolean): void {
  pruningEnabled = on;
}

/** One axis transform. Shapes are in elements; `live[d]` bounds the possibly-nonzero region of `src`. */
export interface AxisJob {
  kind: 'c2c' | 'r2c' | 'c2r';
  src: SrcArray;
  srcShape: readonly number[];
  srcComplex: boolean;
  dst: DstArray;
  dstShape: readonly number[];
  axis: number;
  /** Logical transform length (the real length for r2c/c2r). */
  n: number;
  /** Exponent sign for c2c: −1 forward, +1 inverse. */
  sign: 1 | -1;
  /** Factor applied to every output value. */
  scale: number;
  /** Extent of possibly-nonzero entries of `src` along each dim (≤ srcShape, and ≤ dstShape off the axis). */
  live: readonly number[];
  /** Negate imaginary parts while reading (hfft reads conj(x)). */
  conjInput?: boolean;
}

function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Number of lines along `axis` inside the live box. */
function lineCount(shape: readonly number[], axis: number, live: readonly number[]): number {
  let count = 1;
  for (let d = 0; d < shape.length; d++) if (d !== axis) count *= live[d]!;
  return count;
}

/**
 * Element offsets of the first element of lines `start` ≤ c < `end` (lines numbered in C order over the live box
 * of the other dims), so that each thread of a parallel pass only builds the offsets of its own range.
 */
function lineBases(shape: readonly number[], axis: number, live: readonly number[], start: number, end: number): Int32Array {
  const st = strides(shape);
  const dims: number[] = [];
  for (let d = 0; d < shape.length; d++) if (d !== axis) dims.push(d);
  const count = Math.max(0, end - start);
  const out = new Int32Array(count);
  if (count === 0) return out;
  const last = dims.length - 1;
  // multi-index of line `start`
  const idx = new Array<number>(dims.length).fill(0);
  let base = 0;
  let rem = start;
  for (let k = last; k >= 0; k--) {
    const d = dims[k]!;
    idx[k] = rem % live[d]!;
    rem = Math.floor(rem / live[d]!);
    base += idx[k]! * st[d]!;
  }
  for (let c = 0; c < count; c++) {
    out[c] = base;
    // odometer increment
    for (let k = last; k >= 0; k--) {
      const d = dims[k]!;
      idx[k]!++;
      base += st[d]!;
      if (idx[k]! < live[d]!) break;
      base -= idx[k]! * st[d]!;
      idx[k] = 0;
    }
  }
  return out;
}

/** Gathers `k` entries of B lines into lane-major complex scratch, zero-filling entries k..nFill−1. */
function gather(
  src: SrcArray, srcComplex: boolean, bases: Int32Array, b0: number, B: number, st: number, k: number, nFill: number,
  buf: Float64Array, conj: boolean, pairs: boolean,
): void {
  if (pairs) {
    // real source, z_i = x_{2i} + i·x_{2i+1}
    const full = k >> 1;
    const B2 = 2 * B;
    for (let b = 0; b < B; b++) {
      const base = bases[b0 + b]!;
      let o = 2 * b;
      if (st === 1) {
        for (let i = 0; i < full; i++, o += B2) {
          buf[o] = src[base + 2 * i]!;
          buf[o + 1] = src[base + 2 * i + 1]!;
        }
      } else {
        for (let i = 0; i < full; i++, o += B2) {
          buf[o] = src[base + 2 * i * st]!;
          buf[o + 1] = src[base + (2 * i + 1) * st]!;
        }
      }
      if (k & 1) {
        buf[o] = src[base + (k - 1) * st]!;
        buf[o + 1] = 0;
      }
    }
    const used = (k + 1) >> 1;
    buf.fill(0, 2 * used * B, 2 * nFill * B);
    return;
  }
  if (srcComplex) {
    const sg = conj ? -1 : 1;
    if (st === 1) {
      for (let b = 0; b < B; b++) {
        const base = 2 * bases[b0 + b]!;
        for (let i = 0; i < k; i++) {
          const o = 2 * (i * B + b);
          buf[o] = src[base + 2 * i]!;
          buf[o + 1] = sg * src[base + 2 * i + 1]!;
        }
      }
    } else if (!conj && bases[b0 + B - 1]! - bases[b0]! === B - 1) {
      // the B lines are neighbouring columns: each entry is one contiguous run (a memcpy)
      const base = 2 * bases[b0]!;
      for (let i = 0; i < k; i++) {
        const s = base + 2 * i * st;
        buf.set(src.subarray(s, s + 2 * B), 2 * i * B);
      }
    } else {
      for (let i = 0; i < k; i++) {
        const off = 2 * i * st;
        const ob = 2 * i * B;
        for (let b = 0; b < B; b++) {
          const s = 2 * bases[b0 + b]! + off;
          buf[ob + 2 * b] = src[s]!;
          buf[ob + 2 * b + 1] = sg * src[s + 1]!;
        }
      }
    }
  } else {
    for (let i = 0; i < k; i++) {
      const off = i * st;
      const ob = 2 * i * B;
      for (let b = 0; b < B; b++) {
        buf[ob + 2 * b] = src[bases[b0 + b]! + off]!;
        buf[ob + 2 * b + 1] = 0;
      }
    }
  }
  buf.fill(0, 2 * k * B, 2 * nFill * B);
}

/** Scatters `count` complex lane entries to B complex lines of `dst`, times `scale`. */
function scatterComplex(res: Float64Array, dst: DstArray, bases: Int32Array, b0: number, B: number, st: number, count: number, scale: number): void {
  if (st === 1) {
    const B2 = 2 * B;
    for (let b = 0; b < B; b++) {
      const base = 2 * bases[b0 + b]!;
      let o = 2 * b;
      for (let i = 0; i < 2 * count; i += 2, o += B2) {
        dst[base + i] = res[o]! * scale;
        dst[base + i + 1] = res[o + 1]! * scale;
      }
    }
    return;
  }
  if (bases[b0 + B - 1]! - bases[b0]! === B - 1) {
    const base = 2 * bases[b0]!;
    for (let i = 0; i < count; i++) {
      const d = base + 2 * i * st;
      const ob = 2 * i * B;
      if (scale === 1) dst.set(res.subarray(ob, ob + 2 * B), d);
      else for (let t = 0; t < 2 * B; t++) dst[d + t] = res[ob + t]! * scale;
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    const off = 2 * i * st;
    const ob = 2 * i * B;
    for (let b = 0; b < B; b++) {
      const d = 2 * bases[b0 + b]! + off;
      dst[d] = res[ob + 2 * b]! * scale;
      dst[d + 1] = res[ob + 2 * b + 1]! * scale;
    }
  }
}

/** Scatters a real result: `pairs` (h complex lanes hold x_{2i}, x_{2i+1}) or the real parts of n lanes. */
function scatterReal(res: Float64Array, dst: DstArray, bases: Int32Array, b0: number, B: number, st: number, n: number, scale: number, pairs: boolean): void {
  for (let b = 0; b < B; b++) {
    const base = bases[b0 + b]!;
    if (pairs && st === 1) {
      let o = 2 * b;
      for (let i = 0; i < n; i += 2, o += 2 * B) {
        dst[base + i] = res[o]! * scale;
        dst[base + i + 1] = res[o + 1]! * scale;
      }
    } else if (pairs) {
      for (let i = 0; i < n >> 1; i++) {
        const o = 2 * (i * B + b);
        dst[base + 2 * i * st] = res[o]! * scale;
        dst[base + (2 * i + 1) * st] = res[o + 1]! * scale;
      }
    } else {
      for (let i = 0; i < n; i++) dst[base + i * st] = res[2 * (i * B + b)]! * scale;
    }
  }
}

/**
 * Lanes of the block starting at line b0: blocks follow runs of neighbouring columns (so that gather and
 * scatter are contiguous copies) unless the runs are short; a run a little longer than B is split in two.
 */
function blockLanes(srcB: Int32Array, dstB: Int32Array, b0: number, lines: number, B: number): number {
  const cap = Math.min(2 * B, lines - b0);
  const s0 = srcB[b0]!, d0 = dstB[b0]!;
  let r = 1;
  while (r < cap && srcB[b0 + r] === s0 + r && dstB[b0 + r] === d0 + r) r++;
  if (r < Math.max(2, B >> 2)) return Math.min(B, lines - b0);
  if (r <= B) return r;
  if (r < 2 * B) return Math.ceil(r / 2);
  return B;
}

function useDirect(k: number, n: number, pruning: boolean): boolean {
  return pruning && k < n && k <= 0.75 * Math.log2(n);
}

/**
 * Runs one axis transform (c2c in place when `src === dst`, which is safe: a block is fully gathered before
 * it is scattered).
 *
 * @example
 * ```ts
 * transformAxis({ kind: 'c2c', src: d, srcShape: [4, 8], srcComplex: true, dst: d, dstShape: [4, 8], axis: 1,
 *   n: 8, sign: -1, scale: 1, live: [4, 8] });
 * ```
 */
export function transformAxis(job: AxisJob): void {
  const { kind, srcShape, axis, n } = job;
  const nInNeeded = kind === 'c2r' ? (n >> 1) + 1 : n;
  const k = Math.min(job.live[axis]!, srcShape[axis]!, nInNeeded);
  const lines = lineCount(srcShape, axis, job.live);
  // no line, or every line is zero: so is the output (dst is zero-initialised, or this runs in place on zeros)
  if (lines === 0 || k === 0) return;
  if (lines >= 2 && lines * n >= PAR_MIN_WORK && getParallelBackend() !== null && isShared(job.dst)) {
    // helpers can only see shared memory: copy an ordinary input once (the output already is shared)
    const src = toShared(job.src);
    parallelFor(AXIS_TASK, lines, encodeJob({ ...job, src }), { minPerThread: Math.ceil(PAR_MIN_PER_THREAD / n) });
    return;
  }
  runAxisRange(job, pruningEnabled, 0, lines);
}

/** Complex elements of work (lines × n) below which an axis pass stays on the calling thread. */
const PAR_MIN_WORK = 1 << 16;
const PAR_MIN_PER_THREAD = 1 << 15;
const AXIS_TASK = 'fft.axis';

/** The job as task arguments: typed arrays stay as they are, shapes travel as comma-separated strings. */
function encodeJob(job: AxisJob): TaskArg[] {
  return [
    job.kind, job.src, job.srcShape.join(','), job.srcComplex, job.dst, job.dstShape.join(','), job.axis, job.n, job.sign,
    job.scale, job.live.join(','), job.conjInput === true, pruningEnabled,
  ];
}

function parseShape(s: string): number[] {
  return s === '' ? [] : s.split(',').map(Number);
}

/** `args` as built by {@link encodeJob}: runs lines [start, end) of the axis pass on this thread. */
function axisTask(args: readonly TaskArg[], start: number, end: number): void {
  const job: AxisJob = {
    kind: args[0] as AxisJob['kind'], src: args[1] as SrcArray, srcShape: parseShape(args[2] as string), srcComplex: args[3] as boolean,
    dst: args[4] as DstArray, dstShape: parseShape(args[5] as string), axis: args[6] as number, n: args[7] as number,
    sign: args[8] as 1 | -1, scale: args[9] as number, live: parseShape(args[10] as string), conjInput: args[11] as boolean,
  };
  runAxisRange(job, args[12] as boolean, start, end);
}
registerTask(AXIS_TASK, axisTask);

/** Lines [start, end) of one axis transform, on the calling thread. */
function runAxisRange(job: AxisJob, pruning: boolean, start: number, end: number): void {
  const { kind, src, srcShape, dst, dstShape, axis, n, scale } = job;
  const srcLen = srcShape[axis]!;
  const nOutEntries = kind === 'r2c' ? (n >> 1) + 1 : n; // entries written per dst line
  const nInNeeded = kind === 'c2r' ? (n >> 1) + 1 : n; // entries of a src line that matter
  const k = Math.min(job.live[axis]!, srcLen, nInNeeded);
  const srcBases = lineBases(srcShape, axis, job.live, start, end);
  const dstBases = lineBases(dstShape, axis, job.live, start, end);
  const lines = srcBases.length;
  if (lines === 0 || k === 0) return;
  const srcSt = strides(srcShape)[axis]!;
  const dstSt = strides(dstShape)[axis]!;
  const B = Math.max(1, Math.min(lines, MAX_LANES, Math.floor(BLOCK_ELEMS / n)));
  const size = 2 * (n + 2) * B;
  const A = new Float64Array(size);
  const C = new Float64Array(size);
  const D = kind === 'r2c' ? new Float64Array(size) : C;
  const even = n % 2 === 0 && n >= 2;
  const h = n >> 1;

  if (kind === 'c2c') {
    const direct = useDirect(k, n, pruning);
    const plan = direct ? undefined : getPlan(n, job.sign);
    const roots = direct ? rootsOfUnity(n, job.sign) : undefined;
    for (let b0 = 0, Bc = 0; b0 < lines; b0 += Bc) {
      Bc = blockLanes(srcBases, dstBases, b0, lines, B);
      gather(src, job.srcComplex, srcBases, b0, Bc, srcSt, k, n, A, job.conjInput === true, false);
      let res: Float64Array;
      if (direct) {
        directDft(A, k, C, n, n, roots!, Bc);
        res = C;
      } else res = executePlan(plan!, A, C, Bc);
      scatterComplex(res, dst, dstBases, b0, Bc, dstSt, n, scale);
    }
    return;
  }

  if (kind === 'r2c') {
    const direct = useDirect(k, n, pruning);
    const pairs = even && !direct;
    const plan = direct ? undefined : pairs ? getPlan(h, -1) : getPlan(n, -1);
    const roots = rootsOfUnity(n, -1);
    for (let b0 = 0, Bc = 0; b0 < lines; b0 += Bc) {
      Bc = blockLanes(srcBases, dstBases, b0, lines, B);
      let res: Float64Array;
      if (direct) {
        gather(src, false, srcBases, b0, Bc, srcSt, k, k, A, false, false);
        directDft(A, k, C, nOutEntries, n, roots, Bc);
        res = C;
      } else if (pairs) {
        gather(src, false, srcBases, b0, Bc, srcSt, k, h, A, false, true);
        const z = executePlan(plan!, A, C, Bc);
        r2cPost(z, D, h, Bc, roots);
        res = D;
      } else {
        // odd n: a complex FFT of the real data (documented fallback, about twice the work of the even path)
        gather(src, false, srcBases, b0, Bc, srcSt, k, n, A, false, false);
        res = executePlan(plan!, A, C, Bc);
      }
      scatterComplex(res, dst, dstBases, b0, Bc, dstSt, nOutEntries, scale);
    }
    return;
  }

  // c2r
  const m = h + 1;
  const plan = even ? getPlan(h, 1) : getPlan(n, 1);
  const rootsInv = even ? rootsOfUnity(n, 1) : undefined;
  for (let b0 = 0, Bc = 0; b0 < lines; b0 += Bc) {
    Bc = blockLanes(srcBases, dstBases, b0, lines, B);
    gather(src, job.srcComplex, srcBases, b0, Bc, srcSt, k, m, A, job.conjInput === true, false);
    // the imaginary parts of X_0 (and X_{n/2} for even n) cannot be represented by a real signal: torch drops them
    for (let b = 0; b < Bc; b++) {
      A[2 * b + 1] = 0;
      if (even) A[2 * (h * Bc + b) + 1] = 0;
    }
    let res: Float64Array;
    if (even) {
      c2rPre(A, C, h, Bc, rootsInv!);
      res = executePlan(plan, C, A, Bc);
      scatterReal(res, dst, dstBases, b0, Bc, dstSt, n, scale, true);
    } else {
      // odd n: rebuild the Hermitian spectrum and run a complex inverse FFT (documented fallback)
      for (let f = 0; f < m; f++) {
        for (let b = 0; b < Bc; b++) {
          const s = 2 * (f * Bc + b);
          C[s] = A[s]!;
          C[s + 1] = A[s + 1]!;
          if (f > 0) {
            const t = 2 * ((n - f) * Bc + b);
            C[t] = A[s]!;
            C[t + 1] = -A[s + 1]!;
          }
        }
      }
      res = executePlan(plan, C, A, Bc);
      scatterReal(res, dst, dstBases, b0, Bc, dstSt, n, scale, false);
    }
  }
}
