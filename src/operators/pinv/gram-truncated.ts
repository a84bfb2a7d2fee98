/**
 * Truncated pseudo-inverses of square complex blocks through their Gram matrices (pure kernels over
 * Float64Arrays), for cut-offs so high that certified inverses never apply (float32's default rtol on large
 * operators) and a full SVD per block would dominate.
 *
 * Per block B (n×n): G = BᴴB is reduced by Householder reflectors to G = (QD)·T·(QD)ᴴ, T real symmetric
 * tridiagonal (D a diagonal of phases). Sturm counts on T give the exact inertia: k = #{λ(G) < cut²}, and the
 * largest λ bounds σ₁(B)² for the global cut-off. The k dropped eigenvectors of T (bisection of all k at once,
 * finished by safeguarded Newton steps on det(T − xI) once each is isolated, + inverse iteration) are carried
 * back to V_d = QD·Z_d, and then
 *
 *   B⁺_cut = V_k Σ_k⁻¹ U_kᴴ = G_k⁺·Bᴴ,   G_k⁺ = G̃⁻¹ − V_d(Λ_d + μ)⁻¹V_dᴴ,   G̃ = G + μ·V_dV_dᴴ  (μ = σ₁(A)²),
 *
 * since G̃ has the eigenvectors of G with the dropped eigenvalues lifted to λ + μ (G̃⁻¹ = G_k⁺ + V_d(Λ_d + μ)⁻¹V_dᴴ).
 * G̃ is Hermitian positive definite with κ(G̃) ≤ (σ₁² + μ)/cut² ≤ 2/rtol², so solves with its Cholesky factor
 * (shifted-cholesky.ts) are accurate in float64 whenever rtol is large (the caller only takes this path for
 * rtol ≥ 1e-4); nothing divides by a dropped σ. Squaring B costs
 * little accuracy there: the kept values satisfy σ ≥ rtol·σ₁, so κ² of the kept part stays below 1/rtol². An
 * error θ in V_d (≈ ε‖G‖/gap, as for the SVD's singular vectors) perturbs the result by O(θ).
 *
 * B⁺_cut is kept in factors: Bᴴ, the Cholesky factor L of G̃ and W = V_d(Λ_d + μ)^(−½), since
 * G_k⁺ = L⁻ᴴL⁻¹ − WWᴴ. Applying them costs 2n² + 2kn per right-hand side instead of n², but saves the n³ product
 * per block (and G̃⁻¹ itself, n³/3 more), which dominate for the few right-hand sides of a solve.
 *
 * A block whose inverse iteration does not converge or whose G̃ has no Cholesky factor is reported (k = −1) and
 * settled by the caller's SVD instead: never a silently wrong block.
 *
 * Storage, per block g, a slot of {@link gramSlotLength} numbers in `gs` (real parts then imaginary parts):
 * from the blocks (2n²), after pass 1 G's lower triangle (i ≥ j) and, in row j at columns j+2…n−1, the tail of
 * reflector j (whose entry j+1 is 1), row-major; with lag sums (n(n+1): G is formed again in pass 2, cheaper
 * than storing and reloading it) only the tails, packed one after the other. After pass 2, L/√scale as its
 * packed lower triangle (entry (i, j ≤ i) at i(i+1)/2 + j, imaginary parts from n(n+1)/2 on, the diagonal's
 * imaginary slots holding its reciprocals), so the kept factorisation, the page faults on first touch and the
 * copies in and out of the kernels' memory are about half of a full square's; W·√scale goes to a separate store
 * laid out once every block's k is known ({@link gramCountRange}, {@link gramWLayout}). `aux` holds {@link gramAuxLength}(n) numbers: τ (n), diag(T) (n),
 * offdiag(T) (n, the last unused), the phases D (re n, im n) and a bracket [lo, hi] of λ_max(T).
 * For stride-1 convolutions G comes straight from the kernel's lag sums (gram-lags.ts) instead of the block
 * product, and the blocks themselves are never stored: the solve evaluates Bᴴ from the taps
 * ({@link pairedAdjointSums}).
 * The dense work runs on WebAssembly kernels (gram-truncated.wat: the whole Householder reduction with its
 * Hermitian matrix–vector product and rank-2 update, the back-transformation of the dropped eigenvectors, and
 * `hpdFactor`: G̃ = G + μV_dV_dᴴ and its packed Cholesky factor;
 * circular-block.wat's block product), each with its JS twin (`ADJOINT_NO_WASM=1`).
 */
import { complexGaussJordan, type ComplexGaussJordan } from '../../linalg/kernels/complex-gauss-jordan.js';
import { compileWasm } from '../../wasm/load.js';
import { WASM_BASE64 as BLOCK_WASM } from './circular-block.wasm.js';
import { WASM_BASE64 as GRAM_WASM } from './gram-truncated.wasm.js';
import { columnSumsSplitLength, type BlockGeometry } from './circular-kernels.js';
import { gramFromLags, lagSumsStride } from './gram-lags.js';
import { hpdShiftedFactorJs } from './shifted-cholesky.js';

/**
 * Test hook: with `every` > 0, pass 2 reports every block g with g % every === 0 as unsettled (k = −1), so that
 * tests can exercise the caller's SVD fallback. Seen only by the thread that sets it (tests run inline).
 * @example `gramFaults.every = 3`
 */
export const gramFaults = { every: 0 };

/** Numbers per block in the `aux` array of the Gram kernels. @example `gramAuxLength(32) // 192` */
export function gramAuxLength(n: number): number {
  return 6 * n + 2;
}

/**
 * Numbers per block in the `gs` array of the Gram kernels: with lag sums (G recomputed in pass 2) n(n+1), the
 * packed reflector tails after pass 1 and the packed scale·G_k⁺ after pass 2; from the blocks 2n², G's lower
 * triangle and the tails in an n×n square after pass 1, the packed scale·G_k⁺ at its start after pass 2.
 * @example `gramSlotLength(32, true) // 1056`
 */
export function gramSlotLength(n: number, lag: boolean): number {
  return lag ? n * (n + 1) : 2 * n * n;
}

/**
 * #{eigenvalues of the symmetric tridiagonal (d, e²) < x} by the Sturm sequence (LDLᵀ of T − xI, pivots
 * below `pivmin` replaced by −pivmin as in LAPACK's dstebz).
 *
 * @example `sturmCount(3, Float64Array.of(2, 2, 2), Float64Array.of(1, 1), 0, 2, 1e-300) // 1`
 */
export function sturmCount(n: number, d: Float64Array, e2: Float64Array, dOff: number, x: number, pivmin: number): number {
  let q = d[dOff]! - x;
  if (Math.abs(q) < pivmin) q = -pivmin;
  let cnt = q < 0 ? 1 : 0;
  for (let i = 1; i < n; i++) {
    q = d[dOff + i]! - x - e2[i - 1]! / q;
    if (Math.abs(q) < pivmin) q = -pivmin;
    if (q < 0) cnt++;
  }
  return cnt;
}

/** The hemvl/her2l/larf/tridiag/backTransform/lagGram/invit/hpdFactor kernels of gram-truncated.wat and the block product of circular-block.wat, on one memory. */
interface GramKernels {
  hemvl: (m: number, ldb: number, ar: number, ai: number, ur: number, ui: number, pr: number, pi: number) => void;
  her2l: (m: number, ldb: number, ar: number, ai: number, ur: number, ui: number, wr: number, wi: number) => void;
  larf: (m: number, k: number, ldb: number, vr: number, vi: number, ur: number, ui: number, tau: number) => void;
  apply: (rows: number, cols: number, count: number, pr: number, pi: number, yr: number, yi: number, xr: number, xi: number) => void;
  tridiag: (n: number, ar: number, ai: number, ur: number, ui: number, pr: number, pi: number, tr: number, ti: number, tau: number, packed: number) => void;
  backTransform: (n: number, k: number, vr: number, vi: number, tr: number, ti: number, taus: number, ur: number, ui: number, packed: number) => void;
  lagGram: (n: number, kh: number, lags: number, e: number, gr: number, gi: number) => void;
  invit: (n: number, k: number, d: number, e: number, lam: number, z: number, ta: number, tb: number, tc: number, td: number, tin: number, norm: number, sep: number, tiny: number) => number;
  hpdFactor: (n: number, k: number, mu: number, gr: number, gi: number, vr: number, vi: number, inv: number, root: number, ar: number, ai: number, rd: number) => number;
}

const kernelCache = new WeakMap<WebAssembly.Memory, GramKernels | null>();

