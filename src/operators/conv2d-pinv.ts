/**
 * `Conv2dOperator.pinv(y, options)`: x̂ = A⁺y for a conv2d operator A, as `{ x, info }`.
 *
 * - Circular padding with a stride dividing the size: exact, through the FFT (one small pseudo-inverse per
 *   frequency of the half spectrum, one cut-off for the whole operator; see pinv/circular-fft.ts). The
 *   factorisation is kept on the operator, so the next `pinv` with a new y costs only FFTs and products.
 * - Small operators: the dense SVD of the materialised matrix (the reference the other paths are tested on).
 * - Real 'valid' convolutions (padding 0) too large for dense: exact, through the ring reduction
 *   (exact/ring-valid.ts), refined until ‖Aᵀ(Ax̂ − y)‖ ≤ 1e-10·‖A‖‖y‖; the factorisation is kept on the operator.
 *   Square 'same' convolutions (zeros, reflect or replicate padding, stride 1, c_out = c_in) with a pad ring
 *   of at most SAME_RING_MAX unknowns: exact through the pad-ring capacitance LU (exact/ring-same.ts). Other
 *   zero-padded ones (any pads, stride, dilation, c_out ≠ c_in) with at most RECT_RING_MAX ring unknowns:
 *   exact through a two-ring capacitance LU on AAᵀ or AᵀA (exact/ring-rect.ts). When a capacitance matrix is
 *   singular to working precision, the Krylov answer is returned with status 'singular' and `fallback` says so.
 * - Otherwise: LSQR/LSMR to the minimum-norm least-squares solution, bounded and reporting convergence.
 * - `damp: λ` gives argmin ‖Ax − y‖² + λ²‖x‖² on every path.
 *
 * This module attaches the method to {@link Conv2dOperator} by module augmentation.
 */
import { argError } from '../errors.js';
import { isComplex, type Storage } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { Conv2dOperator } from './conv2d.js';
import type { KrylovProgress } from './krylov/types.js';
import { toFloat64 } from './linear-operator.js';
import { chooseMethod, type ConvPinvMethod } from './pinv/choose.js';
import { CircularPinv, type PinvTolerances } from './pinv/circular-fft.js';
import { DensePinv } from './pinv/dense.js';
import { Conv2dExactPinv, exactAutoObstacle, exactKind, exactObstacle, exactWellPosed, validLuObstacle } from './exact/conv2d-exact.js';
import { RECT_RING_MAX } from './exact/ring-rect.js';
import { KRYLOV_FIRST_TOL, krylovFirst, krylovFirstBudget } from './pinv/krylov-first.js';
import { krylovPinvSolve } from './pinv/krylov.js';
import './pinv/tasks.js';

export type { ConvPinvMethod } from './pinv/choose.js';

/**
 * Options of {@link Conv2dOperator.pinv}.
 * @example `{ method: 'auto', rtol: 1e-12, tol: 1e-8, maxIter: 500 }`
 */
export interface ConvPinvOptions extends PinvTolerances {
  /** 'auto' (default), 'fft', 'dense', 'exact' (ring solver, real 'valid' convolutions) or 'krylov'. */
  method?: ConvPinvMethod;
  /** Krylov: relative tolerance (default 1e-8 float64, 1e-5 float32). 'exact': the normal-equation target (default 1e-10). */
  tol?: number;
  /** Krylov: iteration cap per right-hand side. 'exact': CG cap per refinement pass (default 3000). */
  maxIter?: number;
  /** Krylov: 'lsqr' (default) or 'lsmr'. */
  solver?: 'lsqr' | 'lsmr';
  /**
   * 'exact' on 'valid' (padding 0) convolutions: 'cg' (default) solves the ring system by preconditioned CG for
   * every y (set-up ≈ 3 s, then ≈ 250 CG iterations per y: ≈ 13 s at c = 32, 128²); 'lu' factorises it densely
   * once ((2/3)U³ flops, 8U² bytes: 16,256 unknowns, 2.1 GB and minutes at c = 32, 128²; 1.3 s at c = 8, 64²),
   * after which a new y costs two FFT passes and two triangular solves (seconds / tens of ms). Both are kept on
   * the operator. Default: 'lu' when one call brings {@link VALID_LU_MIN_BATCH} or more right-hand sides and the
   * ring has at most RECT_RING_MAX unknowns, else 'cg'.
   */
  validSolver?: 'cg' | 'lu';
  /** Krylov: use the circulant preconditioner (default false, see pinv/krylov.ts; damped runs are never preconditioned). */
  precondition?: boolean;
  /** Krylov progress: (right-hand side, iteration, progress); return false to stop. */
  onIteration?: (item: number, iteration: number, progress: KrylovProgress) => boolean | void;
  /**
   * Recompute ‖Ax̂ − y‖/‖y‖ and ‖Aᴴ(Ax̂ − y)‖/(σ₁‖y‖) for the exact paths (two more conv2d passes; default true).
   * The Krylov path always reports them.
   */
  residual?: boolean;
}

