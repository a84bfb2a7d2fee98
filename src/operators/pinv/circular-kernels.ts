/**
 * Kernels of the circular-convolution pseudo-inverse (pure functions over Float64Arrays, interleaved re/im):
 * the per-frequency blocks B(g) evaluated from the kernel taps, the certified Gauss–Jordan fast path that
 * inverts the blocks which are provably far above the cut-off, and the per-frequency products that apply the
 * stored pseudo-inverses. pinv/tasks.ts registers the hot loops as parallel tasks so that `parallelFor` can
 * split the frequencies across worker threads.
 */
import { gaussJordanInverse } from '../../linalg/kernels/pinv.js';

/** Condition bound above which the Gauss–Jordan inverse is not trusted (forward error ~ κ·ε ≤ 1e6·ε, as the SVD's). @example `FAST_KAPPA_MAX // 1e6` */
export const FAST_KAPPA_MAX = 1e6;
/** Margin between the certified lower bound on σ_min and the largest possible cut-off. @example `FAST_MARGIN // 4` */
export const FAST_MARGIN = 4;

/**
 * Geometry of the block spectrum, packed as numbers so that it can travel to worker threads.
 * Order: [cout, cin, kh, kw, n1, n2, m1, m2, s1, s2, d1, d2, top, left, g2h].
 * @example `const geom: BlockGeometry = geometry(32, 32, 3, 3, 128, 128, 1, 1, 1, 1, 1, 1);`
 */
export type BlockGeometry = Float64Array;

/**
 * The kernel summed over its columns for every column frequency f2 in [0, n2):
 * T[f2, o, c, u] = Σ_v K[o,c,u,v]·e^{+2πi f2 (v·d2 − left)/n2}, interleaved complex (n2·cout·cin·kh entries).
 * Shared by all rows g1, so blocks cost O(cout·cin·kh) each instead of O(cout·cin·kh·kw).
 *
 * @example `const t = columnSums(geom, w)`
 */
export function columnSums(geom: BlockGeometry, w: Float64Array): Float64Array {
  const cout = geom[0]!, cin = geom[1]!, kh = geom[2]!, kw = geom[3]!, n2 = geom[5]!, d2 = geom[11]!, left = geom[13]!;
  const oc = cout * cin;
  const t = new Float64Array(n2 * oc * kh * 2);
  const e2 = new Float64Array(kw * 2);
  for (let f2 = 0; f2 < n2; f2++) {
    for (let v = 0; v < kw; v++) {
      const th = (2 * Math.PI * (((f2 * (v * d2 - left)) % n2) + n2)) / n2;
      e2[2 * v] = Math.cos(th);
      e2[2 * v + 1] = Math.sin(th);
    }
    const base = f2 * oc * kh;
    for (let q = 0; q < oc; q++) {
      for (let u = 0; u < kh; u++) {
        let re = 0;
        let im = 0;
        const kb = (q * kh + u) * kw;
        for (let v = 0; v < kw; v++) {
          const kv = w[kb + v]!;
          re += kv * e2[2 * v]!;
          im += kv * e2[2 * v + 1]!;
        }
        t[2 * (base + q * kh + u)] = re;
        t[2 * (base + q * kh + u) + 1] = im;
      }
    }
  }
  return t;
}

/**
 * Fills blocks g in [start, end) of `out` (each cout × cin·s1·s2, row-major, interleaved complex) with
 * B(g) = [H(g1 + a·m1, g2 + b·m2)]_{a,b} / √(s1·s2), where H[o,c](f) = Σ_{u,v} K[o,c,u,v]·e^{+2πi(f1(u·d1 − top)/n1 + f2(v·d2 − left)/n2)}
 * (column (a·s2 + b)·cin + c), from the column sums `t` of {@link columnSums}. g = g1·g2h + g2 with g2 < g2h.
 * Also writes ‖B(g)‖_F² into `fro[g]`.
 *
 * @example
 * ```ts
 * blockSpectrum(geom, columnSums(geom, w), out, fro, 0, nBlocks);
 * ```
 */
