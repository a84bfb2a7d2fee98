/**
 * Kernels of the circular-convolution pseudo-inverse (pure functions over Float64Arrays): the per-frequency
 * blocks B(g) evaluated from the kernel taps, the fused factorisation pass (each block built in a per-thread
 * workspace and, when it may qualify, inverted there by the certified Gauss–Jordan fast path), the assembly of
 * SVD'd blocks and the per-frequency products that apply the stored pseudo-inverses. The hot loops run on
 * WebAssembly SIMD kernels (circular-block.wat here, complex-gauss-jordan.wat in linalg/kernels) with plain-JS
 * fallbacks (`ADJOINT_NO_WASM=1` forces them). pinv/tasks.ts registers the loops as parallel tasks so that
 * `parallelFor` can split the frequencies across worker threads.
 *
 * Stored pseudo-inverse blocks P(g) (cols × rows) are split: the cols·rows real parts, then the imaginary parts.
 */
import { complexGaussJordan, type CertifiedInverseNorms } from '../../linalg/kernels/complex-gauss-jordan.js';
import { cholSolvePackedJs, hemmPackedJs, packedCholSolve, packedHermProduct } from './shifted-cholesky.js';
import { compileWasm, wasmDisabled } from '../../wasm/load.js';
import { WASM_BASE64 as BLOCK_WASM } from './circular-block.wasm.js';

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
  const cout = geom[0]!, cin = geom[1]!, kh = geom[2]!, s1 = geom[8]!, s2 = geom[9]!;
  const cols = cin * s1 * s2;
  const size = cout * cols;
  // One block evaluation ({@link fillBlock}, split re/im), interleaved into `out`.
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  const e1 = new Float64Array(2 * kh);
  for (let g = start; g < end; g++) {
    fro[g] = fillBlock(geom, t, g, re, im, cols, e1);
    const base = 2 * g * size;
    for (let i = 0; i < size; i++) {
      out[base + 2 * i] = re[i]!;
      out[base + 2 * i + 1] = im[i]!;
    }
  }
}

/**
 * Writes block g = g1·g2h + g2 (cout × cin·s1·s2, see {@link blockSpectrum}) into `re`/`im`, row-major with
 * leading dimension `ld`, from the column sums `t`; `e1` is scratch of 2·kh. Returns ‖B(g)‖_F².
 *
 * @example `const fro2 = fillBlock(geom, t, g, re, im, ld, new Float64Array(2 * kh))`
 */
export function fillBlock(geom: BlockGeometry, t: Float64Array, g: number, re: Float64Array, im: Float64Array, ld: number, e1: Float64Array): number {
  const cout = geom[0]!, cin = geom[1]!, kh = geom[2]!, n1 = geom[4]!, m1 = geom[6]!, m2 = geom[7]!;
  const s1 = geom[8]!, s2 = geom[9]!, d1 = geom[10]!, top = geom[12]!, g2h = geom[14]!;
  const scale = 1 / Math.sqrt(s1 * s2);
  const oc = cout * cin;
  const g1 = Math.floor(g / g2h);
  const g2 = g - g1 * g2h;
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
        const row = o * ld + colBase;
        let q = 2 * (tb + o * cin * kh);
        for (let c = 0; c < cin; c++) {
          let sr = 0;
          let si = 0;
          for (let u = 0; u < kh; u++, q += 2) {
            const tr = t[q]!, ti = t[q + 1]!;
            const er = e1[2 * u]!, ei = e1[2 * u + 1]!;
            sr += tr * er - ti * ei;
            si += tr * ei + ti * er;
          }
          re[row + c] = sr;
          im[row + c] = si;
          fr += sr * sr + si * si;
        }
      }
    }
  }
  return fr;
}

/**
 * The column sums of {@link columnSums} that the half-spectrum blocks use, in the layout of the SIMD block
 * kernel: column frequency f2 = g2 + b·m2 (g2 < g2h, b < s2) in slot b·g2h + g2; split re/im (all real parts,
 * then all imaginary parts), each ordered [slot][u][o][c]. Written into `out` (length
 * 2·s2·g2h·kh·cout·cin) when given, e.g. shared memory.
 *
 * @example `const ts = columnSumsSplit(geom, w)`
 */
