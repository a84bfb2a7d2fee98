/**
 * Batched general matrix multiply (GEMM) kernels over typed arrays.
 *
 *   C[b] = alpha · op(A[b]) · op(B[b]) + beta · C[b]      for every batch index b
 *
 * where op(X) is X, Xᵀ or Xᴴ. All offsets and strides count ELEMENTS (a complex element is two scalars,
 * interleaved re/im, as in the Tensor storage). Any strides are accepted (including 0 for broadcast batch dims
 * and negative ones), so transposed or permuted views are multiplied without copying them first.
 *
 * The real and complex kernels are blocked GotoBLAS-style: a kc×nc panel of op(B) and an mc×kc block of op(A)
 * are packed into scratch buffers (allocated once per call, reused for every block and batch) as micro-panels,
 * so the register-blocked micro-kernel reads both with unit stride. Packing also applies conjugation and
 * zero-pads the edges, which keeps the micro-kernel branch-free. Accumulation is in float64 for every float
 * dtype (float32 inputs are widened while packing), so float32 results are at least as accurate as a float32 BLAS.
 * Products with m·n·k ≤ 27 (batches of 2×2, 3×3 matrices) skip packing and use direct dot products.
 * Where WebAssembly SIMD is available (not under ADJOINT_NO_WASM=1), the real kernel packs into the memory of
 * this thread's gemm-kernel.wat instance and runs its f64x2 micro-kernel (gemm-wasm.ts), which sums in the same
 * order as the JS micro-kernel: results are the same either way, ~3.5× faster (1024² float64, one thread).
 * C must not overlap A or B. Cost: 2·m·n·k flops per batch (8·m·n·k real flops for complex).
 *
 * `gemmBatchInner` is a separate kernel for the case where the batch dimension is the innermost, contiguous one
 * (e.g. per-frequency channel mixing `einsum('jkxy,ikxy->ijxy')`): it streams each operand once instead of
 * gathering thousands of tiny strided matrices.
 */

import { AdjointError } from '../../errors.js';
import { gemmWasmInstance, type GemmWasmInstance } from './gemm-wasm.js';

/** Which form of a stored matrix enters the product: as is, transposed, or conjugate-transposed. */
export type GemmOp = 'N' | 'T' | 'C';

/** Typed arrays the float kernels accept (complex data is interleaved re/im in the same array types). */
export type FloatStorage = Float32Array | Float64Array;

/**
 * One operand of a batched GEMM: a strided view of a stored matrix per batch index.
 * `rowStride`/`colStride` describe the STORED matrix (before `op`); `batchStrides` has one entry per
 * entry of the call's `batchShape` (use 0 to broadcast one matrix over that batch dimension).
 */
export interface GemmOperand<T> {
  data: T;
  offset: number;
  rowStride: number;
  colStride: number;
  batchStrides: readonly number[];
}

/** Sizes and scalars of a batched GEMM: op(A) is m×k, op(B) is k×n, C is m×n, for each index of `batchShape`. */
export interface GemmShape {
  m: number;
  n: number;
  k: number;
  batchShape: readonly number[];
  opA?: GemmOp;
  opB?: GemmOp;
  /** Real number, or [re, im] for complex calls. Default 1. */
  alpha?: number | readonly [number, number];
  /** Real number, or [re, im] for complex calls. Default 0: C is overwritten (NaNs in C do not propagate). */
  beta?: number | readonly [number, number];
}

// Block sizes (in elements). KC·NR·8 bytes (8 KB) of B micro-panel stay in L1; MC·KC·8 bytes (128 KB) of packed A
// stay in L2 (MC = 64 measured ~2% faster than 96 on 1024² float64).
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 64;
const NC = 2048;
// Complex micro-kernel is 2×2 complex (8 accumulators).
// At or below this m·n·k (3³) unpacked direct loops beat packing (measured: 2×2 batches twice as fast; from
// 4×4 up the packed micro-kernel wins even for single small matrices).
const SMALL_MNK = 27;
const CMR = 2;
const CNR = 2;

function scalarPair(v: number | readonly [number, number] | undefined, dflt: number): [number, number] {
  if (v === undefined) return [dflt, 0];
  if (typeof v === 'number') return [v, 0];
  return [v[0], v[1]];
}

/**
 * Visits the batch indices with flat (row-major) positions in [start, end) with an odometer, passing the three
 * element offsets. The default range is the whole batch.
 */