export function blockSpectrum(geom: BlockGeometry, t: Float64Array, out: Float64Array, fro: Float64Array, start: number, end: number): void {
  const cout = geom[0]!, cin = geom[1]!, kh = geom[2]!, n1 = geom[4]!, m1 = geom[6]!, m2 = geom[7]!;
  const s1 = geom[8]!, s2 = geom[9]!, d1 = geom[10]!, top = geom[12]!, g2h = geom[14]!;
  const cols = cin * s1 * s2;
  const blk = cout * cols * 2;
  const scale = 1 / Math.sqrt(s1 * s2);
  const oc = cout * cin;
  const e1 = new Float64Array(kh * 2);
  for (let g = start; g < end; g++) {
    const g1 = Math.floor(g / g2h);
    const g2 = g - g1 * g2h;
    const base = g * blk;
    let fr = 0;
    for (let b = 0; b < s2; b++) {
      const tb = (g2 + b * m2) * oc * kh;
      for (let a = 0; a < s1; a++) {
        const f1 = g1 + a * m1;
        for (let u = 0; u < kh; u++) {
          const th = (2 * Math.PI * (((f1 * (u * d1 - top)) % n1) + n1)) / n1;
          e1[2 * u] = Math.cos(th) * scale;
          e1[2 * u + 1] = Math.sin(th) * scale;
        }
        const colBase = (a * s2 + b) * cin;
        for (let o = 0; o < cout; o++) {
          for (let c = 0; c < cin; c++) {
            const q = tb + (o * cin + c) * kh;
            let re = 0;
            let im = 0;
            for (let u = 0; u < kh; u++) {
              const tr = t[2 * (q + u)]!, ti = t[2 * (q + u) + 1]!;
              const er = e1[2 * u]!, ei = e1[2 * u + 1]!;
              re += tr * er - ti * ei;
              im += tr * ei + ti * er;
            }
            const idx = base + 2 * (o * cols + colBase + c);
            out[idx] = re;
            out[idx + 1] = im;
            fr += re * re + im * im;
          }
        }
      }
    }
    fro[g] = fr;
  }
}

/**
 * The certified fast path for square blocks g in [start, end): inverts B(g) (n×n, interleaved, from `blocks`)
 * by Gauss–Jordan and writes scale·B(g)⁻¹ into `out` with `ok[g] = 1` only when σ_min(B) ≥ 1/‖B⁻¹‖_F exceeds
 * FAST_MARGIN·cutUpper and ‖B‖_F·‖B⁻¹‖_F ≤ FAST_KAPPA_MAX; otherwise `ok[g] = 0` (the SVD must decide).
 * `cutUpper` must bound the true cut-off from above. Also writes 1/‖B⁻¹‖_F into `sminLo[g]`.
 *
 * @example
 * ```ts
 * fastInverseRange(32, blocks, out, ok, sminLo, cutUpper, 1, 0, nBlocks);
 * ```
 */
export function fastInverseRange(n: number, blocks: Float64Array, out: Float64Array, ok: Uint8Array, sminLo: Float64Array, cutUpper: number, scale: number, start: number, end: number): void {
  const nn = n * n;
  const xr = new Float64Array(nn);
  const xi = new Float64Array(nn);
  const perm = new Int32Array(n);
  for (let g = start; g < end; g++) {
    ok[g] = 0;
    sminLo[g] = 0;
    const base = g * nn * 2;
    let mx = 0;
    for (let k = 0; k < nn; k++) {
      const v = Math.abs(blocks[base + 2 * k]!) + Math.abs(blocks[base + 2 * k + 1]!);
      if (v > mx) mx = v;
    }
    if (!(mx > 0) || !Number.isFinite(mx)) continue;
    const inv = 1 / mx;
    let fa = 0;
    for (let k = 0; k < nn; k++) {
      const re = blocks[base + 2 * k]! * inv, im = blocks[base + 2 * k + 1]! * inv;
      xr[k] = re;
      xi[k] = im;
      fa += re * re + im * im;
    }
    fa = Math.sqrt(fa);
    if (!gaussJordanInverse(n, xr, xi, perm)) continue;
    let fx = 0;
    for (let k = 0; k < nn; k++) fx += xr[k]! * xr[k]! + xi[k]! * xi[k]!;
    fx = Math.sqrt(fx);
    if (!Number.isFinite(fx)) continue;
    // Scaled matrix S = B/mx has S⁻¹ = mx·B⁻¹, so σ_min(B) ≥ mx/‖S⁻¹‖_F.
    const smin = mx / fx;
    sminLo[g] = smin;
    if (!(fa * fx <= FAST_KAPPA_MAX && smin > FAST_MARGIN * cutUpper)) continue;
    const s = scale * inv;
    for (let k = 0; k < nn; k++) {
      out[base + 2 * k] = xr[k]! * s;
      out[base + 2 * k + 1] = xi[k]! * s;
    }
    ok[g] = 1;
  }
}

/**
 * Applies the stored per-frequency pseudo-inverses: for every batch item and block g, Xs = P(g)·Y(g), where
 * Y(g) is column g of the half spectrum `yf` ([count, rows, m1, g2h] interleaved) and P(g) (cols × rows) sits in
 * `pinv`; each entry (a, b, c) of Xs is the input frequency f = (g1 + a·m1, g2 + b·m2), written into the half
 * spectrum `xf` ([count, cin, n1, n2h]) at f and, conjugated, at −f, wherever that falls in the half plane.
 * Blocks g in [start, end) only; disjoint ranges write disjoint entries.
 *
 * @example
 * ```ts
 * applyBlocks(geom, pinv, yf, xf, count, 0, nBlocks);
 * ```
 */
