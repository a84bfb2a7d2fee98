/**
 * Per-frequency kernels of the ring solvers (ring-same.ts, ring-rect.ts): the polyphase symbol Ĉ(f) of a
 * strided, dilated cross-correlation on a torus, Gram matrices (whose largest eigenvalue, ‖Ĉ(f)‖², comes from
 * hermitian-kernel.ts's powerLambdaMax), and small inverses through the library's complex Gauss–Jordan workspace. Complex matrices are
 * row-major, interleaved re/im, at an offset.
 */
import type { ComplexGaussJordan } from '../../linalg/kernels/complex-gauss-jordan.js';

/** Geometry of one polyphase symbol evaluation. @example `{ co: 2, ci: 2, kh: 3, kw: 3, d1: 1, d2: 1, s1: 2, s2: 2, M1: 5, M2: 5 }` */
export interface PolyphaseGeometry {
  readonly co: number;
  readonly ci: number;
  readonly kh: number;
  readonly kw: number;
  readonly d1: number;
  readonly d2: number;
  readonly s1: number;
  readonly s2: number;
  /** Polyphase grid (torus side / stride). */
  readonly M1: number;
  readonly M2: number;
}

/**
 * Ĉ(f) for output frequency (f1, f2) of the M1×M2 grid: a c_out × (c_in·s1·s2) complex matrix. The torus
 * input is split into its s1·s2 phases (lane j = (c·s1 + a1)·s2 + a2 holds w[c, g1·s1 + a1, g2·s2 + a2]); the
 * tap (u, v) with u·d1 = q1·s1 + a1, v·d2 = q2·s2 + a2 reads lane j at grid offset (q1, q2), so
 * Ĉ(f)[o, j] = Σ K[o, c, u, v] e^{+2πi(f1·q1/M1 + f2·q2/M2)} (cross-correlation sign, as in ring-same.ts).
 *
 * @example `polyphaseSymbol(w, geom, 0, 0, out, 0) // Ĉ(0) = Σ_uv K into out[0 … 2·co·ci·s1·s2)`
 */
export function polyphaseSymbol(weight: Float64Array, g: PolyphaseGeometry, f1: number, f2: number, out: Float64Array, off: number): void {
  const { co, ci, kh, kw, d1, d2, s1, s2, M1, M2 } = g;
  const cp = ci * s1 * s2;
  out.fill(0, off, off + 2 * co * cp);
  for (let u = 0; u < kh; u++) {
    const q1 = Math.floor((u * d1) / s1);
    const a1 = (u * d1) % s1;
    for (let v = 0; v < kw; v++) {
      const q2 = Math.floor((v * d2) / s2);
      const a2 = (v * d2) % s2;
      // Reduce before dividing so the angle stays exact for large grids.
      const ang = 2 * Math.PI * (((f1 * q1) % M1) / M1 + ((f2 * q2) % M2) / M2);
      const er = Math.cos(ang);
      const ei = Math.sin(ang);
      for (let o = 0; o < co; o++)
        for (let c = 0; c < ci; c++) {
          const k = weight[((o * ci + c) * kh + u) * kw + v]!;
          if (k === 0) continue;
          const e = off + 2 * (o * cp + (c * s1 + a1) * s2 + a2);
          out[e] += k * er;
          out[e + 1] += k * ei;
        }
    }
  }
}

/**
 * Inverse of the n×n complex matrix at `src[sOff]` into `dst[dOff]` (both interleaved, may be the same place)
 * through a Gauss–Jordan workspace of order n. False, with zeros written, when a pivot falls below
 * `minPivot` (default: 1e-14 of the largest entry's modulus).
 *
 * @example `invertBlock(g, 0, 2, complexGaussJordan(2, 3), gi, 0, 1e-14 * gmax)`
 */
export function invertBlock(src: Float64Array, sOff: number, n: number, gj: ComplexGaussJordan, dst: Float64Array, dOff: number, minPivot?: number): boolean {
  const { re, im, ld } = gj;
  let scale = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const a = src[sOff + 2 * (i * n + j)]!;
      const b = src[sOff + 2 * (i * n + j) + 1]!;
      re[i * ld + j] = a;
      im[i * ld + j] = b;
      scale = Math.max(scale, Math.hypot(a, b));
    }
  const ok = scale > 0 && gj.invert(minPivot ?? 1e-14 * scale);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      dst[dOff + 2 * (i * n + j)] = ok ? gj.re[i * ld + j]! : 0;
      dst[dOff + 2 * (i * n + j) + 1] = ok ? gj.im[i * ld + j]! : 0;
    }
  return ok;
}

/**
 * Gram matrix of the r×c complex `M` at `m[off]`: `wide` gives M Mᴴ (r×r), otherwise Mᴴ M (c×c), into
 * `out[0 …)`. Returns its largest diagonal entry.
 *
 * @example `gram(chat, 0, 2, 8, true, g) // Ĉ Ĉᴴ, 2×2`
 */
export function gram(m: Float64Array, off: number, r: number, c: number, wide: boolean, out: Float64Array): number {
  const n = wide ? r : c;
  let dmax = 0;
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let sr = 0;
      let si = 0;
      if (wide) {
        // (M Mᴴ)[i, j] = Σ_k M[i, k] conj(M[j, k])
        for (let k = 0; k < c; k++) {
          const ar = m[off + 2 * (i * c + k)]!;
          const ai = m[off + 2 * (i * c + k) + 1]!;
          const br = m[off + 2 * (j * c + k)]!;
          const bi = m[off + 2 * (j * c + k) + 1]!;
          sr += ar * br + ai * bi;
          si += ai * br - ar * bi;
        }
      } else {
        // (Mᴴ M)[i, j] = Σ_k conj(M[k, i]) M[k, j]
        for (let k = 0; k < r; k++) {
          const ar = m[off + 2 * (k * c + i)]!;
          const ai = m[off + 2 * (k * c + i) + 1]!;
          const br = m[off + 2 * (k * c + j)]!;
          const bi = m[off + 2 * (k * c + j) + 1]!;
          sr += ar * br + ai * bi;
          si += ar * bi - ai * br;
        }
      }
      out[2 * (i * n + j)] = sr;
      out[2 * (i * n + j) + 1] = si;
      out[2 * (j * n + i)] = sr;
      out[2 * (j * n + i) + 1] = -si;
      if (i === j) dmax = Math.max(dmax, sr);
    }
  return dmax;
}

/**
 * The in-range index that index i of a padded axis copies: PyTorch's reflect (mirror without repeating the edge)
 * or replicate (clamp); i itself when in range. Shared by the pad-ring (ring-same.ts) and two-ring (ring-rect.ts)
 * solvers, whose copied pads must agree with nn's padding.
 *
 * @example `padSource(-1, 5, 'reflect') // 1`
 */
export function padSource(i: number, n: number, mode: 'reflect' | 'replicate' | 'zeros'): number {
  if (i >= 0 && i < n) return i;
  if (mode === 'replicate') return i < 0 ? 0 : n - 1;
  return i < 0 ? -i : 2 * (n - 1) - i;
}