function forEachBatch(
  batchShape: readonly number[],
  sa: readonly number[],
  sb: readonly number[],
  sc: readonly number[],
  oa: number,
  ob: number,
  oc: number,
  fn: (oa: number, ob: number, oc: number) => void,
  start = 0,
  end = Infinity,
): void {
  const nd = batchShape.length;
  let total = 1;
  for (const d of batchShape) total *= d;
  const stop = Math.min(end, total);
  if (start >= stop) return;
  const idx = new Array<number>(nd).fill(0);
  // Start the odometer at `start`.
  for (let d = nd - 1, r = start; d >= 0; d--) {
    const s = batchShape[d]!;
    const i = r % s;
    r = (r - i) / s;
    idx[d] = i;
    oa += i * sa[d]!;
    ob += i * sb[d]!;
    oc += i * sc[d]!;
  }
  for (let t = start; ; ) {
    fn(oa, ob, oc);
    if (++t >= stop) return;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      oa += sa[d]!;
      ob += sb[d]!;
      oc += sc[d]!;
      if (idx[d]! < batchShape[d]!) break;
      const s = batchShape[d]!;
      oa -= sa[d]! * s;
      ob -= sb[d]! * s;
      oc -= sc[d]! * s;
      idx[d] = 0;
    }
  }
}

/** A sub-range [start, end) of the flat (row-major) batch indices of a GEMM call. */
export interface GemmBatchRange {
  start: number;
  end: number;
}

/** Effective (row, col) strides of op(X) and whether it is conjugated. */
function effective(x: GemmOperand<unknown>, op: GemmOp): [number, number, boolean] {
  return op === 'N' ? [x.rowStride, x.colStride, false] : [x.colStride, x.rowStride, op === 'C'];
}

function checkBatch(name: string, x: GemmOperand<unknown>, nb: number): void {
  if (x.batchStrides.length !== nb) {
    throw new AdjointError(`gemm: operand '${name}' must have ${nb} batch strides (one per batch dim), got ${x.batchStrides.length}`, name);
  }
}

/**
 * Real batched GEMM on float32/float64 storage: `C = alpha·op(A)·op(B) + beta·C` for each batch index.
 * `opX = 'C'` is the same as `'T'` for real data. A, B and C may be different typed-array types.
 * `range` restricts the call to the batch indices with flat (row-major) positions in [start, end), so that
 * threads can share a batch (see gemm-parallel.ts).
 *
 * @example
 * ```ts
 * // 2×3 times 3×2, row-major, one batch
 * const a = new Float64Array([1, 2, 3, 4, 5, 6]), b = new Float64Array([1, 0, 0, 1, 1, 1]), c = new Float64Array(4);
 * gemmReal({ m: 2, n: 2, k: 3, batchShape: [] },
 *   { data: a, offset: 0, rowStride: 3, colStride: 1, batchStrides: [] },
 *   { data: b, offset: 0, rowStride: 2, colStride: 1, batchStrides: [] },
 *   { data: c, offset: 0, rowStride: 2, colStride: 1, batchStrides: [] });
 * // c = [4, 5, 10, 11]
 * ```
 */
export function gemmReal(
  shape: GemmShape,
  A: GemmOperand<FloatStorage>,
  B: GemmOperand<FloatStorage>,
  C: GemmOperand<FloatStorage>,
  range: GemmBatchRange = { start: 0, end: Infinity },
): void {
  const { m, n, k, batchShape } = shape;
  const nb = batchShape.length;
  checkBatch('A', A, nb);
  checkBatch('B', B, nb);
  checkBatch('C', C, nb);
  const alpha = scalarPair(shape.alpha, 1)[0];
  const beta = scalarPair(shape.beta, 0)[0];
  const [ars, acs] = effective(A, shape.opA ?? 'N');
  const [brs, bcs] = effective(B, shape.opB ?? 'N');
  const crs = C.rowStride;
  const ccs = C.colStride;
  if (m === 0 || n === 0) return;
  const a = A.data;
  const b = B.data;
  const c = C.data;
  if (m * n * k <= SMALL_MNK) {
    // Tiny matrices: packing costs more than it saves; dot products straight from the strided operands.
    forEachBatch(batchShape, A.batchStrides, B.batchStrides, C.batchStrides, A.offset, B.offset, C.offset, (ao, bo, co) => {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0;
          let pa = ao + i * ars;
          let pb = bo + j * bcs;
          for (let p = 0; p < k; p++, pa += acs, pb += brs) acc += a[pa]! * b[pb]!;
          const q = co + i * crs + j * ccs;
          c[q] = beta === 0 ? alpha * acc : alpha * acc + beta * c[q]!;
        }
      }
    }, range.start, range.end);
    return;
  }
  // Scratch is sized to the actual problem (small matrices get small buffers) and allocated once per call.
  const kcMax = Math.min(KC, Math.max(k, 1));
  const mcMax = Math.min(MC, Math.ceil(m / MR) * MR);
  const ncMax = Math.min(NC, Math.ceil(n / NR) * NR);
  // One scratch array holds the packed A block (first) and the packed B panel (after it): the micro-kernel then
  // needs one array base and bound instead of two, which leaves V8 more registers (measured ~10% faster).
  const bOff = mcMax * kcMax;
  // WebAssembly SIMD micro-kernel (gemm-kernel.wat) when available: the panels are packed straight into its
  // memory, after them a C block of mcMax × ncMax that each kernel call fills with alpha·A·B.
  const cOff = bOff + kcMax * ncMax;
  const wk = gemmWasmInstance(8 * (cOff + mcMax * ncMax));
  if (wk !== null) {
    gemmRealWasm(wk, shape, A, B, C, range, alpha, beta, ars, acs, brs, bcs, kcMax, mcMax, ncMax);
    return;
  }
  const w = new Float64Array(bOff + kcMax * ncMax);

  forEachBatch(batchShape, A.batchStrides, B.batchStrides, C.batchStrides, A.offset, B.offset, C.offset, (ao, bo, co) => {
    // With beta = 0 the first k-block stores instead of accumulating, saving a pass over C.
    const store = beta === 0 && k > 0 && alpha !== 0;
    if (!store) scaleReal(c, co, m, n, crs, ccs, beta);
    if (k === 0 || alpha === 0) return;
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = Math.min(KC, k - pc);
        packB(b, bo + pc * brs + jc * bcs, brs, bcs, kc, nc, w, bOff);
        for (let ic = 0; ic < m; ic += MC) {
          const mc = Math.min(MC, m - ic);
          packA(a, ao + ic * ars + pc * acs, ars, acs, mc, kc, w);
          for (let jr = 0; jr < nc; jr += NR) {
            const nr = Math.min(NR, nc - jr);
            const bBase = bOff + jr * kc;
            for (let ir = 0; ir < mc; ir += MR) {
              const mr = Math.min(MR, mc - ir);
              micro4x4(kc, w, ir * kc, bBase, c, co + (ic + ir) * crs + (jc + jr) * ccs, crs, ccs, mr, nr, alpha, store && pc === 0);
            }
          }
        }
      }
    }
  }, range.start, range.end);
}

