/**
 * Elementwise ops with NumPy broadcasting and PyTorch type promotion: arithmetic, comparisons, logical ops,
 * `where`, `clamp` and unary math, as free functions and Tensor methods. Division lives in division.ts,
 * conj/real/imag/angle in complex-ops.ts; all share the dispatch helpers exported here.
 */
import { AdjointError, argError } from '../errors.js';
import { cast } from './cast.js';
import { getDefaultDtype } from './creation.js';
import { allocStorage, isComplex, promoteTypes, realDtypeOf, scalarsPer, type DType, type Storage } from './dtype.js';
import * as K from './kernels/elementwise.js';
import { broadcastShapes, broadcastStrides, contiguousStrides, numel } from './shape.js';
import { Tensor, type TensorLike } from './tensor.js';

// ---------------------------------------------------------------------------------------------
// Type promotion

const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2, complex64: 3, complex128: 3 };

/** Kind of a JS scalar: 0 bool, 1 integer-valued number, 2 other number (fractional, NaN, ±Inf). */
function scalarCategory(v: number | boolean): number {
  if (typeof v === 'boolean') return 0;
  return Number.isInteger(v) ? 1 : 2;
}

/**
 * The dtype an elementwise op on these arguments produces, with PyTorch's rules: tensors promote among
 * themselves by {@link promoteTypes}; JS scalars are "weak" and only matter when they are of a higher kind
 * (bool < integer < floating) than every tensor: then the result is int32 for an integer scalar and
 * {@link getDefaultDtype} for a fractional one. A JS number counts as an integer when `Number.isInteger` holds
 * (JS cannot tell `2` from `2.0`), so `int32 + 2` stays int32 and `int32 + 2.5` is float.
 *
 * @example
 * ```ts
 * resultType(zeros([2], { dtype: 'float32' }), 2.5); // 'float32'
 * resultType(arange(3), 2.5);                        // 'float32' (the default float dtype)
 * resultType(tensor([true]), 1);                    // 'int32'
 * ```
 */
export function resultType(...args: TensorLike[]): DType {
  let t: DType | undefined;
  let sc = -1;
  for (const a of args) {
    if (a instanceof Tensor) t = t === undefined ? a.dtype : promoteTypes(t, a.dtype);
    else sc = Math.max(sc, scalarCategory(a));
  }
  if (t !== undefined && sc <= CATEGORY[t]) return t;
  if (sc === 0) return 'bool';
  if (sc === 1) return 'int32';
  return getDefaultDtype();
}

/** @internal int32/bool → the default float dtype (as PyTorch's true division and float functions do); others unchanged. @example `toFloatDtype('int32') // 'float32'` */
export function toFloatDtype(dt: DType): DType {
  return dt === 'bool' || dt === 'int32' ? getDefaultDtype() : dt;
}

/** @internal Validates an op argument: a Tensor, a JS number (any, NaN included) or a boolean. @example `checkTensorLike('add', 'b', 2)` */
export function checkTensorLike(fn: string, name: string, v: unknown): TensorLike {
  if (v instanceof Tensor || typeof v === 'number' || typeof v === 'boolean') return v;
  throw argError(fn, name, 'a Tensor, number or boolean', v === null ? 'null' : typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : v);
}

/**
 * @internal The argument as a tensor ready for a kernel computing in `dt`: scalars become 0-d tensors of `dt`
 * (rounded to float32 first when `dt` is float32, as PyTorch casts them); real tensors become complex when `dt`
 * is complex; int32 tensors are rounded to float32 when `dt` is float32. Other widenings are exact and the
 * kernels read any typed array as numbers, so those tensors are used as they are.
 * @example `toOperand(2.5, 'float32') // 0-d float32 tensor`
 */
export function toOperand(v: TensorLike, dt: DType): Tensor {
  if (!(v instanceof Tensor)) {
    const s = allocStorage(dt, 1);
    s[0] = Number(v);
    return new Tensor(s, [], dt);
  }
  if (v.dtype === dt) return v;
  if (isComplex(dt) !== isComplex(v.dtype)) return cast(v, dt);
  if (dt === 'float32' && v.dtype === 'int32') return cast(v, dt);
  return v;
}

/** @internal Shape of a TensorLike (scalars are 0-d). @example `shapeOf(3) // []` */
export function shapeOf(v: TensorLike): readonly number[] {
  return v instanceof Tensor ? v.shape : [];
}

/** @internal Storage scalar strides of `t` read as broadcast to `shape`. */
function bstrides(t: Tensor, shape: readonly number[]): number[] {
  const sp = scalarsPer(t.dtype);
  return broadcastStrides(t.shape, t.strides, shape).map((s) => s * sp);
}

/** @internal A row kernel over two inputs; positions/strides are in storage scalars. @example `const row: BinaryRow = ROWS.fast('add');` */
export type BinaryRow = (len: number, out: Storage, po: number, so: number, a: Storage, pa: number, sa: number, b: Storage, pb: number, sb: number) => void;

