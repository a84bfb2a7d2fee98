/**
 * Objectives and problems: `minimize(expr)`, `maximize(expr)` and `new Problem(objective, constraints).solve()`.
 */
import { AdjointError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { canonicalize, type Canonical, type ConstraintMap } from './canonicalize.js';
import type { Constraint } from './constraints.js';
import { affEval, toExpr, type Expression, type ExprLike } from './expression.js';
import { solveConeProgram, type IpmOptions, type IpmResult, type SolveStatus } from './solver/ipm.js';

/** An objective: the sense and a real scalar affine expression. */
export interface Objective {
  readonly sense: 'minimize' | 'maximize';
  readonly expr: Expression;
}

/**
 * Minimise a real scalar affine expression.
 *
 * @example
 * ```ts
 * minimize(trace(X));
 * ```
 */
export function minimize(expr: ExprLike): Objective {
  return { sense: 'minimize', expr: toExpr(expr, 'minimize', 'expr') };
}

/**
 * Maximise a real scalar affine expression.
 *
 * @example
 * ```ts
 * maximize(sub(c0, trace(F)));
 * ```
 */
export function maximize(expr: ExprLike): Objective {
  return { sense: 'maximize', expr: toExpr(expr, 'maximize', 'expr') };
}

/** Options of {@link Problem.solve}. */
export type SolveOptions = IpmOptions;

/** Result of {@link Problem.solve}. */
export interface SolveResult {
  /** 'optimal', 'infeasible', 'unbounded', 'maxIterations' or 'numericalError'. */
  status: SolveStatus;
  /**
   * The optimal objective value; for infeasible problems +∞ (minimize) or −∞ (maximize), for unbounded ones the
   * opposite; NaN when the solver stopped early.
   */
  value: number;
  /** Interior-point iterations. */
  iterations: number;
}

function symmetricBlockTensor(z: Float64Array, map: Extract<ConstraintMap, { kind: 'block' }>): Tensor {
  const { off, s } = map;
  if (!map.hermitian) return Tensor.fromStorage(z.slice(off, off + s * s), [s, s], 'float64');
  // Hermitian dual Y = Z₁₁ + Z₂₂ + i·(Z₂₁ − Z₁₂), so that Re tr(Y·E) = ⟨Z, [[Re E, −Im E], [Im E, Re E]]⟩.
  const n = s / 2;
  const out = new Float64Array(2 * n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    out[2 * (i * n + j)] = z[off + i * s + j]! + z[off + (i + n) * s + j + n]!;
    out[2 * (i * n + j) + 1] = z[off + (i + n) * s + j]! - z[off + i * s + j + n]!;
  }
  return Tensor.fromStorage(out, [n, n], 'complex128');
}

/**
 * A convex problem: an objective and a list of constraints.
 *
 * After `solve()`, every variable's `value` is set (a float64 or complex128 tensor) and every constraint's `dual`
 * holds its multiplier, as in CVXPY, for the minimisation form (for `maximize(f)`, of minimising −f): the
 * Lagrangian is f + Σ νᵢ·(lhs − rhs)ᵢ over equalities + Σ λᵢ·(lhs − rhs)ᵢ over `lhs ≤ rhs` − ⟨Z, X⟩ over
 * `psd(X)` − (u₀·t + u₁ᵀx) over `soc(t, x)`, with λ ≥ 0, Z ⪰ 0 and u = (u₀, u₁) in the second-order cone
 * (for a Hermitian X, Z is Hermitian and the pairing is Re tr(Z·X)).
 *
 * @example
 * ```ts
 * const x = new Variable([2]);
 * const p = new Problem(minimize(sum(x)), [x.ge(1)]);
 * p.solve(); // { status: 'optimal', value: 2, … }
 * ```
 */
export class Problem {
  readonly objective: Objective;
  readonly constraints: readonly Constraint[];
  /** Status of the last solve (null before). */
  status: SolveStatus | null = null;
  /** Objective value of the last solve. */
  value = NaN;
  /** The raw solver result of the last solve. */
  solverResult: IpmResult | null = null;

  constructor(objective: Objective, constraints: readonly Constraint[] = []) {
    if (!objective || (objective.sense !== 'minimize' && objective.sense !== 'maximize')) {
      throw new AdjointError(`Problem: argument 'objective' must come from minimize(…) or maximize(…)`, 'objective');
    }
    this.objective = objective;
    this.constraints = constraints.slice();
  }

  /** @internal The canonical form (exposed for tests and benchmarks). */
  canonicalize(): Canonical {
    return canonicalize(this.objective.expr, this.objective.sense === 'minimize' ? 1 : -1, this.constraints);
  }

  /**
   * Solves the problem with the interior-point method.
   *
   * @example
   * ```ts
   * const { status, value } = problem.solve({ verbose: true });
   * ```
   */
  solve(opts: SolveOptions = {}): SolveResult {
    const can = this.canonicalize();
    const res = solveConeProgram(can.program, opts);
    this.solverResult = res;
    const max = this.objective.sense === 'maximize';
    let value: number;
    if (res.status === 'optimal') {
      // variable scalars from x
      let maxId = 0;
      for (const v of can.variables) maxId = Math.max(maxId, v.base + v.scalarCount);
      const scal = new Float64Array(maxId);
      for (const [id, e] of can.expansion) {
        let s = 0;
        for (let t = 0; t < e.idx.length; t++) s += e.val[t]! * res.x[e.idx[t]!]!;
        scal[id] = s;
      }
      for (const v of can.variables) {
        const A = can.ctx.cache.get(v)!;
        const n = A.re.length;
        if (v.complex) {
          const out = new Float64Array(2 * n);
          for (let i = 0; i < n; i++) {
            out[2 * i] = affEval(A.re[i]!, scal);
            out[2 * i + 1] = A.im ? affEval(A.im[i]!, scal) : 0;
          }
          v.value = Tensor.fromStorage(out, v.shape, 'complex128');
        } else {
          v.value = Tensor.fromStorage(Float64Array.from(A.re, (a) => affEval(a, scal)), v.shape, 'float64');
        }
      }
      value = affEval(can.objective, scal);
      this.constraints.forEach((c, ci) => {
        const map = can.constraintMaps[ci]!;
        if (map.kind === 'rows') {
          const n = map.re.length;
          if (map.im) {
            const out = new Float64Array(2 * n);
            for (let i = 0; i < n; i++) {
              out[2 * i] = -res.y[map.re[i]!]!;
              out[2 * i + 1] = -res.y[map.im[i]!]!;
            }
            c.dual = Tensor.fromStorage(out, map.shape, 'complex128');
          } else c.dual = Tensor.fromStorage(Float64Array.from(map.re, (r) => -res.y[r]!), map.shape, 'float64');
        } else if (map.kind === 'lp') {
          c.dual = Tensor.fromStorage(Float64Array.from(map.cols, (j) => res.z[j]!), map.shape, 'float64');
        } else if (map.kind === 'block') c.dual = symmetricBlockTensor(res.z, map);
        else if (map.kind === 'soc') c.dual = Tensor.fromStorage(res.z.slice(map.off, map.off + map.k), [map.k], 'float64');
      });
    } else if (res.status === 'infeasible') value = max ? -Infinity : Infinity;
    else if (res.status === 'unbounded') value = max ? Infinity : -Infinity;
    else value = NaN;
    this.status = res.status;
    this.value = value;
    return { status: res.status, value, iterations: res.iterations };
  }
}
