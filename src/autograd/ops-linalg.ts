/**
 * The torch.linalg surface, recorded. Gradients follow PyTorch's complex convention (for a real loss L of
 * z = x + iy the gradient is ∂L/∂x + i·∂L/∂y), so for a holomorphic map with derivative D the rule is g·conj(D).
 *
 * Rules (A⁻ᴴ = (A⁻¹)ᴴ; all batched, broadcast batch dims summed back):
 * - solve X = A⁻¹B: ∂B = A⁻ᴴ G, ∂A = −∂B Xᴴ (`left: false`: ∂B = G A⁻ᴴ, ∂A = −Xᴴ ∂B).
 * - inv Y = A⁻¹: ∂A = −Yᴴ G Yᴴ.
 * - det d: ∂A = g · adj(A)ᴴ, with the adjugate taken from the SVD (adj(A)ᴴ = conj(det U · det Vh) · U adj(S) Vh),
 *   so singular matrices get the right (finite) gradient too.
 * - slogdet: ∂A = g · A⁻ᴴ for logabsdet; `sign` of a real matrix is piecewise constant (zero gradient, returned
 *   as a constant); for a complex matrix sign = det/|det| has ∂A = −i·Im(conj(g)·sign)·A⁻ᴴ. Singular A: throws.
 * - cholesky, eigh, pinv({ hermitian: true }): the raw ops read only one triangle of A, so the gradient is the
 *   one of that map: the Hermitian gradient folded onto the triangle read (off-diagonal entries doubled, the
 *   imaginary part of the diagonal gets zero). Cholesky: Φ-formula (Murray 2016) on Lᴴ Ḡ.
 * - qr (reduced, or complete with m = n; needs m ≥ n and full column rank): ∂A = (Ḡ_Q + Q·copyltu(M)) R⁻ᴴ,
 *   M = R Ḡ_Rᴴ − Ḡ_Qᴴ Q, copyltu mirroring the strict lower triangle Hermitian-wise, real diagonal.
 * - eigh: ∂A = V (diag(ḡλ) + F ∘ Vᴴ Ḡ_V) Vᴴ with F_ij = 1/(λ_j − λ_i); throws for (numerically) repeated
 *   eigenvalues when the eigenvectors are used. Eigenvectors are defined up to sign (phase): only losses that
 *   do not depend on that choice (|V|², V diag(w) Vᴴ, …) have a gradient, which is then the one returned.
 * - svd (reduced, or full with m = n) / svdvals: the standard formula with E_ij = s_j² − s_i², the terms
 *   (I − UUᴴ)Ḡ_U S⁻¹Vh and U S⁻¹ Ḡ_Vhᴴ... for non-square A, and the imaginary diagonal term for complex A.
 *   Repeated or zero singular values make the U/Vh gradient undefined: throws. Same gauge caveat as eigh.
 * - pinv X = A⁺ (Golub–Pereyra): ∂A = −Xᴴ G Xᴴ + (I − AX) Gᴴ X Xᴴ + Xᴴ X Gᴴ (I − XA). This is the derivative
 *   at constant rank: exact for full-rank A; for rank-deficient A it is the derivative along perturbations
 *   that keep the rank (the pseudo-inverse is not continuous across a rank change).
 * - triangularSolve: as solve, the gradient of A kept on the triangle read; lstsq: `solution` only, through
 *   the pinv rule (residuals, rank and singularValues are marked non-differentiable).
 * Not differentiable (a backward sweep through them throws, naming the op): lu, luFactor, luSolve, matrixRank,
 * vectorNorm, matrixNorm, norm, cond (use the recorded ops — `norm`, `sum`, `abs`, … — to compose them).
 * @module
 */
import { AdjointError } from '../errors.js';
import * as R from '../linalg/index.js';
import { cast } from '../tensor/cast.js';
import { conj, imag } from '../tensor/complex-ops.js';
import { isComplex } from '../tensor/dtype.js';
import { add, mul, neg, sub } from '../tensor/elementwise.js';
import { matmul } from '../tensor/matmul.js';
import { conjTranspose as H, reshape, unsqueeze } from '../tensor/views.js';
import { Tensor } from '../tensor/tensor.js';
import { fitGrad } from './grad-utils.js';
import { needsGrad } from './tape.js';
import { differentiable, nonDifferentiable } from './wrap.js';

