/**
 * The direct convolution kernel: an implicit GEMM `out[m, p] = bias[m] + Σ_k W[m, k] · x[pixBase[p] + taps[k]]`.
 *
 * Every convolution in src/nn is phrased this way. `p` runs over output pixels, `k` over (input channel, tap)
 * pairs and `m` over output channels. The input is read in place through two offset tables, so nothing is
 * unrolled into an im2col matrix. conv2d uses one call per (batch item, group). convTranspose2d uses one call
 * per stride phase. Complex data goes through the same real kernel: re and im become separate rows and taps
 * (see conv2d.ts).
 *
 * Register blocking: each tile is 4 output rows × 4 pixels, so the inner loop does 16 multiply-adds for
 * 8 loads. Pixels are swept in chunks so that one chunk's inputs stay in cache across all row blocks.
 * This kernel imports no Tensor and allocates nothing inside its loops. conv2d-wasm.ts is its WebAssembly SIMD
 * twin (same packed layout, same order of operations, so bitwise the same results); this one is the fallback.
 */

/** Rows per register tile (output channels); {@link packRows} pads M up to a multiple of this. */
export const ROW_BLOCK = 4;
const PIX_CHUNK = 64;

/**
 * Packs a dense row-major `M × K` matrix (`a[m*K + k]`) into the kernel's blocked layout:
 * `packed[(mb*K + k)*4 + r] = a[(4*mb + r)*K + k]`. Rows past M are zero.
 *
 * @example
 * ```ts
 * const wp = packRows(new Float64Array([1, 2, 3, 4, 5, 6]), 2, 3); // length 12
 * ```
 */
export function packRows(a: Float64Array, m: number, k: number): Float64Array {
  const mb = Math.ceil(m / ROW_BLOCK);
  const out = new Float64Array(mb * k * ROW_BLOCK);
  for (let i = 0; i < m; i++) {
    const blk = (i / ROW_BLOCK) | 0;
    const r = i - blk * ROW_BLOCK;
    const src = i * k;
    let d = blk * k * ROW_BLOCK + r;
    for (let j = 0; j < k; j++, d += ROW_BLOCK) out[d] = a[src + j]!;
  }
  return out;
}

/**
 * The implicit-GEMM convolution kernel. For `m < M` and `p < nPix`, it sets
 * `out[rowBase[m] + outIdx[p]] = (bias ? bias[m] : 0) + Σ_{k<K} W[m,k] · x[xOff + pixBase[p] + taps[k]]`,
 * where W is packed by {@link packRows}. Every offset is in scalars of the Float64Arrays.
 *
 * @example
 * ```ts
 * // 1×1 convolution of 2 channels of 3 pixels into 1 channel
 * convGemm(x, 0, new Int32Array([0, 1, 2]), 3, new Int32Array([0, 3]), 2, packRows(w, 1, 2), 1, null,
 *          out, new Int32Array([0]), new Int32Array([0, 1, 2]));
 * ```
 */
export function convGemm(
  x: Float64Array,
  xOff: number,
  pixBase: Int32Array,
  nPix: number,
  taps: Int32Array,
  K: number,
  wp: Float64Array,
  M: number,
  bias: Float64Array | null,
  out: Float64Array,
  rowBase: Int32Array,
  outIdx: Int32Array,
): void {
  if (M < 3) {
    convGemmNarrow(x, xOff, pixBase, nPix, taps, K, wp, M, bias, out, rowBase, outIdx);
    return;
  }
  const nmb = Math.ceil(M / ROW_BLOCK);
  const last = nPix - 1;
  for (let c0 = 0; c0 < nPix; c0 += PIX_CHUNK) {
    const c1 = Math.min(nPix, c0 + PIX_CHUNK);
    for (let mb = 0; mb < nmb; mb++) {
      const m0 = mb * ROW_BLOCK;
      const wOff = mb * K * ROW_BLOCK;
      const beta0 = bias !== null && m0 < M ? bias[m0]! : 0;
      const beta1 = bias !== null && m0 + 1 < M ? bias[m0 + 1]! : 0;
      const beta2 = bias !== null && m0 + 2 < M ? bias[m0 + 2]! : 0;
      const beta3 = bias !== null && m0 + 3 < M ? bias[m0 + 3]! : 0;
      for (let p = c0; p < c1; p += 4) {
        // Pixels past the end repeat the last one; their results are not written.
        const b0 = xOff + pixBase[p]!;
        const b1 = xOff + pixBase[p + 1 <= last ? p + 1 : last]!;
        const b2 = xOff + pixBase[p + 2 <= last ? p + 2 : last]!;
        const b3 = xOff + pixBase[p + 3 <= last ? p + 3 : last]!;
        let a00 = beta0, a01 = beta0, a02 = beta0, a03 = beta0;
        let a10 = beta1, a11 = beta1, a12 = beta1, a13 = beta1;
        let a20 = beta2, a21 = beta2, a22 = beta2, a23 = beta2;
        let a30 = beta3, a31 = beta3, a32 = beta3, a33 = beta3;
        let wk = wOff;
        for (let k = 0; k < K; k++, wk += 4) {
          const t = taps[k]!;
          const w0 = wp[wk]!, w1 = wp[wk + 1]!, w2 = wp[wk + 2]!, w3 = wp[wk + 3]!;
          // One input value live at a time keeps 16 accumulators + 4 weights + 1 value within the registers.
          let xv = x[b0 + t]!;
          a00 += w0 * xv; a10 += w1 * xv; a20 += w2 * xv; a30 += w3 * xv;
          xv = x[b1 + t]!;
          a01 += w0 * xv; a11 += w1 * xv; a21 += w2 * xv; a31 += w3 * xv;
          xv = x[b2 + t]!;
          a02 += w0 * xv; a12 += w1 * xv; a22 += w2 * xv; a32 += w3 * xv;
          xv = x[b3 + t]!;
          a03 += w0 * xv; a13 += w1 * xv; a23 += w2 * xv; a33 += w3 * xv;
        }
        const np = Math.min(4, nPix - p);
        const nr = Math.min(4, M - m0);
        if (np === 4 && nr === 4) {
          const o0 = outIdx[p]!, o1 = outIdx[p + 1]!, o2 = outIdx[p + 2]!, o3 = outIdx[p + 3]!;
          let r = rowBase[m0]!;
          out[r + o0] = a00; out[r + o1] = a01; out[r + o2] = a02; out[r + o3] = a03;
          r = rowBase[m0 + 1]!;
          out[r + o0] = a10; out[r + o1] = a11; out[r + o2] = a12; out[r + o3] = a13;
          r = rowBase[m0 + 2]!;
          out[r + o0] = a20; out[r + o1] = a21; out[r + o2] = a22; out[r + o3] = a23;
          r = rowBase[m0 + 3]!;
          out[r + o0] = a30; out[r + o1] = a31; out[r + o2] = a32; out[r + o3] = a33;
        } else {
          storeTail(out, rowBase, outIdx, m0, p, nr, np, [a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23, a30, a31, a32, a33]);
        }
      }
    }
  }
}