function gramKernels(memory: WebAssembly.Memory): GramKernels | null {
  let k = kernelCache.get(memory);
  if (k !== undefined) return k;
  const gm = compileWasm('gram-truncated', GRAM_WASM);
  const bm = compileWasm('circular-block', BLOCK_WASM);
  if (gm === null || bm === null) k = null;
  else {
    const g = new WebAssembly.Instance(gm, { env: { memory } }).exports as unknown as Pick<GramKernels, 'hemvl' | 'her2l' | 'larf' | 'tridiag' | 'backTransform' | 'lagGram' | 'invit' | 'hpdFactor'>;
    const b = new WebAssembly.Instance(bm, { env: { memory } }).exports as unknown as Pick<GramKernels, 'apply'>;
    k = { hemvl: g.hemvl, her2l: g.her2l, larf: g.larf, tridiag: g.tridiag, backTransform: g.backTransform, lagGram: g.lagGram, invit: g.invit, hpdFactor: g.hpdFactor, apply: b.apply };
  }
  kernelCache.set(memory, k);
  return k;
}

/** Whether the WebAssembly kernels run for blocks of order n (as {@link work} will decide). */
function gramKernels0(n: number): boolean {
  const ws = complexGaussJordan(n, 1);
  return ws.memory !== null && gramKernels(ws.memory) !== null;
}

/**
 * Workspace of the Gram kernels for blocks of order n (allocated once per range). The dense n×n work lives in
 * `m` (the Gauss–Jordan workspace's WebAssembly memory when the SIMD kernels run, else a plain array), at the
 * element offsets below, split re/im with row stride n: G (gR, gI), Bᵀ or conj(B) (tR, tI) and −Im Bᵀ (tN),
 * the product X (xR, xI; pass 1 also packs the reflector tails there), and vectors u, p (n each); pass 2 keeps
 * 8n² from eR on for the inverse iteration and the operands of `hpdFactor` (G, its Cholesky work matrix, the
 * packed tails, 1/diag L).
 */
interface GramWork {
  n: number;
  ws: ComplexGaussJordan;
  k: GramKernels | null;
  m: Float64Array;
  gR: number;
  gI: number;
  tR: number;
  tI: number;
  tN: number;
  xR: number;
  xI: number;
  eR: number;
  uR: number;
  uI: number;
  pR: number;
  pI: number;
  e2: Float64Array;
  lam: Float64Array;
  lamLo: Float64Array;
  z: Float64Array;
  ta: Float64Array;
  tb: Float64Array;
  tc: Float64Array;
  td: Float64Array;
  tin: Uint8Array;
  cnt: Int32Array;
  sr: Float64Array;
  /** Element offset in `m` of the `extra` numbers asked of {@link work}. */
  xOff: number;
}

function work(n: number, extra = 0): GramWork {
  const nn = n * n;
  const len = 15 * nn + 4 * n + extra;
  const ws = complexGaussJordan(n, 1);
  let k: GramKernels | null = null;
  let m: Float64Array;
  let base = 0;
  if (ws.memory !== null && (k = gramKernels(ws.memory)) !== null) {
    const byte = ws.scratch(8 * len + 16);
    base = Math.ceil(byte / 16) * 2;
    m = new Float64Array(ws.memory.buffer);
  } else m = new Float64Array(len);
  return {
    n,
    ws,
    k,
    m,
    gR: base,
    gI: base + nn,
    tR: base + 2 * nn,
    tI: base + 3 * nn,
    tN: base + 4 * nn,
    xR: base + 5 * nn,
    xI: base + 6 * nn,
    eR: base + 7 * nn,
    uR: base + 15 * nn,
    uI: base + 15 * nn + n,
    pR: base + 15 * nn + 2 * n,
    pI: base + 15 * nn + 3 * n,
    e2: new Float64Array(n),
    lam: new Float64Array(n),
    lamLo: new Float64Array(n),
    z: new Float64Array(nn),
    ta: new Float64Array(n),
    tb: new Float64Array(n),
    tc: new Float64Array(n),
    td: new Float64Array(n),
    tin: new Uint8Array(n),
    cnt: new Int32Array(n),
    sr: new Float64Array(n),
    xOff: base + 15 * nn + 4 * n,
  };
}

/**
 * x[t][j] = Σ_o P[j][o]·y[t][o] (t < count, j < cols, o < rows), all split re/im and row-major in `m` at the
 * given element offsets: the JS twin of circular-block.wat's `apply` (same sums in the same order).
 *
 * @example `applyJs(m, n, n, n, pR, pI, yR, yI, xR, xI) // X = Y·Pᵀ for n×n blocks`
 */
export function applyJs(m: Float64Array, rows: number, cols: number, count: number, pr: number, pi: number, yr: number, yi: number, xr: number, xi: number): void {
  const pairEnd = rows & ~1;
  for (let j = 0; j < cols; j++) {
    const pj = j * rows;
    for (let t = 0; t < count; t++) {
      const yt = t * rows;
      let a0 = 0, a1 = 0, b0 = 0, b1 = 0, c0 = 0, c1 = 0, d0 = 0, d1 = 0;
      let o = 0;
      for (; o < pairEnd; o += 2) {
        const p0 = m[pr + pj + o]!, p1 = m[pr + pj + o + 1]!, q0 = m[pi + pj + o]!, q1 = m[pi + pj + o + 1]!;
        const u0 = m[yr + yt + o]!, u1 = m[yr + yt + o + 1]!, v0 = m[yi + yt + o]!, v1 = m[yi + yt + o + 1]!;
        a0 += p0 * u0;
        a1 += p1 * u1;
        b0 += q0 * v0;
        b1 += q1 * v1;
        c0 += p0 * v0;
        c1 += p1 * v1;
        d0 += q0 * u0;
        d1 += q1 * u1;
      }
      let sr = (a0 - b0) + (a1 - b1);
      let si = (c0 + d0) + (c1 + d1);
      if (o < rows) {
        const fr = m[pr + pj + o]!, fi = m[pi + pj + o]!, gr = m[yr + yt + o]!, gi = m[yi + yt + o]!;
        sr += fr * gr - fi * gi;
        si += fr * gi + fi * gr;
      }
      m[xr + t * cols + j] = sr;
      m[xi + t * cols + j] = si;
    }
  }
}

/**
 * p = S·u for the Hermitian m×m block S at (ar, ai) with row stride ld, from its lower triangle only; u at
 * (ur, ui), p at (pr, pi): JS twin of `hemvl`.
 */
function hemvlJs(a: Float64Array, m: number, ld: number, ar: number, ai: number, ur: number, ui: number, pr: number, pi: number): void {
  a.fill(0, pr, pr + m);
  a.fill(0, pi, pi + m);
  for (let r = 0; r < m; r++) {
    const rb = r * ld;
    const urr = a[ur + r]!, uri = a[ui + r]!;
    let sr = 0, si = 0;
    for (let c = 0; c < r; c++) {
      const xr = a[ar + rb + c]!, xi = a[ai + rb + c]!, vr = a[ur + c]!, vi = a[ui + c]!;
      sr += xr * vr - xi * vi;
      si += xr * vi + xi * vr;
      a[pr + c] = a[pr + c]! + (xr * urr + xi * uri);
      a[pi + c] = a[pi + c]! + (xr * uri - xi * urr);
    }
    const d = a[ar + rb + r]!;
    a[pr + r] = a[pr + r]! + (sr + d * urr);
    a[pi + r] = a[pi + r]! + (si + d * uri);
  }
}

/** S −= u·wᴴ + w·uᴴ on the lower triangle (layout of {@link hemvlJs}): JS twin of `her2l`. */
function her2lJs(a: Float64Array, m: number, ld: number, ar: number, ai: number, ur: number, ui: number, wr: number, wi: number): void {
  for (let r = 0; r < m; r++) {
    const urr = a[ur + r]!, uri = a[ui + r]!, wrr = a[wr + r]!, wri = a[wi + r]!;
    const rb = r * ld;
    for (let c = 0; c <= r; c++) {
      const ucr = a[ur + c]!, uci = a[ui + c]!, wcr = a[wr + c]!, wci = a[wi + c]!;
      a[ar + rb + c] = a[ar + rb + c]! - (urr * wcr + uri * wci + (wrr * ucr + wri * uci));
      a[ai + rb + c] = a[ai + rb + c]! - (uri * wcr - urr * wci + (wri * ucr - wrr * uci));
    }
  }
}

/** v_t −= τ·(uᴴv_t)·u for the k rows of V at (vr, vi) with row stride ld, u at (ur, ui), length m: JS twin of `larf`. */
function larfJs(a: Float64Array, m: number, k: number, ld: number, vr: number, vi: number, ur: number, ui: number, tau: number): void {
  for (let t = 0; t < k; t++) {
    const rb = t * ld;
    let sr = 0, si = 0;
    for (let i = 0; i < m; i++) {
      const gr = a[ur + i]!, gi = a[ui + i]!, fr = a[vr + rb + i]!, fi = a[vi + rb + i]!;
      sr += gr * fr + gi * fi;
      si += gr * fi - gi * fr;
    }
    sr *= tau;
    si *= tau;
    for (let i = 0; i < m; i++) {
      const gr = a[ur + i]!, gi = a[ui + i]!;
      a[vr + rb + i] = a[vr + rb + i]! - (sr * gr - si * gi);
      a[vi + rb + i] = a[vi + rb + i]! - (sr * gi + si * gr);
    }
  }
}

