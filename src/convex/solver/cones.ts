/**
 * Cone geometry for the interior-point solver: the nonnegative orthant and the cone of real symmetric positive
 * semidefinite matrices (stored full, row-major). Nesterov–Todd scaling, Jordan products, the inverse Jordan
 * product with a diagonal λ and the maximal step to the boundary, all in the scaled space where λ is diagonal.
 */
import { cholesky, matmulNT, matmulSq, matmulTN, symEig } from './dense.js';

/**
 * Nesterov–Todd scaling of one PSD block at (X, Z): R with R⁻¹·X·R⁻ᵀ = Rᵀ·Z·R = diag(λ), and G = R·Rᵀ, so that
 * the scaled Newton equations read Ω(dZ) = G·dZ·G.
 */
export interface PsdScaling {
  /** Block size. */
  s: number;
  /** The scaling matrix R (row-major s×s). */
  R: Float64Array;
  /** G = R·Rᵀ. */
  G: Float64Array;
  /** The diagonal of the scaled point λ. */
  lambda: Float64Array;
}

/**
 * Computes the NT scaling of a PSD block from X and Z (both s×s, row-major, symmetric positive definite):
 * L₁ = chol(X), L₂ = chol(Z), L₁ᵀ·Z·L₁ = V·Λ²·Vᵀ, R = L₁·V·Λ^{-1/2}. Returns null when X or Z is not numerically
 * positive definite.
 *
 * @example
 * ```ts
 * const sc = ntScalingPsd(2, x, z); // sc.lambda = sqrt(eig(X·Z))
 * ```
 */
export function ntScalingPsd(s: number, x: Float64Array, z: Float64Array, work: Float64Array[]): PsdScaling | null {
  const [l1, l2, p, q] = work as [Float64Array, Float64Array, Float64Array, Float64Array];
  l1.set(x.subarray(0, s * s));
  l2.set(z.subarray(0, s * s));
  if (!cholesky(s, l1) || !cholesky(s, l2)) return null;
  matmulTN(s, l2, l1, p); // P = L₂ᵀ·L₁
  matmulTN(s, p, p, q); // Q = Pᵀ·P = L₁ᵀ·Z·L₁
  for (let i = 0; i < s; i++) for (let j = 0; j < i; j++) { const v = 0.5 * (q[i * s + j]! + q[j * s + i]!); q[i * s + j] = v; q[j * s + i] = v; }
  const d = new Float64Array(s), e = new Float64Array(s);
  if (!symEig(s, q, d, e, true)) return null; // columns of q: V
  const lambda = new Float64Array(s);
  for (let i = 0; i < s; i++) {
    if (!(d[i]! > 0)) return null;
    lambda[i] = Math.sqrt(d[i]!);
  }
  // R = L₁·V·Λ^{-1/2}
  const R = new Float64Array(s * s);
  matmulSq(s, l1, q, R);
  for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) R[i * s + j]! /= Math.sqrt(lambda[j]!);
  const G = new Float64Array(s * s);
  matmulNT(s, R, R, G);
  return { s, R, G, lambda };
}

/**
 * out = G·V·G (the NT Hessian map Ω of a PSD block), with `tmp` scratch of size s².
 *
 * @example
 * ```ts
 * applyOmega(sc, v, out, tmp);
 * ```
 */
export function applyOmega(sc: PsdScaling, v: Float64Array, out: Float64Array, tmp: Float64Array): void {
  matmulSq(sc.s, sc.G, v, tmp);
  matmulSq(sc.s, tmp, sc.G, out);
}

/**
 * out = Rᵀ·V·R (the scaled dual direction 𝒲·dZ).
 *
 * @example
 * ```ts
 * scaleDual(sc, dz, out, tmp);
 * ```
 */
export function scaleDual(sc: PsdScaling, v: Float64Array, out: Float64Array, tmp: Float64Array): void {
  matmulTN(sc.s, sc.R, v, tmp);
  matmulSq(sc.s, tmp, sc.R, out);
}

