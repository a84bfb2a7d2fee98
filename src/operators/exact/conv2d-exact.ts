/**
 * The exact ring solvers ({@link RingValidFactor}, {@link RingSameFactor}, {@link RingRectFactor}) behind
 * `Conv2dOperator.pinv({ method: 'exact' })`: which operators they apply to, and a factorisation object that
 * solves batches of right-hand sides in the operator's own layout and dtype. Kept on the operator by conv2d-pinv.ts (like the FFT factorisation).
 */
import { AdjointError, argError } from '../../errors.js';
import { isComplex } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Conv2dOperator } from '../conv2d.js';
import { fromFloat64, toFloat64 } from '../linear-operator.js';
import { RingValidFactor, type RingFactorInfo, type RingSolveOptions } from './ring-valid.js';
import { RingSameFactor, sameTorusSize } from './ring-same.js';
import { EXACT_RING_MAX, RECT_RING_MAX, RingRectFactor, rectGeometry, rectObstacle, type RectConvSpec } from './ring-rect.js';

/**
 * Largest capacitance system (unknowns on the ring, c·(N1N2 − n1n2) with the torus of {@link sameTorusSize}:
 * c·(2n + 1) for a 3×3 zero-padded 'same', c·(4n + 4) for reflect/replicate) that 'auto' factorises densely
 * with the 'same' path (recursive LU, (2/3)R³ flops at ≈ 25 GFLOP/s on two cores, 8R² bytes): c = 32, 128² has
 * 8,224 (LU ≈ 15 s, 540 MB; set-up + solve ≈ 25 s), c = 8, 128² 2,056 (≈ 3 s), c = 3, 512² 3,075. At the limit
 * the LU takes ≈ 27 s and 800 MB. Beyond it 'auto' goes to Krylov (the iterative ring solves measured so far
 * need over a thousand iterations, docs/ISSUE9-APPROACHES.md) and `method: 'exact'` still factorises, up to
 * {@link EXACT_RING_MAX} unknowns (reflect/replicate at c = 32, 128²: 16,512).
 */
export const SAME_RING_MAX = 10000;

/**
 * Why the exact ring solvers cannot handle `op`, or null when they can: real, groups 1, and either 'valid'
 * (no padding; any stride and dilation), square 'same' (zeros, reflect or replicate padding with pads summing
 * to d·(k−1) per axis, stride 1, c_out = c_in, pad ring of at most {@link EXACT_RING_MAX} unknowns), or any
 * other zero, reflect or replicate padding (any pads, stride, dilation, c_out, c_in) whose normal equations the two-ring solver can
 * form — wide A (rows ≤ cols) with c_out ≤ c_in·(input phases the taps read, s1·s2 unless dilation and stride
 * share a factor), or tall A with c_in·s1·s2 ≤ c_out and every phase read — with at most {@link EXACT_RING_MAX}
 * ring unknowns. 'auto' uses them below smaller limits ({@link exactAutoObstacle}).
 *
 * @example `exactObstacle(conv2d(w, { inShape: [2, 8, 8] })) // null`
 */
export function exactObstacle(op: Conv2dOperator): string | null {
  if (isComplex(op.inDtype)) return 'the operator is complex (the ring solver handles real convolutions)';
  if (op.groups !== 1) return `groups = ${op.groups} (only groups 1 is implemented)`;
  const p = op.pads;
  if (!(p.top || p.bottom || p.left || p.right)) return null;
  const padStr = `padding [${p.top}, ${p.bottom}, ${p.left}, ${p.right}]`;
  if (op.paddingMode === 'circular') return `${padStr} in mode 'circular' (a circulant: use method 'fft')`;
  const why = squareSameObstacle(op, padStr);
  if (why === null) {
    const [, ci] = op.weight.shape as [number, number];
    const ish = op.inShape;
    const n1 = ish[ish.length - 2]!;
    const n2 = ish[ish.length - 1]!;
    const mode = op.paddingMode;
    const N1 = sameTorusSize(n1, p.top + p.bottom, p.top, mode);
    const N2 = sameTorusSize(n2, p.left + p.right, p.left, mode);
    const ring = ci * (N1 * N2 - n1 * n2);
    if (ring > EXACT_RING_MAX) return `the pad ring has ${ring} unknowns, above ${EXACT_RING_MAX} (dense capacitance LU, ${((8 * ring * ring) / 1e9).toFixed(1)} GB; an iterative ring solve is not implemented)`;
    return null;
  }
  // Any other pads, stride, dilation or channel counts: the two-ring solver (zeros, reflect or replicate).
  return rectObstacleOf(op, padStr);
}