/** @internal Allocates the output of `shape`/`dt` and runs `row` over (out, a, b) broadcast to `shape`. @example `runBinary([2], 'float64', a, b, ROWS.fast('add'))` */
export function runBinary(shape: readonly number[], outDt: DType, a: Tensor, b: Tensor, row: BinaryRow): Tensor {
  const out = allocStorage(outDt, numel(shape));
  const spo = scalarsPer(outDt);
  const os = contiguousStrides(shape).map((s) => s * spo);
  const as = bstrides(a, shape);
  const bs = bstrides(b, shape);
  const sa = a.storage;
  const sb = b.storage;
  K.forEachRow(shape, [os, as, bs], [0, a.offset * scalarsPer(a.dtype), b.offset * scalarsPer(b.dtype)], (len, pos, inner) =>
    row(len, out, pos[0]!, inner[0]!, sa, pos[1]!, inner[1]!, sb, pos[2]!, inner[2]!),
  );
  return new Tensor(out, shape, outDt);
}

/** @internal How a binary op picks its dtypes and kernels. @example `const ADD: BinaryImpl = { compute: (r) => r, real: () => ROWS.fast('add') };` */
export interface BinaryImpl {
  /** The dtype to compute in, from the promoted dtype `r`; throws for unsupported dtypes. */
  compute(r: DType, fn: string, names: readonly [string, string]): DType;
  /** The result dtype from the compute dtype (default: the same). */
  out?(c: DType): DType;
  /** Row kernel for a real compute dtype. */
  real(c: DType): BinaryRow;
  /** Row kernel for a complex compute dtype (inputs converted to it). */
  complex?: BinaryRow;
}

/** @internal Output shape of broadcasting the arguments, naming them in the error. @example `broadcastArgs('add', [x, 1], ['a', 'b'])` */
export function broadcastArgs(fn: string, args: readonly TensorLike[], names: readonly string[]): number[] {
  let shape: number[] = shapeOf(args[0]!).slice();
  for (let i = 1; i < args.length; i++) {
    // For a third argument the left "name" lists the ones already broadcast together.
    shape = broadcastShapes(shape, shapeOf(args[i]!), fn, [names.slice(0, i).join("', '"), names[i]!]);
  }
  return shape;
}

/**
 * @internal Applies a binary op with broadcasting and promotion: validates, promotes, converts operands and
 * dispatches to the row kernel.
 * @example `binaryOp('add', x, 1, ADD)`
 */
export function binaryOp(fn: string, a: unknown, b: unknown, impl: BinaryImpl, names: readonly [string, string] = ['a', 'b']): Tensor {
  const x = checkTensorLike(fn, names[0], a);
  const y = checkTensorLike(fn, names[1], b);
  const shape = broadcastArgs(fn, [x, y], names);
  if (!impl.complex && (isComplexArg(x) || isComplexArg(y))) noComplex(fn, names, [x, y]);
  const c = impl.compute(resultType(x, y), fn, names);
  const outDt = impl.out ? impl.out(c) : c;
  const ta = toOperand(x, c);
  const tb = toOperand(y, c);
  if (isComplex(c)) {
    if (!impl.complex) throw argError(fn, isComplexArg(x) ? names[0] : names[1], 'a real tensor (no complex support)', c);
    return runBinary(shape, outDt, ta, tb, impl.complex);
  }
  return runBinary(shape, outDt, ta, tb, impl.real(c));
}

function isComplexArg(v: TensorLike): boolean {
  return v instanceof Tensor && isComplex(v.dtype);
}

/** @internal Error for an op that does not take complex input, naming the complex argument. @example `noComplex('clamp', ['x'], [z])` */
export function noComplex(fn: string, names: readonly string[], args: readonly TensorLike[]): never {
  const i = args.findIndex(isComplexArg);
  throw argError(fn, names[Math.max(i, 0)]!, 'a real tensor (complex numbers are not supported here)', (args[Math.max(i, 0)] as Tensor).dtype);
}

// ---------------------------------------------------------------------------------------------
// Row kernels as closures (one call per row; the loops inside are tight)

const fast =
  (op: K.FastBinaryOp): BinaryRow =>
  (len, out, po, so, a, pa, sa, b, pb, sb) =>
    K.binaryRowFast(op, len, out, po, so, a, pa, sa, b, pb, sb);
const withFn =
  (f: (x: number, y: number) => number): BinaryRow =>
  (len, out, po, so, a, pa, sa, b, pb, sb) =>
    K.binaryRowFn(f, len, out, po, so, a, pa, sa, b, pb, sb);
const cplx =
  (op: 'add' | 'sub' | 'mul' | 'div' | 'pow'): BinaryRow =>
  (len, out, po, so, a, pa, sa, b, pb, sb) =>
    K.complexBinaryRow(op, len, out, po, so, a, pa, sa, b, pb, sb);
const cmp =
  (op: K.CompareOp): BinaryRow =>
  (len, out, po, so, a, pa, sa, b, pb, sb) =>
    K.compareRow(op, len, out, po, so, a, pa, sa, b, pb, sb);

/** @internal Row kernels shared with division.ts. @example `ROWS.cplx('div')` */
export const ROWS = { fast, withFn, cplx, cmp };

const same = (r: DType): DType => r;
const realOnly =
  (then: (r: DType) => DType = same) =>
  (r: DType, fn: string, names: readonly [string, string]): DType => {
    if (isComplex(r)) throw argError(fn, names[0], 'a real tensor (complex numbers are not supported here)', r);
    return then(r);
  };

