/**
 * Exact minimum-norm solve of a 'valid' (padding 0, stride 1) real 2-D convolution, x̂ = A⁺y, by the ring
 * (capacitance) reduction of docs/ISSUE9-APPROACHES.md and shared/MATH.md:
 *
 * On the n1×n2 torus A = S·C with C circular and S keeping the outputs that do not wrap. When G = C Cᵀ
 * (per frequency H(f)H(f)ᴴ) is invertible, A⁺y = Cᵀ Sᵀ z_S with
 *   a = G⁻¹ Sᵀ y,  Γ w = T a  (Γ = T G⁻¹ Tᵀ on the unobserved "ring"),  z = a − G⁻¹ Tᵀ w.
 * The ring is a cross of two wrapping bands; Γ restricted to one band is block-circulant along it, so a 1-D
 * FFT makes it block-diagonal (n blocks of (w·c)×(w·c)). CG on Γ is preconditioned by the additive Schwarz sum
 * of the two exact band inverses. The answer is then polished by iterative refinement until the normal-equation
 * residual ‖Aᵀ(Ax̂ − y)‖ / (‖C‖·‖y‖) meets the target.
 *
 * Internal grids are channel-innermost `[n1][n2][c]`; the public arrays are PyTorch's `[c][n1][n2]`.
 */
import { cmatvec, invertHermitianPd, powerLambdaMax } from './hermitian-kernel.js';
import { fft1Lanes, fft2Lanes } from './fft2-lanes.js';

/** Geometry and kernel of a 'valid' convolution (float64, channel-major `[co][ci][kh][kw]`). @example `{ weight: w, cOut: 2, cIn: 2, kh: 3, kw: 3, n1: 8, n2: 8, s1: 2, s2: 2 }` */
export interface ValidConvSpec {
  /** Kernel values, `[cOut][cIn][kh][kw]` row-major. */
  readonly weight: Float64Array;
  readonly cOut: number;
  readonly cIn: number;
  readonly kh: number;
  readonly kw: number;
  /** Input spatial size. */
  readonly n1: number;
  readonly n2: number;
  /** Dilation (default 1). */
  readonly d1?: number;
  readonly d2?: number;
  /** Stride (default 1). */
  readonly s1?: number;
  readonly s2?: number;
}

/** Options of {@link RingValidFactor.solve}. @example `{ tol: 1e-10, maxRefine: 4 }` */
export interface RingSolveOptions {
  /** Target of the relative normal-equation residual ‖Aᵀ(Ax̂−y)‖/(‖A‖‖y‖), with ‖A‖ replaced by a lower bound (default 1e-10). */
  tol?: number;
  /** Relative ring residual at which CG stops in each refinement pass (default 1e-14: one pass then usually meets `tol`; a second pass costs as much as the first). */
  cgTol?: number;
  /** CG iteration cap per pass (default 3000). */
  cgMaxIter?: number;
  /** Refinement passes (default 4). */
  maxRefine?: number;
}

/** What one solve did and how good its answer is. @example `if (!info.converged) console.warn(info.normalResidual)` */
export interface RingSolveInfo {
  /** True when the normal-equation residual met `tol` and G was invertible. */
  converged: boolean;
  /** ‖Aᵀ(Ax̂ − y)‖ / (ν·‖y‖), computed directly at the end, with ν ≤ ‖A‖ a lower bound (so this over-states). */
  normalResidual: number;
  /** ‖Ax̂ − y‖ / ‖y‖. */
  residual: number;
  /** CG iterations of each refinement pass. */
  cgIterations: number[];
  /** Wall time of this solve in ms. */
  solveMs: number;
}

