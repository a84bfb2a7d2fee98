/**
 * Reduction kernels over a contiguous block viewed as `[outer, r, inner]`, reducing the middle axis into a
 * contiguous `[outer, inner]` Float64Array. Offsets are in scalars (not elements). Complex variants read and
 * write interleaved re/im.
 *
 * Memory is always streamed in order: with `inner === 1` each output is a contiguous run; otherwise the r
 * rows of length `inner` are accumulated into the output row, so an outer-dim reduction never strides.
 * Accumulation is in float64 whatever the source type.
 */
import type { Storage } from '../dtype.js';

/** Below this length a run is summed by a plain loop; above it the run is split in half (pairwise summation). */
const PAIRWISE_BLOCK = 128;

/**
 * Pairwise sum of `n` values `src[start + k*stride]`: the rounding error grows like O(log n · eps)
 * instead of O(n · eps) for a running sum.
 *
 * @example
 * ```ts
 * pairwiseSum(new Float32Array(1e6).fill(0.1), 0, 1e6, 1); // ≈ 100000.00149 (the float32 0.1 times 1e6)
 * ```
 */
export function pairwiseSum(src: Storage, start: number, n: number, stride: number): number {
  if (n <= PAIRWISE_BLOCK) {
    // Four partial sums break the add dependency chain; still a fixed association per block.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let p = start;
    let k = 0;
    for (; k + 4 <= n; k += 4, p += 4 * stride) {
      s0 += src[p]!;
      s1 += src[p + stride]!;
      s2 += src[p + 2 * stride]!;
      s3 += src[p + 3 * stride]!;
    }
    for (; k < n; k++, p += stride) s0 += src[p]!;
    return s0 + s1 + (s2 + s3);
  }
  const h = (n >>> 1) & ~3;
  return pairwiseSum(src, start, h, stride) + pairwiseSum(src, start + h * stride, n - h, stride);
}

/**
 * Sums the middle axis of a real `[outer, r, inner]` block. Runs use pairwise summation; row accumulation uses
 * Kahan–Babuška compensation when `compensate` (needed for float64 sources, whose float64 accumulators
 * have no spare precision) so the error does not grow with r.
 *
 * @example
 * ```ts
 * sumReal(src, 0, 2, 3, 4, dst, true); // dst[o*4 + j] = Σ_i src[(o*3 + i)*4 + j]
 * ```
 */
export function sumReal(src: Storage, so: number, outer: number, r: number, inner: number, dst: Float64Array, compensate: boolean): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) dst[o] = pairwiseSum(src, so + o * r, r, 1);
    return;
  }
  const comp = compensate ? new Float64Array(inner) : null;
  for (let o = 0; o < outer; o++) {
    const d0 = o * inner;
    let p = so + o * r * inner;
    for (let j = 0; j < inner; j++) dst[d0 + j] = 0;
    if (comp === null) {
      for (let i = 0; i < r; i++) for (let j = 0; j < inner; j++) dst[d0 + j] += src[p++]!;
    } else {
      comp.fill(0);
      for (let i = 0; i < r; i++) {
        for (let j = 0; j < inner; j++) {
          const v = src[p++]!;
          const s = dst[d0 + j]!;
          const t = s + v;
          // Neumaier's variant: the lost low-order part of whichever operand is smaller.
          comp[j] += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
          dst[d0 + j] = t;
        }
      }
      for (let j = 0; j < inner; j++) dst[d0 + j] += comp[j]!;
    }
  }
}

/**
 * Complex version of {@link sumReal} (interleaved re/im in and out).
 * @example `sumComplex(src, 0, 1, n, 1, dst, true)`
 */
export function sumComplex(src: Storage, so: number, outer: number, r: number, inner: number, dst: Float64Array, compensate: boolean): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      dst[2 * o] = pairwiseSum(src, so + 2 * o * r, r, 2);
      dst[2 * o + 1] = pairwiseSum(src, so + 2 * o * r + 1, r, 2);
    }
    return;
  }
  // Re and im parts of a row are two interleaved real rows of twice the length.
  sumReal(src, so, outer, r, 2 * inner, dst, compensate);
}

/**
 * Product of the middle axis of a real `[outer, r, inner]` block.
 * @example `prodReal(src, 0, 1, n, 1, dst)`
 */