// ---------------------------------------------------------------------------------------------
// Binary arithmetic

const ADD: BinaryImpl = { compute: same, real: (c) => fast(c === 'bool' ? 'or' : 'add'), complex: cplx('add') };
const SUB: BinaryImpl = {
  compute: (r, fn) => {
    if (r === 'bool') throw new AdjointError(`${fn}: subtracting two bool tensors is not supported; use logicalXor`, 'b');
    return r;
  },
  real: () => fast('sub'),
  complex: cplx('sub'),
};
const MUL: BinaryImpl = { compute: same, real: (c) => fast(c === 'bool' ? 'and' : c === 'int32' ? 'imul' : 'mul'), complex: cplx('mul') };

/**
 * Elementwise a + b with broadcasting. bool + bool is logical or (as in PyTorch); int32 wraps around.
 *
 * @example
 * ```ts
 * add(tensor([[1], [2]]), tensor([10, 20])).toArray(); // [[11, 21], [12, 22]]
 * add(tensor([1, 2]), 0.5).dtype;                      // 'float32'
 * ```
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('add', a, b, ADD);
}

/** Elementwise a − b with broadcasting (not defined for two bool tensors). @example `sub(tensor([3, 4]), 1).toArray() // [2, 3]` */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('sub', a, b, SUB);
}

/** Elementwise a·b with broadcasting. bool·bool is logical and; int32 wraps around. @example `mul(tensor([1, 2]), 3).toArray() // [3, 6]` */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('mul', a, b, MUL);
}

const POW: BinaryImpl = {
  compute: (r, fn) => {
    if (r === 'bool') throw argError(fn, 'a', 'a numeric tensor (pow of two bool tensors is not supported)', r);
    return r;
  },
  real: (c) => (c === 'int32' ? withFn(K.intPow) : withFn(K.cPow)),
  complex: cplx('pow'),
};

/**
 * Elementwise a ** b. Floats follow C `pow` (1 ** NaN = 1); int32 ** int32 stays int32 (wrapping) and a negative
 * integer exponent is an error, as in PyTorch; complex uses the principal branch (NumPy's `cpow` rules).
 *
 * @example
 * ```ts
 * pow(tensor([1, 2, 3]), 2).toArray();   // [1, 4, 9]
 * pow(arange(3), 0.5).dtype;             // 'float32'
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const x = checkTensorLike('pow', 'a', a);
  const y = checkTensorLike('pow', 'b', b);
  if (resultType(x, y) === 'int32') {
    const shape = broadcastArgs('pow', [x, y], ['a', 'b']);
    const e = toOperand(y, 'int32');
    const at = K.firstIndexWhere((v) => v < 0, e.storage, e.offset, shape, broadcastStrides(e.shape, e.strides, shape), 1);
    if (at >= 0) {
      throw new AdjointError(`pow: argument 'b' is a negative integer at index ${formatIndex(at, shape)}; integers to negative integer powers are not allowed (use a float tensor)`, 'b');
    }
  }
  return binaryOp('pow', x, y, POW);
}

const MAXIMUM: BinaryImpl = { compute: realOnly(), real: () => withFn(Math.max) };
const MINIMUM: BinaryImpl = { compute: realOnly(), real: () => withFn(Math.min) };
const ATAN2: BinaryImpl = { compute: realOnly(toFloatDtype), real: () => withFn(Math.atan2) };

/** Elementwise maximum; NaN propagates (like `torch.maximum`). Real only. @example `maximum(tensor([1, 5]), 3).toArray() // [3, 5]` */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('maximum', a, b, MAXIMUM);
}

/** Elementwise minimum; NaN propagates (like `torch.minimum`). Real only. @example `minimum(tensor([1, 5]), 3).toArray() // [1, 3]` */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('minimum', a, b, MINIMUM);
}

/** Elementwise atan2(a, b): the angle of the point (b, a), in (−π, π]. Real only. @example `atan2(1, tensor([0])).item() // π/2` */
export function atan2(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('atan2', a, b, ATAN2);
}

// ---------------------------------------------------------------------------------------------
// Comparisons and logical ops

const toBool = (): DType => 'bool';
const EQ: BinaryImpl = { compute: same, out: toBool, real: () => cmp('eq'), complex: (len, out, po, so, a, pa, sa, b, pb, sb) => K.complexEqRow(true, len, out, po, so, a, pa, sa, b, pb, sb) };
const NE: BinaryImpl = { compute: same, out: toBool, real: () => cmp('ne'), complex: (len, out, po, so, a, pa, sa, b, pb, sb) => K.complexEqRow(false, len, out, po, so, a, pa, sa, b, pb, sb) };
const ordered = (op: 'lt' | 'le' | 'gt' | 'ge'): BinaryImpl => ({ compute: same, out: toBool, real: () => cmp(op) });

function compare(fn: 'lt' | 'le' | 'gt' | 'ge', a: TensorLike, b: TensorLike): Tensor {
  const x = checkTensorLike(fn, 'a', a);
  const y = checkTensorLike(fn, 'b', b);
  if (isComplexArg(x)) throw argError(fn, 'a', 'a real tensor (complex numbers are not ordered)', (x as Tensor).dtype);
  if (isComplexArg(y)) throw argError(fn, 'b', 'a real tensor (complex numbers are not ordered)', (y as Tensor).dtype);
  return binaryOp(fn, x, y, ordered(fn));
}