/** The square stride-1 'same' conditions of the pad-ring solver (ring-same.ts), or the first one that fails. */
function squareSameObstacle(op: Conv2dOperator, padStr: string): string | null {
  const p = op.pads;
  const [co, ci, kh, kw] = op.weight.shape as [number, number, number, number];
  if (op.stride[0] !== 1 || op.stride[1] !== 1) return `${padStr} with stride [${op.stride.join(', ')}] (padded convolutions need stride 1)`;
  if (co !== ci) return `${padStr} with c_out = ${co} ≠ c_in = ${ci} (padded convolutions need a square operator)`;
  if (p.top + p.bottom !== op.dilation[0] * (kh - 1) || p.left + p.right !== op.dilation[1] * (kw - 1))
    return `${padStr} is not 'same' for a ${kh}×${kw} kernel with dilation [${op.dilation.join(', ')}] (pads must sum to d·(k−1))`;
  return null;
}

/** The spec of the two-ring solver (ring-rect.ts) for a zero-, reflect- or replicate-padded operator. */
function rectSpec(op: Conv2dOperator, weight: Float64Array): RectConvSpec {
  const [co, ci, kh, kw] = op.weight.shape as [number, number, number, number];
  const ish = op.inShape;
  const p = op.pads;
  return {
    weight,
    cOut: co,
    cIn: ci,
    kh,
    kw,
    n1: ish[ish.length - 2]!,
    n2: ish[ish.length - 1]!,
    pt: p.top,
    pb: p.bottom,
    pl: p.left,
    pr: p.right,
    s1: op.stride[0],
    s2: op.stride[1],
    d1: op.dilation[0],
    d2: op.dilation[1],
    mode: op.paddingMode === 'reflect' || op.paddingMode === 'replicate' ? op.paddingMode : 'zeros',
  };
}

/** Why the two-ring solver cannot take a padded `op` (normal equations it cannot form, ring too large), or null. */
function rectObstacleOf(op: Conv2dOperator, padStr: string): string | null {
  const why = rectObstacle(rectSpec(op, new Float64Array(0)));
  if (why === null) return null;
  const [co, ci] = op.weight.shape as [number, number];
  return `${padStr}, stride [${op.stride.join(', ')}], c_out = ${co}, c_in = ${ci}: ${why}`;
}

/**
 * Why `validSolver: 'lu'` cannot factorise the 'valid' `op` through the two-ring solver, or null when it can.
 * @example `validLuObstacle(conv2d(w, { inShape: [2, 8, 8] })) // null`
 */
export function validLuObstacle(op: Conv2dOperator): string | null {
  return rectObstacleOf(op, 'padding 0');
}

/**
 * True when G = C Cᵀ can be invertible, i.e. c_out ≤ c_in·s1·s2 (otherwise the ring solver only gives a
 * regularised answer and `pinv`'s auto choice avoids it).
 *
 * @example `exactWellPosed(A) // true for c_out = c_in, stride 1`
 */
export function exactWellPosed(op: Conv2dOperator): boolean {
  const [co, ci] = op.weight.shape as [number, number];
  if (op.pads.top || op.pads.bottom || op.pads.left || op.pads.right) return true; // square 'same'
  return co <= ci * op.stride[0] * op.stride[1];
}

/** What {@link Conv2dExactPinv.solve} reports (the largest / worst over the batch). @example `r.info.iterations` */
export interface Conv2dExactSolveInfo {
  /** CG iterations, all refinement passes together, largest over the batch ('same', 'rect': 0, the ring is solved by LU). */
  iterations: number;
  /** Refinement passes, largest over the batch. */
  passes: number;
  /** Every sample met the normal-equation tolerance and G was invertible. */
  converged: boolean;
  /** Largest per-sample ‖Aᵀ(Ax̂ − y)‖/(ν‖y‖), ν ≤ ‖A‖ a lower bound. */
  normalResidual: number;
}

/**
 * Why `pinv`'s 'auto' does not take the exact ring solvers for `op`: {@link exactObstacle}, or a ring system
 * above {@link SAME_RING_MAX} / {@link RECT_RING_MAX} unknowns (then `method: 'exact'` still works, at
 * (2/3)U³ flops and 8U² bytes); null when it does.
 *
 * @example `exactAutoObstacle(A) // null for 'same' at c = 32, 128² (8,224 unknowns)`
 */
export function exactAutoObstacle(op: Conv2dOperator): string | null {
  const why = exactObstacle(op);
  if (why !== null) return why;
  const { kind, unknowns } = exactKind(op);
  const max = kind === 'same' ? SAME_RING_MAX : kind === 'rect' ? RECT_RING_MAX : Infinity;
  if (unknowns <= max) return null;
  return `the ring system has ${unknowns} unknowns, above the automatic limit ${max}; method 'exact' factorises it (${((8 * unknowns * unknowns) / 1e9).toFixed(1)} GB, about ${Math.round(((2 / 3) * unknowns ** 3) / 1.4e10)} s of set-up on 2 cores)`;
}

