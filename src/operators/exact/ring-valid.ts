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
import { RecycleSpace } from './recycle-space.js';
import { cmatvecMulti } from './cmatvec-multi.js';
import { CmatvecArena, packedLength, packHermitian } from './cmatvec-wasm.js';

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
  /**
   * Relative ring residual at which CG stops in the first refinement pass (default 1e-14: one pass then usually
   * meets `tol`). A correction pass stops at 1e-4·tol/(its starting normal residual) instead, i.e. only as far
   * as needed, unless a loosened pass has already missed `tol` (then every later pass uses `cgTol`).
   */
  cgTol?: number;
  /** CG iteration cap per pass (default 3000). */
  cgMaxIter?: number;
  /** Refinement passes (default 4). */
  maxRefine?: number;
  /**
   * When the factor has a `recycleBytes` budget: reuse (and extend while the budget lasts) the CG search
   * directions of earlier solves and passes — start from their Galerkin projection and deflate them (default
   * true). The target is unchanged; only the iteration count drops. `false` gives a plain preconditioned CG solve.
   */
  recycle?: boolean;
}

/** Options of the {@link RingValidFactor} constructor. @example `{ recycleBytes: 32 * 2 ** 20 }` */
export interface RingFactorOptions {
  /**
   * Memory budget in bytes for the recycled CG directions (two ring vectors per direction plus the small
   * Galerkin matrix); 0 disables recycling. Default {@link RECYCLE_BYTES_DEFAULT}.
   */
  recycleBytes?: number;
}

/**
 * Default budget for recycled CG directions: 0 (off). Measured (2-core x86, CPU time): recycling cuts the CG
 * iterations of later solves but not their cost, because each iteration then also streams the kept
 * directions (≈ 5·k·R flops for k directions on a ring of R) — c = 8, 64²: 146 → 93 → 61 → 38 iterations over
 * successive solves, yet 0.2 s → 0.45–0.5 s each; c = 32, 128²: 255 → 231 iterations with 255 directions
 * (66 MB), 16 s → 33 s. Compressing to the 64 Ritz vectors with the smallest Ritz values of M⁻¹Γ gave 216.
 * The preconditioned spectrum is a continuum (CG gains 10× per ≈ 25 iterations throughout), so a Krylov space
 * of a few hundred directions resolves too few eigenvectors to shorten later solves much.
 */
export const RECYCLE_BYTES_DEFAULT = 0;

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
  /** Normal-equation residual after each refinement pass (the last one is `normalResidual`). */
  passResiduals: number[];
  /** Recycled directions (from earlier solves and passes) deflated in each refinement pass; 0 = plain CG. */
  recycledDirections: number[];
  /** Bytes held by the recycled directions after this solve (all solves of the factor share them). */
  recycleBytes: number;
  /** Wall time of this solve in ms (solveMany: of the lock-step group it ran in). */
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

/**
 * Safety factor of a loosened refinement pass: the ring residual → normal-equation residual amplification
 * measured ≈ 400 at c = 8, 64² (a pass asked for 1e-3·tol/ne reached only 0.4–0.9·tol; 1e-2 missed), so
 * 1e-4 leaves a 10–20× margin. Random y, c = 8, 64², tol 1e-13: second pass 149 → 44–47 CG iterations.
 */
const REFINE_MARGIN = 1e-4;
/**
 * Right-hand sides solved in lock-step by {@link RingValidFactor.solveMany} (one batched G⁻¹ application per
 * CG iteration for all of them).
 */
export const SOLVE_BATCH = 4;