export function columnSumsSplit(geom: BlockGeometry, w: Float64Array, out?: Float64Array): Float64Array {
  const cout = geom[0]!, cin = geom[1]!, kh = geom[2]!, kw = geom[3]!, n2 = geom[5]!, m2 = geom[7]!, s2 = geom[9]!, d2 = geom[11]!, left = geom[13]!, g2h = geom[14]!;
  const oc = cout * cin;
  const half = s2 * g2h * kh * oc;
  const o = out ?? new Float64Array(2 * half);
  const er = new Float64Array(kw);
  const ei = new Float64Array(kw);
  for (let b = 0; b < s2; b++) {
    for (let g2 = 0; g2 < g2h; g2++) {
      const f2 = g2 + b * m2;
      const slot = b * g2h + g2;
      for (let v = 0; v < kw; v++) {
        const th = (2 * Math.PI * (((f2 * (v * d2 - left)) % n2) + n2)) / n2;
        er[v] = Math.cos(th);
        ei[v] = Math.sin(th);
      }
      for (let u = 0; u < kh; u++) {
        const dst = (slot * kh + u) * oc;
        for (let q = 0; q < oc; q++) {
          let re = 0;
          let im = 0;
          const kb = (q * kh + u) * kw;
          for (let v = 0; v < kw; v++) {
            const kv = w[kb + v]!;
            re += kv * er[v]!;
            im += kv * ei[v]!;
          }
          o[dst + q] = re;
          o[half + dst + q] = im;
        }
      }
    }
  }
  return o;
}

/** Length of the {@link columnSumsSplit} array. @example `columnSumsSplitLength(geom)` */
export function columnSumsSplitLength(geom: BlockGeometry): number {
  return 2 * geom[9]! * geom[14]! * geom[2]! * geom[0]! * geom[1]!;
}

interface FillExports {
  fill: (cout: number, cin: number, kh: number, ld: number, dr: number, di: number, colBase: number, tr: number, ti: number, e1: number) => void;
}

const fillers = new WeakMap<WebAssembly.Memory, FillExports | null>();

/** The SIMD block kernel instantiated on the workspace's memory, or null. */
function filler(memory: WebAssembly.Memory): FillExports | null {
  let f = fillers.get(memory);
  if (f !== undefined) return f;
  const mod = compileWasm('circular-block', BLOCK_WASM);
  f = mod ? (new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as FillExports) : null;
  fillers.set(memory, f);
  return f;
}

/**
 * The fused factorisation pass over blocks g in [start, end): evaluates B(g) (from `ts`, the column sums in
 * {@link columnSumsSplit} layout) straight into a per-thread workspace, writes ‖B(g)‖_F² into `fro[g]` and,
 * when `invert` (square blocks, no damping), inverts it there by Gauss–Jordan (WebAssembly SIMD where
 * available) after scaling by its largest |re| + |im| = mx. For an inverted block it writes scale·B(g)⁻¹ into
 * `out` (block g: the cols × rows real parts, then the imaginary parts), `done[g] = 1`,
 * `sminLo[g]` = mx/‖(B/mx)⁻¹‖_F ≤ σ_min(B) and `kappa[g]` = ‖B‖_F·‖B⁻¹‖_F; else `done[g] = 0` and slot g
 * of `out` is left as it was. Without `invert` (or for rectangular blocks) slot g of `out` receives B(g) itself,
 * interleaved (for the SVD, before the assembly overwrites it). Whether an inverse is *kept* is decided afterwards, once the bound on σ₁(A) (the largest
 * ‖B‖_F) is known: kept iff kappa ≤ FAST_KAPPA_MAX and sminLo > FAST_MARGIN·cutUpper.
 *
 * @example
 * ```ts
 * factorRange(geom, columnSumsSplit(geom, w), out, fro, done, sminLo, kappa, true, 1, 0, nBlocks);
 * ```
 */
