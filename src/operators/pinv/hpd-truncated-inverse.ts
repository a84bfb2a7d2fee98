/**
 * The last step of the Gram path (gram-truncated.ts) for one block, as a pure kernel over one Float64Array:
 *
 *   O = scale·(G̃⁻¹ − V_d·F·V_dᴴ),   G̃ = G + μ·V_dV_dᴴ,   F = diag(f_t)  (f_t = 1/(λ_t + μ)),
 *
 * with G̃⁻¹ through the Cholesky factor G̃ = L·Lᴴ (G̃ is Hermitian positive definite): M = L⁻¹ row by row and
 * G̃⁻¹ = Mᴴ·M on the lower triangle. That is n³/2 complex multiply–adds and n square roots and divisions, against
 * n³ and n pivot searches for a Gauss–Jordan inverse of G̃, and the rank-k terms ride along on the lower triangle.
 * This is the JS twin of gram-truncated.wat's `hpdPinv`, with the same sums in the same order: the SIMD kernel's
 * two lanes are the even and odd terms of the Cholesky dot products, and pairs of columns (step 3) or entries
 * (step 4) whose sums over p it keeps in registers.
 *
 * The result is Hermitian and kept as its packed lower triangle (half the memory of the whole block), which the
 * solve applies as it is ({@link hemmPackedJs}, the `hemmPacked` kernel).
 */
import { compileWasm } from '../../wasm/load.js';
import { WASM_BASE64 as GRAM_WASM } from './gram-truncated.wasm.js';

/**
 * Element offsets in `m` of {@link hpdTruncatedInverseJs}'s operands, all n×n matrices split re/im with row stride
 * n, vectors contiguous: G (lower triangle read), the k rows v_t of V_d (row stride n), f (k), the work matrix A
 * (holds L, then L⁻¹), the output O (n×n, packed at its start in the end), and n numbers of scratch (rd).
 */
export interface HpdOperands {
  gr: number;
  gi: number;
  vr: number;
  vi: number;
  f: number;
  ar: number;
  ai: number;
  or: number;
  oi: number;
  rd: number;
}

/** d[0…len) += a·(x or conj(x)) on split re/im vectors in `m` (sgn = 1 or −1), in the order of `hpdPinv`'s step 1. */
function axpy(m: Float64Array, len: number, dr: number, di: number, xr: number, xi: number, are: number, aim: number, sgn: number): void {
  const ars = are * sgn, ais = aim * sgn;
  for (let c = 0; c < len; c++) {
    const u = m[xr + c]!, v = m[xi + c]!;
    m[dr + c] = m[dr + c]! + (are * u - ais * v);
    m[di + c] = m[di + c]! + (ars * v + aim * u);
  }
}

/**
 * Cholesky A = L·Lᴴ in place for even n (lower triangle at ar, ai of `m`, row stride n; rd[i] = 1/L[i][i]) by 2×2
 * tiles, rows (i0, i0+1) × columns (j0, j0+1): the four sums Σ_{p<j0} L[i][p]·conj(L[j][p]) as two partial sums
 * each (even and odd p: the SIMD lanes of `$cholPairs`), then the tile's own term p = j0 for column j0+1.
 * False unless every pivot is in (0, ∞).
 */
