/**
 * Gradients with respect to an operator's own parameters: the kernel of a conv2d operator and the matrix of a
 * matrix operator. ops-operators.ts uses these in the recorded `apply`, `adjoint` and conv2d `pinv`.
 *
 * The operators copy their parameter when built (so later writes cannot change them), which cuts the link to
 * a `variable`. {@link conv2dOperator} and {@link matrixOperator} build the operator and remember the tensor it
 * was built from; an operator with a `source` Tensor field is treated the same way.
 *
 * Every parameter gradient here is a sum of rank-1 terms a·bᴴ (a in the output space, b in the input space):
 * Re⟨a bᴴ, dA⟩ = Re⟨a, dA·b⟩, and for conv2d dA·b = conv2d(b; dW), so the kernel gradient is the conv2d weight
 * gradient with input b and output gradient a — taken from the recorded `nn.conv2d` rule on the padded b (a
 * 'valid' conv with the operator's stride, dilation and groups), so every padding mode is covered.
 * @module
 */
import { AdjointError } from '../errors.js';
import { LinearOperator } from '../operators/linear-operator.js';
import { Conv2dOperator, type Conv2dOperatorOptions } from '../operators/conv2d.js';
import { MatrixOperator, type MatrixOperatorOptions } from '../operators/matrix.js';
import type { ConvPinvOptions } from '../operators/conv2d-pinv.js';
import '../operators/conv2d-pinv.js';
import { pad2d as rawPad2d } from '../nn/index.js';
import { cast } from '../tensor/cast.js';
import { conj } from '../tensor/complex-ops.js';
import { allocStorage, isComplex } from '../tensor/dtype.js';
import { add, neg, sub } from '../tensor/elementwise.js';
import { matmul } from '../tensor/matmul.js';
import { conjTranspose, matrixTranspose, reshape } from '../tensor/views.js';
import { Tensor } from '../tensor/tensor.js';
import { gradients, variable } from './api.js';
import { conv2d as recordedConv2d } from './ops-nn.js';

/**
 * The raw (unrecorded) methods. This module is imported by ops-operators.ts before it replaces the prototype
 * methods, so these are the originals.
 * @internal
 * @example `raw.apply.call(A, x)`
 */
export const raw = {
  apply: LinearOperator.prototype.apply,
  adjoint: LinearOperator.prototype.adjoint,
  pinv: Conv2dOperator.prototype.pinv,
};

/** Largest outSize·inSize for which the pinv gradient materialises the pseudo-inverse. @example `A.outSize * A.inSize <= PINV_GRAD_MAX_ENTRIES` */
export const PINV_GRAD_MAX_ENTRIES = 2 ** 22;

const sources = new WeakMap<LinearOperator, Tensor>();

/**
 * A conv2d operator whose kernel is `w` itself for autograd: when `w` requires grad (a `variable`),
 * `apply`, `adjoint` and `pinv` record gradients with respect to it.
 * @example
 * ```ts
 * const W = variable(randn([2, 1, 3, 3], { dtype: 'float64' }));
 * const A = conv2dOperator(W, { inShape: [1, 8, 8], padding: 1 });
 * gradients(() => A.apply(x).square().sum(), [W]);
 * ```
 */
export function conv2dOperator(w: Tensor, options: Conv2dOperatorOptions): Conv2dOperator {
  const op = new Conv2dOperator(w, options);
  sources.set(op, w);
  return op;
}

/**
 * A matrix operator whose matrix is `A` itself for autograd (see {@link conv2dOperator}).
 * @example `const M = matrixOperator(variable(randn([3, 2], { dtype: 'float64' })))`
 */
export function matrixOperator(A: Tensor, options: MatrixOperatorOptions = {}): MatrixOperator {
  const op = new MatrixOperator(A, options);
  sources.set(op, A);
  return op;
}

/**
 * The tensor an operator's parameter was built from, when gradients with respect to it are supported.
 * @internal
 * @example `operatorParameter(A)?.requiresGrad`
 */
export function operatorParameter(op: LinearOperator): Tensor | null {
  if (!(op instanceof Conv2dOperator) && !(op instanceof MatrixOperator)) return null;
  const s = sources.get(op);
  if (s !== undefined) return s;
  // An operator that keeps its source tensor as a public `source` field needs no registration.
  const f = (op as unknown as { source?: unknown }).source;
  return f instanceof Tensor ? f : null;
}

/** t as `[n, ...dims]` in dtype dt (n = the batch, 1 when t has exactly the shape `dims`). */
function batchOf(t: Tensor, dims: readonly number[], dt: Tensor['dtype']): Tensor {
  const c = t.dtype === dt ? t : cast(t, dt);
  const per = dims.reduce((p, d) => p * d, 1);
  return reshape(c.contiguous(), [c.numel / per, ...dims]);
}

/** Σ over the batch of the gradient of Re⟨a, A(W)·b⟩ with respect to the kernel W (shape and dtype of op.weight). */
function convWeightGrad(op: Conv2dOperator, b: Tensor, a: Tensor): Tensor {
  const dt = op.outDtype;
  const inSp = op.inShape.slice(-3);
  const outSp = op.outShape.slice(-3);
  const b4 = batchOf(b, inSp, dt);
  const a4 = batchOf(a, outSp, dt);
  const { left, right, top, bottom } = op.pads;
  const bp = left || right || top || bottom ? rawPad2d(b4, [left, right, top, bottom], op.paddingMode) : b4;
  const wv = variable(op.weight);
  const [gw] = gradients(() => recordedConv2d(bp, wv, { stride: op.stride, dilation: op.dilation, groups: op.groups }), [wv], { seed: a4 });
  return gw!;
}

