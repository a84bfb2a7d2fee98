/**
 * Constraints: `eq` (a complex equality splits into real and imaginary parts), `le`/`ge` (real expressions only),
 * `psd` (symmetric or Hermitian positive semidefinite) and `soc` (second-order cone ‖x‖₂ ≤ t).
 * After a successful solve each constraint's `dual` holds its multiplier.
 */
import { AdjointError, argError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Expression, toExpr, type ExprLike } from './expression.js';
import { sub } from './atoms.js';

/** Kind of a constraint. */
export type ConstraintKind = 'eq' | 'nonneg' | 'psd' | 'soc';

/**
 * A constraint on affine expressions: `expr = 0` (eq), `expr ≥ 0` (nonneg, from le/ge), `expr ⪰ 0` (psd) or
 * `‖x‖₂ ≤ t` (soc).
 *
 * @example
 * ```ts
 * const c = x.le(1); // 1 − x ≥ 0
 * ```
 */
export class Constraint {
  /** The kind. */
  readonly kind: ConstraintKind;
  /** The constrained expression (for soc: t). */
  readonly expr: Expression;
  /** For soc: the vector x. */
  readonly x: Expression | null;
  /** The multiplier after a successful solve (standard-form convention of the minimisation, see Problem). */
  dual: Tensor | null = null;

  /** @internal Use eq/le/ge/psd/soc. */
  constructor(kind: ConstraintKind, expr: Expression, x: Expression | null = null) {
    this.kind = kind;
    this.expr = expr;
    this.x = x;
  }
}

/**
 * a = b (elementwise; complex equalities split into real and imaginary parts).
 *
 * @example
 * ```ts
 * eq(sum(diag(F, 1)), [1, 0]);
 * ```
 */
export function eq(a: ExprLike, b: ExprLike): Constraint {
  return new Constraint('eq', sub(a, b));
}

/**
 * a ≤ b for real expressions.
 *
 * @example
 * ```ts
 * le(x, 1);
 * ```
 */
export function le(a: ExprLike, b: ExprLike): Constraint {
  return new Constraint('nonneg', sub(b, a));
}

/**
 * a ≥ b for real expressions.
 *
 * @example
 * ```ts
 * ge(x, 0);
 * ```
 */
export function ge(a: ExprLike, b: ExprLike): Constraint {
  return new Constraint('nonneg', sub(a, b));
}

/**
 * X ⪰ 0 for a square symmetric (real) or Hermitian (complex) expression; write X ⪰ Y as `psd(sub(X, Y))`.
 *
 * @example
 * ```ts
 * psd(F);
 * ```
 */
export function psd(xIn: ExprLike): Constraint {
  const x = toExpr(xIn, 'psd', 'X');
  if (x.shape.length !== 2 || x.shape[0] !== x.shape[1]) {
    throw argError('psd', 'X', 'a square matrix expression', `'${x.label}' of shape [${x.shape.join(', ')}]`);
  }
  return new Constraint('psd', x);
}

/**
 * ‖x‖₂ ≤ t for a real scalar t and a real vector x (second-order cone).
 *
 * @example
 * ```ts
 * soc(t, sub(matmul(A, x), b));
 * ```
 */
export function soc(tIn: ExprLike, xIn: ExprLike): Constraint {
  const t = toExpr(tIn, 'soc', 't');
  const x = toExpr(xIn, 'soc', 'x');
  if (t.size !== 1) throw argError('soc', 't', 'a scalar expression', `'${t.label}' of shape [${t.shape.join(', ')}]`);
  if (x.shape.length > 1) throw new AdjointError(`soc: argument 'x' must be a vector, got '${x.label}' of shape [${x.shape.join(', ')}]`, 'x');
  return new Constraint('soc', t, x);
}

declare module './expression.js' {
  interface Expression {
    /** this = other. @example `x.eq(1)` */
    eq(other: ExprLike): Constraint;
    /** this ≤ other. @example `x.le(1)` */
    le(other: ExprLike): Constraint;
    /** this ≥ other. @example `x.ge(0)` */
    ge(other: ExprLike): Constraint;
  }
}

Expression.prototype.eq = function (this: Expression, o: ExprLike) { return eq(this, o); };
Expression.prototype.le = function (this: Expression, o: ExprLike) { return le(this, o); };
Expression.prototype.ge = function (this: Expression, o: ExprLike) { return ge(this, o); };