export { MAX_QL_ITER, MAX_QR_ITER } from '../linalg/index.js';
export type {
  SolveOptions, CholeskyOptions, LuSolveOptions, TriangularSolveOptions, QrOptions, QrResult, SvdResult, SvdOptions,
  EighResult, Uplo, RankOptions, LstsqResult, LstsqOptions, MatrixNormOrd,
} from '../linalg/index.js';

// ---------------------------------------------------------------------------------------------------------------
// Small raw helpers (the backward sweep runs under noGrad, so the raw ops are used throughout).

/** A contiguous float64/complex128 copy of `t` and whether it is complex. */
function work(t: Tensor): { d: Float64Array; c: boolean } {
  const c = isComplex(t.dtype);
  const dt = c ? 'complex128' : 'float64';
  const w = t.dtype === dt ? t : cast(t, dt);
  return { d: Float64Array.from(w.contiguousData() as Float64Array), c };
}

/** X · diag(s) (s real, `[..., k]`). */
const scaleCols = (X: Tensor, s: Tensor): Tensor => mul(X, unsqueeze(s, -2));
/** diag(s) · X. */
const scaleRows = (s: Tensor, X: Tensor): Tensor => mul(unsqueeze(s, -1), X);

/** The imaginary unit times a (real) tensor. */
function timesI(t: Tensor): Tensor {
  const { d } = work(t);
  const out = new Float64Array(2 * d.length);
  for (let i = 0; i < d.length; i++) out[2 * i + 1] = d[i]!;
  return new Tensor(out, t.shape, 'complex128');
}

/**
 * Folds the gradient P (w.r.t. a Hermitian matrix) onto the triangle the raw op reads: for the lower one,
 * out_ij = P_ij + conj(P_ji) below the diagonal, Re P_ii on it, zero above.
 */
function foldOntoTriangle(P: Tensor, upper: boolean): Tensor {
  const { d, c } = work(P);
  const n = P.shape[P.ndim - 1]!;
  const out = new Float64Array(d.length);
  const count = n === 0 ? 0 : d.length / (n * n * (c ? 2 : 1));
  for (let b = 0; b < count; b++) {
    const o = b * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const keep = upper ? j > i : i > j;
        const ij = o + i * n + j;
        const ji = o + j * n + i;
        if (c) {
          if (i === j) out[2 * ij] = d[2 * ij]!;
          else if (keep) {
            out[2 * ij] = d[2 * ij]! + d[2 * ji]!;
            out[2 * ij + 1] = d[2 * ij + 1]! - d[2 * ji + 1]!;
          }
        } else if (i === j) out[ij] = d[ij]!;
        else if (keep) out[ij] = d[ij]! + d[ji]!;
      }
    }
  }
  return new Tensor(out, P.shape, c ? 'complex128' : 'float64');
}

/** Keeps the strict lower triangle of T plus its conjugate transpose, with `diagScale`·Re(diag T) on the diagonal. */
function copyLowerToUpper(T: Tensor, diagScale: number): Tensor {
  const { d, c } = work(T);
  const n = T.shape[T.ndim - 1]!;
  const out = new Float64Array(d.length);
  const count = n === 0 ? 0 : d.length / (n * n * (c ? 2 : 1));
  for (let b = 0; b < count; b++) {
    const o = b * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const ij = o + i * n + j;
        const ji = o + j * n + i;
        if (c) {
          if (i === j) out[2 * ij] = diagScale * d[2 * ij]!;
          else {
            out[2 * ij] = d[2 * ij]!;
            out[2 * ij + 1] = d[2 * ij + 1]!;
            out[2 * ji] = d[2 * ij]!;
            out[2 * ji + 1] = -d[2 * ij + 1]!;
          }
        } else if (i === j) out[ij] = diagScale * d[ij]!;
        else {
          out[ij] = d[ij]!;
          out[ji] = d[ij]!;
        }
      }
    }
  }
  return new Tensor(out, T.shape, c ? 'complex128' : 'float64');
}

/**
 * F_ij = 1/(w_j − w_i) (i ≠ j), 0 on the diagonal, for `[..., n]` values w (`square`: use w_j² − w_i²).
 * Throws when two values coincide to rounding: the gradient is then undefined.
 */
