/**
 * LSMR (Fong & Saunders, SIAM J. Sci. Comput. 33(5), 2011): the same Golub–Kahan bidiagonalisation as
 * LSQR, but minimising ‖Aᴴr_k‖ over the Krylov space (MINRES on the normal equations), so ‖Aᴴr‖ decreases
 * monotonically and stopping early on the least-squares test is safer. Two rotations per step (plus one for
 * damping); ‖r‖, ‖A‖ and cond(A) are estimated on the fly as in the paper.
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { LinearOperator } from '../linear-operator.js';
import { symOrtho } from './lsqr.js';
import { golubKahanStart, golubKahanStep, KrylovProblem } from './problem.js';
import type { KrylovOptions, KrylovResult, KrylovStopReason } from './types.js';

/**
 * Solves min ‖A x − b‖² + damp²‖x‖² with LSMR. From x0 = 0 (the default) it converges to the minimum-norm
 * solution, also for rank-deficient and complex A. Each iteration costs one `apply` and one `adjoint`.
 * Stops by Fong–Saunders' rules with `atol`/`btol`/`conlim`, or at `maxIter` (then `info.converged` is
 * false). The returned `info` residuals are recomputed from x.
 *
 * @example
 * ```ts
 * const { x, info } = operators.lsmr(A, b, { damp: 0.1, tol: 1e-10 });
 * info.converged; // true
 * ```
 */
export function lsmr(A: LinearOperator, b: Tensor, options: KrylovOptions = {}): KrylovResult {
  const P = new KrylovProblem('lsmr', A, b, options);
  const { atol, btol, conlim, damp, maxIter } = P;
  const n = P.zSpace.size;
  const x = new Float64Array(n);
  const start = golubKahanStart(P);
  const { u, v } = start;
  let { beta, alpha } = start;
  const normb = beta;
  if (normb === 0) return P.finish(x, 0, 'zeroRhs', 0, 0);
  if (alpha === 0) return P.finish(x, 0, 'exactSolution', 0, 0);

  let zetabar = alpha * beta;
  let alphabar = alpha;
  let rho = 1;
  let rhobar = 1;
  let cbar = 1;
  let sbar = 0;
  const h = Float64Array.from(v);
  const hbar = new Float64Array(n);

  // ‖r‖ estimation.
  let betadd = beta;
  let betad = 0;
  let rhodold = 1;
  let tautildeold = 0;
  let thetatilde = 0;
  let zeta = 0;
  let d = 0;

  // ‖A‖ and cond(A) estimation.
  let normA2 = alpha * alpha;
  let maxrbar = 0;
  let minrbar = 1e100;
  let normA = Math.sqrt(normA2);
  let condA = 1;
  let normx = 0;
  const ctol = conlim > 0 ? 1 / conlim : 0;

  let itn = 0;
  let reason: KrylovStopReason | null = null;
  while (reason === null) {
    if (itn >= maxIter) {
      reason = 'maxIter';
      break;
    }
    itn++;
    ({ alpha, beta } = golubKahanStep(P, u, v, alpha));

    // Q̂: eliminate damping; P_k: the subdiagonal; P̄_k: the second factorisation.
    const [chat, shat, alphahat] = symOrtho(alphabar, damp);
    const rhoold = rho;
    const [c, s, rhoNew] = symOrtho(alphahat, beta);
    rho = rhoNew;
    const thetanew = s * alpha;
    alphabar = c * alpha;

    const rhobarold = rhobar;
    const zetaold = zeta;
    const thetabar = sbar * rho;
    const rhotemp = cbar * rho;
    const rot = symOrtho(cbar * rho, thetanew);
    cbar = rot[0];
    sbar = rot[1];
    rhobar = rot[2];
    zeta = cbar * zetabar;
    zetabar = -sbar * zetabar;

    // h̄ = h − (θ̄ρ/(ρ_old ρ̄_old)) h̄;  x += (ζ/(ρ ρ̄)) h̄;  h = v − (θ/ρ) h.
    const fh = -((thetabar * rho) / (rhoold * rhobarold));
    const fx = zeta / (rho * rhobar);
    const fv = -(thetanew / rho);
    let xx = 0;
    for (let i = 0; i < n; i++) {
      const hb = h[i]! + fh * hbar[i]!;
      hbar[i] = hb;
      const xi = x[i]! + fx * hb;
      x[i] = xi;
      xx += xi * xi;
      h[i] = v[i]! + fv * h[i]!;
    }
    normx = Math.sqrt(xx);

    // ‖r‖ estimate.
    const betaacute = chat * betadd;
    const betacheck = -shat * betadd;
    const betahat = c * betaacute;
    betadd = -s * betaacute;
    const thetatildeold = thetatilde;
    const [ctildeold, stildeold, rhotildeold] = symOrtho(rhodold, thetabar);
    thetatilde = stildeold * rhobar;
    rhodold = ctildeold * rhobar;
    betad = -stildeold * betad + ctildeold * betahat;
    tautildeold = (zetaold - thetatildeold * tautildeold) / rhotildeold;
    const taud = (zeta - thetatilde * tautildeold) / rhodold;
    d += betacheck * betacheck;
    const normr = Math.sqrt(d + (betad - taud) ** 2 + betadd * betadd);

    // ‖A‖ and cond(A) estimates.
    normA2 += beta * beta;
    normA = Math.sqrt(normA2);
    normA2 += alpha * alpha;
    maxrbar = Math.max(maxrbar, rhobarold);
    if (itn > 1) minrbar = Math.min(minrbar, rhobarold);
    condA = Math.max(maxrbar, rhotemp) / Math.min(minrbar, rhotemp);

    const normar = Math.abs(zetabar);
    const test1 = normr / normb;
    const test2 = normA * normr !== 0 ? normar / (normA * normr) : Infinity;
    const test3 = 1 / condA;
    const t1 = test1 / (1 + (normA * normx) / normb);
    const rtol = btol + (atol * normA * normx) / normb;
    if (1 + test3 <= 1) reason = 'conditionLimit';
    if (1 + test2 <= 1) reason = 'machinePrecision';
    if (1 + t1 <= 1) reason = 'machinePrecision';
    if (test3 <= ctol) reason = 'conditionLimit';
    if (test2 <= atol) reason = 'leastSquares';
    if (test1 <= rtol) reason = 'compatible';
    // normr includes the damping term; it is the estimate LSMR has.
    if (P.report(itn, normr / normb, normar / (normA * normb), normA, normx) && reason === null) reason = 'callback';
  }
  return P.finish(x, itn, reason, normA, condA);
}
