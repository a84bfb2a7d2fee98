/**
 * Exact solve of a square padded ('same'-type) real 2-D convolution, stride 1, with zeros, reflect or replicate
 * padding, by embedding it in the torus of the padded size N = n + pads (docs/ISSUE9-APPROACHES.md):
 *
 *   A = S C P,  P: input → torus (fills the pad ring: zeros, or copies of the interior pixels it mirrors),
 *   C circular, S keeps the m = N − d(k−1) outputs that read the padded input without wrapping.
 *
 * With C invertible and t the unknown unobserved outputs (output ring T), the full torus field is
 * u = C⁻¹(Sᵀy + Tᵀt) and it must be a padded image: on each pad pixel p, u(p) = 0 (zeros) or u(p) = u(src p)
 * (reflect/replicate; src p is the interior pixel the pad copies). That is the capacitance system
 * Γt = −(R − M) C⁻¹ Sᵀ y with Γ = (R − M) C⁻¹ Tᵀ, square when c_out = c_in and the pads sum to d(k−1):
 * Γ[(p,a),(q,b)] = K⁻¹(p − q)[a,b] − K⁻¹(src p − q)[a,b] (second term only with a source), K⁻¹ the kernel of
 * C⁻¹ (one inverse 2-D FFT of Ĉ(f)⁻¹). Γ is real, dense and LU-factorised once (blocked, GEMM on every
 * thread: src/linalg/kernels/lu-blocked.ts); a solve
 * is then two FFT pairs plus two triangular solves, refined until ‖Ax̂ − y‖ ≤ tol·‖y‖ (for square A this bounds
 * the normal-equation residual ‖Aᵀ(Ax̂ − y)‖/(‖A‖‖y‖) by the same tol). When A is invertible, A⁻¹ = A⁺.
 * The dense Γ limits this to rings of a few thousand unknowns (c = 8, 64²: 2,080).
 *
 * Internal grids are channel-innermost `[N1][N2][c]` complex; public arrays are PyTorch's `[c][n1][n2]`.
 */
import { fft2Lanes } from './fft2-lanes.js';
import { complexGaussJordan } from '../../linalg/kernels/complex-gauss-jordan.js';
import { gram, invertBlock, padSource, polyphaseSymbol } from './torus-blocks.js';
import { powerLambdaMax } from './hermitian-kernel.js';
import { luBlockedReal, luBlockedSolve, luBlockedSolveTransposed } from '../../linalg/kernels/lu-blocked.js';
import { allocShared } from '../../parallel/pool.js';
import { conv2d as nnConv2d } from '../../nn/conv2d.js';
import { Tensor } from '../../tensor/tensor.js';

/** Geometry and kernel of a square zero-padded convolution (float64, `[c][c][kh][kw]`). @example `{ weight: w, c: 2, kh: 3, kw: 3, n1: 8, n2: 8, pt: 1, pl: 1 }` */
export interface SameConvSpec {
  readonly weight: Float64Array;
  /** Channels (c_out = c_in). */
  readonly c: number;
  readonly kh: number;
  readonly kw: number;
  /** Input spatial size. */
  readonly n1: number;
  readonly n2: number;
  /** Top and left pads (bottom/right are d·(k−1) minus these). */
  readonly pt: number;
  readonly pl: number;
  /** How the pads are filled (default 'zeros'); reflect needs pads < n. */
  readonly mode?: 'zeros' | 'reflect' | 'replicate';
  /** Dilation (default 1). */
  readonly d1?: number;
  readonly d2?: number;
}