/** Σ over the batch of a·bᴴ as a [rows, cols] matrix. */
function matrixOuter(op: MatrixOperator, b: Tensor, a: Tensor): Tensor {
  const dt = op.outDtype;
  const bf = batchOf(b, [op.cols], dt);
  const af = batchOf(a, [op.rows], dt);
  return matmul(matrixTranspose(af), isComplex(dt) ? conj(bf) : bf);
}

/** Gradient of Re⟨a, A·b⟩ with respect to op's parameter (summed over a batch). */
function rankOneGrad(op: LinearOperator, b: Tensor, a: Tensor): Tensor {
  if (op instanceof Conv2dOperator) return convWeightGrad(op, b, a);
  if (op instanceof MatrixOperator) return matrixOuter(op, b, a);
  throw new AdjointError(`${op.name}: gradients with respect to this operator's parameters are not supported`);
}

/**
 * Parameter gradient of y = A x: Ā = g xᴴ.
 * @internal
 * @example `applyParamGrad(A, x, g)`
 */
export function applyParamGrad(op: LinearOperator, x: Tensor, g: Tensor): Tensor {
  return rankOneGrad(op, x, g);
}

/**
 * Parameter gradient of x = Aᴴ y: Re⟨g, dAᴴ y⟩ = Re⟨y, dA g⟩, so Ā = y gᴴ.
 * @internal
 * @example `adjointParamGrad(A, y, g)`
 */
export function adjointParamGrad(op: LinearOperator, y: Tensor, g: Tensor): Tensor {
  return rankOneGrad(op, g, y);
}

/**
 * (A⁺)ᴴ g for the map `pinv(·, options)` applies, with g `[...inShape]` or `[batch, ...inShape]`.
 * @internal
 * @example `pinvAdjoint(A, g, undefined)`
 */
export function pinvAdjoint(op: Conv2dOperator, g: Tensor, options: ConvPinvOptions | undefined): Tensor {
  const m = op.outSize;
  const n = op.inSize;
  if (m * n > PINV_GRAD_MAX_ENTRIES) {
    throw new AdjointError(
      `${op.name}.pinv: the gradient materialises the ${n}×${m} pseudo-inverse, above the limit of 2^22 entries; not yet supported for operators this large`,
      'y',
    );
  }
  const dt = op.outDtype;
  const cplx = isComplex(dt);
  const units = allocStorage(dt, m * m) as Float64Array | Float32Array;
  for (let j = 0; j < m; j++) units[(j * m + j) * (cplx ? 2 : 1)] = 1;
  // Row j of X is A⁺ e_j (flattened), so X = (A⁺)ᵀ and (A⁺)ᴴ g = conj(X) g, i.e. the row g times Xᴴ.
  const X = reshape(raw.pinv.call(op, new Tensor(units, [m, ...op.outShape], dt), options).x, [m, n]);
  const batched = g.ndim === op.inShape.length + 1;
  const gc = g.dtype === dt ? g : cast(g, dt);
  const gFlat = reshape(gc.contiguous(), [batched ? g.shape[0]! : 1, n]);
  const w = matmul(gFlat, conjTranspose(X));
  return reshape(w, batched ? [g.shape[0]!, ...op.outShape] : [...op.outShape]);
}

/**
 * Kernel gradient of x = A⁺y at constant rank, for the incoming gradient g (x and g share a shape):
 * with r = y − A x, Ā = −(A⁺)ᴴg xᴴ + r (A⁺(A⁺)ᴴg)ᴴ + ((A⁺)ᴴx)((I − A⁺A)g)ᴴ — the three terms of Golub &
 * Pereyra's derivative of the pseudo-inverse, paired with g under Re⟨·,·⟩.
 * @internal
 * @example `pinvParamGrad(A, y, x, g, options)`
 */
export function pinvParamGrad(op: Conv2dOperator, y: Tensor, x: Tensor, g: Tensor, options: ConvPinvOptions | undefined): Tensor {
  if (options?.damp !== undefined && options.damp !== 0) {
    throw new AdjointError(`${op.name}.pinv: the gradient with respect to the kernel is not supported with damp (only for the undamped pseudo-inverse)`, 'damp');
  }
  const dt = op.outDtype;
  const yc = y.dtype === dt ? y : cast(y, dt);
  const gc = g.dtype === dt ? g : cast(g, dt);
  const pinvOf = (t: Tensor): Tensor => raw.pinv.call(op, t, options).x;
  const r = sub(yc, raw.apply.call(op, x));
  const u = pinvAdjoint(op, gc, options); // (A⁺)ᴴ g
  const p = pinvOf(u); // A⁺(A⁺)ᴴ g
  const q = sub(gc, pinvOf(raw.apply.call(op, gc))); // (I − A⁺A) g
  const v = pinvAdjoint(op, x, options); // (A⁺)ᴴ x
  return add(add(convWeightGrad(op, x, neg(u)), convWeightGrad(op, p, r)), convWeightGrad(op, q, v));
}
