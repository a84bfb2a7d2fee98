/**
 * Division with IEEE 754 semantics (like NumPy/PyTorch), an explicit policy for zero divisors, and the
 * floor-division family. Integer `div` is true division to float, as in PyTorch; `floorDivide` and
 * `remainder` keep ints, and an integer zero divisor there is an error (int32 has no Inf/NaN).
 */
import { AdjointError, argError } from '../errors.js';
import { isComplex, scalarsPer, type DType } from './dtype.js';
import { broadcastArgs, binaryOp, checkTensorLike, formatIndex, resultType, ROWS, runBinary, toFloatDtype, toOperand, type BinaryImpl } from './elementwise.js';
import * as K from './kernels/elementwise.js';
import { broadcastStrides, contiguousStrides } from './shape.js';
import { Tensor, type TensorLike } from './tensor.js';

/**
 * What {@link div} does where the divisor is zero:
 * - `'ieee'` (default): IEEE 754, as NumPy and PyTorch: x/0 = ±Inf, 0/0 = NaN (complex: see {@link div}).
 * - `'zero'`: the result is 0 wherever the divisor is 0 (OpenCV's old `cv::divide` behaviour).
 * - `'error'`: throw an {@link AdjointError} naming the first zero divisor's index in the broadcast result.
 *
 * @example
 * ```ts
 * div(a, b, { onZero: 'zero' });
 * ```
 */
export type OnZero = 'ieee' | 'zero' | 'error';

/** Options of {@link div}. @example `const o: DivOptions = { onZero: 'error' };` */
export interface DivOptions {
  /** Policy for zero divisors; default `'ieee'`. */
  onZero?: OnZero;
}

const ON_ZERO: readonly OnZero[] = ['ieee', 'zero', 'error'];
const isZero = (re: number, im: number): boolean => re === 0 && im === 0;

/** Flat index in the broadcast result of the first zero of `t` (already in its compute dtype), or -1. */
function firstZeroOf(t: Tensor, shape: readonly number[]): number {
  return K.firstIndexWhere(isZero, t.storage, t.offset, shape, broadcastStrides(t.shape, t.strides, shape), scalarsPer(t.dtype));
}

/**
 * True division a / b with broadcasting. int32/bool operands divide in the default float dtype (PyTorch's rule);
 * floats follow IEEE 754 (x/0 = ±Inf, 0/0 = NaN, −0 counts as zero). Complex division uses Smith's algorithm
 * (no overflow for huge or tiny divisors); a complex zero divisor divides each part by +0 as NumPy does:
 * (1+0i)/0 = Inf+NaN·i, (1+1i)/0 = Inf+Inf·i, 0/0 = NaN+NaN·i. `onZero` changes what zero divisors give.
 *
 * @example
 * ```ts
 * div(tensor([1, 0, -1]), 0).toArray();                       // [Infinity, NaN, -Infinity]
 * div(tensor([1, 0, -1]), 0, { onZero: 'zero' }).toArray();   // [0, 0, 0]
 * div(tensor([1, 2]), tensor([1, 0]), { onZero: 'error' });   // throws: div: argument 'b' is zero at index [1]
 * ```
 */
export function div(a: TensorLike, b: TensorLike, options: DivOptions = {}): Tensor {
  if (options === null || typeof options !== 'object') throw argError('div', 'options', "an object { onZero?: 'ieee' | 'zero' | 'error' }", options);
  const mode = options.onZero ?? 'ieee';
  if (!ON_ZERO.includes(mode)) throw argError('div', 'onZero', "one of 'ieee', 'zero', 'error'", mode);
  const x = checkTensorLike('div', 'a', a);
  const y = checkTensorLike('div', 'b', b);
  const shape = broadcastArgs('div', [x, y], ['a', 'b']);
  const r = resultType(x, y);
  const c: DType = isComplex(r) ? r : toFloatDtype(r);
  const ta = toOperand(x, c);
  const tb = toOperand(y, c);
  const at = mode === 'ieee' ? -1 : firstZeroOf(tb, shape);
  if (mode === 'error' && at >= 0) {
    throw new AdjointError(`div: argument 'b' is zero at index ${formatIndex(at, shape)} (onZero: 'error')`, 'b');
  }
  const out = runBinary(shape, c, ta, tb, isComplex(c) ? ROWS.cplx('div') : ROWS.fast('div'));
  if (at >= 0) {
    // onZero: 'zero': overwrite the results whose divisor is zero.
    const sp = scalarsPer(c);
    const os = contiguousStrides(shape).map((s) => s * sp);
    const bs = broadcastStrides(tb.shape, tb.strides, shape).map((s) => s * sp);
    const o = out.storage;
    K.forEachRow(shape, [os, bs], [0, tb.offset * sp], (len, pos, inner) => K.zeroWhereZeroRow(len, o, pos[0]!, inner[0]!, sp, tb.storage, pos[1]!, inner[1]!, sp));
  }
  return out;
}