/**
 * The same product for M < 3 rows (depthwise convolutions: one output channel per group). A 4-row tile would
 * mostly multiply padding rows, so this kernel does one row at a time over 8 pixels.
 */
function convGemmNarrow(
  x: Float64Array,
  xOff: number,
  pixBase: Int32Array,
  nPix: number,
  taps: Int32Array,
  K: number,
  wp: Float64Array,
  M: number,
  bias: Float64Array | null,
  out: Float64Array,
  rowBase: Int32Array,
  outIdx: Int32Array,
): void {
  const last = nPix - 1;
  for (let m = 0; m < M; m++) {
    // Row m of block 0 in the packed layout: stride ROW_BLOCK between k.
    const beta = bias !== null ? bias[m]! : 0;
    const rb = rowBase[m]!;
    for (let p = 0; p < nPix; p += 8) {
      const b0 = xOff + pixBase[p]!;
      const b1 = xOff + pixBase[p + 1 <= last ? p + 1 : last]!;
      const b2 = xOff + pixBase[p + 2 <= last ? p + 2 : last]!;
      const b3 = xOff + pixBase[p + 3 <= last ? p + 3 : last]!;
      const b4 = xOff + pixBase[p + 4 <= last ? p + 4 : last]!;
      const b5 = xOff + pixBase[p + 5 <= last ? p + 5 : last]!;
      const b6 = xOff + pixBase[p + 6 <= last ? p + 6 : last]!;
      const b7 = xOff + pixBase[p + 7 <= last ? p + 7 : last]!;
      let a0 = beta, a1 = beta, a2 = beta, a3 = beta, a4 = beta, a5 = beta, a6 = beta, a7 = beta;
      let wk = m;
      for (let k = 0; k < K; k++, wk += ROW_BLOCK) {
        const t = taps[k]!;
        const wv = wp[wk]!;
        a0 += wv * x[b0 + t]!; a1 += wv * x[b1 + t]!; a2 += wv * x[b2 + t]!; a3 += wv * x[b3 + t]!;
        a4 += wv * x[b4 + t]!; a5 += wv * x[b5 + t]!; a6 += wv * x[b6 + t]!; a7 += wv * x[b7 + t]!;
      }
      if (p + 8 <= nPix) {
        out[rb + outIdx[p]!] = a0; out[rb + outIdx[p + 1]!] = a1; out[rb + outIdx[p + 2]!] = a2; out[rb + outIdx[p + 3]!] = a3;
        out[rb + outIdx[p + 4]!] = a4; out[rb + outIdx[p + 5]!] = a5; out[rb + outIdx[p + 6]!] = a6; out[rb + outIdx[p + 7]!] = a7;
      } else {
        const acc = [a0, a1, a2, a3, a4, a5, a6, a7];
        for (let q = 0; p + q < nPix; q++) out[rb + outIdx[p + q]!] = acc[q]!;
      }
    }
  }
}

/** Writes the valid part of a partial tile (rare: at most one per row block and pixel chunk edge). */
function storeTail(out: Float64Array, rowBase: Int32Array, outIdx: Int32Array, m0: number, p: number, nr: number, np: number, acc: number[]): void {
  for (let r = 0; r < nr; r++) {
    const rb = rowBase[m0 + r]!;
    for (let q = 0; q < np; q++) out[rb + outIdx[p + q]!] = acc[r * 4 + q]!;
  }
}