/** Diagnostics of {@link RingSameFactor}. @example `f.info.status` */
export interface RingSameInfo {
  /**
   * 'ok'; 'ill-conditioned' (condEstimate > {@link SAME_ILL_CONDITIONED}: y = A·x of a moderate x still solves to
   * ≈ 1e-14, but a y with components along the smallest singular vectors can miss 1e-10); 'singular' (C or Γ
   * has a zero pivot: no exact answer).
   */
  status: 'ok' | 'ill-conditioned' | 'singular';
  /** ‖C‖ = max_f σ_max(Ĉ(f)) (Frobenius bound per frequency is not used: power iteration), an upper bound of ‖A‖. */
  normC: number;
  /** ‖C‖·‖A⁻¹v‖/‖v‖ after a few inverse power steps: an estimate of cond(A) (its ‖A⁻¹‖ factor is a lower bound). */
  condEstimate: number;
  /** Capacitance unknowns c·(N1N2 − n1n2). */
  ringSize: number;
  /** Set-up time in ms. */
  setupMs: number;
  /** Bytes held. */
  bytes: number;
}

/** What one solve did. @example `info.refinements` */
export interface RingSameSolveInfo {
  /** ‖Ax̂ − y‖/‖y‖ ≤ tol (then also the normal-equation residual) and the factorisation was not singular. */
  converged: boolean;
  /** ‖Ax̂ − y‖/‖y‖ (an upper bound of ‖Aᵀ(Ax̂ − y)‖/(‖A‖‖y‖)). */
  residual: number;
  /** Refinement passes used. */
  refinements: number;
}

/**
 * Condition estimate above which a 'same' factorisation reports 'ill-conditioned': a solve's residual is about
 * ε·cond(A)·‖y‖ for a y along the smallest singular vectors, so above ≈ 1e9 a random y can miss the 1e-10
 * target (measured: cond 6.4e11 → 1.7e-7, 4.7e9 → 2.3e-9, 1.1e8 → 6e-12).
 *
 * @example `f.info.condEstimate > SAME_ILL_CONDITIONED`
 */
export const SAME_ILL_CONDITIONED = 1e9;

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Factorisation of a square 'same' convolution: Ĉ(f)⁻¹ on the padded torus and the LU factors of the
 * capacitance matrix Γ on the pad ring.
 *
 * @example
 * ```ts
 * const f = new RingSameFactor({ weight: w, c: 2, kh: 3, kw: 3, n1: 8, n2: 8, pt: 1, pl: 1 });
 * const { x } = f.solve(y); // y, x: [2][8][8]
 * ```
 */
export class RingSameFactor {
  readonly info: RingSameInfo;
  private readonly spec: SameConvSpec;
  private readonly N1: number;
  private readonly N2: number;
  private readonly m1: number;
  private readonly m2: number;
  /** Ĉ(f)⁻¹, [N1][N2][c][c] complex. */
  private readonly cinv: Float64Array;
  /** Flat torus indices of the input ring (pads) and of the output ring (unobserved outputs). */
  private readonly inRing: Int32Array;
  /** For each pad pixel, the flat torus index of the interior pixel it copies, or −1 (zeros). */
  private readonly inSource: Int32Array;
  private readonly outRing: Int32Array;
  /** LU of Γ (row-major, R×R) with row pivots. */
  private readonly lu: Float64Array;
  private readonly piv: Int32Array;
  private readonly buf: Float64Array;
  private readonly tmp: Float64Array;
  private singular = false;
  private weightTensor: Tensor | undefined;