/** Diagnostics of the factorisation. @example `factor.info.status === 'ok' && factor.info.condEstimate < 1e6` */
export interface RingFactorInfo {
  /** 'ok'; 'ill-conditioned' (cond(C)² near 1/ε); 'singular' (G not invertible: a shifted G was used). */
  status: 'ok' | 'ill-conditioned' | 'singular';
  /** ‖C‖ = max_f σ_max(H(f)) (power-iteration estimate); an upper bound of ‖A‖. */
  normC: number;
  /** ‖Aᵀz‖/‖z‖ for z the cropped top plane wave of C: a rigorous lower bound of ‖A‖ (used in the residual). */
  normALower: number;
  /** σ_max(C)/σ_min(C) estimate, an upper bound of cond(A) for 'valid' (interlacing of SGSᵀ in G). */
  condEstimate: number;
  /** Ring unknowns c_out·(w1·n2 + w2·n1 − w1·w2). */
  ringSize: number;
  /** Setup time in ms. */
  setupMs: number;
  /** Bytes held by the factorisation. */
  bytes: number;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Factorisation of a 'valid' convolution for exact pseudo-inverse solves: G⁻¹ per frequency (half spectrum)
 * and the inverted band blocks of the ring preconditioner. Each {@link RingValidFactor.solve} then costs
 * ~2 FFT-pairs + O(c²n²) per CG iteration.
 *
 * @example
 * ```ts
 * const f = new RingValidFactor({ weight: w, cOut: 2, cIn: 2, kh: 3, kw: 3, n1: 8, n2: 8 });
 * const { x, info } = f.solve(y); // y: [2][6][6] row-major
 * ```
 */
export class RingValidFactor {
  readonly info: RingFactorInfo;
  private readonly co: number;
  private readonly ci: number;
  private readonly n1: number;
  private readonly n2: number;
  private readonly m1: number;
  private readonly m2: number;
  private readonly w1: number;
  private readonly w2: number;
  private readonly h2: number;
  private readonly d1: number;
  private readonly d2: number;
  private readonly s1: number;
  private readonly s2: number;
  /** Input spatial size (the torus grids n1×n2 below are the OUTPUT torus, ⌈in/s⌉). */
  private readonly in1: number;
  private readonly in2: number;
  private readonly spec: ValidConvSpec;
  /** G⁻¹(f1, f2) for f2 < h2: [n1][h2][co][co] complex. */
  private readonly ginv: Float64Array;
  /** Inverted H-band blocks: [n2][(w1·co)²] complex. */
  private readonly dh: Float64Array;
  /** Inverted V-band blocks: [n1][(w2·co)²] complex. */
  private readonly dv: Float64Array;
  private readonly mask: Uint8Array;
  private readonly cbuf: Float64Array;
  private readonly cbuf2: Float64Array;
  private readonly ctmp: Float64Array;
  private readonly uv: Float64Array;
  private readonly ov: Float64Array;

