/**
 * conv2d with exactly the semantics of torch.nn.functional.conv2d and nn.Conv2d(padding_mode=…).
 *
 * Plan: pad explicitly into one float64 buffer (converting to the 64-bit working dtype while copying). Zero
 * padding (and PyTorch's asymmetric 'same' split) is just another index map; the other modes pad first, as
 * nn.Conv2d does. Then a 'valid' implicit-GEMM kernel runs once per (batch item, group), see
 * kernels/conv2d-direct.ts (JS) and kernels/conv2d-wasm.ts (WebAssembly SIMD, bitwise the same result, used
 * where available); large convolutions split those calls' output pixels across threads
 * (kernels/conv2d-parallel.ts). Complex values are not conjugated, as in torch. They reuse the real kernel:
 * each complex weight w = a + ib becomes the real 2×2 block [[a, −b], [b, a]], acting on the (re, im) scalars
 * that the interleaved storage already holds.
 */
import { argError } from '../errors.js';
import { castStorage } from '../tensor/cast.js';
import { floatDtypeOf, isComplex, promoteTypes, type DType, type Storage } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import {
  checkPaddingMode,
  convOutSize,
  resolveConvPadding,
  toPair,
  type Conv2dPadding,
  type IntPair,
  type PaddingMode,
} from './conv-args.js';
import { packRows } from './kernels/conv2d-direct.js';
import { convGemmPlan, convWantsParallel } from './kernels/conv2d-parallel.js';
import { allocShared, isShared } from '../parallel/pool.js';
import { padGather, padIndexMap } from './padding-modes.js';

/** Options of {@link conv2d}; defaults as in PyTorch. @example `const o: Conv2dOptions = { stride: 2, padding: 1 };` */
export interface Conv2dOptions {
  /** Per-output-channel bias, shape `[C_out]`. */
  bias?: Tensor | null;
  /** Step between output samples, int or `[sh, sw]`. Default 1. */
  stride?: IntPair;
  /** Implicit padding: int, `[ph, pw]`, `'same'` (stride 1 only; odd totals put the extra row/col at the bottom/right) or `'valid'`. Default 0. */
  padding?: Conv2dPadding;
  /** Spacing between kernel taps, int or `[dh, dw]`. Default 1. */
  dilation?: IntPair;
  /** Channel groups: input and output channels are split into `groups` independent blocks. Default 1. */
  groups?: number;
  /** How the padded border is filled (nn.Conv2d's `padding_mode`). Default 'zeros'. */
  paddingMode?: PaddingMode;
}

/** @internal Validated shapes and dtypes common to conv2d and convTranspose2d. @example `convSetup('conv2d', x, w, null, 1).work` */
export interface ConvSetup {
  batched: boolean;
  n: number;
  cin: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  /** Result dtype. */
  dtype: DType;
  /** 64-bit working dtype: float64 or complex128. */
  work: 'float64' | 'complex128';
  /** Scalars per element (2 for complex). */
  sp: 1 | 2;
}

/** @internal Checks x / w / bias / groups for conv-like ops and settles the dtypes. @example `convSetup('conv2d', x, w, null, 1)` */
export function convSetup(fn: string, x: unknown, w: unknown, bias: unknown, groups: unknown): ConvSetup & { groups: number } {
  if (!(x instanceof Tensor)) throw argError(fn, 'x', 'a Tensor', x);
  if (!(w instanceof Tensor)) throw argError(fn, 'w', 'a Tensor', w);
  if (x.ndim !== 3 && x.ndim !== 4) throw argError(fn, 'x', 'a 4-d [N, C, H, W] or 3-d [C, H, W] tensor', `shape [${x.shape.join(', ')}]`);
  if (w.ndim !== 4) throw argError(fn, 'w', 'a 4-d weight tensor', `shape [${w.shape.join(', ')}]`);
  if (!(typeof groups === 'number' && Number.isSafeInteger(groups) && groups >= 1)) throw argError(fn, 'groups', 'an integer >= 1', groups);
  let dt = promoteTypes(x.dtype, w.dtype);
  if (bias !== undefined && bias !== null) {
    if (!(bias instanceof Tensor)) throw argError(fn, 'bias', 'a Tensor or null', bias);
    dt = promoteTypes(dt, bias.dtype);
  }
  dt = floatDtypeOf(dt);
  const batched = x.ndim === 4;
  const [n, cin, h, wd] = batched ? (x.shape as [number, number, number, number]) : [1, ...(x.shape as [number, number, number])];
  const [, , kh, kw] = w.shape as [number, number, number, number];
  if (kh < 1 || kw < 1) throw argError(fn, 'w', 'a weight with non-empty kernel dims', `shape [${w.shape.join(', ')}]`);
  const cplx = isComplex(dt);
  return { batched, n, cin, h, w: wd, kh, kw, dtype: dt, work: cplx ? 'complex128' : 'float64', sp: cplx ? 2 : 1, groups };
}