function gapInverse(w: Tensor, fn: string, square: boolean): Tensor {
  const { d } = work(w);
  const n = w.shape[w.ndim - 1]!;
  const count = n === 0 ? 0 : d.length / n;
  const out = new Float64Array(count * n * n);
  for (let b = 0; b < count; b++) {
    let scale = 0;
    for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(d[b * n + i]!));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const wi = d[b * n + i]!;
        const wj = d[b * n + j]!;
        if (Math.abs(wj - wi) <= 1e-13 * n * scale) {
          throw new AdjointError(
            `${fn}: the gradient through the ${fn === 'eigh' ? 'eigenvectors' : 'singular vectors'} is undefined for repeated ${fn === 'eigh' ? 'eigenvalues' : 'singular values'} (${wi} and ${wj} in matrix ${b})`,
            'A',
          );
        }
        out[(b * n + i) * n + j] = square ? 1 / (wj * wj - wi * wi) : 1 / (wj - wi);
      }
    }
  }
  return new Tensor(out, [...w.shape, n], 'float64');
}

/** True for the batch-of-vectors form of solve's B (PyTorch's rule). */
function vectorRhs(A: Tensor, B: Tensor): boolean {
  return B.ndim === 1 || (B.ndim === A.ndim - 1 && B.shape.every((s, i) => s === A.shape[i]));
}

/** Every tensor in a result object, marked as the output of a non-differentiable op when `args` need grad. */
function markResult<T>(name: string, args: readonly unknown[], run: () => T): T {
  if (!needsGrad(args)) return run();
  const res = run();
  if (res instanceof Tensor) return nonDifferentiable(name, args, () => res) as T;
  if (res !== null && typeof res === 'object') {
    const o: Record<string, unknown> = { ...(res as Record<string, unknown>) };
    for (const [k, v] of Object.entries(o)) if (v instanceof Tensor) o[k] = nonDifferentiable(`${name}.${k}`, args, () => v);
    return o as T;
  }
  return res;
}

// ---------------------------------------------------------------------------------------------------------------
// Differentiable ops.

/**
 * Solves A X = B (or X A = B with `{ left: false }`), recorded: ∂B = A⁻ᴴ G, ∂A = −∂B Xᴴ.
 * @example `linalg.solve(A, b)`
 */
export function solve(A: Tensor, B: Tensor, options: R.SolveOptions = {}): Tensor {
  return differentiable('solve', [A, B], () => R.solve(A, B, options), (g, X) => {
    const left = options.left ?? true;
    const gB = R.solve(H(A), g, { left });
    const vec = vectorRhs(A, B);
    let gA: Tensor | null = null;
    if (A.requiresGrad) {
      const d = left ? -1 : -2;
      const Xm = vec ? unsqueeze(X, d) : X;
      const gBm = vec ? unsqueeze(gB, d) : gB;
      gA = neg(left ? matmul(gBm, H(Xm)) : matmul(H(Xm), gBm));
    }
    return [gA === null ? null : fitGrad(gA, A), B.requiresGrad ? fitGrad(gB, B) : null];
  });
}

/**
 * Matrix inverse, recorded: ∂A = −A⁻ᴴ G A⁻ᴴ.
 * @example `linalg.inv(A)`
 */
export function inv(A: Tensor): Tensor {
  return differentiable('inv', [A], () => R.inv(A), (g, Y) => {
    const Yh = H(Y);
    return [fitGrad(neg(matmul(matmul(Yh, g), Yh)), A)];
  });
}

/**
 * Determinant, recorded: ∂A = g·adj(A)ᴴ (= g·conj(det A)·A⁻ᴴ for invertible A), exact at singular A too.
 * @example `linalg.det(A)`
 */
export function det(A: Tensor): Tensor {
  return differentiable('det', [A], () => R.det(A), (g) => {
    const { U, S, Vh } = R.svd(A);
    const n = S.shape[S.ndim - 1]!;
    const { d } = work(S);
    const adjS = new Float64Array(d.length);
    for (let b = 0; b < (n === 0 ? 0 : d.length / n); b++) {
      for (let i = 0; i < n; i++) {
        let p = 1;
        for (let j = 0; j < n; j++) if (j !== i) p *= d[b * n + j]!;
        adjS[b * n + i] = p;
      }
    }
    let phase = mul(R.det(U), R.det(Vh));
    if (isComplex(phase.dtype)) phase = conj(phase);
    const adjH = matmul(scaleCols(U, new Tensor(adjS, S.shape, 'float64')), Vh);
    const coef = mul(g, phase);
    return [fitGrad(mul(unsqueeze(unsqueeze(coef, -1), -1), adjH), A)];
  });
}

