/**
 * Gram matrices of the circular-convolution blocks straight from lag sums of the kernel (stride 1), for the
 * Gram path (gram-truncated.ts): G(f) = H(f)ᴴH(f) without evaluating H(f) and multiplying.
 *
 * With H[o,c](f) = Σ_t K[o,c,t]·e^{iω·φ(t)} over the taps t = (u, v), φ(t) = (u·d1 − top, v·d2 − left),
 *
 *   G[c,c'](f) = Σ_δ M_δ[c,c']·e^{iω·δ},   M_δ = Σ_{φ(t') − φ(t) = δ} K_tᵀK_{t'}   (real, c×c; M_{−δ} = M_δᵀ),
 *
 * where the padding offsets cancel. Summing over the column lag δ2 once per column frequency g2 leaves
 * C_a(g2) = Σ_{δ2} M_{(a, δ2)}·e^{iω2·δ2·d2} for row lags a = 0 … kh−1 (C_{−a} = C_aᴴ), so a block needs only
 *
 *   G = C_0 + Σ_{a ≥ 1} (C_a·e^{iθ_a} + C_aᴴ·e^{−iθ_a}),   θ_a = ω1·a·d1,
 *
 * on its lower triangle: for i ≥ j, Re G = Re C_0 + Σ_a (S_a^re·cos θ_a − S_a^im·sin θ_a) and
 * Im G = Im C_0 + Σ_a (D_a^re·sin θ_a + D_a^im·cos θ_a), with S_a = C_a[i][j] + C_a[j][i] and
 * D_a = C_a[i][j] − C_a[j][i] (re and im parts taken separately), all precomputed per g2 as packed lower triangles
 * and stored as the pairs (S_a^re, D_a^im) and (−S_a^im, D_a^re): then (Re G, Im G) += pair₁·cos θ_a + pair₂·sin θ_a,
 * two SIMD multiply–adds per lag.
 * That is 4(kh−1) multiply–adds per entry instead of the 4·kh·c of evaluating H and 4c of forming HᴴH.
 */
import type { BlockGeometry } from './circular-kernels.js';

/** Entries of a packed lower triangle of order n. @example `packedLength(32) // 528` */
export function packedLength(n: number): number {
  return (n * (n + 1)) / 2;
}

/**
 * Numbers per column frequency in the lag sums: per entry of G's packed lower triangle, Re C_0, Im C_0 and
 * S^re, D^im, −S^im, D^re for every row lag a ≥ 1 (entry-major, so that a block reads them in one sweep).
 * @example `lagSumsStride(32, 3) // 10 * 528`
 */
export function lagSumsStride(n: number, kh: number): number {
  return (2 + 4 * (kh - 1)) * packedLength(n);
}

/**
 * The lag sums of a stride-1 square circular convolution (geometry as in circular-fft.ts, `w` the dense
 * `[c, c, kh, kw]` kernel): for each column frequency g2 < g2h, at g2·{@link lagSumsStride}, for each entry p of
 * the packed lower triangle (row i holding j ≤ i) at p·(2 + 4(kh−1)): Re C_0, Im C_0, then per row lag
 * a = 1 … kh−1: S^re, D^im, −S^im, D^re.
 * Written into `out` when given (e.g. shared memory).
 *
 * @example `const lags = gramLagSums(geom, w)`
 */
export function gramLagSums(geom: BlockGeometry, w: Float64Array, out?: Float64Array): Float64Array {
  const kh = geom[2]!, kw = geom[3]!, g2h = geom[14]!;
  const n = geom[0]!;
  const res = out ?? new Float64Array(g2h * lagSumsStride(n, kh));
  const M = new Float64Array(lagProductsLength(geom));
  lagProducts(geom, w, M, 0, kh * (2 * kw - 1));
  lagColumns(geom, M, res, 0, g2h);
  return res;
}

/** Length of the {@link lagProducts} array: kh·(2kw − 1) real n×n matrices. @example `lagProductsLength(geom) // 15 * 1024` */
export function lagProductsLength(geom: BlockGeometry): number {
  return geom[2]! * (2 * geom[3]! - 1) * geom[0]! * geom[0]!;
}

/**
 * The tap products M_(a, b) = Σ_{φ(t') − φ(t) = (a, b)} K_tᵀK_{t'} of {@link gramLagSums} for a = 0 … kh−1,
 * b = −(kw−1) … kw−1, matrix number q = a·(2kw−1) + b + kw − 1 at q·n² of `M`, for q in [start, end) (the
 * first half of gramLagSums, split so that threads can share it).
 *
 * @example `lagProducts(geom, w, M, 0, 15)`
 */
export function lagProducts(geom: BlockGeometry, w: Float64Array, M: Float64Array, start: number, end: number): void {
  const n = geom[0]!, kh = geom[2]!, kw = geom[3]!;
  const nn = n * n;
  const kk = kh * kw;
  // Taps transposed to [t][o][c] so that M_δ[c][c'] = Σ_o K_t[o][c]·K_{t'}[o][c'] runs over contiguous rows.
  const taps = new Float64Array(kk * nn);
  for (let o = 0; o < n; o++) for (let c = 0; c < n; c++) for (let t = 0; t < kk; t++) taps[t * nn + o * n + c] = w[(o * n + c) * kk + t]!;
  const nb = 2 * kw - 1;
  for (let q = start; q < end; q++) {
    const a = Math.floor(q / nb), b = q - a * nb - (kw - 1);
    const mo = q * nn;
    M.fill(0, mo, mo + nn);
    for (let u = 0; u + a < kh; u++) {
      for (let v = Math.max(0, -b); v < kw && v + b < kw; v++) {
        const t0 = (u * kw + v) * nn, t1 = ((u + a) * kw + v + b) * nn;
        for (let o = 0; o < n; o++) {
          const r0 = t0 + o * n, r1 = t1 + o * n;
          for (let c = 0; c < n; c++) {
            const k0 = taps[r0 + c]!;
            if (k0 === 0) continue;
            const mr = mo + c * n;
            for (let c2 = 0; c2 < n; c2++) M[mr + c2] = M[mr + c2]! + k0 * taps[r1 + c2]!;
          }
        }
      }
    }
  }
}

