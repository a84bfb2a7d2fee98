/**
 * Exact pseudo-inverse of a circularly padded conv2d through the FFT (MATH.md, "Circular padding").
 *
 * In unitary DFT coordinates the operator is block-diagonal: output frequency g (on the m1×m2 output grid)
 * couples the s1·s2 input frequencies g + (a·m1, b·m2) through the cout × cin·s1·s2 block
 * B(g) = [H(g + (a·m1, b·m2))]_{a,b} / √(s1·s2) (stride 1: B = H). The singular values of A are the union of
 * those of the blocks, so A⁺ is block-diagonal too, with ONE cut-off for the whole operator:
 * keep σ > max(atol, rtol·σ₁(A)), σ₁(A) = max_g σ₁(B(g)); a frequency whose values all fall below contributes 0.
 *
 * The factorisation is computed once, in one fused pass over the frequencies (split across threads): each block
 * is evaluated from the kernel taps (cheaper than a padded FFT of K for small kernels) straight into a
 * per-thread workspace and, when square, inverted there by Gauss–Jordan (WebAssembly SIMD); the inverse is kept
 * only where 1/‖B⁻¹‖_F proves every σ far above every possible cut-off. A batched SVD settles the rest. When the
 * cut-off is so high that no inverse could qualify (float32's default rtol on large operators: every block
 * drops some σ) and the blocks are square, the Gram path (gram-truncated.ts) settles every block instead, from
 * its Gram matrix's tridiagonal form, at a fraction of an SVD's cost; with stride 1 the Gram matrices come from
 * the kernel's lag sums (gram-lags.ts) and the solve evaluates the blocks again instead of storing them.
 * Real signals need only the half spectrum (B(−g) = conj B(g) up to a column permutation). Applying to a new y
 * then costs one rfft2, one matrix–vector product per frequency (two on the Gram path; all items of a batch at
 * once) and one irfft2.
 */
import { AdjointError, argError } from '../../errors.js';
import { irfftnAs, rfftnInto } from '../../fft/api.js';
import { svd, svdvals } from '../../linalg/spectral.js';
import { allocShared, getParallelBackend, isShared, parallelFor } from '../../parallel/pool.js';
import { isComplex, type DType } from '../../tensor/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Conv2dOperator } from '../conv2d.js';
import { fromFloat64, toFloat64 } from '../linear-operator.js';
import { blocksAt, columnSums, columnSumsSplit, columnSumsSplitLength, FAST_KAPPA_MAX, FAST_MARGIN, type BlockGeometry } from './circular-kernels.js';
import { lagProductsLength, lagSumsStride } from './gram-lags.js';
import { gramAuxLength, gramLambdaMax, gramSlotLength, gramWLayout } from './gram-truncated.js';
import './tasks.js';

/** The Gram path's second factors besides their slots (gram-truncated.ts's gramPinvRange): W's store and offsets, each block's form. */
interface GramW {
  wdata: Float64Array;
  woff: Float64Array;
  mode: Uint8Array;
}

/** Cut-off and damping options shared by the pseudo-inverse paths. @example `{ rtol: 1e-12 }` */
export interface PinvTolerances {
  /** Absolute cut-off: singular values ≤ atol are dropped (default 0). */
  atol?: number;
  /** Relative cut-off against σ₁(A) (default max(M, N)·ε of the operator's dtype when atol is not given). */
  rtol?: number;
  /** Tikhonov damping λ ≥ 0: argmin ‖Ax − y‖² + λ²‖x‖² (default 0: the pseudo-inverse). */
  damp?: number;
}

/** What the circular factorisation found. @example `fac.info.rank` */
export interface CircularPinvInfo {
  /** σ₁(A) when computed exactly, else the best lower bound (see `sigmaMaxUpper`). */
  sigmaMax: number;
  /** An upper bound on σ₁(A) (equal to `sigmaMax` when that is exact). */
  sigmaMaxUpper: number;
  /** The cut-off max(atol, rtol·σ₁(A)) (evaluated at `sigmaMax`); 0 with damping. */
  cutoff: number;
  /** rank(A): singular values kept, over the full spectrum. */
  rank: number;
  /** Half-spectrum blocks factorised. */
  blocks: number;
  /** Blocks settled by the certified Gauss–Jordan inverse. */
  fastBlocks: number;
  /** Blocks settled by an SVD. */
  svdBlocks: number;
  /** Blocks settled through their Gram matrix (gram-truncated.ts: high cut-offs, e.g. float32's default). */
  gramBlocks: number;
}

