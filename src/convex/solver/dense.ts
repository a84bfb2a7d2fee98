/**
 * Small dense kernels for the interior-point solver: row-major n×n products, Cholesky, a regularised LDLᵀ for
 * quasi-definite KKT matrices, and a symmetric eigensolver (Householder tridiagonalisation + implicit QL).
 * Pure functions over Float64Array; the solver owns all buffers.
 */

/**
 * C = A·B for n×n row-major matrices (C must not alias A or B).
 *
 * @example
 * ```ts
 * matmulSq(2, new Float64Array([1, 0, 0, 1]), b, c); // c = b
 * ```
 */
export function matmulSq(n: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  c.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[ri + k]!;
      if (aik === 0) continue;
      const rk = k * n;
      for (let j = 0; j < n; j++) c[ri + j]! += aik * b[rk + j]!;
    }
  }
}

/**
 * C = Aᵀ·B for n×n row-major matrices.
 *
 * @example
 * ```ts
 * matmulTN(2, a, b, c);
 * ```
 */
export function matmulTN(n: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  c.fill(0, 0, n * n);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i < n; i++) {
      const aki = a[rk + i]!;
      if (aki === 0) continue;
      const ri = i * n;
      for (let j = 0; j < n; j++) c[ri + j]! += aki * b[rk + j]!;
    }
  }
}

/**
 * C = A·Bᵀ for n×n row-major matrices.
 *
 * @example
 * ```ts
 * matmulNT(2, a, b, c);
 * ```
 */
export function matmulNT(n: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < n; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = 0; k < n; k++) s += a[ri + k]! * b[rj + k]!;
      c[ri + j] = s;
    }
  }
}

/**
 * In-place lower Cholesky of the n×n row-major symmetric matrix (upper triangle zeroed). Returns false when a
 * pivot is not positive (the matrix is not numerically positive definite).
 *
 * @example
 * ```ts
 * const a = new Float64Array([4, 2, 2, 5]); cholesky(2, a); // a = [2, 0, 1, 2]
 * ```
 */
export function cholesky(n: number, a: Float64Array): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) a[rj + k] = 0;
  }
  return true;
}

/**
 * In-place LDLᵀ without pivoting of a quasi-definite matrix: `sign[i]` is +1 for the positive-definite block and −1
 * for the negative one. A pivot with the wrong sign or smaller than `delta` is replaced by `sign·delta` (dynamic
 * regularisation, as in ECOS/QDLDL); iterative refinement against the true matrix removes the perturbation.
 * L is stored below the diagonal, D on it. Returns the number of pivots that were regularised.
 *
 * @example
 * ```ts
 * const k = new Float64Array([4, 1, 1, -1]); ldlQuasiDefinite(2, k, new Int8Array([1, -1]), 1e-14);
 * ```
 */
export function ldlQuasiDefinite(n: number, a: Float64Array, sign: Int8Array, delta: number): number {
  let reg = 0;
  const w = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    for (let k = 0; k < j; k++) w[k] = a[rj + k]! * a[k * n + k]!; // L[j,k]·D[k]
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * w[k]!;
    if (sign[j]! * d < delta) {
      d = sign[j]! * delta;
      reg++;
    }
    a[rj + j] = d;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * w[k]!;
      a[ri + j] = s / d;
    }
  }
  return reg;
}

/**
 * Solves (L·D·Lᵀ) x = b in place, with the factor from {@link ldlQuasiDefinite}.
 *
 * @example
 * ```ts
 * ldlSolve(2, k, rhs);
 * ```
 */
export function ldlSolve(n: number, f: Float64Array, x: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = x[i]!;
    for (let k = 0; k < i; k++) s -= f[ri + k]! * x[k]!;
    x[i] = s;
  }
  for (let i = 0; i < n; i++) x[i]! /= f[i * n + i]!;
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < n; k++) s -= f[k * n + i]! * x[k]!;
    x[i] = s;
  }
}

/**
 * Eigen-decomposition of a real symmetric n×n row-major matrix, in place: on return `d` holds the eigenvalues
 * (unsorted) and, when `vectors` is true, column j of `a` is the eigenvector of `d[j]`. Householder reduction to
 * tridiagonal form followed by implicit QL with Wilkinson-type shifts (the EISPACK tred2/tql2 scheme).
 * Returns false if the QL iteration did not converge within 50 sweeps per eigenvalue.
 *
 * @example
 * ```ts
 * const a = new Float64Array([2, 1, 1, 2]), d = new Float64Array(2), e = new Float64Array(2);
 * symEig(2, a, d, e, true); // d = {1, 3}
 * ```
 */
export function symEig(n: number, a: Float64Array, d: Float64Array, e: Float64Array, vectors: boolean): boolean {
  // Householder tridiagonalisation (tred2).
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    const ri = i * n;
    let h = 0;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(a[ri + k]!);
      if (scale === 0) e[i] = a[ri + l]!;
      else {
        for (let k = 0; k <= l; k++) {
          a[ri + k]! /= scale;
          h += a[ri + k]! * a[ri + k]!;
        }
        let f = a[ri + l]!;
        let g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        a[ri + l] = f - g;
        f = 0;
        for (let j = 0; j <= l; j++) {
          const rj = j * n;
          if (vectors) a[rj + i] = a[ri + j]! / h;
          g = 0;
          for (let k = 0; k <= j; k++) g += a[rj + k]! * a[ri + k]!;
          for (let k = j + 1; k <= l; k++) g += a[k * n + j]! * a[ri + k]!;
          e[j] = g / h;
          f += e[j]! * a[ri + j]!;
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          const rj = j * n;
          f = a[ri + j]!;
          g = e[j]! - hh * f;
          e[j] = g;
          for (let k = 0; k <= j; k++) a[rj + k]! -= f * e[k]! + g * a[ri + k]!;
        }
      }
    } else e[i] = a[ri + l]!;
    d[i] = h;
  }
  d[0] = 0;
  e[0] = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    if (vectors) {
      if (d[i] !== 0) {
        for (let j = 0; j < i; j++) {
          let g = 0;
          for (let k = 0; k < i; k++) g += a[ri + k]! * a[k * n + j]!;
          for (let k = 0; k < i; k++) a[k * n + j]! -= g * a[k * n + i]!;
        }
      }
      d[i] = a[ri + i]!;
      a[ri + i] = 1;
      for (let j = 0; j < i; j++) {
        a[j * n + i] = 0;
        a[ri + j] = 0;
      }
    } else d[i] = a[ri + i]!;
  }
  // Implicit QL (tql2).
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]!) + Math.abs(d[m + 1]!);
        if (Math.abs(e[m]!) <= 2.3e-16 * dd) break;
      }
      if (m !== l) {
        if (iter++ === 50) return false;
        let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
        let r = Math.hypot(g, 1);
        g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
        let s = 1, c = 1, p = 0;
        let i: number;
        for (i = m - 1; i >= l; i--) {
          let f = s * e[i]!;
          const b = c * e[i]!;
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1]! -= p;
            e[m] = 0;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1]! - p;
          r = (d[i]! - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
          if (vectors) {
            for (let k = 0; k < n; k++) {
              const rk = k * n;
              f = a[rk + i + 1]!;
              a[rk + i + 1] = s * a[rk + i]! + c * f;
              a[rk + i] = c * a[rk + i]! - s * f;
            }
          }
        }
        if (r === 0 && i >= l) continue;
        d[l]! -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return true;
}
