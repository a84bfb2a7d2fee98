/**
 * The last step of the Gram path (gram-truncated.ts) for one block, and its application, as pure kernels over one
 * Float64Array. The truncated pseudo-inverse of the block's Gram matrix G is
 *
 *   G_k⁺ = G̃⁻¹ − V_d·F·V_dᴴ,   G̃ = G + μ·V_dV_dᴴ,   F = diag(f_t)  (f_t = 1/(λ_t + μ)),
 *
 * and it is kept as the Cholesky factor of G̃ = L·Lᴴ (G̃ is Hermitian positive definite, κ ≤ 2/rtol²) together
 * with W = V_d·F^½: applying G_k⁺ to a vector is then a forward and a backward substitution and a rank-k
 * correction, n² + 2kn complex multiply–adds — what the explicit G_k⁺ costs to apply — while the factorisation
 * stops after the Cholesky factor (n³/6 complex multiply–adds) instead of going on to G̃⁻¹ = L⁻ᴴL⁻¹ (n³/3 more,
 * two thirds of the old kernel's work). A scale s rides along as L' = L/√s and W·√s.
 * {@link hpdShiftedFactorJs} is the JS twin of gram-truncated.wat's `hpdFactor` and {@link cholSolvePackedJs} of
 * `cholSolvePacked`, with the same sums in the same order: the SIMD kernels' two lanes are the even and odd
 * terms of the dot products (the Cholesky factor by 2×2 tiles for even n).
 *
 * L' is kept as its packed lower triangle (half the memory of the whole block), the imaginary slots of its real
 * diagonal holding the reciprocals 1/L'[i][i]. {@link hemmPackedJs} applies a packed Hermitian matrix instead:
 * the second factor of a block the SVD settled.
 */
import { compileWasm } from '../../wasm/load.js';
import { WASM_BASE64 as GRAM_WASM } from './gram-truncated.wasm.js';

/**
 * Element offsets in `m` of {@link hpdShiftedFactorJs}'s operands, n×n matrices split re/im with row stride n:
 * G (lower triangle read), the k rows v_t of V_d (row stride n), the work matrix A (holds L, then L' packed at
 * its start) and n numbers of scratch (rd).
 */
export interface HpdOperands {
  gr: number;
  gi: number;
  vr: number;
  vi: number;
  ar: number;
  ai: number;
  rd: number;
}

/** d[0…len) += a·(x or conj(x)) on split re/im vectors in `m` (sgn = 1 or −1), in the order of `hpdFactor`'s step 1. */
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
 * The Cholesky factor of G̃ = G + μ·V_dV_dᴴ (see the module comment), operands in `m` at the offsets `o`, left as
 * L' = L/√scale packed in place at (ar, ai): entry (i, j ≤ i) at i(i+1)/2 + j, the imaginary slot of the
 * diagonal holding 1/L'[i][i]. Returns false, L' unfinished, when a Cholesky pivot is not in (0, ∞) (G̃ not
 * numerically positive definite, or not finite).
 *
 * @example
 * ```ts
 * // G = 4·I (n = 1, k = 0), scale 1: L' = 2, 1/L' = 0.5
 * const m = Float64Array.of(4, 0, 0, 0, 0);
 * hpdShiftedFactorJs(m, 1, 0, 0, { gr: 0, gi: 1, vr: 2, vi: 2, ar: 2, ai: 3, rd: 4 }, 1); // m[2] = 2, m[3] = 0.5
 * ```
 */
export function hpdShiftedFactorJs(m: Float64Array, n: number, k: number, mu: number, o: HpdOperands, scale: number): boolean {
  const { gr, gi, vr, vi, ar, ai, rd } = o;
  // 1. A = G + μ·Σ_t v_t·v_tᴴ on the lower triangle.
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j <= i; j++) {
      m[ar + row + j] = m[gr + row + j]!;
      m[ai + row + j] = m[gi + row + j]!;
    }
    for (let t = 0; t < k; t++) {
      const x = m[vr + t * n + i]!, y = m[vi + t * n + i]!;
      axpy(m, i + 1, ar + row, ai + row, vr + t * n, vi + t * n, mu * x, mu * y, -1);
    }
  }
  // 2. Cholesky A = L·Lᴴ in place: even n by 2×2 tiles, odd n row by row (the dot products as two interleaved
  //    partial sums, as the SIMD lanes).
  if (n % 2 === 0) {
    if (!choleskyPairs(m, n, ar, ai, rd)) return false;
  } else if (!choleskyRows(m, n, ar, ai, rd)) return false;
  // 3. L' = L/√scale packed in place (entry (i, j ≤ i) at i(i+1)/2 + j, never past i·n + j), 1/L'[i][i] in the
  //    diagonal's imaginary slot.
  const inv = 1 / Math.sqrt(scale), root = Math.sqrt(scale);
  let q = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++, q++) {
      const x = m[ar + i * n + j]! * inv, y = j === i ? m[rd + i]! * root : m[ai + i * n + j]! * inv;
      m[ar + q] = x;
      m[ai + q] = y;
    }
  }
  return true;
}

