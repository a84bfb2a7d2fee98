/**
 * Exact pseudo-inverse of real 2-D convolutions that are not circular (issue 9). Today: 'valid' (padding 0),
 * any stride and dilation, groups 1, float64, via the ring reduction in `ring-valid.ts`; square 'same' (zeros,
 * stride 1) via the pad-ring capacitance LU in `ring-same.ts`, and any other zero padding (c_out ≠ c_in, any pads,
 * stride, dilation) via the two-ring capacitance LU in `ring-rect.ts` (both through `Conv2dOperator.pinv`,
 * conv2d-exact.ts). Other geometries throw an AdjointError that says so (never an approximate answer presented
 * as exact).
 */
import { AdjointError, argError } from '../../errors.js';
import { resolveConvPadding, toPair, type Conv2dPadding, type IntPair, type PaddingMode } from '../../nn/conv-args.js';
import { Tensor } from '../../tensor/tensor.js';
import { RingValidFactor, type RingFactorInfo, type RingFactorOptions, type RingSolveInfo, type RingSolveOptions } from './ring-valid.js';

export { RECYCLE_BYTES_DEFAULT, RingValidFactor, SOLVE_BATCH } from './ring-valid.js';
export type { RingFactorInfo, RingFactorOptions, RingSolveInfo, RingSolveOptions, ValidConvSpec } from './ring-valid.js';
export { RingSameFactor } from './ring-same.js';
export type { RingSameInfo, RingSameSolveInfo, SameConvSpec } from './ring-same.js';
export { EXACT_RING_MAX, RECT_RING_MAX, RingRectFactor, rectGeometry, rectObstacle } from './ring-rect.js';
export type { RectConvSpec, RectGeometry, RingRectInfo, RingRectSolveInfo } from './ring-rect.js';
export { Conv2dExactPinv, exactAutoObstacle, exactKind, exactObstacle, exactWellPosed, SAME_RING_MAX } from './conv2d-exact.js';
export type { Conv2dExactSolveInfo } from './conv2d-exact.js';

/** Geometry of {@link exactConvPinv}. @example `{ inShape: [3, 64, 64], padding: 0 }` */
export interface ExactConvPinvOptions extends RingSolveOptions, RingFactorOptions {
  /** Input shape `[C_in, H, W]`. */
  inShape: readonly number[];
  /** Padding: only 0 / 'valid' is supported so far. */
  padding?: Conv2dPadding;
  /** Stride, int or pair (default 1). */
  stride?: IntPair;
  /** Dilation (default 1). */
  dilation?: IntPair;
  /** Padding mode (irrelevant when padding is 0). */
  paddingMode?: PaddingMode;
}

/** Result info of {@link exactConvPinv}: the factorisation's diagnostics plus one entry per batch sample. @example `info.samples[0].cgIterations` */
export interface ExactConvPinvInfo {
  /** Method used. */
  method: 'ring-valid';
  /** True when every sample met the normal-equation tolerance and G was invertible. */
  converged: boolean;
  /** Factorisation diagnostics (status, cond estimate, ‖C‖, setup time). */
  factor: RingFactorInfo;
  /** Per-sample solve diagnostics. */
  samples: RingSolveInfo[];
}

/** A reusable factorisation: `.solve(y)` for new right-hand sides. @example `const { x } = exactConvPinvFactor(w, { inShape }).solve(y)` */
export interface ExactConvPinvFactor {
  /** Diagnostics of the factorisation. */
  readonly info: RingFactorInfo;
  /** Bytes held by recycled CG directions (0 unless `recycleBytes` was given). */
  readonly recycleBytes: number;
  /** x̂ = A⁺y for y `[C_out, H', W']` or `[N, C_out, H', W']`. */
  solve(y: Tensor, options?: RingSolveOptions): { x: Tensor; info: ExactConvPinvInfo };
}

/**
 * Factorises the 'valid' convolution x ↦ conv2d(x, weight) for exact pseudo-inverse solves.
 *
 * @example
 * ```ts
 * const f = exactConvPinvFactor(w, { inShape: [4, 32, 32] });
 * const { x, info } = f.solve(y);
 * ```
 */
