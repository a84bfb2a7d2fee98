/**
 * convTranspose2d with exactly the semantics of torch.nn.functional.conv_transpose2d: the transpose (not the
 * conjugate transpose) of conv2d with respect to its input, with the same stride, padding, dilation and groups.
 *
 * It is computed as a gather, not a scatter. Output row r only receives taps u with
 * (r + p − u·d) ≡ 0 (mod s), and each of those reads input row (r + p − u·d)/s. So each stride phase
 * (r mod sh, c mod sw) is an ordinary correlation over a zero-padded input, with its own tap table, and it
 * runs through the same implicit-GEMM kernel as conv2d (split across threads when large, as conv2d is).
 */
import { argError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOutputPadding, convTransposeOutSize, toPair, type IntPair } from './conv-args.js';
import { checkAddressable, convBias, convSetup, finish, inputScalars, packWeights, padScratch, toWork } from './conv2d.js';
import { convGemmPlan, convWantsParallel } from './kernels/conv2d-parallel.js';
import { allocShared } from '../parallel/pool.js';
import { padGather, padIndexMap } from './padding-modes.js';

/** Options of {@link convTranspose2d}; defaults as in PyTorch. @example `const o: ConvTranspose2dOptions = { stride: 2, outputPadding: 1 };` */
export interface ConvTranspose2dOptions {
  /** Per-output-channel bias, shape `[C_out]`. */
  bias?: Tensor | null;
  /** Stride of the conv2d this op is the transpose of. Default 1. */
  stride?: IntPair;
  /** Padding of that conv2d (removed from each side of the full output). Default 0. */
  padding?: IntPair;
  /** Extra rows/cols added to the bottom/right of the output to pick one of the input sizes a strided conv2d maps to the same size. Each entry must be less than the stride or the dilation of its dim. Default 0. */
  outputPadding?: IntPair;
  /** Dilation of the kernel taps. Default 1. */
  dilation?: IntPair;
  /** Channel groups. Default 1. */
  groups?: number;
}

/** Integer division that is exact by construction (the caller checked divisibility). */
function exactDiv(a: number, b: number): number {
  return Math.round(a / b);
}

/**
 * Transposed 2-D convolution of `x` `[N, C_in, H, W]` (or `[C_in, H, W]`) with `w` `[C_in, C_out/groups, kh, kw]`,
 * like torch.nn.functional.conv_transpose2d. Output size per dim:
 * `(H − 1)·s − 2p + d·(k − 1) + outputPadding + 1`. For real data it is the adjoint of `conv2d` with the same
 * stride/padding/dilation/groups. For complex data it is the transpose, with no conjugation, as in torch.
 *
 * @example
 * ```ts
 * const y = randn([1, 4, 4, 4], { seed: 0, dtype: 'float64' });
 * const w = randn([4, 3, 3, 3], { seed: 1, dtype: 'float64' });
 * convTranspose2d(y, w, { stride: 2, padding: 1, outputPadding: 1 }).shape; // [1, 3, 8, 8]
 * ```
 */