/**
 * sign and log|det| of each matrix, recorded: ∂A = g·A⁻ᴴ for logabsdet; a real `sign` is a constant, a
 * complex one has ∂A = −i·Im(conj(g)·sign)·A⁻ᴴ. Throws in the backward pass for singular A.
 * @example `linalg.slogdet(A).logabsdet`
 */
export function slogdet(A: Tensor): { sign: Tensor; logabsdet: Tensor } {
  if (!needsGrad([A])) return R.slogdet(A);
  const raw = R.slogdet(A);
  const AinvH = (): Tensor => H(R.inv(A));
  const logabsdet = differentiable('slogdet.logabsdet', [A], () => raw.logabsdet, (g) => [
    fitGrad(mul(unsqueeze(unsqueeze(g, -1), -1), AinvH()), A),
  ]);
  if (!isComplex(raw.sign.dtype)) return { sign: raw.sign, logabsdet };
  const sign = differentiable('slogdet.sign', [A], () => raw.sign, (g) => {
    const coef = neg(timesI(imag(mul(conj(g), raw.sign))));
    return [fitGrad(mul(unsqueeze(unsqueeze(coef, -1), -1), AinvH()), A)];
  });
  return { sign, logabsdet };
}

/**
 * Cholesky factor, recorded (Φ-formula; only the triangle read by the raw op gets a gradient).
 * @example `linalg.cholesky(A)`
 */
export function cholesky(A: Tensor, options: R.CholeskyOptions = {}): Tensor {
  return differentiable('cholesky', [A], () => R.cholesky(A, options), (g, out) => {
    const upper = options.upper ?? false;
    const L = upper ? H(out) : out;
    const gL = upper ? H(g) : g;
    const W = copyLowerToUpper(matmul(H(L), gL), 1);
    // W above is tril(T,-1) + tril(T,-1)ᴴ + Re diag T; the rule needs half of it.
    const Li = R.inv(L);
    const Gs = matmul(matmul(H(Li), mul(W, 0.5)), Li);
    return [fitGrad(foldOntoTriangle(Gs, false), A)];
  });
}

/**
 * QR, recorded for m ≥ n in 'reduced' mode (or 'complete'/'r' when m = n / for R only); pivoting is not
 * differentiable. ∂A = (Ḡ_Q + Q·copyltu(R Ḡ_Rᴴ − Ḡ_Qᴴ Q)) R⁻ᴴ; needs full column rank.
 * @example `linalg.qr(A).R`
 */
export function qr(A: Tensor, options: R.QrOptions = {}): R.QrResult {
  if (!needsGrad([A])) return R.qr(A, options);
  const mode = options.mode ?? 'reduced';
  const m = A.shape[A.ndim - 2] ?? 0;
  const n = A.shape[A.ndim - 1] ?? 0;
  if (options.pivoting === true) return markResult('qr', [A], () => R.qr(A, options));
  if (m < n || (mode === 'complete' && m !== n)) {
    throw new AdjointError(`qr: gradients need m ≥ n (and mode 'reduced' unless m = n); got a ${m}×${n} matrix in mode '${mode}' — Q is not unique otherwise`, 'A');
  }
  const raw = R.qr(A, options);
  const { Q, R: Rf } = mode === 'r' ? R.qr(A) : raw;
  const rule = (gQ: Tensor | null, gR: Tensor | null): Tensor | null => {
    let M = gR === null ? null : matmul(Rf, H(gR));
    if (gQ !== null) {
      const t = matmul(H(gQ), Q);
      M = M === null ? neg(t) : sub(M, t);
    }
    let X = matmul(Q, copyLowerToUpper(M!, 1));
    if (gQ !== null) X = add(X, gQ);
    // X R⁻ᴴ = (R⁻¹ Xᴴ)ᴴ.
    return fitGrad(H(R.solve(Rf, H(X))), A);
  };
  const Rr = differentiable('qr.R', [A], () => raw.R, (g) => [rule(null, g)]);
  const Qr = mode === 'r' ? raw.Q : differentiable('qr.Q', [A], () => raw.Q, (g) => [rule(g, null)]);
  return { Q: Qr, R: Rr };
}

/**
 * Eigen-decomposition of Hermitian matrices, recorded: ∂A = V (diag(ḡλ) + F ∘ Vᴴ Ḡ_V) Vᴴ, folded onto the
 * triangle read. Eigenvector gradients need distinct eigenvalues and a loss that ignores their phase.
 * @example `linalg.eigh(A).eigenvalues`
 */