  constructor(spec: ValidConvSpec) {
    const t0 = now();
    this.spec = spec;
    const { cOut: co, cIn: ci, kh, kw } = spec;
    const d1 = spec.d1 ?? 1;
    const d2 = spec.d2 ?? 1;
    const s1 = spec.s1 ?? 1;
    const s2 = spec.s2 ?? 1;
    // Output torus n1×n2 = ⌈in/s⌉, input torus s·n ≥ in. Observed outputs read only pixels < in, so the
    // min-norm solution on the larger input torus is supported inside the real input (it is Cᵀ of them).
    const n1 = Math.ceil(spec.n1 / s1);
    const n2 = Math.ceil(spec.n2 / s2);
    this.co = co;
    this.ci = ci;
    this.in1 = spec.n1;
    this.in2 = spec.n2;
    this.s1 = s1;
    this.s2 = s2;
    this.n1 = n1;
    this.n2 = n2;
    this.d1 = d1;
    this.d2 = d2;
    this.m1 = Math.floor((spec.n1 - d1 * (kh - 1) - 1) / s1) + 1;
    this.m2 = Math.floor((spec.n2 - d2 * (kw - 1) - 1) / s2) + 1;
    this.w1 = n1 - this.m1;
    this.w2 = n2 - this.m2;
    this.h2 = Math.floor(n2 / 2) + 1;
    const { m1, m2, w1, w2, h2 } = this;
    const N = n1 * n2;
    this.cbuf = new Float64Array(2 * N * co);
    this.cbuf2 = new Float64Array(2 * N * co);
    this.ctmp = new Float64Array(2 * N * co);
    this.uv = new Float64Array(2 * co + 2);
    this.ov = new Float64Array(2 * co + 2);
    this.mask = new Uint8Array(N);
    for (let i = 0; i < n1; i++) for (let j = 0; j < n2; j++) if (i >= m1 || j >= m2) this.mask[i * n2 + j] = 1;

    // --- G(f) = H(f)H(f)ᴴ and its inverse on the half spectrum; trace-based candidates for the extremes.
    const cc = co * co;
    const ginv = new Float64Array(2 * n1 * h2 * cc);
    const hm = new Float64Array(2 * co * ci);
    const eu = new Float64Array(2 * kh);
    const ev = new Float64Array(2 * kw);
    const work = new Float64Array(4 * cc);
    const w = spec.weight;
    let singular = false;
    let minPivot = Infinity;
    const gcopy = new Float64Array(2 * cc);
    type Top = { tr: number; g: Float64Array; f1: number; f2: number };
    const topG: Top[] = [];
    const topGi: Top[] = [];
    const keepTop = (list: Top[], tr: number, g: Float64Array, f1: number, f2: number): void => {
      if (list.length < 6) list.push({ tr, g: g.slice(), f1, f2 });
      else {
        let mi = 0;
        for (let q = 1; q < list.length; q++) if (list[q].tr < list[mi].tr) mi = q;
        if (tr > list[mi].tr) list[mi] = { tr, g: g.slice(), f1, f2 };
      }
    };
    // G(g) = (1/(s1·s2)) Σ over the s1·s2 aliases f = g + (a·n1, b·n2) of H(f)H(f)ᴴ, with
    // H(f)[o][c] = Σ K[o,c,u,v] e^{+2πi(f1·u·d1/N1 + f2·v·d2/N2)} on the input torus N = s·n.
    const N1 = s1 * n1;
    const N2 = s2 * n2;
    const gacc = new Float64Array(2 * cc);
    for (let f1 = 0; f1 < n1; f1++) {
      for (let f2 = 0; f2 < h2; f2++) {
        gacc.fill(0);
        for (let a1 = 0; a1 < s1; a1++) {
          const F1 = f1 + a1 * n1;
          for (let u = 0; u < kh; u++) {
            const t = (2 * Math.PI * ((F1 * u * d1) % N1)) / N1;
            eu[2 * u] = Math.cos(t);
            eu[2 * u + 1] = Math.sin(t);
          }
          for (let a2 = 0; a2 < s2; a2++) {
            const F2 = f2 + a2 * n2;
            for (let v = 0; v < kw; v++) {
              const t = (2 * Math.PI * ((F2 * v * d2) % N2)) / N2;
              ev[2 * v] = Math.cos(t);
              ev[2 * v + 1] = Math.sin(t);
            }
            for (let oc = 0; oc < co * ci; oc++) {
              let sr = 0;
              let si = 0;
              const base = oc * kh * kw;
              for (let u = 0; u < kh; u++) {
                for (let v = 0; v < kw; v++) {
                  const pr = eu[2 * u] * ev[2 * v] - eu[2 * u + 1] * ev[2 * v + 1];
                  const pi = eu[2 * u] * ev[2 * v + 1] + eu[2 * u + 1] * ev[2 * v];
                  const k = w[base + u * kw + v];
                  sr += k * pr;
                  si += k * pi;
                }
              }
              hm[2 * oc] = sr;
              hm[2 * oc + 1] = si;
            }
            for (let o = 0; o < co; o++) {
              for (let p = o; p < co; p++) {
                let sr = 0;
                let si = 0;
                for (let c = 0; c < ci; c++) {
                  const ar = hm[2 * (o * ci + c)];
                  const ai = hm[2 * (o * ci + c) + 1];
                  const br = hm[2 * (p * ci + c)];
                  const bi = -hm[2 * (p * ci + c) + 1];
                  sr += ar * br - ai * bi;
                  si += ar * bi + ai * br;
                }
                gacc[2 * (o * co + p)] += sr;
                gacc[2 * (o * co + p) + 1] += si;
              }
            }
          }
        }
        const off = 2 * (f1 * h2 + f2) * cc;
        const sc = 1 / (s1 * s2);
        let tr = 0;
        for (let o = 0; o < co; o++) {
          for (let p = o; p < co; p++) {
            const sr = gacc[2 * (o * co + p)] * sc;
            const si = gacc[2 * (o * co + p) + 1] * sc;
            ginv[off + 2 * (o * co + p)] = sr;
            ginv[off + 2 * (o * co + p) + 1] = si;
            ginv[off + 2 * (p * co + o)] = sr;
            ginv[off + 2 * (p * co + o) + 1] = -si;
            if (o === p) tr += sr;
          }
        }
        gcopy.set(ginv.subarray(off, off + 2 * cc));
        keepTop(topG, tr, gcopy, f1, f2);
        let piv = invertHermitianPd(ginv, off, co, work);
        if (piv < 0) {
          // Singular to working precision: shift by ε·trace so that a (regularised) answer still exists.
          singular = true;
          ginv.set(gcopy, off);
          const shift = Math.max(tr, Number.MIN_VALUE) * 1e-13;
          for (let o = 0; o < co; o++) ginv[off + 2 * (o * co + o)] += shift;
          piv = invertHermitianPd(ginv, off, co, work);
          if (piv < 0) throw new Error('RingValidFactor: G(f) could not be inverted even after a shift');
        }
        minPivot = Math.min(minPivot, piv);
        let tri = 0;
        for (let o = 0; o < co; o++) tri += ginv[off + 2 * (o * co + o)];
        keepTop(topGi, tri, ginv.subarray(off, off + 2 * cc), f1, f2);
      }
    }
    this.ginv = ginv;
    const pv = new Float64Array(2 * co);
    const pw = new Float64Array(2 * co);
    let lamMax = 0;
    let top: Top | undefined;
    for (const t of topG) {
      const lam = powerLambdaMax(t.g, 0, co, 60, pv, pw);
      if (lam > lamMax) {
        lamMax = lam;
        top = t;
      }
    }
    let lamInvMax = 0;
    for (const t of topGi) lamInvMax = Math.max(lamInvMax, powerLambdaMax(t.g, 0, co, 60, pv, pw));
    const normC = Math.sqrt(lamMax);
    const normALower = top ? this.normLowerBound(top.g, top.f1, top.f2) : 0;
    const condEstimate = Math.sqrt(lamMax * lamInvMax);

    // --- Band blocks: DH_k[r,r'] = (1/n1) Σ_f1 G⁻¹(f1,k) e^{+2πi f1 (r−r')/n1}, similarly DV.
    const bh = w1 * co;
    const bv = w2 * co;
    this.dh = new Float64Array(2 * n2 * bh * bh);
    this.dv = new Float64Array(2 * n1 * bv * bv);
    const bwork = new Float64Array(4 * Math.max(bh, bv, 1) ** 2);
    const ph = new Float64Array(2 * Math.max(n1, n2));
    // G⁻¹(f)[o,p] lives at ginvAt(f1, f2) + 2(o·co + p), conjugated (sign −1) outside the stored half.
    const ginvAt = (f1: number, f2: number): number =>
      f2 < h2 ? 2 * (f1 * h2 + f2) * cc : 2 * (((n1 - f1) % n1) * h2 + (n2 - f2)) * cc;
    if (w1 > 0) {
      for (let k = 0; k < n2; k++) {
        const boff = 2 * k * bh * bh;
        for (let dl = -(w1 - 1); dl <= w1 - 1; dl++) {
          // Phases hoisted out of the c² loop: cos/sin per (f1, dl) only.
          for (let f1 = 0; f1 < n1; f1++) {
            const t = (2 * Math.PI * ((((f1 * dl) % n1) + n1) % n1)) / n1;
            ph[2 * f1] = Math.cos(t);
            ph[2 * f1 + 1] = Math.sin(t);
          }
          for (let o = 0; o < co; o++) {
            for (let p = 0; p < co; p++) {
              let sr = 0;
              let si = 0;
              const conjSign = k < h2 ? 1 : -1;
              for (let f1 = 0; f1 < n1; f1++) {
                const q = ginvAt(f1, k) + 2 * (o * co + p);
                const gr = ginv[q];
                const gi = conjSign * ginv[q + 1];
                const cr = ph[2 * f1];
                const ci2 = ph[2 * f1 + 1];
                sr += gr * cr - gi * ci2;
                si += gr * ci2 + gi * cr;
              }
              for (let r = Math.max(0, dl); r < Math.min(w1, w1 + dl); r++) {
                const rp = r - dl;
                const q = boff + 2 * ((r * co + o) * bh + rp * co + p);
                this.dh[q] = sr / n1;
                this.dh[q + 1] = si / n1;
              }
            }
          }
        }
        if (invertHermitianPd(this.dh, boff, bh, bwork) < 0) singular = true;
      }
    }
    if (w2 > 0) {
      for (let k = 0; k < n1; k++) {
        const boff = 2 * k * bv * bv;
        for (let dl = -(w2 - 1); dl <= w2 - 1; dl++) {
          for (let f2 = 0; f2 < n2; f2++) {
            const t = (2 * Math.PI * ((((f2 * dl) % n2) + n2) % n2)) / n2;
            ph[2 * f2] = Math.cos(t);
            ph[2 * f2 + 1] = Math.sin(t);
          }
          for (let o = 0; o < co; o++) {
            for (let p = 0; p < co; p++) {
              let sr = 0;
              let si = 0;
              for (let f2 = 0; f2 < n2; f2++) {
                const q = ginvAt(k, f2) + 2 * (o * co + p);
                const gr = ginv[q];
                const gi = (f2 < h2 ? 1 : -1) * ginv[q + 1];
                const cr = ph[2 * f2];
                const ci2 = ph[2 * f2 + 1];
                sr += gr * cr - gi * ci2;
                si += gr * ci2 + gi * cr;
              }
              for (let s = Math.max(0, dl); s < Math.min(w2, w2 + dl); s++) {
                const sp = s - dl;
                const q = boff + 2 * ((s * co + o) * bv + sp * co + p);
                this.dv[q] = sr / n2;
                this.dv[q + 1] = si / n2;
              }
            }
          }
        }
        if (invertHermitianPd(this.dv, boff, bv, bwork) < 0) singular = true;
      }
    }
    const illCond = !singular && (condEstimate * condEstimate > 1e14 || minPivot < 1e-15);
    this.info = {
      status: singular ? 'singular' : illCond ? 'ill-conditioned' : 'ok',
      normC,
      normALower,
      condEstimate: singular ? Infinity : condEstimate,
      ringSize: co * (w1 * n2 + w2 * n1 - w1 * w2),
      setupMs: now() - t0,
      bytes: 8 * (ginv.length + this.dh.length + this.dv.length + 3 * this.cbuf.length),
    };
  }