function choleskyPairs(m: Float64Array, n: number, ar: number, ai: number, rd: number): boolean {
  for (let i = 0; i < n; i += 2) {
    const r0 = i * n, r1 = r0 + n;
    for (let j = 0; j <= i; j += 2) {
      const c0 = j * n, c1 = c0 + n;
      // lanes: [sum][lane], sums a00 b00 a01 b01 a10 b10 a11 b11
      let a000 = 0, a001 = 0, b000 = 0, b001 = 0, a010 = 0, a011 = 0, b010 = 0, b011 = 0;
      let a100 = 0, a101 = 0, b100 = 0, b101 = 0, a110 = 0, a111 = 0, b110 = 0, b111 = 0;
      for (let p = 0; p < j; p += 2) {
        const x00 = m[ar + r0 + p]!, x01 = m[ar + r0 + p + 1]!, y00 = m[ai + r0 + p]!, y01 = m[ai + r0 + p + 1]!;
        const x10 = m[ar + r1 + p]!, x11 = m[ar + r1 + p + 1]!, y10 = m[ai + r1 + p]!, y11 = m[ai + r1 + p + 1]!;
        const u00 = m[ar + c0 + p]!, u01 = m[ar + c0 + p + 1]!, v00 = m[ai + c0 + p]!, v01 = m[ai + c0 + p + 1]!;
        const u10 = m[ar + c1 + p]!, u11 = m[ar + c1 + p + 1]!, v10 = m[ai + c1 + p]!, v11 = m[ai + c1 + p + 1]!;
        a000 += x00 * u00 + y00 * v00;
        a001 += x01 * u01 + y01 * v01;
        b000 += y00 * u00 - x00 * v00;
        b001 += y01 * u01 - x01 * v01;
        a010 += x00 * u10 + y00 * v10;
        a011 += x01 * u11 + y01 * v11;
        b010 += y00 * u10 - x00 * v10;
        b011 += y01 * u11 - x01 * v11;
        a100 += x10 * u00 + y10 * v00;
        a101 += x11 * u01 + y11 * v01;
        b100 += y10 * u00 - x10 * v00;
        b101 += y11 * u01 - x11 * v01;
        a110 += x10 * u10 + y10 * v10;
        a111 += x11 * u11 + y11 * v11;
        b110 += y10 * u10 - x10 * v10;
        b111 += y11 * u11 - x11 * v11;
      }
      if (j < i) {
        const d0 = m[rd + j]!;
        const x = (m[ar + r0 + j]! - (a000 + a001)) * d0, y = (m[ai + r0 + j]! - (b000 + b001)) * d0;
        m[ar + r0 + j] = x;
        m[ai + r0 + j] = y;
        const u = (m[ar + r1 + j]! - (a100 + a101)) * d0, v = (m[ai + r1 + j]! - (b100 + b101)) * d0;
        m[ar + r1 + j] = u;
        m[ai + r1 + j] = v;
        const d1 = m[rd + j + 1]!, s = m[ar + c1 + j]!, t = m[ai + c1 + j]!;
        m[ar + r0 + j + 1] = (m[ar + r0 + j + 1]! - ((a010 + a011) + (x * s + y * t))) * d1;
        m[ai + r0 + j + 1] = (m[ai + r0 + j + 1]! - ((b010 + b011) + (y * s - x * t))) * d1;
        m[ar + r1 + j + 1] = (m[ar + r1 + j + 1]! - ((a110 + a111) + (u * s + v * t))) * d1;
        m[ai + r1 + j + 1] = (m[ai + r1 + j + 1]! - ((b110 + b111) + (v * s - u * t))) * d1;
      } else {
        const s0 = m[ar + r0 + i]! - (a000 + a001);
        if (!(s0 > 0 && s0 < Infinity)) return false;
        const x = Math.sqrt(s0), d0 = 1 / x;
        m[ar + r0 + i] = x;
        m[ai + r0 + i] = 0;
        m[rd + i] = d0;
        const u = (m[ar + r1 + i]! - (a100 + a101)) * d0, v = (m[ai + r1 + i]! - (b100 + b101)) * d0;
        m[ar + r1 + i] = u;
        m[ai + r1 + i] = v;
        const s1 = m[ar + r1 + i + 1]! - ((a110 + a111) + (u * u + v * v));
        if (!(s1 > 0 && s1 < Infinity)) return false;
        const x1 = Math.sqrt(s1);
        m[ar + r1 + i + 1] = x1;
        m[ai + r1 + i + 1] = 0;
        m[rd + i + 1] = 1 / x1;
      }
    }
  }
  return true;
}

/**
 * O = scale·(G̃⁻¹ − V_d·diag(f)·V_dᴴ) with G̃ = G + μ·V_dV_dᴴ (see the module comment), operands in `m` at the
 * offsets `o`; O is left as its packed lower triangle (entry (i, j ≤ i) at i(i+1)/2 + j of `or`, imaginary parts
 * at `oi`, a real diagonal: see {@link hemmPackedJs}). Returns false, O unfinished, when a Cholesky pivot is not
 * in (0, ∞) (G̃ not numerically positive definite, or not finite).
 *
 * @example
 * ```ts
 * // G = 4·I (n = 1, k = 0): O = scale/4
 * const m = Float64Array.of(4, 0, 0, 0, 0, 0, 0);
 * hpdTruncatedInverseJs(m, 1, 0, 0, { gr: 0, gi: 1, vr: 2, vi: 2, f: 2, ar: 2, ai: 3, or: 4, oi: 5, rd: 6 }, 2); // m[4] = 0.5
 * ```
 */