/**
 * Smallest rtol for the Gram path: its shifted Gram matrix has κ ≤ 2/rtol², which float64 must resolve with
 * room to spare (2/rtol² ≤ 2e8 keeps errors near 1e-8 relative at worst, far below float32's resolution).
 * @example `GRAM_RTOL_MIN // 1e-4`
 */
export const GRAM_RTOL_MIN = 1e-4;

/** How the circular factorisation settles its blocks (tests force one): `auto` chooses as documented. @example `'auto'` */
export type CircularPinvPath = 'auto' | 'svd' | 'gram';

/** Machine epsilon of the operator's precision. @example `epsOf('float32') // 2 ** -23` */
export function epsOf(dt: DType): number {
  return dt === 'float32' || dt === 'complex64' ? 2 ** -23 : 2 ** -52;
}

/**
 * PyTorch's tolerance rule for an M×N operator of dtype `dt`: neither given → rtol = max(M, N)·ε; only atol
 * given → rtol = 0.
 *
 * @example
 * ```ts
 * resolveTolerances(undefined, undefined, 4, 4, 'float64'); // { atol: 0, rtol: 4 * 2 ** -52 }
 * ```
 */
export function resolveTolerances(fn: string, atol: number | undefined, rtol: number | undefined, m: number, n: number, dt: DType): { atol: number; rtol: number } {
  if (atol !== undefined && !(typeof atol === 'number' && atol >= 0 && Number.isFinite(atol))) throw argError(fn, 'atol', 'a finite number >= 0', atol);
  if (rtol !== undefined && !(typeof rtol === 'number' && rtol >= 0 && Number.isFinite(rtol))) throw argError(fn, 'rtol', 'a finite number >= 0', rtol);
  const def = atol === undefined || atol === 0 ? Math.max(m, n) * epsOf(dt) : 0;
  return { atol: atol ?? 0, rtol: rtol ?? def };
}

/** Checks `damp`. @example `checkDamp('pinv', 0.1) // 0.1` */
export function checkDamp(fn: string, damp: number | undefined): number {
  if (damp === undefined) return 0;
  if (!(typeof damp === 'number' && damp >= 0 && Number.isFinite(damp))) throw argError(fn, 'damp', 'a finite number >= 0', damp);
  return damp;
}

/**
 * Why the FFT path cannot represent `op` exactly, or null when it can: circular padding, real dtype,
 * n divisible by the stride and exactly n/s outputs per dim (the output rows are then the circulant's).
 *
 * @example `circularFftObstacle(A) // null`
 */
export function circularFftObstacle(op: Conv2dOperator): string | null {
  if (op.paddingMode !== 'circular') return `padding mode '${op.paddingMode}' is not circular`;
  if (isComplex(op.inDtype)) return 'the operator is complex (the half-spectrum path needs real signals)';
  const [n1, n2] = [op.inShape[op.inShape.length - 2]!, op.inShape[op.inShape.length - 1]!];
  const [m1, m2] = [op.outShape[op.outShape.length - 2]!, op.outShape[op.outShape.length - 1]!];
  const [s1, s2] = op.stride;
  if (n1 % s1 !== 0 || n2 % s2 !== 0) return `the input size [${n1}, ${n2}] is not divisible by the stride [${s1}, ${s2}]`;
  if (m1 * s1 !== n1 || m2 * s2 !== n2) return `the output size [${m1}, ${m2}] is not input size / stride (the padding does not wrap the whole torus)`;
  if (op.pads.top > n1 || op.pads.bottom > n1 || op.pads.left > n2 || op.pads.right > n2) return 'the padding is wider than the input';
  return null;
}

/** The kernel as a dense `[cout, cin, kh, kw]` float64 array (grouped kernels expanded with zeros). */
function denseWeight(op: Conv2dOperator): Float64Array {
  const w = toFloat64(op.weight);
  const [cout, cig, kh, kw] = op.weight.shape as [number, number, number, number];
  const g = op.groups;
  if (g === 1) return w;
  const cin = cig * g;
  const out = new Float64Array(cout * cin * kh * kw);
  const opg = cout / g;
  const kk = kh * kw;
  for (let o = 0; o < cout; o++) {
    const grp = Math.floor(o / opg);
    for (let c = 0; c < cig; c++) out.set(w.subarray((o * cig + c) * kk, (o * cig + c + 1) * kk), (o * cin + grp * cig + c) * kk);
  }
  return out;
}