  constructor(spec: SameConvSpec) {
    const t0 = now();
    this.spec = spec;
    const { c, kh, kw, n1, n2, pt, pl, weight } = spec;
    const d1 = spec.d1 ?? 1;
    const d2 = spec.d2 ?? 1;
    const mode = spec.mode ?? 'zeros';
    const N1 = sameTorusSize(n1, d1 * (kh - 1), pt, mode);
    const N2 = sameTorusSize(n2, d2 * (kw - 1), pl, mode);
    this.N1 = N1;
    this.N2 = N2;
    this.m1 = n1;
    this.m2 = n2;
    const NN = N1 * N2;
    // Ĉ(f) = Σ_uv w[:,:,u,v] e^{+2πi(f1·d1u/N1 + f2·d2v/N2)} (cross-correlation: (Cx)(p) = Σ w x(p + d·u)).
    // The kernel is real, so Ĉ(−f) = conj Ĉ(f): only the frequencies that come first in their ±f pair are
    // built, measured and inverted, and Ĉ(−f)⁻¹ is copied as a conjugate.
    const cc = c * c;
    const pg = { co: c, ci: c, kh, kw, d1, d2, s1: 1, s2: 1, M1: N1, M2: N2 };
    const ch = new Float64Array(2 * cc);
    const gram0 = new Float64Array(2 * cc);
    let normC = 0;
    const v = new Float64Array(2 * c);
    const w = new Float64Array(2 * c);
    this.cinv = new Float64Array(2 * NN * cc);
    // Per-frequency inverses on the library's complex Gauss–Jordan workspace (WebAssembly SIMD, JS fallback).
    const gj = complexGaussJordan(c, 3);
    for (let f = 0; f < NN; f++) {
      const g = this.partner(f);
      if (g < f) continue;
      polyphaseSymbol(weight, pg, Math.floor(f / N2), f % N2, ch, 0);
      // ‖C‖: power steps on ĈᴴĈ per frequency (a slight under-estimate at worst; it only scales the estimate).
      gram(ch, 0, c, c, false, gram0);
      normC = Math.max(normC, Math.sqrt(powerLambdaMax(gram0, 0, c, 12, v, w)));
      if (!invertBlock(ch, 0, c, gj, this.cinv, 2 * f * cc)) this.singular = true;
      if (g !== f) for (let e = 0; e < 2 * cc; e += 2) {
        this.cinv[2 * g * cc + e] = this.cinv[2 * f * cc + e]!;
        this.cinv[2 * g * cc + e + 1] = -this.cinv[2 * f * cc + e + 1]!;
      }
    }
    // Rings: input pads = torus rows/cols outside [pt, pt+n1) × [pl, pl+n2); outputs outside [0, m1) × [0, m2).
    const inR: number[] = [];
    const inS: number[] = [];
    const outR: number[] = [];
    for (let p1 = 0; p1 < N1; p1++)
      for (let p2 = 0; p2 < N2; p2++) {
        if (!(p1 >= pt && p1 < pt + n1 && p2 >= pl && p2 < pl + n2)) {
          inR.push(p1 * N2 + p2);
          inS.push(mode === 'zeros' ? -1 : (padSource(p1 - pt, n1, mode) + pt) * N2 + padSource(p2 - pl, n2, mode) + pl);
        }
        if (!(p1 < n1 && p2 < n2)) outR.push(p1 * N2 + p2);
      }
    this.inRing = Int32Array.from(inR);
    this.inSource = Int32Array.from(inS);
    this.outRing = Int32Array.from(outR);
    const R = c * inR.length;
    this.buf = new Float64Array(2 * NN * c);
    this.tmp = new Float64Array(2 * NN * c);
    // K⁻¹(s) = (1/N²) Σ_f Ĉ(f)⁻¹ e^{+2πi f·s/N} is real for every channel pair, so two pairs share one complex
    // inverse FFT: lane (a, b) packed as Ĉ⁻¹_a + i·Ĉ⁻¹_b transforms to K⁻¹_a + i·K⁻¹_b.
    const half = cc >> 1;
    const lanes = cc - half;
    const packed = new Float64Array(2 * NN * lanes);
    for (let f = 0; f < NN; f++)
      for (let l = 0; l < lanes; l++) {
        const a0 = 2 * (f * cc + l);
        const o = 2 * (f * lanes + l);
        const hasB = l + lanes < cc;
        const b0 = 2 * (f * cc + l + lanes);
        packed[o] = this.cinv[a0]! - (hasB ? this.cinv[b0 + 1]! : 0);
        packed[o + 1] = this.cinv[a0 + 1]! + (hasB ? this.cinv[b0]! : 0);
      }
    fft2Lanes(packed, N1, N2, lanes, 1, { tmp: new Float64Array(packed.length) });
    // kinv[s][a·c + b] real, [N1][N2][cc].
    const kinv = new Float64Array(NN * cc);
    for (let f = 0; f < NN; f++)
      for (let l = 0; l < lanes; l++) {
        kinv[f * cc + l] = packed[2 * (f * lanes + l)]!;
        if (l + lanes < cc) kinv[f * cc + l + lanes] = packed[2 * (f * lanes + l) + 1]!;
      }
    const lu = allocShared(Float64Array, R * R);
    // Γ[(p,a),(q,b)] = ((R − M) C⁻¹ e_{q,b})(p)[a] = K⁻¹(p − q)[a,b] − K⁻¹(src p − q)[a,b].
    for (let ip = 0; ip < inR.length; ip++) {
      const p = inR[ip]!;
      const p1 = Math.floor(p / N2);
      const p2 = p % N2;
      const sp = inS[ip]!;
      const sp1 = Math.floor(sp / N2);
      const sp2 = sp % N2;
      for (let iq = 0; iq < outR.length; iq++) {
        const q = outR[iq]!;
        const q1 = Math.floor(q / N2);
        const q2 = q % N2;
        const kb = (((p1 - q1 + N1) % N1) * N2 + ((p2 - q2 + N2) % N2)) * cc;
        const ks = sp < 0 ? -1 : (((sp1 - q1 + N1) % N1) * N2 + ((sp2 - q2 + N2) % N2)) * cc;
        for (let a = 0; a < c; a++)
          for (let b = 0; b < c; b++) {
            const g = kinv[kb + a * c + b]! - (ks < 0 ? 0 : kinv[ks + a * c + b]!);
            lu[(ip * c + a) * R + iq * c + b] = g / NN;
          }
      }
    }
    this.piv = new Int32Array(R);
    let maxAbs = 0;
    for (let i = 0; i < lu.length; i++) maxAbs = Math.max(maxAbs, Math.abs(lu[i]!));
    if (luBlockedReal(lu, R, this.piv, 1e-14 * maxAbs) > 0) this.singular = true;
    this.lu = lu;
    // cond(A) estimate: ‖C‖ (≥ ‖A‖) times ‖A⁻¹‖ from power steps on (AᵀA)⁻¹ = A⁻¹A⁻ᵀ (a lower bound of it).
    let cond = Infinity;
    if (!this.singular) {
      let vv: Float64Array = new Float64Array(c * n1 * n2);
      for (let i = 0; i < vv.length; i++) vv[i] = Math.sin(1 + 7.3 * i) + 0.3 * Math.cos(0.37 * i);
      let inv2 = 0;
      for (let it = 0; it < 3; it++) {
        const nv = Math.sqrt(dot(vv, vv));
        for (let i = 0; i < vv.length; i++) vv[i] = vv[i]! / nv;
        const xv = this.solveOnce(this.solveTransposedOnce(vv));
        inv2 = Math.max(inv2, Math.sqrt(dot(xv, xv)));
        vv = xv;
      }
      // ‖A‖ ≤ ‖C‖·‖P‖, ‖P‖ = √(most copies of one pixel) (1 for zeros).
      cond = normC * padNorm(this.inSource, N1 * N2) * Math.sqrt(inv2);
    }
    const status: RingSameInfo['status'] = this.singular || !Number.isFinite(cond) ? 'singular' : cond > SAME_ILL_CONDITIONED ? 'ill-conditioned' : 'ok';
    this.info = { status, normC, condEstimate: this.singular ? Infinity : cond, ringSize: R, setupMs: now() - t0, bytes: 8 * (lu.length + this.cinv.length + this.buf.length + this.tmp.length) };
  }

