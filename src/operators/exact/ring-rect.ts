/**
 * Exact pseudo-inverse of a real padded 2-D convolution of any shape — zero, reflect or replicate pads (any,
 * asymmetric, beyond 'same'), c_out ≠ c_in, any stride and dilation, groups 1 — and of 'valid' ones when asked
 * to factorise them (no pads: an empty input ring) (issue 9). The square stride-1 'same' case stays with
 * ring-same.ts; this file handles the rest.
 *
 * Embedding: A = S C E. E places the input on a torus of side N (per axis) whose other pixels — the input
 * ring R — hold the zero pads; C is the circular strided cross-correlation on it; S keeps the m observed
 * outputs of the M = N/s output grid, T the unobserved rest. N is the smallest multiple of s with
 * N ≥ n + max(pad before, pad after) (an observed output that reads past the end wraps onto the top pads,
 * which are zero as well) and N ≥ m·s (the observed outputs fit). Splitting the torus into its s1·s2 phases
 * (c_in·s1·s2 "lanes" on the M1×M2 grid) makes C a stride-1 circular map with a c_out × c_in·s1·s2 symbol
 * Ĉ(f) per frequency (MATH.md, polyphase).
 *
 * Wide A (rows ≤ cols, x̂ = Aᵀ(AAᵀ)⁻¹y), G = CCᵀ: the output field λ̃ = Sᵀλ and the input field Cᵀλ̃ are
 *   [λ̃; Cᵀλ̃] = P [Sᵀy + Tᵀt; Rᵀr],  P(f) = [Ĝ⁻¹, Ĝ⁻¹Ĉ; ĈᴴĜ⁻¹, ĈᴴĜ⁻¹Ĉ],
 * with t, r fixed by Tλ̃ = 0 and R Cᵀλ̃ = r (the ring of Cᵀλ̃ is what Eᵀ drops); x̂ = interior of Cᵀλ̃.
 * Tall A (x̂ = (AᵀA)⁻¹Aᵀy), G = CᵀC: the input field u = E x̂ and Cu are
 *   [Cu; u] = P [Sᵀy + Tᵀτ; Rᵀρ],  P(f) = [ĈĜ⁻¹Ĉᴴ, ĈĜ⁻¹; Ĝ⁻¹Ĉᴴ, Ĝ⁻¹],
 * with T Cu = τ and R u = 0. Both are one symmetric capacitance system on the two rings,
 *   Γ = [T P_tt Tᵀ − [tall]·I, T P_tr Rᵀ; R P_trᴴ Tᵀ, R P_rr Rᵀ − [wide]·I],  Γ[t; r] = −[T; R]·P[Sᵀy; 0],
 * whose blocks are the inverse FFTs of P's blocks (real kernels) read at ring position differences. Γ is
 * nonsingular exactly when A has full row (wide) or column (tall) rank and Ĝ is invertible at every frequency.
 * It is factorised once by the blocked LU; a solve is two FFT pairs on the two fields plus two triangular
 * solves, refined on the normal equations.
 *
 * Reflect/replicate pads are copies (see {@link inputSide}): the torus then holds the whole padded grid
 * (N ≥ n + both pads), R is replaced by K_c u = u(pad) − u(its source) for a tall A, and for a wide A the input
 * side gains the source pixels and M⁻¹ of EEᵀ − I in place of −I.
 *
 * Internal grids are channel-innermost `[M1][M2][lanes]` complex; public arrays are PyTorch's `[c][n1][n2]`.
 */
import { fft2Lanes } from './fft2-lanes.js';
import { gram, invertBlock, padSource, polyphaseSymbol, type PolyphaseGeometry } from './torus-blocks.js';
import { powerLambdaMax } from './hermitian-kernel.js';
import { complexGaussJordan } from '../../linalg/kernels/complex-gauss-jordan.js';
import { luBlockedReal, luBlockedSolve } from '../../linalg/kernels/lu-blocked.js';
import { allocShared } from '../../parallel/pool.js';
import { conv2d as nnConv2d } from '../../nn/conv2d.js';
import { convTranspose2d as nnConvTranspose2d } from '../../nn/conv-transpose2d.js';
import { Tensor } from '../../tensor/tensor.js';

/**
 * Largest capacitance system (output-ring + input-ring unknowns) that `pinv`'s 'auto' factorises densely with
 * the rectangular path: (2/3)U³ flops and 8U² bytes (800 MB, ≈ 30 s at the limit), as SAME_RING_MAX for the
 * square 'same' path. c = 8, 64² stride-2 'same' has 2,600 unknowns; c_out = 16, c_in = 8, 64² 'same' 3,096.
 * Up to {@link EXACT_RING_MAX} on request (`method: 'exact'`).
 *
 * @example `rectGeometry(spec).unknowns <= RECT_RING_MAX`
 */
export const RECT_RING_MAX = 10000;

/**
 * Largest capacitance system either ring solver factorises when asked to (`method: 'exact'`): 8U² bytes, 3.5 GB
 * at the limit, and (2/3)U³ flops — c = 32, 128² with stride 2 (20,640 unknowns: 427 s on the project's 2 cores,
 * 4 GB resident) or reflect/replicate padding (16,512) fit.
 *
 * @example `EXACT_RING_MAX // 21000`
 */
export const EXACT_RING_MAX = 21000;

/** Geometry and kernel of a zero-padded convolution (float64 weight `[cOut][cIn][kh][kw]`). @example `{ weight: w, cOut: 4, cIn: 2, kh: 3, kw: 3, n1: 8, n2: 8, pt: 1, pb: 1, pl: 1, pr: 1, s1: 2, s2: 2 }` */
export interface RectConvSpec {
  readonly weight: Float64Array;
  readonly cOut: number;
  readonly cIn: number;
  readonly kh: number;
  readonly kw: number;
  /** Input spatial size. */
  readonly n1: number;
  readonly n2: number;
  /** Pads: top, bottom, left, right. */
  readonly pt: number;
  readonly pb: number;
  readonly pl: number;
  readonly pr: number;
  /** Stride (default 1). */
  readonly s1?: number;
  readonly s2?: number;
  /** Dilation (default 1). */
  readonly d1?: number;
  readonly d2?: number;
  /** How the pads are filled (default 'zeros'): zeros, or copies of the input ('reflect', 'replicate' as in PyTorch). */
  readonly mode?: RectPadMode;
}

/** Pad modes of the two-ring solver. @example `const m: RectPadMode = 'reflect'` */
export type RectPadMode = 'zeros' | 'reflect' | 'replicate';

/** Torus, grids and ring sizes of a {@link RectConvSpec}. @example `rectGeometry(spec).unknowns` */
export interface RectGeometry {
  /** Output size. */
  readonly m1: number;
  readonly m2: number;
  /** Torus side (a multiple of the stride). */
  readonly N1: number;
  readonly N2: number;
  /** Polyphase grid N/s. */
  readonly M1: number;
  readonly M2: number;
  /** c_in·s1·s2: lanes of the input field on the polyphase grid. */
  readonly cPhase: number;
  /** Rows ≤ columns of A: x̂ = Aᵀ(AAᵀ)⁻¹y; else x̂ = (AᵀA)⁻¹Aᵀy. */
  readonly wide: boolean;
  /**
   * Unknowns on the output ring, c_out·(M1M2 − m1m2), and on the input side: c_in·(N1N2 − n1n2) ring pixels,
   * plus, for a wide A with reflect/replicate pads, the c_in·(interior pixels some pad copies) sources.
   */
  readonly outRing: number;
  readonly inRing: number;
  /** outRing + inRing: the size of the capacitance system. */
  readonly unknowns: number;
}

