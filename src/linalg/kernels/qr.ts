/**
 * Householder QR of one row-major m×n matrix in place, real or complex, with optional column pivoting.
 *
 * Step j builds a reflector H_j = I − τ_j v vᴴ (v_j = 1, v below the diagonal stored in column j) with
 * H_jᴴ [α; x] = [β; 0] and β real, following LAPACK's larfg convention (β = −sign(Re α)·‖[α; x]‖), so that R and
 * Q have the same signs as LAPACK / NumPy / PyTorch. A = Q R with Q = H_0 H_1 … H_{k−1}, k = min(m, n).
 * Applying H_jᴴ to the trailing columns is two passes over contiguous rows: w = vᴴ A, then A −= conj(τ) v w.
 *
 * Column pivoting (as LAPACK geqp3 / SciPy `qr(pivoting=True)`): before step j, the trailing column with the
 * largest norm over rows j… is swapped to position j (first one on ties). Norms are recomputed exactly each step
 * (same cost order as the update), which avoids geqp3's norm-downdating corner cases.
 */
import type { FloatStorage } from '../batch.js';

/** Euclidean norm of `len` entries at `x[off]`, `off + stride`, …, scaled against overflow. */
function scaledNorm(x: FloatStorage, off: number, stride: number, len: number): number {
  let scale = 0;
  for (let i = 0, p = off; i < len; i++, p += stride) {
    const v = Math.abs(x[p]!);
    if (v > scale || v !== v) scale = v;
  }
  if (scale === 0 || scale !== scale || scale === Infinity) return scale;
  let ssq = 0;
  for (let i = 0, p = off; i < len; i++, p += stride) {
    const t = x[p]! / scale;
    ssq += t * t;
  }
  return scale * Math.sqrt(ssq);
}

/** Norm of the complex entries `x[off]`, `off + stride`, … (interleaved; `stride` in scalars). */
function scaledNormComplex(x: FloatStorage, off: number, stride: number, len: number): number {
  let scale = 0;
  for (let i = 0, p = off; i < len; i++, p += stride) {
    const v = Math.max(Math.abs(x[p]!), Math.abs(x[p + 1]!));
    if (v > scale || v !== v) scale = v; // Math.max gives NaN for a NaN part, and NaN then sticks
  }
  if (scale === 0 || scale !== scale || scale === Infinity) return scale;
  let ssq = 0;
  for (let i = 0, p = off; i < len; i++, p += stride) {
    const tr = x[p]! / scale;
    const ti = x[p + 1]! / scale;
    ssq += tr * tr + ti * ti;
  }
  return scale * Math.sqrt(ssq);
}

/**
 * Applies H = I − τ v vᴴ from the left to columns [c0, c1) of a `rows`-row block: T ← T − τ v (vᴴ T).
 * v_0 = 1 is implied; v_i (i ≥ 1) is at `v[vOff + i·vStride]`. Row i of T starts at `t[tOff + i·tStride]`.
 * Four rows per pass in both sweeps, so each loaded entry of `work` serves four rows. Real version.
 */
function applyReflectorReal(
  v: FloatStorage, vOff: number, vStride: number,
  t: FloatStorage, tOff: number, tStride: number,
  rows: number, c0: number, c1: number, tau: number, work: Float64Array,
): void {
  for (let c = c0; c < c1; c++) work[c] = t[tOff + c]!;
  let i = 1;
  for (; i + 3 < rows; i += 4) {
    const r0 = tOff + i * tStride, r1 = r0 + tStride, r2 = r1 + tStride, r3 = r2 + tStride;
    const p = vOff + i * vStride;
    const v0 = v[p]!, v1 = v[p + vStride]!, v2 = v[p + 2 * vStride]!, v3 = v[p + 3 * vStride]!;
    for (let c = c0; c < c1; c++) work[c] += v0 * t[r0 + c]! + v1 * t[r1 + c]! + v2 * t[r2 + c]! + v3 * t[r3 + c]!;
  }
  for (; i < rows; i++) {
    const r = tOff + i * tStride;
    const vi = v[vOff + i * vStride]!;
    for (let c = c0; c < c1; c++) work[c] += vi * t[r + c]!;
  }
  for (let c = c0; c < c1; c++) {
    work[c] *= tau;
    t[tOff + c] -= work[c]!;
  }
  i = 1;
  for (; i + 3 < rows; i += 4) {
    const r0 = tOff + i * tStride, r1 = r0 + tStride, r2 = r1 + tStride, r3 = r2 + tStride;
    const p = vOff + i * vStride;
    const v0 = v[p]!, v1 = v[p + vStride]!, v2 = v[p + 2 * vStride]!, v3 = v[p + 3 * vStride]!;
    for (let c = c0; c < c1; c++) {
      const w = work[c]!;
      t[r0 + c] -= v0 * w;
      t[r1 + c] -= v1 * w;
      t[r2 + c] -= v2 * w;
      t[r3 + c] -= v3 * w;
    }
  }
  for (; i < rows; i++) {
    const r = tOff + i * tStride;
    const vi = v[vOff + i * vStride]!;
    for (let c = c0; c < c1; c++) t[r + c] -= vi * work[c]!;
  }
}