  /**
   * ‖Aᵀz‖/‖z‖ ≤ ‖A‖ for z = Re(u·e^{2πi(g·q)/n}) on the observed outputs, u the top eigenvector of G(g) at the
   * frequency g where ‖C‖ is attained: close to ‖C‖ once the crop is small relative to the grid.
   */
  private normLowerBound(gmat: Float64Array, g1: number, g2: number): number {
    const { co, ci, n1, n2, m1, m2, in1, in2 } = this;
    const v = new Float64Array(2 * co);
    const wv = new Float64Array(2 * co);
    powerLambdaMax(gmat, 0, co, 200, v, wv);
    const z = new Float64Array(co * m1 * m2);
    for (let o = 0; o < co; o++)
      for (let i = 0; i < m1; i++)
        for (let j = 0; j < m2; j++) {
          const t = 2 * Math.PI * (((g1 * i) % n1) / n1 + ((g2 * j) % n2) / n2);
          z[(o * m1 + i) * m2 + j] = v[2 * o] * Math.cos(t) - v[2 * o + 1] * Math.sin(t);
        }
    const x = new Float64Array(ci * in1 * in2);
    this.applyAt(z, x);
    const nz = Math.sqrt(dot(z, z));
    return nz > 0 ? Math.sqrt(dot(x, x)) / nz : 0;
  }