/** Elementwise a == b as a bool tensor (complex: both parts equal). @example `eq(tensor([1, 2]), 2).toArray() // [false, true]` */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('eq', a, b, EQ);
}
/** Elementwise a != b as a bool tensor. @example `ne(tensor([1, 2]), 2).toArray() // [true, false]` */
export function ne(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp('ne', a, b, NE);
}
/** Elementwise a < b as a bool tensor; complex input is an error. @example `lt(tensor([1, 2]), 2).toArray() // [true, false]` */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return compare('lt', a, b);
}
/** Elementwise a <= b as a bool tensor; complex input is an error. @example `le(tensor([1, 2]), 2).toArray() // [true, true]` */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return compare('le', a, b);
}
/** Elementwise a > b as a bool tensor; complex input is an error. @example `gt(tensor([1, 2]), 1).toArray() // [false, true]` */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return compare('gt', a, b);
}
/** Elementwise a >= b as a bool tensor; complex input is an error. @example `ge(tensor([1, 2]), 2).toArray() // [false, true]` */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return compare('ge', a, b);
}

/** A tensor (or scalar) as truth values: nonzero (either part, for complex) is true; NaN is true. */
function truthy(fn: string, name: string, v: unknown): Tensor {
  const x = checkTensorLike(fn, name, v);
  if (!(x instanceof Tensor)) return toOperand(Number(x) !== 0, 'bool');
  return isComplex(x.dtype) ? cast(x, 'bool') : x;
}

function logical(fn: string, op: 'and' | 'or' | 'xor', a: unknown, b: unknown): Tensor {
  const x = truthy(fn, 'a', a);
  const y = truthy(fn, 'b', b);
  const shape = broadcastArgs(fn, [x, y], ['a', 'b']);
  return runBinary(shape, 'bool', x, y, op === 'xor' ? cmp('xor') : fast(op));
}

/** Elementwise logical and of "nonzero" (NaN counts as true), as a bool tensor. @example `logicalAnd(tensor([1, 0]), true).toArray() // [true, false]` */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor {
  return logical('logicalAnd', 'and', a, b);
}
/** Elementwise logical or of "nonzero", as a bool tensor. @example `logicalOr(tensor([1, 0]), false).toArray() // [true, false]` */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor {
  return logical('logicalOr', 'or', a, b);
}
/** Elementwise logical exclusive or of "nonzero", as a bool tensor. @example `logicalXor(tensor([1, 0]), true).toArray() // [false, true]` */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor {
  return logical('logicalXor', 'xor', a, b);
}
/** Elementwise logical not ("is zero"), as a bool tensor. @example `logicalNot(tensor([1, 0])).toArray() // [false, true]` */
export function logicalNot(a: TensorLike): Tensor {
  const x = truthy('logicalNot', 'a', a);
  return runBinary(x.shape, 'bool', x, toOperand(false, 'bool'), cmp('eq'));
}

// ---------------------------------------------------------------------------------------------
// where and clamp

/**
 * Picks `a` where `condition` is true (nonzero) and `b` elsewhere, broadcasting all three; the result dtype
 * promotes `a` and `b` (scalars weak, as in {@link resultType}).
 *
 * @example
 * ```ts
 * const x = tensor([-1, 2, -3]);
 * where(gt(x, 0), x, 0).toArray(); // [0, 2, 0]
 * ```
 */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const c = truthy('where', 'condition', condition);
  const x = checkTensorLike('where', 'a', a);
  const y = checkTensorLike('where', 'b', b);
  const shape = broadcastArgs('where', [c, x, y], ['condition', 'a', 'b']);
  const dt = resultType(x, y);
  const ta = toOperand(x, dt);
  const tb = toOperand(y, dt);
  const sp = scalarsPer(dt);
  const out = allocStorage(dt, numel(shape));
  const os = contiguousStrides(shape).map((s) => s * sp);
  K.forEachRow(shape, [os, bstrides(c, shape), bstrides(ta, shape), bstrides(tb, shape)], [0, c.offset, ta.offset * sp, tb.offset * sp], (len, pos, inner) =>
    K.whereRow(len, sp, out, pos[0]!, inner[0]!, c.storage, pos[1]!, inner[1]!, ta.storage, pos[2]!, inner[2]!, tb.storage, pos[3]!, inner[3]!),
  );
  return new Tensor(out, shape, dt);
}

/** Bounds for {@link clamp}; at least one must be given. @example `const o: ClampOptions = { min: 0 };` */
export interface ClampOptions {
  /** Lower bound (tensor or scalar, broadcast). */
  min?: TensorLike;
  /** Upper bound (tensor or scalar, broadcast). */
  max?: TensorLike;
}

/**
 * Limits `x` to [min, max] elementwise, like `torch.clamp`: `minimum(maximum(x, min), max)`, so NaN propagates
 * and min > max gives max. Real tensors only; the bounds broadcast and promote like any binary op.
 *
 * @example
 * ```ts
 * clamp(tensor([-2, 0.5, 3]), { min: 0, max: 1 }).toArray(); // [0, 0.5, 1]
 * ```
 */