/**
 * The torus and ring sizes of a zero-padded convolution (see the file comment for the choice of N).
 *
 * @example `rectGeometry({ cOut: 2, cIn: 2, kh: 3, kw: 3, n1: 8, n2: 8, pt: 1, pb: 1, pl: 1, pr: 1, s1: 2, s2: 2 }).N1 // 10`
 */
export function rectGeometry(spec: Omit<RectConvSpec, 'weight'>): RectGeometry {
  const s1 = spec.s1 ?? 1;
  const s2 = spec.s2 ?? 1;
  const mode = spec.mode ?? 'zeros';
  const a1 = rectAxis(spec.n1, spec.pt, spec.pb, spec.kh, s1, spec.d1 ?? 1, mode);
  const a2 = rectAxis(spec.n2, spec.pl, spec.pr, spec.kw, s2, spec.d2 ?? 1, mode);
  const outRing = spec.cOut * (a1.M * a2.M - a1.m * a2.m);
  const wide = spec.cOut * a1.m * a2.m <= spec.cIn * spec.n1 * spec.n2;
  let inRing = spec.cIn * (a1.N * a2.N - spec.n1 * spec.n2);
  if (wide && mode !== 'zeros') {
    // Interior pixels some pad copies: (pad sources of axis 1) × all columns ∪ all rows × (pad sources of axis 2).
    const p1 = padSources(spec.n1, spec.pt, spec.pb, mode).size;
    const p2 = padSources(spec.n2, spec.pl, spec.pr, mode).size;
    inRing += spec.cIn * (p1 * spec.n2 + spec.n1 * p2 - p1 * p2);
  }
  return {
    m1: a1.m,
    m2: a2.m,
    N1: a1.N,
    N2: a2.N,
    M1: a1.M,
    M2: a2.M,
    cPhase: spec.cIn * s1 * s2,
    wide,
    outRing,
    inRing,
    unknowns: outRing + inRing,
  };
}

/**
 * Why the two-ring solver cannot take this geometry, or null: wide A (rows ≤ cols) needs Ĝ = ĈĈᴴ invertible,
 * so c_out ≤ c_in × (the input phases some tap reads: s1·s2 unless dilation and stride share a factor); tall
 * A needs ĈᴴĈ invertible, so c_in·s1·s2 ≤ c_out and every phase read (an unread phase is a set of zero
 * columns of A); and at most {@link EXACT_RING_MAX} ring unknowns. Kernel values are not looked at: a kernel
 * that makes A rank-deficient is reported by the factorisation ('singular').
 *
 * @example `rectObstacle({ cOut: 3, cIn: 2, kh: 5, kw: 5, n1: 10, n2: 10, pt: 1, pb: 1, pl: 1, pr: 1 }) // 'A has no more rows …'`
 */
export function rectObstacle(spec: Omit<RectConvSpec, 'weight'>): string | null {
  const g = rectGeometry(spec);
  const { cOut: co, cIn: ci } = spec;
  const phases = g.cPhase / ci;
  const used = usedPhases(spec.kh, spec.d1 ?? 1, spec.s1 ?? 1) * usedPhases(spec.kw, spec.d2 ?? 1, spec.s2 ?? 1);
  if (g.wide && co > g.cPhase)
    return `A has no more rows than columns but c_out > c_in·s1·s2 = ${g.cPhase}, so CCᵀ on the torus is singular and A cannot have full row rank`;
  if (g.wide && co > ci * used)
    return `A has no more rows than columns but the taps read only ${used} of the ${phases} input phases of the stride, and c_out > c_in·${used}, so CCᵀ on the torus is singular`;
  if (!g.wide && g.cPhase > co)
    return `A has more rows than columns but c_in·s1·s2 = ${g.cPhase} > c_out, so CᵀC on the torus is singular and A cannot have full column rank`;
  if (!g.wide && used < phases)
    return `A has more rows than columns but the taps read only ${used} of the ${phases} input phases of the stride: input pixels that no output reads make A column-rank deficient`;
  if (g.unknowns > EXACT_RING_MAX)
    return `the two rings have ${g.unknowns} unknowns, above ${EXACT_RING_MAX} (dense capacitance LU, ${((8 * g.unknowns * g.unknowns) / 1e9).toFixed(1)} GB; an iterative ring solve is not implemented)`;
  return null;
}

/** How many of the s phases (u·d mod s) the k taps of one axis read. */
function usedPhases(k: number, d: number, s: number): number {
  const seen = new Set<number>();
  for (let u = 0; u < k; u++) seen.add((u * d) % s);
  return seen.size;
}

function rectAxis(n: number, before: number, after: number, k: number, s: number, d: number, mode: RectPadMode): { m: number; N: number; M: number } {
  const m = Math.floor((n + before + after - d * (k - 1) - 1) / s) + 1;
  // Zero pads may share the torus (a read past the end wraps onto zeros); copied pads differ, so each needs its own pixel.
  const span = mode === 'zeros' ? Math.max(before, after) : before + after;
  const N = Math.ceil(Math.max(n + span, m * s) / s) * s;
  return { m, N, M: N / s };
}

/** The indices of an axis that its pads copy. */
function padSources(n: number, before: number, after: number, mode: 'reflect' | 'replicate'): Set<number> {
  const out = new Set<number>();
  for (let i = -before; i < 0; i++) out.add(padSource(i, n, mode));
  for (let i = n; i < n + after; i++) out.add(padSource(i, n, mode));
  return out;
}

/** The input-side points and unknowns of the two-ring system (see {@link RingRectFactor}'s ptStart). */
interface InputSide {
  pos: Int32Array;
  lane: Int32Array;
  start: Int32Array;
  row: Int32Array;
  coef: Float64Array;
  rows: number;
  mInv: { i: Int32Array; j: Int32Array; v: Float64Array };
}

/**
 * The input side of Γ. With copied pads the input field u = E x holds each pad pixel's copy of its source, so
 * range(E) = {u : u(r) = u(src r) on the ring} (u(r) = 0 where nothing is copied, as for zero pads):
 * - tall A: x̂ solves EᵀCᵀSᵀSCEx = Eᵀ(…); null(Eᵀ) = range(K_cᵀ) with K_c u = u(r) − u(src r), so the zero-pad
 *   system holds with R replaced by K_c — one unknown per ring pixel, two points each;
 * - wide A: AAᵀ = SC(EEᵀ)CᵀSᵀ with EEᵀ = I + VᵀMV, V the point values at the ring pixels and their sources,
 *   M = J − I (all-ones minus identity) on each group {source, the pixels copying it} and −1 on an uncopied ring
 *   pixel; the capacitance system adds M⁻¹ (J/g − I on a group with g copies, −1) to V P Vᵀ. Zero pads are the
 *   case with no sources: M⁻¹ = −I.
 */