export function exactConvPinvFactor(weight: Tensor, options: ExactConvPinvOptions): ExactConvPinvFactor {
  const fn = 'exactConvPinvFactor';
  if (!(weight instanceof Tensor) || weight.ndim !== 4) throw argError(fn, 'weight', 'a 4-D tensor [C_out, C_in, kh, kw]', weight);
  if (weight.dtype !== 'float64') throw argError(fn, 'weight', 'dtype float64', weight.dtype);
  const inShape = options.inShape;
  if (!Array.isArray(inShape) || inShape.length !== 3 || !inShape.every((v) => Number.isSafeInteger(v) && v > 0))
    throw argError(fn, 'options.inShape', 'a shape [C_in, H, W] of positive integers', inShape);
  const [co, ci, kh, kw] = weight.shape as [number, number, number, number];
  const [cin, n1, n2] = inShape as [number, number, number];
  if (cin !== ci) throw argError(fn, 'options.inShape', `C_in = ${ci} (weight.shape[1])`, cin);
  const stride = toPair(options.stride ?? 1, 'options.stride', fn, 1);
  const dil = toPair(options.dilation ?? 1, 'options.dilation', fn, 1);
  const pads = resolveConvPadding(options.padding ?? 0, stride, [kh, kw], dil, fn);
  if (pads.top || pads.bottom || pads.left || pads.right)
    throw new AdjointError(`${fn}: argument 'options.padding' must be 0 or 'valid' (zero/reflect/replicate padding is not implemented yet), got ${JSON.stringify(options.padding)}`);
  const m1 = Math.floor((n1 - dil[0] * (kh - 1) - 1) / stride[0]) + 1;
  const m2 = Math.floor((n2 - dil[1] * (kw - 1) - 1) / stride[1]) + 1;
  if (n1 < dil[0] * (kh - 1) + 1 || n2 < dil[1] * (kw - 1) + 1) throw argError(fn, 'options.inShape', 'a spatial size at least the dilated kernel size', inShape);
  const rb = options.recycleBytes;
  if (rb !== undefined && !(Number.isFinite(rb) && rb >= 0)) throw argError(fn, 'options.recycleBytes', 'a finite number of bytes ≥ 0', rb);
  const spec = { weight: weight.contiguous().data as Float64Array, cOut: co, cIn: ci, kh, kw, n1, n2, d1: dil[0], d2: dil[1], s1: stride[0], s2: stride[1] };
  const factor = new RingValidFactor(spec, { recycleBytes: rb });
  const defaults: RingSolveOptions = { tol: options.tol, cgTol: options.cgTol, cgMaxIter: options.cgMaxIter, maxRefine: options.maxRefine, recycle: options.recycle };
  return {
    info: factor.info,
    get recycleBytes() {
      return factor.recycleBytes;
    },
    solve(y: Tensor, solveOptions: RingSolveOptions = {}) {
      const sfn = 'ExactConvPinvFactor.solve';
      if (!(y instanceof Tensor) || y.dtype !== 'float64') throw argError(sfn, 'y', 'a float64 tensor', y);
      const batched = y.ndim === 4;
      const ok = (y.ndim === 3 || batched) && y.shape.slice(-3).join() === [co, m1, m2].join();
      if (!ok) throw argError(sfn, 'y', `shape [${co}, ${m1}, ${m2}] or [N, ${co}, ${m1}, ${m2}]`, y.shape);
      const nb = batched ? y.shape[0]! : 1;
      const data = y.contiguous().data as Float64Array;
      const per = co * m1 * m2;
      const xs = new Float64Array(nb * ci * n1 * n2);
      const samples: RingSolveInfo[] = [];
      const opts = { ...defaults, ...solveOptions };
      // Samples go through solveMany: SOLVE_BATCH of them share each G⁻¹ application.
      const results = factor.solveMany(Array.from({ length: nb }, (_, b) => data.subarray(b * per, (b + 1) * per)), opts);
      results.forEach((r, b) => {
        xs.set(r.x, b * ci * n1 * n2);
        samples.push(r.info);
      });
      const shape = batched ? [nb, ci, n1, n2] : [ci, n1, n2];
      return {
        x: Tensor.fromStorage(xs, shape, 'float64'),
        info: { method: 'ring-valid', converged: samples.every((s) => s.converged), factor: factor.info, samples },
      };
    },
  };
}

/**
 * x̂ = A⁺y for the 'valid' convolution A: x ↦ conv2d(x, weight) (minimum-norm least squares, exact up to the
 * reported normal-equation residual). See {@link exactConvPinvFactor} to reuse the factorisation.
 *
 * @example
 * ```ts
 * const { x, info } = exactConvPinv(w, y, { inShape: [4, 32, 32] });
 * info.converged; // true when ‖Aᵀ(Ax̂−y)‖ ≤ tol·‖A‖‖y‖
 * ```
 */
export function exactConvPinv(weight: Tensor, y: Tensor, options: ExactConvPinvOptions): { x: Tensor; info: ExactConvPinvInfo } {
  return exactConvPinvFactor(weight, options).solve(y);
}