export function clamp(x: TensorLike, options: ClampOptions): Tensor {
  const t = checkTensorLike('clamp', 'x', x);
  if (options === null || typeof options !== 'object') throw argError('clamp', 'options', 'an object { min?, max? }', options);
  const { min, max } = options;
  if (min === undefined && max === undefined) throw argError('clamp', 'options', 'an object with at least one of min and max', '{}');
  const args: TensorLike[] = [t];
  if (min !== undefined) args.push(checkTensorLike('clamp', 'min', min));
  if (max !== undefined) args.push(checkTensorLike('clamp', 'max', max));
  if (args.some(isComplexArg)) noComplex('clamp', ['x', ...(min !== undefined ? ['min'] : []), ...(max !== undefined ? ['max'] : [])], args);
  // Broadcast and promote all three together (so a fractional max on an int tensor gives float, as in PyTorch).
  broadcastArgs('clamp', args, ['x', ...(min !== undefined ? ['min'] : []), ...(max !== undefined ? ['max'] : [])]);
  const dt = resultType(...args);
  let r: Tensor = toOperand(t, dt);
  if (min !== undefined) r = binaryOp('clamp', r, toOperand(min, dt), MAXIMUM, ['x', 'min']);
  if (max !== undefined) r = binaryOp('clamp', r, toOperand(max, dt), MINIMUM, ['x', 'max']);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Unary ops

/** @internal How a unary op picks dtypes and kernels. @example `const EXP: UnaryImpl = { compute: toFloatDtype, real: Math.exp };` */
export interface UnaryImpl {
  /** Compute dtype from the input dtype (throws for unsupported). */
  compute(dt: DType, fn: string): DType;
  /** Result dtype from the compute dtype (default: the same). */
  out?(c: DType): DType;
  /** Real kernel (for real compute dtypes); may depend on the dtype. */
  real?: ((x: number) => number) | ((c: DType) => (x: number) => number);
  /** True when `real` is a factory taking the compute dtype. */
  realByDtype?: boolean;
  /** Complex → complex kernel. */
  complex?: K.ComplexFn;
  /** Complex → real (or bool) kernel. */
  complexToReal?: (re: number, im: number) => number;
}

/** @internal Applies a unary op elementwise (strided input allowed, contiguous output). @example `unaryOp('exp', x, EXP)` */
export function unaryOp(fn: string, x: unknown, impl: UnaryImpl, name = 'x'): Tensor {
  const v = checkTensorLike(fn, name, x);
  const inDt = resultType(v);
  const c = impl.compute(inDt, fn);
  const t = toOperand(v, c);
  const outDt = impl.out ? impl.out(c) : c;
  const shape = t.shape;
  const out = allocStorage(outDt, numel(shape));
  const spo = scalarsPer(outDt);
  const spi = scalarsPer(c);
  const os = contiguousStrides(shape).map((s) => s * spo);
  const is = t.strides.map((s) => s * spi);
  const src = t.storage;
  if (isComplex(c)) {
    if (isComplex(outDt)) {
      const f = impl.complex;
      if (!f) throw argError(fn, name, 'a real tensor (no complex support)', c);
      K.forEachRow(shape, [os, is], [0, t.offset * 2], (len, pos, inner) => K.complexUnaryRow(f, len, out, pos[0]!, inner[0]!, src, pos[1]!, inner[1]!));
    } else {
      const f = impl.complexToReal;
      if (!f) throw argError(fn, name, 'a real tensor (no complex support)', c);
      K.forEachRow(shape, [os, is], [0, t.offset * 2], (len, pos, inner) => K.complexToRealRow(f, len, out, pos[0]!, inner[0]!, src, pos[1]!, inner[1]!));
    }
  } else {
    const r = impl.real;
    if (!r) throw argError(fn, name, 'a complex tensor', c);
    const f = impl.realByDtype ? (r as (c: DType) => (x: number) => number)(c) : (r as (x: number) => number);
    K.forEachRow(shape, [os, is], [0, t.offset], (len, pos, inner) => K.unaryRow(f, len, out, pos[0]!, inner[0]!, src, pos[1]!, inner[1]!));
  }
  return new Tensor(out, shape, outDt);
}

const floatOp = (dt: DType): DType => toFloatDtype(dt);
const noBool =
  (what: string) =>
  (dt: DType, fn: string): DType => {
    if (dt === 'bool') throw argError(fn, 'x', `a numeric tensor (${what} is not defined for bool)`, dt);
    return dt;
  };
const realNoBool =
  (what: string) =>
  (dt: DType, fn: string): DType => {
    if (isComplex(dt)) throw argError(fn, 'x', 'a real tensor (complex numbers are not supported here)', dt);
    return noBool(what)(dt, fn);
  };
const realSame = (dt: DType, fn: string): DType => {
  if (isComplex(dt)) throw argError(fn, 'x', 'a real tensor (complex numbers are not supported here)', dt);
  return dt;
};

const U = {
  neg: { compute: noBool('negation'), real: (x: number) => -x, complex: K.cneg },
  exp: { compute: floatOp, real: Math.exp, complex: K.cexp },
  log: { compute: floatOp, real: Math.log, complex: K.clog },
  log1p: { compute: floatOp, real: Math.log1p, complex: K.clog1p },
  expm1: { compute: floatOp, real: Math.expm1, complex: K.cexpm1 },
  sqrt: { compute: floatOp, real: Math.sqrt, complex: K.csqrt },
  abs: { compute: noBool('abs'), out: realDtypeOf, real: Math.abs, complexToReal: K.cabs },
  sign: { compute: (dt: DType) => dt, real: (x: number) => (x > 0 ? 1 : x < 0 ? -1 : x), complex: K.csign },
  sin: { compute: floatOp, real: Math.sin, complex: K.csin },
  cos: { compute: floatOp, real: Math.cos, complex: K.ccos },
  tan: { compute: floatOp, real: Math.tan, complex: K.ctan },
  tanh: { compute: floatOp, real: Math.tanh, complex: K.ctanh },
  sigmoid: { compute: floatOp, real: K.sigmoidReal, complex: K.csigmoid },
  relu: { compute: realNoBool('relu'), real: (x: number) => (x > 0 ? x : x !== x ? x : 0) },
  square: {
    compute: (dt: DType) => (dt === 'bool' ? 'int32' : dt),
    realByDtype: true,
    real: (c: DType) => (c === 'int32' ? (x: number) => Math.imul(x, x) : (x: number) => x * x),
    complex: K.csquare,
  },
  reciprocal: { compute: floatOp, real: (x: number) => 1 / x, complex: K.creciprocal },
  floor: { compute: realSame, real: Math.floor },
  ceil: { compute: realSame, real: Math.ceil },
  round: { compute: realSame, real: K.roundHalfEven },
  trunc: { compute: realSame, real: Math.trunc },
  isnan: { compute: (dt: DType) => dt, out: toBool, real: (x: number) => (x !== x ? 1 : 0), complexToReal: (re: number, im: number) => (re !== re || im !== im ? 1 : 0) },
  isfinite: {
    compute: (dt: DType) => dt,
    out: toBool,
    real: (x: number) => (Number.isFinite(x) ? 1 : 0),
    complexToReal: (re: number, im: number) => (Number.isFinite(re) && Number.isFinite(im) ? 1 : 0),
  },
  isinf: {
    compute: (dt: DType) => dt,
    out: toBool,
    real: (x: number) => (x === Infinity || x === -Infinity ? 1 : 0),
    complexToReal: (re: number, im: number) => (re === Infinity || re === -Infinity || im === Infinity || im === -Infinity ? 1 : 0),
  },
} satisfies Record<string, UnaryImpl>;

/** Elementwise −x (int32 wraps; bool is an error, as in PyTorch). @example `neg(tensor([1, -2])).toArray() // [-1, 2]` */
export function neg(x: TensorLike): Tensor {
  return unaryOp('neg', x, U.neg);
}
/** Elementwise e^x; int/bool compute in the default float dtype. @example `exp(tensor([0])).toArray() // [1]` */
export function exp(x: TensorLike): Tensor {
  return unaryOp('exp', x, U.exp);
}
/** Natural log (principal branch for complex: log(−1+0i) = πi, log(−1−0i) = −πi). @example `log(tensor([1])).toArray() // [0]` */
export function log(x: TensorLike): Tensor {
  return unaryOp('log', x, U.log);
}
/** log(1 + x), accurate for small x. @example `log1p(tensor([0])).toArray() // [0]` */
export function log1p(x: TensorLike): Tensor {
  return unaryOp('log1p', x, U.log1p);
}
/** e^x − 1, accurate for small x. @example `expm1(tensor([0])).toArray() // [0]` */
export function expm1(x: TensorLike): Tensor {
  return unaryOp('expm1', x, U.expm1);
}
/** Square root; sqrt of a negative real is NaN (use a complex tensor for the principal complex root). @example `sqrt(tensor([4])).toArray() // [2]` */
export function sqrt(x: TensorLike): Tensor {
  return unaryOp('sqrt', x, U.sqrt);
}
/** |x|; for complex the modulus (overflow-safe hypot) in the real dtype. @example `abs(tensor([[3, 4]], { dtype: 'complex64' })).toArray() // [5]` */
export function abs(x: TensorLike): Tensor {
  return unaryOp('abs', x, U.abs);
}
/** Sign: −1, 0 or 1 (±0 and NaN kept); complex gives z/|z| (0 for 0), like `torch.sgn` and NumPy ≥ 2. @example `sign(tensor([-2, 0, 3])).toArray() // [-1, 0, 1]` */
export function sign(x: TensorLike): Tensor {
  return unaryOp('sign', x, U.sign);
}
/** Elementwise sine. @example `sin(tensor([0])).toArray() // [0]` */
export function sin(x: TensorLike): Tensor {
  return unaryOp('sin', x, U.sin);
}
/** Elementwise cosine. @example `cos(tensor([0])).toArray() // [1]` */
export function cos(x: TensorLike): Tensor {
  return unaryOp('cos', x, U.cos);
}
/** Elementwise tangent. @example `tan(tensor([0])).toArray() // [0]` */
export function tan(x: TensorLike): Tensor {
  return unaryOp('tan', x, U.tan);
}
/** Elementwise hyperbolic tangent. @example `tanh(tensor([0])).toArray() // [0]` */
export function tanh(x: TensorLike): Tensor {
  return unaryOp('tanh', x, U.tanh);
}
/** Logistic 1/(1 + e^−x) without overflow. @example `sigmoid(tensor([0])).toArray() // [0.5]` */
export function sigmoid(x: TensorLike): Tensor {
  return unaryOp('sigmoid', x, U.sigmoid);
}
/** max(x, 0) elementwise (NaN kept); real, non-bool only. @example `relu(tensor([-1, 2])).toArray() // [0, 2]` */
export function relu(x: TensorLike): Tensor {
  return unaryOp('relu', x, U.relu);
}
/** x² (bool → int32, int32 wraps). @example `square(tensor([-3])).toArray() // [9]` */
export function square(x: TensorLike): Tensor {
  return unaryOp('square', x, U.square);
}
/** 1/x (1/0 = Inf; int/bool compute in the default float dtype). @example `reciprocal(tensor([4])).toArray() // [0.25]` */
export function reciprocal(x: TensorLike): Tensor {
  return unaryOp('reciprocal', x, U.reciprocal);
}
/** Round toward −∞ (int/bool: a copy). Real only. @example `floor(tensor([-1.5])).toArray() // [-2]` */
export function floor(x: TensorLike): Tensor {
  return unaryOp('floor', x, U.floor);
}
/** Round toward +∞ (int/bool: a copy). Real only. @example `ceil(tensor([-1.5])).toArray() // [-1]` */
export function ceil(x: TensorLike): Tensor {
  return unaryOp('ceil', x, U.ceil);
}
/** Round half to even, like NumPy/PyTorch (`round(2.5) = 2`). Real only. @example `round(tensor([0.5, 1.5])).toArray() // [0, 2]` */
export function round(x: TensorLike): Tensor {
  return unaryOp('round', x, U.round);
}
/** Round toward zero (int/bool: a copy). Real only. @example `trunc(tensor([-1.5])).toArray() // [-1]` */
export function trunc(x: TensorLike): Tensor {
  return unaryOp('trunc', x, U.trunc);
}
/** True where x is NaN (complex: either part). @example `isnan(tensor([NaN, 1])).toArray() // [true, false]` */
export function isnan(x: TensorLike): Tensor {
  return unaryOp('isnan', x, U.isnan);
}
/** True where x is finite (complex: both parts). @example `isfinite(tensor([Infinity, 1])).toArray() // [false, true]` */
export function isfinite(x: TensorLike): Tensor {
  return unaryOp('isfinite', x, U.isfinite);
}
/** True where x is ±Inf (complex: either part). @example `isinf(tensor([-Infinity, NaN])).toArray() // [true, false]` */
export function isinf(x: TensorLike): Tensor {
  return unaryOp('isinf', x, U.isinf);
}

// ---------------------------------------------------------------------------------------------
// Index formatting for error messages

/** @internal Formats a flat C-order index into `shape` as "[i, j, …]". @example `formatIndex(7, [4, 2]) // "[3, 1]"` */
export function formatIndex(flat: number, shape: readonly number[]): string {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx[d] = flat % n;
    flat = Math.floor(flat / n);
  }
  return `[${idx.join(', ')}]`;
}