/** A plain copy of one result block: V8 reads a wasm memory's view element by element several times slower. */
let cPlain = new Float64Array(0);

/**
 * The blocked loops of {@link gemmReal} around the wasm micro-kernel: the same packing, block sizes and per-element
 * operation order as the JS path, so the result is bitwise the JS kernel's. Each (k-block, row-block) product
 * comes back as alpha·A·B in the module's memory and is stored into C (first k-block with beta = 0) or added to it.
 */
function gemmRealWasm(
  wk: GemmWasmInstance,
  shape: GemmShape,
  A: GemmOperand<FloatStorage>,
  B: GemmOperand<FloatStorage>,
  C: GemmOperand<FloatStorage>,
  range: GemmBatchRange,
  alpha: number,
  beta: number,
  ars: number,
  acs: number,
  brs: number,
  bcs: number,
  kcMax: number,
  mcMax: number,
  ncMax: number,
): void {
  const { m, n, k, batchShape } = shape;
  const a = A.data;
  const b = B.data;
  const c = C.data;
  const crs = C.rowStride;
  const ccs = C.colStride;
  const bOff = mcMax * kcMax;
  const cOff = bOff + kcMax * ncMax;
  const w = wk.f64;
  const block = wk.block;
  if (cPlain.length < mcMax * ncMax) cPlain = new Float64Array(mcMax * ncMax);
  const cb = cPlain;
  forEachBatch(batchShape, A.batchStrides, B.batchStrides, C.batchStrides, A.offset, B.offset, C.offset, (ao, bo, co) => {
    const store = beta === 0 && k > 0 && alpha !== 0;
    if (!store) scaleReal(c, co, m, n, crs, ccs, beta);
    if (k === 0 || alpha === 0) return;
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      const ncPad = Math.ceil(nc / NR) * NR;
      for (let pc = 0; pc < k; pc += KC) {
        const kc = Math.min(KC, k - pc);
        const first = store && pc === 0;
        packB(b, bo + pc * brs + jc * bcs, brs, bcs, kc, nc, w, bOff);
        for (let ic = 0; ic < m; ic += MC) {
          const mc = Math.min(MC, m - ic);
          const mcPad = Math.ceil(mc / MR) * MR;
          packA(a, ao + ic * ars + pc * acs, ars, acs, mc, kc, w);
          block(kc, mcPad, ncPad, 0, 8 * bOff, 8 * cOff, 8 * ncPad, alpha);
          let q0 = co + ic * crs + jc * ccs;
          if (first && ccs === 1 && crs === ncPad && nc === ncPad) {
            // The block is a contiguous piece of C (e.g. whole small matrices of a batch): one copy.
            c.set(w.subarray(cOff, cOff + mc * nc), q0);
            continue;
          }
          if (first && ccs === 1) {
            // Row runs straight from the module's memory (a memcpy, or a float32 conversion).
            for (let i = 0, r = cOff; i < mc; i++, r += ncPad, q0 += crs) c.set(w.subarray(r, r + nc), q0);
            continue;
          }
          cb.set(w.subarray(cOff, cOff + mc * ncPad));
          for (let i = 0, r = 0; i < mc; i++, r += ncPad, q0 += crs) {
            let q = q0;
            if (first) for (let j = 0; j < nc; j++, q += ccs) c[q] = cb[r + j]!;
            else for (let j = 0; j < nc; j++, q += ccs) c[q] = c[q]! + cb[r + j]!;
          }
        }
      }
    }
  }, range.start, range.end);
}