  /**
   * out = G⁻¹ u on the full grid (real, channel-innermost [n1][n2][co]). Two real channels travel as one
   * complex signal (u_2j + i·u_2j+1), halving the FFT work; the half spectrum is unpacked by Hermitian symmetry.
   */
  private applyGinv(u: Float64Array, out: Float64Array): void {
    const { n1, n2, h2, co } = this;
    const N = n1 * n2;
    const cp = (co + 1) >> 1;
    const a = this.cbuf;
    const b = this.cbuf2;
    for (let p = 0; p < N; p++) {
      for (let j = 0; j < cp; j++) {
        a[2 * (p * cp + j)] = u[p * co + 2 * j];
        a[2 * (p * cp + j) + 1] = 2 * j + 1 < co ? u[p * co + 2 * j + 1] : 0;
      }
    }
    fft2Lanes(a, n1, n2, cp, -1, { tmp: this.ctmp });
    const cc = co * co;
    const uv = this.uv;
    const ov = this.ov;
    for (let f1 = 0; f1 < n1; f1++) {
      const g1 = (n1 - f1) % n1;
      for (let f2 = 0; f2 < h2; f2++) {
        const g2 = (n2 - f2) % n2;
        const pf = 2 * (f1 * n2 + f2) * cp;
        const pg = 2 * (g1 * n2 + g2) * cp;
        for (let j = 0; j < cp; j++) {
          const zr = a[pf + 2 * j];
          const zi = a[pf + 2 * j + 1];
          const wr = a[pg + 2 * j];
          const wi = -a[pg + 2 * j + 1]; // conj(Z(−f))
          uv[4 * j] = 0.5 * (zr + wr);
          uv[4 * j + 1] = 0.5 * (zi + wi);
          if (2 * j + 1 < co) {
            // (Z − conj Z(−f)) / (2i)
            uv[4 * j + 2] = 0.5 * (zi - wi);
            uv[4 * j + 3] = -0.5 * (zr - wr);
          }
        }
        cmatvec(this.ginv, 2 * (f1 * h2 + f2) * cc, uv, 0, ov, 0, co);
        const mirror = f2 > 0 && g2 >= h2;
        for (let j = 0; j < cp; j++) {
          const ar = ov[4 * j];
          const ai = ov[4 * j + 1];
          const br = 2 * j + 1 < co ? ov[4 * j + 2] : 0;
          const bi = 2 * j + 1 < co ? ov[4 * j + 3] : 0;
          b[pf + 2 * j] = ar - bi;
          b[pf + 2 * j + 1] = ai + br;
          if (mirror) {
            b[pg + 2 * j] = ar + bi;
            b[pg + 2 * j + 1] = -ai + br;
          }
        }
      }
    }
    fft2Lanes(b, n1, n2, cp, 1, { tmp: this.ctmp });
    const s = 1 / N;
    for (let p = 0; p < N; p++) {
      for (let j = 0; j < cp; j++) {
        out[p * co + 2 * j] = b[2 * (p * cp + j)] * s;
        if (2 * j + 1 < co) out[p * co + 2 * j + 1] = b[2 * (p * cp + j) + 1] * s;
      }
    }
  }