export function applyBlocks(geom: BlockGeometry, pinv: Float64Array, yf: Float64Array, xf: Float64Array, count: number, start: number, end: number): void {
  const rows = geom[0]!, cin = geom[1]!, n1 = geom[4]!, n2 = geom[5]!, m1 = geom[6]!, m2 = geom[7]!;
  const s1 = geom[8]!, s2 = geom[9]!, g2h = geom[14]!;
  const cols = cin * s1 * s2;
  const n2h = Math.floor(n2 / 2) + 1;
  const yv = new Float64Array(2 * rows);
  for (let it = 0; it < count; it++) {
    const yb = it * rows * m1 * g2h;
    const xb = it * cin * n1 * n2h;
    for (let g = start; g < end; g++) {
      const g1 = Math.floor(g / g2h);
      const g2 = g - g1 * g2h;
      // Columns g2 = 0 and m2/2 hold their conjugate partners, which write their own entries directly; other
      // blocks stand for their partners too. So every half-spectrum entry is written by exactly one block.
      const writeConj = (2 * g2) % m2 !== 0;
      for (let o = 0; o < rows; o++) {
        const src = 2 * (yb + (o * m1 + g1) * g2h + g2);
        yv[2 * o] = yf[src]!;
        yv[2 * o + 1] = yf[src + 1]!;
      }
      const pb = g * cols * rows * 2;
      for (let j = 0; j < cols; j++) {
        let re = 0;
        let im = 0;
        const rb = pb + 2 * j * rows;
        for (let o = 0; o < rows; o++) {
          const pr = pinv[rb + 2 * o]!, pi = pinv[rb + 2 * o + 1]!;
          const vr = yv[2 * o]!, vi = yv[2 * o + 1]!;
          re += pr * vr - pi * vi;
          im += pr * vi + pi * vr;
        }
        const ab = Math.floor(j / cin);
        const c = j - ab * cin;
        const a = Math.floor(ab / s2);
        const b = ab - a * s2;
        const f1 = g1 + a * m1;
        const f2 = g2 + b * m2;
        if (f2 < n2h) {
          const dst = 2 * (xb + (c * n1 + f1) * n2h + f2);
          xf[dst] = re;
          xf[dst + 1] = im;
        }
        const c1 = (n1 - f1) % n1;
        const c2 = (n2 - f2) % n2;
        if (writeConj && c2 < n2h) {
          const dst = 2 * (xb + (c * n1 + c1) * n2h + c2);
          xf[dst] = re;
          xf[dst + 1] = -im;
        }
      }
    }
  }
}



/**
 * P(g) = scale · V·diag(wt)·Uᴴ (cols × rows) for the items i in [start, end) of an SVD batch, written to block
 * idx[i] of `P`; wt (k per item) holds 1/σ for kept values, σ/(σ² + λ²) when damped, 0 for dropped ones.
 *
 * @example
 * ```ts
 * assembleRange(rows, cols, idx, wt, U, Vh, P, 1, 0, idx.length);
 * ```
 */
export function assembleRange(rows: number, cols: number, idx: Int32Array, wt: Float64Array, U: Float64Array, Vh: Float64Array, P: Float64Array, scale: number, start: number, end: number): void {
  const k = Math.min(rows, cols);
  const size = rows * cols * 2;
  const tr = new Float64Array(k * rows); // conj(U[o, t])·w_t, transposed to [t][o]
  const ti = new Float64Array(k * rows);
  for (let i = start; i < end; i++) {
    const pb = idx[i]! * size;
    const ub = i * rows * k * 2;
    const vb = i * k * cols * 2;
    let kept = 0;
    for (let t = 0; t < k; t++) {
      const wv = wt[i * k + t]!;
      if (wv === 0) continue;
      for (let o = 0; o < rows; o++) {
        tr[kept * rows + o] = U[ub + 2 * (o * k + t)]! * wv * scale;
        ti[kept * rows + o] = -U[ub + 2 * (o * k + t) + 1]! * wv * scale;
      }
      kept++;
    }
    for (let j = 0; j < cols; j++) {
      const row = pb + 2 * j * rows;
      for (let o = 0; o < rows; o++) {
        P[row + 2 * o] = 0;
        P[row + 2 * o + 1] = 0;
      }
      let q = 0;
      for (let t = 0; t < k; t++) {
        if (wt[i * k + t] === 0) continue;
        // conj(Vh[t, j])
        const vr = Vh[vb + 2 * (t * cols + j)]!, vi = -Vh[vb + 2 * (t * cols + j) + 1]!;
        const qb = q * rows;
        for (let o = 0; o < rows; o++) {
          const ar = tr[qb + o]!, ai = ti[qb + o]!;
          P[row + 2 * o] = P[row + 2 * o]! + (vr * ar - vi * ai);
          P[row + 2 * o + 1] = P[row + 2 * o + 1]! + (vr * ai + vi * ar);
        }
        q++;
      }
    }
  }
}

