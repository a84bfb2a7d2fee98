/**
 * Applies one Householder reflector to many columns — the BLAS-2 core of the bidiagonal and tridiagonal
 * reductions and their back-transformations. float64, split re/im. When every array lives in the SVD kernels'
 * WebAssembly memory (svd-wasm.ts) the loops run there (f64x2 SIMD), else in plain JS.
 */
import { svdKernelsFor } from './svd-wasm.js';

/**
 * X ← (I − τ·v·vᴴ)·X for `cols` columns of X: column c occupies `x[xo + c·ld … xo + c·ld + len)`, v occupies
 * `v[vo … vo + len)`, τ = t0 + i·t1 (`vi`/`xi` null for real data; then t1 is ignored). Columns are processed in
 * pairs so every load of v serves two columns: in V8 these loops are bound by loads, not arithmetic.
 *
 * @example
 * ```ts
 * // Hᴴ·A for the trailing columns of a column-major m×n matrix (conj(τ) = t0 − i·t1):
 * reflectColumns(m - k, gr, gi, k * m + k, t0, -t1, gr, gi, (k + 1) * m + k, m, n - k - 1);
 * ```
 */
export function reflectColumns(
  len: number,
  vr: Float64Array,
  vi: Float64Array | null,
  vo: number,
  t0: number,
  t1: number,
  xr: Float64Array,
  xi: Float64Array | null,
  xo: number,
  ld: number,
  cols: number,
): void {
  if (len <= 0) return;
  const K = svdKernelsFor(xr.buffer);
  if (K !== null && vr.buffer === xr.buffer) {
    if (vi && xi) {
      if (vi.buffer === xr.buffer && xi.buffer === xr.buffer) {
        K.reflC(len, vr.byteOffset + 8 * vo, vi.byteOffset + 8 * vo, t0, t1, xr.byteOffset + 8 * xo, xi.byteOffset + 8 * xo, 8 * ld, cols);
        return;
      }
    } else if (!vi && !xi) {
      K.reflR(len, vr.byteOffset + 8 * vo, t0, xr.byteOffset + 8 * xo, 8 * ld, cols);
      return;
    }
  }
  let c = 0;
  if (vi && xi) {
    for (; c + 1 < cols; c += 2) {
      const A = xo + c * ld - vo, B = A + ld;
      let ar = 0, ai = 0, br = 0, bi = 0;
      for (let i = vo; i < vo + len; i++) {
        const pr = vr[i]!, pi = vi[i]!;
        const x1 = xr[A + i]!, y1 = xi[A + i]!, x2 = xr[B + i]!, y2 = xi[B + i]!;
        ar += pr * x1 + pi * y1;
        ai += pr * y1 - pi * x1;
        br += pr * x2 + pi * y2;
        bi += pr * y2 - pi * x2;
      }
      const fr = t0 * ar - t1 * ai, fi = t0 * ai + t1 * ar;
      const gr = t0 * br - t1 * bi, gi = t0 * bi + t1 * br;
      for (let i = vo; i < vo + len; i++) {
        const pr = vr[i]!, pi = vi[i]!;
        xr[A + i] = xr[A + i]! - (fr * pr - fi * pi);
        xi[A + i] = xi[A + i]! - (fr * pi + fi * pr);
        xr[B + i] = xr[B + i]! - (gr * pr - gi * pi);
        xi[B + i] = xi[B + i]! - (gr * pi + gi * pr);
      }
    }
    if (c < cols) {
      const A = xo + c * ld - vo;
      let ar = 0, ai = 0;
      for (let i = vo; i < vo + len; i++) {
        const pr = vr[i]!, pi = vi[i]!, x1 = xr[A + i]!, y1 = xi[A + i]!;
        ar += pr * x1 + pi * y1;
        ai += pr * y1 - pi * x1;
      }
      const fr = t0 * ar - t1 * ai, fi = t0 * ai + t1 * ar;
      for (let i = vo; i < vo + len; i++) {
        const pr = vr[i]!, pi = vi[i]!;
        xr[A + i] = xr[A + i]! - (fr * pr - fi * pi);
        xi[A + i] = xi[A + i]! - (fr * pi + fi * pr);
      }
    }
    return;
  }
  // Real: four columns per pass (one load of v serves four columns; 4 accumulators fit in registers).
  for (; c + 3 < cols; c += 4) {
    const A = xo + c * ld - vo, B = A + ld, C = B + ld, D = C + ld;
    let a = 0, b = 0, g = 0, h = 0;
    for (let i = vo; i < vo + len; i++) {
      const p = vr[i]!;
      a += p * xr[A + i]!;
      b += p * xr[B + i]!;
      g += p * xr[C + i]!;
      h += p * xr[D + i]!;
    }
    const f1 = t0 * a, f2 = t0 * b, f3 = t0 * g, f4 = t0 * h;
    for (let i = vo; i < vo + len; i++) {
      const p = vr[i]!;
      xr[A + i] = xr[A + i]! - f1 * p;
      xr[B + i] = xr[B + i]! - f2 * p;
      xr[C + i] = xr[C + i]! - f3 * p;
      xr[D + i] = xr[D + i]! - f4 * p;
    }
  }
  for (; c + 1 < cols; c += 2) {
    const A = xo + c * ld - vo, B = A + ld;
    let a = 0, b = 0;
    for (let i = vo; i < vo + len; i++) {
      const p = vr[i]!;
      a += p * xr[A + i]!;
      b += p * xr[B + i]!;
    }
    const f = t0 * a, g = t0 * b;
    for (let i = vo; i < vo + len; i++) {
      const p = vr[i]!;
      xr[A + i] = xr[A + i]! - f * p;
      xr[B + i] = xr[B + i]! - g * p;
    }
  }
  if (c < cols) {
    const A = xo + c * ld - vo;
    let a = 0;
    for (let i = vo; i < vo + len; i++) a += vr[i]! * xr[A + i]!;
    const f = t0 * a;
    for (let i = vo; i < vo + len; i++) xr[A + i] = xr[A + i]! - f * vr[i]!;
  }
}