/** Lag sums of the kernel (gram-lags.ts) that give G without the block product (stride 1). */
interface LagSource {
  params: Float64Array;
  sums: Float64Array;
  e: Float64Array;
}

/**
 * The lower triangle of G = BᴴB for block g of `blocks` (interleaved n×n, row-major) into (gR, gI) of w.m, by
 * the block product with P = Bᵀ and y = conj(Bᵀ), row by row, or from the kernel's lag sums when given (a
 * quarter of the work); then Bᴴ (split) replaces B in its slot.
 */
function gram(w: GramWork, blocks: Float64Array, g: number, lag: LagSource | null): void {
  const n = w.n;
  const nn = n * n;
  const m = w.m;
  const base = g * 2 * nn;
  const tR = w.tR, tI = w.tI, tN = w.tN;
  for (let o = 0; o < n; o++) {
    for (let j = 0; j < n; j++) {
      const q = base + 2 * (o * n + j);
      const im = blocks[q + 1]!;
      m[tR + j * n + o] = blocks[q]!;
      m[tI + j * n + o] = im;
      m[tN + j * n + o] = -im;
    }
  }
  if (lag !== null) gramFromLags(lag.params, lag.sums, g, m, w.gR, w.gI, lag.e);
  // Row t of the lower triangle: x[j] = Σ_o Bᵀ[j][o]·conj(Bᵀ[t][o]) = (BᴴB)[t][j] for j ≤ t.
  else for (let t = 0; t < n; t++) {
    if (w.k !== null) w.k.apply(n, t + 1, 1, 8 * tR, 8 * tI, 8 * (tR + t * n), 8 * (tN + t * n), 8 * (w.gR + t * n), 8 * (w.gI + t * n));
    else applyJs(m, n, t + 1, 1, tR, tI, tR + t * n, tN + t * n, w.gR + t * n, w.gI + t * n);
  }
  // Only the lower triangle is ever read (the tridiagonalisation keeps it alone up to date); the diagonal is real.
  for (let i = 0; i < n; i++) m[w.gI + i * n + i] = 0;
  // The block itself is needed from now on only as Bᴴ = conj(Bᵀ) = (tR, tN): it replaces B in its slot.
  blocks.set(m.subarray(tR, tR + nn), base);
  blocks.set(m.subarray(tN, tN + nn), base + nn);
}

/**
 * (JS twin of gram-truncated.wat's `tridiag`, followed by {@link realTridiagonal}.)
 * Householder tridiagonalisation of the Hermitian G at (gR, gI) of w.m (lower triangle; destroyed), reflectors
 * H_j = I − τ_j u_j u_jᴴ (u_j[j+1] = 1, acting on rows j+1…n−1) written to `gs` (tails) and `aux` (τ), then
 * T = D*·(tridiagonal)·D made real: diag, |offdiag| and the phases D written to `aux`.
 */
function tridiagonalise(w: GramWork, gs: Float64Array, gsBase: number, aux: Float64Array, auxBase: number): void {
  // (tails into row j of (gs[gsBase …], gs[gsBase + n² …]), row stride n)
  const n = w.n;
  const nn = n * n;
  const a = w.m, ar = w.gR, ai = w.gI, ur = w.uR, ui = w.uI, pr = w.pR, pi = w.pI;
  const tau = auxBase;
  for (let j = 0; j + 2 < n; j++) {
    const j1 = j + 1;
    let tail = 0;
    for (let i = j + 2; i < n; i++) {
      const x = a[ar + i * n + j]!, y = a[ai + i * n + j]!;
      tail += x * x + y * y;
    }
    if (tail === 0) {
      aux[tau + j] = 0;
      continue;
    }
    const x0r = a[ar + j1 * n + j]!, x0i = a[ai + j1 * n + j]!;
    const a0 = Math.sqrt(x0r * x0r + x0i * x0i);
    const nx = Math.sqrt(a0 * a0 + tail);
    const cr = a0 > 0 ? x0r / a0 : 1, ci = a0 > 0 ? x0i / a0 : 0;
    // u = x − β e₁ with β = −phase(x₀)·‖x‖, scaled so that u₀ = 1: u_i = x_i / (phase·(|x₀| + ‖x‖)).
    const s = a0 + nx;
    const t = s / nx;
    aux[tau + j] = t;
    const qr = cr / s, qi = -ci / s;
    a[ur + j1] = 1;
    a[ui + j1] = 0;
    for (let i = j + 2; i < n; i++) {
      const x = a[ar + i * n + j]!, y = a[ai + i * n + j]!;
      const vr = x * qr - y * qi, vi = x * qi + y * qr;
      a[ur + i] = vr;
      a[ui + i] = vi;
      gs[gsBase + j * n + i] = vr;
      gs[gsBase + nn + j * n + i] = vi;
    }
    // the new subdiagonal entry β (the zeros below it are never read again)
    a[ar + j1 * n + j] = -cr * nx;
    a[ai + j1 * n + j] = -ci * nx;
    // p = S·u over the trailing block S = A[j+1.., j+1..]
    const m = n - j1;
    const so = j1 * n + j1;
    hemvlJs(a, m, n, ar + so, ai + so, ur + j1, ui + j1, pr + j1, pi + j1);
    // K = (τ²/2)·uᴴSu is real; w = τ·p − K·u
    let kr = 0;
    for (let r = j1; r < n; r++) kr += a[ur + r]! * a[pr + r]! + a[ui + r]! * a[pi + r]!;
    const K = 0.5 * t * t * kr;
    for (let r = j1; r < n; r++) {
      a[pr + r] = t * a[pr + r]! - K * a[ur + r]!;
      a[pi + r] = t * a[pi + r]! - K * a[ui + r]!;
    }
    her2lJs(a, m, n, ar + so, ai + so, ur + j1, ui + j1, pr + j1, pi + j1);
  }
  realTridiagonal(w, aux, auxBase);
}

/** T = D*·A·D made real from the reduced A in (gR, gI) of w.m: diag, |offdiag| and the phases D into `aux`. */
function realTridiagonal(w: GramWork, aux: Float64Array, auxBase: number): void {
  const n = w.n;
  const a = w.m, ar = w.gR, ai = w.gI;
  const dd = auxBase + n, ee = auxBase + 2 * n, phr = auxBase + 3 * n, phi = auxBase + 4 * n;
  // Real T = D*·A·D: δ₀ = 1, δ_{j+1} = δ_j·c_j/|c_j| for the subdiagonal c_j.
  let dr = 1, di = 0;
  for (let j = 0; j < n; j++) {
    aux[dd + j] = a[ar + j * n + j]!;
    aux[phr + j] = dr;
    aux[phi + j] = di;
    if (j + 1 < n) {
      const cr = a[ar + (j + 1) * n + j]!, ci = a[ai + (j + 1) * n + j]!;
      const mg = Math.sqrt(cr * cr + ci * ci);
      aux[ee + j] = mg;
      if (mg > 0) {
        const nr = (dr * cr - di * ci) / mg;
        di = (dr * ci + di * cr) / mg;
        dr = nr;
      }
    } else aux[ee + j] = 0;
  }
}

/** Gershgorin interval of T and the Sturm pivot floor, from aux. */
function gershgorin(n: number, aux: Float64Array, auxBase: number, e2: Float64Array): { lo: number; hi: number; pivmin: number } {
  const dd = auxBase + n, ee = auxBase + 2 * n;
  let lo = Infinity, hi = -Infinity, emax = 1;
  for (let i = 0; i < n; i++) {
    const r = (i > 0 ? aux[ee + i - 1]! : 0) + (i + 1 < n ? aux[ee + i]! : 0);
    lo = Math.min(lo, aux[dd + i]! - r);
    hi = Math.max(hi, aux[dd + i]! + r);
    if (i + 1 < n) {
      e2[i] = aux[ee + i]! * aux[ee + i]!;
      emax = Math.max(emax, e2[i]!);
    }
  }
  const span = Math.max(Math.abs(lo), Math.abs(hi));
  const slack = 4 * 2 ** -52 * span * n + 1e-300;
  return { lo: lo - slack, hi: hi + slack, pivmin: 2 ** -1020 * emax };
}

/** Points and counts of one {@link bisect} step (per thread: each worker has its own module instance). */
const msX = new Float64Array(4);
const msC = new Int32Array(4);
/** The distinct open brackets of one multisection step in smallEigenpairs. */
const msD = new Int32Array(4);
/** Counts at the bracket ends, Newton iterates and derivative sums of smallEigenpairs (k ≤ 4). */
const msLo = new Int32Array(4);
const msHi = new Int32Array(4);
const msN = new Float64Array(4);
const msS = new Float64Array(4);

/**
 * Multisection for eigenvalue number `t` (0-based, ascending) of T in [lo, hi] (count(lo) ≤ t < count(hi)):
 * each step counts at the four points that cut the bracket into fifths (side by side, {@link sturmCounts4}: about
 * the time of one count) and keeps the fifth that holds the eigenvalue, until the bracket's relative width is
 * ≤ `rel` (or no double lies strictly inside). Returns [lo, hi].
 */