/** @internal Checks a bias of length `cout` and returns its values in the working dtype (or null). @example `convBias('conv2d', b, 4, setup)` */
export function convBias(fn: string, bias: Tensor | null | undefined, cout: number, s: ConvSetup): Float64Array | null {
  if (bias === undefined || bias === null) return null;
  if (bias.ndim !== 1 || bias.shape[0] !== cout) throw argError(fn, 'bias', `a 1-d tensor of length ${cout} (C_out)`, `shape [${bias.shape.join(', ')}]`);
  return castStorage(bias.data, bias.dtype, s.work, cout) as Float64Array;
}

/** @internal The elements of `t` cast to the working dtype, as a Float64Array (interleaved for complex). @example `toWork(x, 'float64')` */
export function toWork(t: Tensor, work: 'float64' | 'complex128'): Float64Array {
  return castStorage(t.data, t.dtype, work, t.numel) as Float64Array;
}

/**
 * @internal The elements of `t` to read as working-dtype scalars, for {@link padGather} (which converts while it
 * copies): `t`'s own storage when its scalars already line up (real with real, complex with complex), else a
 * cast copy. Never written to.
 * @example `padGather(inputScalars(x, 'float64'), 0, planes, h, w, rowMap, colMap, xp, 0, 1)`
 */
export function inputScalars(t: Tensor, work: 'float64' | 'complex128'): Storage {
  return isComplex(t.dtype) === (work === 'complex128') ? t.data : toWork(t, work);
}

/** Largest padded input (scalars) whose buffer is kept for the next call: 2^23 doubles, 64 MiB. */
const SCRATCH_KEEP = 1 << 23;
let scratch: Float64Array | null = null;

/**
 * @internal A buffer of `len` doubles for the padded input, in shared memory when `shared`. It is reused from call
 * to call (up to {@link SCRATCH_KEEP} scalars): a fresh multi-megabyte buffer costs more in page faults than the
 * padding itself. Its contents are garbage; the caller overwrites all of it and must not keep it past the call.
 * @example `const xp = padScratch(planes * hp * wp, convWantsParallel(flops));`
 */
export function padScratch(len: number, shared: boolean): Float64Array {
  const fresh = (n: number) => (shared ? allocShared(Float64Array, n) : new Float64Array(n));
  if (len > SCRATCH_KEEP) return fresh(len);
  if (scratch === null || scratch.length < len || (shared && !isShared(scratch))) scratch = fresh(len);
  return scratch.subarray(0, len);
}

/**
 * @internal Expands an `m × k` weight matrix given as (complex) elements into the real `(m·sp) × (k·sp)` matrix
 * that acts on interleaved (re, im) scalars, then packs it for the kernel. For sp = 1 it only packs.
 * `get(i, j)` returns the scalar offset of element (i, j) in `src`.
 * @example `packWeights(ws, cout, cin * kh * kw, 1, (o, k) => o * cin * kh * kw + k)`
 */
export function packWeights(src: Float64Array, m: number, k: number, sp: 1 | 2, get: (i: number, j: number) => number): Float64Array {
  const M = m * sp;
  const K = k * sp;
  const a = new Float64Array(M * K);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) {
      const e = get(i, j);
      if (sp === 1) a[i * K + j] = src[e]!;
      else {
        const re = src[e]!;
        const im = src[e + 1]!;
        const r0 = 2 * i * K + 2 * j;
        const r1 = r0 + K;
        a[r0] = re;
        a[r0 + 1] = -im;
        a[r1] = im;
        a[r1 + 1] = re;
      }
    }
  }
  return packRows(a, M, K);
}

/**
 * @internal The kernel addresses scalars with Int32 offsets; refuse (rather than wrap around) beyond 2³¹ − 1.
 * @example `checkAddressable('conv2d', 1e6)`
 */
export function checkAddressable(fn: string, scalars: number): void {
  if (scalars > 0x7fffffff) throw argError(fn, 'x', 'small enough that input and output hold fewer than 2^31 scalars', `${scalars} scalars`);
}

/** @internal Wraps the float64/complex128 result as the result dtype. @example `finish(out, [1, 4, 8, 8], setup)` */
export function finish(out: Float64Array, shape: number[], s: ConvSetup): Tensor {
  const numel = out.length / s.sp;
  if (s.dtype === s.work) return new Tensor(out, shape, s.dtype);
  return new Tensor(castStorage(out, s.work, s.dtype, numel), shape, s.dtype);
}

/**
 * 2-D convolution (cross-correlation, as in deep learning and PyTorch) of `x` `[N, C_in, H, W]` (or unbatched
 * `[C_in, H, W]`) with `w` `[C_out, C_in/groups, kh, kw]`:
 * `y[n, o, i, j] = bias[o] + Σ_{c,u,v} w[o, c, u, v] · xpad[n, g·C_in/groups + c, i·sh + u·dh, j·sw + v·dw]`.
 * Output sizes, 'same'/'valid', `paddingMode` and `groups` follow torch.nn.functional.conv2d and
 * nn.Conv2d exactly. Works for float32/float64/complex64/complex128. dtypes of x, w and bias are promoted;
 * complex products are not conjugated.
 *
 * @example
 * ```ts
 * const x = randn([1, 3, 8, 8], { seed: 0, dtype: 'float64' });
 * const w = randn([4, 3, 3, 3], { seed: 1, dtype: 'float64' });
 * conv2d(x, w, { padding: 1 }).shape;                           // [1, 4, 8, 8]
 * conv2d(x, w, { padding: 'same', paddingMode: 'circular' });   // periodic boundary
 * ```
 */