function scaleReal(c: FloatStorage, co: number, m: number, n: number, crs: number, ccs: number, beta: number): void {
  if (beta === 1) return;
  for (let i = 0; i < m; i++) {
    let q = co + i * crs;
    if (beta === 0) for (let j = 0; j < n; j++, q += ccs) c[q] = 0;
    else for (let j = 0; j < n; j++, q += ccs) c[q]! *= beta;
  }
}

/**
 * Packs `count` lines (stride `ls` between lines, `ps` along k) of a strided block into `dst` from index `q0` as
 * 4-line micro-panels: panel t holds, for each p < kc, 4 consecutive lines (zero-padded past `count`). With
 * lines = rows this packs op(A) (MR = 4), with lines = columns op(B) (NR = 4).
 */
function packPanels(src: FloatStorage, off: number, ls: number, ps: number, count: number, kc: number, dst: Float64Array, q0: number): void {
  let q = q0;
  for (let l0 = 0; l0 < count; l0 += 4) {
    const lines = Math.min(4, count - l0);
    if (lines === 4) {
      const s0 = off + l0 * ls;
      for (let p = 0; p < kc; p++) {
        const s = s0 + p * ps;
        dst[q] = src[s]!;
        dst[q + 1] = src[s + ls]!;
        dst[q + 2] = src[s + 2 * ls]!;
        dst[q + 3] = src[s + 3 * ls]!;
        q += 4;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < 4; r++) dst[q++] = r < lines ? src[off + (l0 + r) * ls + p * ps]! : 0;
      }
    }
  }
}

/** Packs an mc×kc block of op(A) (row stride rs, column stride cs) into `ap` from index 0 as MR-row micro-panels. */
function packA(a: FloatStorage, off: number, rs: number, cs: number, mc: number, kc: number, ap: Float64Array): void {
  packPanels(a, off, rs, cs, mc, kc, ap, 0);
}

/** Packs a kc×nc panel of op(B) into `bp` from index `q0` as NR-column micro-panels. */
function packB(b: FloatStorage, off: number, rs: number, cs: number, kc: number, nc: number, bp: Float64Array, q0: number): void {
  packPanels(b, off, cs, rs, nc, kc, bp, q0);
}

/** Accumulators of an edge tile, copied out so the valid corner can be written with a plain loop. */
const edgeAcc = new Float64Array(16);

/**
 * 4×4 register-blocked micro-kernel: C[0:mr, 0:nr] (+)= alpha · Apanel · Bpanel, both micro-panels packed in `w`
 * (at `ai` and `bi`); `store` overwrites C instead of adding to it (first k-block when beta = 0).
 */
function micro4x4(
  kc: number,
  w: Float64Array,
  ai: number,
  bi: number,
  c: FloatStorage,
  co: number,
  crs: number,
  ccs: number,
  mr: number,
  nr: number,
  alpha: number,
  store: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  // The loop runs on the A index alone (no separate counter): one register fewer in this register-starved loop.
  const aEnd = ai + 4 * kc;
  for (; ai < aEnd; ai += 4, bi += 4) {
    const a0 = w[ai]!, a1 = w[ai + 1]!, a2 = w[ai + 2]!, a3 = w[ai + 3]!;
    const b0 = w[bi]!, b1 = w[bi + 1]!, b2 = w[bi + 2]!, b3 = w[bi + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (mr === 4 && nr === 4 && ccs === 1) {
    if (store) {
      let q = co;
      c[q] = alpha * c00; c[q + 1] = alpha * c01; c[q + 2] = alpha * c02; c[q + 3] = alpha * c03;
      q += crs;
      c[q] = alpha * c10; c[q + 1] = alpha * c11; c[q + 2] = alpha * c12; c[q + 3] = alpha * c13;
      q += crs;
      c[q] = alpha * c20; c[q + 1] = alpha * c21; c[q + 2] = alpha * c22; c[q + 3] = alpha * c23;
      q += crs;
      c[q] = alpha * c30; c[q + 1] = alpha * c31; c[q + 2] = alpha * c32; c[q + 3] = alpha * c33;
    } else {
      let q = co;
      c[q] = c[q]! + alpha * c00; c[q + 1] = c[q + 1]! + alpha * c01; c[q + 2] = c[q + 2]! + alpha * c02; c[q + 3] = c[q + 3]! + alpha * c03;
      q += crs;
      c[q] = c[q]! + alpha * c10; c[q + 1] = c[q + 1]! + alpha * c11; c[q + 2] = c[q + 2]! + alpha * c12; c[q + 3] = c[q + 3]! + alpha * c13;
      q += crs;
      c[q] = c[q]! + alpha * c20; c[q + 1] = c[q + 1]! + alpha * c21; c[q + 2] = c[q + 2]! + alpha * c22; c[q + 3] = c[q + 3]! + alpha * c23;
      q += crs;
      c[q] = c[q]! + alpha * c30; c[q + 1] = c[q + 1]! + alpha * c31; c[q + 2] = c[q + 2]! + alpha * c32; c[q + 3] = c[q + 3]! + alpha * c33;
    }
    return;
  }
  // Edge tile or strided C: write back only the valid mr×nr corner (padded rows/cols computed zeros).
  const acc = edgeAcc;
  acc[0] = c00; acc[1] = c01; acc[2] = c02; acc[3] = c03;
  acc[4] = c10; acc[5] = c11; acc[6] = c12; acc[7] = c13;
  acc[8] = c20; acc[9] = c21; acc[10] = c22; acc[11] = c23;
  acc[12] = c30; acc[13] = c31; acc[14] = c32; acc[15] = c33;
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const q = co + i * crs + j * ccs;
      c[q] = (store ? 0 : c[q]!) + alpha * acc[4 * i + j]!;
    }
  }
}