export function hpdTruncatedInverseJs(m: Float64Array, n: number, k: number, mu: number, o: HpdOperands, scale: number): boolean {
  const { gr, gi, vr, vi, f, ar, ai, or, oi, rd } = o;
  // 1. A = G + μ·Σ_t v_t·v_tᴴ and O = −Σ_t f_t·v_t·v_tᴴ on the lower triangles.
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j <= i; j++) {
      m[ar + row + j] = m[gr + row + j]!;
      m[ai + row + j] = m[gi + row + j]!;
      m[or + row + j] = 0;
      m[oi + row + j] = 0;
    }
    // A's strict upper triangle is zero (step 3 reads pairs across the diagonal).
    m.fill(0, ar + row + i + 1, ar + row + n);
    m.fill(0, ai + row + i + 1, ai + row + n);
    for (let t = 0; t < k; t++) {
      const x = m[vr + t * n + i]!, y = m[vi + t * n + i]!, c = m[f + t]!;
      axpy(m, i + 1, ar + row, ai + row, vr + t * n, vi + t * n, mu * x, mu * y, -1);
      axpy(m, i + 1, or + row, oi + row, vr + t * n, vi + t * n, -(c * x), -(c * y), -1);
    }
  }
  // 2. Cholesky A = L·Lᴴ in place: even n by 2×2 tiles, odd n row by row (the dot products as two interleaved
  //    partial sums, as the SIMD lanes).
  if (n % 2 === 0) {
    if (!choleskyPairs(m, n, ar, ai, rd)) return false;
  } else for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j <= i; j++) {
      const rowj = j * n;
      const pairEnd = j & ~1;
      let a0 = 0, a1 = 0, b0 = 0, b1 = 0;
      let p = 0;
      for (; p < pairEnd; p += 2) {
        const x0 = m[ar + row + p]!, y0 = m[ai + row + p]!, u0 = m[ar + rowj + p]!, v0 = m[ai + rowj + p]!;
        const x1 = m[ar + row + p + 1]!, y1 = m[ai + row + p + 1]!, u1 = m[ar + rowj + p + 1]!, v1 = m[ai + rowj + p + 1]!;
        a0 += x0 * u0 + y0 * v0;
        a1 += x1 * u1 + y1 * v1;
        b0 += y0 * u0 - x0 * v0;
        b1 += y1 * u1 - x1 * v1;
      }
      let sr = a0 + a1, si = b0 + b1;
      if (p < j) {
        const x = m[ar + row + p]!, y = m[ai + row + p]!, u = m[ar + rowj + p]!, v = m[ai + rowj + p]!;
        sr += x * u + y * v;
        si += y * u - x * v;
      }
      sr = m[ar + row + j]! - sr;
      if (j < i) {
        const c = m[rd + j]!;
        m[ar + row + j] = sr * c;
        m[ai + row + j] = (m[ai + row + j]! - si) * c;
      } else {
        if (!(sr > 0 && sr < Infinity)) return false;
        const d = Math.sqrt(sr);
        m[ar + row + i] = d;
        m[ai + row + i] = 0;
        m[rd + i] = 1 / d;
      }
    }
  }
  // 3. M = L⁻¹ in place, row by row, two columns j ∈ {j0, j0+1} at a time (as the SIMD lanes):
  //    M[i][j] = −rd[i]·Σ_{p=j0}^{i−1} L[i][p]·M[p][j] (M[j0][j0+1] = 0), M[i][i] = rd[i].
  for (let i = 0; i < n; i++) {
    const row = i * n;
    const c = -m[rd + i]!;
    for (let j = 0; j < i; j += 2) {
      let a0 = 0, a1 = 0, b0 = 0, b1 = 0;
      for (let p = j; p < i; p++) {
        const x = m[ar + row + p]!, y = m[ai + row + p]!;
        const q = p * n + j;
        const u0 = m[ar + q]!, u1 = m[ar + q + 1]!, v0 = m[ai + q]!, v1 = m[ai + q + 1]!;
        a0 += x * u0 - y * v0;
        a1 += x * u1 - y * v1;
        b0 += x * v0 + y * u0;
        b1 += x * v1 + y * u1;
      }
      m[ar + row + j] = c * a0;
      m[ai + row + j] = c * b0;
      m[ar + row + j + 1] = c * a1;
      m[ai + row + j + 1] = c * b1;
    }
    m[ar + row + i] = -c;
    m[ai + row + i] = 0;
  }
  // 4. O += Mᴴ·M on the lower triangle: O[i][j] += Σ_{p ≥ i0} conj(M[p][i])·M[p][j] for the rows i ∈ {i0, i0+1}
  //    (the term p = i0 of row i0+1 is zero), summed per entry in ascending p as the SIMD kernel's registers.
  for (let i0 = 0; i0 < n; i0 += 2) {
    const rows = i0 + 1 < n ? 2 : 1;
    for (let r = 0; r < rows; r++) {
      const i = i0 + r;
      for (let j = 0; j <= i; j++) {
        let sr = m[or + i * n + j]!, si = m[oi + i * n + j]!;
        for (let p = i0; p < n; p++) {
          const x = m[ar + p * n + j]!, y = m[ai + p * n + j]!, mr = m[ar + p * n + i]!, mi = m[ai + p * n + i]!;
          sr += mr * x + mi * y;
          si += mr * y - mi * x;
        }
        m[or + i * n + j] = sr;
        m[oi + i * n + j] = si;
      }
    }
  }
  // 5. scale·O's lower triangle packed in place (entry (i, j ≤ i) at i(i+1)/2 + j, never past i·n + j), real diagonal.
  let q = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++, q++) {
      const x = scale * m[or + i * n + j]!, y = j === i ? 0 : scale * m[oi + i * n + j]!;
      m[or + q] = x;
      m[oi + q] = y;
    }
  }
  return true;
}

