/**
 * conv2d (PyTorch semantics, no bias) as a linear operator on `[C_in, H, W]` tensors, with its exact
 * adjoint for every padding mode.
 *
 * Adjoint: conv2d reads the padded input xp = P x at rows i·s + u·d, so A = C·P with C a 'valid'
 * correlation on the padded grid. Cᴴ is conv_transpose2d with padding 0 (and conj(w): torch's conv does
 * not conjugate), with `outputPadding` restoring the padded rows that no output reads (they get zero), and
 * Pᴴ is pad2dAdjoint, which folds the border back onto the pixels it was copied from (a crop for zeros).
 * For zero padding with equal pads on both sides, conv_transpose2d's own padding does the crop in one step.
 */
import { AdjointError, argError } from '../errors.js';
import { isComplex } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { checkPaddingMode, convOutSize, convTransposeOutSize, resolveConvPadding, toPair, type Conv2dPadding, type IntPair, type PaddingMode, type Pads2d } from '../nn/conv-args.js';
import { conv2d as nnConv2d } from '../nn/conv2d.js';
import { convTranspose2d } from '../nn/conv-transpose2d.js';
import { pad2dAdjoint, padIndexMap } from '../nn/padding-modes.js';
import './compose.js';
import { LinearOperator, fromFloat64, operatorDtypeOf, toFloat64 } from './linear-operator.js';

/** Options of {@link conv2d}. @example `{ inShape: [3, 32, 32], padding: 1, paddingMode: 'circular' }` */
export interface Conv2dOperatorOptions {
  /** Input shape `[C_in, H, W]` (or `[N, C_in, H, W]` to make the batch part of the operator's space). */
  inShape: readonly number[];
  /** Stride, int or `[sh, sw]` (default 1). */
  stride?: IntPair;
  /** Padding: int, `[ph, pw]`, `'same'` or `'valid'` (default 0). */
  padding?: Conv2dPadding;
  /** Dilation, int or `[dh, dw]` (default 1). */
  dilation?: IntPair;
  /** Channel groups (default 1). */
  groups?: number;
  /** How the border is filled: 'zeros', 'circular', 'reflect' or 'replicate' (default 'zeros'). */
  paddingMode?: PaddingMode;
}

/**
 * The operator x ↦ conv2d(x, w, …). Built by {@link conv2d}.
 *
 * @example
 * ```ts
 * const A = new Conv2dOperator(w, { inShape: [2, 8, 8], padding: 1 });
 * ```
 */
export class Conv2dOperator extends LinearOperator {
  /** The kernel `[C_out, C_in/groups, kh, kw]`. */
  readonly weight: Tensor;
  /** The tensor the operator was built from (not copied), so autograd can route kernel gradients to it. */
  readonly source: Tensor;
  /** Resolved stride. */
  readonly stride: readonly [number, number];
  /** Resolved dilation. */
  readonly dilation: readonly [number, number];
  /** Resolved explicit pads. */
  readonly pads: Readonly<Pads2d>;
  /** Channel groups. */
  readonly groups: number;
  /** Border mode. */
  readonly paddingMode: PaddingMode;
  private readonly padding: Conv2dPadding;
  private readonly wConj: Tensor;
  private readonly spatial: readonly [number, number];
  private readonly outSpatial: readonly [number, number];

  constructor(w: Tensor, options: Conv2dOperatorOptions) {
    const fn = 'operators.conv2d';
    if (!(w instanceof Tensor)) throw argError(fn, 'w', 'a Tensor', w);
    if (w.ndim !== 4) throw argError(fn, 'w', 'a 4-D kernel [C_out, C_in/groups, kh, kw]', w.shape.slice());
    if (options === undefined || options === null || typeof options !== 'object') throw argError(fn, 'options', 'an object with inShape', options);
    const inShape = options.inShape;
    if (!Array.isArray(inShape) || (inShape.length !== 3 && inShape.length !== 4) || !inShape.every((d) => Number.isSafeInteger(d) && d >= 1)) {
      throw argError(fn, 'inShape', 'a shape [C_in, H, W] or [N, C_in, H, W] of positive integers', inShape);
    }
    const [cout, cig, kh, kw] = w.shape as [number, number, number, number];
    const cin = inShape[inShape.length - 3]!;
    const h = inShape[inShape.length - 2]!;
    const wd = inShape[inShape.length - 1]!;
    const groups = options.groups ?? 1;
    if (!Number.isSafeInteger(groups) || groups < 1) throw argError(fn, 'groups', 'a positive integer', groups);
    if (cig * groups !== cin) {
      throw argError(fn, 'inShape', `${cig * groups} input channels (groups=${groups} × w.shape[1]=${cig})`, inShape);
    }
    if (cout % groups !== 0) throw argError(fn, 'groups', `a divisor of the number of output channels w.shape[0]=${cout}`, groups);
    const stride = toPair(options.stride ?? 1, 'stride', fn, 1);
    const dilation = toPair(options.dilation ?? 1, 'dilation', fn, 1);
    const mode = checkPaddingMode(options.paddingMode ?? 'zeros', fn);
    const padding = options.padding ?? 0;
    const pads = resolveConvPadding(padding, stride, [kh, kw], dilation, fn);
    // Validates the pads for the mode (reflect needs pad < size) now rather than at the first apply.
    padIndexMap(h, pads.top, pads.bottom, mode, fn, 'padding');
    padIndexMap(wd, pads.left, pads.right, mode, fn, 'padding');
    const ho = convOutSize(h, pads.top, pads.bottom, kh, stride[0], dilation[0]);
    const wo = convOutSize(wd, pads.left, pads.right, kw, stride[1], dilation[1]);
    if (ho < 1 || wo < 1) {
      throw argError(fn, 'w', `a kernel whose dilated size fits the padded input [${h + pads.top + pads.bottom}, ${wd + pads.left + pads.right}]`, w.shape.slice());
    }
    const dt = operatorDtypeOf(w.dtype);
    const outShape = inShape.length === 4 ? [inShape[0]!, cout, ho, wo] : [cout, ho, wo];
    super({ name: `Conv2d[${cout}←${cin}, ${kh}×${kw}, ${mode}]`, inShape, outShape, inDtype: dt, outDtype: dt });
    this.source = w;
    const ws = Float64Array.from(toFloat64(w.dtype === dt ? w : fromFloat64(toFloat64(w), w.shape, dt)));
    this.weight = fromFloat64(ws, w.shape, dt);
    const wc = Float64Array.from(ws);
    if (isComplex(dt)) for (let i = 1; i < wc.length; i += 2) wc[i] = -wc[i]!;
    this.wConj = fromFloat64(wc, w.shape, dt);
    this.stride = stride;
    this.dilation = dilation;
    this.pads = Object.freeze({ ...pads });
    this.groups = groups;
    this.paddingMode = mode;
    this.padding = padding;
    this.spatial = [h, wd];
    this.outSpatial = [ho, wo];
  }