/**
 * Geometry of the block spectrum of a strided circular convolution with kernel `[cout, cin, kh, kw]` on an
 * n1×n2 input: see {@link BlockGeometry}.
 * @example `geometry(32, 32, 3, 3, 128, 128, 1, 1, 1, 1, 1, 1)`
 */
export function geometry(cout: number, cin: number, kh: number, kw: number, n1: number, n2: number, s1: number, s2: number, d1: number, d2: number, top: number, left: number): BlockGeometry {
  const m1 = n1 / s1;
  const m2 = n2 / s2;
  return Float64Array.from([cout, cin, kh, kw, n1, n2, m1, m2, s1, s2, d1, d2, top, left, Math.floor(m2 / 2) + 1]);
}

/**
 * Evaluates every half-spectrum block (parallel over frequencies when a backend is installed).
 * @example `const { blocks, fro } = evaluateBlocks(geom, w)`
 */
export function evaluateBlocks(geom: BlockGeometry, w: Float64Array): { blocks: Float64Array; fro: Float64Array; count: number } {
  const count = geom[6]! * geom[14]!;
  const size = geom[0]! * geom[1]! * geom[8]! * geom[9]! * 2;
  const blocks = allocShared(Float64Array, count * size);
  const fro = allocShared(Float64Array, count);
  parallelFor('convPinvBlocks', count, [allocSharedCopy(geom), allocSharedCopy(columnSums(geom, w)), blocks, fro], { minPerThread: 16 });
  return { blocks, fro, count };
}

/**
 * Scratch arrays that no factorisation or result keeps (the Gram passes' `aux`, the lag sums and tap products,
 * the solve's float64 y and its spectra), held weakly between calls by purpose: a fresh one costs a first-touch
 * page fault per 4 KiB (about a microsecond a block for `aux`; on the calling thread alone for the solve's), a
 * reused one nothing. An array is taken out of the pool while in use (so two users never share one: the pool is
 * refilled by {@link releaseScratch} only once its user is done with it) and the garbage collector may drop a
 * pooled one at any time (nothing is held once the program lets go of the library's results for a while).
 */
const scratchPool = new Map<string, WeakRef<Float64Array>>();

/** A Float64Array of `length` for `purpose` (shared when a backend is installed, as allocShared), pooled or fresh; contents arbitrary. */
function takeScratch(purpose: string, length: number): Float64Array {
  const a = scratchPool.get(purpose)?.deref();
  scratchPool.delete(purpose);
  const shared = getParallelBackend() !== null && typeof SharedArrayBuffer !== 'undefined';
  return a !== undefined && a.length === length && isShared(a) === shared ? a : allocShared(Float64Array, length);
}

/** Returns a {@link takeScratch} array to the pool (the caller no longer uses it). */
function releaseScratch(purpose: string, a: Float64Array): void {
  scratchPool.set(purpose, new WeakRef(a));
}

/** gram-lags.ts's gramLagSums into `out`, both halves split across threads (the same sums in the same order). */
function lagSumsParallel(geom: BlockGeometry, w: Float64Array, out: Float64Array): Float64Array {
  const sg = allocSharedCopy(geom), sw = allocSharedCopy(w);
  const M = takeScratch('lagProducts', lagProductsLength(geom));
  parallelFor('convPinvLagProducts', geom[2]! * (2 * geom[3]! - 1), [sg, sw, M], { minPerThread: 1 });
  parallelFor('convPinvLagColumns', geom[14]!, [sg, M, out], { minPerThread: 4 });
  releaseScratch('lagProducts', M);
  return out;
}

function allocSharedCopy(a: Float64Array): Float64Array {
  const s = allocShared(Float64Array, a.length);
  s.set(a);
  return s;
}

/**
 * Multiplicity of half-spectrum block g in the full spectrum: columns g2 = 0 and g2 = m2/2 hold both g and −g
 * (count once); every other block also stands for its conjugate partner (count twice).
 */
function multiplicity(g: number, _m1: number, m2: number, g2h: number): number {
  const g2 = g % g2h;
  return (2 * g2) % m2 === 0 ? 1 : 2;
}

/**
 * The kept factorisation of A⁺ (or of the Tikhonov-regularised inverse) for a circular conv2d operator.
 *
 * @example
 * ```ts
 * const fac = new CircularPinv(A);
 * const x1 = fac.solve(y1), x2 = fac.solve(y2); // each: rfft2, per-frequency products, irfft2
 * ```
 */