/**
 * out = R·U·Rᵀ (𝒲ᵀ·U, mapping a scaled quantity back to the primal space).
 *
 * @example
 * ```ts
 * unscalePrimal(sc, u, out, tmp);
 * ```
 */
export function unscalePrimal(sc: PsdScaling, u: Float64Array, out: Float64Array, tmp: Float64Array): void {
  matmulSq(sc.s, sc.R, u, tmp);
  matmulNT(sc.s, tmp, sc.R, out);
}

/**
 * Solves λ ∘ U = Rc for U, with λ diagonal: U[i,j] = 2·Rc[i,j] / (λᵢ + λⱼ).
 *
 * @example
 * ```ts
 * jordanDivDiag(2, lambda, rc, u);
 * ```
 */
export function jordanDivDiag(s: number, lambda: Float64Array, rc: Float64Array, u: Float64Array): void {
  for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) u[i * s + j] = (2 * rc[i * s + j]!) / (lambda[i]! + lambda[j]!);
}

/**
 * out = (A·B + B·A)/2 for symmetric s×s A, B (the Jordan product of the PSD cone).
 *
 * @example
 * ```ts
 * jordanProduct(2, a, b, out, tmp);
 * ```
 */
export function jordanProduct(s: number, a: Float64Array, b: Float64Array, out: Float64Array, tmp: Float64Array): void {
  matmulSq(s, a, b, tmp);
  for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) out[i * s + j] = 0.5 * (tmp[i * s + j]! + tmp[j * s + i]!);
}

/**
 * Largest α with diag(λ) + α·D ⪰ 0 (Infinity when D ⪰ 0): α = −1 / λ_min(Λ^{-1/2}·D·Λ^{-1/2}).
 *
 * @example
 * ```ts
 * maxStepPsd(2, lambda, d, tmp);
 * ```
 */
export function maxStepPsd(s: number, lambda: Float64Array, dmat: Float64Array, tmp: Float64Array): number {
  for (let i = 0; i < s; i++) {
    const li = 1 / Math.sqrt(lambda[i]!);
    for (let j = 0; j < s; j++) tmp[i * s + j] = 0.5 * (dmat[i * s + j]! + dmat[j * s + i]!) * li / Math.sqrt(lambda[j]!);
  }
  const d = new Float64Array(s), e = new Float64Array(s);
  if (!symEig(s, tmp, d, e, false)) return 0;
  let mn = Infinity;
  for (let i = 0; i < s; i++) mn = Math.min(mn, d[i]!);
  return mn < 0 ? -1 / mn : Infinity;
}

/**
 * Nesterov–Todd scaling of a second-order cone block {u : u₀ ≥ ‖u₁‖} at (x, z): the symmetric
 * W = β·(2vvᵀ − J) with W·z = W⁻¹·x = λ (J = diag(1, −1, …, −1)), stored dense, with Ω = W² and λ.
 * Returns null when x or z is not strictly inside the cone.
 *
 * @example
 * ```ts
 * const sc = ntScalingSoc(3, Float64Array.of(2, 1, 0), Float64Array.of(1, 0, 0.5));
 * ```
 */
