/**
 * Affine atoms. Each atom is a free function and a method on {@link Expression}. An atom checks shapes when the
 * expression is made (errors name the operands) and builds its affine form at solve time.
 */
import { AdjointError, argError } from '../errors.js';
import { numel } from '../tensor/shape.js';
import {
  affAddTo,
  affConst,
  affScale,
  Expression,
  imOf,
  toExpr,
  type Affine,
  type AffineArray,
  type ExprLike,
} from './expression.js';

const fmtShape = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** Result shape of an elementwise binary atom: equal shapes, or one operand with a single element. */
function binaryShape(fn: string, a: Expression, b: Expression): readonly number[] {
  if (a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i])) return a.shape;
  if (b.size === 1) return a.shape;
  if (a.size === 1) return b.shape;
  throw new AdjointError(`${fn}: shapes of '${a.label}' ${fmtShape(a.shape)} and '${b.label}' ${fmtShape(b.shape)} do not match`, 'b');
}

const pick = (arr: Affine[], i: number): Affine => (arr.length === 1 ? arr[0]! : arr[i]!);

function linearCombo(fn: string, aIn: ExprLike, bIn: ExprLike, sb: number): Expression {
  const b0 = aIn instanceof Expression ? toExpr(bIn, fn, 'b', aIn) : toExpr(bIn, fn, 'b');
  const a = toExpr(aIn, fn, 'a', b0);
  const b = toExpr(bIn, fn, 'b', a);
  const shape = binaryShape(fn, a, b);
  const n = numel(shape);
  const label = `${a.label} ${sb > 0 ? '+' : '-'} ${b.label}`;
  return new Expression(shape, label, a.isConstant && b.isConstant, (ctx) => {
    const A = a.build(ctx), B = b.build(ctx);
    const re: Affine[] = [];
    for (let i = 0; i < n; i++) {
      const r = affConst(0);
      affAddTo(r, pick(A.re, i));
      affAddTo(r, pick(B.re, i), sb);
      re.push(r);
    }
    let im: Affine[] | null = null;
    if (A.im || B.im) {
      const ai = imOf(A), bi = imOf(B);
      im = [];
      for (let i = 0; i < n; i++) {
        const r = affConst(0);
        affAddTo(r, pick(ai, i));
        affAddTo(r, pick(bi, i), sb);
        im.push(r);
      }
    }
    return { shape, re, im };
  });
}

/**
 * a + b (elementwise; a single-element operand broadcasts).
 *
 * @example
 * ```ts
 * add(x, 1);
 * ```
 */
export function add(a: ExprLike, b: ExprLike): Expression {
  return linearCombo('add', a, b, 1);
}

/**
 * a − b (elementwise; a single-element operand broadcasts).
 *
 * @example
 * ```ts
 * sub(c0, trace(F));
 * ```
 */
export function sub(a: ExprLike, b: ExprLike): Expression {
  return linearCombo('sub', a, b, -1);
}

/**
 * −a.
 *
 * @example
 * ```ts
 * neg(x);
 * ```
 */
export function neg(a: ExprLike): Expression {
  return mul(-1, a);
}

/** Multiplies an affine array by constant (re, im) values elementwise (with single-element broadcast). */
function scaleArray(X: AffineArray, cre: number[], cim: number[] | null, shape: readonly number[]): AffineArray {
  const n = numel(shape);
  const re: Affine[] = [];
  const xi = X.im;
  const im: Affine[] | null = xi || cim ? [] : null;
  for (let i = 0; i < n; i++) {
    const a = cre.length === 1 ? cre[0]! : cre[i]!;
    const b = cim ? (cim.length === 1 ? cim[0]! : cim[i]!) : 0;
    const xr = pick(X.re, i);
    const r = affScale(xr, a);
    if (xi && b !== 0) affAddTo(r, pick(xi, i), -b);
    re.push(r);
    if (im) {
      const t = affScale(xr, b);
      if (xi) affAddTo(t, pick(xi, i), a);
      im.push(t);
    }
  }
  return { shape, re, im };
}

/** Reads the constant values of a constant expression. */
function constValues(e: AffineArray): { re: number[]; im: number[] | null } {
  return { re: e.re.map((r) => r.c), im: e.im ? e.im.map((r) => r.c) : null };
}

/**
 * Elementwise product where one operand is constant (a number, a `[re, im]` pair, a tensor or a parameter).
 *
 * @example
 * ```ts
 * mul(2, X); mul([0, 1], z); // 2X, i·z
 * ```
 */