export class CircularPinv {
  /** What the factorisation found. */
  readonly info: CircularPinvInfo;
  private readonly geom: BlockGeometry;
  private readonly sharedGeom: BlockGeometry;
  private readonly pinvBlocks: Float64Array;
  /** Gram path: the second factor of every block (B⁺ = S·Bᴴ, see gram-truncated.ts); empty otherwise. */
  private readonly secondBlocks: Float64Array;
  /** Gram path, stride 1: the adjoint column sums (paired for real weights) from which the solve evaluates the first factor Bᴴ; empty otherwise. */
  // (Empty arrays are shared too: parallelFor runs inline when any array argument is not.)
  private readonly adjointSums: Float64Array = allocShared(Float64Array, 0);
  /** Gram path: W's store, where each block's W starts and each block's form of its second factor (gram-truncated.ts's gramPinvRange). */
  private readonly gramW: GramW = { wdata: allocShared(Float64Array, 0), woff: allocShared(Float64Array, 0), mode: allocShared(Uint8Array, 0) };
  private readonly op: Conv2dOperator;

  constructor(op: Conv2dOperator, options: PinvTolerances = {}, path: CircularPinvPath = 'auto') {
    const fn = `${op.name}.pinv`;
    const why = circularFftObstacle(op);
    if (why !== null) throw new AdjointError(`${fn}: method 'fft' needs a circular convolution whose stride divides the input size: ${why}`, 'method');
    this.op = op;
    const damp = checkDamp(fn, options.damp);
    const { atol, rtol } = resolveTolerances(fn, options.atol, options.rtol, op.outSize, op.inSize, op.dtype);
    const [cout, , kh, kw] = op.weight.shape as [number, number, number, number];
    const cin = op.inShape[op.inShape.length - 3]!;
    const n1 = op.inShape[op.inShape.length - 2]!;
    const n2 = op.inShape[op.inShape.length - 1]!;
    const [s1, s2] = op.stride;
    const geom = geometry(cout, cin, kh, kw, n1, n2, s1, s2, op.dilation[0], op.dilation[1], op.pads.top, op.pads.left);
    this.geom = geom;
    const m1 = geom[6]!, m2 = geom[7]!, g2h = geom[14]!;
    const rows = cout;
    const cols = cin * s1 * s2;
    const k = Math.min(rows, cols);
    const w = denseWeight(op);
    for (let i = 0; i < w.length; i++) if (!Number.isFinite(w[i]!)) throw argError(fn, 'weight', 'finite kernel entries', 'a NaN or Inf');
    this.sharedGeom = allocSharedCopy(geom);
    const count = m1 * g2h;
    const scale = Math.sqrt(s1 * s2);
    const size = rows * cols * 2;
    // One fused pass: each block is evaluated into a per-thread workspace, its norm recorded and, when square
    // and undamped, inverted right there (scale·B⁻¹ into P). Which inverses are kept is decided below.
    const fro = allocShared(Float64Array, count);
    const done = allocShared(Uint8Array, count);
    const sminLo = allocShared(Float64Array, count);
    const kappa = allocShared(Float64Array, count);
    // An inverse is kept only when σ_min(B) ≥ sminLo > FAST_MARGIN·cutUpper ≥ FAST_MARGIN·rtol·‖B‖_F, but
    // σ_min(B) ≤ ‖B‖_F/√n: with rtol·FAST_MARGIN·√n ≥ 1 (float32's default rtol on large operators) none can
    // pass, so skip the inverses and let the SVD decide every block.
    const invert = path === 'auto' && damp === 0 && rows === cols && rtol * FAST_MARGIN * Math.sqrt(rows) < 1;
    // Square blocks under a high relative cut-off (float32's default: every block drops some σ) go through
    // their Gram matrices instead of an SVD each (gram-truncated.ts).
    const gramOk = damp === 0 && rows === cols && rtol >= GRAM_RTOL_MIN;
    if (path === 'gram' && !gramOk) throw new AdjointError(`${fn}: the Gram path needs square blocks, no damping and rtol >= ${GRAM_RTOL_MIN}`, 'path');
    const gramPath = gramOk && (path === 'gram' || (path === 'auto' && !invert));
    // Stride 1 on the Gram path: G comes from the kernel's lag sums (gram-lags.ts) and the solve evaluates
    // Bᴴ itself from the adjoint column sums, so neither the fused pass below nor the blocks are needed;
    // otherwise P holds the blocks from the fused pass.
    const lag =
      gramPath && s1 === 1 && s2 === 1
        ? {
            params: allocSharedCopy(Float64Array.of(rows, kh, n1, geom[10]!, g2h, geom[12]!)),
            sums: lagSumsParallel(geom, w, takeScratch('lagSums', g2h * lagSumsStride(rows, kh))),
            geom,
            w,
          }
        : null;
    // (Unused with lag sums: the blocks are never stored.)
    const P = allocShared(Float64Array, lag === null ? count * size : 0);
    if (lag === null) {
      const colSums = columnSumsSplit(geom, w, allocShared(Float64Array, columnSumsSplitLength(geom)));
      parallelFor('convPinvFactor', count, [this.sharedGeom, colSums, P, fro, done, sminLo, kappa, invert, scale], { minPerThread: 16 });
    }
    if (gramPath) {
      this.pinvBlocks = P;
      if (lag !== null) {
        // (split across threads by column frequency: a few ms on one)
        this.adjointSums = allocShared(Float64Array, columnSumsSplitLength(geom));
        parallelFor('convPinvPairedAdjoint', g2h, [this.sharedGeom, allocSharedCopy(w), this.adjointSums], { minPerThread: 4 });
      }
      const r = gramFactor(P, count, rows, atol, rtol, scale, (g) => multiplicity(g, m1, m2, g2h), fro, lag);
      if (lag !== null) releaseScratch('lagSums', lag.sums);
      this.secondBlocks = r.second;
      this.gramW = r.w;
      this.info = r.info;
      return;
    }
    let froMax = 0;
    for (let g = 0; g < count; g++) froMax = Math.max(froMax, Math.sqrt(fro[g]!));
    // Every possible cut-off is below this: σ₁(A) ≤ max_g ‖B(g)‖_F. An inverse is kept only when its certified
    // σ_min bound clears it by FAST_MARGIN and the block is well conditioned (forward error ~ κ·ε).
    const cutUpper = Math.max(atol, rtol * froMax);
    const ok = new Uint8Array(count);
    for (let g = 0; g < count; g++) ok[g] = done[g] === 1 && kappa[g]! <= FAST_KAPPA_MAX && sminLo[g]! > FAST_MARGIN * cutUpper ? 1 : 0;
    const rest: number[] = [];
    for (let g = 0; g < count; g++) if (ok[g] === 0 && fro[g]! > 0) rest.push(g);
    // Bounds on σ₁(A) from the fast blocks: ‖B‖_F/√k ≤ σ₁(B) ≤ ‖B‖_F.
    let lo = 0;
    let hi = 0;
    for (let g = 0; g < count; g++) {
      if (ok[g] !== 1) continue;
      const f = Math.sqrt(fro[g]!);
      lo = Math.max(lo, f / Math.sqrt(k), sminLo[g]!);
      hi = Math.max(hi, f);
    }
    const nr = rest.length;
    const tInter = invert && nr > 0 ? columnSums(geom, w) : new Float64Array(0);
    const idx = allocShared(Int32Array, nr);
    idx.set(rest);
    // The SVDs, in chunks to bound the temporaries (linalg's batched svd splits each chunk across threads).
    const S = new Float64Array(nr * k);
    const U = allocShared(Float64Array, nr * rows * k * 2);
    const Vh = allocShared(Float64Array, nr * k * cols * 2);
    const chunk = 512;
    for (let c0 = 0; c0 < nr; c0 += chunk) {
      const c1 = Math.min(nr, c0 + chunk);
      const batch = new Float64Array((c1 - c0) * size);
      if (invert) blocksAt(geom, tInter, rest, batch, c0, c1);
      else for (let i = c0; i < c1; i++) batch.set(P.subarray(rest[i]! * size, (rest[i]! + 1) * size), (i - c0) * size);
      const r = svd(new Tensor(batch, [c1 - c0, rows, cols], 'complex128'), { fullMatrices: false });
      S.set(toFloat64(r.S), c0 * k);
      U.set(toFloat64(r.U), c0 * rows * k * 2);
      Vh.set(toFloat64(r.Vh), c0 * k * cols * 2);
    }
    for (let i = 0; i < nr; i++) {
      lo = Math.max(lo, S[i * k]!);
      hi = Math.max(hi, S[i * k]!);
    }
    // The cut-off decision on the SVD'd values must not depend on where σ₁(A) lies in [lo, hi]; if it does,
    // compute σ₁ exactly for the fast blocks that could still hold the maximum.
    if (damp === 0 && hi > lo) {
      const cLo = Math.max(atol, rtol * lo);
      const cHi = Math.max(atol, rtol * hi);
      let ambiguous = false;
      for (let i = 0; i < S.length && !ambiguous; i++) if (S[i]! > cLo !== S[i]! > cHi) ambiguous = true;
      if (ambiguous) {
        const cand: number[] = [];
        for (let g = 0; g < count; g++) if (ok[g] === 1 && Math.sqrt(fro[g]!) > lo) cand.push(g);
        const batch = new Float64Array(cand.length * size);
        blocksAt(geom, tInter, cand, batch, 0, cand.length);
        const sv = toFloat64(svdvals(new Tensor(batch, [cand.length, rows, cols], 'complex128')));
        let m = lo;
        for (let i = 0; i < cand.length; i++) m = Math.max(m, sv[i * k]!);
        lo = m;
        hi = m;
      }
    }
    const sigmaMax = lo;
    const cutoff = damp > 0 ? 0 : Math.max(atol, rtol * sigmaMax);
    let rank = 0;
    for (let g = 0; g < count; g++) if (ok[g] === 1) rank += multiplicity(g, m1, m2, g2h) * k;
    // SVD blocks: P = scale · V · diag(wt) · Uᴴ, wt = 1/σ (kept) or σ/(σ² + λ²) (damped).
    const wt = allocShared(Float64Array, nr * k);
    for (let i = 0; i < nr; i++) {
      let kept = 0;
      for (let t = 0; t < k; t++) {
        const s = S[i * k + t]!;
        const v = damp > 0 ? (s > 0 ? s / (s * s + damp * damp) : 0) : s > cutoff && s > 0 ? 1 / s : 0;
        wt[i * k + t] = v;
        if (v !== 0) kept++;
      }
      rank += multiplicity(rest[i]!, m1, m2, g2h) * kept;
    }
    if (nr > 0) parallelFor('convPinvAssemble', nr, [rows, cols, idx, wt, U, Vh, P, scale], { minPerThread: 8 });
    this.pinvBlocks = P;
    this.secondBlocks = allocShared(Float64Array, 0); // shared even when empty, or parallelFor runs the solve inline
    this.info = { sigmaMax, sigmaMaxUpper: hi, cutoff, rank, blocks: count, fastBlocks: count - nr - countZero(fro), svdBlocks: nr, gramBlocks: 0 };
  }