/**
 * Complex version of {@link applyReflectorReal}: interleaved storage; strides, offsets and the column range
 * [c0, c1) count scalars (c0, c1 even); τ = (tr, ti). `work` holds vᴴ T.
 */
function applyReflectorComplex(
  v: FloatStorage, vOff: number, vStride: number,
  t: FloatStorage, tOff: number, tStride: number,
  rows: number, c0: number, c1: number, tr: number, ti: number, work: Float64Array,
): void {
  for (let c = c0; c < c1; c++) work[c] = t[tOff + c]!;
  let i = 1;
  for (; i + 1 < rows; i += 2) {
    const r0 = tOff + i * tStride, r1 = r0 + tStride;
    const p = vOff + i * vStride;
    // conj(v_i)
    const a0 = v[p]!, b0 = -v[p + 1]!, a1 = v[p + vStride]!, b1 = -v[p + vStride + 1]!;
    for (let c = c0; c < c1; c += 2) {
      const x0 = t[r0 + c]!, y0 = t[r0 + c + 1]!, x1 = t[r1 + c]!, y1 = t[r1 + c + 1]!;
      work[c] += a0 * x0 - b0 * y0 + a1 * x1 - b1 * y1;
      work[c + 1] += a0 * y0 + b0 * x0 + a1 * y1 + b1 * x1;
    }
  }
  for (; i < rows; i++) {
    const r = tOff + i * tStride;
    const p = vOff + i * vStride;
    const a0 = v[p]!, b0 = -v[p + 1]!;
    for (let c = c0; c < c1; c += 2) {
      const x0 = t[r + c]!, y0 = t[r + c + 1]!;
      work[c] += a0 * x0 - b0 * y0;
      work[c + 1] += a0 * y0 + b0 * x0;
    }
  }
  for (let c = c0; c < c1; c += 2) {
    const wr = work[c]!, wi = work[c + 1]!;
    const zr = tr * wr - ti * wi, zi = tr * wi + ti * wr;
    work[c] = zr;
    work[c + 1] = zi;
    t[tOff + c] -= zr;
    t[tOff + c + 1] -= zi;
  }
  i = 1;
  for (; i + 1 < rows; i += 2) {
    const r0 = tOff + i * tStride, r1 = r0 + tStride;
    const p = vOff + i * vStride;
    const a0 = v[p]!, b0 = v[p + 1]!, a1 = v[p + vStride]!, b1 = v[p + vStride + 1]!;
    for (let c = c0; c < c1; c += 2) {
      const wr = work[c]!, wi = work[c + 1]!;
      t[r0 + c] -= a0 * wr - b0 * wi;
      t[r0 + c + 1] -= a0 * wi + b0 * wr;
      t[r1 + c] -= a1 * wr - b1 * wi;
      t[r1 + c + 1] -= a1 * wi + b1 * wr;
    }
  }
  for (; i < rows; i++) {
    const r = tOff + i * tStride;
    const p = vOff + i * vStride;
    const a0 = v[p]!, b0 = v[p + 1]!;
    for (let c = c0; c < c1; c += 2) {
      const wr = work[c]!, wi = work[c + 1]!;
      t[r + c] -= a0 * wr - b0 * wi;
      t[r + c + 1] -= a0 * wi + b0 * wr;
    }
  }
}