  /** C⁻¹ (or C⁻ᵀ, symbol (Ĉ(f)⁻¹)ᴴ, when `transpose`) applied in place to the torus grid `buf` ([N1][N2][c] complex). */
  private applyCinv(transpose = false): void {
    const { N1, N2 } = this;
    const c = this.spec.c;
    const buf = this.buf;
    const cinv = this.cinv;
    fft2Lanes(buf, N1, N2, c, -1, { tmp: this.tmp });
    const z = this.tmp;
    const NN = N1 * N2;
    // The grids passed in are real, so the spectrum at −f is the conjugate of that at f: one c×c product per ±f pair.
    // Transposed: (Ĉ(f)⁻¹)ᴴ, i.e. entry (a, b) is conj of (b, a): the strides swap and the imaginary part flips.
    const sa = transpose ? 2 : 2 * c;
    const sb = transpose ? 2 * c : 2;
    const sg = transpose ? -1 : 1;
    for (let f = 0; f < NN; f++) {
      const g = this.partner(f);
      if (g < f) continue;
      const o = 2 * f * c;
      const mo = 2 * f * c * c;
      for (let a = 0; a < c; a++) {
        let sr = 0;
        let si = 0;
        let m = mo + a * sa;
        for (let b = 0; b < c; b++, m += sb) {
          const mr = cinv[m]!;
          const mi = sg * cinv[m + 1]!;
          const xr = buf[o + 2 * b]!;
          const xi = buf[o + 2 * b + 1]!;
          sr += mr * xr - mi * xi;
          si += mr * xi + mi * xr;
        }
        z[2 * a] = sr;
        z[2 * a + 1] = si;
      }
      const og = 2 * g * c;
      for (let a = 0; a < 2 * c; a += 2) {
        buf[o + a] = z[a]!;
        buf[o + a + 1] = z[a + 1]!;
      }
      if (g !== f)
        for (let a = 0; a < 2 * c; a += 2) {
          buf[og + a] = z[a]!;
          buf[og + a + 1] = -z[a + 1]!;
        }
    }
    fft2Lanes(buf, N1, N2, c, 1, { tmp: this.tmp });
    const s = 1 / NN;
    for (let i = 0; i < buf.length; i++) buf[i] = buf[i]! * s;
  }