export function prodReal(src: Storage, so: number, outer: number, r: number, inner: number, dst: Float64Array): void {
  for (let o = 0; o < outer; o++) {
    const d0 = o * inner;
    let p = so + o * r * inner;
    if (inner === 1) {
      let acc = 1;
      for (let i = 0; i < r; i++) acc *= src[p++]!;
      dst[o] = acc;
      continue;
    }
    for (let j = 0; j < inner; j++) dst[d0 + j] = 1;
    for (let i = 0; i < r; i++) for (let j = 0; j < inner; j++) dst[d0 + j] *= src[p++]!;
  }
}

/**
 * Complex product of the middle axis (interleaved re/im).
 * @example `prodComplex(src, 0, 1, n, 1, dst)`
 */
export function prodComplex(src: Storage, so: number, outer: number, r: number, inner: number, dst: Float64Array): void {
  for (let o = 0; o < outer; o++) {
    const d0 = 2 * o * inner;
    for (let j = 0; j < inner; j++) {
      dst[d0 + 2 * j] = 1;
      dst[d0 + 2 * j + 1] = 0;
    }
    let p = so + 2 * o * r * inner;
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < inner; j++, p += 2) {
        const ar = dst[d0 + 2 * j]!;
        const ai = dst[d0 + 2 * j + 1]!;
        const br = src[p]!;
        const bi = src[p + 1]!;
        dst[d0 + 2 * j] = ar * br - ai * bi;
        dst[d0 + 2 * j + 1] = ar * bi + ai * br;
      }
    }
  }
}

/**
 * Max (`sign = 1`) or min (`sign = -1`) of the middle axis; NaN wins, as in PyTorch. Needs r ≥ 1.
 * @example `extremeReal(src, 0, 1, n, 1, dst, 1)`
 */
export function extremeReal(src: Storage, so: number, outer: number, r: number, inner: number, dst: Float64Array, sign: 1 | -1): void {
  for (let o = 0; o < outer; o++) {
    const d0 = o * inner;
    let p = so + o * r * inner;
    if (inner === 1) {
      let m = src[p++]!;
      for (let i = 1; i < r && m === m; i++) {
        const v = src[p++]!;
        if ((sign > 0 ? v > m : v < m) || v !== v) m = v;
      }
      dst[o] = m;
      continue;
    }
    for (let j = 0; j < inner; j++) dst[d0 + j] = src[p++]!;
    for (let i = 1; i < r; i++) {
      for (let j = 0; j < inner; j++) {
        const v = src[p++]!;
        const m = dst[d0 + j]!;
        // Comparisons with NaN are false, so a NaN stays once there and enters via v !== v.
        if ((sign > 0 ? v > m : v < m) || (v !== v && m === m)) dst[d0 + j] = v;
      }
    }
  }
}

/**
 * Max/min of the middle axis with the index of its first occurrence (NaN wins, and the index points at the
 * first NaN), as `torch.max(x, dim)`. Needs r ≥ 1.
 * @example `argExtremeReal(src, 0, 1, n, 1, vals, idx, 1)`
 */
export function argExtremeReal(
  src: Storage,
  so: number,
  outer: number,
  r: number,
  inner: number,
  vals: Float64Array,
  idx: Int32Array,
  sign: 1 | -1,
): void {
  for (let o = 0; o < outer; o++) {
    const d0 = o * inner;
    let p = so + o * r * inner;
    for (let j = 0; j < inner; j++) {
      vals[d0 + j] = src[p++]!;
      idx[d0 + j] = 0;
    }
    for (let i = 1; i < r; i++) {
      for (let j = 0; j < inner; j++) {
        const v = src[p++]!;
        const m = vals[d0 + j]!;
        if (m !== m) continue;
        if ((sign > 0 ? v > m : v < m) || v !== v) {
          vals[d0 + j] = v;
          idx[d0 + j] = i;
        }
      }
    }
  }
}

/**
 * Running sum along the middle axis of `[outer, r, inner]` (complex: `sp = 2`), written to `dst` in the same
 * layout. Rows are added to the previous output row, so memory streams in order.
 * @example `cumsumKernel(src, 0, 1, n, 1, dst, 1)`
 */
export function cumsumKernel(src: Storage, so: number, outer: number, r: number, inner: number, dst: Float64Array, sp: 1 | 2): void {
  const w = inner * sp;
  for (let o = 0; o < outer; o++) {
    const base = o * r * w;
    let p = so + base;
    if (r === 0) continue;
    for (let j = 0; j < w; j++) dst[base + j] = src[p++]!;
    for (let i = 1; i < r; i++) {
      const q = base + i * w;
      for (let j = 0; j < w; j++) dst[q + j] = dst[q - w + j]! + src[p++]!;
    }
  }
}

