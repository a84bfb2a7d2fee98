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
 * float32 data is computed in float64 scratch with float64 twiddles and rounded once per pass on scatter.
 *
 * The scratch comes from `fftWorkspace` (kernels/wasm-stockham.ts): views of this thread's WebAssembly memory when the
 * SIMD kernels load, so that the radix-2/3/4/5/8 passes, the transposes and real pre/post-processing of the fused
 * real passes and the four-step twiddles run there, bitwise identical to the JS code they replace (which remains the
 * fallback: no WebAssembly, ADJOINT_NO_WASM=1, or sizes over its cap).
 *
 * Fewer sweeps over big arrays: the r2c over the last dim runs together with the c2c over the dim before it
 * ({@link rfftLastTwo}; {@link irfftLastTwo} for c2r), two neighbouring c2c passes run as one 2-D pass ({@link c2cPasses}), and a single
 * long 1-D transform runs as a four-step FFT when threads can share it ({@link fourStep}).
 *
 * Big passes are split by lines (or planes) between threads (`parallelFor`, tasks 'fft.axis', 'fft.r2c2' and 'fft.c2r2',
 * registered here and loaded by the workers through src/parallel/task-list.ts). Every line is computed by the same
 * code in the same order whichever thread runs it, so results are bitwise identical with and without helpers; the
 * one exception is a single long 1-D transform, which takes the four-step path only with helpers (same to rounding).
 */
import { executePlan, getPlan } from './kernels/execute.js';
import { directDft } from './kernels/direct.js';
import { rootsOfUnity, unitRoot, type FftPlan } from './kernels/plan.js';
import { c2rPre, r2cPost } from './kernels/real.js';
import { fftWorkspace, wasmHelpers } from './kernels/wasm-stockham.js';
import { allocShared, getParallelBackend, isShared, parallelFor, toShared } from '../parallel/pool.js';
import { registerTask, type TaskArg } from '../parallel/tasks.js';

/** Any storage the driver reads (real dtypes of every kind, complex as interleaved floats). */
export type SrcArray = Float32Array | Float64Array | Int32Array | Uint8Array;
/** Storage the driver writes. */
export type DstArray = Float32Array | Float64Array;

/** Complex elements per gathered block; a block and its scratch stay within the L2 cache. */
const BLOCK_ELEMS = 16384;
const MAX_LANES = 512;
/** Complex elements per block of an outer-axis pass or a fused 2-D pass (see {@link c2cPasses}). */
const WIDE_BLOCK_ELEMS = 4 * BLOCK_ELEMS;
/**
 * Complex elements per block of a fused 2-D pass: its gather and scatter copy one run of B neighbouring columns
 * per entry of the n1·n2 plane, so more lanes mean fewer, longer runs (rfftn [32, 32, 128, 128] float32: the
 * [32, 32] pass measured 96 → 80 ms of CPU with 256 lanes instead of 64, although a block outgrows L2).
 */