  /** z += (additive Schwarz band inverses) r, for r supported on the ring. */
  private applyPrecond(r: Float64Array, z: Float64Array): void {
    const { n1, n2, m1, m2, w1, w2, co } = this;
    z.fill(0);
    if (w1 > 0) {
      const lanes = w1 * co;
      const buf = this.cbuf.subarray(0, 2 * n2 * lanes);
      const out = this.cbuf2.subarray(0, 2 * n2 * lanes);
      for (let j = 0; j < n2; j++)
        for (let rr = 0; rr < w1; rr++)
          for (let o = 0; o < co; o++) {
            const q = 2 * (j * lanes + rr * co + o);
            buf[q] = r[((m1 + rr) * n2 + j) * co + o];
            buf[q + 1] = 0;
          }
      fft1Lanes(buf, n2, lanes, -1, this.ctmp);
      for (let k = 0; k < n2; k++) cmatvec(this.dh, 2 * k * lanes * lanes, buf, 2 * k * lanes, out, 2 * k * lanes, lanes);
      fft1Lanes(out, n2, lanes, 1, this.ctmp);
      for (let j = 0; j < n2; j++)
        for (let rr = 0; rr < w1; rr++)
          for (let o = 0; o < co; o++) z[((m1 + rr) * n2 + j) * co + o] += out[2 * (j * lanes + rr * co + o)] / n2;
    }
    if (w2 > 0) {
      const lanes = w2 * co;
      const buf = this.cbuf.subarray(0, 2 * n1 * lanes);
      const out = this.cbuf2.subarray(0, 2 * n1 * lanes);
      for (let i = 0; i < n1; i++)
        for (let s = 0; s < w2; s++)
          for (let o = 0; o < co; o++) {
            const q = 2 * (i * lanes + s * co + o);
            buf[q] = r[(i * n2 + m2 + s) * co + o];
            buf[q + 1] = 0;
          }
      fft1Lanes(buf, n1, lanes, -1, this.ctmp);
      for (let k = 0; k < n1; k++) cmatvec(this.dv, 2 * k * lanes * lanes, buf, 2 * k * lanes, out, 2 * k * lanes, lanes);
      fft1Lanes(out, n1, lanes, 1, this.ctmp);
      for (let i = 0; i < n1; i++)
        for (let s = 0; s < w2; s++)
          for (let o = 0; o < co; o++) z[(i * n2 + m2 + s) * co + o] += out[2 * (i * lanes + s * co + o)] / n1;
    }
  }