export function factorRange(
  geom: BlockGeometry,
  ts: Float64Array,
  out: Float64Array,
  fro: Float64Array,
  done: Uint8Array,
  sminLo: Float64Array,
  kappa: Float64Array,
  invert: boolean,
  scale: number,
  start: number,
  end: number,
): void {
  const rows = geom[0]!, cin = geom[1]!, kh = geom[2]!, n1 = geom[4]!, m1 = geom[6]!;
  const s1 = geom[8]!, s2 = geom[9]!, d1 = geom[10]!, top = geom[12]!, g2h = geom[14]!;
  const cols = cin * s1 * s2;
  const n = rows;
  const nn = rows * cols;
  const oc = rows * cin;
  const half = s2 * g2h * kh * oc;
  // Square blocks are built in the Gauss–Jordan workspace (by the SIMD block kernel when there is one).
  const ws = rows === cols ? complexGaussJordan(n) : null;
  const ld = ws ? ws.ld : cols;
  let fill: FillExports | null = null;
  let tOff = 0;
  let eOff = 0;
  let e1: Float64Array;
  let tInter: Float64Array | null = null;
  // (Column sums beyond 256 MiB stay in JS: the workspace's 32-bit memory would have to hold them per thread.)
  if (ws !== null && ws.memory !== null && 16 * half <= 2 ** 28 && (fill = filler(ws.memory)) !== null) {
    // The column sums travel into the workspace's memory once per call; e1 (kh complex) sits after them.
    const base = ws.scratch(2 * half * 8 + 16 * kh + 16);
    tOff = base;
    eOff = base + 2 * half * 8;
    new Float64Array(ws.memory.buffer, tOff, 2 * half).set(ts);
    e1 = new Float64Array(ws.memory.buffer, eOff, 2 * kh);
  } else {
    e1 = new Float64Array(2 * kh);
    tInter = interleavedFromSplit(geom, ts);
  }
  const reJs = ws ? null : new Float64Array(nn);
  const imJs = ws ? null : new Float64Array(nn);
  const sc = 1 / Math.sqrt(s1 * s2);
  const norms: CertifiedInverseNorms = { fro2: 0, mx: 0, fx: Infinity };
  for (let g = start; g < end; g++) {
    done[g] = 0;
    sminLo[g] = 0;
    kappa[g] = Infinity;
    const g1 = Math.floor(g / g2h);
    const g2 = g - g1 * g2h;
    let f2sum = 0;
    if (fill !== null) {
      for (let b = 0; b < s2; b++) {
        for (let a = 0; a < s1; a++) {
          const f1 = g1 + a * m1;
          for (let u = 0; u < kh; u++) {
            const th = (2 * Math.PI * (((f1 * (u * d1 - top)) % n1) + n1)) / n1;
            e1[2 * u] = Math.cos(th) * sc;
            e1[2 * u + 1] = Math.sin(th) * sc;
          }
          const tr = tOff + (b * g2h + g2) * kh * oc * 8;
          fill.fill(rows, cin, kh, ld, ws!.reOffset, ws!.imOffset, (a * s2 + b) * cin, tr, tr + half * 8, eOff);
        }
      }
    } else {
      f2sum = fillBlock(geom, tInter!, g, ws ? ws.re : reJs!, ws ? ws.im : imJs!, ld, e1);
    }
    const base = g * 2 * nn;
    if (!invert || ws === null) {
      // Every block goes to the SVD (damped, rectangular, or a cut-off no inverse could clear): keep the block
      // itself, interleaved, in its slot of `out` (the assembly overwrites it later) and its norm.
      const re = ws ? ws.re : reJs!, im = ws ? ws.im : imJs!;
      let s = 0;
      for (let i = 0; i < rows; i++) {
        const I = i * ld;
        const O = base + 2 * i * cols;
        for (let j = 0; j < cols; j++) {
          const a = re[I + j]!, b = im[I + j]!;
          out[O + 2 * j] = a;
          out[O + 2 * j + 1] = b;
          s += a * a + b * b;
        }
      }
      fro[g] = fill !== null ? s : f2sum;
      continue;
    }
    const okInv = ws.certifiedInverse(scale, norms);
    fro[g] = norms.fro2;
    if (!okInv) continue;
    sminLo[g] = norms.mx / norms.fx;
    kappa[g] = (Math.sqrt(norms.fro2) / norms.mx) * norms.fx;
    const re = ws.re, im = ws.im;
    if (ld === n) {
      out.set(re.subarray(0, nn), base);
      out.set(im.subarray(0, nn), base + nn);
    } else {
      for (let i = 0; i < n; i++) {
        out.set(re.subarray(i * ld, i * ld + n), base + i * n);
        out.set(im.subarray(i * ld, i * ld + n), base + nn + i * n);
      }
    }
    done[g] = 1;
  }
}

