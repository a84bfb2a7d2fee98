/**
 * Small dense complex Hermitian kernels (interleaved re/im, row-major n×n at an offset) used per frequency by
 * the exact convolution pseudo-inverse: in-place inverse through Cholesky, matrix–vector product, and a power
 * iteration for the largest eigenvalue.
 */

/**
 * Replaces the Hermitian positive-definite matrix at `a[off..]` (n×n complex) by its inverse, using `work`
 * (≥ 4·n·n doubles) as scratch. Returns the smallest pivot ratio min(L_ii²)/max(L_ii²) (a cheap lower-bound
 * proxy for 1/cond), or −1 when a pivot is not positive (the matrix is singular to working precision); then
 * `a` is left unchanged.
 *
 * @example
 * ```ts
 * const ok = invertHermitianPd(buf, 0, 3, new Float64Array(36)) > 0;
 * ```
 */
export function invertHermitianPd(a: Float64Array, off: number, n: number, work: Float64Array): number {
  const L = work; // lower Cholesky factor, row-major complex
  L.fill(0, 0, 2 * n * n);
  let minP = Infinity;
  let maxP = 0;
  for (let j = 0; j < n; j++) {
    let d = a[off + 2 * (j * n + j)];
    for (let k = 0; k < j; k++) {
      const re = L[2 * (j * n + k)];
      const im = L[2 * (j * n + k) + 1];
      d -= re * re + im * im;
    }
    if (!(d > 0)) return -1;
    minP = Math.min(minP, d);
    maxP = Math.max(maxP, d);
    const ljj = Math.sqrt(d);
    L[2 * (j * n + j)] = ljj;
    for (let i = j + 1; i < n; i++) {
      // L[i,j] = (A[i,j] − Σ_k L[i,k]·conj(L[j,k])) / L[j,j]
      let sr = a[off + 2 * (i * n + j)];
      let si = a[off + 2 * (i * n + j) + 1];
      for (let k = 0; k < j; k++) {
        const ar = L[2 * (i * n + k)];
        const ai = L[2 * (i * n + k) + 1];
        const br = L[2 * (j * n + k)];
        const bi = L[2 * (j * n + k) + 1];
        sr -= ar * br + ai * bi;
        si -= ai * br - ar * bi;
      }
      L[2 * (i * n + j)] = sr / ljj;
      L[2 * (i * n + j) + 1] = si / ljj;
    }
  }
  // Invert L in place (lower triangular): M = L⁻¹, stored in the upper part of `work` after L.
  const M = work.subarray(2 * n * n);
  const useM = M.length >= 2 * n * n;
  const Minv = useM ? M : new Float64Array(2 * n * n);
  Minv.fill(0, 0, 2 * n * n);
  for (let j = 0; j < n; j++) {
    Minv[2 * (j * n + j)] = 1 / L[2 * (j * n + j)];
    for (let i = j + 1; i < n; i++) {
      // M[i,j] = −(Σ_{k=j}^{i−1} L[i,k]·M[k,j]) / L[i,i]
      let sr = 0;
      let si = 0;
      for (let k = j; k < i; k++) {
        const ar = L[2 * (i * n + k)];
        const ai = L[2 * (i * n + k) + 1];
        const br = Minv[2 * (k * n + j)];
        const bi = Minv[2 * (k * n + j) + 1];
        sr += ar * br - ai * bi;
        si += ar * bi + ai * br;
      }
      const lii = L[2 * (i * n + i)];
      Minv[2 * (i * n + j)] = -sr / lii;
      Minv[2 * (i * n + j) + 1] = -si / lii;
    }
  }
  // A⁻¹ = Mᴴ M: entry (i,j) = Σ_{k ≥ max(i,j)} conj(M[k,i]) · M[k,j].
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sr = 0;
      let si = 0;
      for (let k = j; k < n; k++) {
        const ar = Minv[2 * (k * n + i)];
        const ai = -Minv[2 * (k * n + i) + 1];
        const br = Minv[2 * (k * n + j)];
        const bi = Minv[2 * (k * n + j) + 1];
        sr += ar * br - ai * bi;
        si += ar * bi + ai * br;
      }
      a[off + 2 * (i * n + j)] = sr;
      a[off + 2 * (i * n + j) + 1] = si;
      a[off + 2 * (j * n + i)] = sr;
      a[off + 2 * (j * n + i) + 1] = -si;
    }
  }
  return minP / maxP;
}

/**
 * out[oOff..] = A[aOff..] · x[xOff..] for an n×n complex matrix and complex vectors (interleaved).
 *
 * @example
 * ```ts
 * cmatvec(A, 0, x, 0, y, 0, 3);
 * ```
 */
export function cmatvec(A: Float64Array, aOff: number, x: Float64Array, xOff: number, out: Float64Array, oOff: number, n: number): void {
  for (let i = 0; i < n; i++) {
    let sr = 0;
    let si = 0;
    let p = aOff + 2 * i * n;
    for (let k = 0; k < n; k++, p += 2) {
      const ar = A[p];
      const ai = A[p + 1];
      const br = x[xOff + 2 * k];
      const bi = x[xOff + 2 * k + 1];
      sr += ar * br - ai * bi;
      si += ar * bi + ai * br;
    }
    out[oOff + 2 * i] = sr;
    out[oOff + 2 * i + 1] = si;
  }
}

/**
 * Largest eigenvalue of the Hermitian PSD n×n complex matrix at `A[off..]` by `iters` power iterations from a
 * fixed start (a lower bound that tightens with `iters`). `v`, `w` need 2·n doubles each.
 *
 * @example
 * ```ts
 * const lam = powerLambdaMax(A, 0, 3, 50, new Float64Array(6), new Float64Array(6));
 * ```
 */
export function powerLambdaMax(A: Float64Array, off: number, n: number, iters: number, v: Float64Array, w: Float64Array): number {
  for (let i = 0; i < n; i++) {
    v[2 * i] = 1 + 0.1 * Math.sin(1 + i);
    v[2 * i + 1] = 0.05 * Math.cos(3 * i);
  }
  let lam = 0;
  for (let it = 0; it < iters; it++) {
    let nv = 0;
    for (let i = 0; i < 2 * n; i++) nv += v[i] * v[i];
    nv = Math.sqrt(nv);
    if (nv === 0) return 0;
    for (let i = 0; i < 2 * n; i++) v[i] /= nv;
    cmatvec(A, off, v, 0, w, 0, n);
    let r = 0;
    for (let i = 0; i < 2 * n; i++) r += v[i] * w[i];
    lam = Math.max(lam, r);
    v.set(w.subarray(0, 2 * n));
  }
  return lam;
}