/**
 * Complex batched GEMM on interleaved storage (complex64 in Float32Array, complex128 in Float64Array):
 * `C = alpha·op(A)·op(B) + beta·C`, with `op` = 'N', 'T' (transpose) or 'C' (conjugate transpose).
 * Strides/offsets count complex elements. `range` restricts the batch as in {@link gemmReal}.
 *
 * @example
 * ```ts
 * // (1+2i)·(3-1i) = 5+5i as a 1×1×1 product
 * const c = new Float64Array(2);
 * const op = (data: Float64Array) => ({ data, offset: 0, rowStride: 1, colStride: 1, batchStrides: [] });
 * gemmComplex({ m: 1, n: 1, k: 1, batchShape: [] }, op(new Float64Array([1, 2])), op(new Float64Array([3, -1])), op(c));
 * ```
 */
export function gemmComplex(
  shape: GemmShape,
  A: GemmOperand<FloatStorage>,
  B: GemmOperand<FloatStorage>,
  C: GemmOperand<FloatStorage>,
  range: GemmBatchRange = { start: 0, end: Infinity },
): void {
  const { m, n, k, batchShape } = shape;
  const nb = batchShape.length;
  checkBatch('A', A, nb);
  checkBatch('B', B, nb);
  checkBatch('C', C, nb);
  const [alr, ali] = scalarPair(shape.alpha, 1);
  const [ber, bei] = scalarPair(shape.beta, 0);
  const [ars, acs, aconj] = effective(A, shape.opA ?? 'N');
  const [brs, bcs, bconj] = effective(B, shape.opB ?? 'N');
  const crs = C.rowStride;
  const ccs = C.colStride;
  if (m === 0 || n === 0) return;
  const a = A.data;
  const b = B.data;
  const c = C.data;
  if (m * n * k <= SMALL_MNK) {
    const sa = aconj ? -1 : 1;
    const sb = bconj ? -1 : 1;
    forEachBatch(batchShape, A.batchStrides, B.batchStrides, C.batchStrides, A.offset, B.offset, C.offset, (ao, bo, co) => {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sr = 0;
          let si = 0;
          let pa = 2 * (ao + i * ars);
          let pb = 2 * (bo + j * bcs);
          for (let p = 0; p < k; p++, pa += 2 * acs, pb += 2 * brs) {
            const xr = a[pa]!, xi = sa * a[pa + 1]!, yr = b[pb]!, yi = sb * b[pb + 1]!;
            sr += xr * yr - xi * yi;
            si += xr * yi + xi * yr;
          }
          const q = 2 * (co + i * crs + j * ccs);
          let zr = alr * sr - ali * si;
          let zi = alr * si + ali * sr;
          if (ber !== 0 || bei !== 0) {
            const cr = c[q]!, ci = c[q + 1]!;
            zr += ber * cr - bei * ci;
            zi += ber * ci + bei * cr;
          }
          c[q] = zr;
          c[q + 1] = zi;
        }
      }
    }, range.start, range.end);
    return;
  }
  const kcMax = Math.min(KC, Math.max(k, 1));
  const mcMax = Math.min(MC, Math.ceil(m / CMR) * CMR);
  const ncMax = Math.min(NC, Math.ceil(n / CNR) * CNR);
  // Packed A block and B panel share one scratch array, as in gemmReal.
  const bOff = 2 * mcMax * kcMax;
  const w = new Float64Array(bOff + 2 * kcMax * ncMax);

  forEachBatch(batchShape, A.batchStrides, B.batchStrides, C.batchStrides, A.offset, B.offset, C.offset, (ao, bo, co) => {
    const store = ber === 0 && bei === 0 && k > 0 && (alr !== 0 || ali !== 0);
    if (!store) scaleComplex(c, co, m, n, crs, ccs, ber, bei);
    if (k === 0 || (alr === 0 && ali === 0)) return;
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = Math.min(KC, k - pc);
        packComplex(b, bo + pc * brs + jc * bcs, bcs, brs, nc, kc, CNR, bconj, w, bOff);
        for (let ic = 0; ic < m; ic += MC) {
          const mc = Math.min(MC, m - ic);
          packComplex(a, ao + ic * ars + pc * acs, ars, acs, mc, kc, CMR, aconj, w, 0);
          for (let jr = 0; jr < nc; jr += CNR) {
            const nr = Math.min(CNR, nc - jr);
            for (let ir = 0; ir < mc; ir += CMR) {
              const mr = Math.min(CMR, mc - ir);
              microC2x2(kc, w, 2 * ir * kc, bOff + 2 * jr * kc, c, co + (ic + ir) * crs + (jc + jr) * ccs, crs, ccs, mr, nr, alr, ali, store && pc === 0);
            }
          }
        }
      }
    }
  }, range.start, range.end);
}

