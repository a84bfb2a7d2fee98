/**
 * Complex parts: conj, real, imag (views sharing storage), angle. abs of complex is in elementwise.ts.
 */
import { argError } from '../errors.js';
import { isComplex, realDtypeOf, type DType } from './dtype.js';
import { toFloatDtype, unaryOp } from './elementwise.js';
import * as K from './kernels/elementwise.js';
import { Tensor, type TensorLike } from './tensor.js';

function checkTensor(fn: string, name: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw argError(fn, name, 'a Tensor', t);
  return t;
}

/** A real-dtype view of the real (part 0) or imaginary (part 1) scalars of complex `t`. */
function partView(t: Tensor, part: 0 | 1): Tensor {
  return Tensor.fromStorage(t.storage, t.shape, realDtypeOf(t.dtype), t.strides.map((s) => 2 * s), 2 * t.offset + part);
}

/**
 * The real part. For a complex tensor it is a VIEW in the real dtype sharing storage (strides and offset
 * doubled), so writes through it change `t`, as in PyTorch; for a real tensor it is `t` itself.
 *
 * @example
 * ```ts
 * const z = tensor([[1, 2], [3, 4]], { dtype: 'complex128' });
 * real(z).toArray(); // [1, 3]
 * ```
 */
export function real(t: Tensor): Tensor {
  const x = checkTensor('real', 't', t);
  return isComplex(x.dtype) ? partView(x, 0) : x;
}

/**
 * The imaginary part of a complex tensor, as a VIEW in the real dtype sharing storage. A real tensor is an
 * error, as in PyTorch (NumPy would return zeros).
 *
 * @example
 * ```ts
 * imag(tensor([[1, 2], [3, 4]], { dtype: 'complex128' })).toArray(); // [2, 4]
 * ```
 */
export function imag(t: Tensor): Tensor {
  const x = checkTensor('imag', 't', t);
  if (!isComplex(x.dtype)) throw argError('imag', 't', 'a complex tensor (imag is not defined for real tensors, as in PyTorch)', x.dtype);
  return partView(x, 1);
}

/**
 * Complex conjugate (a new tensor). For real input it returns the argument itself (scalars become 0-d tensors).
 *
 * @example
 * ```ts
 * conj(tensor([[1, 2]], { dtype: 'complex64' })).toArray(); // [[1, -2]]
 * ```
 */
export function conj(t: TensorLike): Tensor {
  if (t instanceof Tensor && !isComplex(t.dtype)) return t;
  return unaryOp('conj', t, { compute: (dt: DType) => dt, complex: K.cconj, real: (x: number) => x }, 't');
}

/**
 * The argument (phase) in (−π, π], in the real dtype: atan2(im, re) for complex; for real input π where x < 0,
 * 0 elsewhere and NaN for NaN (PyTorch's `angle`); int/bool give the default float dtype.
 *
 * @example
 * ```ts
 * angle(tensor([[0, 1]], { dtype: 'complex128' })).toArray(); // [π/2]
 * ```
 */
export function angle(t: TensorLike): Tensor {
  return unaryOp(
    'angle',
    t,
    {
      compute: (dt: DType) => (isComplex(dt) ? dt : toFloatDtype(dt)),
      out: realDtypeOf,
      real: (x: number) => (x < 0 ? Math.PI : x !== x ? x : 0),
      complexToReal: (re: number, im: number) => Math.atan2(im, re),
    },
    't',
  );
}

declare module './tensor.js' {
  interface Tensor {
    /** Real part: a view for complex tensors, the tensor itself for real ones. @example `z.real` */
    readonly real: Tensor;
    /** Imaginary part of a complex tensor, as a view. @example `z.imag` */
    readonly imag: Tensor;
    /** Complex conjugate. @example `z.conj()` */
    conj(): Tensor;
    /** Phase angle. @example `z.angle()` */
    angle(): Tensor;
  }
}
Object.defineProperty(Tensor.prototype, 'real', {
  get(this: Tensor) {
    return real(this);
  },
  configurable: true,
});
Object.defineProperty(Tensor.prototype, 'imag', {
  get(this: Tensor) {
    return imag(this);
  },
  configurable: true,
});
Tensor.prototype.conj = function (this: Tensor) {
  return conj(this);
};
Tensor.prototype.angle = function (this: Tensor) {
  return angle(this);
};
