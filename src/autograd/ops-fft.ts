/**
 * The torch.fft surface, recorded. Every transform is linear, so its gradient is the adjoint applied to the
 * output gradient (PyTorch's convention, which for a linear map A gives Aᴴ·g):
 * - c2c with norm N: the opposite-direction c2c with the dual norm ('backward' ↔ 'forward', 'ortho' stays),
 *   then the adjoint of the zero-pad/crop to `n` (crop/zero-pad back).
 * - rfft: zero-extend the half spectrum to the full length, inverse c2c with the dual norm, real part.
 * - irfft: rfft of g with the dual norm, times 2 on the bins that stand for a conjugate pair (all but DC and,
 *   for even n, Nyquist), cropped or zero-padded back to the input length.
 * - hfft/ihfft: composed from conj and irfft/rfft.
 * fftshift/ifftshift are rolls, whose adjoints are the opposite rolls.
 * @module
 */
import * as F from '../fft/index.js';
import { pad as rawPad } from '../tensor/pad.js';
import { real as rawReal } from '../tensor/complex-ops.js';
import { mul as rawMul } from '../tensor/elementwise.js';
import { allocStorage } from '../tensor/dtype.js';
import { normalizeDim } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { fitGrad } from './grad-utils.js';
import { conj } from './ops-elementwise.js';
import { needsGrad } from './tape.js';
import { differentiable } from './wrap.js';

export { fftfreq, rfftfreq } from '../fft/index.js';
export type { FftNorm, FftOptions, FftnOptions, FftFreqOptions, FftShiftOptions } from '../fft/index.js';

type Norm = F.FftNorm;
const dual = (n: Norm | undefined): Norm => (n === 'ortho' ? 'ortho' : n === 'forward' ? 'backward' : 'forward');

/** Crops or zero-pads `t` along `dims` to `sizes` (at the end of each dim). */
function resize(t: Tensor, dims: readonly number[], sizes: readonly number[]): Tensor {
  if (dims.every((d, i) => t.shape[d] === sizes[i])) return t;
  const minDim = Math.min(...dims);
  const amounts: number[] = [];
  for (let d = t.ndim - 1; d >= minDim; d--) {
    const k = dims.indexOf(d);
    amounts.push(0, k >= 0 ? sizes[k]! - t.shape[d]! : 0);
  }
  return rawPad(t, amounts);
}

/** dims and sizes of an n-D call, as the raw API resolves them. */
function resolveNd(x: Tensor, s: readonly number[] | undefined, dim: number | readonly number[] | undefined, defaultDims: readonly number[] | undefined, c2rLast: boolean): { dims: number[]; sizes: number[] } {
  let dims: number[];
  if (dim !== undefined) dims = (typeof dim === 'number' ? [dim] : [...dim]).map((d) => normalizeDim(d, x.ndim));
  else if (s !== undefined) dims = s.map((_, i) => x.ndim - s.length + i);
  else if (defaultDims) dims = defaultDims.map((d) => normalizeDim(d, x.ndim));
  else dims = x.shape.map((_, i) => i);
  const sizes = dims.map((d, i) => {
    const v = s ? s[i]! : -1;
    if (v !== -1) return v;
    if (c2rLast && i === dims.length - 1) return 2 * (x.shape[d]! - 1);
    return x.shape[d]!;
  });
  return { dims, sizes };
}

/** Weights 2 on the bins of a half spectrum of length n that stand for a conjugate pair, 1 on DC and Nyquist. */
function halfWeights(t: Tensor, dim: number, n: number): Tensor {
  const m = t.shape[dim]!;
  const shape = t.shape.map((_, i) => (i === dim ? m : 1));
  const w = allocStorage('float64', m) as Float64Array;
  for (let k = 0; k < m; k++) w[k] = k === 0 || (n % 2 === 0 && k === n / 2) ? 1 : 2;
  return rawMul(t, new Tensor(w, shape, 'float64'));
}

function c2cGrad(g: Tensor, x: Tensor, dims: number[], sizes: number[], inverse: boolean, norm: Norm | undefined): Tensor | null {
  const back = inverse ? F.fftn(g, { dim: dims, s: sizes, norm: dual(norm) }) : F.ifftn(g, { dim: dims, s: sizes, norm: dual(norm) });
  return fitGrad(resize(back, dims, dims.map((d) => x.shape[d]!)), x);
}

function r2cGrad(g: Tensor, x: Tensor, dims: number[], sizes: number[], norm: Norm | undefined): Tensor | null {
  const last = dims[dims.length - 1]!;
  const full = resize(g, [last], [sizes[sizes.length - 1]!]);
  const back = rawReal(F.ifftn(full, { dim: dims, s: sizes, norm: dual(norm) }));
  return fitGrad(resize(back, dims, dims.map((d) => x.shape[d]!)), x);
}

function c2rGrad(g: Tensor, x: Tensor, dims: number[], sizes: number[], norm: Norm | undefined): Tensor | null {
  const last = dims[dims.length - 1]!;
  const half = halfWeights(F.rfftn(g, { dim: dims, s: sizes, norm: dual(norm) }), last, sizes[sizes.length - 1]!);
  return fitGrad(resize(half, dims, dims.map((d) => x.shape[d]!)), x);
}

function opts1d(x: Tensor, o: F.FftOptions, c2r: boolean): { dims: number[]; sizes: number[] } {
  const d = normalizeDim(o.dim ?? -1, x.ndim);
  const n = o.n ?? (c2r ? 2 * (x.shape[d]! - 1) : x.shape[d]!);
  return { dims: [d], sizes: [n] };
}