export function ntScalingSoc(k: number, x: Float64Array, z: Float64Array): { W: Float64Array; Om: Float64Array; lambda: Float64Array } | null {
  let xj = x[0]! * x[0]!, zj = z[0]! * z[0]!;
  for (let i = 1; i < k; i++) {
    xj -= x[i]! * x[i]!;
    zj -= z[i]! * z[i]!;
  }
  if (!(xj > 0) || !(zj > 0) || !(x[0]! > 0) || !(z[0]! > 0)) return null;
  const xn = Math.sqrt(xj), zn = Math.sqrt(zj);
  let xz = 0; // x̄ᵀz̄
  for (let i = 0; i < k; i++) xz += (x[i]! / xn) * (z[i]! / zn);
  const gamma = Math.sqrt((1 + xz) / 2);
  const w = new Float64Array(k); // w̄ = (x̄ + J·z̄)/(2γ)
  for (let i = 0; i < k; i++) w[i] = (x[i]! / xn + (i === 0 ? 1 : -1) * (z[i]! / zn)) / (2 * gamma);
  const beta = Math.sqrt(xn / zn);
  const v = new Float64Array(k);
  const nv = Math.sqrt(2 * (w[0]! + 1));
  for (let i = 0; i < k; i++) v[i] = (w[i]! + (i === 0 ? 1 : 0)) / nv;
  const W = new Float64Array(k * k), Om = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    const J = i === j ? (i === 0 ? 1 : -1) : 0;
    W[i * k + j] = beta * (2 * v[i]! * v[j]! - J);
    Om[i * k + j] = beta * beta * (2 * w[i]! * w[j]! - J);
  }
  const lambda = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += W[i * k + j]! * z[j]!;
    lambda[i] = s;
  }
  return { W, Om, lambda };
}

/**
 * Jordan product of the second-order cone: u∘v = (uᵀv, u₀·v₁ + v₀·u₁).
 *
 * @example
 * ```ts
 * jordanSoc(2, Float64Array.of(1, 0), Float64Array.of(3, 4), out); // out = [3, 4]
 * ```
 */
export function jordanSoc(k: number, u: Float64Array, v: Float64Array, out: Float64Array): void {
  let s = 0;
  for (let i = 0; i < k; i++) s += u[i]! * v[i]!;
  const u0 = u[0]!, v0 = v[0]!;
  for (let i = 1; i < k; i++) out[i] = u0 * v[i]! + v0 * u[i]!;
  out[0] = s;
}

/**
 * Solves λ∘u = r in the second-order cone: u₀ = (λ₀r₀ − λ₁ᵀr₁)/(λᵀJλ), u₁ = (r₁ − u₀·λ₁)/λ₀.
 *
 * @example
 * ```ts
 * jordanDivSoc(2, Float64Array.of(1, 0), r, u); // u = r
 * ```
 */
export function jordanDivSoc(k: number, l: Float64Array, r: Float64Array, u: Float64Array): void {
  let det = l[0]! * l[0]!, lr = l[0]! * r[0]!;
  for (let i = 1; i < k; i++) {
    det -= l[i]! * l[i]!;
    lr -= l[i]! * r[i]!;
  }
  const u0 = lr / det;
  for (let i = 1; i < k; i++) u[i] = (r[i]! - u0 * l[i]!) / l[0]!;
  u[0] = u0;
}

/**
 * Largest α with λ + α·d in the second-order cone (Infinity when unbounded): the first positive root of
 * (λ + αd)ᵀJ(λ + αd) = 0.
 *
 * @example
 * ```ts
 * maxStepSoc(2, Float64Array.of(1, 0), Float64Array.of(-1, 0)); // 1
 * ```
 */
export function maxStepSoc(k: number, l: Float64Array, d: Float64Array): number {
  let a = d[0]! * d[0]!, b = l[0]! * d[0]!, c = l[0]! * l[0]!;
  for (let i = 1; i < k; i++) {
    a -= d[i]! * d[i]!;
    b -= l[i]! * d[i]!;
    c -= l[i]! * l[i]!;
  }
  // roots of a·α² + 2b·α + c
  if (Math.abs(a) <= 1e-300) return b < 0 ? -c / (2 * b) : Infinity;
  const disc = b * b - a * c;
  if (disc < 0) return Infinity;
  const q = -(b + (b >= 0 ? 1 : -1) * Math.sqrt(disc));
  let best = Infinity;
  for (const r of [q / a, q !== 0 ? c / q : Infinity]) if (r > 0 && r < best) best = r;
  return best;
}