  /**
   * x̂ = A⁺y for `y` of shape `[..., cout, m1, m2]` (leading dims are a batch, or the operator's own N);
   * returns `[..., cin, n1, n2]` in the operator's input dtype.
   *
   * @example `fac.solve(y).shape`
   */
  solve(y: Tensor): Tensor {
    const op = this.op;
    const geom = this.geom;
    const rows = geom[0]!, cin = geom[1]!, n1 = geom[4]!, n2 = geom[5]!, m1 = geom[6]!, m2 = geom[7]!;
    const fn = `${op.name}.pinv`;
    if (!(y instanceof Tensor)) throw argError(fn, 'y', 'a Tensor', y);
    const tail = op.outShape.slice(-3);
    const yTail = y.shape.slice(-3);
    if (y.ndim < 3 || yTail.join() !== tail.join() || (op.outShape.length === 4 && (y.ndim < 4 || y.shape[y.ndim - 4] !== op.outShape[0]))) {
      throw argError(fn, 'y', `shape [..., ${op.outShape.join(', ')}]`, y.shape.slice());
    }
    if (isComplex(y.dtype)) throw argError(fn, 'y', 'a real tensor (the operator is real)', y.dtype);
    const count = y.numel / (rows * m1 * m2);
    // ŷ in float64 straight from y's own storage (float32 widened as it is read) into pooled scratch: no float64
    // copy of y, and no page faults of a fresh spectrum (see takeScratch).
    const yf = takeScratch('solveY', count * rows * m1 * geom[14]! * 2);
    rfftnInto(new Tensor(y.data, [count, rows, m1, m2], y.dtype), { dim: [-2, -1] }, yf);
    const n2h = Math.floor(n2 / 2) + 1;
    const xLen = count * cin * n1 * n2h * 2;
    const stride1 = geom[8] === 1 && geom[9] === 1;
    const xf = stride1 ? takeScratch('solveX', xLen) : allocShared(Float64Array, xLen);
    const gw = this.gramW;
    parallelFor('convPinvApply', this.info.blocks, [this.sharedGeom, this.pinvBlocks, yf, xf, count, this.secondBlocks, this.adjointSums, gw.wdata, gw.woff, gw.mode], { minPerThread: 64 });
    // A float32 operator gets its x̂ straight from the last inverse pass (computed in float64, stored in float32).
    const outDtype = op.inDtype === 'float32' ? 'float32' : 'float64';
    const x = irfftnAs(new Tensor(xf, [count, cin, n1, n2h], 'complex128'), { s: [n1, n2], dim: [-2, -1] }, outDtype);
    releaseScratch('solveY', yf);
    if (stride1) releaseScratch('solveX', xf);
    const lead = y.shape.slice(0, y.ndim - 3);
    return outDtype === 'float32' ? new Tensor(x.data, [...lead, cin, n1, n2], 'float32') : fromFloat64(toFloat64(x), [...lead, cin, n1, n2], op.inDtype);
  }
}