function scaleComplex(c: FloatStorage, co: number, m: number, n: number, crs: number, ccs: number, br: number, bi: number): void {
  if (br === 1 && bi === 0) return;
  for (let i = 0; i < m; i++) {
    let q = 2 * (co + i * crs);
    for (let j = 0; j < n; j++, q += 2 * ccs) {
      if (br === 0 && bi === 0) {
        c[q] = 0;
        c[q + 1] = 0;
      } else {
        const re = c[q]!, im = c[q + 1]!;
        c[q] = re * br - im * bi;
        c[q + 1] = re * bi + im * br;
      }
    }
  }
}

/**
 * Packs `rows`×`kc` complex elements (rows along `rs`, depth along `ks`) into `w`-wide micro-panels, interleaved,
 * starting at index `q0` of `out`, conjugating on the way when asked. Used for A (rows = m) and, with strides swapped, for B (rows = n).
 */
function packComplex(x: FloatStorage, off: number, rs: number, ks: number, rows: number, kc: number, w: number, conj: boolean, out: Float64Array, q0: number): void {
  let q = q0;
  const sgn = conj ? -1 : 1;
  for (let r0 = 0; r0 < rows; r0 += w) {
    const cnt = Math.min(w, rows - r0);
    for (let p = 0; p < kc; p++) {
      for (let r = 0; r < w; r++) {
        if (r < cnt) {
          const s = 2 * (off + (r0 + r) * rs + p * ks);
          out[q] = x[s]!;
          out[q + 1] = sgn * x[s + 1]!;
        } else {
          out[q] = 0;
          out[q + 1] = 0;
        }
        q += 2;
      }
    }
  }
}

/**
 * 2×2 complex micro-kernel: C[0:mr, 0:nr] (+)= alpha · Apanel · Bpanel (interleaved, both packed in `w` at `ai`
 * and `bi`); `store` overwrites.
 */
function microC2x2(
  kc: number,
  w: Float64Array,
  ai: number,
  bi: number,
  c: FloatStorage,
  co: number,
  crs: number,
  ccs: number,
  mr: number,
  nr: number,
  alr: number,
  ali: number,
  store: boolean,
): void {
  let r00 = 0, i00 = 0, r01 = 0, i01 = 0, r10 = 0, i10 = 0, r11 = 0, i11 = 0;
  const aEnd = ai + 4 * kc;
  for (; ai < aEnd; ai += 4, bi += 4) {
    const a0r = w[ai]!, a0i = w[ai + 1]!, a1r = w[ai + 2]!, a1i = w[ai + 3]!;
    const b0r = w[bi]!, b0i = w[bi + 1]!, b1r = w[bi + 2]!, b1i = w[bi + 3]!;
    r00 += a0r * b0r - a0i * b0i; i00 += a0r * b0i + a0i * b0r;
    r01 += a0r * b1r - a0i * b1i; i01 += a0r * b1i + a0i * b1r;
    r10 += a1r * b0r - a1i * b0i; i10 += a1r * b0i + a1i * b0r;
    r11 += a1r * b1r - a1i * b1i; i11 += a1r * b1i + a1i * b1r;
  }
  const acc = edgeAcc;
  acc[0] = r00; acc[1] = i00; acc[2] = r01; acc[3] = i01;
  acc[4] = r10; acc[5] = i10; acc[6] = r11; acc[7] = i11;
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const q = 2 * (co + i * crs + j * ccs);
      const xr = acc[4 * i + 2 * j]!, xi = acc[4 * i + 2 * j + 1]!;
      c[q] = (store ? 0 : c[q]!) + (alr * xr - ali * xi);
      c[q + 1] = (store ? 0 : c[q + 1]!) + (alr * xi + ali * xr);
    }
  }
}