function inputSide(spec: Omit<RectConvSpec, 'weight'>, geo: RectGeometry): InputSide {
  const mode = spec.mode ?? 'zeros';
  const { cIn: ci, n1, n2, pt, pb, pl, pr } = spec;
  const s1 = spec.s1 ?? 1;
  const s2 = spec.s2 ?? 1;
  const { N1, N2, M2, wide } = geo;
  const ringT: number[] = [];
  const srcT: number[] = [];
  for (let P1 = 0; P1 < N1; P1++)
    for (let P2 = 0; P2 < N2; P2++) {
      if (P1 >= pt && P1 < pt + n1 && P2 >= pl && P2 < pl + n2) continue;
      ringT.push(P1 * N2 + P2);
      const a = P1 - pt;
      const b = P2 - pl;
      // Torus pixels past the padded grid (rounding N up to the stride) hold nothing: zero, like zero pads.
      if (mode === 'zeros' || a >= n1 + pb || b >= n2 + pr) srcT.push(-1);
      else srcT.push((padSource(a, n1, mode) + pt) * N2 + padSource(b, n2, mode) + pl);
    }
  const nRing = ringT.length;
  const srcIndex = new Map<number, number>();
  const copies: number[][] = [];
  srcT.forEach((t, k) => {
    if (t < 0) return;
    let j = srcIndex.get(t);
    if (j === undefined) {
      j = copies.length;
      srcIndex.set(t, j);
      copies.push([]);
    }
    copies[j]!.push(k);
  });
  const srcTorus = Array.from(srcIndex.keys());
  const nPoints = (nRing + srcTorus.length) * ci;
  const pos = new Int32Array(nPoints);
  const lane = new Int32Array(nPoints);
  const place = (e: number, t: number, c: number): void => {
    const P1 = Math.floor(t / N2);
    const P2 = t % N2;
    pos[e] = Math.floor(P1 / s1) * M2 + Math.floor(P2 / s2);
    lane[e] = (c * s1 + (P1 % s1)) * s2 + (P2 % s2);
  };
  for (let k = 0; k < nRing; k++) for (let c = 0; c < ci; c++) place(k * ci + c, ringT[k]!, c);
  srcTorus.forEach((t, j) => {
    for (let c = 0; c < ci; c++) place((nRing + j) * ci + c, t, c);
  });
  const lists: { row: number; coef: number }[][] = Array.from({ length: nPoints }, () => []);
  const mi: number[] = [];
  const mj: number[] = [];
  const mv: number[] = [];
  let rows: number;
  if (!wide) {
    rows = nRing * ci;
    for (let e = 0; e < rows; e++) lists[e]!.push({ row: e, coef: 1 });
    copies.forEach((ks, j) => {
      for (let c = 0; c < ci; c++) for (const k of ks) lists[(nRing + j) * ci + c]!.push({ row: k * ci + c, coef: -1 });
    });
  } else {
    rows = nPoints;
    for (let e = 0; e < rows; e++) lists[e]!.push({ row: e, coef: 1 });
    for (let k = 0; k < nRing; k++)
      if (srcT[k]! < 0)
        for (let c = 0; c < ci; c++) {
          mi.push(k * ci + c);
          mj.push(k * ci + c);
          mv.push(-1);
        }
    copies.forEach((ks, j) => {
      const g = ks.length;
      for (let c = 0; c < ci; c++) {
        const members = [(nRing + j) * ci + c, ...ks.map((k) => k * ci + c)];
        for (const a of members)
          for (const b of members) {
            mi.push(a);
            mj.push(b);
            mv.push(1 / g - (a === b ? 1 : 0));
          }
      }
    });
  }
  if (rows !== geo.inRing) throw new Error(`ring-rect: internal inconsistency: ${rows} input unknowns, geometry says ${geo.inRing}`);
  const start = new Int32Array(nPoints + 1);
  for (let e = 0; e < nPoints; e++) start[e + 1] = start[e]! + lists[e]!.length;
  const row = new Int32Array(start[nPoints]!);
  const coef = new Float64Array(row.length);
  lists.forEach((l, e) =>
    l.forEach((x, q) => {
      row[start[e]! + q] = x.row;
      coef[start[e]! + q] = x.coef;
    }),
  );
  return { pos, lane, start, row, coef, rows, mInv: { i: Int32Array.from(mi), j: Int32Array.from(mj), v: Float64Array.from(mv) } };
}

/** Diagnostics of {@link RingRectFactor}. @example `f.info.status` */
export interface RingRectInfo {
  /** 'ok'; 'ill-conditioned' (condEstimate > 1e12); 'singular' (Ĝ or Γ has a tiny pivot: no exact answer). */
  status: 'ok' | 'ill-conditioned' | 'singular';
  /** Which normal equations: 'wide' (AAᵀ) or 'tall' (AᵀA). */
  shape: 'wide' | 'tall';
  /** ‖C‖ = max_f σ_max(Ĉ(f)) (power iteration), an upper bound of ‖A‖. */
  normC: number;
  /** ‖Av‖/‖v‖ after power steps on AᵀA: a rigorous lower bound of ‖A‖ (used in the normal-equation residual). */
  normALower: number;
  /** ‖C‖ times an inverse power estimate of ‖A⁺‖ (a lower bound of it); Infinity when singular. */
  condEstimate: number;
  /** Capacitance unknowns (output ring + input ring). */
  ringSize: number;
  /** Set-up time in ms. */
  setupMs: number;
  /** Bytes held. */
  bytes: number;
}

