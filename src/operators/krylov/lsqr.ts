/**
 * LSQR (Paige & Saunders, ACM TOMS 8(1), 1982): Golub–Kahan bidiagonalisation of A with a QR update of the
 * bidiagonal, giving the iterates of CG on the normal equations in a numerically stabler form. Damping
 * enters as the extra rows λI, eliminated by one plane rotation per step. The stopping rules are the
 * paper's: tests on ‖r‖ (compatible systems), on ‖Aᴴr‖ (least squares) and on cond(A) (conlim).
 */
import type { Tensor } from '../../tensor/tensor.js';
import type { LinearOperator } from '../linear-operator.js';
import { golubKahanStart, golubKahanStep, KrylovProblem } from './problem.js';
import type { KrylovOptions, KrylovResult, KrylovStopReason } from './types.js';

/**
 * @internal Stable plane rotation [c s; −s c]·[a; b] = [r; 0] with r ≥ 0, as in SciPy's _sym_ortho.
 * @example `symOrtho(3, 4) // [0.6, 0.8, 5]`
 */
export function symOrtho(a: number, b: number): [number, number, number] {
  if (b === 0) return [a === 0 ? 1 : Math.sign(a), 0, Math.abs(a)];
  if (a === 0) return [0, Math.sign(b), Math.abs(b)];
  if (Math.abs(b) > Math.abs(a)) {
    const tau = a / b;
    const s = Math.sign(b) / Math.sqrt(1 + tau * tau);
    const c = s * tau;
    return [c, s, b / s];
  }
  const tau = b / a;
  const c = Math.sign(a) / Math.sqrt(1 + tau * tau);
  return [c, c * tau, a / c];
}

/**
 * Solves min ‖A x − b‖² + damp²‖x‖² with LSQR. From x0 = 0 (the default) it converges to the minimum-norm
 * solution, also for rank-deficient and complex A. Each iteration costs one `apply` and one `adjoint`; the
 * vectors are flat float64 arrays reused across iterations. Stops by Paige–Saunders' rules with
 * `atol`/`btol`/`conlim`, or at `maxIter` (then `info.converged` is false). The returned `info` residuals
 * are recomputed from x.
 *
 * @example
 * ```ts
 * const A = operators.matrix(tensor([[1, 0], [0, 2], [0, 0]], { dtype: 'float64' }));
 * const { x, info } = operators.lsqr(A, tensor([1, 2, 3], { dtype: 'float64' }), { tol: 1e-12 });
 * x.toArray();      // ≈ [1, 1]
 * info.stopReason;  // 'leastSquares'
 * ```
 */
export function lsqr(A: LinearOperator, b: Tensor, options: KrylovOptions = {}): KrylovResult {
  const P = new KrylovProblem('lsqr', A, b, options);
  const { atol, btol, conlim, damp, maxIter } = P;
  const n = P.zSpace.size;
  const x = new Float64Array(n);
  const start = golubKahanStart(P);
  const { u, v } = start;
  let { beta, alpha } = start;
  const bnorm = beta;
  if (bnorm === 0) return P.finish(x, 0, 'zeroRhs', 0, 0);
  if (alpha === 0) return P.finish(x, 0, 'exactSolution', 0, 0);
  const w = Float64Array.from(v);

  const ctol = conlim > 0 ? 1 / conlim : 0;
  const dampsq = damp * damp;
  let anorm = 0;
  let acond = 0;
  let ddnorm = 0;
  let res2 = 0;
  let xnorm = 0;
  let xxnorm = 0;
  let z = 0;
  let cs2 = -1;
  let sn2 = 0;
  let rhobar = alpha;
  let phibar = beta;
  let itn = 0;
  let reason: KrylovStopReason | null = null;

  while (reason === null) {
    if (itn >= maxIter) {
      reason = 'maxIter';
      break;
    }
    itn++;
    // Bidiagonalisation: β u = A v − α u,  α v = Aᴴ u − β v.
    const alphaOld = alpha;
    ({ alpha, beta } = golubKahanStep(P, u, v, alpha));
    if (beta > 0) anorm = Math.sqrt(anorm * anorm + alphaOld * alphaOld + beta * beta + dampsq);

    // Eliminate the damping row, then the subdiagonal β.
    let rhobar1 = rhobar;
    let psi = 0;
    if (damp > 0) {
      rhobar1 = Math.sqrt(rhobar * rhobar + dampsq);
      const cs1 = rhobar / rhobar1;
      const sn1 = damp / rhobar1;
      psi = sn1 * phibar;
      phibar = cs1 * phibar;
    }
    const [cs, sn, rho] = symOrtho(rhobar1, beta);
    const theta = sn * alpha;
    rhobar = -cs * alpha;
    const phi = cs * phibar;
    phibar = sn * phibar;
    const tau = sn * phi;

    // x += (φ/ρ) w,  w = v − (θ/ρ) w; ‖d_k‖ = ‖w‖/ρ feeds the cond(A) estimate.
    const t1 = phi / rho;
    const t2 = -theta / rho;
    let wn2 = 0;
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      wn2 += wi * wi;
      x[i] += t1 * wi;
      w[i] = v[i]! + t2 * wi;
    }
    ddnorm += wn2 / (rho * rho);

    // ‖x‖ estimate by the rotation of the lower bidiagonal (Paige–Saunders §5).
    const delta = sn2 * rho;
    const gambar = -cs2 * rho;
    const rhs = phi - delta * z;
    const zbar = rhs / gambar;
    xnorm = Math.sqrt(xxnorm + zbar * zbar);
    const gamma = Math.sqrt(gambar * gambar + theta * theta);
    cs2 = gambar / gamma;
    sn2 = theta / gamma;
    z = rhs / gamma;
    xxnorm += z * z;

    acond = anorm * Math.sqrt(ddnorm);
    const res1 = phibar * phibar;
    res2 += psi * psi;
    const rnorm = Math.sqrt(res1 + res2);
    const arnorm = alpha * Math.abs(tau);

    const test1 = rnorm / bnorm;
    const test2 = arnorm / (anorm * rnorm + Number.EPSILON);
    const test3 = 1 / (acond + Number.EPSILON);
    const t1n = test1 / (1 + (anorm * xnorm) / bnorm);
    const rtol = btol + (atol * anorm * xnorm) / bnorm;
    // Later tests take precedence, as in the paper's ordering.
    if (1 + test3 <= 1) reason = 'conditionLimit';
    if (1 + test2 <= 1) reason = 'machinePrecision';
    if (1 + t1n <= 1) reason = 'machinePrecision';
    if (test3 <= ctol) reason = 'conditionLimit';
    if (test2 <= atol) reason = 'leastSquares';
    if (test1 <= rtol) reason = 'compatible';

    // ‖Ax − b‖ without the damping part, for the progress report.
    const r1sq = rnorm * rnorm - dampsq * xxnorm;
    const r1 = Math.sqrt(Math.abs(r1sq));
    if (P.report(itn, r1 / bnorm, arnorm / (anorm * bnorm), anorm, xnorm) && reason === null) reason = 'callback';
  }
  return P.finish(x, itn, reason, anorm, acond);
}