/**
 * Which ring solver {@link Conv2dExactPinv} uses for `op` (assumed accepted by {@link exactObstacle}): 'valid'
 * (no padding), 'same' (square stride-1 'same', pad-ring LU) or 'rect' (any other padding, two-ring LU), with
 * the size of its ring system.
 *
 * @example `exactKind(conv2d(w, { inShape: [2, 8, 8], padding: 1, stride: 2 })).kind // 'rect'`
 */
export function exactKind(op: Conv2dOperator): { kind: 'valid' | 'same' | 'rect'; unknowns: number } {
  const p = op.pads;
  const ish = op.inShape;
  const n1 = ish[ish.length - 2]!;
  const n2 = ish[ish.length - 1]!;
  const ci = op.weight.shape[1]!;
  if (!(p.top || p.bottom || p.left || p.right)) {
    const osh = op.outShape;
    return { kind: 'valid', unknowns: op.weight.shape[0]! * (n1 * n2 - osh[osh.length - 2]! * osh[osh.length - 1]!) };
  }
  if (squareSameObstacle(op, '') === null) {
    const mode = op.paddingMode === 'circular' ? 'zeros' : op.paddingMode;
    const N1 = sameTorusSize(n1, p.top + p.bottom, p.top, mode);
    const N2 = sameTorusSize(n2, p.left + p.right, p.left, mode);
    return { kind: 'same', unknowns: ci * (N1 * N2 - n1 * n2) };
  }
  return { kind: 'rect', unknowns: rectGeometry(rectSpec(op, new Float64Array(0))).unknowns };
}

/**
 * ‖Av‖/‖v‖ after 15 power steps on AᵀA: a rigorous lower bound of ‖A‖ (so residuals divided by it over-state).
 * @example `const nu = conv2dNormLowerBound(A) // ≤ ‖A‖`
 */
export function conv2dNormLowerBound(op: Conv2dOperator): number {
  let v: Float64Array = new Float64Array(op.inSize);
  for (let i = 0; i < v.length; i++) v[i] = 1 + 0.5 * Math.sin(0.7 * i) + 0.25 * Math.cos(2.3 * i);
  let best = 0;
  for (let it = 0; it < 15; it++) {
    const nv = Math.sqrt(v.reduce((s, a) => s + a * a, 0));
    if (nv === 0) return best;
    for (let i = 0; i < v.length; i++) v[i] = v[i]! / nv;
    const av = op.apply(fromFloat64(v, op.inShape, op.inDtype));
    const ad = toFloat64(av);
    best = Math.max(best, Math.sqrt(ad.reduce((s, a) => s + a * a, 0)));
    v = Float64Array.from(toFloat64(op.adjoint(av)));
  }
  return best;
}

/**
 * The ring factorisation of a 'valid' {@link Conv2dOperator}; `solve(y)` takes y of shape `outShape` or
 * `[batch, ...outShape]` (an operator with a batch dimension in its inShape is solved sample by sample).
 *
 * @example
 * ```ts
 * const f = new Conv2dExactPinv(A);
 * const { x, info } = f.solve(y);
 * ```
 */
export class Conv2dExactPinv {
  /** Factorisation diagnostics (status, condition estimate, ‖A‖ bounds, set-up time). */
  readonly info: RingFactorInfo;
  /**
   * 'valid' (ring of unobserved outputs, CG), 'same' (square stride-1 'same': pad ring, dense capacitance LU) or
   * 'rect' (any other zero padding: output ring + input ring, dense capacitance LU, ring-rect.ts).
   */
  readonly kind: 'valid' | 'same' | 'rect';
  private readonly factor: RingValidFactor | RingSameFactor | RingRectFactor;
  private readonly op: Conv2dOperator;
  private readonly perIn: number;
  private readonly perOut: number;