/** What one solve did. @example `info.refinements` */
export interface RingRectSolveInfo {
  /** The normal-equation residual met `tol` and the factorisation was not singular. */
  converged: boolean;
  /** ‖Aᵀ(Ax̂ − y)‖/(ν‖y‖) with ν = info.normALower ≤ ‖A‖ (so it over-states the true relative value). */
  normalResidual: number;
  /** Refinement passes used. */
  refinements: number;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Largest kernel chunk (doubles) held while Γ is assembled: bounds the set-up memory beside Γ itself. */
const KERNEL_CHUNK_DOUBLES = 1 << 23;

/**
 * Factorisation of a zero-padded convolution of any shape (see the file comment): Ĉ(f), Ĝ(f)⁻¹ on the
 * polyphase grid and the LU factors of the two-ring capacitance matrix.
 *
 * @example
 * ```ts
 * const f = new RingRectFactor({ weight: w, cOut: 2, cIn: 2, kh: 3, kw: 3, n1: 8, n2: 8, pt: 1, pb: 1, pl: 1, pr: 1, s1: 2, s2: 2 });
 * const { x } = f.solve(y); // y: [2][4][4], x: [2][8][8]
 * ```
 */
export class RingRectFactor {
  readonly info: RingRectInfo;
  readonly geometry: RectGeometry;
  private readonly spec: RectConvSpec;
  private readonly s1: number;
  private readonly s2: number;
  private readonly d1: number;
  private readonly d2: number;
  /** Ĉ(f), [M1M2][co][cp] complex. */
  private readonly chat: Float64Array;
  /** Ĝ(f)⁻¹, [M1M2][g][g] complex, g = co (wide) or cp (tall). */
  private readonly gi: Float64Array;
  /** Output ring: grid indices. Input side: grid index and lane of each point (ring pixels, then pad sources). */
  private readonly outPos: Int32Array;
  private readonly inPos: Int32Array;
  private readonly inLane: Int32Array;
  /**
   * The input-side unknowns as combinations of points (CSR by point): point e enters rows ptRow[ptStart[e]…]
   * with coefficients ptCoef. Zero pads: one row per ring pixel (its value). Copied pads, tall: the constraint
   * u(ring pixel) − u(its source); wide: one row per point, coupled through {@link mInv}.
   */
  private readonly ptStart: Int32Array;
  private readonly ptRow: Int32Array;
  private readonly ptCoef: Float64Array;
  private readonly nIn: number;
  /** The sparse symmetric matrix added to the input block of Γ (wide: M⁻¹ of EEᵀ − I on the points), as (i, j, v) triples. */
  private readonly mInv: { i: Int32Array; j: Int32Array; v: Float64Array };
  /** Field offsets (complex elements) of y's and x's pixels, in public order. */
  private readonly yMap: Int32Array;
  private readonly xMap: Int32Array;
  /** Symmetric scaling of the unknowns (t by ‖C‖ when wide, r by ‖C‖ when tall) that balances Γ's blocks. */
  private readonly scaleT: number;
  private readonly scaleR: number;
  private readonly lu: Float64Array;
  private readonly piv: Int32Array;
  private readonly ob: Float64Array;
  private readonly ib: Float64Array;
  private readonly ob0: Float64Array;
  private readonly ib0: Float64Array;
  private readonly tmp: Float64Array;
  private readonly vo: Float64Array;
  private readonly vi: Float64Array;
  private singular = false;
  /** The padded input buffer of {@link applyA} (pads explicit: zeros or copies) and its size. */
  private readonly padded: Float64Array;
  private wTensor: Tensor | undefined;
  private readonly np1: number;
  private readonly np2: number;

  constructor(spec: RectConvSpec) {
    const t0 = now();
    this.spec = spec;
    const geo = rectGeometry(spec);
    this.geometry = geo;
    const { cOut: co, cIn: ci, n1, n2, pt, pl } = spec;
    const s1 = (this.s1 = spec.s1 ?? 1);
    const s2 = (this.s2 = spec.s2 ?? 1);
    this.d1 = spec.d1 ?? 1;
    this.d2 = spec.d2 ?? 1;
    this.np1 = n1 + pt + spec.pb;
    this.np2 = n2 + pl + spec.pr;
    this.padded = new Float64Array(ci * this.np1 * this.np2);
    const { M1, M2, m1, m2, cPhase: cp, wide } = geo;
    const MM = M1 * M2;
    const g = wide ? co : cp;
    const pg: PolyphaseGeometry = { co, ci, kh: spec.kh, kw: spec.kw, d1: this.d1, d2: this.d2, s1, s2, M1, M2 };
    this.chat = new Float64Array(2 * MM * co * cp);
    this.gi = new Float64Array(2 * MM * g * g);
    let normC = 0;
    let gmax = 0;
    const v = new Float64Array(2 * g);
    const w = new Float64Array(2 * g);
    const gs = new Float64Array(2 * g * g);
    // The frequency of ‖C‖ and its top singular vector (output side when wide, input lanes when tall) start
    // the power steps for ‖A‖'s lower bound near their end.
    let fTop = 0;
    const vTop = new Float64Array(2 * g);
    for (let f = 0; f < MM; f++) {
      polyphaseSymbol(spec.weight, pg, Math.floor(f / M2), f % M2, this.chat, 2 * f * co * cp);
      gmax = Math.max(gmax, gram(this.chat, 2 * f * co * cp, co, cp, wide, gs));
      this.gi.set(gs, 2 * f * g * g);
      const sigma = Math.sqrt(powerLambdaMax(gs, 0, g, 30, v, w));
      if (sigma > normC) {
        normC = sigma;
        fTop = f;
        vTop.set(v);
      }
    }
    // Ĝ(f)⁻¹. A pivot below 1e-14·max‖Ĉ‖² (cond(Ĉ(f)) ≳ 1e7) leaves no exact answer in float64.
    const gj = complexGaussJordan(g, 3);
    for (let f = 0; f < MM; f++) if (!invertBlock(this.gi, 2 * f * g * g, g, gj, this.gi, 2 * f * g * g, 1e-14 * gmax)) this.singular = true;
    // Rings and maps. Output grid index p = g1·M2 + g2; input torus pixel (P1, P2) is lane (c·s1 + P1 % s1)·s2
    // + P2 % s2 at grid index ⌊P1/s1⌋·M2 + ⌊P2/s2⌋.
    const outR: number[] = [];
    for (let g1 = 0; g1 < M1; g1++) for (let g2 = 0; g2 < M2; g2++) if (!(g1 < m1 && g2 < m2)) outR.push(g1 * M2 + g2);
    this.outPos = Int32Array.from(outR);
    const ins = inputSide(spec, geo);
    this.inPos = ins.pos;
    this.inLane = ins.lane;
    this.ptStart = ins.start;
    this.ptRow = ins.row;
    this.ptCoef = ins.coef;
    this.nIn = ins.rows;
    this.mInv = ins.mInv;
    this.yMap = new Int32Array(co * m1 * m2);
    for (let o = 0; o < co; o++) for (let i = 0; i < m1; i++) for (let j = 0; j < m2; j++) this.yMap[(o * m1 + i) * m2 + j] = (i * M2 + j) * co + o;
    this.xMap = new Int32Array(ci * n1 * n2);
    for (let c = 0; c < ci; c++)
      for (let i = 0; i < n1; i++)
        for (let j = 0; j < n2; j++) {
          const P1 = i + pt;
          const P2 = j + pl;
          this.xMap[(c * n1 + i) * n2 + j] = (Math.floor(P1 / s1) * M2 + Math.floor(P2 / s2)) * cp + (c * s1 + (P1 % s1)) * s2 + (P2 % s2);
        }
    this.ob = new Float64Array(2 * MM * co);
    this.ib = new Float64Array(2 * MM * cp);
    this.ob0 = new Float64Array(this.ob.length);
    this.ib0 = new Float64Array(this.ib.length);
    this.tmp = new Float64Array(Math.max(this.ob.length, this.ib.length));
    this.vo = new Float64Array(2 * co);
    this.vi = new Float64Array(2 * cp);
    const scale = normC > 0 ? normC : 1;
    this.scaleT = wide ? scale : 1;
    this.scaleR = wide ? 1 : scale;
    const U = outR.length * co + this.nIn;
    // With Ĝ singular there is nothing to factorise (and Γ may be hundreds of MB).
    const lu = this.singular ? new Float64Array(0) : allocShared(Float64Array, U * U);
    if (!this.singular) this.assemble(lu, U);
    this.piv = new Int32Array(U);
    let maxAbs = 0;
    for (let i = 0; i < lu.length; i++) maxAbs = Math.max(maxAbs, Math.abs(lu[i]!));
    if (!this.singular && luBlockedReal(lu, U, this.piv, 1e-14 * maxAbs) > 0) this.singular = true;
    this.lu = lu;
    const normALower = this.normLowerBound(fTop, vTop);
    let cond = Infinity;
    if (!this.singular) {
      // ‖A⁺‖² = λ_max((AAᵀ)⁻¹) (wide) or λ_max((AᵀA)⁻¹) (tall), by power steps (a lower bound).
      let vv: Float64Array = new Float64Array(wide ? co * m1 * m2 : ci * n1 * n2);
      for (let i = 0; i < vv.length; i++) vv[i] = Math.sin(1 + 7.3 * i) + 0.3 * Math.cos(0.37 * i);
      let inv2 = 0;
      for (let it = 0; it < 6; it++) {
        const nv = Math.sqrt(dot(vv, vv));
        for (let i = 0; i < vv.length; i++) vv[i] = vv[i]! / nv;
        const z = wide ? this.gramInverseWide(vv) : this.gramInverseTall(vv);
        inv2 = Math.max(inv2, Math.sqrt(dot(z, z)));
        vv = z;
      }
      cond = normC * Math.sqrt(inv2);
    }
    const status: RingRectInfo['status'] = this.singular || !Number.isFinite(cond) ? 'singular' : cond > 1e12 ? 'ill-conditioned' : 'ok';
    const bytes = 8 * (lu.length + this.chat.length + this.gi.length + 2 * this.ob.length + 2 * this.ib.length + this.tmp.length);
    this.info = { status, shape: wide ? 'wide' : 'tall', normC, normALower, condEstimate: status === 'singular' ? Infinity : cond, ringSize: U, setupMs: now() - t0, bytes };
  }