/** Cholesky A = L·Lᴴ in place row by row (any n; lower triangle at ar, ai of `m`, row stride n; rd[i] = 1/L[i][i]), as `$cholRows`. */
function choleskyRows(m: Float64Array, n: number, ar: number, ai: number, rd: number): boolean {
  for (let i = 0; i < n; i++) {
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
  return true;
}

const dot = new Float64Array(2);

/**
 * out = Σ_{c<i} P[i][c]·x[c] over row i of a packed lower triangle (re at pr + base, im at pi + base) and the
 * vector at (xr + xo, xi + xo): two partial sums per part (even and odd c, the SIMD lanes), then the last odd term.
 */
function rowDot(m: Float64Array, pr: number, pi: number, base: number, xr: number, xi: number, xo: number, i: number, out: Float64Array): void {
  const pairEnd = i & ~1;
  let a0 = 0, a1 = 0, b0 = 0, b1 = 0;
  let c = 0;
  for (; c < pairEnd; c += 2) {
    const s0 = m[pr + base + c]!, s1 = m[pr + base + c + 1]!, w0 = m[pi + base + c]!, w1 = m[pi + base + c + 1]!;
    const u0 = m[xr + xo + c]!, u1 = m[xr + xo + c + 1]!, v0 = m[xi + xo + c]!, v1 = m[xi + xo + c + 1]!;
    a0 += s0 * u0 - w0 * v0;
    a1 += s1 * u1 - w1 * v1;
    b0 += s0 * v0 + w0 * u0;
    b1 += s1 * v1 + w1 * u1;
  }
  let sr = a0 + a1, si = b0 + b1;
  if (c < i) {
    const fr = m[pr + base + c]!, fi = m[pi + base + c]!, gr = m[xr + xo + c]!, gi = m[xi + xo + c]!;
    sr += fr * gr - fi * gi;
    si += fr * gi + fi * gr;
  }
  out[0] = sr;
  out[1] = si;
}

/**
 * y_t = (L'·L'ᴴ)⁻¹·x_t − W·(Wᴴ·x_t) for t < count: L' packed at lr, li of `m` as {@link hpdShiftedFactorJs}
 * leaves it, the k rows of W at wr, wi (row stride n), x and y count × n, split re/im, row-major; c holds
 * 2·k·count numbers of scratch (Wᴴx_t). The JS twin of gram-truncated.wat's `cholSolvePacked`: the same sums in
 * the same order (the SIMD lanes are the even and odd columns of the forward dot products).
 *
 * @example `cholSolvePackedJs(m, n, 1, k, lr, li, wr, wi, xr, xi, yr, yi, c) // y = G_k⁺·x`
 */
export function cholSolvePackedJs(m: Float64Array, n: number, count: number, k: number, lr: number, li: number, wr: number, wi: number, xr: number, xi: number, yr: number, yi: number, c: number): void {
  // 1. c[t][s] = Σ_i conj(W_s[i])·x_t[i]
  for (let t = 0; t < count; t++) {
    const xo = t * n;
    for (let s = 0; s < k; s++) {
      let sr = 0, si = 0;
      for (let i = 0; i < n; i++) {
        const fr = m[wr + s * n + i]!, fi = m[wi + s * n + i]!, gr = m[xr + xo + i]!, gi = m[xi + xo + i]!;
        sr += fr * gr + fi * gi;
        si += fr * gi - fi * gr;
      }
      m[c + 2 * (t * k + s)] = sr;
      m[c + 2 * (t * k + s) + 1] = si;
    }
  }
  // 2. forward: y_t[i] = (x_t[i] − Σ_{j<i} L'[i][j]·y_t[j])·(1/L'[i][i])
  for (let i = 0; i < n; i++) {
    const base = (i * (i + 1)) / 2;
    const d = m[li + base + i]!;
    for (let t = 0; t < count; t++) {
      const xo = t * n;
      rowDot(m, lr, li, base, yr, yi, xo, i, dot);
      const sr = dot[0]!, si = dot[1]!;
      m[yr + xo + i] = (m[xr + xo + i]! - sr) * d;
      m[yi + xo + i] = (m[xi + xo + i]! - si) * d;
    }
  }
  // 3. backward (L'ᴴ): y_t[i] ← y_t[i]/L'[i][i], then y_t[j] −= conj(L'[i][j])·y_t[i] for j < i
  for (let i = n - 1; i >= 0; i--) {
    const base = (i * (i + 1)) / 2;
    const d = m[li + base + i]!;
    for (let t = 0; t < count; t++) {
      const xo = t * n;
      const vr = m[yr + xo + i]! * d, vi = m[yi + xo + i]! * d;
      m[yr + xo + i] = vr;
      m[yi + xo + i] = vi;
      for (let j = 0; j < i; j++) {
        const fr = m[lr + base + j]!, fi = m[li + base + j]!;
        m[yr + xo + j] = m[yr + xo + j]! - (fr * vr + fi * vi);
        m[yi + xo + j] = m[yi + xo + j]! - (fr * vi - fi * vr);
      }
    }
  }
  // 4. y_t[i] −= Σ_s W_s[i]·c[t][s]
  for (let t = 0; t < count; t++) {
    const xo = t * n;
    for (let i = 0; i < n; i++) {
      let sr = 0, si = 0;
      for (let s = 0; s < k; s++) {
        const fr = m[wr + s * n + i]!, fi = m[wi + s * n + i]!, gr = m[c + 2 * (t * k + s)]!, gi = m[c + 2 * (t * k + s) + 1]!;
        sr += fr * gr - fi * gi;
        si += fr * gi + fi * gr;
      }
      m[yr + xo + i] = m[yr + xo + i]! - sr;
      m[yi + xo + i] = m[yi + xo + i]! - si;
    }
  }
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
    for (let t = 0; t < count; t++) {
      const xo = t * n;
      const ur = m[xr + xo + i]!, ui = m[xi + xo + i]!;
      rowDot(m, pr, pi, base, xr, xi, xo, i, dot);
      const sr = dot[0]!, si = dot[1]!;
      for (let c = 0; c < i; c++) {
        const fr = m[pr + base + c]!, fi = m[pi + base + c]!;
        m[yr + xo + c] = m[yr + xo + c]! + (fr * ur + fi * ui);
        m[yi + xo + c] = m[yi + xo + c]! + (fr * ui - fi * ur);
      }
      m[yr + xo + i] = m[yr + xo + i]! + (sr + d * ur);
      m[yi + xo + i] = m[yi + xo + i]! + (si + d * ui);
    }
  }
}