/** Swaps columns `c1` and `c2` of every row of an m×n matrix (`sp` scalars per element). */
function swapColumns(a: FloatStorage, off: number, m: number, n: number, sp: number, c1: number, c2: number): void {
  const w = n * sp;
  for (let i = 0; i < m; i++) {
    const p = off + i * w + c1 * sp;
    const q = off + i * w + c2 * sp;
    for (let s = 0; s < sp; s++) {
      const t = a[p + s]!;
      a[p + s] = a[q + s]!;
      a[q + s] = t;
    }
  }
}

/** Chooses the trailing column with the largest norm over rows j…m−1 and swaps it into column j. */
function pivotColumn(
  a: FloatStorage,
  off: number,
  m: number,
  n: number,
  sp: number,
  j: number,
  norms: Float64Array,
  perm: Int32Array,
  permOff: number,
): void {
  const w = n * sp;
  norms.fill(0, j, n);
  for (let i = j; i < m; i++) {
    const r = off + i * w;
    for (let c = j; c < n; c++) {
      let s = 0;
      for (let t = 0; t < sp; t++) {
        const v = a[r + c * sp + t]!;
        s += v * v;
      }
      norms[c] += s;
    }
  }
  let p = j;
  let best = norms[j]!;
  for (let c = j + 1; c < n; c++) {
    if (norms[c]! > best) {
      best = norms[c]!;
      p = c;
    }
  }
  if (p !== j) {
    swapColumns(a, off, m, n, sp, j, p);
    const t = perm[permOff + j]!;
    perm[permOff + j] = perm[permOff + p]!;
    perm[permOff + p] = t;
  }
}

/**
 * Real Householder QR in place. On return R is on and above the diagonal, reflector vectors below it, and
 * `tau[tauOff + j]` holds τ_j (j < min(m, n)). `work` needs n entries. With `perm` (and `norms`, n entries),
 * columns are pivoted and `perm[permOff + c]` is the original index of column c (so A[:, perm] = Q R).
 *
 * @example
 * ```ts
 * const a = new Float64Array([3, 4]); const tau = new Float64Array(1);
 * qrReal(a, 0, 2, 1, tau, 0, new Float64Array(1), null, 0, null); // a[0] = -5 (R), tau[0] = 1.6
 * ```
 */
export function qrReal(
  a: FloatStorage,
  off: number,
  m: number,
  n: number,
  tau: FloatStorage,
  tauOff: number,
  work: Float64Array,
  perm: Int32Array | null,
  permOff: number,
  norms: Float64Array | null,
): void {
  const k = Math.min(m, n);
  if (perm) for (let c = 0; c < n; c++) perm[permOff + c] = c;
  for (let j = 0; j < k; j++) {
    if (perm && norms) pivotColumn(a, off, m, n, 1, j, norms, perm, permOff);
    const rj = off + j * n;
    const alpha = a[rj + j]!;
    const xnorm = scaledNorm(a, rj + n + j, n, m - j - 1);
    let t = 0;
    if (xnorm !== 0) {
      const h = Math.hypot(alpha, xnorm);
      const beta = alpha >= 0 ? -h : h;
      t = (beta - alpha) / beta;
      const scal = 1 / (alpha - beta);
      for (let i = j + 1; i < m; i++) a[off + i * n + j] *= scal;
      a[rj + j] = beta;
    }
    tau[tauOff + j] = t;
    if (t === 0 || j + 1 >= n) continue;
    applyReflectorReal(a, rj + j, n, a, rj, n, m - j, j + 1, n, t, work);
  }
}

/**
 * Complex Householder QR in place (interleaved; offsets in scalars; `tau` interleaved; `work` needs 2n entries).
 * See {@link qrReal}. H_jᴴ = I − conj(τ_j) v vᴴ is applied to the trailing columns, as LAPACK's geqr2.
 *
 * @example
 * ```ts
 * const a = new Float64Array([0, 3, 4, 0]); const tau = new Float64Array(2);
 * qrComplex(a, 0, 2, 1, tau, 0, new Float64Array(2), null, 0, null); // R = -5 (real)
 * ```
 */