/** What {@link Conv2dOperator.pinv} reports. @example `const { info } = A.pinv(y); info.method` */
export interface ConvPinvInfo {
  /** The path taken. */
  method: 'fft' | 'dense' | 'exact' | 'krylov';
  /** Krylov iterations (largest over the batch); 'exact': CG iterations on the ring, all refinement passes; 0 for fft/dense. */
  iterations: number;
  /** True for fft/dense; for Krylov and 'exact', whether every right-hand side met the tolerance ('exact': false when singular). */
  converged: boolean;
  /** ‖Ax̂ − y‖ / ‖y‖ (NaN when `residual: false`). */
  relResidual: number;
  /** ‖Aᴴ(Ax̂ − y) + λ²x̂‖ / (‖A‖·‖y‖) (NaN when `residual: false`; Krylov: the solver's value). */
  relNormalResidual: number;
  /** Exact paths: rank(A) (singular values kept). */
  rank?: number;
  /** Exact paths: σ₁(A) (FFT path: a certified lower bound when the exact value was not needed; 'exact': a rigorous lower bound, used in relNormalResidual). */
  sigmaMax?: number;
  /** Exact paths: the cut-off max(atol, rtol·σ₁(A)). */
  cutoff?: number;
  /** FFT path: blocks settled by the certified inverse / by an SVD / by the truncated Gram path (large cut-offs). */
  fastBlocks?: number;
  svdBlocks?: number;
  gramBlocks?: number;
  /** Krylov: solver, preconditioning and per-item stop reasons. */
  solver?: 'lsqr' | 'lsmr';
  preconditioned?: boolean;
  stopReasons?: string[];
  /**
   * 'exact': 'ok'; 'ill-conditioned' (the condition estimate is so large that float64 may not reach the target
   * for every y: 'valid' cond(C)² > 1e14, 'same' cond(A) > 1e9, other zero padding cond(A) > 1e12); 'singular'
   * ('valid': G = CCᵀ not invertible, regularised answer; padded: A is singular to working precision, and x̂
   * is the Krylov path's bounded minimum-norm answer, see `fallback`).
   */
  status?: 'ok' | 'ill-conditioned' | 'singular';
  /** 'exact': estimate of cond(A) ('valid': σ_max(C)/σ_min(C) of the circulant embedding, an upper bound; 'same': ‖C‖‖P‖ times an inverse power estimate of ‖A⁻¹‖); Infinity when singular. */
  condEstimate?: number;
  /** 'exact': set when the exact solver could not give x̂ and another path did (which, and why). */
  fallback?: string;
  /** 'exact': refinement passes (largest over the batch). */
  refinements?: number;
  /** 'exact': unknowns of the ring system (capacitance LU for 'same', ring CG for 'valid'). */
  ringSize?: number;
  /** True when the factorisation was reused from an earlier call. */
  reused?: boolean;
  /**
   * 'auto' only: for geometries of the two-ring solver, whether the bounded LSQR run tried first
   * (pinv/krylov-first.ts) met its target (then `method` is 'krylov' and `converged` true) or the exact
   * factorisation followed; for ring systems above the automatic size limits, that Krylov ran instead of the
   * exact solver and what `method: 'exact'` would cost.
   */
  choice?: string;
}

/** Result of {@link Conv2dOperator.pinv}. @example `const { x, info } = A.pinv(y);` */
export interface ConvPinvResult {
  /** x̂, of shape `inShape` or `[batch, ...inShape]` like y. */
  x: Tensor;
  info: ConvPinvInfo;
}

declare module './conv2d.js' {
  interface Conv2dOperator {
    /**
     * x̂ = A⁺y (or the Tikhonov solution with `damp`). See {@link ConvPinvOptions}.
     *
     * @example
     * ```ts
     * const A = operators.conv2d(w, { inShape: [32, 128, 128], padding: 1, paddingMode: 'circular' });
     * const { x, info } = A.pinv(A.apply(x0)); // info.method === 'fft'
     * ```
     */
    pinv(y: Tensor, options?: ConvPinvOptions): ConvPinvResult;
  }
}

