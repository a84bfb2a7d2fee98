/**
 * Sample frequencies and spectrum shifts: fftfreq, rfftfreq, fftshift, ifftshift (torch.fft semantics).
 */
import { argError } from '../errors.js';
import { allocStorage, scalarsPer } from '../tensor/dtype.js';
import { getDefaultDtype } from '../tensor/creation.js';
import { contiguousStrides } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** Options of {@link fftfreq} and {@link rfftfreq}. */
export interface FftFreqOptions {
  /** Output dtype, `'float32'` or `'float64'` (default: the default float dtype). */
  dtype?: 'float32' | 'float64';
}

/** Options of {@link fftshift} and {@link ifftshift}. */
export interface FftShiftOptions {
  /** Dims to shift (default: all). */
  dim?: number | readonly number[];
}

function freqCommon(fn: string, n: unknown, d: unknown, options: FftFreqOptions): { n: number; val: number; dtype: 'float32' | 'float64' } {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw argError(fn, 'n', 'a non-negative integer', n);
  if (typeof d !== 'number' || !Number.isFinite(d) || d === 0) throw argError(fn, 'd', 'a finite nonzero number', d);
  const dtype = options.dtype ?? getDefaultDtype();
  if (dtype !== 'float32' && dtype !== 'float64') throw argError(fn, 'dtype', "'float32' or 'float64'", dtype);
  return { n, val: 1 / (n * d), dtype };
}

function fill(values: number[], val: number, dtype: 'float32' | 'float64'): Tensor {
  const out = allocStorage(dtype, values.length) as Float32Array | Float64Array;
  // as torch: arange in the output dtype times the scalar 1/(n·d) (rounded to float32 for float32 output)
  const v = dtype === 'float32' ? Math.fround(val) : val;
  for (let i = 0; i < values.length; i++) out[i] = values[i]! * v;
  return Tensor.fromStorage(out, [values.length], dtype);
}

/**
 * Sample frequencies of an n-point DFT with sample spacing d: [0, 1, …, ⌈n/2⌉−1, −⌊n/2⌋, …, −1] / (d·n).
 *
 * @example
 * ```ts
 * fftfreq(4).toArray(); // [0, 0.25, -0.5, -0.25]
 * ```
 */
export function fftfreq(n: number, d = 1, options: FftFreqOptions = {}): Tensor {
  const c = freqCommon('fftfreq', n, d, options);
  const vals: number[] = [];
  const pos = Math.ceil(n / 2);
  for (let i = 0; i < pos; i++) vals.push(i);
  for (let i = -Math.floor(n / 2); i < 0; i++) vals.push(i);
  return fill(vals, c.val, c.dtype);
}

/**
 * Sample frequencies of {@link rfft}'s output: [0, 1, …, ⌊n/2⌋] / (d·n).
 *
 * @example
 * ```ts
 * rfftfreq(4).toArray(); // [0, 0.25, 0.5]
 * ```
 */
export function rfftfreq(n: number, d = 1, options: FftFreqOptions = {}): Tensor {
  const c = freqCommon('rfftfreq', n, d, options);
  const vals: number[] = [];
  for (let i = 0; i <= Math.floor(n / 2); i++) vals.push(i);
  return fill(vals, c.val, c.dtype);
}

function shiftDims(fn: string, x: Tensor, dim: unknown): number[] {
  if (!(x instanceof Tensor)) throw argError(fn, 'input', 'a Tensor', x);
  const ndim = x.ndim;
  if (dim === undefined || dim === null) return x.shape.map((_, i) => i);
  const list = typeof dim === 'number' ? [dim] : Array.isArray(dim) ? (dim as unknown[]) : undefined;
  if (!list) throw argError(fn, 'dim', 'an integer or a list of integers', dim);
  const out = list.map((d) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || ndim === 0 || d < -ndim || d >= ndim) {
      throw argError(fn, 'dim', `an integer in [${-ndim}, ${ndim - 1}]`, d);
    }
    return d < 0 ? d + ndim : d;
  });
  // torch.roll accepts repeated dims and rolls twice; fftshift would then shift twice, so do the same
  return out;
}

/** Copy of x with dim d rolled by shifts[d] (element i moves to (i + shift) mod size). */
function roll(x: Tensor, shifts: number[]): Tensor {
  const src = x.data;
  const sp = scalarsPer(x.dtype);
  const shape = x.shape;
  const out = allocStorage(x.dtype, x.numel);
  if (x.numel === 0) return Tensor.fromStorage(out, shape, x.dtype);
  const st = contiguousStrides(shape);
  const nd = shape.length;
  // srcIndex[d][j]: source index along d of output index j
  const maps = shape.map((n, d) => {
    const m = new Int32Array(n);
    for (let j = 0; j < n; j++) m[j] = (((j - shifts[d]!) % n) + n) % n;
    return m;
  });
  if (nd === 0) {
    out.set(src.subarray(0, sp) as never);
    return Tensor.fromStorage(out, shape, x.dtype);
  }
  const last = nd - 1;
  const nLast = shape[last]!;
  const rows = x.numel / nLast;
  const idx = new Array<number>(last).fill(0);
  let o = 0;
  const mLast = maps[last]!;
  for (let r = 0; r < rows; r++) {
    let base = 0;
    for (let d = 0; d < last; d++) base += maps[d]![idx[d]!]! * st[d]!;
    for (let j = 0; j < nLast; j++) {
      const s = (base + mLast[j]!) * sp;
      for (let c = 0; c < sp; c++) out[o++] = src[s + c]!;
    }
    for (let d = last - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return Tensor.fromStorage(out, shape, x.dtype);
}

function shift(fn: string, x: Tensor, options: FftShiftOptions, inverse: boolean): Tensor {
  const dims = shiftDims(fn, x, options.dim);
  const shifts = new Array<number>(x.ndim).fill(0);
  for (const d of dims) {
    const n = x.shape[d]!;
    shifts[d] += inverse ? -Math.floor(n / 2) : Math.floor(n / 2);
  }
  return roll(x, shifts);
}

/**
 * Moves the zero-frequency bin to the centre: rolls each dim by ⌊n/2⌋ (torch.fft.fftshift).
 *
 * @example
 * ```ts
 * fftshift(fftfreq(5)).toArray(); // [-0.4, -0.2, 0, 0.2, 0.4]
 * ```
 */
export function fftshift(input: Tensor, options: FftShiftOptions = {}): Tensor {
  return shift('fftshift', input, options, false);
}

/**
 * Inverse of {@link fftshift}: rolls each dim by −⌊n/2⌋ (torch.fft.ifftshift).
 *
 * @example
 * ```ts
 * ifftshift(fftshift(x)); // equals x
 * ```
 */
export function ifftshift(input: Tensor, options: FftShiftOptions = {}): Tensor {
  return shift('ifftshift', input, options, true);
}