/** 1-D DFT, recorded. @example `fft(x, { norm: 'ortho' })` */
export function fft(input: Tensor, options: F.FftOptions = {}): Tensor {
  return differentiable('fft', [input], () => F.fft(input, options), (g) => {
    const r = opts1d(input, options, false);
    return [c2cGrad(g, input, r.dims, r.sizes, false, options.norm)];
  });
}
/** 1-D inverse DFT, recorded. @example `ifft(X)` */
export function ifft(input: Tensor, options: F.FftOptions = {}): Tensor {
  return differentiable('ifft', [input], () => F.ifft(input, options), (g) => {
    const r = opts1d(input, options, false);
    return [c2cGrad(g, input, r.dims, r.sizes, true, options.norm)];
  });
}
/** 1-D DFT of real input (half spectrum), recorded. @example `rfft(x)` */
export function rfft(input: Tensor, options: F.FftOptions = {}): Tensor {
  return differentiable('rfft', [input], () => F.rfft(input, options), (g) => {
    const r = opts1d(input, options, false);
    return [r2cGrad(g, input, r.dims, r.sizes, options.norm)];
  });
}
/** Inverse of rfft, recorded (the half-spectrum weighting is in the gradient). @example `irfft(X, { n: 8 })` */
export function irfft(input: Tensor, options: F.FftOptions = {}): Tensor {
  return differentiable('irfft', [input], () => F.irfft(input, options), (g) => {
    const r = opts1d(input, options, true);
    return [c2rGrad(g, input, r.dims, r.sizes, options.norm)];
  });
}
/** hfft, recorded (as irfft of conj(x) with the dual norm). @example `hfft(x, { n: 8 })` */
export function hfft(input: Tensor, options: F.FftOptions = {}): Tensor {
  if (!needsGrad([input])) return F.hfft(input, options);
  return irfft(conj(input), { ...options, norm: dual(options.norm) });
}
/** ihfft, recorded (as conj of rfft with the dual norm). @example `ihfft(x)` */
export function ihfft(input: Tensor, options: F.FftOptions = {}): Tensor {
  if (!needsGrad([input])) return F.ihfft(input, options);
  return conj(rfft(input, { ...options, norm: dual(options.norm) }));
}

function ndC2c(name: string, raw: (x: Tensor, o: F.FftnOptions) => Tensor, inverse: boolean, defaultDims: readonly number[] | undefined) {
  return (input: Tensor, options: F.FftnOptions = {}): Tensor =>
    differentiable(name, [input], () => raw(input, options), (g) => {
      const r = resolveNd(input, options.s, options.dim, defaultDims, false);
      return [c2cGrad(g, input, r.dims, r.sizes, inverse, options.norm)];
    });
}
function ndR2c(name: string, raw: (x: Tensor, o: F.FftnOptions) => Tensor, defaultDims: readonly number[] | undefined) {
  return (input: Tensor, options: F.FftnOptions = {}): Tensor =>
    differentiable(name, [input], () => raw(input, options), (g) => {
      const r = resolveNd(input, options.s, options.dim, defaultDims, false);
      return [r2cGrad(g, input, r.dims, r.sizes, options.norm)];
    });
}
function ndC2r(name: string, raw: (x: Tensor, o: F.FftnOptions) => Tensor, defaultDims: readonly number[] | undefined) {
  return (input: Tensor, options: F.FftnOptions = {}): Tensor =>
    differentiable(name, [input], () => raw(input, options), (g) => {
      const r = resolveNd(input, options.s, options.dim, defaultDims, true);
      return [c2rGrad(g, input, r.dims, r.sizes, options.norm)];
    });
}

/** n-D DFT, recorded. @example `fftn(x)` */
export const fftn = ndC2c('fftn', F.fftn, false, undefined);
/** n-D inverse DFT, recorded. @example `ifftn(X)` */
export const ifftn = ndC2c('ifftn', F.ifftn, true, undefined);
/** n-D real DFT, recorded. @example `rfftn(x, { s: [8, 8] })` */
export const rfftn = ndR2c('rfftn', F.rfftn, undefined);
/** Inverse n-D real DFT, recorded. @example `irfftn(X, { s: [8, 8] })` */
export const irfftn = ndC2r('irfftn', F.irfftn, undefined);
/** 2-D DFT, recorded. @example `fft2(img)` */
export const fft2 = ndC2c('fft2', F.fft2, false, [-2, -1]);
/** 2-D inverse DFT, recorded. @example `ifft2(X)` */
export const ifft2 = ndC2c('ifft2', F.ifft2, true, [-2, -1]);
/** 2-D real DFT, recorded. @example `rfft2(img)` */
export const rfft2 = ndR2c('rfft2', F.rfft2, [-2, -1]);
/** Inverse 2-D real DFT, recorded. @example `irfft2(X, { s: [8, 8] })` */
export const irfft2 = ndC2r('irfft2', F.irfft2, [-2, -1]);

/** fftshift, recorded (its adjoint is ifftshift). @example `fftshift(X)` */
export function fftshift(input: Tensor, options: F.FftShiftOptions = {}): Tensor {
  return differentiable('fftshift', [input], () => F.fftshift(input, options), (g) => [F.ifftshift(g, options)]);
}
/** ifftshift, recorded (its adjoint is fftshift). @example `ifftshift(X)` */
export function ifftshift(input: Tensor, options: F.FftShiftOptions = {}): Tensor {
  return differentiable('ifftshift', [input], () => F.ifftshift(input, options), (g) => [F.fftshift(g, options)]);
}