export function eigh(A: Tensor, uplo: R.Uplo = 'L'): R.EighResult {
  if (!needsGrad([A])) return R.eigh(A, uplo);
  const raw = R.eigh(A, uplo);
  const { eigenvalues: w, eigenvectors: V } = raw;
  const finish = (inner: Tensor): Tensor | null => fitGrad(foldOntoTriangle(matmul(matmul(V, inner), H(V)), uplo === 'U'), A);
  const eigenvalues = differentiable('eigh.eigenvalues', [A], () => w, (g) => [finish(scaleRows(g, matmul(H(V), V)))]);
  const eigenvectors = differentiable('eigh.eigenvectors', [A], () => V, (g) => [finish(mul(gapInverse(w, 'eigh', false), matmul(H(V), g)))]);
  return { eigenvalues, eigenvectors };
}

/**
 * Eigenvalues of Hermitian matrices, recorded: ∂A = V diag(ḡ) Vᴴ (folded onto the triangle read).
 * @example `linalg.eigvalsh(A)`
 */
export function eigvalsh(A: Tensor, uplo: R.Uplo = 'L'): Tensor {
  if (!needsGrad([A])) return R.eigvalsh(A, uplo);
  return eigh(A, uplo).eigenvalues;
}

/** The SVD backward for the reduced factors (any of gU, gS, gVh may be null). */
function svdRule(A: Tensor, U: Tensor, S: Tensor, Vh: Tensor, gU: Tensor | null, gS: Tensor | null, gVh: Tensor | null): Tensor | null {
  const m = A.shape[A.ndim - 2]!;
  const n = A.shape[A.ndim - 1]!;
  const k = S.shape[S.ndim - 1]!;
  const V = H(Vh);
  const cplx = isComplex(A.dtype);
  const parts: Tensor[] = [];
  const acc = (t: Tensor): void => {
    parts.push(t);
  };
  if (gS !== null) acc(scaleRows(gS, matmul(Vh, V)));
  let extra: Tensor | null = null;
  if (gU !== null || gVh !== null) {
    const F = gapInverse(S, 'svd', true);
    const invS = new Tensor(work(S).d.map((s) => 1 / s), S.shape, 'float64');
    if (gU !== null) {
      const UhgU = matmul(H(U), gU);
      acc(scaleCols(mul(F, sub(UhgU, H(UhgU))), S));
      if (cplx) {
        // The phase-gauge term: i·Im diag(Uᴴ Ḡ_U) / (2s) on the diagonal.
        const dg = diagOf(UhgU);
        acc(scaleRows(mul(timesI(imag(dg)), mul(invS, 0.5)), matmul(Vh, V)));
      }
      if (m > k) {
        const t = sub(gU, matmul(U, UhgU));
        extra = matmul(scaleCols(t, invS), Vh);
      }
    }
    if (gVh !== null) {
      const gV = H(gVh);
      const VhgV = matmul(Vh, gV);
      acc(scaleRows(S, mul(F, sub(VhgV, H(VhgV)))));
      if (cplx) {
        const dg = diagOf(VhgV);
        acc(scaleRows(mul(timesI(imag(dg)), mul(invS, -0.5)), matmul(Vh, V)));
      }
      if (n > k) {
        const t = sub(gV, matmul(V, VhgV));
        const e2 = matmul(U, scaleRows(invS, H(t)));
        extra = extra === null ? e2 : add(extra, e2);
      }
    }
  }
  const inner = parts.length === 0 ? null : parts.reduce((a, b) => add(a, b));
  let gA = inner === null ? null : matmul(matmul(U, inner), Vh);
  if (extra !== null) gA = gA === null ? extra : add(gA, extra);
  return gA === null ? null : fitGrad(gA, A);
}

/** The diagonal `[..., k]` of a `[..., k, k]` tensor, as a contiguous tensor. */
function diagOf(X: Tensor): Tensor {
  const { d, c } = work(X);
  const k = X.shape[X.ndim - 1]!;
  const count = k === 0 ? 0 : d.length / (k * k * (c ? 2 : 1));
  const sp = c ? 2 : 1;
  const out = new Float64Array(count * k * sp);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < k; i++) for (let p = 0; p < sp; p++) out[(b * k + i) * sp + p] = d[((b * k + i) * k + i) * sp + p]!;
  }
  return new Tensor(out, X.shape.slice(0, -1), c ? 'complex128' : 'float64');
}

