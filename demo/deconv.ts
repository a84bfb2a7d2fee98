/**
 * The demo's numerical work, on the library alone: build the blur kernel and the conv2d operator, blur (and
 * add noise), then reconstruct three ways (pseudo-inverse, Tikhonov, k Krylov iterations), with PSNRs, times,
 * the operator's singular values and the Krylov residual history. Runs in the demo's Web Worker (worker.ts);
 * it has no DOM dependency, so it also runs under Node.
 *
 * The relative import below is rewritten by scripts/serve-demo.mjs to the browser bundle `./adjoint.js`, so the
 * demo uses exactly the ESM bundle that `npm run build` ships.
 */
import * as aj from '../src/index.js';
import type { KernelKind, PaddingChoice, DeconvJob, DeconvResult, Reconstruction, SolverChoice } from './protocol.js';

type Tensor = aj.Tensor;
type LinearOperator = aj.operators.LinearOperator;

/**
 * The blur kernel `[C, C, k, k]` for a C-channel image. Box, Gaussian and motion blur act on each channel alone
 * (zero off-diagonal blocks); 'random' mixes the colour channels.
 *
 * @example `makeKernel('gaussian', 7, 3, 0)` // Float64Array of 3·3·7·7
 */
export function makeKernel(kind: KernelKind, k: number, c: number, seed: number): Float64Array {
  if (!Number.isInteger(k) || k < 1 || k % 2 !== 1) throw new Error(`kernel size must be an odd positive integer, got ${k}`);
  const base = new Float64Array(k * k);
  const r = (k - 1) / 2;
  if (kind === 'box') {
    base.fill(1);
  } else if (kind === 'gaussian' || kind === 'random') {
    const s = Math.max(k / 6, 0.5);
    for (let u = 0; u < k; u++) for (let v = 0; v < k; v++) base[u * k + v] = Math.exp(-((u - r) ** 2 + (v - r) ** 2) / (2 * s * s));
  } else if (kind === 'motion') {
    // A straight line of length k at 30°, rasterised with fine steps (a camera shake).
    const ang = Math.PI / 6;
    const steps = 8 * k;
    for (let i = 0; i <= steps; i++) {
      const t = -r + (2 * r * i) / steps;
      const u = Math.round(r - t * Math.sin(ang));
      const v = Math.round(r + t * Math.cos(ang));
      base[u * k + v]! += 1;
    }
  }
  const out = new Float64Array(c * c * k * k);
  if (kind !== 'random') {
    const sum = base.reduce((a, b) => a + b, 0);
    for (let ch = 0; ch < c; ch++) for (let i = 0; i < k * k; i++) out[(ch * c + ch) * k * k + i] = base[i]! / sum;
    return out;
  }
  // Random: a Gaussian envelope times (identity + 0.5·noise) per channel pair, each output row summing to 1.
  const noise = aj.randn([c * c * k * k], { seed, dtype: 'float64' }).data as Float64Array;
  for (let o = 0; o < c; o++) {
    let sum = 0;
    for (let ci = 0; ci < c; ci++) {
      for (let i = 0; i < k * k; i++) {
        const j = (o * c + ci) * k * k + i;
        out[j] = base[i]! * ((o === ci ? 1 : 0) + 0.5 * noise[j]!);
        sum += out[j]!;
      }
    }
    if (Math.abs(sum) > 1e-12) for (let j = o * c * k * k; j < (o + 1) * c * k * k; j++) out[j] = out[j]! / sum;
  }
  return out;
}

/** The conv2d operator for a padding choice. @example `makeOperator(w, [3, 128, 128], 'circular')` */
export function makeOperator(w: Tensor, inShape: readonly number[], padding: PaddingChoice): aj.operators.Conv2dOperator {
  if (padding === 'circular') return aj.operators.conv2d(w, { inShape, padding: 'same', paddingMode: 'circular' });
  if (padding === 'same') return aj.operators.conv2d(w, { inShape, padding: 'same', paddingMode: 'zeros' });
  return aj.operators.conv2d(w, { inShape, padding: 'valid' });
}

/** PSNR in dB of `xhat` against `x`, both in [0, 1] units (peak 1). @example `psnr(a, a) // Infinity` */
export function psnr(xhat: ArrayLike<number>, x: ArrayLike<number>): number {
  let se = 0;
  for (let i = 0; i < x.length; i++) se += (xhat[i]! - x[i]!) ** 2;
  return -10 * Math.log10(se / x.length);
}

