/**
 * Linear operators on the tape. Importing this module (the package index does, through public.ts) makes
 * `A.apply(x)`, `A.adjoint(y)` and the conv2d operator's `A.pinv(y)` record when their tensor argument
 * requires grad; otherwise they cost one flag check on top of the raw methods.
 *
 * Rules (PyTorch's convention; for a linear map M the gradient of its input is Mᴴ·g):
 * - apply: ∂x = Aᴴ g (`A.adjoint(g)`), adjoint: ∂y = A g. For real-input, complex-output operators (rFFT) the
 *   raw adjoint is already the one for the real inner product Re⟨·,·⟩, which is the right gradient.
 * - Conv2dOperator.pinv: x = A⁺y is linear in y (with or without `damp`), so ∂y = (A⁺)ᴴ g. The map the
 *   method applies is materialised by running it on the unit vectors of the output space (one batched call,
 *   reusing the kept factorisation), so the gradient is the exact adjoint of the map actually applied —
 *   exact for the direct methods ('fft', 'dense', exact), and the adjoint of the approximate map for Krylov.
 *   This costs outSize solves and outSize·inSize memory: allowed up to 2^22 entries, beyond that the backward
 *   pass throws. `info` is not recorded.
 * Not yet: gradients with respect to an operator's own parameters (a conv2d kernel, a matrix operator's
 * matrix); the operator is a constant on the tape. Use `nn.conv2d` / `matmul` to differentiate in those.
 * @module
 */
import { AdjointError } from '../errors.js';
import { LinearOperator } from '../operators/linear-operator.js';
import { Conv2dOperator } from '../operators/conv2d.js';
import type { ConvPinvOptions, ConvPinvResult } from '../operators/conv2d-pinv.js';
import '../operators/conv2d-pinv.js';
import { allocStorage, isComplex } from '../tensor/dtype.js';
import { matmul } from '../tensor/matmul.js';
import { conjTranspose, reshape } from '../tensor/views.js';
import { Tensor } from '../tensor/tensor.js';
import { fitGrad } from './grad-utils.js';
import { needsGrad } from './tape.js';
import { differentiable } from './wrap.js';

/** Largest outSize·inSize for which the pinv gradient materialises the pseudo-inverse. @example `A.outSize * A.inSize <= PINV_GRAD_MAX_ENTRIES` */
export const PINV_GRAD_MAX_ENTRIES = 2 ** 22;

const proto = LinearOperator.prototype;
const rawApply = proto.apply;
const rawAdjoint = proto.adjoint;
const rawPinv = Conv2dOperator.prototype.pinv;

proto.apply = function (this: LinearOperator, x: Tensor): Tensor {
  if (!needsGrad([x])) return rawApply.call(this, x);
  return differentiable(`${this.name}.apply`, [x], () => rawApply.call(this, x), (g) => [fitGrad(rawAdjoint.call(this, g), x)]);
};

proto.adjoint = function (this: LinearOperator, y: Tensor): Tensor {
  if (!needsGrad([y])) return rawAdjoint.call(this, y);
  return differentiable(`${this.name}.adjoint`, [y], () => rawAdjoint.call(this, y), (g) => [fitGrad(rawApply.call(this, g), y)]);
};

/** (A⁺)ᴴ g for the map `pinv(·, options)` applies, with g `[...inShape]` or `[batch, ...inShape]`. */
function pinvAdjoint(op: Conv2dOperator, g: Tensor, options: ConvPinvOptions | undefined): Tensor {
  const m = op.outSize;
  const n = op.inSize;
  if (m * n > PINV_GRAD_MAX_ENTRIES) {
    throw new AdjointError(
      `${op.name}.pinv: the gradient with respect to y materialises the ${n}×${m} pseudo-inverse, above the limit of 2^22 entries; not yet supported for operators this large`,
      'y',
    );
  }
  const dt = op.outDtype;
  const cplx = isComplex(dt);
  const units = allocStorage(dt, m * m) as Float64Array | Float32Array;
  for (let j = 0; j < m; j++) units[(j * m + j) * (cplx ? 2 : 1)] = 1;
  // Row j of X is A⁺ e_j (flattened), so X = (A⁺)ᵀ and (A⁺)ᴴ g = conj(X) g, i.e. the row g times Xᴴ.
  const X = reshape(rawPinv.call(op, new Tensor(units, [m, ...op.outShape], dt), options).x, [m, n]);
  const batched = g.ndim === op.inShape.length + 1;
  const gFlat = reshape(g.contiguous(), [batched ? g.shape[0]! : 1, n]);
  const w = matmul(gFlat, conjTranspose(X));
  return reshape(w, batched ? [g.shape[0]!, ...op.outShape] : [...op.outShape]);
}

Conv2dOperator.prototype.pinv = function (this: Conv2dOperator, y: Tensor, options?: ConvPinvOptions): ConvPinvResult {
  if (!needsGrad([y])) return rawPinv.call(this, y, options);
  let info: ConvPinvResult['info'] | undefined;
  const x = differentiable(`${this.name}.pinv`, [y], () => {
    const r = rawPinv.call(this, y, options);
    info = r.info;
    return r.x;
  }, (g) => [fitGrad(pinvAdjoint(this, g, options), y)]);
  return { x, info: info! };
};