/** The interleaved [f2][o][c][u] column sums of {@link columnSums} (the used f2 only) from the split layout. */
function interleavedFromSplit(geom: BlockGeometry, ts: Float64Array): Float64Array {
  const cout = geom[0]!, cin = geom[1]!, kh = geom[2]!, n2 = geom[5]!, m2 = geom[7]!, s2 = geom[9]!, g2h = geom[14]!;
  const oc = cout * cin;
  const half = s2 * g2h * kh * oc;
  const t = new Float64Array(2 * n2 * oc * kh);
  for (let b = 0; b < s2; b++) {
    for (let g2 = 0; g2 < g2h; g2++) {
      const f2 = g2 + b * m2;
      const slot = b * g2h + g2;
      for (let q = 0; q < oc; q++) {
        for (let u = 0; u < kh; u++) {
          const dst = 2 * ((f2 * oc + q) * kh + u);
          const src = (slot * kh + u) * oc + q;
          t[dst] = ts[src]!;
          t[dst + 1] = ts[half + src]!;
        }
      }
    }
  }
  return t;
}

/**
 * Blocks idx[i] for i in [start, end), interleaved, into slot i − start of `out` (for the SVD fallback, which
 * recomputes the few blocks it needs rather than keeping every block from the fused pass).
 *
 * @example `blocksAt(geom, t, idx, out, 0, idx.length)`
 */
export function blocksAt(geom: BlockGeometry, t: Float64Array, idx: ArrayLike<number>, out: Float64Array, start: number, end: number): void {
  const rows = geom[0]!, kh = geom[2]!;
  const cols = geom[1]! * geom[8]! * geom[9]!;
  const re = new Float64Array(rows * cols);
  const im = new Float64Array(rows * cols);
  const e1 = new Float64Array(2 * kh);
  const blk = rows * cols * 2;
  for (let i = start; i < end; i++) {
    fillBlock(geom, t, idx[i]!, re, im, cols, e1);
    const base = (i - start) * blk;
    for (let q = 0; q < rows * cols; q++) {
      out[base + 2 * q] = re[q]!;
      out[base + 2 * q + 1] = im[q]!;
    }
  }
}

/**
 * Applies the stored per-frequency pseudo-inverses: for every batch item and block g, Xs = P(g)·Y(g), where
 * Y(g) is column g of the half spectrum `yf` ([count, rows, m1, g2h] interleaved) and P(g) (cols × rows, its
 * real parts then its imaginary parts) sits at g·2·cols·rows in `pinv`; each entry (a, b, c) of Xs is the input
 * frequency f = (g1 + a·m1, g2 + b·m2), written into the half spectrum `xf` ([count, cin, n1, n2h]) at f and,
 * conjugated, at −f, wherever that falls in the half plane. Blocks g in [start, end) only; disjoint ranges
 * write disjoint entries. Each P(g) is read once for the whole batch. With `second` (non-empty; the Gram path of
 * gram-truncated.ts, square blocks), block g is the product S(g)·P(g), S(g) (cols × cols, Hermitian) applied after
 * P(g) from the packed lower triangle (entry (i, j ≤ i) at i(i+1)/2 + j, real parts then imaginary parts from
 * cols(cols+1)/2 on) at the start of slot g of `second` (slots of second.length / (m1·g2h) numbers): with
 * `mode[g]` = 0 that is the Cholesky factor L' of S(g)⁻¹'s shifted form and S(g) = (L'L'ᴴ)⁻¹ − WWᴴ, W's k rows
 * (real parts, then imaginary parts) from `wdata[woff[g]]` on up to where block g + 1's begin
 * (shifted-cholesky.ts's cholSolvePackedJs or the `cholSolvePacked` kernel); with `mode[g]` = 1 S(g) itself
 * (hemmPackedJs or `hemmPacked`). With `adjointSums` (non-empty; the Gram path
 * with stride 1) P(g) = B(g)ᴴ is not read from `pinv` but evaluated from those sums (gram-truncated.ts's
 * pairedAdjointSums, with the phases of gram-truncated.ts's pairedWeights) by the SIMD block kernel, or {@link fillRealJs}.
 *
 * @example
 * ```ts
 * applyBlocks(geom, pinv, yf, xf, count, 0, nBlocks);
 * ```
 */
