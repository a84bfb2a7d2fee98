/**
 * Bluestein's chirp-z algorithm: a DFT of any length n as a cyclic convolution of a smooth length M ≥ 2n − 1,
 * so lengths with large prime factors still cost O(n log n) (three length-M FFTs' worth: the kernel's FFT is
 * precomputed in the plan). With jk = (j² + k² − (j−k)²)/2: X_j = c_j · Σ_k (x_k c_k) · conj(c_{j−k}),
 * c_k = exp(σ·iπk²/n).
 */
import { runStockham } from './mixed-radix.js';
import { unitRoot, type BluesteinPlan, type StockhamPlan } from './plan.js';

/**
 * Builds a Bluestein plan for length n, using the given smooth plans of length M (forward and inverse).
 *
 * @example
 * ```ts
 * const plan = buildBluestein(1021, -1, getPlan(2048, -1), getPlan(2048, 1));
 * ```
 */
export function buildBluestein(n: number, sign: 1 | -1, M: number, fwd: StockhamPlan, inv: StockhamPlan): BluesteinPlan {
  const chirp = new Float64Array(2 * n);
  const twoN = 2 * n;
  for (let k = 0; k < n; k++) {
    // exp(σ·iπk²/n) = exp(2πi·σ·(k² mod 2n)/(2n)); k² is exact below 2^53.
    const [c, s] = unitRoot((k * k) % twoN, twoN);
    chirp[2 * k] = c;
    chirp[2 * k + 1] = sign * s;
  }
  const b = new Float64Array(2 * M);
  for (let k = 0; k < n; k++) {
    const re = chirp[2 * k]!;
    const im = -chirp[2 * k + 1]!;
    b[2 * k] = re;
    b[2 * k + 1] = im;
    if (k > 0) {
      b[2 * (M - k)] = re;
      b[2 * (M - k) + 1] = im;
    }
  }
  const hat = runStockham(fwd, b, new Float64Array(2 * M), 1);
  const kernelHat = new Float64Array(2 * M);
  for (let i = 0; i < 2 * M; i++) kernelHat[i] = hat[i]! / M;
  return { kind: 'bluestein', n, sign, M, chirp, kernelHat, fwd, inv };
}

let workA = new Float64Array(0);
let workB = new Float64Array(0);

/**
 * Transforms a lane-major batch of `B` length-n vectors in `x` in place (scratch is module-owned and grown
 * on demand: two buffers of 2·M·B doubles).
 *
 * @example
 * ```ts
 * runBluestein(plan, data, 1);
 * ```
 */
export function runBluestein(plan: BluesteinPlan, x: Float64Array, B: number): void {
  const { n, M, chirp, kernelHat } = plan;
  const need = 2 * M * B;
  if (workA.length < need) {
    workA = new Float64Array(need);
    workB = new Float64Array(need);
  }
  const a = workA;
  for (let k = 0; k < n; k++) {
    const cr = chirp[2 * k]!, ci = chirp[2 * k + 1]!;
    const base = 2 * k * B;
    for (let t = base; t < base + 2 * B; t += 2) {
      const xr = x[t]!, xi = x[t + 1]!;
      a[t] = xr * cr - xi * ci;
      a[t + 1] = xr * ci + xi * cr;
    }
  }
  a.fill(0, 2 * n * B, need);
  const f = runStockham(plan.fwd, a, workB, B);
  for (let k = 0; k < M; k++) {
    const hr = kernelHat[2 * k]!, hi = kernelHat[2 * k + 1]!;
    const base = 2 * k * B;
    for (let t = base; t < base + 2 * B; t += 2) {
      const fr = f[t]!, fi = f[t + 1]!;
      f[t] = fr * hr - fi * hi;
      f[t + 1] = fr * hi + fi * hr;
    }
  }
  const g = runStockham(plan.inv, f, f === a ? workB : a, B);
  for (let k = 0; k < n; k++) {
    const cr = chirp[2 * k]!, ci = chirp[2 * k + 1]!;
    const base = 2 * k * B;
    for (let t = base; t < base + 2 * B; t += 2) {
      const gr = g[t]!, gi = g[t + 1]!;
      x[t] = gr * cr - gi * ci;
      x[t + 1] = gr * ci + gi * cr;
    }
  }
}