  /** Fills the scaled capacitance matrix D Γ D (row-major U×U) from the inverse FFTs of P's blocks. */
  private assemble(mat: Float64Array, U: number): void {
    const { cOut: co } = this.spec;
    const { M1, M2, cPhase: cp, wide } = this.geometry;
    const MM = M1 * M2;
    const Ltt = co * co;
    const Lrr = Ltt + co * cp;
    const L = Lrr + cp * cp;
    const nT = this.outPos.length;
    const T = nT * co;
    // Output-ring positions, and the input-ring entries grouped by grid position (CSR): one kernel offset per
    // position pair serves every channel/lane pair there.
    const tp1 = Int32Array.from(this.outPos, (p) => Math.floor(p / M2));
    const tp2 = Int32Array.from(this.outPos, (p) => p % M2);
    const groups = new Map<number, number[]>();
    for (let e = 0; e < this.inPos.length; e++) {
      const g = this.inPos[e]!;
      const list = groups.get(g);
      if (list) list.push(e);
      else groups.set(g, [e]);
    }
    const rpos = Int32Array.from(groups.keys());
    const rp1 = Int32Array.from(rpos, (p) => Math.floor(p / M2));
    const rp2 = Int32Array.from(rpos, (p) => p % M2);
    const rStart = new Int32Array(rpos.length + 1);
    const rEnt = new Int32Array(this.inPos.length);
    let fill = 0;
    rpos.forEach((g, k) => {
      for (const e of groups.get(g)!) rEnt[fill++] = e;
      rStart[k + 1] = fill;
    });
    const lane = this.inLane;
    const { ptStart, ptRow, ptCoef } = this;
    const nR = rpos.length;
    const dt = this.scaleT;
    const dr = this.scaleR;
    // Real lanes per chunk (even: two real kernels share one complex inverse FFT).
    const chunk = Math.max(2, Math.min(L + (L & 1), 2 * Math.floor(KERNEL_CHUNK_DOUBLES / (2 * MM))));
    const pf = new Float64Array(2 * L);
    const ptr = new Float64Array(2 * co * cp);
    for (let l0 = 0; l0 < L; l0 += chunk) {
      const l1 = Math.min(L, l0 + chunk);
      const nl = l1 - l0;
      const lanes = (nl + 1) >> 1;
      const packed = new Float64Array(2 * MM * lanes);
      for (let f = 0; f < MM; f++) {
        this.symbolP(f, pf, ptr);
        for (let q = 0; q < lanes; q++) {
          const a = 2 * (l0 + 2 * q);
          const hasB = 2 * q + 1 < nl;
          const b = a + 2;
          const o = 2 * (f * lanes + q);
          packed[o] = pf[a]! - (hasB ? pf[b + 1]! : 0);
          packed[o + 1] = pf[a + 1]! + (hasB ? pf[b]! : 0);
        }
      }
      fft2Lanes(packed, M1, M2, lanes, 1, { tmp: new Float64Array(packed.length) });
      // Real lane l of the chunk at offset δ: packed[δ·W + l − l0] (lane pairs are interleaved re/im), × 1/MM.
      const W = 2 * lanes;
      const diff = (p1: number, p2: number, q1: number, q2: number): number => ((p1 - q1 + M1) % M1) * M2 + ((p2 - q2 + M2) % M2);
      if (l0 < Ltt) {
        const sc = (dt * dt) / MM;
        for (let kp = 0; kp < nT; kp++)
          for (let kq = 0; kq < nT; kq++) {
            const base = diff(tp1[kp]!, tp2[kp]!, tp1[kq]!, tp2[kq]!) * W - l0;
            for (let a = 0; a < co; a++) {
              const row = (kp * co + a) * U + kq * co;
              for (let b = 0; b < co; b++) {
                const l = a * co + b;
                if (l >= l0 && l < l1) mat[row + b] = packed[base + l]! * sc;
              }
            }
          }
      }
      if (l0 < Lrr && l1 > Ltt) {
        const sc = (dt * dr) / MM;
        for (let kp = 0; kp < nT; kp++)
          for (let k = 0; k < nR; k++) {
            const base = diff(tp1[kp]!, tp2[kp]!, rp1[k]!, rp2[k]!) * W - l0;
            for (let a = 0; a < co; a++) {
              const row = (kp * co + a) * U + T;
              for (let x = rStart[k]!; x < rStart[k + 1]!; x++) {
                const e = rEnt[x]!;
                const l = Ltt + a * cp + lane[e]!;
                if (l < l0 || l >= l1) continue;
                const val = packed[base + l]! * sc;
                // The point's value enters each unknown it is part of (one, with coefficient 1, for zero pads).
                for (let q = ptStart[e]!; q < ptStart[e + 1]!; q++) mat[row + ptRow[q]!] += ptCoef[q]! * val;
              }
            }
          }
      }
      if (l1 > Lrr) {
        const sc = (dr * dr) / MM;
        for (let k1 = 0; k1 < nR; k1++)
          for (let k2 = 0; k2 < nR; k2++) {
            const base = diff(rp1[k1]!, rp2[k1]!, rp1[k2]!, rp2[k2]!) * W - l0;
            for (let x1 = rStart[k1]!; x1 < rStart[k1 + 1]!; x1++) {
              const e1 = rEnt[x1]!;
              const lb = Lrr + lane[e1]! * cp;
              for (let x2 = rStart[k2]!; x2 < rStart[k2 + 1]!; x2++) {
                const e2 = rEnt[x2]!;
                const l = lb + lane[e2]!;
                if (l < l0 || l >= l1) continue;
                const val = packed[base + l]! * sc;
                for (let q1 = ptStart[e1]!; q1 < ptStart[e1 + 1]!; q1++) {
                  const row = (T + ptRow[q1]!) * U + T;
                  const v1 = ptCoef[q1]! * val;
                  for (let q2 = ptStart[e2]!; q2 < ptStart[e2 + 1]!; q2++) mat[row + ptRow[q2]!] += v1 * ptCoef[q2]!;
                }
              }
            }
          }
      }
    }
    // Γ is symmetric: the (r, t) block is the transpose of the (t, r) block, copied in tiles.
    const B = 64;
    for (let i0 = 0; i0 < T; i0 += B)
      for (let j0 = T; j0 < U; j0 += B)
        for (let i = i0; i < Math.min(T, i0 + B); i++)
          for (let j = j0; j < Math.min(U, j0 + B); j++) mat[j * U + i] = mat[i * U + j]!;
    // The −I of the constraint that a ring value is an unknown on t (tall), or M⁻¹ on the input side (wide:
    // −I for zero pads), scaled like the unknowns.
    if (wide) {
      const { i, j, v } = this.mInv;
      for (let q = 0; q < v.length; q++) mat[(T + i[q]!) * U + T + j[q]!] += dr * dr * v[q]!;
    } else for (let t = 0; t < T; t++) mat[t * U + t] -= dt * dt;
  }