export function applyBlocks(
  geom: BlockGeometry,
  pinv: Float64Array,
  yf: Float64Array,
  xf: Float64Array,
  count: number,
  start: number,
  end: number,
  second: Float64Array = EMPTY,
  adjointSums: Float64Array = EMPTY,
  wdata: Float64Array = EMPTY,
  woff: Float64Array = EMPTY,
  mode: Uint8Array = EMPTY_MODE,
): void {
  const rows = geom[0]!, cin = geom[1]!, n1 = geom[4]!, n2 = geom[5]!, m1 = geom[6]!, m2 = geom[7]!;
  const s1 = geom[8]!, s2 = geom[9]!, g2h = geom[14]!;
  const cols = cin * s1 * s2;
  const nn = rows * cols;
  const n2h = Math.floor(n2 / 2) + 1;
  const ystride = rows * m1 * g2h;
  const xstride = cin * n1 * n2h;
  const ny = rows * count;
  const nx = cols * count;
  const two = second.length > 0;
  const half = (cols * (cols + 1)) / 2;
  const slot = two ? second.length / (m1 * g2h) : 0;
  // Gram path, stride 1: the first factor P(g) = B(g)ᴴ is evaluated here from the adjoint column sums
  // (gram-truncated.ts's pairedAdjointSums: layout [g2][term][c][o], split re/im) instead of being read.
  const gen = adjointSums.length > 0;
  const kh = geom[2]!, d1 = geom[10]!, top = geom[12]!;
  const tsLen = gen ? adjointSums.length : 0;
  // WebAssembly: P(g) and the gathered Y(g) are copied into the kernel's memory (or P(g) evaluated there), X(g)
  // comes back from it (with a second factor: packed S(g) too, and X(g) is then the product of S(g) with the
  // first result, at x1).
  // (with a second factor: its packed triangle, then room for W (≤ 2·cols² numbers) and Wᴴx (2·cols·count))
  const k = applyKernel(8 * (2 * nn + 2 * ny + 2 * nx + (two ? 2 * nx + 2 * half + 2 * cols * cols + 2 * cols * count : 0) + tsLen + 2 * kh));
  const hemm = k !== null && two ? packedHermProduct(k.memory) : null;
  const chol = k !== null && two ? packedCholSolve(k.memory) : null;
  let buf: Float64Array;
  let pOff: number, yOff: number, xOff: number, x1Off: number;
  // (hOff: the packed S(g); JS keeps it at the end of its own buffer)
  let tOff = 0, eOff = 0, hOff = 0;
  let e1: Float64Array = EMPTY;
  let pSrc = pinv;
  if (k !== null) {
    buf = new Float64Array(k.memory.buffer);
    pOff = 0;
    yOff = 2 * nn;
    xOff = yOff + 2 * ny;
    x1Off = xOff + 2 * nx;
    if (gen) {
      tOff = x1Off + (two ? 2 * nx : 0);
      eOff = tOff + tsLen;
      buf.set(adjointSums, tOff);
      e1 = buf.subarray(eOff, eOff + kh);
    }
    hOff = x1Off + (two ? 2 * nx : 0) + tsLen + 2 * kh;
  } else {
    buf = new Float64Array(2 * ny + 2 * nx + (two ? 2 * nx + 2 * half + 2 * cols * cols + 2 * cols * count : 0));
    hOff = 2 * ny + 4 * nx;
    pOff = -1;
    yOff = 0;
    xOff = 2 * ny;
    x1Off = xOff + 2 * nx;
    if (gen) {
      pSrc = new Float64Array(2 * nn);
      e1 = new Float64Array(kh);
    }
  }
  // The first product goes to x1 when a second factor follows it.
  const xa = two ? x1Off : xOff;
  // The second factor of block g, from x1 into x: the Gram path's Cholesky form (mode 0: L' packed in the slot,
  // W from the W store; shifted-cholesky.ts) or a packed Hermitian matrix (mode 1: an SVD'd or zero block).
  const wBase = hOff + 2 * half, cBase = wBase + 2 * cols * cols;
  const secondFactor = (g: number, hemmK: typeof hemm, cholK: typeof chol): void => {
    buf.set(second.subarray(g * slot, g * slot + 2 * half), hOff);
    if (mode[g] === 0) {
      const wb = woff[g]!;
      // (block g's W holds its k rows, real then imaginary parts, up to where block g + 1's starts)
      const kd = ((g + 1 < woff.length ? woff[g + 1]! : wdata.length) - wb) / (2 * cols);
      buf.set(wdata.subarray(wb, wb + 2 * kd * cols), wBase);
      if (cholK !== null) cholK(cols, count, kd, 8 * hOff, 8 * (hOff + half), 8 * wBase, 8 * (wBase + kd * cols), 8 * x1Off, 8 * (x1Off + nx), 8 * xOff, 8 * (xOff + nx), 8 * cBase);
      else cholSolvePackedJs(buf, cols, count, kd, hOff, hOff + half, wBase, wBase + kd * cols, x1Off, x1Off + nx, xOff, xOff + nx, cBase);
    } else if (hemmK !== null) hemmK(cols, count, 8 * hOff, 8 * (hOff + half), 8 * x1Off, 8 * (x1Off + nx), 8 * xOff, 8 * (xOff + nx));
    else hemmPackedJs(buf, cols, count, hOff, hOff + half, x1Off, x1Off + nx, xOff, xOff + nx);
  };
  for (let g = start; g < end; g++) {
    const g1 = Math.floor(g / g2h);
    const g2 = g - g1 * g2h;
    // Columns g2 = 0 and m2/2 hold their conjugate partners, which write their own entries directly; other
    // blocks stand for their partners too. So every half-spectrum entry is written by exactly one block.
    const writeConj = (2 * g2) % m2 !== 0;
    for (let it = 0; it < count; it++) {
      const yb = yOff + it * rows;
      for (let o = 0; o < rows; o++) {
        const src = 2 * (it * ystride + (o * m1 + g1) * g2h + g2);
        buf[yb + o] = yf[src]!;
        buf[yb + ny + o] = yf[src + 1]!;
      }
    }
    let pb = g * 2 * nn;
    if (gen) {
      // B(g)ᴴ = e^{−iψ}·Σ_t w_t·T'[g2][t] from the paired sums (gram-truncated.ts's pairedAdjointSums: real
      // weights, half the arithmetic of the kh complex phases); e^{−iψ} multiplies the result when it is written.
      pairedWeights(kh, g1, d1, top, n1, e1, phase);
      const tb = g2 * kh * nn;
      if (k !== null) k.fillReal(rows, cols, kh, rows, 8 * pOff, 8 * (pOff + nn), 0, 8 * (tOff + tb), 8 * (tOff + tsLen / 2 + tb), 8 * eOff);
      else fillRealJs(adjointSums, tb, tb + tsLen / 2, nn, kh, e1, pSrc, 0, nn);
      pb = 0;
    }
    if (k !== null) {
      if (!gen) buf.set(pinv.subarray(pb, pb + 2 * nn), pOff);
      k.apply(rows, cols, count, 8 * pOff, 8 * (pOff + nn), 8 * yOff, 8 * (yOff + ny), 8 * xa, 8 * (xa + nx));
      if (two) secondFactor(g, hemm, chol);
    } else {
      for (let j = 0; j < cols; j++) {
        const rr = pb + j * rows;
        const ri = rr + nn;
        for (let it = 0; it < count; it++) {
          let re = 0;
          let im = 0;
          const yb = yOff + it * rows;
          for (let o = 0; o < rows; o++) {
            const pr = pSrc[rr + o]!, pi = pSrc[ri + o]!;
            const vr = buf[yb + o]!, vi = buf[yb + ny + o]!;
            re += pr * vr - pi * vi;
            im += pr * vi + pi * vr;
          }
          buf[xa + it * cols + j] = re;
          buf[xa + nx + it * cols + j] = im;
        }
      }
      if (two) secondFactor(g, null, null);
    }
    if (s1 === 1 && s2 === 1) {
      // Stride 1: entry c goes to frequency (g1, g2) of channel c, always in the half plane; a conjugate copy
      // never is (its column n2 − g2 lies outside unless g2 is 0 or m2/2, whose blocks write their own).
      const cStride = 2 * n1 * n2h;
      const d0 = 2 * (g1 * n2h + g2);
      // (with paired sums, times the phase e^{−iψ} that Bᴴ's evaluation left out; 1 otherwise)
      const pr = gen ? phase[0]! : 1, pi = gen ? phase[1]! : 0;
      for (let it = 0; it < count; it++) {
        const xb = 2 * it * xstride + d0, sb = xOff + it * cols;
        for (let c = 0; c < cols; c++) {
          const re = buf[sb + c]!, im = buf[sb + nx + c]!;
          xf[xb + c * cStride] = re * pr - im * pi;
          xf[xb + c * cStride + 1] = re * pi + im * pr;
        }
      }
      continue;
    }
    for (let j = 0; j < cols; j++) {
      const ab = Math.floor(j / cin);
      const c = j - ab * cin;
      const a = Math.floor(ab / s2);
      const b = ab - a * s2;
      const f1 = g1 + a * m1;
      const f2 = g2 + b * m2;
      const c1 = (n1 - f1) % n1;
      const c2 = (n2 - f2) % n2;
      const dst = 2 * ((c * n1 + f1) * n2h + f2);
      const dstC = 2 * ((c * n1 + c1) * n2h + c2);
      for (let it = 0; it < count; it++) {
        const re = buf[xOff + it * cols + j]!;
        const im = buf[xOff + nx + it * cols + j]!;
        const xb = 2 * it * xstride;
        if (f2 < n2h) {
          xf[xb + dst] = re;
          xf[xb + dst + 1] = im;
        }
        if (writeConj && c2 < n2h) {
          xf[xb + dstC] = re;
          xf[xb + dstC + 1] = -im;
        }
      }
    }
  }
}

