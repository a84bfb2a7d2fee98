/**
 * CGLS: conjugate gradients on the (damped) normal equations (AᴴA + λ²I) x = Aᴴb, without forming AᴴA.
 * The residual r = b − Ax is updated recursively and s = Aᴴr − λ²x is recomputed from it every step, which
 * keeps CGLS stabler than CG on AᴴA. ‖A‖ is estimated from below by max ‖A p‖/‖p‖ over the search
 * directions, which makes the least-squares test conservative.
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { LinearOperator } from '../linear-operator.js';
import { KrylovProblem, norm2 } from './problem.js';
import type { KrylovOptions, KrylovResult, KrylovStopReason } from './types.js';

/**
 * Solves min ‖A x − b‖² + damp²‖x‖² with CGLS. From x0 = 0 (the default) the iterates stay in range(Aᴴ),
 * so it converges to the minimum-norm solution. Stops when ‖r‖ ≤ btol‖b‖ + atol‖A‖‖x‖ ('compatible') or
 * ‖Aᴴr − damp²x‖ ≤ atol‖A‖‖r‖ ('leastSquares'), or at `maxIter`. `conlim` is not used.
 *
 * @example
 * ```ts
 * const { x, info } = operators.cgls(A, b, { tol: 1e-10, maxIter: 200 });
 * ```
 */
export function cgls(A: LinearOperator, b: Tensor, options: KrylovOptions = {}): KrylovResult {
  const P = new KrylovProblem('cgls', A, b, options);
  const { atol, btol, damp, maxIter } = P;
  const n = P.zSpace.size;
  const d2 = damp * damp;
  const x = new Float64Array(n);
  const r = Float64Array.from(P.b);
  const bnorm = norm2(r);
  if (bnorm === 0) return P.finish(x, 0, 'zeroRhs', 0, NaN);
  const s = Float64Array.from(P.adjointOp(r));
  let gamma = 0;
  for (let i = 0; i < n; i++) gamma += s[i]! * s[i]!;
  if (gamma === 0) return P.finish(x, 0, 'exactSolution', 0, NaN);
  const p = Float64Array.from(s);
  // ‖A‖₂ ≥ ‖Aᴴb‖/‖b‖: a first lower bound.
  let normA = Math.sqrt(gamma) / bnorm;
  let itn = 0;
  let reason: KrylovStopReason | null = null;
  while (reason === null) {
    if (itn >= maxIter) {
      reason = 'maxIter';
      break;
    }
    itn++;
    const q = P.applyOp(p);
    let qq = 0;
    let pp = 0;
    for (let i = 0; i < q.length; i++) qq += q[i]! * q[i]!;
    for (let i = 0; i < n; i++) pp += p[i]! * p[i]!;
    const delta = qq + d2 * pp;
    if (delta === 0) {
      reason = 'exactSolution';
      break;
    }
    normA = Math.max(normA, Math.sqrt(delta / pp));
    const alpha = gamma / delta;
    let xx = 0;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i]!;
      xx += x[i]! * x[i]!;
    }
    for (let i = 0; i < r.length; i++) r[i] -= alpha * q[i]!;
    const ATr = P.adjointOp(r);
    let gnew = 0;
    for (let i = 0; i < n; i++) {
      const si = ATr[i]! - d2 * x[i]!;
      s[i] = si;
      gnew += si * si;
    }
    const beta = gnew / gamma;
    gamma = gnew;
    for (let i = 0; i < n; i++) p[i] = s[i]! + beta * p[i]!;

    const rnorm = norm2(r);
    const xnorm = Math.sqrt(xx);
    const snorm = Math.sqrt(gnew);
    // With damping the least-squares residual is that of the stacked system [A; λI] x ≈ [b; 0].
    const rAug = Math.sqrt(rnorm * rnorm + d2 * xx);
    if (snorm === 0) reason = 'exactSolution';
    else if (rnorm <= btol * bnorm + atol * normA * xnorm) reason = 'compatible';
    else if (snorm <= atol * normA * rAug) reason = 'leastSquares';
    if (P.report(itn, rnorm / bnorm, snorm / (normA * bnorm), normA, xnorm) && reason === null) reason = 'callback';
  }
  return P.finish(x, itn, reason, normA, NaN);
}