  /** P(f)'s blocks into `pf`: tt (co×co), tr (co×cp), rr (cp×cp), complex row-major one after the other. */
  private symbolP(f: number, pf: Float64Array, ptr: Float64Array): void {
    const co = this.spec.cOut;
    const { cPhase: cp, wide } = this.geometry;
    const C = this.chat;
    const cOff = 2 * f * co * cp;
    const g = wide ? co : cp;
    const G = this.gi;
    const gOff = 2 * f * g * g;
    const tr = 2 * co * co;
    const rr = tr + 2 * co * cp;
    if (wide) {
      // P_tt = Ĝ⁻¹, P_tr = Ĝ⁻¹Ĉ, P_rr = Ĉᴴ P_tr.
      pf.set(G.subarray(gOff, gOff + 2 * co * co), 0);
      for (let a = 0; a < co; a++)
        for (let j = 0; j < cp; j++) {
          let sr = 0;
          let si = 0;
          for (let b = 0; b < co; b++) {
            const gr = G[gOff + 2 * (a * co + b)]!;
            const gim = G[gOff + 2 * (a * co + b) + 1]!;
            const cr = C[cOff + 2 * (b * cp + j)]!;
            const cim = C[cOff + 2 * (b * cp + j) + 1]!;
            sr += gr * cr - gim * cim;
            si += gr * cim + gim * cr;
          }
          ptr[2 * (a * cp + j)] = sr;
          ptr[2 * (a * cp + j) + 1] = si;
        }
      pf.set(ptr, tr);
      for (let i = 0; i < cp; i++)
        for (let j = 0; j < cp; j++) {
          let sr = 0;
          let si = 0;
          for (let a = 0; a < co; a++) {
            const cr = C[cOff + 2 * (a * cp + i)]!;
            const cim = -C[cOff + 2 * (a * cp + i) + 1]!;
            const pr = ptr[2 * (a * cp + j)]!;
            const pim = ptr[2 * (a * cp + j) + 1]!;
            sr += cr * pr - cim * pim;
            si += cr * pim + cim * pr;
          }
          pf[rr + 2 * (i * cp + j)] = sr;
          pf[rr + 2 * (i * cp + j) + 1] = si;
        }
    } else {
      // P_rr = Ĝ⁻¹, P_tr = Ĉ Ĝ⁻¹, P_tt = P_tr Ĉᴴ.
      pf.set(G.subarray(gOff, gOff + 2 * cp * cp), rr);
      for (let a = 0; a < co; a++)
        for (let j = 0; j < cp; j++) {
          let sr = 0;
          let si = 0;
          for (let k = 0; k < cp; k++) {
            const cr = C[cOff + 2 * (a * cp + k)]!;
            const cim = C[cOff + 2 * (a * cp + k) + 1]!;
            const gr = G[gOff + 2 * (k * cp + j)]!;
            const gim = G[gOff + 2 * (k * cp + j) + 1]!;
            sr += cr * gr - cim * gim;
            si += cr * gim + cim * gr;
          }
          ptr[2 * (a * cp + j)] = sr;
          ptr[2 * (a * cp + j) + 1] = si;
        }
      pf.set(ptr, tr);
      for (let a = 0; a < co; a++)
        for (let b = 0; b < co; b++) {
          let sr = 0;
          let si = 0;
          for (let k = 0; k < cp; k++) {
            const pr = ptr[2 * (a * cp + k)]!;
            const pim = ptr[2 * (a * cp + k) + 1]!;
            const cr = C[cOff + 2 * (b * cp + k)]!;
            const cim = -C[cOff + 2 * (b * cp + k) + 1]!;
            sr += pr * cr - pim * cim;
            si += pr * cim + pim * cr;
          }
          pf[2 * (a * co + b)] = sr;
          pf[2 * (a * co + b) + 1] = si;
        }
    }
  }

  /** [ob; ib] ← P [ob; ib] on the spatial fields (forward FFTs, P(f) per frequency, inverse FFTs). */
  private applyP(): void {
    const co = this.spec.cOut;
    const { M1, M2, cPhase: cp, wide } = this.geometry;
    const { ob, ib, chat: C, gi: G, vo, vi } = this;
    fft2Lanes(ob, M1, M2, co, -1, { tmp: this.tmp.subarray(0, ob.length) });
    fft2Lanes(ib, M1, M2, cp, -1, { tmp: this.tmp.subarray(0, ib.length) });
    const MM = M1 * M2;
    const g = wide ? co : cp;
    // The fields are real and so are the polyphase kernels: the result at −f is the conjugate of that at f,
    // so one ±f pair costs one set of products.
    for (let f = 0; f < MM; f++) {
      const f1 = (f / M2) | 0;
      const fp = ((M1 - f1) % M1) * M2 + ((M2 - (f - f1 * M2)) % M2);
      if (fp < f) continue;
      const oo = 2 * f * co;
      const io = 2 * f * cp;
      const cOff = 2 * f * co * cp;
      const gOff = 2 * f * g * g;
      if (wide) {
        // vo = o + Ĉ i; o' = Ĝ⁻¹ vo; i' = Ĉᴴ o'.
        complexMatVec(C, cOff, co, cp, false, ib, io, vo, 0, ob, oo);
        complexMatVec(G, gOff, g, g, false, vo, 0, ob, oo, null, 0);
        complexMatVec(C, cOff, co, cp, true, ob, oo, ib, io, null, 0);
      } else {
        // vi = Ĉᴴ o + i; i' = Ĝ⁻¹ vi; o' = Ĉ i'.
        complexMatVec(C, cOff, co, cp, true, ob, oo, vi, 0, ib, io);
        complexMatVec(G, gOff, g, g, false, vi, 0, ib, io, null, 0);
        complexMatVec(C, cOff, co, cp, false, ib, io, ob, oo, null, 0);
      }
      if (fp !== f) {
        conjugateInto(ob, oo, 2 * fp * co, co);
        conjugateInto(ib, io, 2 * fp * cp, cp);
      }
    }
    fft2Lanes(ob, M1, M2, co, 1, { tmp: this.tmp.subarray(0, ob.length) });
    fft2Lanes(ib, M1, M2, cp, 1, { tmp: this.tmp.subarray(0, ib.length) });
    // The fields are real: keep the real parts only (the imaginary parts are rounding noise), scaled by 1/MM.
    const s = 1 / MM;
    for (let i = 0; i < ob.length; i += 2) {
      ob[i] = ob[i]! * s;
      ob[i + 1] = 0;
    }
    for (let i = 0; i < ib.length; i += 2) {
      ib[i] = ib[i]! * s;
      ib[i + 1] = 0;
    }
  }