/**
 * SVD, recorded. S is differentiable always; U and Vh with `fullMatrices: false` or a square A (otherwise the
 * extra columns are arbitrary and a backward sweep through them throws). Needs distinct nonzero singular
 * values for the U/Vh gradients, and a loss that ignores the singular vectors' common phase.
 * @example `linalg.svd(A, { fullMatrices: false }).S`
 */
export function svd(A: Tensor, options: R.SvdOptions = {}): R.SvdResult {
  if (!needsGrad([A])) return R.svd(A, options);
  const raw = R.svd(A, options);
  const m = A.shape[A.ndim - 2]!;
  const n = A.shape[A.ndim - 1]!;
  const full = (options.fullMatrices ?? true) && m !== n;
  const red = full ? R.svd(A, { fullMatrices: false }) : raw;
  const S = differentiable('svd.S', [A], () => raw.S, (g) => [svdRule(A, red.U, red.S, red.Vh, null, g, null)]);
  if (full) {
    return { U: nonDifferentiable('svd.U (fullMatrices with m ≠ n)', [A], () => raw.U), S, Vh: nonDifferentiable('svd.Vh (fullMatrices with m ≠ n)', [A], () => raw.Vh) };
  }
  const U = differentiable('svd.U', [A], () => raw.U, (g) => [svdRule(A, red.U, red.S, red.Vh, g, null, null)]);
  const Vh = differentiable('svd.Vh', [A], () => raw.Vh, (g) => [svdRule(A, red.U, red.S, red.Vh, null, null, g)]);
  return { U, S, Vh };
}

/**
 * Singular values, recorded: ∂A = U diag(ḡ) Vh (reduced factors).
 * @example `linalg.svdvals(A)`
 */
export function svdvals(A: Tensor): Tensor {
  if (!needsGrad([A])) return R.svdvals(A);
  return svd(A, { fullMatrices: false }).S;
}

/**
 * Pseudo-inverse, recorded with the Golub–Pereyra formula (the derivative at constant rank; see the module
 * notes). `hermitian: true` folds the gradient onto the lower triangle read.
 * @example `linalg.pinv(A)`
 */
export function pinv(A: Tensor, options: R.RankOptions = {}): Tensor {
  return differentiable('pinv', [A], () => R.pinv(A, options), (g, X) => [fitGrad(pinvGrad(A, X, g, options.hermitian === true), A)]);
}

/** The Golub–Pereyra gradient of X = A⁺ for the output gradient g. */
function pinvGrad(A: Tensor, X: Tensor, g: Tensor, hermitian: boolean): Tensor {
  const Xh = H(X);
  const Gh = H(g);
  let gA = neg(matmul(matmul(Xh, g), Xh));
  const t1 = matmul(Gh, matmul(X, Xh));
  gA = add(gA, sub(t1, matmul(A, matmul(X, t1))));
  const t2 = matmul(matmul(Xh, X), Gh);
  gA = add(gA, sub(t2, matmul(matmul(t2, X), A)));
  return hermitian ? foldOntoTriangle(gA, false) : gA;
}

/** Zeros all but the (upper or lower) triangle of each matrix; `strict` also zeros the diagonal. */
function keepTriangle(X: Tensor, upper: boolean, strict: boolean): Tensor {
  const { d, c } = work(X);
  const r = X.shape[X.ndim - 2]!;
  const n = X.shape[X.ndim - 1]!;
  const sp = c ? 2 : 1;
  const count = r * n === 0 ? 0 : d.length / (r * n * sp);
  for (let b = 0; b < count; b++) {
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < n; j++) {
        const keep = upper ? j > i || (j === i && !strict) : j < i || (j === i && !strict);
        if (!keep) for (let p = 0; p < sp; p++) d[((b * r + i) * n + j) * sp + p] = 0;
      }
    }
  }
  return new Tensor(d, X.shape, c ? 'complex128' : 'float64');
}

/**
 * Triangular solve, recorded: ∂B = A⁻ᴴ G (a triangular solve again), ∂A = −∂B Xᴴ (`left: false`: −Xᴴ ∂B) kept
 * on the triangle read (strictly, with `unitriangular`).
 * @example `linalg.triangularSolve(L, B, { upper: false })`
 */