const EMPTY = new Float64Array(0);
const phase = new Float64Array(2);
const EMPTY_MODE = new Uint8Array(0);

/**
 * The kh real weights of gram-truncated.ts's pairedAdjointSums' terms for row frequency g1 into `w` (cos φδ_p, sin φδ_p per
 * pair, then 1 for an odd kh's centre) and the phase e^{−iψ} that multiplies the sum into `phase` (re, im).
 * Angles are reduced exactly (integer arithmetic modulo 2·n1) before the trigonometry.
 *
 * @example `pairedWeights(3, g1, 1, 1, 128, w, phase)`
 */
export function pairedWeights(kh: number, g1: number, d1: number, top: number, n1: number, w: Float64Array, phase: Float64Array): void {
  const two = 2 * n1;
  for (let p = 0; 2 * p + 1 < kh; p++) {
    const a = (((g1 * d1 * (kh - 1 - 2 * p)) % two) + two) % two;
    const th = (Math.PI * a) / n1;
    w[2 * p] = Math.cos(th);
    w[2 * p + 1] = Math.sin(th);
  }
  if (kh % 2 === 1) w[kh - 1] = 1;
  const b = (((g1 * ((kh - 1) * d1 - 2 * top)) % two) + two) % two;
  const ps = (Math.PI * b) / n1;
  phase[0] = Math.cos(ps);
  phase[1] = -Math.sin(ps);
}