function bisect(n: number, aux: Float64Array, dOff: number, e2: Float64Array, t: number, lo: number, hi: number, rel: number, pivmin: number, out: Float64Array, abs = 0): void {
  for (let it = 0; it < 200; it++) {
    const w = hi - lo;
    if (w <= Math.max(abs, rel * Math.max(Math.abs(lo), Math.abs(hi)))) break;
    let na = 0;
    for (let j = 1; j <= 4; j++) {
      const x = lo + w * (j / 5);
      if (x > lo && x < hi && (na === 0 || x > msX[na - 1]!)) msX[na++] = x;
    }
    if (na === 0) break;
    sturmCounts4(n, aux, dOff, e2, msX, na, pivmin, msC);
    let nlo = lo, nhi = hi;
    for (let a = 0; a < na; a++) {
      if (msC[a]! > t) {
        nhi = msX[a]!;
        break;
      }
      nlo = msX[a]!;
    }
    lo = nlo;
    hi = nhi;
  }
  out[0] = lo;
  out[1] = hi;
}

/**
 * Pass 1 over blocks g in [start, end): G = BᴴB from block g of `blocks` (interleaved n×n, row-major; replaced
 * by Bᴴ in the split layout), its lower triangle and Householder reflectors into `gs`, T and a bracket of λ_max(T) (relative width 1e-3) into
 * `aux` (layout in the module comment). With `lagParams` = [n, kh, n1, d1, g2h] and `lagSums` (gram-lags.ts,
 * stride-1 convolutions) G comes from the lag sums instead of the block product.
 *
 * @example `gramTridiagRange(32, blocks, gs, aux, 0, count)`
 */
export function gramTridiagRange(n: number, blocks: Float64Array, gs: Float64Array, aux: Float64Array, start: number, end: number, lagParams?: Float64Array, lagSums?: Float64Array): void {
  const w = work(n);
  const lag: LagSource | null = lagParams !== undefined && lagSums !== undefined && lagSums.length > 0 ? { params: lagParams, sums: lagSums, e: new Float64Array(2 * lagParams[1]!) } : null;
  const AUX = gramAuxLength(n);
  const br2 = new Float64Array(2);
  for (let g = start; g < end; g++) {
    gram(w, blocks, g, lag);
    tridiagBlock(w, gs, aux, g, AUX, br2, false);
  }
}

/**
 * The rest of pass 1 for block g once G's lower triangle is in (gR, gI) of w.m: tridiagonal form, G and the
 * reflector tails into the block's slot of `gs` (`packed`: the tails alone, packed), bracket of λ_max.
 */
function tridiagBlock(w: GramWork, gs: Float64Array, aux: Float64Array, g: number, AUX: number, br2: Float64Array, packed: boolean): void {
  const n = w.n;
  const auxBase = g * AUX;
  const m = w.m;
  const half = (n * (n + 1)) / 2;
  if (w.k !== null && packed) {
    // The whole reduction in one WebAssembly call, the tails packed straight into X (τ in the pass-2 area), then
    // out in one copy.
    const tau = w.eR, pk = w.xR;
    w.k.tridiag(n, 8 * w.gR, 8 * w.gI, 8 * w.uR, 8 * w.uI, 8 * w.pR, 8 * w.pI, 8 * pk, 8 * (pk + half), 8 * tau, 1);
    for (let j = 0; j + 2 < n; j++) aux[auxBase + j] = m[tau + j]!;
    realTridiagonal(w, aux, auxBase);
    gs.set(m.subarray(pk, pk + 2 * half), g * 2 * half);
  } else {
    tridiagSquare(w, gs, aux, g, AUX, packed);
  }
  const gb = gershgorin(n, aux, auxBase, w.e2);
  bisect(n, aux, auxBase + n, w.e2, n - 1, gb.lo, gb.hi, 1e-3, gb.pivmin, br2);
  aux[auxBase + 5 * n] = br2[0]!;
  aux[auxBase + 5 * n + 1] = br2[1]!;
}

/** {@link tridiagBlock}'s reduction with the tails in the rows of X next to G's lower triangle (then packed alone when `packed`: the JS path). */
function tridiagSquare(w: GramWork, gs: Float64Array, aux: Float64Array, g: number, AUX: number, packed: boolean): void {
  const n = w.n;
  const nn = n * n;
  const auxBase = g * AUX;
  const m = w.m;
  // G kept in X (lower triangle) receives the reflector tails above its superdiagonal; τ lands in aux.
  const sR = w.xR, sI = w.xI;
  m.copyWithin(sR, w.gR, w.gR + nn);
  m.copyWithin(sI, w.gI, w.gI + nn);
  if (w.k !== null) {
    // The whole reduction in one WebAssembly call (τ in the pass-2 area first).
    const tau = w.eR;
    w.k.tridiag(n, 8 * w.gR, 8 * w.gI, 8 * w.uR, 8 * w.uI, 8 * w.pR, 8 * w.pI, 8 * sR, 8 * sI, 8 * tau, 0);
    for (let j = 0; j + 2 < n; j++) aux[auxBase + j] = m[tau + j]!;
    realTridiagonal(w, aux, auxBase);
  } else tridiagonalise(w, m, sR, aux, auxBase);
  if (packed) {
    // Only the tails, packed (tail j, of length n − j − 2, after those of j' < j): real parts, then imaginary parts
    // from n(n+1)/2 on; one copy out.
    const half = (n * (n + 1)) / 2, pk = w.eR;
    let q = pk;
    for (let j = 0; j + 2 < n; j++) {
      const r = j * n;
      for (let i = j + 2; i < n; i++, q++) {
        m[q] = m[sR + r + i]!;
        m[q + half] = m[sI + r + i]!;
      }
    }
    gs.set(m.subarray(pk, pk + 2 * half), g * 2 * half);
  } else gs.set(m.subarray(sR, sR + 2 * nn), g * 2 * nn);
}

/**
 * The adjoint blocks' column sums for the solve after {@link gramLagTridiagRange}, regrouped for real weights (so
 * that evaluating B(g)ᴴ costs half the arithmetic), for column frequencies g2 in [start, end) (all by default).
 * B(g)ᴴ = Σ_u M_u·e^{−iθ_u} with M_u[c][o] = conj(Σ_v K[o][c][u][v]·e^{iφ_v}) (φ_v = 2π·g2·(v·d2 − left)/n2) and
 * θ_u = 2π·g1·(u·d1 − top)/n1. With c = (kh − 1)/2, e^{−iθ_u} = e^{−iψ}·e^{−iφ(u−c)} (φ = 2π·g1·d1/n1,
 * ψ = 2π·g1·(c·d1 − top)/n1), so the taps u < c and u' = kh − 1 − u pair up with δ = c − u:
 * M_u·e^{iφδ} + M_u'·e^{−iφδ} = (M_u + M_u')·cos φδ + i(M_u − M_u')·sin φδ, and an odd kh's centre tap has weight
 * 1. Layout [g2][term][c][o], split re/im (the imaginary half from columnSumsSplitLength/2 on), terms S_0, D_0,
 * S_1, D_1, …, centre with S_p = M_p + M_p' and D_p = i(M_p − M_p'); circular-kernels.ts's pairedWeights gives
 * their weights and e^{−iψ}. `w` is the dense `[n, n, kh, kw]` kernel, `geom` a stride-1 geometry.
 *
 * @example `const ps = pairedAdjointSums(geom, w)`
 */
export function pairedAdjointSums(geom: BlockGeometry, w: Float64Array, out: Float64Array = new Float64Array(columnSumsSplitLength(geom)), start = 0, end = geom[14]!): Float64Array {
  const n = geom[0]!, kh = geom[2]!, kw = geom[3]!, n2 = geom[5]!, d2 = geom[11]!, left = geom[13]!;
  const nn = n * n, kk = kh * kw;
  const half = out.length / 2;
  const er = new Float64Array(kw), ei = new Float64Array(kw);
  // M_u of one (c, o) pair for every u: re, im
  const mr = new Float64Array(kh), mi = new Float64Array(kh);
  for (let g2 = start; g2 < end; g2++) {
    for (let v = 0; v < kw; v++) {
      const th = (2 * Math.PI * (((g2 * (v * d2 - left)) % n2) + n2)) / n2;
      er[v] = Math.cos(th);
      ei[v] = Math.sin(th);
    }
    const b = g2 * kh * nn;
    for (let c = 0; c < n; c++) {
      for (let o = 0; o < n; o++) {
        const kb = (o * n + c) * kk;
        for (let u = 0; u < kh; u++) {
          let re = 0, im = 0;
          for (let v = 0; v < kw; v++) {
            const kv = w[kb + u * kw + v]!;
            re += kv * er[v]!;
            im += kv * ei[v]!;
          }
          mr[u] = re;
          mi[u] = -im;
        }
        const q = b + c * n + o;
        for (let p = 0; 2 * p + 1 < kh; p++) {
          const u = p, u2 = kh - 1 - p, sp = q + 2 * p * nn, dp = sp + nn;
          out[sp] = mr[u]! + mr[u2]!;
          out[half + sp] = mi[u]! + mi[u2]!;
          out[dp] = -(mi[u]! - mi[u2]!);
          out[half + dp] = mr[u]! - mr[u2]!;
        }
        if (kh % 2 === 1) {
          const ct = q + (kh - 1) * nn;
          out[ct] = mr[(kh - 1) / 2]!;
          out[half + ct] = mi[(kh - 1) / 2]!;
        }
      }
    }
  }
  return out;
}

