/**
 * The iterative path of the pseudo-inverse, for conv2d operators the FFT cannot diagonalise (zero, reflect or
 * replicate padding, strides that do not divide the size): LSQR or LSMR from x0 = 0, which converge to the
 * minimum-norm least-squares solution, bounded by `maxIter` and honest about convergence.
 *
 * Preconditioner (undamped runs): the right preconditioner M = Aᴴ·P, with P the circulant approximation of
 * (A·Aᴴ)⁻¹ on the output grid: per output frequency (B(g)·B(g)ᴴ + μ·I)⁻¹, B the block of the same kernel on
 * the torus of the output size (× stride). Every iterate x = M·z lies in range(Aᴴ), so the limit is still the
 * minimum-norm least-squares solution, while A·M ≈ I away from the border. With damping the solvers damp z,
 * not x, so damped runs are not preconditioned.
 */
import { argError } from '../../errors.js';
import { irfftn, rfftn } from '../../fft/api.js';
import { gaussJordanInverse } from '../../linalg/kernels/pinv.js';
import { cast } from '../../tensor/cast.js';
import { isComplex } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Conv2dOperator } from '../conv2d.js';
import { lsmr } from '../krylov/lsmr.js';
import { lsqr } from '../krylov/lsqr.js';
import type { KrylovProgress } from '../krylov/types.js';
import { LinearOperator, fromFloat64, toFloat64 } from '../linear-operator.js';
import { checkDamp, evaluateBlocks, geometry } from './circular-fft.js';

/** Options of the Krylov path. @example `{ solver: 'lsmr', tol: 1e-8, maxIter: 300 }` */
export interface KrylovPinvOptions {
  /** 'lsqr' (default) or 'lsmr'. */
  solver?: 'lsqr' | 'lsmr';
  /** Relative tolerance (solver's atol = btol; default 1e-8 float64, 1e-5 float32). */
  tol?: number;
  /** Iteration cap per right-hand side (default: the solver's). */
  maxIter?: number;
  /** Tikhonov damping λ. */
  damp?: number;
  /**
   * Use the circulant preconditioner (default false: measured on random 3×3 kernels with zero padding it slows
   * LSQR down — the circulant's symbol has near-zeros the Toeplitz operator does not share; ignored with damping).
   */
  precondition?: boolean;
  /** Progress callback: (right-hand side index, iteration, progress); return false to stop. */
  onIteration?: (item: number, iteration: number, progress: KrylovProgress) => boolean | void;
}

/** Report of the Krylov path over all right-hand sides. @example `info.converged` */
export interface KrylovPinvInfo {
  /** The solver used. */
  solver: 'lsqr' | 'lsmr';
  /** Whether the circulant preconditioner was used. */
  preconditioned: boolean;
  /** Largest iteration count over the right-hand sides. */
  iterations: number;
  /** True when every right-hand side converged. */
  converged: boolean;
  /** ‖A x − y‖ / ‖y‖ over the whole batch, recomputed from x. */
  relResidual: number;
  /** Largest relative normal residual reported by the solver (for A∘M when preconditioned). */
  relNormalResidual: number;
  /** Stop reasons, one per right-hand side. */
  stopReasons: string[];
}

/** Relative regularisation μ/‖B‖²_max of the circulant Gram inverse. */
const PRECOND_SHIFT = 1e-6;

/**
 * P ≈ (A·Aᴴ)⁻¹ on the output space of a conv2d operator: a Hermitian positive definite circulant.
 *
 * @example
 * ```ts
 * const P = new CirculantGramInverse(A);
 * const M = A.H.compose(P); // right preconditioner
 * ```
 */
export class CirculantGramInverse extends LinearOperator {
  private readonly q: Float64Array;
  private readonly rows: number;
  private readonly m1: number;
  private readonly m2: number;
  private readonly g2h: number;