/**
 * dst[q] = Σ_t T[t][q]·w[t] for q < len (T split re/im in `t` at tr, ti with t-stride len; w real; dst split at
 * dr, di of `dst`): the JS twin of circular-block.wat's `fillReal` for one whole square block.
 *
 * @example `fillRealJs(ps, tb, tb + half, n * n, kh, w, out, 0, n * n)`
 */
export function fillRealJs(t: Float64Array, tr: number, ti: number, len: number, nt: number, w: Float64Array, dst: Float64Array, dr: number, di: number): void {
  for (let q = 0; q < len; q++) {
    let sr = 0, si = 0;
    for (let u = 0; u < nt; u++) {
      sr += t[tr + u * len + q]! * w[u]!;
      si += t[ti + u * len + q]! * w[u]!;
    }
    dst[dr + q] = sr;
    dst[di + q] = si;
  }
}

interface ApplyExports {
  memory: WebAssembly.Memory;
  apply: (rows: number, cols: number, count: number, pr: number, pi: number, yr: number, yi: number, xr: number, xi: number) => void;
  fill: FillExports['fill'];
  fillReal: FillExports['fill'];
}

let applyInst: ApplyExports | undefined;

/** This thread's instance of the block module on its own memory of at least `bytes` (null: no WebAssembly). */
function applyKernel(bytes: number): ApplyExports | null {
  if (wasmDisabled()) return null;
  if (applyInst === undefined) {
    const mod = compileWasm('circular-block', BLOCK_WASM);
    if (mod === null) return null;
    const memory = new WebAssembly.Memory({ initial: 1 });
    const ex = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as Pick<ApplyExports, 'apply' | 'fill' | 'fillReal'>;
    applyInst = { memory, apply: ex.apply, fill: ex.fill, fillReal: ex.fillReal };
  }
  const have = applyInst.memory.buffer.byteLength;
  if (bytes > have) applyInst.memory.grow(Math.ceil((bytes - have) / 65536));
  return applyInst;
}