export function qrComplex(
  a: FloatStorage,
  off: number,
  m: number,
  n: number,
  tau: FloatStorage,
  tauOff: number,
  work: Float64Array,
  perm: Int32Array | null,
  permOff: number,
  norms: Float64Array | null,
): void {
  const k = Math.min(m, n);
  const n2 = 2 * n;
  if (perm) for (let c = 0; c < n; c++) perm[permOff + c] = c;
  for (let j = 0; j < k; j++) {
    if (perm && norms) pivotColumn(a, off, m, n, 2, j, norms, perm, permOff);
    const rj = off + j * n2;
    const jj = rj + 2 * j;
    const ar = a[jj]!;
    const ai = a[jj + 1]!;
    const xnorm = scaledNormComplex(a, jj + n2, n2, m - j - 1);
    let tr = 0;
    let ti = 0;
    if (xnorm !== 0 || ai !== 0) {
      const h = Math.hypot(ar, ai, xnorm);
      const beta = ar >= 0 ? -h : h;
      tr = (beta - ar) / beta;
      ti = -ai / beta;
      // scal = 1 / (α − β)
      const dr = ar - beta;
      const di = ai;
      const s = Math.max(Math.abs(dr), Math.abs(di));
      const sr = dr / s;
      const si = di / s;
      const den = (sr * sr + si * si) * s;
      const cr = sr / den;
      const ci = -si / den;
      for (let i = j + 1; i < m; i++) {
        const p = off + i * n2 + 2 * j;
        const xr = a[p]!;
        const xi = a[p + 1]!;
        a[p] = xr * cr - xi * ci;
        a[p + 1] = xr * ci + xi * cr;
      }
      a[jj] = beta;
      a[jj + 1] = 0;
    }
    tau[tauOff + 2 * j] = tr;
    tau[tauOff + 2 * j + 1] = ti;
    if ((tr === 0 && ti === 0) || j + 1 >= n) continue;
    // H_jᴴ = I − conj(τ) v vᴴ.
    applyReflectorComplex(a, jj, n2, a, rj, n2, m - j, 2 * j + 2, n2, tr, -ti, work);
  }
}

/**
 * Forms the first `qCols` columns of Q = H_0 … H_{k−1} (k ≤ min(m, qCols)) from the reflectors left in `a`
 * (m×n, as {@link qrReal} returns it) into the m×qCols row-major block `q[qOff …]`. `work` needs qCols entries.
 *
 * @example
 * ```ts
 * formQReal(a, 0, m, n, k, tau, 0, q, 0, m, work); // complete Q (m×m)
 * ```
 */
export function formQReal(
  a: FloatStorage,
  off: number,
  m: number,
  n: number,
  k: number,
  tau: FloatStorage,
  tauOff: number,
  q: FloatStorage,
  qOff: number,
  qCols: number,
  work: Float64Array,
): void {
  q.fill(0, qOff, qOff + m * qCols);
  for (let i = 0; i < Math.min(m, qCols); i++) q[qOff + i * qCols + i] = 1;
  // Backward accumulation: Q[j:, j:] ← H_j Q[j:, j:]; columns < j of rows ≥ j are still zero.
  for (let j = k - 1; j >= 0; j--) {
    const t = tau[tauOff + j]!;
    if (t === 0) continue;
    applyReflectorReal(a, off + j * n + j, n, q, qOff + j * qCols, qCols, m - j, j, qCols, t, work);
  }
}

/**
 * Complex version of {@link formQReal} (interleaved; `work` needs 2·qCols entries): applies H_j = I − τ_j v vᴴ.
 *
 * @example
 * ```ts
 * formQComplex(a, 0, m, n, k, tau, 0, q, 0, k, work); // reduced Q (m×k)
 * ```
 */
export function formQComplex(
  a: FloatStorage,
  off: number,
  m: number,
  n: number,
  k: number,
  tau: FloatStorage,
  tauOff: number,
  q: FloatStorage,
  qOff: number,
  qCols: number,
  work: Float64Array,
): void {
  const n2 = 2 * n;
  const q2 = 2 * qCols;
  q.fill(0, qOff, qOff + m * q2);
  for (let i = 0; i < Math.min(m, qCols); i++) q[qOff + i * q2 + 2 * i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const tr = tau[tauOff + 2 * j]!;
    const ti = tau[tauOff + 2 * j + 1]!;
    if (tr === 0 && ti === 0) continue;
    applyReflectorComplex(a, off + j * n2 + 2 * j, n2, q, qOff + j * q2, q2, m - j, 2 * j, q2, tr, ti, work);
  }
}