  private maskRing(v: Float64Array): void {
    const { co } = this;
    const N = this.n1 * this.n2;
    for (let p = 0; p < N; p++) if (!this.mask[p]) v.fill(0, p * co, (p + 1) * co);
  }

  /**
   * One pass: (AAᵀ)⁻¹ y placed as z on the observed outputs (channel-major [co][m1][m2]); returns CG iterations
   * and hands z to `evaluate`. (Continuing CG past cgTol when `evaluate` refuses was tried and removed: at
   * c = 32, 128² it spent 46 more iterations without reaching the target — the first pass is limited by
   * rounding along the chain, not by the ring residual — so a refinement pass follows instead.)
   */
  private passOutputs(y: Float64Array, zOut: Float64Array, cgTol: number, cgMaxIter: number, accept: (z: Float64Array) => void): number {
    const { n1, n2, m1, m2, co } = this;
    const L = n1 * n2 * co;
    const u = new Float64Array(L);
    for (let o = 0; o < co; o++) for (let i = 0; i < m1; i++) for (let j = 0; j < m2; j++) u[(i * n2 + j) * co + o] = y[(o * m1 + i) * m2 + j];
    const a = new Float64Array(L);
    this.applyGinv(u, a);
    const b = a.slice();
    this.maskRing(b);
    const bn = Math.sqrt(dot(b, b));
    const wv = new Float64Array(L);
    const gw = new Float64Array(L);
    // z = G⁻¹(Sᵀy − Tᵀw) in one application (u is zero on the ring, w lives only there) rather than
    // a − G⁻¹Tᵀw. Measured neutral in accuracy (c = 32, 128²: same residuals, same refinement passes).
    const output = (): void => {
      for (let i = 0; i < L; i++) u[i] -= wv[i];
      this.applyGinv(u, gw);
      for (let o = 0; o < co; o++)
        for (let i = 0; i < m1; i++)
          for (let j = 0; j < m2; j++) {
            const q = (i * n2 + j) * co + o;
            zOut[(o * m1 + i) * m2 + j] = gw[q];
          }
    };
    let its = 0;
    if (bn === 0) {
      output();
      accept(zOut);
      return 0;
    }
    const res = b.slice();
    const z = new Float64Array(L);
    const q = new Float64Array(L);
    this.applyPrecond(res, z);
    const p = z.slice();
    let rz = dot(res, z);
    while (its < cgMaxIter && Math.sqrt(dot(res, res)) > cgTol * bn) {
      if (its > 0) {
        this.applyPrecond(res, z);
        const rzn = dot(res, z);
        const beta = rzn / rz;
        rz = rzn;
        for (let i = 0; i < L; i++) p[i] = z[i] + beta * p[i];
      }
      this.applyGinv(p, q);
      this.maskRing(q);
      const al = rz / dot(p, q);
      axpy(al, p, wv);
      axpy(-al, q, res);
      its++;
    }
    output();
    accept(zOut);
    return its;
  }