/**
 * P(g) = scale · V·diag(wt)·Uᴴ (cols × rows) for the items i in [start, end) of an SVD batch, written to block
 * idx[i] of `P` (its real parts, then its imaginary parts); wt (k per item) holds 1/σ for kept values, σ/(σ² + λ²) when damped, 0 for dropped ones.
 *
 * @example
 * ```ts
 * assembleRange(rows, cols, idx, wt, U, Vh, P, 1, 0, idx.length);
 * ```
 */
export function assembleRange(rows: number, cols: number, idx: Int32Array, wt: Float64Array, U: Float64Array, Vh: Float64Array, P: Float64Array, scale: number, start: number, end: number): void {
  const k = Math.min(rows, cols);
  const nn = rows * cols;
  // P[j][o] = Σ_t C[j][t]·D[o][t] over the kept t, C[j][t] = conj(Vh[t][j]), D[o][t] = conj(U[o][t])·w_t·scale:
  // on the WebAssembly product kernel (the one that applies the blocks), else in JS.
  const ker = applyKernel(8 * 2 * (rows * k + cols * k + nn));
  if (ker !== null) {
    const buf = new Float64Array(ker.memory.buffer);
    const dOff = 0;
    const cOff = 2 * rows * k;
    const xOff = cOff + 2 * cols * k;
    for (let i = start; i < end; i++) {
      const pb = idx[i]! * 2 * nn;
      const ub = i * rows * k * 2;
      const vb = i * k * cols * 2;
      let kept = 0;
      for (let t = 0; t < k; t++) if (wt[i * k + t] !== 0) kept++;
      const dI = dOff + rows * kept;
      const cI = cOff + cols * kept;
      let q = 0;
      for (let t = 0; t < k; t++) {
        const wv = wt[i * k + t]! * scale;
        if (wv === 0) continue;
        for (let o = 0; o < rows; o++) {
          buf[dOff + o * kept + q] = U[ub + 2 * (o * k + t)]! * wv;
          buf[dI + o * kept + q] = -U[ub + 2 * (o * k + t) + 1]! * wv;
        }
        for (let j = 0; j < cols; j++) {
          buf[cOff + j * kept + q] = Vh[vb + 2 * (t * cols + j)]!;
          buf[cI + j * kept + q] = -Vh[vb + 2 * (t * cols + j) + 1]!;
        }
        q++;
      }
      ker.apply(kept, rows, cols, 8 * dOff, 8 * dI, 8 * cOff, 8 * cI, 8 * xOff, 8 * (xOff + nn));
      P.set(buf.subarray(xOff, xOff + 2 * nn), pb);
    }
    return;
  }
  const tr = new Float64Array(k * rows); // conj(U[o, t])·w_t, transposed to [t][o]
  const ti = new Float64Array(k * rows);
  for (let i = start; i < end; i++) {
    const pb = idx[i]! * 2 * nn;
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
      const row = pb + j * rows;
      const rowI = row + nn;
      for (let o = 0; o < rows; o++) {
        P[row + o] = 0;
        P[rowI + o] = 0;
      }
      let q = 0;
      for (let t = 0; t < k; t++) {
        if (wt[i * k + t] === 0) continue;
        // conj(Vh[t, j])
        const vr = Vh[vb + 2 * (t * cols + j)]!, vi = -Vh[vb + 2 * (t * cols + j) + 1]!;
        const qb = q * rows;
        for (let o = 0; o < rows; o++) {
          const ar = tr[qb + o]!, ai = ti[qb + o]!;
          P[row + o] = P[row + o]! + (vr * ar - vi * ai);
          P[rowI + o] = P[rowI + o]! + (vr * ai + vi * ar);
        }
        q++;
      }
    }
  }
}