  /**
   * The two fields P[Sᵀy + Tᵀt; Ez + Rᵀr] with the ring unknowns solved for (see the file comment), left in
   * ob (output field) and ib (input field). `y` (`[co][m1][m2]`) or `z` (`[ci][n1][n2]`) may be null (zero).
   */
  private fields(y: Float64Array | null, z: Float64Array | null): void {
    const co = this.spec.cOut;
    const { ob, ib, ob0, ib0, yMap, xMap, outPos, inPos, inLane } = this;
    const cp = this.geometry.cPhase;
    ob.fill(0);
    ib.fill(0);
    if (y) for (let k = 0; k < yMap.length; k++) ob[2 * yMap[k]!] = y[k]!;
    if (z) for (let k = 0; k < xMap.length; k++) ib[2 * xMap[k]!] = z[k]!;
    this.applyP();
    ob0.set(ob);
    ib0.set(ib);
    const nT = outPos.length;
    const T = nT * co;
    const U = this.piv.length;
    const u = new Float64Array(U);
    const dt = this.scaleT;
    const dr = this.scaleR;
    for (let k = 0; k < nT; k++) for (let a = 0; a < co; a++) u[k * co + a] = -ob0[2 * (outPos[k]! * co + a)]! * dt;
    const { ptStart, ptRow, ptCoef } = this;
    for (let e = 0; e < inPos.length; e++) {
      const val = ib0[2 * (inPos[e]! * cp + inLane[e]!)]! * dr;
      for (let q = ptStart[e]!; q < ptStart[e + 1]!; q++) u[T + ptRow[q]!] -= ptCoef[q]! * val;
    }
    luBlockedSolve(this.lu, U, this.piv, u);
    ob.fill(0);
    ib.fill(0);
    for (let k = 0; k < nT; k++) for (let a = 0; a < co; a++) ob[2 * (outPos[k]! * co + a)] = u[k * co + a]! * dt;
    for (let e = 0; e < inPos.length; e++) {
      let val = 0;
      for (let q = ptStart[e]!; q < ptStart[e + 1]!; q++) val += ptCoef[q]! * u[T + ptRow[q]!]!;
      ib[2 * (inPos[e]! * cp + inLane[e]!)] = val * dr;
    }
    this.applyP();
    for (let i = 0; i < ob.length; i++) ob[i] = ob[i]! + ob0[i]!;
    for (let i = 0; i < ib.length; i++) ib[i] = ib[i]! + ib0[i]!;
  }

  /** (AAᵀ)⁻¹v (wide A): the observed part of the output field. */
  private gramInverseWide(v: Float64Array): Float64Array {
    this.fields(v, null);
    const z = new Float64Array(this.yMap.length);
    for (let k = 0; k < z.length; k++) z[k] = this.ob[2 * this.yMap[k]!]!;
    return z;
  }

  /** (AᵀA)⁻¹v (tall A): the interior of the input field. */
  private gramInverseTall(v: Float64Array): Float64Array {
    this.fields(null, v);
    const z = new Float64Array(this.xMap.length);
    for (let k = 0; k < z.length; k++) z[k] = this.ib[2 * this.xMap[k]!]!;
    return z;
  }

  /**
   * y = A x (float64; x `[ci][n1][n2]`, y `[co][m1][m2]`): the input padded explicitly (zeros or copies), then
   * the library's 'valid' strided conv2d (blocked, WebAssembly, both threads).
   * @example `f.applyA(x, y)`
   */
  applyA(x: Float64Array, out: Float64Array): void {
    const { cIn: ci } = this.spec;
    this.pad(x, this.padded, false);
    const y = nnConv2d(new Tensor(this.padded, [1, ci, this.np1, this.np2], 'float64'), this.weightTensor(), { stride: [this.s1, this.s2], dilation: [this.d1, this.d2] });
    out.set(y.data as Float64Array);
  }

  /**
   * x = Aᵀ y (the exact transpose of {@link applyA}): the library's convTranspose2d back onto the padded grid,
   * then Eᵀ (pads dropped, or added onto the pixels they copy).
   * @example `f.applyAT(y, x)`
   */
  applyAT(y: Float64Array, out: Float64Array): void {
    const { cOut: co, kh, kw } = this.spec;
    const { m1, m2 } = this.geometry;
    // The output padding that picks the padded size among those a strided conv2d maps to (m1, m2).
    const op1 = this.np1 - ((m1 - 1) * this.s1 + this.d1 * (kh - 1) + 1);
    const op2 = this.np2 - ((m2 - 1) * this.s2 + this.d2 * (kw - 1) + 1);
    const g = nnConvTranspose2d(new Tensor(y, [1, co, m1, m2], 'float64'), this.weightTensor(), {
      stride: [this.s1, this.s2],
      dilation: [this.d1, this.d2],
      outputPadding: [op1, op2],
    });
    this.pad(out, g.data as Float64Array, true);
  }

  private weightTensor(): Tensor {
    const { cOut: co, cIn: ci, kh, kw, weight } = this.spec;
    this.wTensor ??= new Tensor(weight, [co, ci, kh, kw], 'float64');
    return this.wTensor;
  }

  /** xp = E x (the padded input: zeros or copies), or, `transpose`, x = Eᵀ xp (pads dropped or added to their sources). */
  private pad(x: Float64Array, xp: Float64Array, transpose: boolean): void {
    const { cIn: ci, n1, n2, pt, pl } = this.spec;
    const { np1, np2 } = this;
    const mode = this.spec.mode ?? 'zeros';
    if (transpose) x.fill(0);
    else if (mode === 'zeros') xp.fill(0);
    for (let c = 0; c < ci; c++)
      for (let a = 0; a < np1; a++) {
        const i = mode === 'zeros' ? a - pt : padSource(a - pt, n1, mode);
        if (i < 0 || i >= n1) continue;
        const xo = (c * n1 + i) * n2;
        const po = (c * np1 + a) * np2;
        if (mode === 'zeros') {
          // Interior columns only: one contiguous run per row.
          if (transpose) for (let j = 0; j < n2; j++) x[xo + j] = xp[po + pl + j]!;
          else for (let j = 0; j < n2; j++) xp[po + pl + j] = x[xo + j]!;
          continue;
        }
        for (let b = 0; b < np2; b++) {
          const j = padSource(b - pl, n2, mode);
          if (transpose) x[xo + j] += xp[po + b]!;
          else xp[po + b] = x[xo + j]!;
        }
      }
  }