  constructor(op: Conv2dOperator, shift = PRECOND_SHIFT) {
    const outShape = op.outShape.slice(-3);
    super({ name: 'CirculantGramInverse', inShape: outShape, outShape, inDtype: op.outDtype, outDtype: op.outDtype });
    const [cout, cig, kh, kw] = op.weight.shape as [number, number, number, number];
    const cin = cig * op.groups;
    const m1 = outShape[1]!, m2 = outShape[2]!;
    const [s1, s2] = op.stride;
    const w = toFloat64(op.weight);
    let wd = w;
    if (op.groups > 1) {
      wd = new Float64Array(cout * cin * kh * kw);
      const opg = cout / op.groups;
      for (let o = 0; o < cout; o++)
        for (let c = 0; c < cig; c++)
          wd.set(w.subarray((o * cig + c) * kh * kw, (o * cig + c + 1) * kh * kw), (o * cin + Math.floor(o / opg) * cig + c) * kh * kw);
    }
    const geom = geometry(cout, cin, kh, kw, m1 * s1, m2 * s2, s1, s2, op.dilation[0], op.dilation[1], 0, 0);
    const { blocks, fro, count } = evaluateBlocks(geom, wd);
    let froMax = 0;
    for (let g = 0; g < count; g++) froMax = Math.max(froMax, fro[g]!);
    const mu = Math.max(shift * froMax, Number.MIN_VALUE);
    const cols = cin * s1 * s2;
    const q = new Float64Array(count * cout * cout * 2);
    const gr = new Float64Array(cout * cout);
    const gi = new Float64Array(cout * cout);
    const perm = new Int32Array(cout);
    for (let g = 0; g < count; g++) {
      const b = g * cout * cols * 2;
      for (let i = 0; i < cout; i++) {
        for (let j = 0; j < cout; j++) {
          let re = 0;
          let im = 0;
          for (let c = 0; c < cols; c++) {
            const ar = blocks[b + 2 * (i * cols + c)]!, ai = blocks[b + 2 * (i * cols + c) + 1]!;
            const br = blocks[b + 2 * (j * cols + c)]!, bi = -blocks[b + 2 * (j * cols + c) + 1]!;
            re += ar * br - ai * bi;
            im += ar * bi + ai * br;
          }
          gr[i * cout + j] = re + (i === j ? mu : 0);
          gi[i * cout + j] = im;
        }
      }
      gaussJordanInverse(cout, gr, gi, perm);
      for (let t = 0; t < cout * cout; t++) {
        q[g * cout * cout * 2 + 2 * t] = gr[t]!;
        q[g * cout * cout * 2 + 2 * t + 1] = gi[t]!;
      }
    }
    this.q = q;
    this.rows = cout;
    this.m1 = m1;
    this.m2 = m2;
    this.g2h = Math.floor(m2 / 2) + 1;
  }

  protected applyBatch(x: Tensor): Tensor {
    const { rows, m1, m2, g2h, q } = this;
    const count = x.shape[0]! * (x.numel / (x.shape[0]! * rows * m1 * m2));
    const xf = toFloat64(rfftn(new Tensor(toFloat64(x), [count, rows, m1, m2], 'float64'), { dim: [-2, -1] }));
    const zf = new Float64Array(xf.length);
    const v = new Float64Array(2 * rows);
    const plane = m1 * g2h;
    for (let it = 0; it < count; it++) {
      for (let g = 0; g < plane; g++) {
        for (let o = 0; o < rows; o++) {
          const s = 2 * ((it * rows + o) * plane + g);
          v[2 * o] = xf[s]!;
          v[2 * o + 1] = xf[s + 1]!;
        }
        const qb = g * rows * rows * 2;
        for (let i = 0; i < rows; i++) {
          let re = 0;
          let im = 0;
          for (let j = 0; j < rows; j++) {
            const a = q[qb + 2 * (i * rows + j)]!, b = q[qb + 2 * (i * rows + j) + 1]!;
            re += a * v[2 * j]! - b * v[2 * j + 1]!;
            im += a * v[2 * j + 1]! + b * v[2 * j]!;
          }
          const d = 2 * ((it * rows + i) * plane + g);
          zf[d] = re;
          zf[d + 1] = im;
        }
      }
    }
    const z = irfftn(new Tensor(zf, [count, rows, m1, g2h], 'complex128'), { s: [m1, m2], dim: [-2, -1] });
    return fromFloat64(toFloat64(z), x.shape, x.dtype);
  }