export function mul(aIn: ExprLike, bIn: ExprLike): Expression {
  const b0 = aIn instanceof Expression ? toExpr(bIn, 'mul', 'b', aIn) : toExpr(bIn, 'mul', 'b');
  const a = toExpr(aIn, 'mul', 'a', b0);
  const b = toExpr(bIn, 'mul', 'b', a);
  if (!a.isConstant && !b.isConstant) {
    throw new AdjointError(`mul: the product of '${a.label}' and '${b.label}' is not affine (one operand must be constant)`, 'b');
  }
  const shape = binaryShape('mul', a, b);
  const [k, x] = a.isConstant ? [a, b] : [b, a];
  return new Expression(shape, `${a.label}·${b.label}`, a.isConstant && b.isConstant, (ctx) => {
    const cv = constValues(k.build(ctx));
    return scaleArray(x.build(ctx), cv.re, cv.im, shape);
  });
}

/**
 * Matrix product where one operand is constant: [n, k]·[k, m], [n, k]·[k] or [k]·[k, m].
 *
 * @example
 * ```ts
 * matmul(A, x); // A constant [3, 4], x variable [4]
 * ```
 */
export function matmul(aIn: ExprLike, bIn: ExprLike): Expression {
  const a = toExpr(aIn, 'matmul', 'a');
  const b = toExpr(bIn, 'matmul', 'b');
  if (!a.isConstant && !b.isConstant) {
    throw new AdjointError(`matmul: the product of '${a.label}' and '${b.label}' is not affine (one operand must be constant)`, 'b');
  }
  if (a.shape.length < 1 || a.shape.length > 2 || b.shape.length < 1 || b.shape.length > 2) {
    throw new AdjointError(`matmul: operands must be 1-D or 2-D, got '${a.label}' ${fmtShape(a.shape)} and '${b.label}' ${fmtShape(b.shape)}`, 'a');
  }
  const [n, k1] = a.shape.length === 2 ? [a.shape[0]!, a.shape[1]!] : [1, a.shape[0]!];
  const [k2, m] = b.shape.length === 2 ? [b.shape[0]!, b.shape[1]!] : [b.shape[0]!, 1];
  if (k1 !== k2) {
    throw new AdjointError(`matmul: inner dimensions of '${a.label}' ${fmtShape(a.shape)} and '${b.label}' ${fmtShape(b.shape)} differ`, 'b');
  }
  const shape: number[] = [];
  if (a.shape.length === 2) shape.push(n);
  if (b.shape.length === 2) shape.push(m);
  return new Expression(shape, `${a.label} @ ${b.label}`, a.isConstant && b.isConstant, (ctx) => {
    const A = a.build(ctx), B = b.build(ctx);
    const complexOut = !!(A.im || B.im);
    const re: Affine[] = [], im: Affine[] | null = complexOut ? [] : null;
    const Ai = A.im, Bi = B.im;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      const r = affConst(0), t = affConst(0);
      for (let k = 0; k < k1; k++) {
        const ea = i * k1 + k, eb = k * m + j;
        // (ar + i·ai)(br + i·bi) where exactly one factor is a constant: scale the other by its value
        const constA = a.isConstant;
        const [cr, ci, xr, xi] = constA
          ? [A.re[ea]!.c, Ai ? Ai[ea]!.c : 0, B.re[eb]!, Bi ? Bi[eb]! : null]
          : [B.re[eb]!.c, Bi ? Bi[eb]!.c : 0, A.re[ea]!, Ai ? Ai[ea]! : null];
        affAddTo(r, xr, cr);
        if (xi) affAddTo(r, xi, -ci);
        if (im) {
          affAddTo(t, xr, ci);
          if (xi) affAddTo(t, xi, cr);
        }
      }
      re.push(r);
      if (im) im.push(t);
    }
    return { shape, re, im };
  });
}

/** Gathers elements by flat (C-order) indices into a new shape. */
function gather(x: Expression, idx: readonly number[], shape: readonly number[], label: string): Expression {
  return new Expression(shape, label, x.isConstant, (ctx) => {
    const X = x.build(ctx);
    return { shape, re: idx.map((i) => X.re[i]!), im: X.im ? idx.map((i) => X.im![i]!) : null };
  });
}

/**
 * The element at a multi-index (negative indices count from the end).
 *
 * @example
 * ```ts
 * index(X, 0, 1); // X[0, 1]
 * ```
 */
export function index(xIn: ExprLike, ...idx: number[]): Expression {
  const x = toExpr(xIn, 'index', 'x');
  if (idx.length !== x.shape.length) throw argError('index', 'idx', `${x.shape.length} indices for '${x.label}' ${fmtShape(x.shape)}`, idx);
  let flat = 0;
  idx.forEach((v, d) => {
    const n = x.shape[d]!;
    const w = v < 0 ? v + n : v;
    if (!Number.isInteger(w) || w < 0 || w >= n) throw argError('index', 'idx', `in range for dimension ${d} of size ${n}`, idx);
    flat = flat * n + w;
  });
  return gather(x, [flat], [], `${x.label}[${idx.join(', ')}]`);
}