/**
 * The Gram path over all `count` square blocks (order n) held interleaved in `P`: pass 1 (Gram matrices,
 * tridiagonal forms, brackets of λ_max) in parallel; σ₁(A)² = max λ_max exactly (refining only the brackets that
 * could hold the maximum); pass 2 (truncated pseudo-inverses) in parallel; the rare block it cannot settle goes
 * to an SVD with the same cut-off. Leaves scale·B(g)⁺_cut = S(g)·P(g) as two factors, P(g) = B(g)ᴴ in P and
 * S(g) = scale·G_k⁺ in the returned `second` and `w`: as the packed Cholesky factor of G̃ with W (`mode` 0,
 * gram-truncated.ts's gramPinvRange), or packed itself (`mode` 1: an SVD'd block has its pseudo-inverse in P and
 * S(g) = I; an all-dropped block S(g) = 0). With `lag`
 * (stride 1) pass 1 takes G from the lag sums and P stays empty: the solve evaluates Bᴴ itself, so an SVD'd
 * block gets S(g) = scale·V_kΣ_k⁻²V_kᴴ instead (S(g)·Bᴴ = scale·V_kΣ_k⁻¹U_kᴴ).
 */
function gramFactor(
  P: Float64Array,
  count: number,
  n: number,
  atol: number,
  rtol: number,
  scale: number,
  mult: (g: number) => number,
  fro: Float64Array,
  lag: { params: Float64Array; sums: Float64Array; geom: BlockGeometry; w: Float64Array } | null,
): { info: CircularPinvInfo; second: Float64Array; w: GramW } {
  const AUX = gramAuxLength(n);
  const nn = n * n;
  const slot = gramSlotLength(n, lag !== null);
  const gs = allocShared(Float64Array, count * slot);
  // (every entry of aux that pass 2 reads is written by pass 1: a pooled one needs no clearing)
  const aux = takeScratch('gramAux', count * AUX);
  if (lag === null) parallelFor('convPinvGramTridiag', count, [n, P, gs, aux], { minPerThread: 8 });
  else parallelFor('convPinvGramLagTridiag', count, [lag.params, lag.sums, gs, aux, fro], { minPerThread: 8 });
  let best = 0;
  for (let g = 0; g < count; g++) best = Math.max(best, aux[g * AUX + 5 * n]!);
  const cand: number[] = [];
  for (let g = 0; g < count; g++) if (aux[g * AUX + 5 * n + 1]! > best) cand.push(g);
  cand.sort((a, b) => aux[b * AUX + 5 * n + 1]! - aux[a * AUX + 5 * n + 1]!);
  for (const g of cand) {
    if (aux[g * AUX + 5 * n + 1]! <= best) break;
    best = Math.max(best, gramLambdaMax(n, aux, g));
  }
  const sigmaMax = Math.sqrt(Math.max(0, best));
  const cutoff = Math.max(atol, rtol * sigmaMax);
  const params = allocShared(Float64Array, 3);
  params.set([cutoff * cutoff, Math.max(sigmaMax * sigmaMax, cutoff * cutoff), scale]);
  // Every block's k first (a Sturm count each), so that the W store can be laid out before pass 2 fills it.
  const kOut = allocShared(Int32Array, count);
  parallelFor('convPinvGramCount', count, [n, aux, params[0]!, kOut], { minPerThread: 64 });
  const woff = allocShared(Float64Array, count);
  const wdata = allocShared(Float64Array, gramWLayout(n, kOut, woff));
  const mode = allocShared(Uint8Array, count);
  const none = allocShared(Float64Array, 0);
  parallelFor('convPinvGramSolve', count, [n, P, gs, aux, params, kOut, wdata, woff, mode, lag?.params ?? none, lag?.sums ?? none], { minPerThread: 8 });
  let rank = 0;
  const failed: number[] = [];
  for (let g = 0; g < count; g++) {
    if (kOut[g]! < 0) failed.push(g);
    else rank += mult(g) * (n - kOut[g]!);
  }
  const nr = failed.length;
  if (nr > 0) {
    const size = 2 * nn;
    // Pass 1 left Bᴴ (split) in P (without lag sums; with them, B is evaluated again): B, interleaved, for the SVD.
    const batch = new Float64Array(nr * size);
    if (lag !== null) blocksAt(lag.geom, columnSums(lag.geom, lag.w), failed, batch, 0, nr);
    else for (let i = 0; i < nr; i++) {
      const pb = failed[i]! * size;
      for (let o = 0; o < n; o++) {
        for (let j = 0; j < n; j++) {
          batch[i * size + 2 * (o * n + j)] = P[pb + j * n + o]!;
          batch[i * size + 2 * (o * n + j) + 1] = -P[pb + nn + j * n + o]!;
        }
      }
    }
    const r = svd(new Tensor(batch, [nr, n, n], 'complex128'), { fullMatrices: false });
    const S = toFloat64(r.S);
    const U = allocShared(Float64Array, nr * nn * 2);
    const Vh = allocShared(Float64Array, nr * nn * 2);
    U.set(toFloat64(r.U));
    Vh.set(toFloat64(r.Vh));
    const wt = allocShared(Float64Array, nr * n);
    // With lag sums the solve always applies Bᴴ first, so the block's second factor becomes scale·G_k⁺ =
    // scale·V_k·Σ_k⁻²·V_kᴴ (the assembly with U := V and weights 1/σ²); otherwise P(g) = scale·B⁺ and S(g) = I.
    for (let i = 0; i < nr; i++) {
      let kept = 0;
      for (let t = 0; t < n; t++) {
        const s = S[i * n + t]!;
        wt[i * n + t] = s > cutoff && s > 0 ? (lag !== null ? 1 / (s * s) : 1 / s) : 0;
        if (wt[i * n + t] !== 0) kept++;
      }
      rank += mult(failed[i]!) * kept;
    }
    const idx = allocShared(Int32Array, nr);
    idx.set(failed);
    // `gs` keeps each second factor as its packed lower triangle (gram-truncated.ts, gramSlotLength).
    const half = (n * (n + 1)) / 2;
    if (lag !== null) {
      for (let i = 0; i < nr; i++) {
        for (let o = 0; o < n; o++) {
          for (let t = 0; t < n; t++) {
            const v = i * nn * 2 + 2 * (t * n + o);
            U[i * nn * 2 + 2 * (o * n + t)] = Vh[v]!;
            U[i * nn * 2 + 2 * (o * n + t) + 1] = -Vh[v + 1]!;
          }
        }
      }
      // assembled whole (item i at 2n²·i), then packed into block failed[i]'s slot
      const whole = allocShared(Float64Array, nr * 2 * nn);
      const seq = allocShared(Int32Array, nr);
      for (let i = 0; i < nr; i++) seq[i] = i;
      parallelFor('convPinvAssemble', nr, [n, n, seq, wt, U, Vh, whole, scale], { minPerThread: 8 });
      for (let i = 0; i < nr; i++) {
        const src = i * 2 * nn, dst = failed[i]! * slot;
        let q = 0;
        for (let r = 0; r < n; r++) {
          for (let c = 0; c <= r; c++, q++) {
            gs[dst + q] = whole[src + r * n + c]!;
            gs[dst + half + q] = r === c ? 0 : whole[src + nn + r * n + c]!;
          }
        }
      }
    } else {
      parallelFor('convPinvAssemble', nr, [n, n, idx, wt, U, Vh, P, scale], { minPerThread: 8 });
      for (const g of failed) {
        gs.fill(0, g * slot, (g + 1) * slot);
        for (let i = 0; i < n; i++) gs[g * slot + (i * (i + 1)) / 2 + i] = 1;
      }
    }
    for (const g of failed) mode[g] = 1;
  }
  releaseScratch('gramAux', aux);
  return { info: { sigmaMax, sigmaMaxUpper: sigmaMax, cutoff, rank, blocks: count, fastBlocks: 0, svdBlocks: nr, gramBlocks: count - nr - countZero(fro) }, second: gs, w: { wdata, woff, mode } };
}

function countZero(fro: Float64Array): number {
  let z = 0;
  for (let g = 0; g < fro.length; g++) if (!(fro[g]! > 0)) z++;
  return z;
}