  protected adjointBatch(y: Tensor): Tensor {
    // P is Hermitian.
    return this.applyBatch(y);
  }
}

/**
 * Minimum-norm least-squares solution of conv2d(x) = y by LSQR/LSMR, one right-hand side at a time.
 *
 * @example
 * ```ts
 * const { x, info } = krylovPinvSolve(A, y, { tol: 1e-8, maxIter: 200 });
 * ```
 */
export function krylovPinvSolve(op: Conv2dOperator, y: Tensor, options: KrylovPinvOptions = {}): { x: Tensor; info: KrylovPinvInfo } {
  const fn = `${op.name}.pinv`;
  const damp = checkDamp(fn, options.damp);
  const solver = options.solver ?? 'lsqr';
  if (solver !== 'lsqr' && solver !== 'lsmr') throw argError(fn, 'solver', "'lsqr' or 'lsmr'", solver);
  const batched = y.ndim === op.outShape.length + 1;
  const count = batched ? y.shape[0]! : 1;
  const precondition = (options.precondition ?? false) && damp === 0;
  const M = precondition ? op.H.compose(new CirculantGramInverse(op)) : undefined;
  const run = solver === 'lsqr' ? lsqr : lsmr;
  // y in the operator's output dtype (a real y of a complex operator gains zero imaginary parts), and sizes in
  // scalars: a complex element is two of them.
  const yd = toFloat64(y.dtype === op.outDtype || isComplex(y.dtype) === isComplex(op.outDtype) ? y : cast(y, op.outDtype));
  const per = op.outSize * (isComplex(op.outDtype) ? 2 : 1);
  const inPer = op.inSize * (isComplex(op.inDtype) ? 2 : 1);
  const xs = new Float64Array(count * inPer);
  let iterations = 0;
  let converged = true;
  let resSq = 0;
  let ySq = 0;
  let normalMax = 0;
  const stopReasons: string[] = [];
  for (let b = 0; b < count; b++) {
    const yb = fromFloat64(Float64Array.from(yd.subarray(b * per, (b + 1) * per)), op.outShape, op.outDtype);
    const cb = options.onIteration;
    const r = run(op, yb, {
      ...(options.tol !== undefined ? { tol: options.tol } : {}),
      ...(options.maxIter !== undefined ? { maxIter: options.maxIter } : {}),
      ...(damp > 0 ? { damp } : {}),
      ...(M ? { preconditioner: M } : {}),
      ...(cb ? { onIteration: (it: number, p: KrylovProgress) => cb(b, it, p) } : {}),
    });
    xs.set(toFloat64(r.x), b * inPer);
    let yn = 0;
    for (let i = b * per; i < (b + 1) * per; i++) yn += yd[i]! * yd[i]!;
    ySq += yn;
    resSq += (r.info.relResidual * r.info.relResidual) * yn;
    iterations = Math.max(iterations, r.info.iterations);
    converged &&= r.info.converged;
    normalMax = Math.max(normalMax, r.info.relNormalResidual);
    stopReasons.push(r.info.stopReason);
  }
  const x = fromFloat64(xs, batched ? [count, ...op.inShape] : op.inShape.slice(), op.inDtype);
  return {
    x,
    info: { solver, preconditioned: precondition, iterations, converged, relResidual: ySq > 0 ? Math.sqrt(resSq / ySq) : 0, relNormalResidual: normalMax, stopReasons },
  };
}