  /** Flat index of −f on the N1×N2 frequency grid. */
  private partner(f: number): number {
    const { N1, N2 } = this;
    const f1 = (f / N2) | 0;
    const f2 = f - f1 * N2;
    return ((N1 - f1) % N1) * N2 + ((N2 - f2) % N2);
  }

  /** One pass without refinement: x = P ᵀC⁻¹(Sᵀy + Tᵀt), Γt = −R C⁻¹ Sᵀ y. */
  private solveOnce(y: Float64Array): Float64Array {
    const { N2, m1, m2 } = this;
    const { c, n1, n2, pt, pl } = this.spec;
    const buf = this.buf;
    const place = (): void => {
      buf.fill(0);
      for (let a = 0; a < c; a++) for (let i = 0; i < m1; i++) for (let j = 0; j < m2; j++) buf[2 * ((i * N2 + j) * c + a)] = y[(a * m1 + i) * m2 + j]!;
    };
    place();
    this.applyCinv();
    const R = this.lu.length === 0 ? 0 : this.piv.length;
    const t = new Float64Array(R);
    const inR = this.inRing;
    const inS = this.inSource;
    for (let k = 0; k < inR.length; k++) {
      const sk = inS[k]!;
      for (let a = 0; a < c; a++) t[k * c + a] = -buf[2 * (inR[k]! * c + a)]! + (sk < 0 ? 0 : buf[2 * (sk * c + a)]!);
    }
    luBlockedSolve(this.lu, R, this.piv, t);
    place();
    const outR = this.outRing;
    for (let k = 0; k < outR.length; k++) for (let a = 0; a < c; a++) buf[2 * (outR[k]! * c + a)] = t[k * c + a]!;
    this.applyCinv();
    const x = new Float64Array(c * n1 * n2);
    for (let a = 0; a < c; a++) for (let i = 0; i < n1; i++) for (let j = 0; j < n2; j++) x[(a * n1 + i) * n2 + j] = buf[2 * (((i + pt) * N2 + j + pl) * c + a)]!;
    return x;
  }