/**
 * G ← G − (τ·G·v)·vᴴ for the `rows`×`cols` block of a column-major matrix starting at
 * `g0` (leading dimension `ld`), where v_j = g[v0 + j·ld] (a row of the same matrix: the right reflector of the
 * bidiagonal reduction, stored in the row above the block). τ = t0 + i·t1 (`gi` null for real data). `tr`/`ti` are
 * scratch of at least rows + 1 entries each (`ti` unused for real data; they must not overlap). Columns are
 * processed in pairs so each pass over t serves two columns.
 *
 * @example
 * ```ts
 * // right reflector k of an m×n bidiagonalisation, v in row k from column k+1 on:
 * reflectRows(m - k - 1, n - k - 1, gr, gi, (k + 1) * m + k + 1, m, (k + 1) * m + k, p0, p1, tr, ti);
 * ```
 */
export function reflectRows(
  rows: number,
  cols: number,
  gr: Float64Array,
  gi: Float64Array | null,
  g0: number,
  ld: number,
  v0: number,
  t0: number,
  t1: number,
  tr: Float64Array,
  ti: Float64Array,
): void {
  if (rows <= 0 || cols <= 0) return;
  const K = svdKernelsFor(gr.buffer);
  if (K !== null && tr.buffer === gr.buffer) {
    if (!gi) {
      K.rowsR(rows, cols, gr.byteOffset + 8 * g0, 8 * ld, gr.byteOffset + 8 * v0, t0, tr.byteOffset);
      return;
    }
    if (gi.buffer === gr.buffer && ti.buffer === gr.buffer) {
      K.rowsC(rows, cols, gr.byteOffset + 8 * g0, gi.byteOffset + 8 * g0, 8 * ld, gr.byteOffset + 8 * v0, gi.byteOffset + 8 * v0, t0, t1, tr.byteOffset, ti.byteOffset);
      return;
    }
  }
  tr.fill(0, 0, rows);
  if (gi) ti.fill(0, 0, rows);
  // t = G·v, columns in pairs: each pass over t serves two columns of G.
  let j = 0;
  for (; j + 1 < cols; j += 2) {
    const J = g0 + j * ld, J2 = J + ld, V = v0 + j * ld;
    const vr = gr[V]!, vi = gi ? gi[V]! : 0, wr = gr[V + ld]!, wi = gi ? gi[V + ld]! : 0;
    if (gi) {
      for (let i = 0; i < rows; i++) {
        const a = gr[J + i]!, b = gi[J + i]!, c = gr[J2 + i]!, d2 = gi[J2 + i]!;
        tr[i] = tr[i]! + (a * vr - b * vi) + (c * wr - d2 * wi);
        ti[i] = ti[i]! + (a * vi + b * vr) + (c * wi + d2 * wr);
      }
    } else {
      for (let i = 0; i < rows; i++) tr[i] = tr[i]! + gr[J + i]! * vr + gr[J2 + i]! * wr;
    }
  }
  if (j < cols) {
    const J = g0 + j * ld, V = v0 + j * ld;
    const vr = gr[V]!, vi = gi ? gi[V]! : 0;
    if (gi) {
      for (let i = 0; i < rows; i++) {
        const a = gr[J + i]!, b = gi[J + i]!;
        tr[i] = tr[i]! + (a * vr - b * vi);
        ti[i] = ti[i]! + (a * vi + b * vr);
      }
    } else {
      for (let i = 0; i < rows; i++) tr[i] = tr[i]! + gr[J + i]! * vr;
    }
  }
  if (gi) {
    for (let i = 0; i < rows; i++) {
      const a = tr[i]!, b = ti[i]!;
      tr[i] = t0 * a - t1 * b;
      ti[i] = t0 * b + t1 * a;
    }
  } else {
    for (let i = 0; i < rows; i++) tr[i] = t0 * tr[i]!;
  }
  // Subtract t_i·conj(v_j), columns in pairs sharing the loads of t.
  for (j = 0; j + 1 < cols; j += 2) {
    const J = g0 + j * ld, J2 = J + ld, V = v0 + j * ld;
    const vr = gr[V]!, vi = gi ? gi[V]! : 0, wr = gr[V + ld]!, wi = gi ? gi[V + ld]! : 0;
    if (gi) {
      for (let i = 0; i < rows; i++) {
        const a = tr[i]!, b = ti[i]!;
        gr[J + i] = gr[J + i]! - (a * vr + b * vi);
        gi[J + i] = gi[J + i]! - (b * vr - a * vi);
        gr[J2 + i] = gr[J2 + i]! - (a * wr + b * wi);
        gi[J2 + i] = gi[J2 + i]! - (b * wr - a * wi);
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const a = tr[i]!;
        gr[J + i] = gr[J + i]! - a * vr;
        gr[J2 + i] = gr[J2 + i]! - a * wr;
      }
    }
  }
  if (j < cols) {
    const J = g0 + j * ld, V = v0 + j * ld;
    const vr = gr[V]!, vi = gi ? gi[V]! : 0;
    if (gi) {
      for (let i = 0; i < rows; i++) {
        const a = tr[i]!, b = ti[i]!;
        gr[J + i] = gr[J + i]! - (a * vr + b * vi);
        gi[J + i] = gi[J + i]! - (b * vr - a * vi);
      }
    } else {
      for (let i = 0; i < rows; i++) gr[J + i] = gr[J + i]! - tr[i]! * vr;
    }
  }
}