/**
 * Per-row variance of `rows` contiguous rows of n elements (complex when `sp = 2`: variance of |z - mean|²),
 * by the two-pass algorithm (mean first, then squared deviations with pairwise-equivalent compensation),
 * divided by `n - correction` (NaN or Inf when that is ≤ 0, as in PyTorch).
 * @example `varRows(src, 0, m, n, 1, 1, dst)`
 */
export function varRows(src: Storage, so: number, rows: number, n: number, correction: number, sp: 1 | 2, dst: Float64Array): void {
  const denom = n - correction;
  for (let k = 0; k < rows; k++) {
    const p0 = so + k * n * sp;
    const mr = pairwiseSum(src, p0, n, sp) / n;
    const mi = sp === 2 ? pairwiseSum(src, p0 + 1, n, 2) / n : 0;
    let s = 0;
    let c = 0;
    for (let i = 0, p = p0; i < n; i++, p += sp) {
      const dr = src[p]! - mr;
      let v = dr * dr;
      if (sp === 2) {
        const di = src[p + 1]! - mi;
        v += di * di;
      }
      const t = s + v;
      c += s >= v ? s - t + v : v - t + s;
      s = t;
    }
    dst[k] = Math.max(0, s + c) / Math.max(0, denom);
  }
}

/**
 * Per-row vector p-norm of |x| over contiguous rows (complex when `sp = 2`, using |z|). Finite p other than
 * 0/1 scales by the row's largest magnitude first, so neither overflow nor underflow spoil the result.
 * @example `normRows(src, 0, m, n, 2, 1, dst)`
 */
export function normRows(src: Storage, so: number, rows: number, n: number, p: number, sp: 1 | 2, dst: Float64Array): void {
  const mag = (q: number): number => (sp === 1 ? Math.abs(src[q]!) : Math.hypot(src[q]!, src[q + 1]!));
  for (let k = 0; k < rows; k++) {
    const p0 = so + k * n * sp;
    let big = 0;
    let small = Infinity;
    let nan = false;
    let nz = 0;
    for (let i = 0, q = p0; i < n; i++, q += sp) {
      const a = mag(q);
      if (a !== a) nan = true;
      if (a > big) big = a;
      if (a < small) small = a;
      if (a !== 0) nz++;
    }
    // p = 0 counts nonzeros (NaN is nonzero, as in PyTorch); every other norm of a NaN is NaN.
    if (p === 0) dst[k] = nz;
    else if (nan) dst[k] = NaN;
    else if (p === Infinity) dst[k] = n === 0 ? 0 : big;
    else if (p === -Infinity) dst[k] = n === 0 ? Infinity : small;
    else if (n === 0) dst[k] = 0;
    else if (p < 0 && small === 0) dst[k] = 0;
    else if (big === Infinity && p > 0) dst[k] = Infinity;
    // p < 0: infinite terms contribute |x|^p = 0; all infinite gives 0^(1/p) = Inf.
    else if (small === Infinity) dst[k] = Infinity;
    else if (big === 0) dst[k] = 0;
    else {
      // Scale by the largest (p > 0) or smallest (p < 0) magnitude: every term is then ≤ 1 and one term is 1.
      const sc = p > 0 ? big : small;
      let s = 0;
      let c = 0;
      for (let i = 0, q = p0; i < n; i++, q += sp) {
        const a = mag(q) / sc;
        const v = p === 1 ? a : p === 2 ? a * a : a ** p;
        const t = s + v;
        c += s >= v ? s - t + v : v - t + s;
        s = t;
      }
      s += c;
      dst[k] = sc * (p === 1 ? s : p === 2 ? Math.sqrt(s) : s ** (1 / p));
    }
  }
}

/**
 * Per-row log(Σ exp(x)) over contiguous real rows, shifted by the row max so exp never overflows.
 * A row of all -Inf gives -Inf; any +Inf gives +Inf; NaN propagates.
 * @example `logsumexpRows(src, 0, m, n, dst)`
 */
export function logsumexpRows(src: Storage, so: number, rows: number, n: number, dst: Float64Array): void {
  for (let k = 0; k < rows; k++) {
    const p0 = so + k * n;
    let m = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = src[p0 + i]!;
      if (v > m || v !== v) m = v;
      if (m !== m) break;
    }
    if (m !== m || m === Infinity || m === -Infinity) {
      dst[k] = m;
      continue;
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.exp(src[p0 + i]! - m);
    dst[k] = m + Math.log(s);
  }
}