  /**
   * z = A⁻ᵀx without refinement: Aᵀ = Pᵀ Cᵀ Sᵀ and the torus fields v with Pᵀv = x are Ex + (Rᵀ − EM'ᵀ)s
   * (E places the interior, M' maps it to the pads it fills), so Sᵀz = C⁻ᵀ(Ex + (Rᵀ − EM'ᵀ)s) with s on the
   * pad ring chosen to make it vanish on the output ring: Γᵀ s = −T C⁻ᵀ E x (the same LU, transposed).
   */
  private solveTransposedOnce(x: Float64Array): Float64Array {
    const { N2, m1, m2 } = this;
    const { c, n1, n2, pt, pl } = this.spec;
    const buf = this.buf;
    const place = (): void => {
      buf.fill(0);
      for (let a = 0; a < c; a++) for (let i = 0; i < n1; i++) for (let j = 0; j < n2; j++) buf[2 * (((i + pt) * N2 + j + pl) * c + a)] = x[(a * n1 + i) * n2 + j]!;
    };
    place();
    this.applyCinv(true);
    const R = this.piv.length;
    const s = new Float64Array(R);
    const outR = this.outRing;
    for (let k = 0; k < outR.length; k++) for (let a = 0; a < c; a++) s[k * c + a] = -buf[2 * (outR[k]! * c + a)]!;
    luBlockedSolveTransposed(this.lu, R, this.piv, s);
    place();
    const inR = this.inRing;
    const inS = this.inSource;
    for (let k = 0; k < inR.length; k++) {
      const sk = inS[k]!;
      for (let a = 0; a < c; a++) {
        buf[2 * (inR[k]! * c + a)] += s[k * c + a]!;
        if (sk >= 0) buf[2 * (sk * c + a)] -= s[k * c + a]!;
      }
    }
    this.applyCinv(true);
    const z = new Float64Array(c * m1 * m2);
    for (let a = 0; a < c; a++) for (let i = 0; i < m1; i++) for (let j = 0; j < m2; j++) z[(a * m1 + i) * m2 + j] = buf[2 * ((i * N2 + j) * c + a)]!;
    return z;
  }

  /**
   * y = A x in float64: the library's conv2d (blocked, WebAssembly, both threads) when its padding argument can
   * express the pads (symmetric, or PyTorch's 'same' split), else the direct loop.
   * @example `f.applyA(x, out)`
   */
  applyA(x: Float64Array, out: Float64Array): void {
    const { c, kh, kw, n1, n2, pt, pl } = this.spec;
    const d1 = this.spec.d1 ?? 1;
    const d2 = this.spec.d2 ?? 1;
    const s1 = d1 * (kh - 1);
    const s2 = d2 * (kw - 1);
    const padding: [number, number] | 'same' | null =
      2 * pt === s1 && 2 * pl === s2 ? [pt, pl] : pt === Math.floor(s1 / 2) && pl === Math.floor(s2 / 2) ? 'same' : null;
    if (padding === null) {
      this.applyADirect(x, out);
      return;
    }
    this.weightTensor ??= new Tensor(this.spec.weight, [c, c, kh, kw], 'float64');
    const y = nnConv2d(new Tensor(x, [1, c, n1, n2], 'float64'), this.weightTensor, { padding, dilation: [d1, d2], paddingMode: this.spec.mode ?? 'zeros' });
    out.set(y.data as Float64Array);
  }