export function triangularSolve(A: Tensor, B: Tensor, options: R.TriangularSolveOptions): Tensor {
  return differentiable('triangularSolve', [A, B], () => R.triangularSolve(A, B, options), (g, X) => {
    const left = options.left ?? true;
    const gB = R.triangularSolve(H(A), g, { upper: !options.upper, left, unitriangular: options.unitriangular ?? false });
    let gA: Tensor | null = null;
    if (A.requiresGrad) gA = keepTriangle(neg(left ? matmul(gB, H(X)) : matmul(H(X), gB)), options.upper, options.unitriangular === true);
    return [gA === null ? null : fitGrad(gA, A), B.requiresGrad ? fitGrad(gB, B) : null];
  });
}

/**
 * Least squares, recorded for `solution` (= pinv(A)·B with the same cut-off, so the pinv rule at constant rank
 * applies: ∂B = A⁺ᴴ G, ∂A from G Bᴴ); `residuals`, `rank` and `singularValues` are not differentiable here
 * (use `svdvals`, or compose the residual from the solution).
 * @example `linalg.lstsq(A, B).solution`
 */
export function lstsq(A: Tensor, B: Tensor, options: R.LstsqOptions = {}): R.LstsqResult {
  if (!needsGrad([A, B])) return R.lstsq(A, B, options);
  const raw = markResult('lstsq', [A, B], () => R.lstsq(A, B, options));
  const solution = differentiable('lstsq.solution', [A, B], () => raw.solution, (g) => {
    const P = R.pinv(A, options.rcond === undefined ? {} : { rtol: options.rcond });
    const vec = B.ndim === 1;
    const gm = vec ? unsqueeze(g, -1) : g;
    const Bm = vec ? unsqueeze(B, -1) : B;
    const gB = matmul(H(P), gm);
    const gA = A.requiresGrad ? fitGrad(pinvGrad(A, P, matmul(gm, H(Bm)), false), A) : null;
    return [gA, B.requiresGrad ? fitGrad(vec ? reshape(gB, gB.shape.slice(0, -1)) : gB, B) : null];
  });
  return { ...raw, solution };
}

// ---------------------------------------------------------------------------------------------------------------
// Not differentiable: results are marked so that a backward sweep through them throws.

/** LU with partial pivoting (not differentiable). @example `linalg.lu(A).U` */
export function lu(A: Tensor): { P: Tensor; L: Tensor; U: Tensor } {
  return markResult('lu', [A], () => R.lu(A));
}
/** Packed LU (not differentiable). @example `linalg.luFactor(A).LU` */
export function luFactor(A: Tensor): { LU: Tensor; pivots: Tensor } {
  return markResult('luFactor', [A], () => R.luFactor(A));
}
/** Solve from a packed LU (not differentiable). @example `linalg.luSolve(LU, pivots, B)` */
export function luSolve(LU: Tensor, pivots: Tensor, B: Tensor, options: R.LuSolveOptions = {}): Tensor {
  return markResult('luSolve', [LU, B], () => R.luSolve(LU, pivots, B, options));
}
/** Numerical rank (integer, no gradient). @example `linalg.matrixRank(A)` */
export function matrixRank(A: Tensor, options: R.RankOptions = {}): Tensor {
  return markResult('matrixRank', [A], () => R.matrixRank(A, options));
}
/** Vector norm (not differentiable here; the recorded `norm` reduction is). @example `linalg.vectorNorm(x)` */
export function vectorNorm(x: Tensor, ord = 2, dim?: number | readonly number[], keepdim = false): Tensor {
  return markResult('vectorNorm', [x], () => R.vectorNorm(x, ord, dim, keepdim));
}
/** Matrix norm (not differentiable). @example `linalg.matrixNorm(A, 'fro')` */
export function matrixNorm(A: Tensor, ord: R.MatrixNormOrd = 'fro', dim: readonly [number, number] = [-2, -1], keepdim = false): Tensor {
  return markResult('matrixNorm', [A], () => R.matrixNorm(A, ord, dim, keepdim));
}
/** Vector or matrix norm (not differentiable). @example `linalg.norm(A)` */
export function norm(A: Tensor, ord?: R.MatrixNormOrd, dim?: number | readonly number[], keepdim = false): Tensor {
  return markResult('norm', [A], () => R.norm(A, ord, dim, keepdim));
}
/** Condition number (not differentiable). @example `linalg.cond(A)` */
export function cond(A: Tensor, p?: R.MatrixNormOrd): Tensor {
  return markResult('cond', [A], () => R.cond(A, p));
}