/**
 * y_t = S·x_t for t < count with S Hermitian (n×n) from its packed lower triangle at pr, pi of `m` (entry (i, j ≤ i)
 * at i(i+1)/2 + j, a real diagonal), x and y count × n, split re/im, row-major at xr, xi and yr, yi: row i's dot
 * product with x_t, and its conjugate scattered into y_t. The JS twin of gram-truncated.wat's `hemmPacked` (the
 * same sums in the same order: the SIMD lanes are the even and odd columns of the dot product).
 *
 * @example `hemmPackedJs(m, n, 1, pr, pi, xr, xi, yr, yi) // y = S·x`
 */
export function hemmPackedJs(m: Float64Array, n: number, count: number, pr: number, pi: number, xr: number, xi: number, yr: number, yi: number): void {
  m.fill(0, yr, yr + n * count);
  m.fill(0, yi, yi + n * count);
  for (let i = 0; i < n; i++) {
    const base = (i * (i + 1)) / 2;
    const d = m[pr + base + i]!;
    const pairEnd = i & ~1;
    for (let t = 0; t < count; t++) {
      const xo = t * n;
      const ur = m[xr + xo + i]!, ui = m[xi + xo + i]!;
      let a0 = 0, a1 = 0, b0 = 0, b1 = 0;
      let c = 0;
      for (; c < pairEnd; c += 2) {
        const s0 = m[pr + base + c]!, s1 = m[pr + base + c + 1]!, w0 = m[pi + base + c]!, w1 = m[pi + base + c + 1]!;
        const u0 = m[xr + xo + c]!, u1 = m[xr + xo + c + 1]!, v0 = m[xi + xo + c]!, v1 = m[xi + xo + c + 1]!;
        a0 += s0 * u0 - w0 * v0;
        a1 += s1 * u1 - w1 * v1;
        b0 += s0 * v0 + w0 * u0;
        b1 += s1 * v1 + w1 * u1;
        m[yr + xo + c] = m[yr + xo + c]! + (s0 * ur + w0 * ui);
        m[yr + xo + c + 1] = m[yr + xo + c + 1]! + (s1 * ur + w1 * ui);
        m[yi + xo + c] = m[yi + xo + c]! + (s0 * ui - w0 * ur);
        m[yi + xo + c + 1] = m[yi + xo + c + 1]! + (s1 * ui - w1 * ur);
      }
      let sr = a0 + a1, si = b0 + b1;
      if (c < i) {
        const fr = m[pr + base + c]!, fi = m[pi + base + c]!, gr = m[xr + xo + c]!, gi = m[xi + xo + c]!;
        sr += fr * gr - fi * gi;
        si += fr * gi + fi * gr;
        m[yr + xo + c] = m[yr + xo + c]! + (fr * ur + fi * ui);
        m[yi + xo + c] = m[yi + xo + c]! + (fr * ui - fi * ur);
      }
      m[yr + xo + i] = m[yr + xo + i]! + (sr + d * ur);
      m[yi + xo + i] = m[yi + xo + i]! + (si + d * ui);
    }
  }
}

type HemmPacked = (n: number, count: number, pr: number, pi: number, xr: number, xi: number, yr: number, yi: number) => void;
const hemms = new WeakMap<WebAssembly.Memory, HemmPacked>();

/**
 * gram-truncated.wat's `hemmPacked` (byte offsets) instantiated on `memory`, or null without WebAssembly.
 *
 * @example `const hemm = packedHermProduct(memory); hemm?.(n, count, 8 * pr, 8 * pi, 8 * xr, 8 * xi, 8 * yr, 8 * yi)`
 */
export function packedHermProduct(memory: WebAssembly.Memory): HemmPacked | null {
  let u = hemms.get(memory);
  if (u !== undefined) return u;
  const mod = compileWasm('gram-truncated', GRAM_WASM);
  if (mod === null) return null; // (not cached: WebAssembly may be switched back on)
  u = (new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as { hemmPacked: HemmPacked }).hemmPacked;
  hemms.set(memory, u);
  return u;
}