type Factor = CircularPinv | DensePinv;
const cache = new WeakMap<Conv2dOperator, Map<string, Factor>>();
/** Exact factorisations kept on each operator, by `validSolver` (the only option that changes them). */
const exactCache = new WeakMap<Conv2dOperator, Map<'cg' | 'lu', Conv2dExactPinv>>();

/**
 * Right-hand sides of one call from which a 'valid' operator's ring system is factorised (`validSolver: 'lu'`)
 * rather than solved by CG for each: measured on the project's 2 cores, factorising costs about 12–15 CG solves
 * (c = 32, 128²: ≈ 150 s against ≈ 13 s a y, then ≈ 3.4 s a y; c = 8, 64²: 1.4 s against 0.2 s, then 0.1 s).
 * @example `A.pinv(yBatchOf16, { method: 'exact' }).info.choice // "validSolver 'lu' for 16 right-hand sides …"`
 */
export const VALID_LU_MIN_BATCH = 16;

/** True when `samples` right-hand sides of a 'valid' `op` are solved faster through the ring factorisation. */
function validLuPays(op: Conv2dOperator, samples: number): boolean {
  if (samples < VALID_LU_MIN_BATCH) return false;
  const { kind, unknowns } = exactKind(op);
  // The two-ring solver must accept the geometry, within the size 'auto' factorises; otherwise CG as before.
  return kind === 'valid' && unknowns <= RECT_RING_MAX && validLuObstacle(op) === null;
}

/** Krylov iterations of the answer returned when the exact 'same' solver finds A singular (unless `maxIter`). */
const SINGULAR_FALLBACK_MAX_ITER = 500;

function exactFactorFor(op: Conv2dOperator, validSolver: 'cg' | 'lu'): { f: Conv2dExactPinv; reused: boolean } {
  let m = exactCache.get(op);
  if (!m) {
    m = new Map();
    exactCache.set(op, m);
  }
  const hit = m.get(validSolver);
  if (hit) return { f: hit, reused: true };
  const f = new Conv2dExactPinv(op, { validSolver });
  m.set(validSolver, f);
  return { f, reused: false };
}

function factorFor(op: Conv2dOperator, method: 'fft' | 'dense', o: PinvTolerances): { f: Factor; reused: boolean } {
  const key = JSON.stringify([method, o.atol ?? null, o.rtol ?? null, o.damp ?? 0]);
  let m = cache.get(op);
  if (!m) {
    m = new Map();
    cache.set(op, m);
  }
  const hit = m.get(key);
  if (hit) return { f: hit, reused: true };
  const tol: PinvTolerances = {
    ...(o.atol !== undefined ? { atol: o.atol } : {}),
    ...(o.rtol !== undefined ? { rtol: o.rtol } : {}),
    ...(o.damp !== undefined ? { damp: o.damp } : {}),
  };
  const f = method === 'fft' ? new CircularPinv(op, tol) : new DensePinv(op, tol);
  m.set(key, f);
  return { f, reused: false };
}

function norm(d: Float64Array): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return Math.sqrt(s);
}

/**
 * x̂ = A⁺y for a conv2d operator. Also available as the method `A.pinv(y, options)`.
 *
 * @example
 * ```ts
 * const { x, info } = convPinv(A, y, { method: 'dense' });
 * ```
 */
