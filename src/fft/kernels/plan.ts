/**
 * FFT plans: how a length is factorised into Stockham passes (radix 4, 2, 3, 5 and generic odd primes up to
 * {@link MAX_GENERIC_RADIX}) or, when it has a larger prime factor, a Bluestein convolution of a smooth length.
 * Twiddles are float64 and computed from the exact angle 2πk/n reduced to [0, π/4] by symmetry, never by
 * repeated multiplication, so every twiddle is within about one ulp.
 *
 * Plans are cached by (length, direction) in execute.ts (`getPlan`).
 */

/** Largest prime handled by a generic odd-radix pass; lengths with a larger prime factor use Bluestein. @example `isSmooth(74, MAX_GENERIC_RADIX) // true` */
export const MAX_GENERIC_RADIX = 37;

/** Radices with a hand-written or generated pass (the others use the generic odd-radix pass). */
const SPECIALISED = new Set([2, 3, 4, 5, 7, 8, 11, 13, 17, 19]);

/** One Stockham pass: radix `p`, `l` = product of the radices before it, `m` = n / (l·p). */
export interface StockhamPass {
  readonly p: number;
  readonly l: number;
  readonly m: number;
  /** Twiddles ω_{l·p}^{j·q} for j < l, 1 ≤ q < p, interleaved re/im, index ((j·(p−1) + q−1)·2). */
  readonly tw: Float64Array;
  /** Generic radix only: cos/sin(2πk/p)·(sign for sin), k < p. */
  readonly cosT: Float64Array | undefined;
  readonly sinT: Float64Array | undefined;
}

/** A plan for a length whose prime factors are all ≤ {@link MAX_GENERIC_RADIX}. */
export interface StockhamPlan {
  readonly kind: 'stockham';
  readonly n: number;
  /** Exponent sign: −1 forward, +1 inverse (unnormalised). */
  readonly sign: 1 | -1;
  readonly passes: readonly StockhamPass[];
  /** Largest generic radix (scratch size for its butterfly), 0 when none. */
  readonly maxGeneric: number;
}

/** Bluestein (chirp-z) plan: a length-n DFT as a cyclic convolution of smooth length `M` ≥ 2n − 1. */
export interface BluesteinPlan {
  readonly kind: 'bluestein';
  readonly n: number;
  readonly sign: 1 | -1;
  readonly M: number;
  /** c_k = exp(sign·iπk²/n), k < n, interleaved. */
  readonly chirp: Float64Array;
  /** FFT_M of the conjugate chirp sequence, already divided by M, interleaved. */
  readonly kernelHat: Float64Array;
  readonly fwd: StockhamPlan;
  readonly inv: StockhamPlan;
}

/** Any complex FFT plan. */
export type FftPlan = StockhamPlan | BluesteinPlan;

/**
 * exp(2πi·num/den) as [cos, sin], accurate to about one ulp: the angle is reduced to [0, π/4] with exact
 * integer arithmetic (valid while 8·den < 2^53) before calling Math.cos/Math.sin.
 *
 * @example
 * ```ts
 * unitRoot(1, 4); // [0, 1] exactly (cos(π/2) is not rounded to 6e-17)
 * ```
 */
export function unitRoot(num: number, den: number): [number, number] {
  let k = num % den;
  if (k < 0) k += den;
  // angle = 2π k/den in [0, 2π)
  if (2 * k > den) {
    const [c, s] = unitRoot(den - k, den);
    return [c, -s];
  }
  // [0, π]
  if (4 * k > den) {
    // θ = π/2 + φ, φ = 2π (4k − den)/(4 den) ∈ (0, π/2]
    const [c, s] = firstQuadrant(4 * k - den, 4 * den);
    return [-s, c];
  }
  return firstQuadrant(k, den);
}

/** exp(2πi·k/den) for k/den in [0, 1/4]. */
function firstQuadrant(k: number, den: number): [number, number] {
  if (8 * k > den) {
    // θ = π/2 − ψ, ψ = 2π (den − 4k)/(4 den) ∈ [0, π/4)
    const psi = (2 * Math.PI * (den - 4 * k)) / (4 * den);
    return [Math.sin(psi), Math.cos(psi)];
  }
  const t = (2 * Math.PI * k) / den;
  return [Math.cos(t), Math.sin(t)];
}

