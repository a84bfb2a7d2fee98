/**
 * Linear operators on the tape. Importing this module (the package index does, through public.ts) makes
 * `A.apply(x)`, `A.adjoint(y)` and the conv2d operator's `A.pinv(y)` record when their tensor argument — or
 * the operator's own parameter, see below — requires grad; otherwise they cost a flag check on top of the raw
 * methods.
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
 * - The operator's parameter (ops-operator-params.ts): for an operator built by `conv2dOperator(W, …)` /
 *   `matrixOperator(M)` from a tensor that requires grad, apply records ∂A = g xᴴ, adjoint ∂A = y gᴴ (for conv2d
 *   mapped to the kernel: the conv2d weight gradient), and undamped pinv the constant-rank derivative of the
 *   pseudo-inverse (same materialised A⁺ and size limit as ∂y; with `damp` the backward pass throws).
 *   Composite operators (compose, sums, `.H`) do not pass the parameter gradient through.
 * @module
 */
import { Conv2dOperator } from '../operators/conv2d.js';
import type { ConvPinvOptions, ConvPinvResult } from '../operators/conv2d-pinv.js';
import { LinearOperator } from '../operators/linear-operator.js';
import { Tensor } from '../tensor/tensor.js';
import { fitGrad } from './grad-utils.js';
import { adjointParamGrad, applyParamGrad, operatorParameter, pinvAdjoint, pinvParamGrad, raw } from './ops-operator-params.js';
import { needsGrad } from './tape.js';
import { differentiable } from './wrap.js';

export { PINV_GRAD_MAX_ENTRIES, conv2dOperator, matrixOperator } from './ops-operator-params.js';

const proto = LinearOperator.prototype;
const rawApply = raw.apply;
const rawAdjoint = raw.adjoint;
const rawPinv = raw.pinv;

/** The parameter tensor if it requires grad, else null. */
const paramOf = (op: LinearOperator): Tensor | null => {
  const p = operatorParameter(op);
  return p !== null && p.requiresGrad ? p : null;
};

proto.apply = function (this: LinearOperator, x: Tensor): Tensor {
  const w = paramOf(this);
  if (!needsGrad([x, w])) return rawApply.call(this, x);
  return differentiable(`${this.name}.apply`, [x, w], () => rawApply.call(this, x), (g) => [
    x instanceof Tensor && x.requiresGrad ? fitGrad(rawAdjoint.call(this, g), x) : null,
    w !== null ? fitGrad(applyParamGrad(this, x, g), w) : null,
  ]);
};

proto.adjoint = function (this: LinearOperator, y: Tensor): Tensor {
  const w = paramOf(this);
  if (!needsGrad([y, w])) return rawAdjoint.call(this, y);
  return differentiable(`${this.name}.adjoint`, [y, w], () => rawAdjoint.call(this, y), (g) => [
    y instanceof Tensor && y.requiresGrad ? fitGrad(rawApply.call(this, g), y) : null,
    w !== null ? fitGrad(adjointParamGrad(this, y, g), w) : null,
  ]);
};

Conv2dOperator.prototype.pinv = function (this: Conv2dOperator, y: Tensor, options?: ConvPinvOptions): ConvPinvResult {
  const w = paramOf(this);
  if (!needsGrad([y, w])) return rawPinv.call(this, y, options);
  let info: ConvPinvResult['info'] | undefined;
  const x = differentiable(`${this.name}.pinv`, [y, w], () => {
    const r = rawPinv.call(this, y, options);
    info = r.info;
    return r.x;
  }, (g, out) => [
    y instanceof Tensor && y.requiresGrad ? fitGrad(pinvAdjoint(this, g, options), y) : null,
    w !== null ? fitGrad(pinvParamGrad(this, y, out, g, options), w) : null,
  ]);
  return { x, info: info! };
};