const PAIR_BLOCK_ELEMS = 16 * BLOCK_ELEMS;

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
  /** Element strides of `dst` for the dims of `dstShape` (default: C order); the four-step FFT writes transposed. */
  dstStrides?: readonly number[];
  /** c2c only: multiply entry i of line L by ω_N^{i·L} (ω_N = exp(sign·2πi/N)) after reading (four-step FFT). */
  twiddleN?: number;
  /**
   * c2c only: `axis` is two neighbouring dims merged into one of length n = pair·(n / pair), full (no padding);
   * each line gets the 2-D transform, pair × (n / pair), in one gather/scatter (see {@link fusablePair}).
   */
  pair?: number;
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
function lineBases(st: readonly number[], axis: number, live: readonly number[], start: number, end: number): Int32Array {
  const dims: number[] = [];
  for (let d = 0; d < st.length; d++) if (d !== axis) dims.push(d);
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

/**
 * Rows to lane-major scratch: `count` complex values (2·count consecutive scalars from src[mul·bases[b0 + b]])
 * become entries 0..count−1 of lane b; imaginary parts are multiplied by `sg`. This is a transpose: four lanes at
 * a time, so that each row of `buf` gets whole cache lines written at once (one lane at a time measured ~2× slower).
 */
function rowsToLanes(src: SrcArray, bases: Int32Array, b0: number, B: number, mul: number, count: number, buf: Float64Array, sg: number): void {
  const B2 = 2 * B;
  const c2 = 2 * count;
  let b = 0;
  for (; b + 4 <= B; b += 4) {
    const s0 = mul * bases[b0 + b]!, s1 = mul * bases[b0 + b + 1]!, s2 = mul * bases[b0 + b + 2]!, s3 = mul * bases[b0 + b + 3]!;
    for (let i = 0, o = 2 * b; i < c2; i += 2, o += B2) {
      buf[o] = src[s0 + i]!;
      buf[o + 1] = sg * src[s0 + i + 1]!;
      buf[o + 2] = src[s1 + i]!;
      buf[o + 3] = sg * src[s1 + i + 1]!;
      buf[o + 4] = src[s2 + i]!;
      buf[o + 5] = sg * src[s2 + i + 1]!;
      buf[o + 6] = src[s3 + i]!;
      buf[o + 7] = sg * src[s3 + i + 1]!;
    }
  }
  for (; b < B; b++) {
    const s0 = mul * bases[b0 + b]!;
    for (let i = 0, o = 2 * b; i < c2; i += 2, o += B2) {
      buf[o] = src[s0 + i]!;
      buf[o + 1] = sg * src[s0 + i + 1]!;
    }
  }
}

/** The inverse of {@link rowsToLanes}: entries 0..count−1 of each lane, times `scale`, to 2·count scalars of its row. */
function lanesToRows(res: Float64Array, dst: DstArray, bases: Int32Array, b0: number, B: number, mul: number, count: number, scale: number): void {
  const B2 = 2 * B;
  const c2 = 2 * count;
  let b = 0;
  for (; b + 4 <= B; b += 4) {
    const d0 = mul * bases[b0 + b]!, d1 = mul * bases[b0 + b + 1]!, d2 = mul * bases[b0 + b + 2]!, d3 = mul * bases[b0 + b + 3]!;
    for (let i = 0, o = 2 * b; i < c2; i += 2, o += B2) {
      dst[d0 + i] = res[o]! * scale;
      dst[d0 + i + 1] = res[o + 1]! * scale;
      dst[d1 + i] = res[o + 2]! * scale;
      dst[d1 + i + 1] = res[o + 3]! * scale;
      dst[d2 + i] = res[o + 4]! * scale;
      dst[d2 + i + 1] = res[o + 5]! * scale;
      dst[d3 + i] = res[o + 6]! * scale;
      dst[d3 + i + 1] = res[o + 7]! * scale;
    }
  }
  for (; b < B; b++) {
    const d0 = mul * bases[b0 + b]!;
    for (let i = 0, o = 2 * b; i < c2; i += 2, o += B2) {
      dst[d0 + i] = res[o]! * scale;
      dst[d0 + i + 1] = res[o + 1]! * scale;
    }
  }
}

/**
 * Lanes from which a contiguous run is copied with set() rather than a loop: a memmove for float64, and V8's
 * native converting copy for float32 (both measured faster than the JS loop on runs of 64 lanes).
 */
const LONG_RUN = 32;

/** Gathers `k` entries of B lines into lane-major complex scratch, zero-filling entries k..nFill−1. */
function gather(
  src: SrcArray, srcComplex: boolean, bases: Int32Array, b0: number, B: number, st: number, k: number, nFill: number,
  buf: Float64Array, conj: boolean, pairs: boolean,
): void {
  if (pairs) {
    // real source, z_i = x_{2i} + i·x_{2i+1}
    const full = k >> 1;
    const B2 = 2 * B;
    if (st === 1) rowsToLanes(src, bases, b0, B, 1, full, buf, 1);
    for (let b = 0; b < B; b++) {
      const base = bases[b0 + b]!;
      let o = 2 * b;
      if (st === 1) o += full * B2;
      else {
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
      rowsToLanes(src, bases, b0, B, 2, k, buf, sg);
    } else if (!conj && bases[b0 + B - 1]! - bases[b0]! === B - 1) {
      // the B lines are neighbouring columns: each entry is one contiguous run (a memcpy)
      const base = 2 * bases[b0]!;
      const long = B >= LONG_RUN;
      for (let i = 0; i < k; i++) {
        const s = base + 2 * i * st;
        const o = 2 * i * B;
        // long runs as a native copy; a plain loop for short ones, which do not pay for the view subarray() allocates
        if (long) buf.set(src.subarray(s, s + 2 * B), o);
        else for (let t = 0; t < 2 * B; t++) buf[o + t] = src[s + t]!;
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
    lanesToRows(res, dst, bases, b0, B, 2, count, scale);
    return;
  }
  if (bases[b0 + B - 1]! - bases[b0]! === B - 1) {
    const base = 2 * bases[b0]!;
    const long = B >= LONG_RUN;
    for (let i = 0; i < count; i++) {
      const d = base + 2 * i * st;
      const ob = 2 * i * B;
      if (scale === 1 && long) dst.set(res.subarray(ob, ob + 2 * B), d);
      else if (scale === 1) for (let t = 0; t < 2 * B; t++) dst[d + t] = res[ob + t]!;
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
  if (pairs && st === 1) {
    lanesToRows(res, dst, bases, b0, B, 1, n >> 1, scale);
    return;
  }
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
 * The 2-D transform outer.n × inner.n of B lane-major lines ([i1][i2][b] in `A`): the inner transforms one i1 at a
 * time with B lanes, then the outer one with inner.n·B lanes. Returns the buffer holding the result.
 */
function execute2d(outer: FftPlan, inner: FftPlan, A: Float64Array, C: Float64Array, B: number): Float64Array {
  const n1 = outer.n, n2 = inner.n;
  const sub = 2 * n2 * B;
  let r = A;
  for (let i1 = 0; i1 < n1; i1++) {
    const a = A.subarray(i1 * sub, (i1 + 1) * sub);
    const out = executePlan(inner, a, C.subarray(i1 * sub, (i1 + 1) * sub), B);
    r = out === a ? A : C; // the same for every i1: it depends on the plan only
  }
  return executePlan(outer, r, r === A ? C : A, n2 * B);
}

/** Largest fused 2-D size: a block keeps at least 4 lanes in {@link BLOCK_ELEMS}. */
const FUSE_MAX = BLOCK_ELEMS >> 2;
let fusionEnabled = true;

/** @internal Turns the fusion of neighbouring axis passes on or off (tests compare both). @example `setFusion(false)` */
export function setFusion(on: boolean): void {
  fusionEnabled = on;
}

/**
 * Whether the in-place c2c passes over the neighbouring dims `outer` = `inner` − 1 of `shape` (sizes n1, n2) can
 * run as one fused 2-D pass: both full (no padding still to fill) and small enough for a block. One fewer sweep
 * over the array, and for complex64 one fewer rounding to float32.
 *
 * @example
 * ```ts
 * fusablePair([32, 32, 128, 65], 1, 32, 32, [32, 32, 128, 65]); // true
 * ```
 */
export function fusablePair(shape: readonly number[], outer: number, n1: number, n2: number, live: readonly number[]): boolean {
  return fusionEnabled && shape[outer] === n1 && shape[outer + 1] === n2 && live[outer] === n1 && live[outer + 1] === n2 && n1 * n2 <= FUSE_MAX;
}

/** Where the first of {@link c2cPasses} reads from, when not from the output buffer itself. */
export interface PassSource {
  src: SrcArray;
  shape: readonly number[];
  complex: boolean;
  /** Negate imaginary parts while reading (hfftn reads conj(x)). */
  conj?: boolean;
}

/**
 * Runs the c2c passes over `dims[i]` for i = `from` down to 0 into `buf` (C order, shape `shape`): the first reads
 * `first` when given, the others run in place. Neighbouring pairs are fused where {@link fusablePair} allows (for
 * the source too), preferring the smaller pair when two overlap. `scale0` multiplies the output of the pass over
 * dims[0]; `live` is updated.
 *
 * @example
 * ```ts
 * c2cPasses(out, [8, 8, 5], [0, 1], [8, 8], 1, -1, [8, 8, 5], 1);
 * ```
 */
export function c2cPasses(
  buf: DstArray, shape: readonly number[], dims: readonly number[], sizes: readonly number[], from: number, sign: 1 | -1,
  live: number[], scale0: number, first?: PassSource,
): void {
  let source: PassSource | undefined = first;
  const ok = (i: number, from: PassSource | undefined): boolean =>
    i >= 1 && dims[i - 1] === dims[i]! - 1 && fusablePair(shape, dims[i - 1]!, sizes[i - 1]!, sizes[i]!, live) &&
    (from === undefined || fusablePair(from.shape, dims[i - 1]!, sizes[i - 1]!, sizes[i]!, live));
  for (let i = from; i >= 0;) {
    const axis = dims[i]!;
    const n = sizes[i]!;
    const src = source?.src ?? buf;
    const srcShape = source?.shape ?? shape;
    const srcComplex = source?.complex ?? true;
    const conjInput = source?.conj === true;
    if (ok(i, source) && !(ok(i - 1, undefined) && sizes[i - 2]! < n)) {
      const outer = dims[i - 1]!;
      const n1 = sizes[i - 1]!;
      const merge = (a: readonly number[]): number[] => {
        const m = a.slice();
        m.splice(outer, 2, n1 * n);
        return m;
      };
      transformAxis({
        kind: 'c2c', src, srcShape: merge(srcShape), srcComplex, dst: buf, dstShape: merge(shape), axis: outer, n: n1 * n, sign,
        scale: i - 1 === 0 ? scale0 : 1, live: merge(live), pair: n1, conjInput,
      });
      i -= 2;
    } else {
      transformAxis({
        kind: 'c2c', src, srcShape, srcComplex, dst: buf, dstShape: shape, axis, n, sign, scale: i === 0 ? scale0 : 1, live, conjInput,
      });
      live[axis] = n;
      i--;
    }
    source = undefined;
  }
}

/** Largest plane (n1·n2 reals) that {@link rfftLastTwo} transforms in one block. */
const PLANE_MAX = 2 * BLOCK_ELEMS;
const R2C2_TASK = 'fft.r2c2';

/**
 * Whether {@link rfftLastTwo} applies: the r2c over the last dim of `shape` (real length n2, even) and the c2c
 * over the dim before it (length n1), both full (no padding or cropping), on planes small enough for a block.
 *
 * @example
 * ```ts
 * canRfftLastTwo([32, 32, 128, 128], [32, 32, 128, 128], 128, 128); // true
 * ```
 */
export function canRfftLastTwo(shape: readonly number[], live: readonly number[], n1: number, n2: number): boolean {
  const d = shape.length - 1;
  return fusionEnabled && d >= 1 && n2 % 2 === 0 && n2 >= 4 && n1 >= 2 && n1 * n2 <= PLANE_MAX &&
    shape[d] === n2 && live[d] === n2 && shape[d - 1] === n1 && live[d - 1] === n1;
}

/**
 * The r2c over the last dim and the c2c over the one before it in one pass, plane by plane: rows to lane-major
 * scratch, half-length complex FFTs with the rows as lanes, the real post-processing written transposed so that
 * the bins become the lanes, the column FFTs, and one contiguous copy of the [n1, n2/2 + 1] result plane.
 * That saves a full write and read of the output and its strided transposing scatter. `shape`/`live` are those of
 * the real input (see {@link canRfftLastTwo}); `dst` has shape `shape` with the last size n2/2 + 1.
 *
 * @example
 * ```ts
 * rfftLastTwo(x.data, [4, 8, 16], out, [4, 8, 9], [4, 8, 16], 1);
 * ```
 */
export function rfftLastTwo(src: SrcArray, shape: readonly number[], dst: DstArray, dstShape: readonly number[], live: readonly number[], scale: number): void {
  const d = shape.length - 1;
  const planes = lineCount(shape.slice(0, d), d - 1, live.slice(0, d));
  if (planes === 0) return;
  runPlanes(R2C2_TASK, r2c2Task, [src, shape.join(','), dst, dstShape.join(','), live.join(','), scale], planes, planes * shape[d]! * shape[d - 1]!, dst);
}

/**
 * Runs a plane task over [0, planes): split across threads when the work pays and `dst` is shared (the source is
 * copied to shared memory once), else on the calling thread. `args[0]` is the source array.
 */
function runPlanes(task: string, fn: (args: readonly TaskArg[], start: number, end: number) => void, args: TaskArg[], planes: number, work: number, dst: DstArray): void {
  if (planes >= 2 && work >= 2 * PAR_MIN_WORK && getParallelBackend() !== null && isShared(dst)) {
    args[0] = toShared(args[0] as SrcArray);
    parallelFor(task, planes, args, { minPerThread: 1 });
  } else fn(args, 0, planes);
}

/** `args = [src, shape, dst, dstShape, live, scale]`: planes [start, end) of {@link rfftLastTwo}. */
function r2c2Task(args: readonly TaskArg[], start: number, end: number): void {
  const src = args[0] as SrcArray;
  const shape = parseShape(args[1] as string);
  const dst = args[2] as DstArray;
  const dstShape = parseShape(args[3] as string);
  const live = parseShape(args[4] as string);
  const scale = args[5] as number;
  const d = shape.length - 1;
  const n1 = shape[d - 1]!, n2 = shape[d]!;
  const h = n2 >> 1, m = h + 1;
  // plane offsets: lines along the merged last two dims
  const srcM = shape.slice(0, d);
  srcM[d - 1] = n1 * n2;
  const dstM = dstShape.slice(0, d);
  dstM[d - 1] = n1 * m;
  const liveM = live.slice(0, d);
  const srcBases = lineBases(strides(srcM), d - 1, liveM, start, end);
  const dstBases = lineBases(strides(dstM), d - 1, liveM, start, end);
  const planH = getPlan(h, -1);
  const plan1 = getPlan(n1, -1);
  const roots = rootsOfUnity(n2, -1);
  const size = 2 * m * (n1 + 1) + 8;
  // X, Y, D and a staging buffer S (for a plane of the input, or of the float32 output)
  const [X, Y, D, S] = fftWorkspace([planH, plan1], size, 4, [roots]) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const w = wasmHelpers(X, [roots]);
  // WebAssembly path: the half-length FFTs run on an odd number of lanes (one spare when n1 is even), so that their
  // strides are not multiples of 4 KB, which thrash the L1 sets (the padding lane's values are never read)
  const wasmRows = w !== null && (src instanceof Float32Array || src instanceof Float64Array);
  const L = wasmRows ? n1 | 1 : n1;
  const rows = new Int32Array(n1);
  const len = 2 * n1 * m;
  const planeLen = n1 * n2;
  // WebAssembly: the plane is copied in as is (a memcpy) and transposed there; float32 output is rounded there too
  const stage32 = w && (src instanceof Float32Array || dst instanceof Float32Array) ? new Float32Array(S.buffer, S.byteOffset, 2 * size) : null;
  const rowsF32 = wasmRows && src instanceof Float32Array;
  for (let p = 0; p < srcBases.length; p++) {
    const sb = srcBases[p]!;
    if (rowsF32) {
      stage32!.set((src as Float32Array).subarray(sb, sb + planeLen));
      w!.k.rowsF32(S.byteOffset, X.byteOffset, n1, h, L);
    } else if (wasmRows) {
      S.set((src as Float64Array).subarray(sb, sb + planeLen));
      w!.k.rowsF64(S.byteOffset, X.byteOffset, n1, h, L);
    } else {
      for (let r = 0; r < n1; r++) rows[r] = sb + r * n2;
      rowsToLanes(src, rows, 0, n1, 1, h, X, 1);
    }
    const Z = executePlan(planH, X, Y, L);
    // written transposed, [r][f]: the column FFTs take the bins as lanes (and ignore a padding row r = n1)
    if (w && Z.buffer === D.buffer) w.k.r2cPostT(Z.byteOffset, D.byteOffset, h, L, w.at[0]!);
    else r2cPost(Z, D, h, L, roots, true);
    const R = executePlan(plan1, D, Z === X ? Y : X, m);
    const base = 2 * dstBases[p]!;
    if (scale === 1 && w && dst instanceof Float32Array && R.buffer === S.buffer) {
      w.k.demote(R.byteOffset, S.byteOffset, len);
      dst.set(stage32!.subarray(0, len), base);
    } else if (scale === 1) dst.set(R.subarray(0, len), base);
    else for (let t = 0; t < len; t++) dst[base + t] = R[t]! * scale;
  }
}
registerTask(R2C2_TASK, r2c2Task);

const C2R2_TASK = 'fft.c2r2';

/**
 * Whether {@link irfftLastTwo} applies: complex input whose last dim holds exactly the n2/2 + 1 bins (n2 even) and
 * whose dim before it has exactly n1 entries, on planes small enough for a block.
 *
 * @example
 * ```ts
 * canIrfftLastTwo([32, 32, 128, 65], [32, 32, 128, 65], 128, 128); // true
 * ```
 */
export function canIrfftLastTwo(shape: readonly number[], live: readonly number[], n1: number, n2: number): boolean {
  const d = shape.length - 1;
  const m = (n2 >> 1) + 1;
  return fusionEnabled && d >= 1 && n2 % 2 === 0 && n2 >= 4 && n1 >= 2 && n1 * n2 <= PLANE_MAX &&
    shape[d] === m && live[d] === m && shape[d - 1] === n1 && live[d - 1] === n1;
}

/**
 * The inverse of {@link rfftLastTwo}: the inverse c2c over the dim before the last and the c2r over the last dim
 * in one pass, plane by plane (column FFTs with the bins as lanes, an in-cache transpose, the real
 * pre-processing, half-length FFTs with the rows as lanes, one scatter of the real rows). `src` is complex
 * interleaved with shape `shape` (see {@link canIrfftLastTwo}); `dst` is real, `dstShape` = `shape` with the last
 * size n2.
 *
 * @example
 * ```ts
 * irfftLastTwo(X.data, [4, 8, 9], out, [4, 8, 16], [4, 8, 9], 1 / 128);
 * ```
 */
export function irfftLastTwo(src: DstArray, shape: readonly number[], dst: DstArray, dstShape: readonly number[], live: readonly number[], scale: number): void {
  const d = shape.length - 1;
  const planes = lineCount(shape.slice(0, d), d - 1, live.slice(0, d));
  if (planes === 0) return;
  runPlanes(C2R2_TASK, c2r2Task, [src, shape.join(','), dst, dstShape.join(','), live.join(','), scale], planes, planes * dstShape[d]! * shape[d - 1]!, dst);
}

/** `args = [src, shape, dst, dstShape, live, scale]`: planes [start, end) of {@link irfftLastTwo}. */
function c2r2Task(args: readonly TaskArg[], start: number, end: number): void {
  const src = args[0] as DstArray;
  const shape = parseShape(args[1] as string);
  const dst = args[2] as DstArray;
  const dstShape = parseShape(args[3] as string);
  const live = parseShape(args[4] as string);
  const scale = args[5] as number;
  const d = shape.length - 1;
  const n1 = shape[d - 1]!, n2 = dstShape[d]!;
  const h = n2 >> 1, m = h + 1;
  const srcM = shape.slice(0, d);
  srcM[d - 1] = n1 * m;
  const dstM = dstShape.slice(0, d);
  dstM[d - 1] = n1 * n2;
  const liveM = live.slice(0, d);
  const srcBases = lineBases(strides(srcM), d - 1, liveM, start, end);
  const dstBases = lineBases(strides(dstM), d - 1, liveM, start, end);
  const plan1 = getPlan(n1, 1);
  const planH = getPlan(h, 1);
  const rootsInv = rootsOfUnity(n2, 1);
  const size = 2 * m * (n1 + 1) + 8;
  const [X, Y, D, S] = fftWorkspace([plan1, planH], size, 4, [rootsInv]) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const rows = new Int32Array(n1);
  const len = 2 * n1 * m;
  const w = wasmHelpers(X, [rootsInv]);
  if (w) {
    // WebAssembly: the same steps, the half-length FFTs on an odd number of lanes L (see r2c2Task), each output plane
    // written to staging S and copied out at once
    const L = n1 | 1;
    const f32 = dst instanceof Float32Array;
    const stage = f32 ? new Float32Array(S.buffer, S.byteOffset, n1 * n2) : S.subarray(0, n1 * n2);
    for (let p = 0; p < srcBases.length; p++) {
      const base = 2 * srcBases[p]!;
      X.set(src.subarray(base, base + len));
      const R = executePlan(plan1, X, Y, m);
      w.k.transpose(R.byteOffset, D.byteOffset, n1, m, L);
      for (let r = 0; r < n1; r++) {
        D[2 * r + 1] = 0;
        D[2 * (h * L + r) + 1] = 0;
      }
      w.k.c2rPre(D.byteOffset, X.byteOffset, h, L, w.at[0]!);
      const res = executePlan(planH, X, Y, L);
      if (f32) w.k.lanesF32(res.byteOffset, S.byteOffset, n1, h, L, scale);
      else w.k.lanesF64(res.byteOffset, S.byteOffset, n1, h, L, scale);
      dst.set(stage, dstBases[p]!);
    }
    return;
  }
  for (let p = 0; p < srcBases.length; p++) {
    // the plane [k][f] is already lane-major with the bins as lanes
    const base = 2 * srcBases[p]!;
    X.set(src.subarray(base, base + len));
    const R = executePlan(plan1, X, Y, m);
    // to [f][r], the rows as lanes; the imaginary parts of X_0 and X_h cannot be represented by a real signal
    for (let r = 0; r < n1; r++) {
      for (let f = 0, o = 2 * r * m; f < m; f++, o += 2) {
        const t = 2 * (f * n1 + r);
        D[t] = R[o]!;
        D[t + 1] = f === 0 || f === h ? 0 : R[o + 1]!;
      }
    }
    c2rPre(D, X, h, n1, rootsInv);
    const res = executePlan(planH, X, Y, n1);
    for (let r = 0; r < n1; r++) rows[r] = dstBases[p]! + r * n2;
    lanesToRows(res, dst, rows, 0, n1, 1, h, scale);
  }
}
registerTask(C2R2_TASK, c2r2Task);

/** Lengths from which a single long c2c transform runs as a four-step FFT (its data no longer fits in L2). */
const FOUR_STEP_MIN = 1 << 17;
let fourStepEnabled = true;

/** @internal Turns the four-step path for long 1-D transforms on or off (tests compare both). @example `setFourStep(false)` */
export function setFourStep(on: boolean): void {
  fourStepEnabled = on;
}

/**
 * The column length n1 of a four-step split n = n1·n2: the divisor of n nearest √n from below, or 0 when n is
 * not smooth (Bluestein) or has no balanced split (n1 < 16), where the plain plan is used.
 */
function fourStepSplit(n: number): number {
  if (getPlan(n, -1).kind !== 'stockham') return 0;
  for (let n1 = Math.floor(Math.sqrt(n)); n1 >= 16; n1--) if (n % n1 === 0) return n1;
  return 0;
}

/**
 * A long 1-D c2c transform as a four-step FFT (Bailey): with j = j1·n2 + j2 and k = k1 + n1·k2,
 * X_k = Σ_{j2} ω_{n2}^{j2·k2} · ω_n^{j2·k1} · Σ_{j1} ω_{n1}^{j1·k1} · x_j. Step 1 transforms the n2 columns of x
 * seen as [n1, n2] into scratch; step 2 multiplies by ω_n^{j2·k1} while gathering the n1 rows, transforms them
 * and writes them transposed (k2·n1 + k1). Both steps are batched axis passes, so they stay in cache and split
 * between threads, where the single long transform would stream the whole array once per radix pass.
 */
function fourStep(job: AxisJob, n1: number): void {
  const n = job.n;
  const n2 = n / n1;
  const shape = [n1, n2];
  const W = fourStepScratch(2 * n);
  transformAxis({ kind: 'c2c', src: job.src, srcShape: shape, srcComplex: job.srcComplex, dst: W, dstShape: shape, axis: 0, n: n1, sign: job.sign, scale: 1, live: shape });
  transformAxis({
    kind: 'c2c', src: W, srcShape: shape, srcComplex: true, dst: job.dst, dstShape: shape, dstStrides: [1, n1], axis: 1, n: n2,
    sign: job.sign, scale: job.scale, live: shape, twiddleN: n,
  });
}

let scratchW: Float64Array | null = null;

/**
 * The shared intermediate of {@link fourStep}, kept between calls (a fresh 16 MB buffer for n = 2^20 costs its
 * page faults every call); calls are synchronous and never nested, so one buffer serves them all.
 */
function fourStepScratch(len: number): Float64Array {
  if (scratchW === null || scratchW.length < len || !isShared(scratchW)) scratchW = allocShared(Float64Array, len);
  return scratchW.length === len ? scratchW : scratchW.subarray(0, len);
}

/** Twiddle tables of the four-step FFT: ω_N^e = lo[e mod 1024]·hi[e >> 10], each factor within about an ulp. */
interface TwiddleTables {
  lo: Float64Array;
  hi: Float64Array;
}
const TW_BITS = 10;
const twiddleCache = new Map<string, TwiddleTables>();

function twiddleTables(N: number, sign: 1 | -1): TwiddleTables {
  const key = `${N}:${sign}`;
  let t = twiddleCache.get(key);
  if (t) return t;
  const L = 1 << TW_BITS;
  const lo = new Float64Array(2 * L);
  const hi = new Float64Array(2 * (Math.ceil(N / L) + 1));
  for (let e = 0; e < L; e++) {
    const [c, sn] = unitRoot(e, N);
    lo[2 * e] = c;
    lo[2 * e + 1] = sign * sn;
  }
  for (let q = 0; q < hi.length / 2; q++) {
    const [c, sn] = unitRoot(q * L, N);
    hi[2 * q] = c;
    hi[2 * q + 1] = sign * sn;
  }
  t = { lo, hi };
  twiddleCache.set(key, t);
  return t;
}

/**
 * Multiplies entry i of lane b of the lane-major block `A` by ω_N^{i·(line0 + b)}, for i < len. Row by row (the B lanes
 * of entry i are contiguous), stepping the exponent by i from lane to lane: the same factors as lane by lane, with
 * contiguous rather than strided access (the 2^20 four-step measured ~47 → ~43 ms of CPU on 2 threads).
 */
function applyTwiddles(A: Float64Array, B: number, len: number, line0: number, N: number, sign: 1 | -1): void {
  const { lo, hi } = twiddleTables(N, sign);
  const mask = (1 << TW_BITS) - 1;
  const B2 = 2 * B;
  const l0 = line0 % N;
  let e0 = 0; // i·line0 mod N
  for (let i = 1, o0 = B2; i < len; i++, o0 += B2) {
    e0 += l0;
    if (e0 >= N) e0 -= N;
    const di = i % N;
    let e = e0;
    for (let b = 0, o = o0; b < B; b++, o += 2) {
      const l = 2 * (e & mask), h = 2 * (e >>> TW_BITS);
      const lr = lo[l]!, li = lo[l + 1]!, hr = hi[h]!, hiI = hi[h + 1]!;
      const wr = lr * hr - li * hiI, wi = lr * hiI + li * hr;
      const xr = A[o]!, xi = A[o + 1]!;
      A[o] = xr * wr - xi * wi;
      A[o + 1] = xr * wi + xi * wr;
      e += di;
      if (e >= N) e -= N;
    }
  }
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
  // the four-step FFT does a little more work than the single plan (measured 50 vs 44 ms for 2^20): it pays only split
  // between threads
  const parallel = getParallelBackend() !== null && isShared(job.dst);
  if (lines === 1 && parallel && kind === 'c2c' && fourStepEnabled && n >= FOUR_STEP_MIN && k === n && job.conjInput !== true &&
      job.dstStrides === undefined && job.twiddleN === undefined && job.pair === undefined && strides(srcShape)[axis] === 1 && strides(job.dstShape)[axis] === 1) {
    const n1 = fourStepSplit(n);
    if (n1 > 0) {
      fourStep(job, n1);
      return;
    }
  }
  if (lines >= 2 && lines * n >= PAR_MIN_WORK && parallel) {
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
    job.scale, job.live.join(','), job.conjInput === true, pruningEnabled, job.dstStrides?.join(',') ?? '', job.twiddleN ?? 0, job.pair ?? 0,
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
  if (args[13] !== '') job.dstStrides = parseShape(args[13] as string);
  if (args[14] !== 0) job.twiddleN = args[14] as number;
  if (args[15] !== 0) job.pair = args[15] as number;
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
  const dstStrides = job.dstStrides ?? strides(dstShape);
  const srcBases = lineBases(strides(srcShape), axis, job.live, start, end);
  const dstBases = lineBases(dstStrides, axis, job.live, start, end);
  const lines = srcBases.length;
  if (lines === 0 || k === 0) return;
  const srcSt = strides(srcShape)[axis]!;
  const dstSt = dstStrides[axis]!;
  // the lines of an outer axis (or a fused pair) are read and written as runs of B neighbouring columns far apart:
  // more lanes mean fewer pages touched per block (measured ~10% faster for [32, 32] pairs with 64 lanes than 16,
  // and for fftn [64, 255, 255])
  const wide = (job.pair ?? 0) > 0 || srcSt > 1 || dstSt > 1;
  const elems = (job.pair ?? 0) > 0 ? PAIR_BLOCK_ELEMS : wide ? WIDE_BLOCK_ELEMS : BLOCK_ELEMS;
  let B = Math.max(1, Math.min(lines, MAX_LANES, Math.floor(elems / n)));
  // an odd lane count: with B a power of two the pass strides m·B·16 bytes are multiples of 4 KB, whose loads and
  // stores all fall in the same L1 sets (1024-point lines: 4.9 → 3.3 ms per 10^6 values with 33 lanes instead of 32)
  if (B % 2 === 0 && B < lines) B++;
  const size = 2 * (n + 2) * B;
  // scratch A, C (and D for r2c) is taken once the plans are known: it lives in WebAssembly memory when the SIMD
  // passes are available, with the plans' twiddles registered there (see fftWorkspace)
  const even = n % 2 === 0 && n >= 2;
  const h = n >> 1;

  if (kind === 'c2c') {
    const twN = job.twiddleN ?? 0;
    const n1 = job.pair ?? 0;
    const direct = n1 === 0 && useDirect(k, n, pruning);
    const plan = direct ? undefined : n1 > 0 ? getPlan(n / n1, job.sign) : getPlan(n, job.sign);
    const outerPlan = n1 > 0 ? getPlan(n1, job.sign) : undefined;
    const roots = direct ? rootsOfUnity(n, job.sign) : undefined;
    const tw = twN > 0 ? twiddleTables(twN, job.sign) : undefined;
    const tables = tw ? [tw.lo, tw.hi] : [];
    const [A, C] = fftWorkspace([plan, outerPlan], size, 2, tables) as [Float64Array, Float64Array];
    // the four-step twiddles in WebAssembly when the tables could be registered (and e + i stays within int32)
    const w = tw && twN < 2 ** 30 ? wasmHelpers(A, tables) : null;
    for (let b0 = 0, Bc = 0; b0 < lines; b0 += Bc) {
      Bc = blockLanes(srcBases, dstBases, b0, lines, B);
      gather(src, job.srcComplex, srcBases, b0, Bc, srcSt, k, n, A, job.conjInput === true, false);
      if (w) w.k.twiddle(A.byteOffset, Bc, k, (start + b0) % twN, twN, w.at[0]!, w.at[1]!);
      else if (twN > 0) applyTwiddles(A, Bc, k, start + b0, twN, job.sign);
      let res: Float64Array;
      if (direct) {
        directDft(A, k, C, n, n, roots!, Bc);
        res = C;
      } else if (outerPlan) res = execute2d(outerPlan, plan!, A, C, Bc);
      else res = executePlan(plan!, A, C, Bc);
      scatterComplex(res, dst, dstBases, b0, Bc, dstSt, n, scale);
    }
    return;
  }

  if (kind === 'r2c') {
    const direct = useDirect(k, n, pruning);
    const pairs = even && !direct;
    const plan = direct ? undefined : pairs ? getPlan(h, -1) : getPlan(n, -1);
    const roots = rootsOfUnity(n, -1);
    const [A, C, D] = fftWorkspace([plan], size, 3) as [Float64Array, Float64Array, Float64Array];
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
  const [A, C] = fftWorkspace([plan], size, 2) as [Float64Array, Float64Array];
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