  /**
   * @param options.validSolver 'valid' convolutions only: 'cg' (default) solves the ring system by
   *   preconditioned CG for every y; 'lu' factorises it densely once through the two-ring solver (an empty input
   *   ring), so that a new y costs two FFT passes and two triangular solves.
   */
  constructor(op: Conv2dOperator, options: { validSolver?: 'cg' | 'lu' } = {}) {
    const why = exactObstacle(op);
    if (why !== null) throw new AdjointError(`Conv2dExactPinv: ${why}`, 'op');
    const vs = options.validSolver ?? 'cg';
    if (vs !== 'cg' && vs !== 'lu') throw argError('Conv2dExactPinv', 'options.validSolver', "'cg' or 'lu'", vs);
    this.op = op;
    const [co, ci, kh, kw] = op.weight.shape as [number, number, number, number];
    const ish = op.inShape;
    const osh = op.outShape;
    const n1 = ish[ish.length - 2]!;
    const n2 = ish[ish.length - 1]!;
    this.perIn = ci * n1 * n2;
    this.perOut = co * osh[osh.length - 2]! * osh[osh.length - 1]!;
    const weight = Float64Array.from(toFloat64(op.weight));
    const p = op.pads;
    const padded = p.top || p.bottom || p.left || p.right;
    if (!padded && vs === 'lu') {
      const whyLu = validLuObstacle(op);
      if (whyLu !== null) throw new AdjointError(`Conv2dExactPinv: option 'validSolver' 'lu' needs a ring system the two-ring solver can factorise: ${whyLu}`, 'validSolver');
    }
    if ((padded && squareSameObstacle(op, '') !== null) || (!padded && vs === 'lu')) {
      this.kind = 'rect';
      const f = new RingRectFactor(rectSpec(op, weight));
      this.factor = f;
      const i = f.info;
      this.info = { status: i.status, normC: i.normC, normALower: i.normALower, condEstimate: i.condEstimate, ringSize: i.ringSize, setupMs: i.setupMs, bytes: i.bytes };
    } else if (p.top || p.bottom || p.left || p.right) {
      this.kind = 'same';
      const f = new RingSameFactor({ weight, c: co, kh, kw, n1, n2, pt: p.top, pl: p.left, d1: op.dilation[0], d2: op.dilation[1], mode: op.paddingMode === 'circular' ? 'zeros' : op.paddingMode });
      this.factor = f;
      const i = f.info;
      this.info = { status: i.status, normC: i.normC, normALower: conv2dNormLowerBound(op), condEstimate: i.condEstimate, ringSize: i.ringSize, setupMs: i.setupMs, bytes: i.bytes };
    } else {
      this.kind = 'valid';
      const f = new RingValidFactor({ weight, cOut: co, cIn: ci, kh, kw, n1, n2, d1: op.dilation[0], d2: op.dilation[1], s1: op.stride[0], s2: op.stride[1] });
      this.factor = f;
      this.info = f.info;
    }
  }

  /**
   * x̂ = A⁺y (float64 internally, returned in the operator's dtype).
   * @example `const { x, info } = f.solve(y, { tol: 1e-11 })`
   */
  solve(y: Tensor, options: RingSolveOptions = {}): { x: Tensor; info: Conv2dExactSolveInfo } {
    const yd = toFloat64(y);
    const nb = yd.length / this.perOut;
    const xs = new Float64Array(nb * this.perIn);
    const info: Conv2dExactSolveInfo = { iterations: 0, passes: 0, converged: true, normalResidual: 0 };
    // 'valid': the samples go through solveMany, which shares each G⁻¹ application among SOLVE_BATCH of them.
    const valid =
      this.factor instanceof RingValidFactor ? this.factor.solveMany(Array.from({ length: nb }, (_, b) => yd.subarray(b * this.perOut, (b + 1) * this.perOut)), options) : null;
    for (let b = 0; b < nb; b++) {
      const yb = yd.subarray(b * this.perOut, (b + 1) * this.perOut);
      if (this.factor instanceof RingRectFactor || this.factor instanceof RingSameFactor) {
        const f = this.factor;
        const r = f.solve(yb, options.tol ?? 1e-10, options.maxRefine ?? 4);
        xs.set(r.x, b * this.perIn);
        info.passes = Math.max(info.passes, r.info.refinements);
        info.converged &&= r.info.converged;
        // Square 'same': ‖Aᵀr‖/(‖A‖‖y‖) ≤ ‖r‖/‖y‖; the two-ring solver measures the normal residual itself.
        const ne = 'normalResidual' in r.info ? r.info.normalResidual : r.info.residual;
        info.normalResidual = Math.max(info.normalResidual, ne);
        continue;
      }
      const r = valid![b]!;
      xs.set(r.x, b * this.perIn);
      info.iterations = Math.max(info.iterations, r.info.cgIterations.reduce((s, v) => s + v, 0));
      info.passes = Math.max(info.passes, r.info.cgIterations.length);
      info.converged &&= r.info.converged;
      info.normalResidual = Math.max(info.normalResidual, r.info.normalResidual);
    }
    const lead = y.shape.slice(0, y.ndim - this.op.outShape.length);
    return { x: fromFloat64(xs, [...lead, ...this.op.inShape], this.op.inDtype), info };
  }
}