type HemmPacked = (n: number, count: number, pr: number, pi: number, xr: number, xi: number, yr: number, yi: number) => void;
type CholSolvePacked = (n: number, count: number, k: number, lr: number, li: number, wr: number, wi: number, xr: number, xi: number, yr: number, yi: number, c: number) => void;
interface SolveExports {
  hemmPacked: HemmPacked;
  cholSolvePacked: CholSolvePacked;
}
const instances = new WeakMap<WebAssembly.Memory, SolveExports>();

/** gram-truncated.wat instantiated on `memory` (once per memory), or null without WebAssembly (not cached: it may be switched back on). */
function solveExports(memory: WebAssembly.Memory): SolveExports | null {
  let u = instances.get(memory);
  if (u !== undefined) return u;
  const mod = compileWasm('gram-truncated', GRAM_WASM);
  if (mod === null) return null;
  u = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as SolveExports;
  instances.set(memory, u);
  return u;
}

/**
 * gram-truncated.wat's `hemmPacked` (byte offsets) instantiated on `memory`, or null without WebAssembly.
 *
 * @example `const hemm = packedHermProduct(memory); hemm?.(n, count, 8 * pr, 8 * pi, 8 * xr, 8 * xi, 8 * yr, 8 * yi)`
 */
export function packedHermProduct(memory: WebAssembly.Memory): HemmPacked | null {
  return solveExports(memory)?.hemmPacked ?? null;
}

/**
 * gram-truncated.wat's `cholSolvePacked` (byte offsets) instantiated on `memory`, or null without WebAssembly.
 *
 * @example `const solve = packedCholSolve(memory); solve?.(n, count, k, 8 * lr, 8 * li, 8 * wr, 8 * wi, 8 * xr, 8 * xi, 8 * yr, 8 * yi, 8 * c)`
 */
export function packedCholSolve(memory: WebAssembly.Memory): CholSolvePacked | null {
  return solveExports(memory)?.cholSolvePacked ?? null;
}