  /** A x ('valid' strided correlation), channel-major in and out. */
  applyA(x: Float64Array, out: Float64Array): void {
    const { co, ci, in1, in2, m1, m2, d1, d2, s1, s2 } = this;
    const { kh, kw, weight } = this.spec;
    out.fill(0);
    for (let o = 0; o < co; o++)
      for (let c = 0; c < ci; c++)
        for (let uu = 0; uu < kh; uu++)
          for (let vv = 0; vv < kw; vv++) {
            const k = weight[((o * ci + c) * kh + uu) * kw + vv];
            if (k === 0) continue;
            for (let i = 0; i < m1; i++) {
              const xo = (c * in1 + i * s1 + uu * d1) * in2 + vv * d2;
              const yo = (o * m1 + i) * m2;
              for (let j = 0; j < m2; j++) out[yo + j] += k * x[xo + j * s2];
            }
          }
  }

  /** Aᵀ y, channel-major in and out. */
  applyAt(y: Float64Array, out: Float64Array): void {
    const { co, ci, in1, in2, m1, m2, d1, d2, s1, s2 } = this;
    const { kh, kw, weight } = this.spec;
    out.fill(0);
    for (let o = 0; o < co; o++)
      for (let c = 0; c < ci; c++)
        for (let uu = 0; uu < kh; uu++)
          for (let vv = 0; vv < kw; vv++) {
            const k = weight[((o * ci + c) * kh + uu) * kw + vv];
            if (k === 0) continue;
            for (let i = 0; i < m1; i++) {
              const xo = (c * in1 + i * s1 + uu * d1) * in2 + vv * d2;
              const yo = (o * m1 + i) * m2;
              for (let j = 0; j < m2; j++) out[xo + j * s2] += k * y[yo + j];
            }
          }
  }

  /**
   * x̂ = A⁺y for one sample y (`[cOut][m1][m2]` row-major), with iterative refinement to `tol`.
   *
   * @example
   * ```ts
   * const { x, info } = factor.solve(y, { tol: 1e-11 });
   * ```
   */
  solve(y: Float64Array, options: RingSolveOptions = {}): { x: Float64Array; info: RingSolveInfo } {
    const t0 = now();
    const tol = options.tol ?? 1e-10;
    const cgTol = options.cgTol ?? 1e-14;
    // A singular G (shifted) cannot give the exact answer; bound the work spent on the regularised one.
    const singular = this.info.status === 'singular';
    const cgMaxIter = options.cgMaxIter ?? (singular ? 500 : 3000);
    const maxRefine = options.maxRefine ?? (singular ? 1 : 4);
    const { co, ci, in1, in2, m1, m2 } = this;
    const x = new Float64Array(ci * in1 * in2);
    const r = y.slice();
    const z = new Float64Array(co * m1 * m2);
    const dx = new Float64Array(ci * in1 * in2);
    const ax = new Float64Array(co * m1 * m2);
    const ynorm = Math.sqrt(dot(y, y));
    const its: number[] = [];
    let ne = 0;
    let res = 0;
    const xc = new Float64Array(x.length);
    // Evaluates x + Aᵀz exactly: residual r = y − A(x + Aᵀz) and the normal-equation residual.
    const evaluate = (zz: Float64Array): boolean => {
      this.applyAt(zz, dx);
      for (let i = 0; i < x.length; i++) xc[i] = x[i] + dx[i];
      this.applyA(xc, ax);
      for (let i = 0; i < r.length; i++) r[i] = y[i] - ax[i];
      this.applyAt(r, dx);
      ne = ynorm > 0 ? Math.sqrt(dot(dx, dx)) / (this.info.normALower * ynorm) : 0;
      res = ynorm > 0 ? Math.sqrt(dot(r, r)) / ynorm : 0;
      return ne <= tol;
    };
    // Iterative refinement on top of CG continuation. Measured: loosening the CG tolerance of later passes (by
    // the error amplification seen in pass 0) stalls at ~3e-11, so every pass uses the full cgTol.
    if (ynorm > 0) {
      for (let pass = 0; pass <= maxRefine; pass++) {
        const rhs = r.slice();
        its.push(this.passOutputs(rhs, z, cgTol, cgMaxIter, evaluate));
        x.set(xc);
        if (ne <= tol) break;
      }
    }
    return {
      x,
      info: { converged: ne <= tol && this.info.status !== 'singular', normalResidual: ne, residual: res, cgIterations: its, solveMs: now() - t0 },
    };
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(al: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += al * x[i];
}