/**
 * The spectrum of a circular, stride-1 conv2d operator: A = Fᴴ·blockdiag(Ĥ(f))·F with Ĥ(f) a C_out×C_in
 * matrix per frequency f. Ĥ is read off the impulse responses (A applied to one delta per input channel),
 * which avoids any sign/centre convention. Holds the per-frequency SVDs.
 */
export class CircularSpectrum {
  readonly cout: number;
  readonly cin: number;
  readonly h: number;
  readonly w: number;
  /** Singular values per frequency, `[H·W, min(cout, cin)]`, descending in each row. */
  readonly S: Float64Array;
  private readonly U: Float64Array | null;
  private readonly Vh: Float64Array | null;
  private readonly k: number;

  constructor(A: LinearOperator, withVectors: boolean) {
    const [cin, h, w] = A.inShape as [number, number, number];
    const cout = A.outShape[0]!;
    this.cin = cin;
    this.cout = cout;
    this.h = h;
    this.w = w;
    this.k = Math.min(cin, cout);
    const deltas = new Float64Array(cin * cin * h * w);
    for (let c = 0; c < cin; c++) deltas[(c * cin + c) * h * w] = 1;
    const resp = A.apply(new aj.Tensor(deltas, [cin, cin, h, w], 'float64')); // [cin, cout, h, w]
    const Hhat = aj.fft.fft2(resp).data as Float64Array; // complex128 interleaved
    const hw = h * w;
    // Per-frequency matrices M[f][o][c] = Ĥ_c[o](f), as a [hw, cout, cin] complex128 batch.
    const M = new Float64Array(hw * cout * cin * 2);
    for (let c = 0; c < cin; c++) {
      for (let o = 0; o < cout; o++) {
        const src = (c * cout + o) * hw * 2;
        for (let f = 0; f < hw; f++) {
          const dst = ((f * cout + o) * cin + c) * 2;
          M[dst] = Hhat[src + 2 * f]!;
          M[dst + 1] = Hhat[src + 2 * f + 1]!;
        }
      }
    }
    const Mt = new aj.Tensor(M, [hw, cout, cin], 'complex128');
    if (withVectors) {
      const { U, S, Vh } = aj.linalg.svd(Mt, { fullMatrices: false });
      this.U = Float64Array.from(U.data as Float64Array);
      this.Vh = Float64Array.from(Vh.data as Float64Array);
      this.S = Float64Array.from(S.data as Float64Array);
    } else {
      this.U = null;
      this.Vh = null;
      this.S = Float64Array.from(aj.linalg.svdvals(Mt).data as Float64Array);
    }
  }

  /** The largest singular value of A. */
  get sigmaMax(): number {
    let m = 0;
    for (let i = 0; i < this.S.length; i++) m = Math.max(m, this.S[i]!);
    return m;
  }

  /**
   * x = Σ_f Σ_j φ(σ_j(f)) v_j u_jᴴ ŷ(f), back in pixel space: φ(σ) = 1/σ above the cutoff (pseudo-inverse) or
   * σ/(σ² + λ²) (Tikhonov).
   */
  solve(y: Tensor, phi: (s: number) => number): Float64Array {
    if (this.U === null || this.Vh === null) throw new Error('CircularSpectrum built without singular vectors');
    const { cout, cin, h, w, k } = this;
    const hw = h * w;
    const Y = aj.fft.fft2(y).data as Float64Array; // [cout, h, w] complex
    const X = new Float64Array(cin * hw * 2);
    const t = new Float64Array(2 * k);
    for (let f = 0; f < hw; f++) {
      for (let j = 0; j < k; j++) {
        // t_j = φ(σ_j) · u_jᴴ ŷ
        let re = 0;
        let im = 0;
        for (let o = 0; o < cout; o++) {
          const ui = ((f * cout + o) * k + j) * 2;
          const ur = this.U[ui]!;
          const uim = this.U[ui + 1]!;
          const yr = Y[(o * hw + f) * 2]!;
          const yi = Y[(o * hw + f) * 2 + 1]!;
          re += ur * yr + uim * yi;
          im += ur * yi - uim * yr;
        }
        const p = phi(this.S[f * k + j]!);
        t[2 * j] = p * re;
        t[2 * j + 1] = p * im;
      }
      for (let c = 0; c < cin; c++) {
        // x̂_c = Σ_j conj(Vh[j][c]) t_j
        let re = 0;
        let im = 0;
        for (let j = 0; j < k; j++) {
          const vi = ((f * k + j) * cin + c) * 2;
          const vr = this.Vh[vi]!;
          const vim = -this.Vh[vi + 1]!;
          re += vr * t[2 * j]! - vim * t[2 * j + 1]!;
          im += vr * t[2 * j + 1]! + vim * t[2 * j]!;
        }
        X[(c * hw + f) * 2] = re;
        X[(c * hw + f) * 2 + 1] = im;
      }
    }
    const x = aj.fft.ifft2(new aj.Tensor(X, [cin, h, w], 'complex128'));
    return Float64Array.from(aj.real(x).data as Float64Array);
  }
}