export function convTranspose2d(x: Tensor, w: Tensor, options: ConvTranspose2dOptions = {}): Tensor {
  const fn = 'convTranspose2d';
  const s = convSetup(fn, x, w, options.bias, options.groups ?? 1);
  const { n, cin, h, kh, kw, sp, groups } = s;
  const wd = s.w;
  const stride = toPair(options.stride ?? 1, 'stride', fn, 1);
  const dilation = toPair(options.dilation ?? 1, 'dilation', fn, 1);
  const padding = toPair(options.padding ?? 0, 'padding', fn, 0);
  const op = toPair(options.outputPadding ?? 0, 'outputPadding', fn, 0);
  checkOutputPadding(op, stride, dilation, fn);
  if (w.shape[0] !== cin) {
    throw argError(fn, 'x', `a tensor with ${w.shape[0]} channels (w.shape[0]) in dim ${s.batched ? 1 : 0}`, `shape [${x.shape.join(', ')}]`);
  }
  if (cin % groups !== 0) throw argError(fn, 'groups', `a divisor of the number of input channels ${cin}`, groups);
  const cig = cin / groups;
  const cog = w.shape[1]!;
  const cout = cog * groups;
  const bias = convBias(fn, options.bias, cout, s);
  const ho = convTransposeOutSize(h, padding[0], stride[0], kh, dilation[0], op[0]);
  const wo = convTransposeOutSize(wd, padding[1], stride[1], kw, dilation[1], op[1]);
  if (ho < 1 || wo < 1) {
    throw argError(fn, 'padding', `small enough for a non-empty output (it would be [${ho}, ${wo}])`, [padding[0], padding[1]]);
  }
  const outShape = s.batched ? [n, cout, ho, wo] : [cout, ho, wo];
  // Large convolutions run on several threads, which needs the input and output buffers in shared memory.
  // Each output pixel receives about kh·kw/(sh·sw) taps per input channel.
  const estFlops = (2 * cog * sp * cig * sp * kh * kw * ho * wo * n * groups) / (stride[0] * stride[1]);
  const par = convWantsParallel(estFlops);
  const out = par ? allocShared(Float64Array, n * cout * ho * wo * sp) : new Float64Array(n * cout * ho * wo * sp);
  if (n === 0 || cout === 0) return finish(out, outShape, s);

  // Per dim and phase a: the taps u that land on rows ≡ a (mod s), their input-row offsets, and the row count.
  interface Phase { a: number; count: number; taps: number[]; offs: number[] }
  const phases = (dim: 0 | 1, nIn: number, nOut: number, k: number): { list: Phase[]; lo: number; hi: number } => {
    const st = stride[dim];
    const list: Phase[] = [];
    let lo = 0;
    let hi = 0;
    for (let a = 0; a < st; a++) {
      const count = a < nOut ? Math.ceil((nOut - a) / st) : 0;
      const taps: number[] = [];
      const offs: number[] = [];
      for (let u = 0; u < k; u++) {
        const num = a + padding[dim] - u * dilation[dim];
        if (((num % st) + st) % st !== 0) continue;
        const off = exactDiv(num, st);
        taps.push(u);
        offs.push(off);
        if (count > 0) {
          lo = Math.max(lo, -off);
          hi = Math.max(hi, count - 1 + off - (nIn - 1));
        }
      }
      list.push({ a, count, taps, offs });
    }
    return { list, lo, hi };
  };
  const ph = phases(0, h, ho, kh);
  const pw = phases(1, wd, wo, kw);

  // Zero-padded input so every read of every phase is in bounds.
  const rowMap = padIndexMap(h, ph.lo, ph.hi, 'zeros', fn);
  const colMap = padIndexMap(wd, pw.lo, pw.hi, 'zeros', fn);
  const hp = rowMap.length;
  const wpd = colMap.length;
  checkAddressable(fn, Math.max(n * cout * ho * wo, n * cin * hp * wpd) * sp);
  const xp = padScratch(n * cin * hp * wpd * sp, par);
  padGather(inputScalars(x, s.work), 0, n * cin, h, wd, rowMap, colMap, xp, 0, sp);
  const ws = toWork(w, s.work);
  const M = cog * sp;
  const plane = ho * wo;
  // Output rows relative to the (batch item, group) block; the plan adds the block's offset.
  const rowBase = new Int32Array(M);
  for (let o = 0; o < cog; o++) for (let part = 0; part < sp; part++) rowBase[o * sp + part] = o * plane * sp + part;

  for (const pr of ph.list) {
    if (pr.count === 0) continue;
    for (const pc of pw.list) {
      if (pc.count === 0) continue;
      const nPix = pr.count * pc.count;
      const pixBase = new Int32Array(nPix);
      const outIdx = new Int32Array(nPix);
      for (let t = 0, p = 0; t < pr.count; t++)
        for (let t2 = 0; t2 < pc.count; t2++, p++) {
          pixBase[p] = (t * wpd + t2) * sp;
          outIdx[p] = ((pr.a + t * stride[0]) * wo + pc.a + t2 * stride[1]) * sp;
        }
      const nu = pr.taps.length;
      const nv = pc.taps.length;
      const kReal = cig * nu * nv;
      const taps = new Int32Array(kReal * sp);
      for (let c = 0, k = 0; c < cig; c++)
        for (let iu = 0; iu < nu; iu++)
          for (let iv = 0; iv < nv; iv++, k++) {
            const off = (c * hp * wpd + (pr.offs[iu]! + ph.lo) * wpd + pc.offs[iv]! + pw.lo) * sp;
            for (let part = 0; part < sp; part++) taps[k * sp + part] = off + part;
          }
      let wStrideG = 0;
      let wpAll = new Float64Array(0);
      for (let g = 0; g < groups; g++) {
        // Row o, column (c, iu, iv) of this phase's matrix is w[g·cig + c, o, u, v].
        const wpk = packWeights(ws, cog, kReal, sp, (o, k) => {
          const c = Math.floor(k / (nu * nv));
          const r = k - c * nu * nv;
          const iu = Math.floor(r / nv);
          const iv = r - iu * nv;
          return ((((g * cig + c) * cog + o) * kh + pr.taps[iu]!) * kw + pc.taps[iv]!) * sp;
        });
        if (g === 0) {
          wStrideG = wpk.length;
          wpAll = new Float64Array(groups * wStrideG);
        }
        wpAll.set(wpk, g * wStrideG);
      }
      convGemmPlan({
        x: xp, pixBase, nPix, taps, K: kReal * sp, wp: wpAll, wStrideG, M, bias, out, rowBase, outIdx, n, groups,
        xStrideB: cin * hp * wpd * sp, xStrideG: cig * hp * wpd * sp, outStrideB: cout * plane * sp, outStrideG: cog * plane * sp,
      });
    }
  }
  return finish(out, outShape, s);
}
