/**
 * Optimisation variables and parameters. A variable owns a contiguous range of global real scalars: a general real
 * array one per element, a symmetric matrix its upper triangle, a complex array a (re, im) pair per element, and a
 * Hermitian matrix the real upper triangle plus the imaginary strict upper triangle.
 */
import { AdjointError, argError } from '../errors.js';
import { checkShape, numel } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { affConst, constant, Expression, type Affine, type AffineArray, type BuildContext, type ExprLike } from './expression.js';

/** Structure and sign attributes of a {@link Variable}. */
export interface VariableOptions {
  /** Complex Hermitian square matrix (implies complex). */
  hermitian?: boolean;
  /** Real symmetric square matrix. */
  symmetric?: boolean;
  /** Complex entries. */
  complex?: boolean;
  /** Elementwise ≥ 0 (real only). */
  nonneg?: boolean;
  /** Symmetric (or, with `hermitian`, Hermitian) positive semidefinite. */
  psd?: boolean;
  /** Name used in messages. */
  name?: string;
}

let nextScalar = 0;
let nextName = 0;

/**
 * @internal Index of (i, j), i ≤ j, in the row-major upper triangle of an n×n matrix.
 *
 * @example
 * ```ts
 * triIndex(3, 1, 2); // 4
 * ```
 */
export function triIndex(n: number, i: number, j: number): number {
  return i * n - (i * (i - 1)) / 2 + (j - i);
}

/**
 * An optimisation variable. After a successful solve its `value` is a float64 tensor (complex128 for complex and
 * Hermitian variables; a Hermitian variable's value is exactly Hermitian).
 *
 * @example
 * ```ts
 * const F = new Variable([3, 3], { hermitian: true });
 * const x = new Variable([4], { nonneg: true, name: 'x' });
 * ```
 */
export class Variable extends Expression {
  /** First global scalar id. */
  readonly base: number;
  /** Number of real scalars. */
  readonly scalarCount: number;
  /** Structure flags. */
  readonly hermitian: boolean;
  readonly symmetric: boolean;
  readonly complex: boolean;
  readonly nonneg: boolean;
  readonly psd: boolean;
  /** The value found by the last solve (null before). */
  value: Tensor | null = null;

  constructor(shape: readonly number[] | number, options: VariableOptions = {}) {
    const shp = checkShape(typeof shape === 'number' ? [shape] : shape, 'shape', 'Variable');
    const name = options.name ?? `var${nextName++}`;
    const hermitian = !!options.hermitian;
    const symmetric = !!options.symmetric || (!!options.psd && !hermitian);
    const cplx = !!options.complex || hermitian;
    if ((hermitian || symmetric) && (shp.length !== 2 || shp[0] !== shp[1])) {
      throw argError('Variable', 'shape', 'a square [n, n] shape for a symmetric, Hermitian or PSD variable', shp);
    }
    if (options.nonneg && cplx) throw argError('Variable', 'options', 'not both nonneg and complex/hermitian', JSON.stringify(options));
    const n = shp[0] ?? 0;
    const count = hermitian ? n * n : symmetric ? (n * (n + 1)) / 2 : cplx ? 2 * numel(shp) : numel(shp);
    const base = nextScalar;
    nextScalar += count;
    super(shp, name, false, (ctx: BuildContext, self: Expression) => (self as Variable).buildSelf(ctx));
    this.base = base;
    this.scalarCount = count;
    this.hermitian = hermitian;
    this.symmetric = symmetric;
    this.complex = cplx;
    this.nonneg = !!options.nonneg;
    this.psd = !!options.psd;
  }

  /** @internal */
  buildSelf(ctx: BuildContext): AffineArray {
    ctx.variables.add(this);
    const total = numel(this.shape);
    const one = (id: number, s = 1): Affine => ({ coef: new Map([[id, s]]), c: 0 });
    const re: Affine[] = new Array(total);
    let im: Affine[] | null = null;
    const b = this.base;
    if (this.hermitian) {
      const n = this.shape[0]!;
      const nRe = (n * (n + 1)) / 2;
      im = new Array(total);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        const [p, q] = i <= j ? [i, j] : [j, i];
        re[i * n + j] = one(b + triIndex(n, p, q));
        // strict upper triangle of the imaginary part, row-major: index of (p, q), p < q
        im[i * n + j] = i === j ? affConst(0) : one(b + nRe + triIndex(n, p, q) - (p + 1), i < j ? 1 : -1);
      }
    } else if (this.symmetric) {
      const n = this.shape[0]!;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) re[i * n + j] = one(b + triIndex(n, Math.min(i, j), Math.max(i, j)));
    } else if (this.complex) {
      im = new Array(total);
      for (let e = 0; e < total; e++) {
        re[e] = one(b + 2 * e);
        im[e] = one(b + 2 * e + 1);
      }
    } else for (let e = 0; e < total; e++) re[e] = one(b + e);
    return { shape: this.shape, re, im };
  }
}

/**
 * A constant whose value may change between solves: set `value` before calling `solve`.
 *
 * @example
 * ```ts
 * const p = new Parameter([2], { value: tensor([1, 2]) });
 * p.value = tensor([3, 4]);
 * ```
 */
export class Parameter extends Expression {
  /** Current value (a number, tensor or nested array of the parameter's shape). */
  value: Exclude<ExprLike, Expression> | null;

  constructor(shape: readonly number[] | number, options: { value?: Exclude<ExprLike, Expression>; name?: string } = {}) {
    const shp = checkShape(typeof shape === 'number' ? [shape] : shape, 'shape', 'Parameter');
    const name = options.name ?? `param${nextName++}`;
    super(shp, name, true, (ctx: BuildContext, self: Expression) => {
      const value = (self as Parameter).value;
      if (value === null) throw new AdjointError(`Parameter '${name}' has no value; set .value before solving`, 'value');
      const a = constant(value, 'Parameter', 'value').build(ctx);
      if (numel(a.shape) !== numel(shp)) throw argError('Parameter', 'value', `of shape [${shp.join(', ')}]`, `shape [${a.shape.join(', ')}]`);
      return { shape: shp, re: a.re, im: a.im };
    });
    this.value = options.value ?? null;
  }
}
