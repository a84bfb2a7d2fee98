/**
 * Affine expressions over the real scalars of optimisation variables. An {@link Expression} is a lazy node: its
 * value is built at solve time (so that a {@link Parameter}'s current value is used) into an {@link AffineArray}:
 * for every element (C order), a real part and an imaginary part, each a sparse linear form in the real scalars of
 * the variables plus a constant. Realness is therefore structural: the trace of a Hermitian variable has an
 * identically zero imaginary part and is real.
 */
import { AdjointError } from '../errors.js';
import { isComplex } from '../tensor/dtype.js';
import { numel } from '../tensor/shape.js';
import { Tensor, type NestedArray } from '../tensor/tensor.js';

/** A sparse linear form Σ coef[id]·scalar[id] + c over the global real scalars of the variables. */
export interface Affine {
  coef: Map<number, number>;
  c: number;
}

/** The built form of an expression: shape and per-element real/imaginary affine parts (`im` null when real). */
export interface AffineArray {
  shape: readonly number[];
  re: Affine[];
  im: Affine[] | null;
}

/** Per-solve state while expressions are built. */
export interface BuildContext {
  cache: Map<Expression, AffineArray>;
  /** Every variable met (filled by variables' builders). */
  variables: Set<Expression>;
}

/** Values accepted wherever an expression is: expressions, numbers, `[re, im]` pairs, tensors, arrays. */
export type ExprLike = Expression | number | readonly [number, number] | Tensor | Float64Array | NestedArray;

/**
 * @internal
 *
 * @example
 * ```ts
 * affConst(2); // the constant 2
 * ```
 */
export function affConst(c: number): Affine {
  return { coef: new Map(), c };
}

/**
 * @internal target += s·src
 *
 * @example
 * ```ts
 * affAddTo(acc, term, 0.5);
 * ```
 */
export function affAddTo(target: Affine, src: Affine, s = 1): void {
  if (s === 0) return;
  target.c += s * src.c;
  for (const [k, v] of src.coef) {
    const nv = (target.coef.get(k) ?? 0) + s * v;
    if (nv === 0) target.coef.delete(k);
    else target.coef.set(k, nv);
  }
}

/**
 * @internal s·a
 *
 * @example
 * ```ts
 * affScale(a, -1);
 * ```
 */
export function affScale(a: Affine, s: number): Affine {
  const out = affConst(0);
  affAddTo(out, a, s);
  return out;
}

/**
 * @internal true when the form is identically zero up to `tol` relative to `scale`.
 *
 * @example
 * ```ts
 * affIsZero(affConst(0)); // true
 * ```
 */
export function affIsZero(a: Affine, tol = 0): boolean {
  if (Math.abs(a.c) > tol) return false;
  for (const v of a.coef.values()) if (Math.abs(v) > tol) return false;
  return true;
}

/**
 * @internal true when the array has no imaginary part (structurally, up to round-off).
 *
 * @example
 * ```ts
 * isRealArray(trace(F).build(newContext())); // true for a Hermitian F
 * ```
 */
export function isRealArray(a: AffineArray): boolean {
  if (!a.im) return true;
  let scale = 0;
  for (const r of a.re) {
    scale = Math.max(scale, Math.abs(r.c));
    for (const v of r.coef.values()) scale = Math.max(scale, Math.abs(v));
  }
  for (const r of a.im) {
    scale = Math.max(scale, Math.abs(r.c));
    for (const v of r.coef.values()) scale = Math.max(scale, Math.abs(v));
  }
  const tol = 1e-13 * Math.max(1, scale);
  return a.im.every((r) => affIsZero(r, tol));
}

/**
 * @internal Zero imaginary parts of the same length as `re`.
 *
 * @example
 * ```ts
 * zerosLikeAff(3).length; // 3
 * ```
 */
export function zerosLikeAff(n: number): Affine[] {
  return Array.from({ length: n }, () => affConst(0));
}

/**
 * @internal The imaginary parts, materialised as zeros when absent.
 *
 * @example
 * ```ts
 * imOf(x.build(ctx));
 * ```
 */
export function imOf(a: AffineArray): Affine[] {
  return a.im ?? zerosLikeAff(a.re.length);
}

/**
 * @internal Evaluates an affine form at scalar values.
 *
 * @example
 * ```ts
 * affEval(affConst(3), new Float64Array(0)); // 3
 * ```
 */
export function affEval(a: Affine, values: Float64Array): number {
  let s = a.c;
  for (const [k, v] of a.coef) s += v * values[k]!;
  return s;
}

/**
 * A (lazy) affine expression with a fixed shape. Build expressions with the atoms (`add`, `matmul`, `trace`, …)
 * or their method forms, and compare them with `eq`, `le`, `ge` or `psd` to make constraints.
 *
 * @example
 * ```ts
 * const X = new Variable([2, 2], { symmetric: true });
 * const e = trace(X).add(1); // a real scalar expression
 * ```
 */
