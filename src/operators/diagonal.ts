/**
 * The identity and elementwise (diagonal) operators.
 */
import { argError } from '../errors.js';
import { checkDType, isComplex } from '../tensor/dtype.js';
import { checkShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import './compose.js';
import { LinearOperator, fromFloat64, operatorDtypeOf, toFloat64, type OperatorDtype } from './linear-operator.js';

/** Options of {@link identity}. @example `{ dtype: 'complex128' }` */
export interface IdentityOptions {
  /** Dtype of the space (default float64). */
  dtype?: OperatorDtype;
}

/**
 * The identity on tensors of one shape. Built by {@link identity}.
 *
 * @example
 * ```ts
 * const I = new IdentityOperator([3], 'float64');
 * ```
 */
export class IdentityOperator extends LinearOperator {
  constructor(shape: readonly number[], dtype: OperatorDtype) {
    super({ name: 'Identity', inShape: shape, outShape: shape, inDtype: dtype, outDtype: dtype });
  }
  protected applyBatch(x: Tensor): Tensor {
    // A copy, so that the result never aliases the caller's input.
    return x.clone();
  }
  protected adjointBatch(y: Tensor): Tensor {
    return y.clone();
  }
}

/**
 * The identity operator on tensors of `shape`.
 *
 * @example
 * ```ts
 * operators.identity([2, 2]).toDense().toArray(); // 4×4 identity
 * ```
 */
export function identity(shape: readonly number[] | number, options: IdentityOptions = {}): IdentityOperator {
  const fn = 'operators.identity';
  const s = checkShape(shape, 'shape', fn);
  const dt = checkDType(options.dtype ?? 'float64', 'dtype', fn);
  if (dt === 'int32' || dt === 'bool') throw argError(fn, 'dtype', 'a floating dtype', dt);
  return new IdentityOperator(s, dt as OperatorDtype);
}

/**
 * Elementwise multiplication by a fixed tensor `d`: (D x)[i] = d[i]·x[i]; Dᴴ multiplies by conj(d).
 * Built by {@link diagonal}.
 *
 * @example
 * ```ts
 * const D = new DiagonalOperator(tensor([1, 2, 3], { dtype: 'float64' }));
 * ```
 */
export class DiagonalOperator extends LinearOperator {
  private readonly d: Float64Array;
  constructor(d: Tensor) {
    const fn = 'operators.diagonal';
    if (!(d instanceof Tensor)) throw argError(fn, 'd', 'a Tensor', d);
    const dt = operatorDtypeOf(d.dtype);
    super({ name: 'Diagonal', inShape: d.shape, outShape: d.shape, inDtype: dt, outDtype: dt });
    this.d = Float64Array.from(toFloat64(d.dtype === dt ? d : fromFloat64(toFloat64(d), d.shape, dt)));
  }
  private mul(x: Tensor, conj: boolean): Tensor {
    const xs = toFloat64(x);
    const out = new Float64Array(xs.length);
    const d = this.d;
    const per = d.length;
    if (isComplex(this.inDtype)) {
      const sg = conj ? -1 : 1;
      for (let o = 0; o < xs.length; o += per)
        for (let i = 0; i < per; i += 2) {
          const ar = d[i]!;
          const ai = sg * d[i + 1]!;
          const xr = xs[o + i]!;
          const xi = xs[o + i + 1]!;
          out[o + i] = ar * xr - ai * xi;
          out[o + i + 1] = ar * xi + ai * xr;
        }
    } else {
      for (let o = 0; o < xs.length; o += per) for (let i = 0; i < per; i++) out[o + i] = d[i]! * xs[o + i]!;
    }
    return fromFloat64(out, x.shape, this.inDtype);
  }
  protected applyBatch(x: Tensor): Tensor {
    return this.mul(x, false);
  }
  protected adjointBatch(y: Tensor): Tensor {
    return this.mul(y, true);
  }
}

/**
 * The diagonal operator x ↦ d ⊙ x on tensors of `d`'s shape (real or complex `d`).
 *
 * @example
 * ```ts
 * const D = operators.diagonal(tensor([1, 2, 3], { dtype: 'float64' }));
 * D.apply(tensor([1, 1, 1], { dtype: 'float64' })).toArray(); // [1, 2, 3]
 * ```
 */
export function diagonal(d: Tensor): DiagonalOperator {
  return new DiagonalOperator(d);
}