/**
 * Exact int32 batched GEMM (wrapping modulo 2^32 like PyTorch's int32 matmul): products via `Math.imul`,
 * sums with `| 0`. Unblocked: integer matmul is a correctness feature here, not a fast path.
 * `alpha`/`beta` must be integers (beta 0 overwrites C).
 *
 * @example
 * ```ts
 * // [2, 3] (1×2) times [4, 5]ᵀ (2×1)
 * const c = new Int32Array(1);
 * gemmInt32({ m: 1, n: 1, k: 2, batchShape: [] },
 *   { data: new Int32Array([2, 3]), offset: 0, rowStride: 2, colStride: 1, batchStrides: [] },
 *   { data: new Int32Array([4, 5]), offset: 0, rowStride: 1, colStride: 1, batchStrides: [] },
 *   { data: c, offset: 0, rowStride: 1, colStride: 1, batchStrides: [] }); // c[0] = 23
 * ```
 */
export function gemmInt32(shape: GemmShape, A: GemmOperand<Int32Array>, B: GemmOperand<Int32Array>, C: GemmOperand<Int32Array>): void {
  const { m, n, k, batchShape } = shape;
  const nb = batchShape.length;
  checkBatch('A', A, nb);
  checkBatch('B', B, nb);
  checkBatch('C', C, nb);
  const alpha = scalarPair(shape.alpha, 1)[0] | 0;
  const beta = scalarPair(shape.beta, 0)[0] | 0;
  const [ars, acs] = effective(A, shape.opA ?? 'N');
  const [brs, bcs] = effective(B, shape.opB ?? 'N');
  const a = A.data, b = B.data, c = C.data;
  forEachBatch(batchShape, A.batchStrides, B.batchStrides, C.batchStrides, A.offset, B.offset, C.offset, (ao, bo, co) => {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let pa = ao + i * ars, pb = bo + j * bcs;
        for (let p = 0; p < k; p++, pa += acs, pb += brs) s = (s + Math.imul(a[pa]!, b[pb]!)) | 0;
        const q = co + i * C.rowStride + j * C.colStride;
        c[q] = (Math.imul(alpha, s) + (beta === 0 ? 0 : Math.imul(beta, c[q]!))) | 0;
      }
    }
  });
}

/**
 * Batch-innermost multiply-accumulate: for t in [0, len),
 * `Z[i, j, t] += Σ_p X[i, p, t] · Y[p, j, t]` with the batch index t contiguous (stride 1) in X, Y and Z.
 * i < m, j < n, p < k; the other strides are free. Each X row segment is read once per (i, p) and reused for
 * all j while it is in L1, and the batch range is tiled so the touched Y/Z segments stay in cache:
 * for large batches of tiny matrices this streams memory once instead of packing thousands of small matrices.
 * `complex` selects interleaved complex arithmetic (strides/offsets still count elements).
 *
 * @example
 * ```ts
 * // einsum('ikt,kjt->ijt') with i=j=k=1, t=3
 * const z = new Float64Array(3);
 * gemmBatchInner(false, 1, 1, 1, 3, new Float64Array([1, 2, 3]), 0, 0, 0, new Float64Array([4, 5, 6]), 0, 0, 0, z, 0, 0, 0);
 * // z = [4, 10, 18]
 * ```
 */
export function gemmBatchInner(
  complex: boolean,
  m: number,
  n: number,
  k: number,
  len: number,
  x: FloatStorage,
  xOff: number,
  xsM: number,
  xsK: number,
  y: FloatStorage,
  yOff: number,
  ysK: number,
  ysN: number,
  z: FloatStorage,
  zOff: number,
  zsM: number,
  zsN: number,
): void {
  // Tile of the batch range, sized so the Y slab of one tile (k·n·T scalars) stays within ~1 MB of cache (L2) while
  // it is reused for every i. Register blocking is 2 (p) × 2 (j): each X value loaded feeds two outputs and each
  // Z update adds two products, which halves the loads/stores per flop compared with one product per update.
  const sp = complex ? 2 : 1;
  const T = Math.max(8, Math.min(1024, Math.floor(131072 / Math.max(1, k * n * sp))));
  for (let t0 = 0; t0 < len; t0 += T) {
    const tl = Math.min(T, len - t0);
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p += 2) {
        const twoP = p + 1 < k;
        const x0 = sp * (xOff + i * xsM + p * xsK + t0);
        const x1 = twoP ? x0 + sp * xsK : x0;
        for (let j = 0; j < n; j += 2) {
          const twoJ = j + 1 < n;
          const y00 = sp * (yOff + p * ysK + j * ysN + t0);
          const y10 = y00 + sp * ysK; // p+1, j
          const y01 = y00 + sp * ysN; // p, j+1
          const y11 = y10 + sp * ysN;
          const z0 = sp * (zOff + i * zsM + j * zsN + t0);
          const z1 = z0 + sp * zsN;
          if (complex) {
            if (twoP && twoJ) mac22c(x, x0, x1, y, y00, y10, y01, y11, z, z0, z1, tl);
            else if (twoP) mac21c(x, x0, x1, y, y00, y10, z, z0, tl);
            else {
              mac1c(x, x0, y, y00, z, z0, tl);
              if (twoJ) mac1c(x, x0, y, y01, z, z1, tl);
            }
          } else if (twoP && twoJ) mac22r(x, x0, x1, y, y00, y10, y01, y11, z, z0, z1, tl);
          else if (twoP) mac21r(x, x0, x1, y, y00, y10, z, z0, tl);
          else {
            mac1r(x, x0, y, y00, z, z0, tl);
            if (twoJ) mac1r(x, x0, y, y01, z, z1, tl);
          }
        }
      }
    }
  }
}