/** The library's conv2d pseudo-inverse when this build has it (`A.pinv(y, …)` → `{ x, info }`), else null. */
interface LibraryPinvInfo {
  method: string;
  iterations: number;
  converged: boolean;
  relResidual: number;
  rank?: number;
  cutoff?: number;
  sigmaMax?: number;
}
type LibraryPinv = (y: Tensor, options: Record<string, unknown>) => { x: Tensor; info: LibraryPinvInfo };

function describeLibraryPinv(info: LibraryPinvInfo): string {
  const parts = [`A.pinv: ${info.method}`];
  if (info.method === 'krylov') parts.push(`${info.iterations} it, ${info.converged ? 'converged' : 'not converged'}`);
  if (info.rank !== undefined) parts.push(`rank ${info.rank}`);
  if (info.cutoff !== undefined && info.cutoff > 0) parts.push(`cutoff ${info.cutoff.toExponential(2)}`);
  if (Number.isFinite(info.relResidual)) parts.push(`‖Ax−y‖/‖y‖ ${info.relResidual.toExponential(1)}`);
  return parts.join(', ');
}
function libraryPinv(A: LinearOperator): LibraryPinv | null {
  const f = (A as unknown as { pinv?: unknown }).pinv;
  return typeof f === 'function' ? (f as LibraryPinv).bind(A) : null;
}