export function conv2d(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Tensor {
  const fn = 'conv2d';
  const s = convSetup(fn, x, w, options.bias, options.groups ?? 1);
  const { n, cin, h, kh, kw, sp, groups } = s;
  const wd = s.w;
  const stride = toPair(options.stride ?? 1, 'stride', fn, 1);
  const dilation = toPair(options.dilation ?? 1, 'dilation', fn, 1);
  const mode = checkPaddingMode(options.paddingMode ?? 'zeros', fn);
  const pads = resolveConvPadding(options.padding ?? 0, stride, [kh, kw], dilation, fn);
  const cout = w.shape[0]!;
  const cig = w.shape[1]!;
  if (cig * groups !== cin) {
    throw argError(fn, 'x', `a tensor with ${cig * groups} channels (groups=${groups} × w.shape[1]=${cig}) in dim ${s.batched ? 1 : 0}`, `shape [${x.shape.join(', ')}]`);
  }
  if (cout % groups !== 0) throw argError(fn, 'groups', `a divisor of the number of output channels w.shape[0]=${cout}`, groups);
  const bias = convBias(fn, options.bias, cout, s);
  const rowMap = padIndexMap(h, pads.top, pads.bottom, mode, fn, 'padding');
  const colMap = padIndexMap(wd, pads.left, pads.right, mode, fn, 'padding');
  const hp = rowMap.length;
  const wpd = colMap.length;
  const ho = convOutSize(h, pads.top, pads.bottom, kh, stride[0], dilation[0]);
  const wo = convOutSize(wd, pads.left, pads.right, kw, stride[1], dilation[1]);
  if (ho < 1 || wo < 1) {
    throw argError(
      fn,
      'w',
      `a kernel whose dilated size [${dilation[0] * (kh - 1) + 1}, ${dilation[1] * (kw - 1) + 1}] fits the padded input [${hp}, ${wpd}]`,
      `shape [${w.shape.join(', ')}]`,
    );
  }
  const outShape = s.batched ? [n, cout, ho, wo] : [cout, ho, wo];
  checkAddressable(fn, Math.max(n * cout * ho * wo, n * cin * hp * wpd) * sp);
  const cog = cout / groups;
  const kReal = cig * kh * kw;
  const K = kReal * sp;
  const M = cog * sp;
  const nPix = ho * wo;
  // Large convolutions run on several threads, which needs the input and output buffers in shared memory.
  const par = convWantsParallel(2 * M * K * nPix * n * groups);
  const out = par ? allocShared(Float64Array, n * cout * ho * wo * sp) : new Float64Array(n * cout * ho * wo * sp);
  if (n === 0 || cout === 0) return finish(out, outShape, s);

  // Explicitly padded input, all planes at once.
  const xp = padScratch(n * cin * hp * wpd * sp, par);
  padGather(inputScalars(x, s.work), 0, n * cin, h, wd, rowMap, colMap, xp, 0, sp);

  // Offset tables shared by every (batch item, group).
  const taps = new Int32Array(K);
  for (let c = 0, k = 0; c < cig; c++)
    for (let u = 0; u < kh; u++)
      for (let v = 0; v < kw; v++, k++) {
        const off = (c * hp * wpd + u * dilation[0] * wpd + v * dilation[1]) * sp;
        for (let part = 0; part < sp; part++) taps[k * sp + part] = off + part;
      }
  const pixBase = new Int32Array(nPix);
  const outIdx = new Int32Array(nPix);
  for (let i = 0, p = 0; i < ho; i++)
    for (let j = 0; j < wo; j++, p++) {
      pixBase[p] = (i * stride[0] * wpd + j * stride[1]) * sp;
      outIdx[p] = p * sp;
    }
  const ws = toWork(w, s.work);
  // Output rows relative to the (batch item, group) block; the plan adds the block's offset.
  const rowBase = new Int32Array(M);
  for (let o = 0; o < cog; o++) for (let part = 0; part < sp; part++) rowBase[o * sp + part] = o * nPix * sp + part;
  let wStrideG = 0;
  let wpAll = new Float64Array(0);
  for (let g = 0; g < groups; g++) {
    const wpk = packWeights(ws, cog, kReal, sp, (o, k) => ((g * cog + o) * kReal + k) * sp);
    if (g === 0) {
      wStrideG = wpk.length;
      wpAll = new Float64Array(groups * wStrideG);
    }
    wpAll.set(wpk, g * wStrideG);
  }
  convGemmPlan({
    x: xp, pixBase, nPix, taps, K, wp: wpAll, wStrideG, M, bias, out, rowBase, outIdx, n, groups,
    xStrideB: cin * hp * wpd * sp, xStrideG: cig * hp * wpd * sp, outStrideB: cout * nPix * sp, outStrideG: cog * nPix * sp,
  });
  return finish(out, outShape, s);
}