export function convPinv(op: Conv2dOperator, y: Tensor, options: ConvPinvOptions = {}): ConvPinvResult {
  const fn = `${op.name}.pinv`;
  if (!(op instanceof Conv2dOperator)) throw argError('convPinv', 'op', 'a Conv2dOperator', op);
  if (!(y instanceof Tensor)) throw argError(fn, 'y', 'a Tensor', y);
  if (options === null || typeof options !== 'object') throw argError(fn, 'options', 'an object', options);
  const os = op.outShape;
  const batched = y.ndim === os.length + 1;
  if ((y.ndim !== os.length && !batched) || y.shape.slice(batched ? 1 : 0).join() !== os.join()) {
    throw argError(fn, 'y', `shape [${os.join(', ')}] or [batch, ${os.join(', ')}]`, y.shape.slice());
  }
  if (isComplex(y.dtype) && !isComplex(op.dtype)) throw argError(fn, 'y', `a real tensor (the operator is ${op.dtype})`, y.dtype);
  // Checked on y's own storage: a float64 copy of a float32 y would cost a conversion the solve does not need.
  const bad = firstNonFinite(y.data);
  if (bad >= 0) throw argError(fn, 'y', 'finite values', `a non-finite value at flat index ${isComplex(y.dtype) ? bad >> 1 : bad}`);
  const method = chooseMethod(op, options.method ?? 'auto', options.damp ?? 0);
  let x: Tensor;
  let info: ConvPinvInfo;
  if (method === 'krylov') {
    const r = krylovPinvSolve(op, y, {
      ...(options.solver !== undefined ? { solver: options.solver } : {}),
      ...(options.tol !== undefined ? { tol: options.tol } : {}),
      ...(options.maxIter !== undefined ? { maxIter: options.maxIter } : {}),
      ...(options.damp !== undefined ? { damp: options.damp } : {}),
      ...(options.precondition !== undefined ? { precondition: options.precondition } : {}),
      ...(options.onIteration !== undefined ? { onIteration: options.onIteration } : {}),
    });
    x = r.x;
    info = {
      method,
      iterations: r.info.iterations,
      converged: r.info.converged,
      relResidual: r.info.relResidual,
      relNormalResidual: r.info.relNormalResidual,
      solver: r.info.solver,
      preconditioned: r.info.preconditioned,
      stopReasons: r.info.stopReasons,
    };
    // 'auto' passed over an exact solver that would apply, for its size only: say so, and how to ask for it.
    if ((options.method ?? 'auto') === 'auto' && (options.damp ?? 0) === 0 && exactObstacle(op) === null && exactWellPosed(op)) {
      const why = exactAutoObstacle(op);
      if (why !== null) info.choice = `auto: Krylov, not the exact ring solver: ${why}`;
    }
    return { x, info };
  }
  if (method === 'exact') {
    // 'auto' before a two-ring factorisation: LSQR within a budget first (pinv/krylov-first.ts).
    const first = (options.method ?? 'auto') === 'auto' && !exactCache.has(op) ? autoKrylovFirst(op, y) : null;
    if (first !== null && 'x' in first) return first;
    let choice = first?.choice;
    let validSolver = options.validSolver;
    if (validSolver === undefined) {
      // Many right-hand sides of one 'valid' operator: factorise its ring once instead of one CG each.
      const samples = y.ndim === op.outShape.length + 1 ? y.shape[0]! : 1;
      validSolver = validLuPays(op, samples) ? 'lu' : 'cg';
      if (validSolver === 'lu') choice = `validSolver 'lu' for ${samples} right-hand sides (from ${VALID_LU_MIN_BATCH} on, one ring factorisation costs less than a CG each)`;
    }
    const { f, reused } = exactFactorFor(op, validSolver);
    if (f.kind !== 'valid' && f.info.status === 'singular') {
      // No exact answer exists in float64: return the best bounded minimum-norm answer (LSQR from 0 stays in
      // range(Aᵀ)), and say so.
      // Bounded like any Krylov call, with a cap suited to a fallback (500 unless maxIter says otherwise).
      const k = convPinv(op, y, { ...options, method: 'krylov', maxIter: options.maxIter ?? SINGULAR_FALLBACK_MAX_ITER });
      k.info.status = 'singular';
      k.info.condEstimate = Infinity;
      k.info.converged = false;
      k.info.reused = reused;
      k.info.fallback =
        f.kind === 'same'
          ? `krylov (${k.info.iterations} iterations): the pad-ring capacitance matrix is singular to working precision, so A is`
          : `krylov (${k.info.iterations} iterations): CCᵀ/CᵀC on the torus or the two-ring capacitance matrix is singular to working precision (A lacks full rank, or the embedding does)`;
      return k;
    }
    const r = f.solve(y, {
      ...(options.tol !== undefined ? { tol: options.tol } : {}),
      ...(options.maxIter !== undefined ? { cgMaxIter: options.maxIter } : {}),
    });
    info = {
      method,
      iterations: r.info.iterations,
      converged: r.info.converged,
      relResidual: NaN,
      relNormalResidual: r.info.normalResidual,
      sigmaMax: f.info.normALower,
      status: f.info.status,
      condEstimate: f.info.condEstimate,
      refinements: r.info.passes,
      ringSize: f.info.ringSize,
      reused,
      ...(choice !== undefined ? { choice } : {}),
    };
    if (options.residual ?? true) measureResiduals(op, y, r.x, info, f.info.normALower, 0);
    return { x: r.x, info };
  }
  const { f, reused } = factorFor(op, method, options);
  x = f.solve(y);
  info = { method, iterations: 0, converged: true, relResidual: NaN, relNormalResidual: NaN, rank: f.info.rank, sigmaMax: f.info.sigmaMax, cutoff: f.info.cutoff, reused };
  if (f instanceof CircularPinv) {
    info.fastBlocks = f.info.fastBlocks;
    info.svdBlocks = f.info.svdBlocks;
    info.gramBlocks = f.info.gramBlocks;
  }
  if (options.residual ?? true) measureResiduals(op, y, x, info, f.info.sigmaMax, options.damp ?? 0);
  return { x, info };
}