/**
 * The lag sums of {@link gramLagSums} for the column frequencies g2 in [start, end), from the tap products `M`
 * ({@link lagProducts}), into `res` at g2·{@link lagSumsStride} (the second half of gramLagSums).
 *
 * @example `lagColumns(geom, M, res, 0, geom[14])`
 */
export function lagColumns(geom: BlockGeometry, M: Float64Array, res: Float64Array, start: number, end: number): void {
  const n = geom[0]!, kh = geom[2]!, kw = geom[3]!, n2 = geom[5]!, d2 = geom[11]!;
  const nn = n * n;
  const E = 2 + 4 * (kh - 1);
  const stride = lagSumsStride(n, kh);
  const nb = 2 * kw - 1;
  const cr = new Float64Array(nn);
  const ci = new Float64Array(nn);
  const er = new Float64Array(nb);
  const ei = new Float64Array(nb);
  for (let g2 = start; g2 < end; g2++) {
    for (let b = -(kw - 1); b < kw; b++) {
      // e^{iω2·b·d2}, ω2 = 2π·g2/n2 (the angle reduced mod n2 first, as the block evaluation does)
      const th = (2 * Math.PI * ((((g2 * b * d2) % n2) + n2) % n2)) / n2;
      er[b + kw - 1] = Math.cos(th);
      ei[b + kw - 1] = Math.sin(th);
    }
    const base = g2 * stride;
    for (let a = 0; a < kh; a++) {
      cr.fill(0);
      ci.fill(0);
      for (let bi = 0; bi < nb; bi++) {
        const mo = (a * nb + bi) * nn;
        const c0 = er[bi]!, s0 = ei[bi]!;
        for (let q = 0; q < nn; q++) {
          const m = M[mo + q]!;
          cr[q] = cr[q]! + m * c0;
          ci[q] = ci[q]! + m * s0;
        }
      }
      let q = base + (a === 0 ? 0 : 2 + 4 * (a - 1));
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++, q += E) {
          if (a === 0) {
            res[q] = cr[i * n + j]!;
            res[q + 1] = i === j ? 0 : ci[i * n + j]!;
          } else {
            const ar = cr[i * n + j]!, ai = ci[i * n + j]!, br = cr[j * n + i]!, bi = ci[j * n + i]!;
            res[q] = ar + br;
            res[q + 1] = ai - bi;
            res[q + 2] = -(ai + bi);
            res[q + 3] = ar - br;
          }
        }
      }
    }
  }
}


/**
 * The lower triangle of G(g) (g = g1·g2h + g2) from the lag sums into (gr, gi) of `m`, row stride n; the
 * diagonal's imaginary part is exactly 0. `e` is scratch of 2·kh. `params` = [n, kh, n1, d1, g2h].
 *
 * @example `gramFromLags(params, lags, g, m, gR, gI, e)`
 */
export function gramFromLags(params: Float64Array, lags: Float64Array, g: number, m: Float64Array, gr: number, gi: number, e: Float64Array): void {
  const n = params[0]!, kh = params[1]!, n1 = params[2]!, d1 = params[3]!, g2h = params[4]!;
  const g1 = Math.floor(g / g2h);
  const g2 = g - g1 * g2h;
  let q = g2 * lagSumsStride(n, kh);
  for (let a = 1; a < kh; a++) {
    const th = (2 * Math.PI * ((((g1 * a * d1) % n1) + n1) % n1)) / n1;
    e[2 * a] = Math.cos(th);
    e[2 * a + 1] = Math.sin(th);
  }
  if (kh === 3) {
    // the common 3-row kernel unrolled (two row lags)
    const c1 = e[2]!, s1 = e[3]!, c2 = e[4]!, s2 = e[5]!;
    for (let i = 0; i < n; i++) {
      const rr = gr + i * n, ri = gi + i * n;
      for (let j = 0; j <= i; j++, q += 10) {
        m[rr + j] = lags[q]! + (lags[q + 2]! * c1 + lags[q + 4]! * s1) + (lags[q + 6]! * c2 + lags[q + 8]! * s2);
        m[ri + j] = lags[q + 1]! + (lags[q + 3]! * c1 + lags[q + 5]! * s1) + (lags[q + 7]! * c2 + lags[q + 9]! * s2);
      }
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const rr = gr + i * n, ri = gi + i * n;
    for (let j = 0; j <= i; j++) {
      let re = lags[q]!, im = lags[q + 1]!;
      q += 2;
      for (let a = 1; a < kh; a++, q += 4) {
        const c = e[2 * a]!, s = e[2 * a + 1]!;
        re += lags[q]! * c + lags[q + 2]! * s;
        im += lags[q + 1]! * c + lags[q + 3]! * s;
      }
      m[rr + j] = re;
      m[ri + j] = im;
    }
  }
}
