/**
 * Applies one Householder reflector to many columns — the BLAS-2 core of the bidiagonal and tridiagonal
 * reductions and their back-transformations. float64, split re/im.
 */

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