// ---------------------------------------------------------------------------------------------
// Tensor methods

declare module './tensor.js' {
  interface Tensor {
    /** Elementwise this + other. @example `x.add(1)` */
    add(other: TensorLike): Tensor;
    /** Elementwise this − other. @example `x.sub(y)` */
    sub(other: TensorLike): Tensor;
    /** Elementwise this · other. @example `x.mul(2)` */
    mul(other: TensorLike): Tensor;
    /** Elementwise this ** exponent. @example `x.pow(2)` */
    pow(exponent: TensorLike): Tensor;
    /** Elementwise maximum with other. @example `x.maximum(0)` */
    maximum(other: TensorLike): Tensor;
    /** Elementwise minimum with other. @example `x.minimum(0)` */
    minimum(other: TensorLike): Tensor;
    /** Elementwise atan2(this, other). @example `y.atan2(x)` */
    atan2(other: TensorLike): Tensor;
    /** Elementwise ==. @example `x.eq(0)` */
    eq(other: TensorLike): Tensor;
    /** Elementwise !=. @example `x.ne(0)` */
    ne(other: TensorLike): Tensor;
    /** Elementwise <. @example `x.lt(0)` */
    lt(other: TensorLike): Tensor;
    /** Elementwise <=. @example `x.le(0)` */
    le(other: TensorLike): Tensor;
    /** Elementwise >. @example `x.gt(0)` */
    gt(other: TensorLike): Tensor;
    /** Elementwise >=. @example `x.ge(0)` */
    ge(other: TensorLike): Tensor;
    /** Elementwise logical and. @example `m.logicalAnd(n)` */
    logicalAnd(other: TensorLike): Tensor;
    /** Elementwise logical or. @example `m.logicalOr(n)` */
    logicalOr(other: TensorLike): Tensor;
    /** Elementwise logical xor. @example `m.logicalXor(n)` */
    logicalXor(other: TensorLike): Tensor;
    /** Elementwise logical not. @example `m.logicalNot()` */
    logicalNot(): Tensor;
    /** `where(condition, this, other)`, PyTorch's `Tensor.where`. @example `x.where(x.gt(0), 0)` */
    where(condition: TensorLike, other: TensorLike): Tensor;
    /** Limits to [min, max]. @example `x.clamp({ min: 0 })` */
    clamp(options: ClampOptions): Tensor;
    /** Elementwise −this. @example `x.neg()` */
    neg(): Tensor;
    /** Elementwise e^this. @example `x.exp()` */
    exp(): Tensor;
    /** Elementwise natural log. @example `x.log()` */
    log(): Tensor;
    /** Elementwise log(1 + this). @example `x.log1p()` */
    log1p(): Tensor;
    /** Elementwise e^this − 1. @example `x.expm1()` */
    expm1(): Tensor;
    /** Elementwise square root. @example `x.sqrt()` */
    sqrt(): Tensor;
    /** Elementwise |this| (complex modulus in the real dtype). @example `z.abs()` */
    abs(): Tensor;
    /** Elementwise sign (z/|z| for complex). @example `x.sign()` */
    sign(): Tensor;
    /** Elementwise sine. @example `x.sin()` */
    sin(): Tensor;
    /** Elementwise cosine. @example `x.cos()` */
    cos(): Tensor;
    /** Elementwise tangent. @example `x.tan()` */
    tan(): Tensor;
    /** Elementwise tanh. @example `x.tanh()` */
    tanh(): Tensor;
    /** Elementwise logistic function. @example `x.sigmoid()` */
    sigmoid(): Tensor;
    /** Elementwise max(this, 0). @example `x.relu()` */
    relu(): Tensor;
    /** Elementwise this². @example `x.square()` */
    square(): Tensor;
    /** Elementwise 1/this. @example `x.reciprocal()` */
    reciprocal(): Tensor;
    /** Elementwise floor. @example `x.floor()` */
    floor(): Tensor;
    /** Elementwise ceil. @example `x.ceil()` */
    ceil(): Tensor;
    /** Elementwise round half to even. @example `x.round()` */
    round(): Tensor;
    /** Elementwise truncation toward zero. @example `x.trunc()` */
    trunc(): Tensor;
    /** Elementwise NaN test. @example `x.isnan()` */
    isnan(): Tensor;
    /** Elementwise finiteness test. @example `x.isfinite()` */
    isfinite(): Tensor;
    /** Elementwise infinity test. @example `x.isinf()` */
    isinf(): Tensor;
  }
}