  /** y = A x by the direct padded cross-correlation loop (float64). @example `f.applyADirect(x, out)` */
  applyADirect(x: Float64Array, out: Float64Array): void {
    const { c, kh, kw, n1, n2, pt, pl, weight } = this.spec;
    const d1 = this.spec.d1 ?? 1;
    const d2 = this.spec.d2 ?? 1;
    const mode = this.spec.mode ?? 'zeros';
    // The padded image on [N1][N2] per channel (rows/cols beyond the input filled by the mode); not the torus,
    // which for zero padding is smaller.
    const N1 = n1 + d1 * (kh - 1);
    const N2 = n2 + d2 * (kw - 1);
    const xp = new Float64Array(c * N1 * N2);
    for (let ch = 0; ch < c; ch++)
      for (let r = 0; r < N1; r++) {
        const i = r - pt;
        const si = i >= 0 && i < n1 ? i : mode === 'zeros' ? -1 : padSource(i, n1, mode);
        if (si < 0) continue;
        for (let q = 0; q < N2; q++) {
          const j = q - pl;
          const sj = j >= 0 && j < n2 ? j : mode === 'zeros' ? -1 : padSource(j, n2, mode);
          if (sj >= 0) xp[(ch * N1 + r) * N2 + q] = x[(ch * n1 + si) * n2 + sj]!;
        }
      }
    out.fill(0);
    for (let o = 0; o < c; o++)
      for (let i = 0; i < c; i++)
        for (let u = 0; u < kh; u++)
          for (let v = 0; v < kw; v++) {
            const k = weight[((o * c + i) * kh + u) * kw + v]!;
            if (k === 0) continue;
            for (let a = 0; a < n1; a++) {
              const xo = (i * N1 + a + u * d1) * N2 + v * d2;
              const yo = (o * n1 + a) * n2;
              for (let b = 0; b < n2; b++) out[yo + b] += k * xp[xo + b]!;
            }
          }
  }

  /**
   * x̂ = A⁻¹y (= A⁺y) for one sample y (`[c][n1][n2]`), refined until ‖Ax̂ − y‖ ≤ tol·‖y‖.
   * @example `const { x, info } = f.solve(y, 1e-10)`
   */
  solve(y: Float64Array, tol = 1e-10, maxRefine = 4): { x: Float64Array; info: RingSameSolveInfo } {
    const x = new Float64Array(y.length);
    const r = Float64Array.from(y);
    const ax = new Float64Array(y.length);
    const ny = Math.sqrt(dot(y, y));
    let res = ny > 0 ? 1 : 0;
    let passes = 0;
    // A singular factorisation has no exact answer to offer: x̂ = 0, not converged (the caller says so).
    if (this.singular) return { x, info: { converged: false, residual: res, refinements: 0 } };
    while (ny > 0 && res > tol && passes <= maxRefine) {
      const dx = this.solveOnce(r);
      for (let i = 0; i < x.length; i++) x[i] = x[i]! + dx[i]!;
      this.applyA(x, ax);
      for (let i = 0; i < r.length; i++) r[i] = y[i]! - ax[i]!;
      const nres = Math.sqrt(dot(r, r)) / ny;
      passes++;
      if (!(nres < res)) {
        res = nres;
        break;
      }
      res = nres;
    }
    return { x, info: { converged: res <= tol && this.info.status !== 'singular', residual: res, refinements: passes } };
  }
}

/**
 * Side of the torus a 'same' axis is embedded in: the padded size n + d(k−1), except for zero padding, where
 * n + max(top pad, bottom pad) suffices: an observed output that reads past the torus end wraps onto the
 * top pads, which are zero like the bottom ones it stands for. That halves the ring for a 3×3 kernel
 * (2n + 1 pixels instead of 4n + 4) and its dense LU costs an eighth.
 *
 * @example `sameTorusSize(128, 2, 1, 'zeros') // 129`
 */
export function sameTorusSize(n: number, span: number, before: number, mode: 'zeros' | 'reflect' | 'replicate'): number {
  return mode === 'zeros' ? n + Math.max(before, span - before) : n + span;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** ‖P‖ of the padding map: √(largest number of torus pixels holding one input pixel). */
function padNorm(src: Int32Array, size: number): number {
  const count = new Uint16Array(size);
  let most = 1;
  for (let k = 0; k < src.length; k++) if (src[k]! >= 0) most = Math.max(most, 1 + ++count[src[k]!]!);
  return Math.sqrt(most);
}
