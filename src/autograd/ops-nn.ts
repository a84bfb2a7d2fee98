/**
 * The nn namespace, recorded: conv2d, convTranspose2d, pad2d and pad2dAdjoint.
 *
 * conv2d is y = A(w)·x with A linear in x and in w (no conjugation), so under PyTorch's complex convention
 * ∂x = A(w)ᴴ·g: conv_transpose2d of g with conj(w) on the padded grid (output padding restores the rows a
 * stride skipped), then the padding's adjoint (fold the border back for reflect/replicate/circular);
 * ∂w[o,c,u,v] = Σ g[b,o,i,j]·conj(xp[b,c,i·s+u·d,j·s+v·d]), a correlation of the padded input with g.
 * convTranspose2d is the transpose of a zero-padded conv2d, so ∂x is conv2d of g with conj(w), and ∂w is the
 * same correlation with the roles of x and g swapped and conjugated.
 * @module
 */
import * as N from '../nn/index.js';
import { cast } from '../tensor/cast.js';
import { conj } from '../tensor/complex-ops.js';
import { isComplex } from '../tensor/dtype.js';
import { sum } from '../tensor/reductions.js';
import { index } from '../tensor/slicing.js';
import { permute, unsqueeze } from '../tensor/views.js';
import { concat } from '../tensor/join.js';
import { toPair } from '../nn/conv-args.js';
import { Tensor } from '../tensor/tensor.js';
import { fitGrad } from './grad-utils.js';
import { differentiable } from './wrap.js';

export { padIndexMap, convOutSize, convTransposeOutSize, resolveConvPadding, PADDING_MODES } from '../nn/index.js';
export type { Conv2dOptions, ConvTranspose2dOptions, Pad2dSpec, IntPair, Conv2dPadding, PaddingMode, Pads2d } from '../nn/index.js';

interface CorrArgs {
  kh: number;
  kw: number;
  stride: [number, number];
  dilation: [number, number];
  /** Offset subtracted from the row/col of b (the transposed conv's padding). */
  pt: number;
  pl: number;
  groups: number;
  /** Channels per group of b (the second dim of the result). */
  cg: number;
}

/**
 * R[o, c, u, v] = Σ_{n,i,j} a[n,o,i,j] · conj(b[n, grp(o)·cg + c, i·s + u·d − pt, j·s + v·d − pl]) (terms outside b
 * are 0), with grp(o) = floor(o / (O/groups)). `a` and `b` are batched [N, C, H, W].
 *
 * This is itself a convolution, run on the fast conv2d kernel: the batch becomes the channel dim, `a` the
 * kernel (size Ho×Wo), stride and dilation swap roles, and the (small) output is cropped to kh×kw.
 */
function correlate(a: Tensor, b: Tensor, q: CorrArgs, dtype: Tensor['dtype']): Tensor {
  const { kh, kw, groups, cg } = q;
  const O = a.shape[1]!;
  const og = O / groups;
  const bp = q.pt > 0 || q.pl > 0 ? N.pad2d(b, [q.pl, q.pl, q.pt, q.pt], 'zeros') : b;
  const blocks: Tensor[] = [];
  for (let grp = 0; grp < groups; grp++) {
    const ag = groups === 1 ? a : index(a, ':', { start: grp * og, stop: (grp + 1) * og });
    const bg = groups === 1 ? bp : index(bp, ':', { start: grp * cg, stop: (grp + 1) * cg });
    const input = permute(isComplex(bg.dtype) ? conj(bg) : bg, [1, 0, 2, 3]); // [cg, N, Hb, Wb]
    const kernel = permute(ag, [1, 0, 2, 3]); // [og, N, Ha, Wa]
    let r = N.conv2d(input, kernel, { stride: q.dilation, dilation: q.stride }); // [cg, og, ≥kh, ≥kw]
    if (r.shape[2] !== kh || r.shape[3] !== kw) r = index(r, ':', ':', { stop: kh }, { stop: kw });
    blocks.push(permute(r, [1, 0, 2, 3]));
  }
  const out = groups === 1 ? blocks[0]! : concat(blocks, 0);
  return out.dtype === dtype ? out : cast(out, dtype);
}

const batched = (t: Tensor): Tensor => (t.ndim === 3 ? unsqueeze(t, 0) : t);
const biasGrad = (g: Tensor): Tensor => sum(g, g.ndim === 4 ? [0, 2, 3] : [1, 2]);

