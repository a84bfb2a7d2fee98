/**
 * The dense reference path of the pseudo-inverse: materialise A (prod(outShape) × prod(inShape)), take its SVD
 * once, and apply x̂ = V·diag(w)·Uᴴ·y with w = 1/σ above the cut-off max(atol, rtol·σ₁) (or σ/(σ² + λ²) with
 * Tikhonov damping λ). Exact to rounding; O(n³), so only for small operators.
 */
import { argError } from '../../errors.js';
import { svd } from '../../linalg/spectral.js';
import { isComplex } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { fromFloat64, toFloat64, type LinearOperator } from '../linear-operator.js';
import { checkDamp, resolveTolerances, type PinvTolerances } from './circular-fft.js';

/**
 * Largest number of unknowns (prod(inShape)) for which `method: 'auto'` picks the dense path. The dense SVD is O(n³):
 * measured single-threaded, 484 unknowns take 0.8 s, 1,024 take 6.8 s (4,096 would take minutes).
 * @example `A.inSize <= DENSE_AUTO_MAX_UNKNOWNS`
 */
export const DENSE_AUTO_MAX_UNKNOWNS = 600;
/** Largest matrix the dense path builds when asked explicitly (entries of A). @example `DENSE_MAX_ENTRIES // 2 ** 24` */
export const DENSE_MAX_ENTRIES = 2 ** 24;

/** What the dense factorisation found. @example `fac.info.rank` */
export interface DensePinvInfo {
  /** σ₁(A). */
  sigmaMax: number;
  /** The cut-off used (0 with damping). */
  cutoff: number;
  /** Singular values kept. */
  rank: number;
}

/**
 * SVD-based pseudo-inverse of a materialised operator, kept for repeated solves.
 *
 * @example
 * ```ts
 * const fac = new DensePinv(A);
 * fac.solve(y); // A⁺y
 * ```
 */
export class DensePinv {
  /** σ₁, cut-off and rank. */
  readonly info: DensePinvInfo;
  private readonly op: LinearOperator;
  private readonly cplx: boolean;
  private readonly m: number;
  private readonly n: number;
  private readonly k: number;
  private readonly U: Float64Array;
  private readonly Vh: Float64Array;
  private readonly w: Float64Array;

  constructor(op: LinearOperator, options: PinvTolerances = {}) {
    const fn = `${op.name}.pinv`;
    const damp = checkDamp(fn, options.damp);
    const { atol, rtol } = resolveTolerances(fn, options.atol, options.rtol, op.outSize, op.inSize, op.dtype);
    const A = op.toDense({ maxEntries: DENSE_MAX_ENTRIES });
    this.cplx = isComplex(A.dtype);
    const a64 = toFloat64(A);
    const m = op.outSize;
    const n = op.inSize;
    const k = Math.min(m, n);
    const r = svd(new Tensor(Float64Array.from(a64), [m, n], this.cplx ? 'complex128' : 'float64'), { fullMatrices: false });
    const S = toFloat64(r.S);
    const sigmaMax = k > 0 ? S[0]! : 0;
    const cutoff = damp > 0 ? 0 : Math.max(atol, rtol * sigmaMax);
    const w = new Float64Array(k);
    let rank = 0;
    for (let t = 0; t < k; t++) {
      const s = S[t]!;
      w[t] = damp > 0 ? (s > 0 ? s / (s * s + damp * damp) : 0) : s > cutoff && s > 0 ? 1 / s : 0;
      if (w[t] !== 0) rank++;
    }
    this.op = op;
    this.m = m;
    this.n = n;
    this.k = k;
    this.U = toFloat64(r.U);
    this.Vh = toFloat64(r.Vh);
    this.w = w;
    this.info = { sigmaMax, cutoff, rank };
  }

  /**
   * x̂ for `y` of shape `outShape` or `[batch, ...outShape]`, in the operator's input dtype.
   * @example `fac.solve(y).shape`
   */
  solve(y: Tensor): Tensor {
    const op = this.op;
    const fn = `${op.name}.pinv`;
    if (!(y instanceof Tensor)) throw argError(fn, 'y', 'a Tensor', y);
    const batched = y.ndim === op.outShape.length + 1;
    const tail = batched ? y.shape.slice(1) : y.shape.slice();
    if (tail.join() !== op.outShape.join() || (!batched && y.ndim !== op.outShape.length)) {
      throw argError(fn, 'y', `shape [${op.outShape.join(', ')}] or [batch, ${op.outShape.join(', ')}]`, y.shape.slice());
    }
    const { m, n, k, U, Vh, w } = this;
    const cplx = this.cplx || isComplex(y.dtype);
    const sp = cplx ? 2 : 1;
    const count = batched ? y.shape[0]! : 1;
    const yd = toFloat64(y);
    const ySp = isComplex(y.dtype) ? 2 : 1;
    const uSp = this.cplx ? 2 : 1;
    const out = new Float64Array(count * n * sp);
    const c = new Float64Array(2 * k);
    for (let b = 0; b < count; b++) {
      // c = diag(w)·Uᴴ·y
      for (let t = 0; t < k; t++) {
        let re = 0;
        let im = 0;
        if (w[t] !== 0) {
          for (let i = 0; i < m; i++) {
            const ur = U[(i * k + t) * uSp]!, ui = uSp === 2 ? -U[(i * k + t) * 2 + 1]! : 0;
            const yr = yd[(b * m + i) * ySp]!, yi = ySp === 2 ? yd[(b * m + i) * 2 + 1]! : 0;
            re += ur * yr - ui * yi;
            im += ur * yi + ui * yr;
          }
        }
        c[2 * t] = re * w[t]!;
        c[2 * t + 1] = im * w[t]!;
      }
      // x = V·c, V[j, t] = conj(Vh[t, j])
      for (let j = 0; j < n; j++) {
        let re = 0;
        let im = 0;
        for (let t = 0; t < k; t++) {
          if (w[t] === 0) continue;
          const vr = Vh[(t * n + j) * uSp]!, vi = uSp === 2 ? -Vh[(t * n + j) * 2 + 1]! : 0;
          re += vr * c[2 * t]! - vi * c[2 * t + 1]!;
          im += vr * c[2 * t + 1]! + vi * c[2 * t]!;
        }
        out[(b * n + j) * sp] = re;
        if (cplx) out[(b * n + j) * 2 + 1] = im;
      }
    }
    const dt = cplx ? (op.inDtype === 'float32' || op.inDtype === 'complex64' ? 'complex64' : 'complex128') : op.inDtype;
    return fromFloat64(out, batched ? [count, ...op.inShape] : op.inShape.slice(), dt);
  }
}