function krylov(method: SolverChoice): typeof aj.operators.lsqr {
  return method === 'lsmr' ? aj.operators.lsmr : method === 'cgls' ? aj.operators.cgls : aj.operators.lsqr;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Runs one job: blur, noise, three reconstructions, spectrum and residual history.
 *
 * @example `runDeconv({ image, channels: 3, height: 128, width: 128, kernel: 'gaussian', kernelSize: 7, padding: 'circular', noise: 0, lambda: 0.01, iterations: 30, rtol: 1e-6, maxIter: 100, solver: 'lsqr', seed: 0 })`
 */
export function runDeconv(job: DeconvJob, onStage: (stage: string) => void = () => {}): DeconvResult {
  const { channels: c, height: h, width: w } = job;
  if (job.image.length !== c * h * w) throw new Error(`image has ${job.image.length} values, expected ${c}·${h}·${w}`);
  const x = new aj.Tensor(Float64Array.from(job.image), [c, h, w], 'float64');
  const k = job.kernelSize;
  const kernel = makeKernel(job.kernel, k, c, job.seed);
  const wT = new aj.Tensor(kernel, [c, c, k, k], 'float64');
  const A = makeOperator(wT, [c, h, w], job.padding);
  onStage('blurring');
  let y = A.apply(x);
  if (job.noise > 0) y = aj.add(y, aj.mul(aj.randn(y.shape.slice(), { seed: job.seed + 1, dtype: 'float64' }), job.noise));
  const yData = Float64Array.from(y.data as Float64Array);
  const recs: Reconstruction[] = [];
  const history: { label: string; values: number[] }[] = [];
  const lib = libraryPinv(A);
  const circular = job.padding === 'circular';

  // Spectrum (all singular values, per frequency): exact for circular padding; for 'same'/'valid' the circular
  // operator with the same kernel stands in, as an approximation of the spectrum (the boundary changes it).
  onStage('spectrum');
  let t0 = now();
  const circA = circular ? A : makeOperator(wT, [c, h, w], 'circular');
  const spec = new CircularSpectrum(circA, circular && lib === null);
  const specMs = now() - t0;
  const sigmaMax = spec.sigmaMax;
  const cutoff = job.rtol * sigmaMax;
  const sorted = Float64Array.from(spec.S).sort().reverse();
  let libCutoff: number | null = null;

  // 1. Pseudo-inverse.
  onStage('pseudo-inverse');
  t0 = now();
  let xp: Float64Array;
  let pinvNote: string;
  if (lib !== null) {
    const r = lib(y, { rtol: job.rtol, tol: 1e-10, maxIter: job.maxIter });
    xp = Float64Array.from(r.x.data as Float64Array);
    pinvNote = describeLibraryPinv(r.info);
    if (circular && r.info.cutoff !== undefined) libCutoff = r.info.cutoff;
  } else if (circular) {
    xp = spec.solve(y, (s) => (s > cutoff ? 1 / s : 0));
    pinvNote = `per-frequency SVD (demo code), cutoff ${cutoff.toExponential(2)}, rank ${sorted.filter((s) => s > cutoff).length}`;
  } else {
    const r = krylov('lsqr')(A, y, { tol: 1e-10, maxIter: job.maxIter, conlim: 0 });
    xp = Float64Array.from(r.x.data as Float64Array);
    pinvNote = `LSQR to 1e-10: ${r.info.iterations} it, ${r.info.converged ? 'converged' : `not converged (${r.info.stopReason})`}`;
  }
  // The cutoff on the plot is the one the pseudo-inverse used (the library's own when it took the FFT path).
  const shownCutoff = libCutoff ?? cutoff;
  let kept = 0;
  for (let i = 0; i < sorted.length; i++) if (sorted[i]! > shownCutoff) kept++;
  recs.push({ key: 'pinv', label: 'Pseudo-inverse', data: xp, psnr: psnr(xp, job.image), ms: now() - t0 + (circular && lib === null ? specMs : 0), note: pinvNote });

  // 2. Tikhonov.
  onStage('tikhonov');
  t0 = now();
  let xt: Float64Array;
  let tikNote: string;
  const lam = job.lambda;
  if (lib !== null) {
    const r = lib(y, { damp: lam, tol: 1e-10, maxIter: job.maxIter });
    xt = Float64Array.from(r.x.data as Float64Array);
    tikNote = `${describeLibraryPinv(r.info)}, damp λ=${lam}`;
  } else if (circular) {
    xt = spec.solve(y, (s) => s / (s * s + lam * lam));
    tikNote = `σ/(σ²+λ²) per frequency, λ=${lam}`;
  } else {
    const r = krylov('lsqr')(A, y, { damp: lam, tol: 1e-10, maxIter: job.maxIter, conlim: 0 });
    xt = Float64Array.from(r.x.data as Float64Array);
    tikNote = `LSQR damp=${lam}: ${r.info.iterations} it, ${r.info.converged ? 'converged' : `not converged (${r.info.stopReason})`}`;
  }
  recs.push({ key: 'tikhonov', label: `Tikhonov λ=${lam}`, data: xt, psnr: psnr(xt, job.image), ms: now() - t0, note: tikNote });

  // 3. k Krylov iterations (tolerances at 0 so that exactly k run unless the solution is exact earlier).
  onStage('krylov');
  t0 = now();
  const res: number[] = [];
  const nres: number[] = [];
  const r = krylov(job.solver)(A, y, {
    maxIter: Math.max(1, job.iterations),
    tol: 0,
    conlim: 0,
    onIteration: (_it, p) => {
      res.push(p.relResidual);
      nres.push(p.relNormalResidual);
    },
  });
  const xk = Float64Array.from(r.x.data as Float64Array);
  recs.push({
    key: 'krylov',
    label: `${job.solver.toUpperCase()}, ${r.info.iterations} iterations`,
    data: xk,
    psnr: psnr(xk, job.image),
    ms: now() - t0,
    note: `stop: ${r.info.stopReason}, ‖Ax−y‖/‖y‖ = ${r.info.relResidual.toExponential(2)}`,
  });
  history.push({ label: '‖Ax−y‖/‖y‖', values: res }, { label: '‖Aᴴ(Ax−y)‖/(‖A‖‖y‖)', values: nres });

  return {
    id: job.id,
    kernel,
    kernelSize: k,
    channels: c,
    y: yData,
    yShape: y.shape.slice() as [number, number, number],
    recs,
    singular: {
      values: sorted,
      cutoff: shownCutoff,
      sigmaMax,
      kept,
      exact: circular,
      note: circular ? 'all singular values of A (per frequency)' : 'circular operator with the same kernel (approximation of this operator)',
    },
    history,
    threads: 1,
  };
}