/** Shared dtype rule of floorDivide/remainder: real only, bool not supported (as in PyTorch). */
function floorCompute(r: DType, fn: string, names: readonly [string, string]): DType {
  if (isComplex(r)) throw argError(fn, names[0], 'a real tensor (complex numbers are not supported here)', r);
  if (r === 'bool') throw argError(fn, names[0], 'a numeric tensor (not defined for two bool tensors)', r);
  return r;
}

function floorFamily(fn: 'floorDivide' | 'remainder', a: TensorLike, b: TensorLike, impl: BinaryImpl): Tensor {
  const x = checkTensorLike(fn, 'a', a);
  const y = checkTensorLike(fn, 'b', b);
  const shape = broadcastArgs(fn, [x, y], ['a', 'b']);
  if (resultType(x, y) === 'int32') {
    const at = firstZeroOf(toOperand(y, 'int32'), shape);
    if (at >= 0) {
      throw new AdjointError(
        `${fn}: argument 'b' is zero at index ${formatIndex(at, shape)}; integer division by zero is undefined (int32 has no Inf/NaN: cast to a float dtype for IEEE results)`,
        'b',
      );
    }
  }
  return binaryOp(fn, x, y, impl);
}

const FLOOR_DIVIDE: BinaryImpl = { compute: floorCompute, real: (c) => ROWS.withFn(c === 'int32' ? K.intFloorDivide : K.floatFloorDivide) };
const REMAINDER: BinaryImpl = { compute: floorCompute, real: (c) => ROWS.withFn(c === 'int32' ? K.intRemainder : K.floatRemainder) };

/**
 * Floor division ⌊a / b⌋ with broadcasting, like `torch.floor_divide`/`numpy.floor_divide`: ints stay int32
 * (an integer zero divisor throws, naming its index, since int32 has no Inf/NaN); floats follow NumPy's divmod
 * so that a = b·floorDivide(a, b) + remainder(a, b), and x // 0 is ±Inf or NaN. Real only.
 *
 * @example
 * ```ts
 * floorDivide(tensor([-7, 7], { dtype: 'int32' }), 2).toArray(); // [-4, 3]
 * ```
 */
export function floorDivide(a: TensorLike, b: TensorLike): Tensor {
  return floorFamily('floorDivide', a, b, FLOOR_DIVIDE);
}

/**
 * Python-style remainder with the sign of the divisor, like `torch.remainder`/`numpy.remainder`: ints stay int32
 * (an integer zero divisor throws, naming its index); for floats x % 0 is NaN. Real only.
 *
 * @example
 * ```ts
 * remainder(tensor([-7, 7], { dtype: 'int32' }), 3).toArray(); // [2, 1]
 * ```
 */
export function remainder(a: TensorLike, b: TensorLike): Tensor {
  return floorFamily('remainder', a, b, REMAINDER);
}

declare module './tensor.js' {
  interface Tensor {
    /** True division this / other (see {@link div} for zero divisors). @example `x.div(y, { onZero: 'zero' })` */
    div(other: TensorLike, options?: DivOptions): Tensor;
    /** Floor division. @example `x.floorDivide(2)` */
    floorDivide(other: TensorLike): Tensor;
    /** Remainder with the sign of the divisor. @example `x.remainder(2)` */
    remainder(other: TensorLike): Tensor;
  }
}
Tensor.prototype.div = function (this: Tensor, other: TensorLike, options?: DivOptions) {
  return div(this, other, options);
};
Tensor.prototype.floorDivide = function (this: Tensor, other: TensorLike) {
  return floorDivide(this, other);
};
Tensor.prototype.remainder = function (this: Tensor, other: TensorLike) {
  return remainder(this, other);
};