/** conv2d, recorded for x, w and bias (all options and padding modes). @example `nn.conv2d(x, w, { padding: 1 })` */
export function conv2d(x: Tensor, w: Tensor, options: N.Conv2dOptions = {}): Tensor {
  const bias = options.bias ?? null;
  return differentiable('conv2d', [x, w, bias], () => N.conv2d(x, w, options), (g) => {
    const stride = toPair(options.stride ?? 1, 'stride', 'conv2d', 1);
    const dilation = toPair(options.dilation ?? 1, 'dilation', 'conv2d', 1);
    const groups = options.groups ?? 1;
    const mode = options.paddingMode ?? 'zeros';
    const [kh, kw] = [w.shape[2]!, w.shape[3]!];
    const p = N.resolveConvPadding(options.padding ?? 0, stride, [kh, kw], dilation, 'conv2d');
    const spec: N.Pad2dSpec = [p.left, p.right, p.top, p.bottom];
    const hp = x.shape[x.ndim - 2]! + p.top + p.bottom;
    const wp = x.shape[x.ndim - 1]! + p.left + p.right;
    const ho = g.shape[g.ndim - 2]!;
    const wo = g.shape[g.ndim - 1]!;
    let gx: Tensor | null = null;
    if (x.requiresGrad) {
      const op: [number, number] = [hp - ((ho - 1) * stride[0] + dilation[0] * (kh - 1) + 1), wp - ((wo - 1) * stride[1] + dilation[1] * (kw - 1) + 1)];
      const gxp = N.convTranspose2d(g, conj(w), { stride, dilation, groups, outputPadding: op });
      gx = fitGrad(N.pad2dAdjoint(gxp, spec, mode), x);
    }
    let gw: Tensor | null = null;
    if (w.requiresGrad) {
      const xp = N.pad2d(x, spec, mode);
      gw = fitGrad(correlate(batched(g), batched(xp), { kh, kw, stride, dilation, pt: 0, pl: 0, groups, cg: w.shape[1]! }, g.dtype), w);
    }
    return [gx, gw, bias && bias.requiresGrad ? fitGrad(biasGrad(g), bias) : null];
  });
}

/** convTranspose2d, recorded for x, w and bias. @example `nn.convTranspose2d(y, w, { stride: 2 })` */
export function convTranspose2d(x: Tensor, w: Tensor, options: N.ConvTranspose2dOptions = {}): Tensor {
  const bias = options.bias ?? null;
  return differentiable('convTranspose2d', [x, w, bias], () => N.convTranspose2d(x, w, options), (g) => {
    const stride = toPair(options.stride ?? 1, 'stride', 'convTranspose2d', 1);
    const dilation = toPair(options.dilation ?? 1, 'dilation', 'convTranspose2d', 1);
    const padding = toPair(options.padding ?? 0, 'padding', 'convTranspose2d', 0);
    const groups = options.groups ?? 1;
    const [kh, kw] = [w.shape[2]!, w.shape[3]!];
    let gx: Tensor | null = null;
    if (x.requiresGrad) {
      let c = N.conv2d(g, conj(w), { stride, dilation, groups, padding });
      const h = x.shape[x.ndim - 2]!;
      const wd = x.shape[x.ndim - 1]!;
      if (c.shape[c.ndim - 2] !== h || c.shape[c.ndim - 1] !== wd) c = index(c, '...', { stop: h }, { stop: wd });
      gx = fitGrad(c, x);
    }
    let gw: Tensor | null = null;
    if (w.requiresGrad) {
      const r = correlate(batched(x), batched(g), { kh, kw, stride, dilation, pt: padding[0], pl: padding[1], groups, cg: w.shape[1]! }, g.dtype);
      gw = fitGrad(conj(r), w);
    }
    return [gx, gw, bias && bias.requiresGrad ? fitGrad(biasGrad(g), bias) : null];
  });
}

/** pad2d, recorded (its adjoint is pad2dAdjoint). @example `nn.pad2d(x, 1, 'reflect')` */
export function pad2d(x: Tensor, pad: N.Pad2dSpec, mode: N.PaddingMode = 'zeros'): Tensor {
  return differentiable('pad2d', [x], () => N.pad2d(x, pad, mode), (g) => [fitGrad(N.pad2dAdjoint(g, pad, mode), x)]);
}
/** pad2dAdjoint, recorded (its adjoint is pad2d). @example `nn.pad2dAdjoint(y, 1, 'reflect')` */
export function pad2dAdjoint(y: Tensor, pad: N.Pad2dSpec, mode: N.PaddingMode = 'zeros'): Tensor {
  return differentiable('pad2dAdjoint', [y], () => N.pad2dAdjoint(y, pad, mode), (g) => [fitGrad(N.pad2d(g, pad, mode), y)]);
}
