/**
 * torch.fft transforms: fft, ifft, rfft, irfft, hfft, ihfft and their 2-D / n-D forms, with torch's
 * semantics for `n`/`s` (zero-pad or crop; −1 in `s` keeps the size), `dim`, `norm` and dtype promotion
 * (float32 → complex64, float64 → complex128, int32/bool → complex64).
 */
import { argError } from '../errors.js';
import { allocStorage, complexDtypeOf, floatDtypeOf, isComplex, realDtypeOf, type DType } from '../tensor/dtype.js';
import { numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { c2cPasses, canIrfftLastTwo, canRfftLastTwo, irfftLastTwo, rfftLastTwo, transformAxis, type DstArray, type SrcArray } from './nd.js';

/** Normalisation mode, as in torch.fft: which direction carries the 1/n (`'ortho'`: 1/√n both ways). */
export type FftNorm = 'backward' | 'ortho' | 'forward';

/** Options of the 1-D transforms. */
export interface FftOptions {
  /** Signal length: the input is zero-padded or cropped to `n` along `dim` (irfft/hfft: the output length). */
  n?: number;
  /** Dimension to transform (default −1). */
  dim?: number;
  /** Normalisation (default `'backward'`). */
  norm?: FftNorm;
}

/** Options of the 2-D and n-D transforms. */
export interface FftnOptions {
  /** Signal size per transformed dim (−1 keeps the input size); given without `dim`: the last `s.length` dims. */
  s?: readonly number[];
  /** Dimensions to transform (fftn default: all, or the last `s.length`; fft2 default: [−2, −1]). */
  dim?: number | readonly number[];
  /** Normalisation (default `'backward'`). */
  norm?: FftNorm;
}

interface Resolved {
  dims: number[];
  sizes: number[];
}

function checkTensor(fn: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw argError(fn, 'input', 'a Tensor', x);
  return x;
}

function checkNorm(fn: string, norm: unknown): FftNorm {
  if (norm === undefined || norm === null) return 'backward';
  if (norm === 'backward' || norm === 'ortho' || norm === 'forward') return norm;
  throw argError(fn, 'norm', "'backward', 'ortho' or 'forward'", norm);
}

/** Number of points of the transform (the normalisation is applied once, on the last axis processed). */
function total(sizes: readonly number[]): number {
  return sizes.reduce((p, v) => p * v, 1);
}

/** The normalisation factor for n points: `inverse` is true for ifft/irfft. */
function axisScale(norm: FftNorm, n: number, inverse: boolean): number {
  if (norm === 'ortho') return 1 / Math.sqrt(n);
  if (norm === 'backward') return inverse ? 1 / n : 1;
  return inverse ? 1 : 1 / n;
}

/** hfft/ihfft are the conjugate-symmetric duals: their norm means the opposite direction. */
function dualNorm(norm: FftNorm): FftNorm {
  return norm === 'backward' ? 'forward' : norm === 'forward' ? 'backward' : 'ortho';
}

function checkDim(fn: string, dim: unknown, ndim: number, arg = 'dim'): number {
  if (typeof dim !== 'number' || !Number.isInteger(dim) || ndim === 0 || dim < -ndim || dim >= ndim) {
    throw argError(fn, arg, ndim === 0 ? 'a valid dim, but the input is 0-dimensional' : `an integer in [${-ndim}, ${ndim - 1}]`, dim);
  }
  return dim < 0 ? dim + ndim : dim;
}

function resolve1d(fn: string, x: Tensor, n: unknown, dim: unknown): Resolved {
  const d = checkDim(fn, dim === undefined ? -1 : dim, x.ndim);
  if (n === undefined || n === null) {
    const size = x.shape[d]!;
    if (size < 1) throw argError(fn, 'n', `a positive integer: the input has size 0 along dim ${d} and no 'n' was given`, n);
    return { dims: [d], sizes: [size] };
  }
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw argError(fn, 'n', 'a positive integer', n);
  return { dims: [d], sizes: [n] };
}

/** `c2rLast`: the last size is the real output length, set later from the input size m when not given. */
function resolveNd(fn: string, x: Tensor, s: unknown, dim: unknown, defaultDims: readonly number[] | undefined, c2rLast = false): Resolved {
  const ndim = x.ndim;
  let sArr: number[] | undefined;
  if (s !== undefined && s !== null) {
    if (!Array.isArray(s) || !s.every((v) => typeof v === 'number' && Number.isInteger(v) && (v >= 1 || v === -1))) {
      throw argError(fn, 's', 'a list of positive integers (or −1 to keep a size)', s);
    }
    sArr = s.slice() as number[];
  }
  let dims: number[];
  if (dim !== undefined && dim !== null) {
    const list = typeof dim === 'number' ? [dim] : Array.isArray(dim) ? (dim as unknown[]) : undefined;
    if (!list) throw argError(fn, 'dim', 'an integer or a list of integers', dim);
    dims = list.map((d) => checkDim(fn, d, ndim));
    if (new Set(dims).size !== dims.length) throw argError(fn, 'dim', 'a list without repeated dims', list);
    if (sArr && sArr.length !== dims.length) {
      throw argError(fn, 's', `a list of the same length as 'dim' (${dims.length})`, sArr);
    }
  } else if (sArr) {
    if (sArr.length > ndim) throw argError(fn, 's', `a list of at most ${ndim} sizes for a ${ndim}-d input`, sArr);
    dims = sArr.map((_, i) => ndim - sArr!.length + i);
  } else if (defaultDims) {
    dims = defaultDims.map((d) => checkDim(fn, d, ndim));
    if (new Set(dims).size !== dims.length) throw argError(fn, 'dim', 'a list without repeated dims', defaultDims);
  } else {
    dims = x.shape.map((_, i) => i);
  }
  const sizes = dims.map((d, i) => {
    const v = sArr ? sArr[i]! : -1;
    return v === -1 ? x.shape[d]! : v;
  });
  sizes.forEach((v, i) => {
    if (c2rLast && i === sizes.length - 1) return;
    if (v < 1) throw argError(fn, 's', `positive sizes: the input has size 0 along dim ${dims[i]} and no size was given`, sArr ?? x.shape);
  });
  return { dims, sizes };
}

function complexOut(dt: DType): 'complex64' | 'complex128' {
  return isComplex(dt) ? dt : complexDtypeOf(floatDtypeOf(dt));
}

/** n-D complex transform of `x` along `dims` to `sizes`. */
function c2cN(x: Tensor, r: Resolved, sign: 1 | -1, norm: FftNorm): Tensor {
  const dt = complexOut(x.dtype);
  const outShape = x.shape.slice();
  r.dims.forEach((d, i) => (outShape[d] = r.sizes[i]!));
  const dst = allocStorage(dt, numel(outShape)) as DstArray;
  const src = x.data;
  if (r.dims.length === 0) {
    // nothing to transform: a promoted copy
    const cplx = isComplex(x.dtype);
    for (let i = 0; i < x.numel; i++) {
      if (cplx) {
        dst[2 * i] = src[2 * i]!;
        dst[2 * i + 1] = src[2 * i + 1]!;
      } else dst[2 * i] = src[i]!;
    }
    return Tensor.fromStorage(dst, outShape, dt);
  }
  const live = x.shape.slice();
  r.dims.forEach((d, i) => (live[d] = Math.min(x.shape[d]!, r.sizes[i]!)));
  const last = r.dims.length - 1;
  const scale = axisScale(norm, total(r.sizes), sign === 1);
  c2cPasses(dst, outShape, r.dims, r.sizes, last, sign, live, scale, { src, shape: x.shape, complex: isComplex(x.dtype) });
  return Tensor.fromStorage(dst, outShape, dt);
}

/** n-D real-to-complex transform: r2c on the last of `dims`, then c2c on the others. */
function r2cN(fn: string, x: Tensor, r: Resolved, norm: FftNorm, into?: Float64Array): Tensor {
  if (isComplex(x.dtype)) throw argError(fn, 'input', `a real tensor (${fn} of complex input is not defined; use fft)`, x.dtype);
  if (r.dims.length === 0) throw argError(fn, 'dim', 'at least one dim to transform', []);
  const dt = into !== undefined ? 'complex128' : complexOut(x.dtype);
  const last = r.dims.length - 1;
  const outShape = x.shape.slice();
  r.dims.forEach((d, i) => (outShape[d] = i === last ? (r.sizes[i]! >> 1) + 1 : r.sizes[i]!));
  if (into !== undefined && into.length !== 2 * numel(outShape)) throw argError(fn, 'out', `a Float64Array of ${2 * numel(outShape)} numbers`, into.length);
  const dst = (into ?? allocStorage(dt, numel(outShape))) as DstArray;
  // (a zero-padded transform leaves the padding's lines unwritten: a caller's array is cleared first)
  if (into !== undefined && r.dims.some((d, i) => r.sizes[i]! > x.shape[d]!)) into.fill(0);
  const live = x.shape.slice();
  r.dims.forEach((d, i) => (live[d] = Math.min(x.shape[d]!, r.sizes[i]!)));
  const axisL = r.dims[last]!;
  const nL = r.sizes[last]!;
  const scale = axisScale(norm, total(r.sizes), false);
  if (last >= 1 && axisL === x.ndim - 1 && r.dims[last - 1] === axisL - 1 && canRfftLastTwo(x.shape, live, r.sizes[last - 1]!, nL)) {
    // the usual rfftn/rfft2 layout: the last two passes as one (the r2c rows and the columns before them)
    rfftLastTwo(x.data, x.shape, dst, outShape, live, last === 1 ? scale : 1);
    live[axisL] = outShape[axisL]!;
    c2cPasses(dst, outShape, r.dims, r.sizes, last - 2, -1, live, scale);
    return Tensor.fromStorage(dst, outShape, dt);
  }
  transformAxis({
    kind: 'r2c', src: x.data, srcShape: x.shape, srcComplex: false, dst, dstShape: outShape, axis: axisL, n: nL, sign: -1,
    scale: last === 0 ? scale : 1, live,
  });
  live[axisL] = outShape[axisL]!;
  c2cPasses(dst, outShape, r.dims, r.sizes, last - 1, -1, live, scale);
  return Tensor.fromStorage(dst, outShape, dt);
}

/** n-D complex-to-real transform: c2c inverse on all but the last of `dims`, then c2r (output length sizes[last]). */
function c2rN(fn: string, x: Tensor, r: Resolved, norm: FftNorm, conjInput: boolean, outDtype?: 'float32' | 'float64'): Tensor {
  if (r.dims.length === 0) throw argError(fn, 'dim', 'at least one dim to transform', []);
  const dt = complexOut(x.dtype);
  const rdt = outDtype ?? realDtypeOf(dt);
  const last = r.dims.length - 1;
  const axisL = r.dims[last]!;
  const nL = r.sizes[last]!;
  const m = (nL >> 1) + 1;
  const live = x.shape.slice();
  r.dims.forEach((d, i) => (live[d] = Math.min(x.shape[d]!, i === last ? m : r.sizes[i]!)));
  let src: SrcArray = x.data;
  let srcShape: readonly number[] = x.shape;
  let srcComplex = isComplex(x.dtype);
  const outShape = x.shape.slice();
  r.dims.forEach((d, i) => (outShape[d] = r.sizes[i]!));
  if (last >= 1 && axisL === x.ndim - 1 && r.dims[last - 1] === axisL - 1 && srcComplex && !conjInput &&
      canIrfftLastTwo(x.shape, live, r.sizes[last - 1]!, nL)) {
    // the usual irfftn/irfft2 layout: the other dims first, then the last two passes as one
    if (last >= 2) {
      const midShape = x.shape.slice();
      r.dims.forEach((d, i) => (midShape[d] = i === last ? m : r.sizes[i]!));
      const mid = allocStorage(dt, numel(midShape)) as DstArray;
      c2cPasses(mid, midShape, r.dims, r.sizes, last - 2, 1, live, 1, { src, shape: srcShape, complex: srcComplex });
      src = mid;
      srcShape = midShape;
    }
    const out = allocStorage(rdt, numel(outShape)) as DstArray;
    irfftLastTwo(src as DstArray, srcShape, out, outShape, live, axisScale(norm, total(r.sizes), true));
    return Tensor.fromStorage(out, outShape, rdt);
  }
  if (last > 0) {
    const midShape = x.shape.slice();
    r.dims.forEach((d, i) => (midShape[d] = i === last ? m : r.sizes[i]!));
    const mid = allocStorage(dt, numel(midShape)) as DstArray;
    // the first pass reads the input (conjugated for hfftn), the others run in place on `mid`
    c2cPasses(mid, midShape, r.dims, r.sizes, last - 1, 1, live, 1, { src, shape: srcShape, complex: srcComplex, conj: conjInput });
    src = mid;
    srcShape = midShape;
    srcComplex = true;
    conjInput = false;
  }
  const dst = allocStorage(rdt, numel(outShape)) as DstArray;
  transformAxis({
    kind: 'c2r', src, srcShape, srcComplex, dst, dstShape: outShape, axis: axisL, n: nL, sign: 1,
    scale: axisScale(norm, total(r.sizes), true), live, conjInput,
  });
  return Tensor.fromStorage(dst, outShape, rdt);
}

/** Resolves irfft-style sizes: the last size defaults to 2·(m − 1) where m is the input size. */
function resolveC2r(fn: string, r: Resolved, x: Tensor, lastGiven: boolean, argName: 'n' | 's'): Resolved {
  if (r.dims.length === 0) return r;
  const last = r.dims.length - 1;
  if (!lastGiven) {
    const nL = 2 * (x.shape[r.dims[last]!]! - 1);
    if (nL < 1) {
      throw argError(fn, argName, `given: the default output length 2·(m − 1) is ${nL} for input size m = ${x.shape[r.dims[last]!]} along dim ${r.dims[last]}`);
    }
    r.sizes[last] = nL;
  }
  return r;
}

/**
 * 1-D discrete Fourier transform (torch.fft.fft). Real inputs are promoted to complex.
 *
 * @example
 * ```ts
 * fft(tensor([1, 0, 0, 0])).toArray(); // [[1,0],[1,0],[1,0],[1,0]]
 * ```
 */
export function fft(input: Tensor, options: FftOptions = {}): Tensor {
  const x = checkTensor('fft', input);
  const norm = checkNorm('fft', options.norm);
  return c2cN(x, resolve1d('fft', x, options.n, options.dim), -1, norm);
}

/**
 * 1-D inverse DFT (torch.fft.ifft).
 *
 * @example
 * ```ts
 * ifft(fft(x)); // ≈ x (complex)
 * ```
 */
export function ifft(input: Tensor, options: FftOptions = {}): Tensor {
  const x = checkTensor('ifft', input);
  const norm = checkNorm('ifft', options.norm);
  return c2cN(x, resolve1d('ifft', x, options.n, options.dim), 1, norm);
}

/**
 * 1-D DFT of a real signal, returning the n/2 + 1 non-negative frequencies (torch.fft.rfft).
 *
 * @example
 * ```ts
 * rfft(tensor([1, 2, 3, 4])).shape; // [3]
 * ```
 */
export function rfft(input: Tensor, options: FftOptions = {}): Tensor {
  const x = checkTensor('rfft', input);
  const norm = checkNorm('rfft', options.norm);
  return r2cN('rfft', x, resolve1d('rfft', x, options.n, options.dim), norm);
}

/**
 * Inverse of {@link rfft}: a real signal of length `n` (default 2·(m − 1)) from its one-sided spectrum
 * (torch.fft.irfft). The imaginary parts of the zero (and, n even, Nyquist) bins are ignored.
 *
 * @example
 * ```ts
 * irfft(rfft(x), { n: x.shape[0] }); // ≈ x
 * ```
 */
export function irfft(input: Tensor, options: FftOptions = {}): Tensor {
  const x = checkTensor('irfft', input);
  const norm = checkNorm('irfft', options.norm);
  const r = resolveC2r('irfft', resolveIrfft1d('irfft', x, options), x, options.n !== undefined, 'n');
  return c2rN('irfft', x, r, norm, false);
}

function resolveIrfft1d(fn: string, x: Tensor, options: FftOptions): Resolved {
  const d = checkDim(fn, options.dim === undefined ? -1 : options.dim, x.ndim);
  const n = options.n;
  if (n === undefined) return { dims: [d], sizes: [0] };
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw argError(fn, 'n', 'a positive integer', n);
  return { dims: [d], sizes: [n] };
}

/**
 * DFT of a Hermitian-symmetric signal given by its first half, a real spectrum of length `n`
 * (default 2·(m − 1)) (torch.fft.hfft).
 *
 * @example
 * ```ts
 * hfft(ihfft(x), { n: x.shape[0] }); // ≈ x
 * ```
 */
export function hfft(input: Tensor, options: FftOptions = {}): Tensor {
  const x = checkTensor('hfft', input);
  const norm = checkNorm('hfft', options.norm);
  const r = resolveC2r('hfft', resolveIrfft1d('hfft', x, options), x, options.n !== undefined, 'n');
  return c2rN('hfft', x, r, dualNorm(norm), true);
}

/**
 * Inverse of {@link hfft}: the n/2 + 1 first bins of the inverse DFT of a real signal (torch.fft.ihfft).
 *
 * @example
 * ```ts
 * ihfft(tensor([1, 2, 3, 4])).shape; // [3]
 * ```
 */
export function ihfft(input: Tensor, options: FftOptions = {}): Tensor {
  const x = checkTensor('ihfft', input);
  const norm = checkNorm('ihfft', options.norm);
  const out = r2cN('ihfft', x, resolve1d('ihfft', x, options.n, options.dim), dualNorm(norm));
  const d = out.storage;
  for (let i = 1; i < d.length; i += 2) d[i] = -d[i]!;
  return out;
}

/**
 * n-D DFT (torch.fft.fftn): all dims by default, or the last `s.length` when only `s` is given.
 *
 * @example
 * ```ts
 * fftn(x, { s: [8, 8], norm: 'ortho' });
 * ```
 */
export function fftn(input: Tensor, options: FftnOptions = {}): Tensor {
  const x = checkTensor('fftn', input);
  const norm = checkNorm('fftn', options.norm);
  return c2cN(x, resolveNd('fftn', x, options.s, options.dim, undefined), -1, norm);
}

/**
 * n-D inverse DFT (torch.fft.ifftn).
 *
 * @example
 * ```ts
 * ifftn(fftn(x)); // ≈ x
 * ```
 */
export function ifftn(input: Tensor, options: FftnOptions = {}): Tensor {
  const x = checkTensor('ifftn', input);
  const norm = checkNorm('ifftn', options.norm);
  return c2cN(x, resolveNd('ifftn', x, options.s, options.dim, undefined), 1, norm);
}

/**
 * n-D DFT of a real input; the last transformed dim is halved to s/2 + 1 (torch.fft.rfftn).
 *
 * @example
 * ```ts
 * rfftn(kernel3x3, { s: [128, 128] }).shape; // [128, 65]
 * ```
 */
export function rfftn(input: Tensor, options: FftnOptions = {}): Tensor {
  const x = checkTensor('rfftn', input);
  const norm = checkNorm('rfftn', options.norm);
  return r2cN('rfftn', x, resolveNd('rfftn', x, options.s, options.dim, undefined), norm);
}

/**
 * @internal {@link rfftn} computed in float64 whatever the real input's precision (float32 is widened as it is
 * read, so the result equals rfftn of the widened input bit for bit), written into `out` (complex128
 * interleaved, every entry overwritten) instead of a new array: a caller with pooled scratch avoids both a
 * float64 copy of its input and the page faults of a fresh output.
 * @example `rfftnInto(y, { dim: [-2, -1] }, pooled)`
 */
export function rfftnInto(input: Tensor, options: FftnOptions, out: Float64Array): Tensor {
  const x = checkTensor('rfftn', input);
  const norm = checkNorm('rfftn', options.norm);
  return r2cN('rfftn', x, resolveNd('rfftn', x, options.s, options.dim, undefined), norm, out);
}

/**
 * Inverse of {@link rfftn}: `s` gives the output sizes, its last entry the real length of the last dim
 * (default 2·(m − 1)) (torch.fft.irfftn).
 *
 * @example
 * ```ts
 * irfftn(rfftn(x), { s: x.shape }); // ≈ x
 * ```
 */
export function irfftn(input: Tensor, options: FftnOptions = {}): Tensor {
  const x = checkTensor('irfftn', input);
  const norm = checkNorm('irfftn', options.norm);
  return irfftnImpl('irfftn', x, options, norm, undefined);
}

/**
 * @internal {@link irfftn} with the real output in `outDtype` whatever the input's precision: a complex128
 * spectrum computed in float64 lands straight in a float32 result (the last pass writes it), with no float64
 * copy of the result to allocate and convert.
 * @example `irfftnAs(xf, { s: [n1, n2], dim: [-2, -1] }, 'float32')`
 */
export function irfftnAs(input: Tensor, options: FftnOptions, outDtype: 'float32' | 'float64'): Tensor {
  const x = checkTensor('irfftn', input);
  return irfftnImpl('irfftn', x, options, checkNorm('irfftn', options.norm), undefined, outDtype);
}

function irfftnImpl(fn: string, x: Tensor, options: FftnOptions, norm: FftNorm, defaultDims: readonly number[] | undefined, outDtype?: 'float32' | 'float64'): Tensor {
  const s = options.s;
  const lastGiven = Array.isArray(s) && s.length > 0 && s[s.length - 1] !== -1;
  const r = resolveNd(fn, x, s, options.dim, defaultDims, true);
  return c2rN(fn, x, resolveC2r(fn, r, x, lastGiven, 's'), norm, false, outDtype);
}

/**
 * 2-D DFT over dims [−2, −1] by default (torch.fft.fft2).
 *
 * @example
 * ```ts
 * fft2(img).shape; // same as img
 * ```
 */
export function fft2(input: Tensor, options: FftnOptions = {}): Tensor {
  const x = checkTensor('fft2', input);
  const norm = checkNorm('fft2', options.norm);
  return c2cN(x, resolveNd('fft2', x, options.s, options.dim ?? [-2, -1], undefined), -1, norm);
}

/**
 * 2-D inverse DFT over dims [−2, −1] by default (torch.fft.ifft2).
 *
 * @example
 * ```ts
 * ifft2(fft2(img)); // ≈ img
 * ```
 */
export function ifft2(input: Tensor, options: FftnOptions = {}): Tensor {
  const x = checkTensor('ifft2', input);
  const norm = checkNorm('ifft2', options.norm);
  return c2cN(x, resolveNd('ifft2', x, options.s, options.dim ?? [-2, -1], undefined), 1, norm);
}

/**
 * 2-D real-input DFT over dims [−2, −1] by default (torch.fft.rfft2).
 *
 * @example
 * ```ts
 * rfft2(img).shape; // [h, w/2 + 1]
 * ```
 */
export function rfft2(input: Tensor, options: FftnOptions = {}): Tensor {
  const x = checkTensor('rfft2', input);
  const norm = checkNorm('rfft2', options.norm);
  return r2cN('rfft2', x, resolveNd('rfft2', x, options.s, options.dim ?? [-2, -1], undefined), norm);
}

/**
 * Inverse of {@link rfft2} (torch.fft.irfft2).
 *
 * @example
 * ```ts
 * irfft2(rfft2(img), { s: img.shape }); // ≈ img
 * ```
 */
export function irfft2(input: Tensor, options: FftnOptions = {}): Tensor {
  const x = checkTensor('irfft2', input);
  const norm = checkNorm('irfft2', options.norm);
  return irfftnImpl('irfft2', x, { ...options, dim: options.dim ?? [-2, -1] }, norm, undefined);
}