/**
 * G of block g from the lag sums into w.m at (outR, outI) (real and imaginary planes): the WebAssembly kernel,
 * given the row phases (cos θ_a, sin θ_a) at `eOff` and the lag sums copied to `lOff`, or the JS twin.
 */
function gramOfBlock(w: GramWork, g: number, lagParams: Float64Array, lagSums: Float64Array, lOff: number, eOff: number, eLag: Float64Array, outR: number, outI: number): void {
  if (w.k === null) {
    gramFromLags(lagParams, lagSums, g, w.m, outR, outI, eLag);
    return;
  }
  const n = lagParams[0]!, kh = lagParams[1]!, n1 = lagParams[2]!, d1 = lagParams[3]!, g2h = lagParams[4]!;
  const m = w.m;
  const g1 = Math.floor(g / g2h);
  for (let a = 1; a < kh; a++) {
    const th = (2 * Math.PI * ((((g1 * a * d1) % n1) + n1) % n1)) / n1;
    m[eOff + 2 * a] = Math.cos(th);
    m[eOff + 2 * a + 1] = Math.sin(th);
  }
  w.k.lagGram(n, kh, 8 * (lOff + (g - g1 * g2h) * lagSumsStride(n, kh)), 8 * eOff, 8 * outR, 8 * outI);
}

/**
 * Pass 1 for a stride-1 square convolution, without the blocks themselves: per block g in [start, end), G from
 * the lag sums (gram-lags.ts; `lagParams` = [n, kh, n1, d1, g2h, top]), ‖B‖_F² = tr G into `fro[g]`, then the
 * tridiagonal form and bracket of λ_max into `gs` and `aux` as in {@link gramTridiagRange}. The solve
 * evaluates Bᴴ itself (circular-kernels.ts, from {@link pairedAdjointSums}), so nothing else is stored.
 *
 * @example `gramLagTridiagRange(lagParams, lagSums, gs, aux, fro, 0, count)`
 */
export function gramLagTridiagRange(lagParams: Float64Array, lagSums: Float64Array, gs: Float64Array, aux: Float64Array, fro: Float64Array, start: number, end: number): void {
  const n = lagParams[0]!, kh = lagParams[1]!, g2h = lagParams[4]!;
  // WebAssembly: the lag sums travel into the kernels' memory once per call, (cos θ_a, sin θ_a) after them.
  const wasm = gramKernels0(n);
  const w = work(n, wasm ? lagSums.length + 2 * kh : 0);
  const m = w.m;
  const lOff = w.xOff, eOff = lOff + lagSums.length;
  if (w.k !== null) m.set(lagSums, lOff);
  const eLag = new Float64Array(2 * kh);
  const AUX = gramAuxLength(n);
  const br2 = new Float64Array(2);
  // Column-major over the range (g2 outer): the lag sums of one column frequency (tens of KiB) then stay in cache
  // for all its blocks instead of streaming in again for each.
  for (let it = new ColumnOrder(start, end, g2h), g = it.next(); g >= 0; g = it.next()) {
    gramOfBlock(w, g, lagParams, lagSums, lOff, eOff, eLag, w.gR, w.gI);
    let tr = 0;
    for (let i = 0; i < n; i++) tr += m[w.gR + i * n + i]!;
    fro[g] = tr;
    tridiagBlock(w, gs, aux, g, AUX, br2, true);
  }
}

/**
 * λ_max(T) of block g to full precision (from the pass-1 data in `aux`).
 *
 * @example `const lmax = gramLambdaMax(32, aux, g)`
 */
export function gramLambdaMax(n: number, aux: Float64Array, g: number): number {
  const auxBase = g * gramAuxLength(n);
  const e2 = new Float64Array(n);
  const gb = gershgorin(n, aux, auxBase, e2);
  const out = new Float64Array(2);
  bisect(n, aux, auxBase + n, e2, n - 1, aux[auxBase + 5 * n]!, aux[auxBase + 5 * n + 1]!, 0, gb.pivmin, out);
  return out[1]!;
}

/**
 * Inverse-iteration steps per eigenvector. The shifts are good to 1e-12·‖T‖ (smallEigenpairs), so each step
 * shrinks the error of a vector by about 1e-12·‖T‖/gap (gap: to the nearest eigenvalue outside its cluster), and
 * two leave it below 1e-10 for any gap above 1e-7·‖T‖ — under float32's resolution of the result even where a
 * kept and a dropped value sit that close to the cut-off (closer, the cut itself is at rounding level). A vector
 * that misses the residual test is retried from another start, then its block goes to the SVD.
 * gram-truncated.wat's `invit` takes the same number.
 */
const INVIT_STEPS = 2;

/** Deterministic start vectors for inverse iteration (entries in (−1, 1), never all small). */
function startVector(z: Float64Array, off: number, n: number, seed: number): void {
  let s = (seed * 2654435761 + 12345) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    z[off + i] = s / 2 ** 31 - 1 + (i === seed % n ? 2 : 0);
  }
}

/**
 * LU with partial pivoting of the tridiagonal T − λI (as LAPACK's dlagtf): ta the reciprocal pivots, tb first and
 * td second superdiagonal, tc multipliers, tin row swaps. Zero pivots become `tiny` (inverse iteration wants a huge, not
 * an infinite, solution).
 */
function factorShifted(w: GramWork, aux: Float64Array, dOff: number, eOff: number, lambda: number, tiny: number): void {
  const n = w.n;
  const a = w.ta, b = w.tb, c = w.tc, d = w.td, tin = w.tin;
  for (let i = 0; i < n; i++) {
    a[i] = aux[dOff + i]! - lambda;
    b[i] = i + 1 < n ? aux[eOff + i]! : 0;
    c[i] = i + 1 < n ? aux[eOff + i]! : 0;
    d[i] = 0;
  }
  for (let k = 0; k + 1 < n; k++) {
    if (Math.abs(c[k]!) <= Math.abs(a[k]!)) {
      tin[k] = 0;
      if (a[k] === 0) a[k] = tiny;
      const mult = c[k]! / a[k]!;
      c[k] = mult;
      a[k + 1] = a[k + 1]! - mult * b[k]!;
    } else {
      tin[k] = 1;
      const mult = a[k]! / c[k]!;
      a[k] = c[k]!;
      const temp = a[k + 1]!;
      a[k + 1] = b[k]! - mult * temp;
      if (k + 2 < n) {
        d[k] = b[k + 1]!;
        b[k + 1] = -mult * d[k]!;
      }
      b[k] = temp;
      c[k] = mult;
    }
  }
  // Pivots are stored as reciprocals: the solves then multiply (three solves per factorisation).
  for (let k = 0; k < n; k++) {
    if (Math.abs(a[k]!) < tiny) a[k] = a[k]! < 0 ? -tiny : tiny;
    a[k] = 1 / a[k]!;
  }
}