/**
 * The elements at a list of flat (C-order) indices, as a vector.
 *
 * @example
 * ```ts
 * take(X, [0, 3]); // diagonal of a 2×2 X
 * ```
 */
export function take(xIn: ExprLike, indices: readonly number[]): Expression {
  const x = toExpr(xIn, 'take', 'x');
  const n = x.size;
  for (const i of indices) if (!Number.isInteger(i) || i < 0 || i >= n) throw argError('take', 'indices', `integers in [0, ${n})`, indices);
  return gather(x, indices.slice(), [indices.length], `${x.label}[[…]]`);
}

/**
 * Reshapes (C order); one dimension may be −1.
 *
 * @example
 * ```ts
 * reshape(x, [2, -1]);
 * ```
 */
export function reshape(xIn: ExprLike, shape: readonly number[]): Expression {
  const x = toExpr(xIn, 'reshape', 'x');
  const neg1 = shape.filter((d) => d === -1).length;
  const known = shape.filter((d) => d !== -1).reduce((a, d) => a * d, 1);
  const out = shape.map((d) => (d === -1 ? x.size / known : d));
  if (neg1 > 1 || out.some((d) => !Number.isInteger(d) || d < 0) || numel(out) !== x.size) {
    throw argError('reshape', 'shape', `compatible with '${x.label}' ${fmtShape(x.shape)}`, shape);
  }
  return gather(x, Array.from({ length: x.size }, (_, i) => i), out, x.label);
}

/**
 * Flattens to a vector in C (row-major) order.
 *
 * @example
 * ```ts
 * vec(X); // shape [n*n]
 * ```
 */
export function vec(x: ExprLike): Expression {
  const e = toExpr(x, 'vec', 'x');
  return reshape(e, [e.size]);
}

function requireMatrix(fn: string, x: Expression, square = false): [number, number] {
  if (x.shape.length !== 2 || (square && x.shape[0] !== x.shape[1])) {
    throw argError(fn, 'x', square ? 'a square matrix' : 'a matrix', `'${x.label}' of shape ${fmtShape(x.shape)}`);
  }
  return [x.shape[0]!, x.shape[1]!];
}

/**
 * Transpose of a matrix (a vector is returned unchanged).
 *
 * @example
 * ```ts
 * T(A);
 * ```
 */
export function T(xIn: ExprLike): Expression {
  const x = toExpr(xIn, 'T', 'x');
  if (x.shape.length < 2) return x;
  const [r, c] = requireMatrix('T', x);
  const idx: number[] = [];
  for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) idx.push(i * c + j);
  return gather(x, idx, [c, r], `${x.label}ᵀ`);
}

/**
 * Complex conjugate.
 *
 * @example
 * ```ts
 * conj(z);
 * ```
 */
export function conj(xIn: ExprLike): Expression {
  const x = toExpr(xIn, 'conj', 'x');
  return new Expression(x.shape, `conj(${x.label})`, x.isConstant, (ctx) => {
    const X = x.build(ctx);
    return { shape: x.shape, re: X.re, im: X.im ? X.im.map((a) => affScale(a, -1)) : null };
  });
}

/**
 * Conjugate transpose.
 *
 * @example
 * ```ts
 * H(F); // Fᴴ
 * ```
 */
export function H(x: ExprLike): Expression {
  return conj(T(x));
}

/**
 * Real part.
 *
 * @example
 * ```ts
 * real(z);
 * ```
 */
export function real(xIn: ExprLike): Expression {
  const x = toExpr(xIn, 'real', 'x');
  return new Expression(x.shape, `real(${x.label})`, x.isConstant, (ctx) => ({ shape: x.shape, re: x.build(ctx).re, im: null }));
}

/**
 * Imaginary part.
 *
 * @example
 * ```ts
 * imag(z);
 * ```
 */
export function imag(xIn: ExprLike): Expression {
  const x = toExpr(xIn, 'imag', 'x');
  return new Expression(x.shape, `imag(${x.label})`, x.isConstant, (ctx) => {
    const X = x.build(ctx);
    return { shape: x.shape, re: X.im ? X.im : X.re.map(() => affConst(0)), im: null };
  });
}

/**
 * Sum of all elements (a scalar).
 *
 * @example
 * ```ts
 * sum(diag(F, 1));
 * ```
 */
export function sum(xIn: ExprLike): Expression {
  const x = toExpr(xIn, 'sum', 'x');
  return new Expression([], `sum(${x.label})`, x.isConstant, (ctx) => {
    const X = x.build(ctx);
    const r = affConst(0);
    for (const a of X.re) affAddTo(r, a);
    let im: Affine[] | null = null;
    if (X.im) {
      const t = affConst(0);
      for (const a of X.im) affAddTo(t, a);
      im = [t];
    }
    return { shape: [], re: [r], im };
  });
}