  private as4d(t: Tensor, c: number, sp: readonly [number, number]): Tensor {
    const n = t.numel / (c * sp[0] * sp[1]);
    return new Tensor(t.data, [n, c, sp[0], sp[1]], t.dtype);
  }

  protected applyBatch(x: Tensor): Tensor {
    const cin = this.inShape[this.inShape.length - 3]!;
    const y = nnConv2d(this.as4d(x, cin, this.spatial), this.weight, {
      stride: this.stride,
      padding: this.padding,
      dilation: this.dilation,
      groups: this.groups,
      paddingMode: this.paddingMode,
    });
    return new Tensor(y.data, [x.shape[0]!, ...this.outShape], y.dtype);
  }

  protected adjointBatch(y: Tensor): Tensor {
    const cout = this.weight.shape[0]!;
    const y4 = this.as4d(y, cout, this.outSpatial);
    const [kh, kw] = [this.weight.shape[2]!, this.weight.shape[3]!];
    const { top, bottom, left, right } = this.pads;
    const [h, w] = this.spatial;
    const [ho, wo] = this.outSpatial;
    const [sh, sw] = this.stride;
    const [dh, dw] = this.dilation;
    let z: Tensor;
    if (this.paddingMode === 'zeros' && top === bottom && left === right) {
      const opH = h - convTransposeOutSize(ho, top, sh, kh, dh, 0);
      const opW = w - convTransposeOutSize(wo, left, sw, kw, dw, 0);
      z = convTranspose2d(y4, this.wConj, { stride: this.stride, padding: [top, left], dilation: this.dilation, groups: this.groups, outputPadding: [opH, opW] });
    } else {
      const hp = h + top + bottom;
      const wp = w + left + right;
      const opH = hp - convTransposeOutSize(ho, 0, sh, kh, dh, 0);
      const opW = wp - convTransposeOutSize(wo, 0, sw, kw, dw, 0);
      const zp = convTranspose2d(y4, this.wConj, { stride: this.stride, padding: 0, dilation: this.dilation, groups: this.groups, outputPadding: [opH, opW] });
      z = pad2dAdjoint(zp, [left, right, top, bottom], this.paddingMode);
    }
    if (z.shape[2] !== h || z.shape[3] !== w) {
      throw new AdjointError(`${this.name}.adjoint: internal error: adjoint produced spatial size [${z.shape[2]}, ${z.shape[3]}], expected [${h}, ${w}]`);
    }
    return new Tensor(z.data, [y.shape[0]!, ...this.inShape], z.dtype);
  }
}

/**
 * conv2d with kernel `w` `[C_out, C_in/groups, kh, kw]` as a linear operator on tensors of `inShape`
 * (`[C_in, H, W]`; a leading batch dim is mapped over by apply/adjoint). Same options and semantics as
 * `nn.conv2d` (no bias). The adjoint is exact for every padding mode, stride, dilation and group count.
 *
 * @example
 * ```ts
 * const w = randn([4, 2, 3, 3], { seed: 0, dtype: 'float64' });
 * const A = operators.conv2d(w, { inShape: [2, 16, 16], padding: 1, paddingMode: 'reflect' });
 * A.outShape; // [4, 16, 16]
 * dottest(A).passed; // true
 * ```
 */
export function conv2d(w: Tensor, options: Conv2dOperatorOptions): Conv2dOperator {
  return new Conv2dOperator(w, options);
}