export class Expression {
  /** Shape of the expression. */
  readonly shape: readonly number[];
  /** A short description used in error messages. */
  readonly label: string;
  /** True when the expression involves no variable (constants and parameters only). */
  readonly isConstant: boolean;
  /** @internal */
  readonly builder: (ctx: BuildContext, self: Expression) => AffineArray;

  /** @internal Use the atoms, {@link Variable}, {@link Parameter} or {@link constant}. */
  constructor(shape: readonly number[], label: string, isConstant: boolean, builder: (ctx: BuildContext, self: Expression) => AffineArray) {
    this.shape = Object.freeze(shape.slice());
    this.label = label;
    this.isConstant = isConstant;
    this.builder = builder;
  }

  /** Number of elements. @example `new Variable([2, 3]).size // 6` */
  get size(): number {
    return numel(this.shape);
  }

  /** @internal Builds (and caches) the affine form in `ctx`. */
  build(ctx: BuildContext): AffineArray {
    let a = ctx.cache.get(this);
    if (!a) {
      a = this.builder(ctx, this);
      ctx.cache.set(this, a);
    }
    return a;
  }
}

/**
 * @internal A fresh build context.
 *
 * @example
 * ```ts
 * const ctx = newContext(); x.build(ctx);
 * ```
 */
export function newContext(): BuildContext {
  return { cache: new Map(), variables: new Set() };
}

/** Reads a constant (tensor, typed array, nested array, number) into shape + re/im arrays. */
function readConstant(v: Exclude<ExprLike, Expression>, fn: string, arg: string): { shape: number[]; re: Float64Array; im: Float64Array | null } {
  if (typeof v === 'number') return { shape: [], re: Float64Array.of(v), im: null };
  if (v instanceof Tensor) {
    const n = v.numel;
    const d = v.data;
    if (isComplex(v.dtype)) {
      const re = new Float64Array(n), im = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        re[i] = Number(d[2 * i]);
        im[i] = Number(d[2 * i + 1]);
      }
      return { shape: [...v.shape], re, im };
    }
    return { shape: [...v.shape], re: Float64Array.from(d as ArrayLike<number>, Number), im: null };
  }
  if (v instanceof Float64Array) return { shape: [v.length], re: v.slice(), im: null };
  // nested arrays of numbers
  const shape: number[] = [];
  let cur: unknown = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  const flat: number[] = [];
  const walk = (x: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof x !== 'number') throw new AdjointError(`${fn}: argument '${arg}' must be numbers, tensors or expressions, got ${String(x)}`, arg);
      flat.push(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) throw new AdjointError(`${fn}: argument '${arg}' is a ragged nested array`, arg);
    for (const e of x) walk(e, depth + 1);
  };
  walk(v, 0);
  return { shape, re: Float64Array.from(flat), im: null };
}

/**
 * A constant expression from a number, a tensor (real or complex), a Float64Array or nested arrays of numbers.
 *
 * @example
 * ```ts
 * const C = constant(tensor([[1, 2], [3, 4]]));
 * ```
 */
export function constant(v: Exclude<ExprLike, Expression>, fn = 'constant', arg = 'value'): Expression {
  const { shape, re, im } = readConstant(v, fn, arg);
  const label = shape.length === 0 ? (im ? `${re[0]}${im[0]! >= 0 ? '+' : ''}${im[0]}i` : String(re[0])) : `constant[${shape.join('×')}]`;
  return new Expression(shape, label, true, () => ({
    shape,
    re: Array.from(re, (x) => affConst(x)),
    im: im ? Array.from(im, (x) => affConst(x)) : null,
  }));
}

/**
 * @internal A complex scalar constant.
 *
 * @example
 * ```ts
 * complexConstant(0, 1); // i
 * ```
 */
export function complexConstant(re: number, im: number): Expression {
  return new Expression([], `${re}${im >= 0 ? '+' : ''}${im}i`, true, () => ({ shape: [], re: [affConst(re)], im: [affConst(im)] }));
}

function isPair(v: unknown): v is readonly [number, number] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'number';
}

/**
 * Converts a value to an expression. A two-number array `[re, im]` is read as a complex scalar, as in
 * `sum(diag(F, k)).eq([re, im])` or `mul([0, 1], X)`, unless the other operand (`partner`) has shape [2], where it
 * is the real vector it looks like; other nested arrays are real tensors (pass complex arrays as tensors).
 *
 * @example
 * ```ts
 * toExpr(3).shape; // []
 * ```
 */
export function toExpr(v: ExprLike, fn = 'convex', arg = 'value', partner?: Expression): Expression {
  if (v instanceof Expression) return v;
  if (isPair(v) && !(partner && partner.shape.length === 1 && partner.shape[0] === 2)) return complexConstant(v[0], v[1]);
  return constant(v as Exclude<ExprLike, Expression>, fn, arg);
}