/** Fills info.relResidual and info.relNormalResidual (with ‖A‖ taken as s1) by two more conv2d passes. */
/**
 * For a real float64 two-ring geometry (exact/ring-rect.ts), bounded LSQR first: its result when it meets
 * {@link KRYLOV_FIRST_TOL}, else the reason the factorisation follows (for `info.choice`); null for other
 * geometries.
 */
function autoKrylovFirst(op: Conv2dOperator, y: Tensor): ConvPinvResult | { choice: string } | null {
  if (op.dtype !== 'float64' || y.dtype !== 'float64') return null;
  const { kind, unknowns } = exactKind(op);
  if (kind !== 'rect') return null;
  const budget = krylovFirstBudget(op, unknowns);
  const k = krylovFirst(op, y, budget);
  const what = `the exact two-ring factorisation (${unknowns} unknowns)`;
  if (k.kept === null) return { choice: `auto: LSQR did not meet ${KRYLOV_FIRST_TOL} within ${budget} iterations (${k.iterations} run), so ${what} followed` };
  const r = k.kept;
  return {
    x: r.x,
    info: {
      method: 'krylov',
      iterations: r.info.iterations,
      converged: true,
      relResidual: r.relResidual,
      relNormalResidual: r.relNormalResidual,
      sigmaMax: r.sigmaLower,
      solver: r.info.solver,
      preconditioned: r.info.preconditioned,
      stopReasons: r.info.stopReasons,
      choice: `auto: LSQR met ${KRYLOV_FIRST_TOL} in ${r.info.iterations} of ${budget} iterations, so ${what} was not needed`,
    },
  };
}

/** Index of the first non-finite scalar of `d`, or −1 (integer storage is always finite). */
function firstNonFinite(d: Storage): number {
  if (d instanceof Float64Array) return firstNonFinite64(d);
  if (d instanceof Float32Array) return firstNonFinite32(d);
  return -1;
}

// Σ x·0 is 0 exactly when every x is finite (±∞·0 and NaN·0 are NaN) and runs without a branch per element; four
// independent sums keep the adder busy instead of waiting on one chain; only a failing sum searches for the
// index. One closure per element type: each has its own feedback, so its loads stay monomorphic.
function finiteCheck(): (d: Float32Array | Float64Array) => number {
  return (d) => {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    const end = d.length & ~3;
    for (let i = 0; i < end; i += 4) {
      s0 += d[i]! * 0;
      s1 += d[i + 1]! * 0;
      s2 += d[i + 2]! * 0;
      s3 += d[i + 3]! * 0;
    }
    for (let i = end; i < d.length; i++) s0 += d[i]! * 0;
    if (s0 + s1 + s2 + s3 === 0) return -1;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return i;
    return -1;
  };
}
const firstNonFinite64 = finiteCheck();
const firstNonFinite32 = finiteCheck();

function measureResiduals(op: Conv2dOperator, y: Tensor, x: Tensor, info: ConvPinvInfo, s1: number, damp: number): void {
  const yd = toFloat64(y);
  const r = toFloat64(op.apply(x)).slice();
  for (let i = 0; i < r.length; i++) r[i] = r[i]! - yd[i]!;
  const ny = norm(yd);
  info.relResidual = ny > 0 ? norm(r) / ny : 0;
  const g = toFloat64(op.adjoint(new Tensor(new Float64Array(r), y.shape.slice(), isComplex(y.dtype) ? 'complex128' : 'float64'))).slice();
  const lam2 = damp ** 2;
  if (lam2 > 0) {
    const xd = toFloat64(x);
    for (let i = 0; i < g.length; i++) g[i] = g[i]! + lam2 * xd[i]!;
  }
  info.relNormalResidual = ny > 0 && s1 > 0 ? norm(g) / (s1 * ny) : 0;
}

Conv2dOperator.prototype.pinv = function (this: Conv2dOperator, y: Tensor, options?: ConvPinvOptions): ConvPinvResult {
  return convPinv(this, y, options);
};

/** @internal Drops the kept factorisations of `op` (tests, memory). @example `forgetPinv(A)` */
export function forgetPinv(op: Conv2dOperator): void {
  cache.delete(op);
  exactCache.delete(op);
}