/** z0 += x0·y00 + x1·y10 and z1 += x0·y01 + x1·y11 over `len` real elements (start indices in scalars). */
function mac22r(x: FloatStorage, x0: number, x1: number, y: FloatStorage, y00: number, y10: number, y01: number, y11: number, z: FloatStorage, z0: number, z1: number, len: number): void {
  for (let t = 0; t < len; t++) {
    const a = x[x0 + t]!, b = x[x1 + t]!;
    z[z0 + t] = z[z0 + t]! + (a * y[y00 + t]! + b * y[y10 + t]!);
    z[z1 + t] = z[z1 + t]! + (a * y[y01 + t]! + b * y[y11 + t]!);
  }
}

/** z0 += x0·y0 over `len` real elements. */
function mac1r(x: FloatStorage, x0: number, y: FloatStorage, y0: number, z: FloatStorage, z0: number, len: number): void {
  for (let t = 0; t < len; t++) z[z0 + t] = z[z0 + t]! + x[x0 + t]! * y[y0 + t]!;
}

/** z0 += x0·y0 + x1·y1 over `len` real elements. */
function mac21r(x: FloatStorage, x0: number, x1: number, y: FloatStorage, y0: number, y1: number, z: FloatStorage, z0: number, len: number): void {
  for (let t = 0; t < len; t++) z[z0 + t] = z[z0 + t]! + (x[x0 + t]! * y[y0 + t]! + x[x1 + t]! * y[y1 + t]!);
}

/** Complex (interleaved) version of {@link mac22r}; `len` counts complex elements. */
function mac22c(x: FloatStorage, x0: number, x1: number, y: FloatStorage, y00: number, y10: number, y01: number, y11: number, z: FloatStorage, z0: number, z1: number, len: number): void {
  const end = 2 * len;
  for (let t = 0; t < end; t += 2) {
    const ar = x[x0 + t]!, ai = x[x0 + t + 1]!, br = x[x1 + t]!, bi = x[x1 + t + 1]!;
    let cr = y[y00 + t]!, ci = y[y00 + t + 1]!, dr = y[y10 + t]!, di = y[y10 + t + 1]!;
    z[z0 + t] = z[z0 + t]! + (ar * cr - ai * ci + br * dr - bi * di);
    z[z0 + t + 1] = z[z0 + t + 1]! + (ar * ci + ai * cr + br * di + bi * dr);
    cr = y[y01 + t]!;
    ci = y[y01 + t + 1]!;
    dr = y[y11 + t]!;
    di = y[y11 + t + 1]!;
    z[z1 + t] = z[z1 + t]! + (ar * cr - ai * ci + br * dr - bi * di);
    z[z1 + t + 1] = z[z1 + t + 1]! + (ar * ci + ai * cr + br * di + bi * dr);
  }
}

/** Complex (interleaved) version of {@link mac1r}. */
function mac1c(x: FloatStorage, x0: number, y: FloatStorage, y0: number, z: FloatStorage, z0: number, len: number): void {
  const end = 2 * len;
  for (let t = 0; t < end; t += 2) {
    const ar = x[x0 + t]!, ai = x[x0 + t + 1]!, cr = y[y0 + t]!, ci = y[y0 + t + 1]!;
    z[z0 + t] = z[z0 + t]! + (ar * cr - ai * ci);
    z[z0 + t + 1] = z[z0 + t + 1]! + (ar * ci + ai * cr);
  }
}

/** Complex (interleaved) version of {@link mac21r}. */
function mac21c(x: FloatStorage, x0: number, x1: number, y: FloatStorage, y0: number, y1: number, z: FloatStorage, z0: number, len: number): void {
  const end = 2 * len;
  for (let t = 0; t < end; t += 2) {
    const ar = x[x0 + t]!, ai = x[x0 + t + 1]!, br = x[x1 + t]!, bi = x[x1 + t + 1]!;
    const cr = y[y0 + t]!, ci = y[y0 + t + 1]!, dr = y[y1 + t]!, di = y[y1 + t + 1]!;
    z[z0 + t] = z[z0 + t]! + (ar * cr - ai * ci + br * dr - bi * di);
    z[z0 + t + 1] = z[z0 + t + 1]! + (ar * ci + ai * cr + br * di + bi * dr);
  }
}