/** A loosened refinement pass never stops CG above this relative ring residual. */
const REFINE_MAX_CG_TOL = 1e-2;

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Factorisation of a 'valid' convolution for exact pseudo-inverse solves: G⁻¹ per frequency (half spectrum)
 * and the inverted band blocks of the ring preconditioner. Each {@link RingValidFactor.solve} then costs one
 * preconditioned CG on the ring (one G⁻¹ application — an FFT pair + a c×c product per half-spectrum
 * frequency — and two 1-D band solves per iteration; ≈ 150 iterations at c = 8, 64², ≈ 255 at c = 32, 128²),
 * plus, when the first pass misses `tol`, a correction pass that runs CG only as far as needed (≈ 1/3 of the
 * first). {@link RingValidFactor.solveMany} shares each G⁻¹ application among {@link SOLVE_BATCH} right-hand
 * sides. Krylov recycling across solves is available (`recycleBytes`) but off: see {@link RECYCLE_BYTES_DEFAULT}.
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
  /** G⁻¹(f1, f2) for f2 < h2: [n1][h2][co][co] complex (with `wasm`: [n1][h2] packed upper triangles). */
  private readonly ginv: Float64Array;
  /** Inverted H-band blocks: [n2][(w1·co)²] complex (with `wasm`: packed upper triangles). */
  private readonly dh: Float64Array;
  /** Inverted V-band blocks: [n1][(w2·co)²] complex. */
  private readonly dv: Float64Array;
  private readonly mask: Uint8Array;
  /** Grid index (channel-innermost) of every ring unknown, in the order of the compact CG vectors. */
  private readonly ring: Int32Array;
  /** Kept CG directions of earlier solves (Krylov recycling); capacity 0 when disabled. */
  private readonly space: RecycleSpace;
  private readonly cbuf: Float64Array;
  private readonly cbuf2: Float64Array;
  private readonly ctmp: Float64Array;
  private readonly uv: Float64Array;
  private readonly ov: Float64Array;
  private batchBuf?: { a: Float64Array; b: Float64Array; tmp: Float64Array };
  /**
   * WebAssembly SIMD arena holding ginv, dh, dv, uv, ov and the band-solve buffers (null: plain arrays and the
   * JS products). Allocated once at set-up and never grown, so those views stay attached.
   */
  private readonly wasm: CmatvecArena | null;
  /** Band-solve spectra (in, out) in the arena; null without it (then cbuf/cbuf2 serve). */
  private readonly bandIn: Float64Array | null;
  private readonly bandOut: Float64Array | null;

  constructor(spec: ValidConvSpec, options: RingFactorOptions = {}) {
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
    this.mask = new Uint8Array(N);
    for (let i = 0; i < n1; i++) for (let j = 0; j < n2; j++) if (i >= m1 || j >= m2) this.mask[i * n2 + j] = 1;
    const ring: number[] = [];
    for (let pos = 0; pos < N; pos++) if (this.mask[pos]) for (let o = 0; o < co; o++) ring.push(pos * co + o);
    this.ring = Int32Array.from(ring);
    const rb = options.recycleBytes ?? RECYCLE_BYTES_DEFAULT;
    if (!(rb >= 0)) throw new RangeError(`RingValidFactor: recycleBytes must be ≥ 0, got ${rb}`);
    this.space = new RecycleSpace(this.ring.length, rb);

    // --- G(f) = H(f)H(f)ᴴ and its inverse on the half spectrum; trace-based candidates for the extremes.
    const cc = co * co;
    // uv/ov hold the (up to SOLVE_BATCH) spectra at one frequency; the band buffers one band's spectrum.
    const vecLen = 2 * SOLVE_BATCH * co + 2;
    const bandLen = 2 * Math.max(n2 * w1 * co, n1 * w2 * co);
    this.wasm = CmatvecArena.create([n1 * h2 * packedLength(co), n2 * packedLength(w1 * co), n1 * packedLength(w2 * co), vecLen, vecLen, bandLen, bandLen]);
    const views = this.wasm?.views;
    let ginv = new Float64Array(2 * n1 * h2 * cc);
    this.uv = views ? views[3]! : new Float64Array(vecLen);
    this.ov = views ? views[4]! : new Float64Array(vecLen);
    this.bandIn = views ? views[5]! : null;
    this.bandOut = views ? views[6]! : null;
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
    this.dh = this.buildBandBlocks(0);
    this.dv = this.buildBandBlocks(1);
    const bh = w1 * co;
    const bv = w2 * co;
    const bwork = new Float64Array(4 * Math.max(bh, bv, 1) ** 2);
    for (let k = 0; k < n2 && w1 > 0; k++) if (invertHermitianPd(this.dh, 2 * k * bh * bh, bh, bwork) < 0) singular = true;
    for (let k = 0; k < n1 && w2 > 0; k++) if (invertHermitianPd(this.dv, 2 * k * bv * bv, bv, bwork) < 0) singular = true;
    if (views) {
      // The SIMD products read G⁻¹ and the band blocks packed (upper triangles) from the arena; the full
      // matrices were only needed to build the band blocks and are dropped.
      const pg = packedLength(co);
      for (let f = 0; f < n1 * h2; f++) packHermitian(ginv, 2 * f * cc, views[0]!, f * pg, co);
      const ph = packedLength(bh);
      for (let k = 0; k < n2 && w1 > 0; k++) packHermitian(this.dh, 2 * k * bh * bh, views[1]!, k * ph, bh);
      const pv2 = packedLength(bv);
      for (let k = 0; k < n1 && w2 > 0; k++) packHermitian(this.dv, 2 * k * bv * bv, views[2]!, k * pv2, bv);
      ginv = this.ginv = views[0]!;
      this.dh = views[1]!;
      this.dv = views[2]!;
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
   * Uninverted band blocks of Γ for the band along `axis` (0: the w1 unobserved rows, which run along axis 2;
   * 1: the w2 unobserved columns, along axis 1). Γ restricted to a band is block-circulant along it, so a 1-D
   * DFT over the band's length n_b gives n_b blocks of (w·c)×(w·c):
   *   D_k[(r,o),(r',p)] = (1/n_s) Σ_{f_s} G⁻¹(f)[o,p] e^{+2πi f_s (r−r')/n_s},
   * f = (f_s, k) for axis 0 and (k, f_s) for axis 1, f_s running over the axis across the band.
   */
  private buildBandBlocks(axis: 0 | 1): Float64Array {
    const { n1, n2, h2, co, ginv } = this;
    const wb = axis === 0 ? this.w1 : this.w2;
    const nb = axis === 0 ? n2 : n1; // blocks (band length)
    const ns = axis === 0 ? n1 : n2; // frequencies summed (across the band)
    const bs = wb * co;
    const out = new Float64Array(2 * nb * bs * bs);
    if (wb === 0) return out;
    const cc = co * co;
    const ph = new Float64Array(2 * ns);
    // Offset of G⁻¹(f) in the half spectrum, and the sign of its imaginary part (conjugated outside the half).
    const offs = new Int32Array(ns);
    const sgn = new Float64Array(ns);
    for (let k = 0; k < nb; k++) {
      for (let fs = 0; fs < ns; fs++) {
        const f1 = axis === 0 ? fs : k;
        const f2 = axis === 0 ? k : fs;
        offs[fs] = f2 < h2 ? 2 * (f1 * h2 + f2) * cc : 2 * (((n1 - f1) % n1) * h2 + (n2 - f2)) * cc;
        sgn[fs] = f2 < h2 ? 1 : -1;
      }
      const boff = 2 * k * bs * bs;
      for (let dl = -(wb - 1); dl <= wb - 1; dl++) {
        // Phases hoisted out of the c² loop: cos/sin per (f_s, dl) only.
        for (let fs = 0; fs < ns; fs++) {
          const t = (2 * Math.PI * ((((fs * dl) % ns) + ns) % ns)) / ns;
          ph[2 * fs] = Math.cos(t);
          ph[2 * fs + 1] = Math.sin(t);
        }
        for (let o = 0; o < co; o++) {
          for (let p = 0; p < co; p++) {
            let sr = 0;
            let si = 0;
            const op = 2 * (o * co + p);
            for (let fs = 0; fs < ns; fs++) {
              const q = offs[fs]! + op;
              const gr = ginv[q]!;
              const gi = sgn[fs]! * ginv[q + 1]!;
              const cr = ph[2 * fs]!;
              const ci2 = ph[2 * fs + 1]!;
              sr += gr * cr - gi * ci2;
              si += gr * ci2 + gi * cr;
            }
            for (let r = Math.max(0, dl); r < Math.min(wb, wb + dl); r++) {
              const q = boff + 2 * ((r * co + o) * bs + (r - dl) * co + p);
              out[q] = sr / ns;
              out[q + 1] = si / ns;
            }
          }
        }
      }
    }
    return out;
  }

  /** out = G⁻¹ u on the full grid (real, channel-innermost [n1][n2][co]). */
  private applyGinv(u: Float64Array, out: Float64Array): void {
    this.applyGinvBatch([u], [out]);
  }

  /**
   * outs[b] = G⁻¹ us[b] for up to {@link SOLVE_BATCH} grids at once. The B·co real channels travel two per complex
   * FFT lane (u_2j + i·u_2j+1), halving the FFT work; the half spectrum is unpacked by Hermitian symmetry, and
   * every c×c block G⁻¹(f) is applied to the B spectra together (cmatvecMulti: loaded once per batch).
   */
  private applyGinvBatch(us: Float64Array[], outs: Float64Array[]): void {
    const { n1, n2, h2, co } = this;
    const B = us.length;
    const C = B * co;
    const N = n1 * n2;
    const cp = (C + 1) >> 1;
    let a = this.cbuf;
    let b = this.cbuf2;
    let tmp = this.ctmp;
    const uv = this.uv;
    const ov = this.ov;
    const wasm = this.wasm;
    // Byte addresses for the SIMD products, resolved once per application.
    const gAddr = wasm ? wasm.addr(this.ginv, 0) : 0;
    const gStride = 8 * packedLength(co);
    const uvAddr = wasm ? wasm.addr(uv, 0) : 0;
    const ovAddr = wasm ? wasm.addr(ov, 0) : 0;
    if (B > 1) {
      // Scratch for batches, allocated on first use (4·2·N·co doubles each at B = 4).
      if (!this.batchBuf) {
        const len = 2 * N * ((SOLVE_BATCH * co + 1) >> 1);
        this.batchBuf = { a: new Float64Array(len), b: new Float64Array(len), tmp: new Float64Array(len) };
      }
      ({ a, b, tmp } = this.batchBuf);
    }
    for (let k = 0; k < B; k++) {
      const u = us[k]!;
      for (let p = 0; p < N; p++) {
        const base = 2 * p * cp + k * co;
        for (let o = 0; o < co; o++) a[base + o] = u[p * co + o]!;
      }
    }
    if (C & 1) for (let p = 0; p < N; p++) a[2 * p * cp + C] = 0;
    fft2Lanes(a, n1, n2, cp, -1, { tmp });
    const cc = co * co;
    for (let f1 = 0; f1 < n1; f1++) {
      const g1 = (n1 - f1) % n1;
      for (let f2 = 0; f2 < h2; f2++) {
        const g2 = (n2 - f2) % n2;
        const pf = 2 * (f1 * n2 + f2) * cp;
        const pg = 2 * (g1 * n2 + g2) * cp;
        for (let j = 0; j < cp; j++) {
          const zr = a[pf + 2 * j]!;
          const zi = a[pf + 2 * j + 1]!;
          const wr = a[pg + 2 * j]!;
          const wi = -a[pg + 2 * j + 1]!; // conj(Z(−f))
          uv[4 * j] = 0.5 * (zr + wr);
          uv[4 * j + 1] = 0.5 * (zi + wi);
          if (2 * j + 1 < C) {
            // (Z − conj Z(−f)) / (2i)
            uv[4 * j + 2] = 0.5 * (zi - wi);
            uv[4 * j + 3] = -0.5 * (zr - wr);
          }
        }
        if (wasm) wasm.hermAt(gAddr + (f1 * h2 + f2) * gStride, uvAddr, ovAddr, co, B);
        else cmatvecMulti(this.ginv, 2 * (f1 * h2 + f2) * cc, uv, ov, co, B);
        const mirror = f2 > 0 && g2 >= h2;
        for (let j = 0; j < cp; j++) {
          const ar = ov[4 * j]!;
          const ai = ov[4 * j + 1]!;
          const br = 2 * j + 1 < C ? ov[4 * j + 2]! : 0;
          const bi = 2 * j + 1 < C ? ov[4 * j + 3]! : 0;
          b[pf + 2 * j] = ar - bi;
          b[pf + 2 * j + 1] = ai + br;
          if (mirror) {
            b[pg + 2 * j] = ar + bi;
            b[pg + 2 * j + 1] = -ai + br;
          }
        }
      }
    }
    fft2Lanes(b, n1, n2, cp, 1, { tmp });
    const s = 1 / N;
    for (let k = 0; k < B; k++) {
      const out = outs[k]!;
      for (let p = 0; p < N; p++) {
        const base = 2 * p * cp + k * co;
        for (let o = 0; o < co; o++) out[p * co + o] = b[base + o]! * s;
      }
    }
  }

  /** z = (additive Schwarz sum of the two band inverses) r, for r supported on the ring. */
  private applyPrecond(r: Float64Array, z: Float64Array): void {
    z.fill(0);
    this.bandSolve(r, z, 0);
    this.bandSolve(r, z, 1);
  }

  /** z += (Γ restricted to one band)⁻¹ r on that band (1-D DFT along it, one block per frequency). */
  private bandSolve(r: Float64Array, z: Float64Array, axis: 0 | 1): void {
    const { n1, n2, m1, m2, co } = this;
    const wb = axis === 0 ? this.w1 : this.w2;
    if (wb === 0) return;
    const nb = axis === 0 ? n2 : n1;
    const blocks = axis === 0 ? this.dh : this.dv;
    // Grid index of (across s, along j, channel o) = base(s) + j·step + o.
    const step = axis === 0 ? co : n2 * co;
    const base = (s: number): number => (axis === 0 ? (m1 + s) * n2 * co : (m2 + s) * co);
    const lanes = wb * co;
    const wasm = this.wasm;
    const buf = (this.bandIn ?? this.cbuf).subarray(0, 2 * nb * lanes);
    const out = (this.bandOut ?? this.cbuf2).subarray(0, 2 * nb * lanes);
    for (let s = 0; s < wb; s++) {
      const b0 = base(s);
      for (let j = 0; j < nb; j++)
        for (let o = 0; o < co; o++) {
          const q = 2 * (j * lanes + s * co + o);
          buf[q] = r[b0 + j * step + o]!;
          buf[q + 1] = 0;
        }
    }
    fft1Lanes(buf, nb, lanes, -1, this.ctmp);
    if (wasm) {
      const aAddr = wasm.addr(blocks, 0);
      const xAddr = wasm.addr(buf, 0);
      const yAddr = wasm.addr(out, 0);
      const aStep = 8 * packedLength(lanes);
      for (let k = 0; k < nb; k++) wasm.hermAt(aAddr + k * aStep, xAddr + 16 * k * lanes, yAddr + 16 * k * lanes, lanes, 1);
    }
    else for (let k = 0; k < nb; k++) cmatvec(blocks, 2 * k * lanes * lanes, buf, 2 * k * lanes, out, 2 * k * lanes, lanes);
    fft1Lanes(out, nb, lanes, 1, this.ctmp);
    for (let s = 0; s < wb; s++) {
      const b0 = base(s);
      for (let j = 0; j < nb; j++) for (let o = 0; o < co; o++) z[b0 + j * step + o] += out[2 * (j * lanes + s * co + o)]! / nb;
    }
  }

  /**
   * One refinement pass for up to {@link SOLVE_BATCH} right-hand sides in lock-step: zOuts[k] = (AAᵀ)⁻¹ ys[k] on
   * the observed outputs (channel-major [co][m1][m2]), CG on Γ to cgTols[k] per right-hand side, one batched
   * G⁻¹ application per iteration for those still running. Returns the CG iterations of each. (Continuing CG
   * past cgTol was tried and removed: at c = 32, 128² it spent 46 more iterations without reaching the
   * target — the first pass is limited by rounding along the chain, not by the ring residual.)
   */
  private passBatch(ys: Float64Array[], zOuts: Float64Array[], cgTols: number[], cgMaxIter: number, recycle: boolean, used: number[]): number[] {
    const { n1, n2, m1, m2, co, ring } = this;
    const L = n1 * n2 * co;
    const R = ring.length;
    const B = ys.length;
    const range = Array.from({ length: B }, (_, k) => k);
    const us = range.map(() => new Float64Array(L));
    for (let k = 0; k < B; k++)
      for (let o = 0; o < co; o++) for (let i = 0; i < m1; i++) for (let j = 0; j < m2; j++) us[k]![(i * n2 + j) * co + o] = ys[k]![(o * m1 + i) * m2 + j]!;
    // `fulls` stay zero off the ring, so scattering ring vectors into them needs no clearing.
    const fulls = range.map(() => new Float64Array(L));
    const fullOuts = range.map(() => new Float64Array(L));
    this.applyGinvBatch(us, fullOuts);
    // CG runs on compact ring vectors (R = c·(w1n2 + w2n1 − w1w2) ≪ L): only Γ and the preconditioner see the grid.
    const bs = range.map((k) => {
      const b = new Float64Array(R);
      for (let t = 0; t < R; t++) b[t] = fullOuts[k]![ring[t]!]!;
      return b;
    });
    const bn = bs.map((b) => Math.sqrt(dot(b, b)));
    const wv = range.map(() => new Float64Array(R));
    const res = bs.map((b) => b.slice());
    const z = range.map(() => new Float64Array(R));
    const q = range.map(() => new Float64Array(R));
    const pv = range.map(() => new Float64Array(R));
    const rz = new Float64Array(B);
    const its = new Array<number>(B).fill(0);
    const precond = (r: Float64Array, out: Float64Array): void => {
      const full = fulls[0]!;
      for (let t = 0; t < R; t++) full[ring[t]!] = r[t]!;
      this.applyPrecond(full, fullOuts[0]!);
      for (let t = 0; t < R; t++) out[t] = fullOuts[0]![ring[t]!]!;
    };
    // Recycling: start from the Galerkin projection on the kept directions and stay Γ-orthogonal to them
    // (solveMany passes one right-hand side at a time when a recycling budget is set).
    const space = recycle && this.space.capacity > 0 && B === 1 ? this.space : null;
    if (space) {
      space.commit();
      used[0] = space.size;
    }
    for (let k = 0; k < B; k++) {
      if (bn[k] === 0) continue;
      space?.project(wv[k]!, res[k]!);
      precond(res[k]!, z[k]!);
      pv[k]!.set(z[k]!);
      space?.deflate(z[k]!, pv[k]!);
      rz[k] = dot(res[k]!, z[k]!);
    }
    for (;;) {
      const act = range.filter((k) => bn[k]! > 0 && its[k]! < cgMaxIter && Math.sqrt(dot(res[k]!, res[k]!)) > cgTols[k]! * bn[k]!);
      if (act.length === 0) break;
      for (const k of act) {
        if (its[k] === 0) continue;
        const p = pv[k]!;
        const zk = z[k]!;
        precond(res[k]!, zk);
        const rzn = dot(res[k]!, zk);
        const beta = rzn / rz[k]!;
        rz[k] = rzn;
        for (let t = 0; t < R; t++) p[t] = zk[t]! + beta * p[t]!;
        space?.deflate(zk, p);
      }
      // Γp for every running right-hand side in one batched G⁻¹ application.
      for (let a = 0; a < act.length; a++) {
        const p = pv[act[a]!]!;
        const full = fulls[a]!;
        for (let t = 0; t < R; t++) full[ring[t]!] = p[t]!;
      }
      this.applyGinvBatch(fulls.slice(0, act.length), fullOuts.slice(0, act.length));
      for (let a = 0; a < act.length; a++) {
        const k = act[a]!;
        const p = pv[k]!;
        const qk = q[k]!;
        const fo = fullOuts[a]!;
        for (let t = 0; t < R; t++) qk[t] = fo[ring[t]!]!;
        const pq = dot(p, qk);
        space?.offer(p, qk, pq);
        const al = rz[k]! / pq;
        axpy(al, p, wv[k]!);
        axpy(-al, qk, res[k]!);
        // Deflated directions never change Pᵀres, so its rounding-level part would set a floor above cgTol
        // (measured at c = 32, 128²: the recurrence residual then diverged); re-project (no Γ application).
        space?.project(wv[k]!, res[k]!);
        its[k]!++;
      }
    }
    // z = G⁻¹(Sᵀy − Tᵀw) in one application (u is zero on the ring, w lives only there) rather than
    // a − G⁻¹Tᵀw. Measured neutral in accuracy (c = 32, 128²: same residuals, same refinement passes).
    for (let k = 0; k < B; k++) for (let t = 0; t < R; t++) us[k]![ring[t]!] -= wv[k]![t]!;
    this.applyGinvBatch(us, fullOuts);
    for (let k = 0; k < B; k++)
      for (let o = 0; o < co; o++)
        for (let i = 0; i < m1; i++) for (let j = 0; j < m2; j++) zOuts[k]![(o * m1 + i) * m2 + j] = fullOuts[k]![(i * n2 + j) * co + o]!;
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

  /** Bytes held by the recycled CG directions (in addition to `info.bytes`). @example `factor.recycleBytes` */
  get recycleBytes(): number {
    return this.space.bytes;
  }

  /** Recycled directions available to the next solve (including those of the last pass). @example `factor.recycledDirections` */
  get recycledDirections(): number {
    this.space.commit();
    return this.space.size;
  }

  /** Drops the recycled directions (the next solve is a plain CG solve again and starts a new space). @example `factor.forgetRecycled()` */
  forgetRecycled(): void {
    this.space.clear();
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
    return this.solveMany([y], options)[0]!;
  }

  /**
   * x̂ = A⁺y for several samples. Without a recycling budget they are solved {@link SOLVE_BATCH} at a time in
   * lock-step (one batched G⁻¹ application per CG iteration); each keeps its own tolerances, refinement passes
   * and info, identical to a separate {@link RingValidFactor.solve} up to rounding.
   *
   * @example
   * ```ts
   * const [a, b] = factor.solveMany([y1, y2]);
   * ```
   */
  solveMany(ys: Float64Array[], options: RingSolveOptions = {}): { x: Float64Array; info: RingSolveInfo }[] {
    const chunk = this.space.capacity > 0 && (options.recycle ?? true) ? 1 : SOLVE_BATCH;
    const out: { x: Float64Array; info: RingSolveInfo }[] = [];
    for (let s = 0; s < ys.length; s += chunk) out.push(...this.solveChunk(ys.slice(s, s + chunk), options));
    return out;
  }

  private solveChunk(ys: Float64Array[], options: RingSolveOptions): { x: Float64Array; info: RingSolveInfo }[] {
    const t0 = now();
    const tol = options.tol ?? 1e-10;
    const cgTol = options.cgTol ?? 1e-14;
    // A singular G (shifted) cannot give the exact answer; bound the work spent on the regularised one.
    const singular = this.info.status === 'singular';
    const cgMaxIter = options.cgMaxIter ?? (singular ? 500 : 3000);
    const maxRefine = options.maxRefine ?? (singular ? 1 : 4);
    const recycle = options.recycle ?? true;
    const { co, ci, in1, in2, m1, m2 } = this;
    const nIn = ci * in1 * in2;
    const dx = new Float64Array(nIn);
    const ax = new Float64Array(co * m1 * m2);
    const st = ys.map((y) => ({
      y,
      x: new Float64Array(nIn),
      r: y.slice(),
      z: new Float64Array(co * m1 * m2),
      ynorm: Math.sqrt(dot(y, y)),
      its: [] as number[],
      recycled: [] as number[],
      passRes: [] as number[],
      loosenFailed: false,
      ne: 0,
      res: 0,
      done: false,
    }));
    type State = (typeof st)[number];
    // x += Aᵀz, then the exact residual r = y − Ax and the normal-equation residual.
    const evaluate = (s: State): void => {
      this.applyAt(s.z, dx);
      for (let i = 0; i < nIn; i++) s.x[i] += dx[i]!;
      this.applyA(s.x, ax);
      for (let i = 0; i < s.r.length; i++) s.r[i] = s.y[i]! - ax[i]!;
      this.applyAt(s.r, dx);
      s.ne = Math.sqrt(dot(dx, dx)) / (this.info.normALower * s.ynorm);
      s.res = Math.sqrt(dot(s.r, s.r)) / s.ynorm;
    };
    for (const s of st) s.done = s.ynorm === 0;
    // Iterative refinement. A correction pass only has to shrink the normal-equation residual by ne/tol, so it
    // runs CG to REFINE_MARGIN·tol/ne (relative to its own right-hand side) instead of cgTol; should that miss
    // the target, every later pass uses the full cgTol. (An earlier rule, scaled by the error amplification
    // seen in pass 0, stalled at ~3e-11: see REFINE_MARGIN.)
    for (let pass = 0; pass <= maxRefine; pass++) {
      const act = st.filter((s) => !s.done);
      if (act.length === 0) break;
      const tols = act.map((s) => (pass > 0 && !s.loosenFailed ? Math.min(REFINE_MAX_CG_TOL, Math.max(cgTol, REFINE_MARGIN * (tol / s.ne))) : cgTol));
      const used = act.map(() => 0);
      const its = this.passBatch(
        act.map((s) => s.r.slice()),
        act.map((s) => s.z),
        tols,
        cgMaxIter,
        recycle,
        used,
      );
      act.forEach((s, a) => {
        evaluate(s);
        s.its.push(its[a]!);
        s.recycled.push(used[a]!);
        s.passRes.push(s.ne);
        if (tols[a]! > cgTol && s.ne > tol) s.loosenFailed = true;
        if (s.ne <= tol) s.done = true;
      });
    }
    const ms = now() - t0;
    return st.map((s) => ({
      x: s.x,
      info: {
        converged: s.ne <= tol && this.info.status !== 'singular',
        normalResidual: s.ne,
        residual: s.res,
        cgIterations: s.its,
        recycledDirections: s.recycled,
        passResiduals: s.passRes,
        recycleBytes: this.space.bytes,
        solveMs: ms,
      },
    }));
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