  /**
   * A rigorous lower bound of ‖A‖: the largest ‖Av‖/‖v‖ (or ‖Aᵀz‖/‖z‖) met by power steps on AᵀA that start
   * from the cropped real plane wave of C's top singular vector `vTop` at frequency `fTop`, which is already
   * near the top (boundary effects aside), so a few steps suffice.
   */
  private normLowerBound(fTop: number, vTop: Float64Array): number {
    const { cOut: co, cIn: ci, n1, n2 } = this.spec;
    const { m1, m2, M1, M2, cPhase: cp, wide } = this.geometry;
    const f1 = Math.floor(fTop / M2);
    const f2 = fTop % M2;
    const wave = (g1: number, g2: number, k: number): number => {
      const ang = 2 * Math.PI * (((f1 * g1) % M1) / M1 + ((f2 * g2) % M2) / M2);
      return vTop[2 * k]! * Math.cos(ang) - vTop[2 * k + 1]! * Math.sin(ang);
    };
    let v = new Float64Array(ci * n1 * n2);
    const av = new Float64Array(co * m1 * m2);
    const w = new Float64Array(v.length);
    let best = 0;
    if (wide) {
      for (let o = 0; o < co; o++) for (let i = 0; i < m1; i++) for (let j = 0; j < m2; j++) av[(o * m1 + i) * m2 + j] = wave(i, j, o);
      this.applyAT(av, v);
      const nz = Math.sqrt(dot(av, av));
      if (nz > 0) best = Math.sqrt(dot(v, v)) / nz;
    } else
      for (let k = 0; k < v.length; k++) {
        const gp = Math.floor(this.xMap[k]! / cp);
        v[k] = wave(Math.floor(gp / M2), gp % M2, this.xMap[k]! % cp);
      }
    if (!(dot(v, v) > 0)) for (let i = 0; i < v.length; i++) v[i] = 1 + 0.5 * Math.sin(0.7 * i) + 0.25 * Math.cos(2.3 * i);
    for (let it = 0; it < 4; it++) {
      const nv = Math.sqrt(dot(v, v));
      if (nv === 0) return best;
      for (let i = 0; i < v.length; i++) v[i] = v[i]! / nv;
      this.applyA(v, av);
      best = Math.max(best, Math.sqrt(dot(av, av)));
      this.applyAT(av, w);
      v = Float64Array.from(w);
    }
    return best;
  }

  /**
   * x̂ = A⁺y for one sample y (`[co][m1][m2]`), refined on the normal equations until
   * ‖Aᵀ(Ax̂ − y)‖/(ν‖y‖) ≤ tol, ν = info.normALower. Wide A: x̂ += Aᵀ(AAᵀ)⁻¹(y − Ax̂), every step an exact Aᵀ
   * of something, so x̂ stays in range(Aᵀ) (minimum norm) whatever the accuracy of the factorisation — a step
   * taken from the input field would carry its null-space error along; tall A: x̂ += (AᵀA)⁻¹Aᵀ(y − Ax̂), not
   * (AᵀA)⁻¹Aᵀ applied through the torus to the whole residual, whose large null(Aᵀ) part would set a floor.
   * Residuals and Aᵀ use the direct correlation, so the fixed point is the exact answer, and each pass
   * contracts the error by the factorisation's relative accuracy.
   * @example `const { x, info } = f.solve(y, 1e-10)`
   */
  solve(y: Float64Array, tol = 1e-10, maxRefine = 4): { x: Float64Array; info: RingRectSolveInfo } {
    const wide = this.geometry.wide;
    const x = new Float64Array(this.xMap.length);
    const r = Float64Array.from(y);
    const ax = new Float64Array(y.length);
    const g = new Float64Array(x.length);
    const ny = Math.sqrt(dot(y, y));
    const nu = this.info.normALower;
    const update = (): number => {
      this.applyA(x, ax);
      for (let i = 0; i < r.length; i++) r[i] = y[i]! - ax[i]!;
      this.applyAT(r, g);
      return ny > 0 && nu > 0 ? Math.sqrt(dot(g, g)) / (nu * ny) : 0;
    };
    let res = update();
    let passes = 0;
    // A singular factorisation has no exact answer to offer: x̂ = 0, not converged (the caller says so).
    if (this.singular) return { x, info: { converged: false, normalResidual: res, refinements: 0 } };
    const xPrev = new Float64Array(x.length);
    const dx = new Float64Array(x.length);
    while (res > tol && passes <= maxRefine) {
      xPrev.set(x);
      if (wide) {
        this.applyAT(this.gramInverseWide(r), dx);
        for (let i = 0; i < x.length; i++) x[i] = x[i]! + dx[i]!;
      } else {
        const dx = this.gramInverseTall(g);
        for (let i = 0; i < x.length; i++) x[i] = x[i]! + dx[i]!;
      }
      const nres = update();
      passes++;
      if (!(nres < res)) {
        // A pass that did not help is undone (the previous iterate was better).
        x.set(xPrev);
        update();
        break;
      }
      res = nres;
    }
    return { x, info: { converged: res <= tol && this.info.status !== 'singular', normalResidual: res, refinements: passes } };
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * out = base + op(M)·x for the rows×cols complex matrix M at `mOff` (interleaved, row-major), op(M) = M or, when
 * `adjoint`, Mᴴ (then x has `rows` entries and out `cols`); `base` null means zero. out must not alias x.
 */
function complexMatVec(
  M: Float64Array,
  mOff: number,
  rows: number,
  cols: number,
  adjoint: boolean,
  x: Float64Array,
  xOff: number,
  out: Float64Array,
  oOff: number,
  base: Float64Array | null,
  bOff: number,
): void {
  const nOut = adjoint ? cols : rows;
  const nIn = adjoint ? rows : cols;
  // Entry (i, k) of op(M) sits at M[(i·cols + k)] or, adjoint, conj M[(k·cols + i)].
  const si = adjoint ? 2 : 2 * cols;
  const sk = adjoint ? 2 * cols : 2;
  const sg = adjoint ? -1 : 1;
  for (let i = 0; i < nOut; i++) {
    let sr = base ? base[bOff + 2 * i]! : 0;
    let sm = base ? base[bOff + 2 * i + 1]! : 0;
    let m = mOff + i * si;
    for (let k = 0; k < nIn; k++, m += sk) {
      const mr = M[m]!;
      const mi = sg * M[m + 1]!;
      const xr = x[xOff + 2 * k]!;
      const xi = x[xOff + 2 * k + 1]!;
      sr += mr * xr - mi * xi;
      sm += mr * xi + mi * xr;
    }
    out[oOff + 2 * i] = sr;
    out[oOff + 2 * i + 1] = sm;
  }
}

/** a[to + …] = conj(a[from + …]) for `count` interleaved complex entries. */
function conjugateInto(a: Float64Array, from: number, to: number, count: number): void {
  for (let j = 0; j < 2 * count; j += 2) {
    a[to + j] = a[from + j]!;
    a[to + j + 1] = -a[from + j + 1]!;
  }
}