/** Solves the factored system in place on z[off … off+n). */
function solveShifted(w: GramWork, z: Float64Array, off: number): void {
  const n = w.n;
  const a = w.ta, b = w.tb, c = w.tc, d = w.td, tin = w.tin;
  for (let k = 0; k + 1 < n; k++) {
    if (tin[k] === 0) z[off + k + 1] = z[off + k + 1]! - c[k]! * z[off + k]!;
    else {
      const temp = z[off + k]!;
      z[off + k] = z[off + k + 1]!;
      z[off + k + 1] = temp - c[k]! * z[off + k]!;
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = z[off + k]!;
    if (k + 1 < n) s -= b[k]! * z[off + k + 1]!;
    if (k + 2 < n) s -= d[k]! * z[off + k + 2]!;
    z[off + k] = s * a[k]!;
  }
}

/**
 * Sturm counts (as {@link sturmCount}) at up to four points xs[0 … na) at once, into cs: the four recurrences
 * run in locals side by side (unused lanes repeat point 0). With `ss`, also S = Σ_i q_i′/q_i (see
 * {@link sturmNewton4}).
 */
function sturmCounts4(n: number, aux: Float64Array, dOff: number, e2: Float64Array, xs: Float64Array, na: number, pivmin: number, cs: Int32Array, ss: Float64Array | null = null): void {
  const x0 = xs[0]!, x1 = na > 1 ? xs[1]! : x0, x2 = na > 2 ? xs[2]! : x0, x3 = na > 3 ? xs[3]! : x0;
  const d0 = aux[dOff]!;
  let q0 = d0 - x0, q1 = d0 - x1, q2 = d0 - x2, q3 = d0 - x3;
  if (Math.abs(q0) < pivmin) q0 = -pivmin;
  if (Math.abs(q1) < pivmin) q1 = -pivmin;
  if (Math.abs(q2) < pivmin) q2 = -pivmin;
  if (Math.abs(q3) < pivmin) q3 = -pivmin;
  let c0 = q0 < 0 ? 1 : 0, c1 = q1 < 0 ? 1 : 0, c2 = q2 < 0 ? 1 : 0, c3 = q3 < 0 ? 1 : 0;
  // One division per step and point: the reciprocal of q serves both recurrences (division throughput bounds
  // these sweeps); u = q′/q and S = Σ u only when ss is wanted (a loop-invariant branch).
  const withS = ss !== null;
  let r0 = 1 / q0, r1 = 1 / q1, r2 = 1 / q2, r3 = 1 / q3;
  let u0 = -r0, u1 = -r1, u2 = -r2, u3 = -r3;
  let s0 = u0, s1 = u1, s2 = u2, s3 = u3;
  for (let i = 1; i < n; i++) {
    const di = aux[dOff + i]!, ei = e2[i - 1]!;
    const t0 = ei * r0, t1 = ei * r1, t2 = ei * r2, t3 = ei * r3;
    q0 = di - x0 - t0;
    q1 = di - x1 - t1;
    q2 = di - x2 - t2;
    q3 = di - x3 - t3;
    if (Math.abs(q0) < pivmin) q0 = -pivmin;
    if (Math.abs(q1) < pivmin) q1 = -pivmin;
    if (Math.abs(q2) < pivmin) q2 = -pivmin;
    if (Math.abs(q3) < pivmin) q3 = -pivmin;
    if (q0 < 0) c0++;
    if (q1 < 0) c1++;
    if (q2 < 0) c2++;
    if (q3 < 0) c3++;
    r0 = 1 / q0;
    r1 = 1 / q1;
    r2 = 1 / q2;
    r3 = 1 / q3;
    if (withS) {
      u0 = (t0 * u0 - 1) * r0;
      u1 = (t1 * u1 - 1) * r1;
      u2 = (t2 * u2 - 1) * r2;
      u3 = (t3 * u3 - 1) * r3;
      s0 += u0;
      s1 += u1;
      s2 += u2;
      s3 += u3;
    }
  }
  cs[0] = c0;
  if (na > 1) cs[1] = c1;
  if (na > 2) cs[2] = c2;
  if (na > 3) cs[3] = c3;
  if (ss === null) return;
  ss[0] = s0;
  if (na > 1) ss[1] = s1;
  if (na > 2) ss[2] = s2;
  if (na > 3) ss[3] = s3;
}

/**
 * The k smallest eigenpairs of T (block data in `aux`): eigenvalues by bisection into w.lam, orthonormal
 * eigenvectors by inverse iteration (re-orthogonalised against the earlier ones) into rows of w.z. Returns
 * false when an eigenvector fails its residual test ‖Tz − λz‖ ≤ 1e-10·‖T‖.
 */
function smallEigenpairs(w: GramWork, aux: Float64Array, auxBase: number, k: number, cut2: number): boolean {
  const n = w.n;
  const dOff = auxBase + n, eOff = auxBase + 2 * n;
  const gb = gershgorin(n, aux, auxBase, w.e2);
  const norm = Math.max(Math.abs(gb.lo), Math.abs(gb.hi), 1e-300);
  // All k brackets shrink together: every Sturm count at x tightens each bracket (eigenvalue s < count(x) lies
  // below x, the others above), and the k sequences of one sweep are independent, so their divisions overlap.
  // T is positive semidefinite up to rounding: start just below 0 when the count there confirms it.
  const lo = w.lamLo, hi = w.lam, xs = w.ta, qs = w.tb, cs = w.cnt;
  let l0 = -4 * n * 2 ** -52 * norm - gb.pivmin;
  if (l0 < gb.lo || sturmCount(n, aux, w.e2, dOff, l0, gb.pivmin) !== 0) l0 = gb.lo;
  const h0 = Math.min(cut2, gb.hi);
  // (k < n here, so count(h0) = count(cut²) = k; count(l0) = 0.) nlo/nhi track the counts at the bracket ends.
  const nlo = msLo, nhi = msHi, nx = msN;
  for (let t = 0; t < k; t++) {
    lo[t] = l0;
    hi[t] = h0;
    if (t < 4) {
      nlo[t] = 0;
      nhi[t] = k;
      nx[t] = NaN;
    }
  }
  // Shifts good to 1e-12·‖T‖ suffice: inverse iteration converges from there in a step or two.
  const tol = 1e-12 * norm;
  const e2 = w.e2;
  for (let sweep = 0; sweep < 200; sweep++) {
    let na = 0;
    if (k <= 4) {
      // Once every open bracket holds exactly one eigenvalue (count t at lo, t + 1 at hi), safeguarded Newton steps
      // on det(T − xI) (sturmNewton4: the Sturm recurrence with its derivative, side by side) replace the
      // multisection: quadratic convergence instead of a factor 2–5 per sweep. Each step's count still narrows
      // the bracket, a step that leaves it is replaced by the midpoint, and a step below tol ends the bracket.
      let open = 0, isolated = true;
      for (let t = 0; t < k; t++) {
        const mid = 0.5 * (lo[t]! + hi[t]!);
        if (!(hi[t]! - lo[t]! > tol && mid > lo[t]! && mid < hi[t]!)) continue;
        open++;
        if (nlo[t] !== t || nhi[t] !== t + 1) isolated = false;
      }
      if (open === 0) break;
      if (isolated) {
        for (let t = 0; t < k; t++) {
          const l = lo[t]!, h = hi[t]!, mid = 0.5 * (l + h);
          if (!(h - l > tol && mid > l && mid < h)) continue;
          msD[na] = t;
          xs[na++] = nx[t]! > l && nx[t]! < h ? nx[t]! : mid;
        }
        sturmNewton4(n, aux, dOff, e2, xs, na, gb.pivmin, cs, msS);
        for (let a = 0; a < na; a++) {
          const t = msD[a]!, x = xs[a]!;
          if (cs[a]! <= t) {
            lo[t] = x;
            nlo[t] = cs[a]!;
          } else {
            hi[t] = x;
            nhi[t] = cs[a]!;
          }
          const step = 1 / msS[a]!;
          const xn = x - step;
          if (Math.abs(step) <= tol && xn >= lo[t]! && xn <= hi[t]!) {
            lo[t] = xn;
            hi[t] = xn;
          } else nx[t] = xn;
        }
        continue;
      }
      // Up to four counts cost about one (sturmCounts4): the distinct open brackets (equal ones are adjacent, the
      // brackets being nested in t) share four points, each cut into equal parts (multisection).
      let nd = 0;
      for (let t = 0; t < k; t++) {
        const mid = 0.5 * (lo[t]! + hi[t]!);
        if (!(hi[t]! - lo[t]! > tol && mid > lo[t]! && mid < hi[t]!)) continue;
        if (nd > 0 && lo[t] === lo[msD[nd - 1]!] && hi[t] === hi[msD[nd - 1]!]) continue;
        msD[nd++] = t;
      }
      if (nd === 0) break;
      const per = Math.floor(4 / nd), extra = 4 - per * nd;
      for (let d = 0; d < nd; d++) {
        const t = msD[d]!, parts = per + (d < extra ? 1 : 0) + 1, l = lo[t]!, h = hi[t]!;
        for (let j = 1; j < parts; j++) {
          const x = l + (h - l) * (j / parts);
          if (x > l && x < h && (na === 0 || x !== xs[na - 1])) xs[na++] = x;
        }
      }
      if (na === 0) break;
      sturmCounts4(n, aux, dOff, e2, xs, na, gb.pivmin, cs);
      narrowBrackets(xs, cs, na, lo, hi, k, nlo, nhi);
      continue;
    }
    for (let t = 0; t < k; t++) {
      const mid = 0.5 * (lo[t]! + hi[t]!);
      if (hi[t]! - lo[t]! > tol && mid > lo[t]! && mid < hi[t]!) xs[na++] = mid;
    }
    if (na === 0) break;
    for (let a = 0; a < na; a++) {
      let q = aux[dOff]! - xs[a]!;
      if (Math.abs(q) < gb.pivmin) q = -gb.pivmin;
      qs[a] = q;
      cs[a] = q < 0 ? 1 : 0;
    }
    for (let i = 1; i < n; i++) {
      const di = aux[dOff + i]!, ei = e2[i - 1]!;
      for (let a = 0; a < na; a++) {
        let q = di - xs[a]! - ei / qs[a]!;
        if (Math.abs(q) < gb.pivmin) q = -gb.pivmin;
        qs[a] = q;
        if (q < 0) cs[a] = cs[a]! + 1;
      }
    }
    narrowBrackets(xs, cs, na, lo, hi, k);
  }
  for (let t = 0; t < k; t++) w.lam[t] = 0.5 * (lo[t]! + hi[t]!);
  const z = w.z;
  const sep = 1e3 * 2 ** -52 * norm;
  const tiny = 2 ** -52 * norm * 1e-3;
  if (w.k !== null) {
    // The inverse iteration below, in one WebAssembly call (invit) on copies in the pass-2 area of w.m: d, e,
    // the shifts, the LU (ta … td, tin) and the vectors.
    const m = w.m, b = w.eR;
    const d = b, e = b + n, lam = b + 2 * n, ta = b + 3 * n, zz = b + 8 * n;
    for (let i = 0; i < n; i++) {
      m[d + i] = aux[dOff + i]!;
      m[e + i] = aux[eOff + i]!;
    }
    for (let t = 0; t < k; t++) m[lam + t] = w.lam[t]!;
    const ok = w.k.invit(n, k, 8 * d, 8 * e, 8 * lam, 8 * zz, 8 * ta, 8 * (ta + n), 8 * (ta + 2 * n), 8 * (ta + 3 * n), 8 * (ta + 4 * n), norm, sep, tiny);
    for (let t = 0; t < k; t++) w.lam[t] = m[lam + t]!;
    z.set(m.subarray(zz, zz + k * n));
    return ok === 1;
  }
  // A gap above 1e-3·‖T‖ (LAPACK dstein's ortol) starts a new cluster: inverse iteration leaves vectors of
  // different clusters orthogonal to working accuracy (≈ ε‖T‖/gap), so each vector is orthogonalised against the
  // earlier ones of its own cluster only.
  let c0 = 0;
  for (let t = 0; t < k; t++) {
    // Separate equal shifts inside a cluster slightly (as LAPACK's dstein) so that the solves differ.
    let lam = w.lam[t]!;
    if (t > 0 && lam - w.lam[t - 1]! > 1e-3 * norm) c0 = t;
    if (t > 0 && lam - w.lam[t - 1]! < sep) lam = w.lam[t - 1]! + sep;
    w.lam[t] = lam;
    factorShifted(w, aux, dOff, eOff, lam, tiny);
    const off = t * n;
    let ok = false;
    for (let attempt = 0; attempt < 3 && !ok; attempt++) {
      startVector(z, off, n, t + 7 * attempt);
      for (let it = 0; it < INVIT_STEPS; it++) {
        solveShifted(w, z, off);
        // Orthogonalise against the earlier eigenvectors (twice is enough), then normalise.
        for (let pass = 0; pass < 2; pass++) {
          for (let s = c0; s < t; s++) {
            let dot = 0;
            for (let i = 0; i < n; i++) dot += z[s * n + i]! * z[off + i]!;
            for (let i = 0; i < n; i++) z[off + i] = z[off + i]! - dot * z[s * n + i]!;
          }
        }
        let nrm = 0;
        for (let i = 0; i < n; i++) nrm += z[off + i]! * z[off + i]!;
        nrm = Math.sqrt(nrm);
        if (!(nrm > 0) || !Number.isFinite(nrm)) break;
        const inv = 1 / nrm;
        for (let i = 0; i < n; i++) z[off + i] = z[off + i]! * inv;
      }
      // residual ‖Tz − λz‖ against ‖T‖ (λ the unperturbed estimate would do as well)
      let res = 0;
      let nz = 0;
      for (let i = 0; i < n; i++) {
        let r = (aux[dOff + i]! - lam) * z[off + i]!;
        if (i > 0) r += aux[eOff + i - 1]! * z[off + i - 1]!;
        if (i + 1 < n) r += aux[eOff + i]! * z[off + i + 1]!;
        res += r * r;
        nz += z[off + i]! * z[off + i]!;
      }
      ok = Math.abs(nz - 1) < 1e-8 && Math.sqrt(res) <= 1e-10 * norm + sep;
    }
    if (!ok) return false;
  }
  return true;
}

/**
 * The number of dropped eigenvalues k = #{λ(T) < cut²} of every block g in [start, end) into `kOut` (a Sturm count
 * on pass 1's tridiagonal form), so that the caller can lay out the W store before pass 2.
 *
 * @example `gramCountRange(32, aux, cut * cut, kOut, 0, count)`
 */
export function gramCountRange(n: number, aux: Float64Array, cut2: number, kOut: Int32Array, start: number, end: number): void {
  const AUX = gramAuxLength(n);
  const e2 = new Float64Array(n);
  for (let g = start; g < end; g++) {
    const gb = gershgorin(n, aux, g * AUX, e2);
    kOut[g] = sturmCount(n, aux, e2, g * AUX + n, cut2, gb.pivmin);
  }
}

/**
 * Where block g's W = V_d·√(scale·F) starts in the W store (`woff[g]`, 2kn numbers: real parts of its k rows,
 * then imaginary parts) for the counts of {@link gramCountRange}, and the store's length (k = n stores nothing).
 *
 * @example `const { woff, total } = gramWLayout(32, kOut)`
 */
export function gramWLayout(n: number, kOut: Int32Array, woff: Float64Array): number {
  let total = 0;
  for (let g = 0; g < kOut.length; g++) {
    woff[g] = total;
    const k = kOut[g]!;
    if (k > 0 && k < n) total += 2 * k * n;
  }
  return total;
}

/**
 * Pass 2 over blocks g in [start, end), once the global cut-off is known and `kOut` holds each block's k from
 * {@link gramCountRange}: k = n gives P = 0; otherwise V_d (the k dropped eigenvectors of G, carried back through
 * the reflectors) and the Cholesky factor of G̃ = G + μ·V_dV_dᴴ, so that B⁺_cut = G_k⁺·Bᴴ with
 * G_k⁺ = G̃⁻¹ − W·Wᴴ, W = V_d(Λ_d + μ)^(−½) (shifted-cholesky.ts), kept as: Bᴴ over block g of `blocks` (from
 * pass 1; n² real parts, then n² imaginary parts), L' = L/√scale packed at the start of block g's slot of `gs`
 * (`mode[g]` = 0) and W·√scale from `wdata[woff[g]]` on. k = n: both factors zero, the slot a packed Hermitian
 * zero (`mode[g]` = 1, as the SVD fallback's second factors). `kOut[g]` becomes −1 when the block could not be
 * settled here (Bᴴ is then left in `blocks`, for an SVD). `params` = [cut², μ, scale]. With
 * `lagParams`/`lagSums` (as for {@link gramLagTridiagRange}) the slots hold pass 1's packed tails and G is
 * formed again from the lag sums.
 *
 * @example `gramPinvRange(32, blocks, gs, aux, Float64Array.of(cut * cut, s1 * s1, 1), kOut, wdata, woff, mode, 0, count)`
 */
export function gramPinvRange(
  n: number,
  blocks: Float64Array,
  gs: Float64Array,
  aux: Float64Array,
  params: Float64Array,
  kOut: Int32Array,
  wdata: Float64Array,
  woff: Float64Array,
  mode: Uint8Array,
  start: number,
  end: number,
  lagParams?: Float64Array,
  lagSums?: Float64Array,
): void {
  const lag = lagParams !== undefined && lagSums !== undefined && lagSums.length > 0;
  const kh = lag ? lagParams[1]! : 0, g2h = lag ? lagParams[4]! : 1;
  // WebAssembly with lag sums: they travel into the kernels' memory once per call, (cos θ_a, sin θ_a) after them.
  const w = work(n, lag && gramKernels0(n) ? lagSums.length + 2 * kh : 0);
  const nn = n * n;
  const half = (n * (n + 1)) / 2;
  const slot = gramSlotLength(n, lag);
  const AUX = gramAuxLength(n);
  const cut2 = params[0]!, mu = params[1]!, scale = params[2]!;
  const inv = 1 / Math.sqrt(scale), root = Math.sqrt(scale);
  const lOff = w.xOff, eOff = lOff + (lag ? lagSums.length : 0);
  if (lag && w.k !== null) w.m.set(lagSums, lOff);
  const eLag = new Float64Array(2 * Math.max(kh, 1));
  // (column-major with lag sums, as in gramLagTridiagRange)
  for (let it = new ColumnOrder(start, end, g2h), g = it.next(); g >= 0; g = it.next()) {
    const auxBase = g * AUX;
    const gsBase = g * slot;
    const k = kOut[g]!;
    const pb = g * 2 * nn;
    if (k === n) {
      blocks.fill(0, pb, pb + 2 * nn);
      gs.fill(0, gsBase, gsBase + slot);
      mode[g] = 1;
      continue;
    }
    if ((gramFaults.every > 0 && g % gramFaults.every === 0) || (k > 0 && !smallEigenpairs(w, aux, auxBase, k, cut2))) {
      kOut[g] = -1;
      continue;
    }
    // V_d (n × k, stored [t][i] in w.m over G's place) = Q·D·z_t: phases, then the reflectors H_{n−3} … H_0,
    // each applied to all k vectors at once (u_j copied next to them, u_j[j+1] = 1).
    const m = w.m;
    const VR = w.gR, VI = w.gI, uR = w.uR, uI = w.uI;
    const phr = auxBase + 3 * n, phi = auxBase + 4 * n;
    for (let t = 0; t < k; t++) {
      for (let i = 0; i < n; i++) {
        const zt = w.z[t * n + i]!;
        m[VR + t * n + i] = aux[phr + i]! * zt;
        m[VI + t * n + i] = aux[phi + i]! * zt;
      }
    }
    // Operands of the final step in the pass-2 area of w.m: G (MR, MI), the Cholesky work matrix (AR, AI), the
    // packed tails (at OR, with lag sums), then an n-vector of scratch.
    const AR = w.eR, AI = AR + nn, MR = AR + 2 * nn, MI = AR + 3 * nn, OR = AR + 4 * nn, RD = AR + 6 * nn;
    // G's lower triangle and the reflector tails above its superdiagonal into (MR, MI) of w.m: the tails for the
    // back-transformation, G for G̃ (the tails are never read there). With lag sums the slot holds the packed
    // tails and G is formed again (a fraction of the cost of storing and reloading it); otherwise the slot holds
    // both, in place.
    if (lag) {
      m.set(gs.subarray(gsBase, gsBase + 2 * half), OR);
      // (WebAssembly's back-transformation reads the packed tails where they are; JS unpacks them into the rows)
      if (w.k === null) {
        let q = OR;
        for (let j = 0; j + 2 < n; j++) {
          const r = j * n;
          for (let i = j + 2; i < n; i++, q++) {
            m[MR + r + i] = m[q]!;
            m[MI + r + i] = m[q + half]!;
          }
        }
      }
      gramOfBlock(w, g, lagParams!, lagSums!, lOff, eOff, eLag, MR, MI);
    } else m.set(gs.subarray(gsBase, gsBase + 2 * nn), MR);
    if (w.k !== null) {
      if (k > 0) {
        for (let j = 0; j + 2 < n; j++) m[w.pR + j] = aux[auxBase + j]!;
        if (lag) w.k.backTransform(n, k, 8 * VR, 8 * VI, 8 * OR, 8 * (OR + half), 8 * w.pR, 8 * uR, 8 * uI, 1);
        else w.k.backTransform(n, k, 8 * VR, 8 * VI, 8 * MR, 8 * MI, 8 * w.pR, 8 * uR, 8 * uI, 0);
      }
    } else if (k > 0) {
      for (let j = n - 3; j >= 0; j--) {
        const tau = aux[auxBase + j]!;
        if (tau === 0) continue;
        const ub = MR + j * n;
        const len = n - j - 1;
        m[uR] = 1;
        m[uI] = 0;
        for (let i = 1; i < len; i++) {
          m[uR + i] = m[ub + j + 1 + i]!;
          m[uI + i] = m[ub + nn + j + 1 + i]!;
        }
        larfJs(m, len, k, n, VR + j + 1, VI + j + 1, uR, uI, tau);
      }
    }
    // G̃ = G + μ·V_dV_dᴴ through its Cholesky factor (shifted-cholesky.ts): G̃ is Hermitian positive definite
    // with κ ≤ 2/rtol²; a failed factorisation sends the block to the SVD.
    const ok =
      w.k !== null
        ? w.k.hpdFactor(n, k, mu, 8 * MR, 8 * MI, 8 * VR, 8 * VI, inv, root, 8 * AR, 8 * AI, 8 * RD) === 1
        : hpdShiftedFactorJs(m, n, k, mu, { gr: MR, gi: MI, vr: VR, vi: VI, ar: AR, ai: AI, rd: RD }, scale);
    if (!ok) {
      kOut[g] = -1;
      continue;
    }
    // The block is kept in factors, applied one after the other by the solve: Bᴴ over block g of `blocks`
    // (written by pass 1), L' packed over block g's slot of `gs` (real parts, then imaginary parts from n(n+1)/2
    // on) and W·√scale = V_d·√(scale/(λ_t + μ)) in the W store.
    gs.set(m.subarray(AR, AR + half), gsBase);
    gs.set(m.subarray(AI, AI + half), gsBase + half);
    const wb = woff[g]!;
    for (let t = 0; t < k; t++) {
      const c = Math.sqrt(scale / (w.lam[t]! + mu));
      for (let i = 0; i < n; i++) {
        wdata[wb + t * n + i] = m[VR + t * n + i]! * c;
        wdata[wb + (k + t) * n + i] = m[VI + t * n + i]! * c;
      }
    }
    mode[g] = 0;
  }
}

/**
 * The blocks g in [start, end) of a g1·g2h + g2 grid, column by column (g2 outer, g1 inner); −1 at the end.
 * @example `for (let it = new ColumnOrder(0, 6, 3), g = it.next(); g >= 0; g = it.next()) // 0, 3, 1, 4, 2, 5`
 */
export class ColumnOrder {
  private g2 = 0;
  private g1: number;
  private readonly g1lo: number;
  private readonly g1hi: number;
  constructor(private readonly start: number, private readonly end: number, private readonly g2h: number) {
    this.g1lo = Math.floor(start / g2h);
    this.g1hi = end > start ? Math.floor((end - 1) / g2h) : this.g1lo - 1;
    this.g1 = this.g1lo;
    if (end <= start) this.g2 = g2h;
  }
  next(): number {
    while (this.g2 < this.g2h) {
      while (this.g1 <= this.g1hi) {
        const g = this.g1++ * this.g2h + this.g2;
        if (g >= this.start && g < this.end) return g;
      }
      this.g2++;
      this.g1 = this.g1lo;
    }
    return -1;
  }
}

/** Each count c = #{λ < x} at a point x narrows the brackets [lo, hi] of the k smallest eigenvalues: λ_t < x for t < c, else ≥ x. */
function narrowBrackets(xs: ArrayLike<number>, cs: ArrayLike<number>, na: number, lo: Float64Array, hi: Float64Array, k: number, nlo?: Int32Array, nhi?: Int32Array): void {
  for (let a = 0; a < na; a++) {
    const x = xs[a]!;
    const c = cs[a]!;
    for (let t = 0; t < k; t++) {
      if (t < c) {
        if (x < hi[t]!) {
          hi[t] = x;
          if (nhi !== undefined) nhi[t] = c;
        }
      } else if (x > lo[t]!) {
        lo[t] = x;
        if (nlo !== undefined) nlo[t] = c;
      }
    }
  }
}

/**
 * Sturm counts (as {@link sturmCounts4}, into cs) and S = Σ_i q_i′/q_i = d/dx log|det(T − xI)| (into ss) at up to
 * four points side by side: q_i = d_i − x − e²_{i−1}/q_{i−1}, q_i′ = −1 + (e²_{i−1}/q_{i−1})·(q′_{i−1}/q_{i−1}),
 * so that x − 1/S is the Newton step for det(T − xI) = Π q_i. One division per step and point (the reciprocal of
 * q serves both recurrences: division throughput bounds these sweeps), and two lanes instead of four when at
 * most two points are asked.
 */
function sturmNewton4(n: number, aux: Float64Array, dOff: number, e2: Float64Array, xs: Float64Array, na: number, pivmin: number, cs: Int32Array, ss: Float64Array): void {
  if (na <= 2) sturmNewton2(n, aux, dOff, e2, xs, na, pivmin, cs, ss);
  else sturmCounts4(n, aux, dOff, e2, xs, na, pivmin, cs, ss);
}

/** {@link sturmNewton4} for one or two points. */
function sturmNewton2(n: number, aux: Float64Array, dOff: number, e2: Float64Array, xs: Float64Array, na: number, pivmin: number, cs: Int32Array, ss: Float64Array): void {
  const x0 = xs[0]!, x1 = na > 1 ? xs[1]! : x0;
  const d0 = aux[dOff]!;
  let q0 = d0 - x0, q1 = d0 - x1;
  if (Math.abs(q0) < pivmin) q0 = -pivmin;
  if (Math.abs(q1) < pivmin) q1 = -pivmin;
  let c0 = q0 < 0 ? 1 : 0, c1 = q1 < 0 ? 1 : 0;
  let r0 = 1 / q0, r1 = 1 / q1;
  let u0 = -r0, u1 = -r1;
  let s0 = u0, s1 = u1;
  for (let i = 1; i < n; i++) {
    const di = aux[dOff + i]!, ei = e2[i - 1]!;
    const t0 = ei * r0, t1 = ei * r1;
    q0 = di - x0 - t0;
    q1 = di - x1 - t1;
    if (Math.abs(q0) < pivmin) q0 = -pivmin;
    if (Math.abs(q1) < pivmin) q1 = -pivmin;
    if (q0 < 0) c0++;
    if (q1 < 0) c1++;
    r0 = 1 / q0;
    r1 = 1 / q1;
    u0 = (t0 * u0 - 1) * r0;
    u1 = (t1 * u1 - 1) * r1;
    s0 += u0;
    s1 += u1;
  }
  cs[0] = c0;
  ss[0] = s0;
  if (na > 1) {
    cs[1] = c1;
    ss[1] = s1;
  }
}