const P = Tensor.prototype;
P.add = function (this: Tensor, o: TensorLike) { return add(this, o); };
P.sub = function (this: Tensor, o: TensorLike) { return sub(this, o); };
P.mul = function (this: Tensor, o: TensorLike) { return mul(this, o); };
P.pow = function (this: Tensor, o: TensorLike) { return pow(this, o); };
P.maximum = function (this: Tensor, o: TensorLike) { return maximum(this, o); };
P.minimum = function (this: Tensor, o: TensorLike) { return minimum(this, o); };
P.atan2 = function (this: Tensor, o: TensorLike) { return atan2(this, o); };
P.eq = function (this: Tensor, o: TensorLike) { return eq(this, o); };
P.ne = function (this: Tensor, o: TensorLike) { return ne(this, o); };
P.lt = function (this: Tensor, o: TensorLike) { return lt(this, o); };
P.le = function (this: Tensor, o: TensorLike) { return le(this, o); };
P.gt = function (this: Tensor, o: TensorLike) { return gt(this, o); };
P.ge = function (this: Tensor, o: TensorLike) { return ge(this, o); };
P.logicalAnd = function (this: Tensor, o: TensorLike) { return logicalAnd(this, o); };
P.logicalOr = function (this: Tensor, o: TensorLike) { return logicalOr(this, o); };
P.logicalXor = function (this: Tensor, o: TensorLike) { return logicalXor(this, o); };
P.logicalNot = function (this: Tensor) { return logicalNot(this); };
P.where = function (this: Tensor, c: TensorLike, o: TensorLike) { return where(c, this, o); };
P.clamp = function (this: Tensor, options: ClampOptions) { return clamp(this, options); };
P.neg = function (this: Tensor) { return neg(this); };
P.exp = function (this: Tensor) { return exp(this); };
P.log = function (this: Tensor) { return log(this); };
P.log1p = function (this: Tensor) { return log1p(this); };
P.expm1 = function (this: Tensor) { return expm1(this); };
P.sqrt = function (this: Tensor) { return sqrt(this); };
P.abs = function (this: Tensor) { return abs(this); };
P.sign = function (this: Tensor) { return sign(this); };
P.sin = function (this: Tensor) { return sin(this); };
P.cos = function (this: Tensor) { return cos(this); };
P.tan = function (this: Tensor) { return tan(this); };
P.tanh = function (this: Tensor) { return tanh(this); };
P.sigmoid = function (this: Tensor) { return sigmoid(this); };
P.relu = function (this: Tensor) { return relu(this); };
P.square = function (this: Tensor) { return square(this); };
P.reciprocal = function (this: Tensor) { return reciprocal(this); };
P.floor = function (this: Tensor) { return floor(this); };
P.ceil = function (this: Tensor) { return ceil(this); };
P.round = function (this: Tensor) { return round(this); };
P.trunc = function (this: Tensor) { return trunc(this); };
P.isnan = function (this: Tensor) { return isnan(this); };
P.isfinite = function (this: Tensor) { return isfinite(this); };
P.isinf = function (this: Tensor) { return isinf(this); };
