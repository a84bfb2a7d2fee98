/**
 * Unitary DFT operators: the n-D FFT over chosen dims (norm 'ortho', so Fᴴ = F⁻¹), and the real FFT as a
 * unitary map from real tensors into the half spectrum.
 *
 * The rFFT operator scales every bin that has a conjugate partner outside the half spectrum (along the
 * halved dim: all bins except 0 and, for even n, n/2) by √2. Then ‖R x‖ = ‖x‖, and its adjoint for the real
 * inner product Re⟨·,·⟩ is irfftn (ortho) after dividing those bins by √2. irfftn reads only the real part
 * of bins 0 and n/2 along the halved dim, which is exactly what the real-inner-product adjoint does.
 */
import { argError } from '../errors.js';
import { fftn, ifftn, irfftn, rfftn } from '../fft/index.js';
import { complexDtypeOf, isComplex } from '../tensor/dtype.js';
import { checkShape, normalizeDims } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import './compose.js';
import { LinearOperator, fromFloat64, realOf, toFloat64, type OperatorDtype } from './linear-operator.js';

/** Options of {@link fft} and {@link rfft}. @example `{ dim: [-2, -1], dtype: 'float32' }` */
export interface FftOperatorOptions {
  /** Dims of the operator's shape to transform (negative counts from the end). Default: all. */
  dim?: number | readonly number[];
  /** Precision: 'float32'/'complex64' or 'float64'/'complex128' (default double). */
  dtype?: OperatorDtype;
}

function resolve(fn: string, shape: unknown, options: FftOperatorOptions): { s: number[]; dims: number[]; prec: 'float32' | 'float64' } {
  const s = checkShape(shape, 'shape', fn);
  const raw = options.dim === undefined ? s.map((_, i) => i) : typeof options.dim === 'number' ? [options.dim] : options.dim;
  if (!Array.isArray(raw)) throw argError(fn, 'dim', 'an integer or a list of integers', options.dim);
  if (s.length === 0) throw argError(fn, 'shape', 'a shape with at least one dimension', s);
  const dims = normalizeDims(raw as number[], s.length, 'dim', fn);
  if (dims.length === 0) throw argError(fn, 'dim', 'a non-empty list of dims', raw);
  const dt = options.dtype ?? 'float64';
  if (!['float32', 'float64', 'complex64', 'complex128'].includes(dt)) throw argError(fn, 'dtype', "a floating dtype ('float32', 'float64', 'complex64', 'complex128')", dt);
  return { s, dims, prec: realOf(dt) };
}

/**
 * The unitary n-D DFT over chosen dims. Built by {@link fft}.
 *
 * @example
 * ```ts
 * const F = new FftOperator([8, 8], [0, 1], 'float64');
 * ```
 */
export class FftOperator extends LinearOperator {
  /** Transformed dims of the operator's shape. */
  readonly dims: readonly number[];
  constructor(shape: readonly number[], dims: readonly number[], prec: 'float32' | 'float64') {
    const dt = complexDtypeOf(prec);
    super({ name: `FFT(dims=[${dims.join(', ')}])`, inShape: shape, outShape: shape, inDtype: dt, outDtype: dt });
    this.dims = Object.freeze(dims.slice());
  }
  protected applyBatch(x: Tensor): Tensor {
    return fftn(x, { dim: this.dims.map((d) => d + 1), norm: 'ortho' });
  }
  protected adjointBatch(y: Tensor): Tensor {
    return ifftn(y, { dim: this.dims.map((d) => d + 1), norm: 'ortho' });
  }
}

/**
 * The unitary DFT `x ↦ fftn(x, { dim, norm: 'ortho' })` over `dim` (default all dims) of tensors of `shape`;
 * its adjoint (and inverse) is the ortho ifftn.
 *
 * @example
 * ```ts
 * const F = operators.fft([4, 6], { dim: -1 });
 * F.H.apply(F.apply(x)); // ≈ x
 * ```
 */
export function fft(shape: readonly number[], options: FftOperatorOptions = {}): FftOperator {
  const { s, dims, prec } = resolve('operators.fft', shape, options);
  return new FftOperator(s, dims, prec);
}

/**
 * The unitary real FFT from real tensors into the half spectrum. Built by {@link rfft}.
 *
 * @example
 * ```ts
 * const R = new RfftOperator([8], [0], 'float64');
 * ```
 */
export class RfftOperator extends LinearOperator {
  /** Transformed dims; the last one is halved to n/2 + 1 bins. */
  readonly dims: readonly number[];
  private readonly sizes: number[];
  private readonly half: number;
  private readonly n: number;
  constructor(shape: readonly number[], dims: readonly number[], prec: 'float32' | 'float64') {
    const last = dims[dims.length - 1]!;
    const n = shape[last]!;
    const outShape = shape.slice();
    outShape[last] = Math.floor(n / 2) + 1;
    super({ name: `RFFT(dims=[${dims.join(', ')}])`, inShape: shape, outShape, inDtype: prec, outDtype: complexDtypeOf(prec) });
    this.dims = Object.freeze(dims.slice());
    this.sizes = dims.map((d) => shape[d]!);
    this.half = outShape[last]!;
    this.n = n;
  }
  /** Multiplies bins 1 … (n−1)/2 of the halved dim (those with a partner outside the half spectrum) by f. */
  private scaleBins(t: Tensor, f: number): Tensor {
    const src = toFloat64(t);
    const d = Float64Array.from(src);
    const last = this.dims[this.dims.length - 1]! + 1;
    const sh = t.shape;
    let inner = 1;
    for (let i = last + 1; i < sh.length; i++) inner *= sh[i]!;
    const m = this.half;
    const hiPartner = this.n % 2 === 0 ? m - 1 : m; // exclusive end: even n leaves out the Nyquist bin
    const outer = d.length / (2 * m * inner);
    for (let o = 0; o < outer; o++)
      for (let k = 1; k < hiPartner; k++) {
        const base = 2 * ((o * m + k) * inner);
        for (let j = 0; j < 2 * inner; j++) d[base + j] *= f;
      }
    return fromFloat64(d, t.shape, isComplex(t.dtype) ? t.dtype : complexDtypeOf(t.dtype));
  }
  protected applyBatch(x: Tensor): Tensor {
    return this.scaleBins(rfftn(x, { dim: this.dims.map((d) => d + 1), norm: 'ortho' }), Math.SQRT2);
  }
  protected adjointBatch(y: Tensor): Tensor {
    return irfftn(this.scaleBins(y, Math.SQRT1_2), { dim: this.dims.map((d) => d + 1), s: this.sizes, norm: 'ortho' });
  }
}

/**
 * The unitary real FFT, R^shape → C^(half spectrum): `rfftn(x, { dim, norm: 'ortho' })` with the bins that
 * have a conjugate partner scaled by √2, so that ‖R x‖ = ‖x‖ and RᴴR = I. The last dim in `dim` is halved to
 * n/2 + 1. It is linear over the reals only: inputs must be real; its adjoint is for Re⟨·,·⟩.
 *
 * @example
 * ```ts
 * const R = operators.rfft([8]);
 * R.outShape; // [5]
 * R.H.apply(R.apply(x)); // ≈ x
 * ```
 */
export function rfft(shape: readonly number[], options: FftOperatorOptions = {}): RfftOperator {
  const { s, dims, prec } = resolve('operators.rfft', shape, options);
  return new RfftOperator(s, dims, prec);
}