/** Prime factors of n in ascending order. @example `primeFactors(12) // [2, 2, 3]` */
export function primeFactors(n: number): number[] {
  const out: number[] = [];
  let m = n;
  for (let p = 2; p * p <= m; p += p === 2 ? 1 : 2) {
    while (m % p === 0) {
      out.push(p);
      m /= p;
    }
  }
  if (m > 1) out.push(m);
  return out;
}

/** True when every prime factor of n is at most `maxPrime`. @example `isSmooth(360, 5) // true` */
export function isSmooth(n: number, maxPrime: number): boolean {
  let m = n;
  for (let p = 2; p <= maxPrime && m > 1; p++) while (m % p === 0) m /= p;
  return m === 1;
}

/** Smallest 2·3·5-smooth length ≥ n (the Bluestein convolution length). @example `nextSmooth(2041) // 2048` */
export function nextSmooth(n: number): number {
  let best = 2 ** Math.ceil(Math.log2(Math.max(n, 1)));
  for (let p5 = 1; p5 < best; p5 *= 5) {
    for (let p35 = p5; p35 < best; p35 *= 3) {
      let v = p35;
      while (v < n) v *= 2;
      if (v < best) best = v;
    }
  }
  return best;
}

/**
 * The radices, in pass order, for a smooth length: big generic primes first (l = 1 there: no twiddles), then
 * the powers of two as 8s plus up to two 4s or one 2 (radix 16 measured slower: register spills).
 */
function radices(n: number): number[] {
  const f = primeFactors(n);
  const twos = f.filter((p) => p === 2).length;
  const out = f.filter((p) => p !== 2).sort((a, b) => b - a);
  let eights = Math.floor(twos / 3);
  const rest = twos % 3;
  if (rest === 2) out.push(4);
  else if (rest === 1) {
    if (eights > 0) {
      eights--;
      out.push(4, 4);
    } else out.push(2);
  }
  for (let i = 0; i < eights; i++) out.push(8);
  return out;
}

/** Builds the Stockham plan of a smooth length (use the cached `getPlan` in execute.ts instead). @example `buildStockham(12, -1).passes.length // 2` */
export function buildStockham(n: number, sign: 1 | -1): StockhamPlan {
  const passes: StockhamPass[] = [];
  let l = 1;
  let maxGeneric = 0;
  for (const p of n === 1 ? [] : radices(n)) {
    const m = n / (l * p);
    const lp = l * p;
    const tw = new Float64Array(2 * l * (p - 1));
    for (let j = 0; j < l; j++) {
      for (let q = 1; q < p; q++) {
        const [c, s] = unitRoot(j * q, lp);
        const o = 2 * (j * (p - 1) + q - 1);
        tw[o] = c;
        tw[o + 1] = sign * s;
      }
    }
    let cosT: Float64Array | undefined;
    let sinT: Float64Array | undefined;
    if (!SPECIALISED.has(p)) {
      cosT = new Float64Array(p);
      sinT = new Float64Array(p);
      for (let k = 0; k < p; k++) {
        const [c, s] = unitRoot(k, p);
        cosT[k] = c;
        sinT[k] = sign * s;
      }
      maxGeneric = Math.max(maxGeneric, p);
    }
    passes.push({ p, l, m, tw, cosT, sinT });
    l = lp;
  }
  return { kind: 'stockham', n, sign, passes, maxGeneric };
}

const rootCache = new Map<string, Float64Array>();

/**
 * ω^k = exp(sign·2πik/n) for k < n, interleaved (used by the pruned direct DFT and the real-FFT post-processing).
 *
 * @example
 * ```ts
 * rootsOfUnity(4, -1); // [1,0, 0,-1, -1,0, 0,1]
 * ```
 */
export function rootsOfUnity(n: number, sign: 1 | -1): Float64Array {
  const key = `${n}:${sign}`;
  let r = rootCache.get(key);
  if (r) return r;
  r = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    const [c, s] = unitRoot(k, n);
    r[2 * k] = c;
    r[2 * k + 1] = sign * s;
  }
  rootCache.set(key, r);
  return r;
}

/** Drops the cached roots-of-unity tables. @example `clearRootCache()` */
export function clearRootCache(): void {
  rootCache.clear();
}