/**
 * The k-th diagonal of a matrix as a vector (k > 0 above the main diagonal), or, for a vector, the square matrix
 * with it on the k-th diagonal.
 *
 * @example
 * ```ts
 * diag(F, 1); // [F[0,1], F[1,2], …]
 * ```
 */
export function diag(xIn: ExprLike, k = 0): Expression {
  const x = toExpr(xIn, 'diag', 'x');
  if (!Number.isInteger(k)) throw argError('diag', 'k', 'an integer', k);
  if (x.shape.length === 1) {
    const len = x.shape[0]!;
    const n = len + Math.abs(k);
    return new Expression([n, n], `diag(${x.label})`, x.isConstant, (ctx) => {
      const X = x.build(ctx);
      const re = Array.from({ length: n * n }, () => affConst(0));
      const im = X.im ? Array.from({ length: n * n }, () => affConst(0)) : null;
      for (let t = 0; t < len; t++) {
        const [i, j] = k >= 0 ? [t, t + k] : [t - k, t];
        re[i * n + j] = X.re[t]!;
        if (im) im[i * n + j] = X.im![t]!;
      }
      return { shape: [n, n], re, im };
    });
  }
  const [r, c] = requireMatrix('diag', x);
  const idx: number[] = [];
  for (let i = Math.max(0, -k); i < r && i + k < c; i++) idx.push(i * c + i + k);
  return gather(x, idx, [idx.length], `diag(${x.label}, ${k})`);
}

/**
 * Trace of a square matrix. The trace of a Hermitian expression is real.
 *
 * @example
 * ```ts
 * trace(F);
 * ```
 */
export function trace(xIn: ExprLike): Expression {
  const x = toExpr(xIn, 'trace', 'x');
  requireMatrix('trace', x, true);
  const s = sum(diag(x, 0));
  return new Expression([], `trace(${x.label})`, x.isConstant, (ctx) => s.build(ctx));
}

declare module './expression.js' {
  interface Expression {
    /** this + other. @example `x.add(1)` */
    add(other: ExprLike): Expression;
    /** this − other. @example `x.sub(y)` */
    sub(other: ExprLike): Expression;
    /** this · other (elementwise, one side constant). @example `x.mul(2)` */
    mul(other: ExprLike): Expression;
    /** −this. @example `x.neg()` */
    neg(): Expression;
    /** this @ other. @example `A.matmul(x)` */
    matmul(other: ExprLike): Expression;
    /** Element at a multi-index. @example `X.index(0, 1)` */
    index(...idx: number[]): Expression;
    /** Elements at flat indices. @example `X.take([0, 3])` */
    take(indices: readonly number[]): Expression;
    /** C-order reshape. @example `x.reshape([2, 2])` */
    reshape(shape: readonly number[]): Expression;
    /** C-order flatten. @example `X.vec()` */
    vec(): Expression;
    /** Sum of all elements. @example `x.sum()` */
    sum(): Expression;
    /** Trace. @example `X.trace()` */
    trace(): Expression;
    /** k-th diagonal. @example `X.diag(1)` */
    diag(k?: number): Expression;
    /** Real part. @example `z.real()` */
    real(): Expression;
    /** Imaginary part. @example `z.imag()` */
    imag(): Expression;
    /** Conjugate. @example `z.conj()` */
    conj(): Expression;
    /** Transpose. @example `X.T` */
    readonly T: Expression;
    /** Conjugate transpose. @example `F.H` */
    readonly H: Expression;
  }
}

const proto = Expression.prototype;
proto.add = function (this: Expression, o: ExprLike) { return add(this, o); };
proto.sub = function (this: Expression, o: ExprLike) { return sub(this, o); };
proto.mul = function (this: Expression, o: ExprLike) { return mul(this, o); };
proto.neg = function (this: Expression) { return neg(this); };
proto.matmul = function (this: Expression, o: ExprLike) { return matmul(this, o); };
proto.index = function (this: Expression, ...idx: number[]) { return index(this, ...idx); };
proto.take = function (this: Expression, indices: readonly number[]) { return take(this, indices); };
proto.reshape = function (this: Expression, shape: readonly number[]) { return reshape(this, shape); };
proto.vec = function (this: Expression) { return vec(this); };
proto.sum = function (this: Expression) { return sum(this); };
proto.trace = function (this: Expression) { return trace(this); };
proto.diag = function (this: Expression, k = 0) { return diag(this, k); };
proto.real = function (this: Expression) { return real(this); };
proto.imag = function (this: Expression) { return imag(this); };
proto.conj = function (this: Expression) { return conj(this); };
Object.defineProperty(proto, 'T', { get(this: Expression) { return T(this); }, configurable: true });
Object.defineProperty(proto, 'H', { get(this: Expression) { return H(this); }, configurable: true });
