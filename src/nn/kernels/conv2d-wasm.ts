/**
 * The WebAssembly SIMD version of the direct convolution kernel (`convGemm` in conv2d-direct.ts), with the same
 * contract and bitwise the same results: conv2d-gemm.wat sums every output in the same order as the JS kernel,
 * with one rounding per multiply and per add.
 *
 * The module works on its own memory, one instance per thread. A call copies in what it reads: the packed
 * weights, the bias, the offset tables (as byte offsets) and the input. Taps that read overlapping input
 * (those of one input channel) form a run, and each run's input for the call's pixel range is copied once,
 * packed one after another; the taps are rebased onto that copy. So a thread copies about the input that its
 * share of the pixels reads, and the copy stays small next to the K·M multiply-adds per pixel as long as
 * callers pass long pixel ranges (a thread's whole share of a call). Ranges whose input exceeds
 * {@link CONV_WASM_LIMITS} are halved, which bounds the memory. The kernel then runs over blocks of
 * {@link PIX_BLOCK} pixels, each block's result is copied out through `rowBase`/`outIdx`.
 *
 * Where WebAssembly SIMD is missing or disabled (ADJOINT_NO_WASM=1), or the memory cannot grow, {@link convGemmWasm}
 * returns false and the caller runs the JS kernel.
 */
import { compileWasm, heldInstance, type HeldInstance } from '../../wasm/load.js';
import { ROW_BLOCK } from './conv2d-direct.js';
import { WASM_BASE64 } from './conv2d-gemm.wasm.js';

/** Pixels per register tile of the wasm kernel (the `NR` of conv2d-gemm.wat). */
const NR = 4;
/** Pixels per kernel call: a multiple of NR. Its inputs (K taps each) stay in L2 across all row blocks. */
const PIX_BLOCK = 128;
/**
 * @internal Tuning: `xBytes` is the most input (bytes) copied in for one pixel range; longer ranges are halved
 * until they fit (tests lower it to exercise the split).
 * @example `CONV_WASM_LIMITS.xBytes = 1 << 12;`
 */
export const CONV_WASM_LIMITS = { xBytes: 1 << 26 };
/** Largest memory this module grows to (bytes); calls that need more use the JS kernel. */
const MAX_BYTES = 1 << 30;

type GemmFn = (pix: number, np: number, taps: number, K: number, w: number, nmb: number, bias: number, c: number, ldc: number) => void;

interface Instance {
  held: HeldInstance;
  mem: WebAssembly.Memory;
  gemm: GemmFn;
  f64: Float64Array;
  i32: Int32Array;
}

let inst: Instance | null = null;

/** This thread's instance of the kernel module, with at least `bytes` of memory, or null. */
function instance(bytes: number): Instance | null {
  const mod = compileWasm('nn.conv2d-gemm', WASM_BASE64);
  if (mod === null || bytes > MAX_BYTES) return null;
  const r = heldInstance(inst?.held ?? null, mod, bytes);
  if (r === null) return null;
  if (inst === null || r.grown) {
    const mem = r.held.memory;
    inst = { held: r.held, mem, gemm: r.held.exports['gemm'] as GemmFn, f64: new Float64Array(mem.buffer), i32: new Int32Array(mem.buffer) };
  }
  return inst;
}

let cPlain = new Float64Array(0);

/** A plain scratch array of at least `n` doubles for one result block. */
function cBlock(n: number): Float64Array {
  if (cPlain.length < n) cPlain = new Float64Array(n);
  return cPlain;
}

/**
 * End (exclusive) of the run of sorted taps that starts at `order[i]`: each next tap is within `spread + 1` of
 * the previous one, so that the inputs read through them (`spread + 1` long each) overlap or touch.
 */
function runEnd(taps: Int32Array, order: Int32Array, i: number, K: number, spread: number): number {
  let e = i + 1;
  while (e < K && taps[order[e]!]! <= taps[order[e - 1]!]! + spread + 1) e++;
  return e;
}

/** `n` rounded up to a multiple of 16 (bytes). */
function align16(n: number): number {
  return (n + 15) & ~15;
}

/**
 * True when the wasm kernel can run here (WebAssembly SIMD present and not disabled).
 * @example `if (!convWasmAvailable()) console.log('JS convolution kernel');`
 */
export function convWasmAvailable(): boolean {
  return instance(0) !== null;
}

/**
 * Same contract as `convGemm` (conv2d-direct.ts): for `m < M`, `p < nPix` sets
 * `out[rowBase[m] + outIdx[p]] = (bias ? bias[m] : 0) + Σ_{k<K} W[m,k] · x[xOff + pixBase[p] + taps[k]]`, with W
 * packed by `packRows`, bitwise equal to `convGemm`. Returns false when it cannot run (no wasm SIMD, M < 3, or
 * the memory cannot grow, in which case part of `out` may be written); the caller then runs `convGemm`, which
 * writes all of it.
 *
 * @example
 * ```ts
 * if (!convGemmWasm(x, 0, pixBase, nPix, taps, K, wp, M, null, out, rowBase, outIdx)) convGemm(x, 0, pixBase, nPix, taps, K, wp, M, null, out, rowBase, outIdx);
 * ```
 */
export function convGemmWasm(
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
): boolean {
  // Narrow (depthwise) products would mostly multiply padding rows; the JS kernel has a row-at-a-time path.
  if (M < 3 || K <= 0 || instance(0) === null) return false;
  if (nPix <= 0) return true;
  // The taps in increasing order: runs of nearby taps read overlapping input, so each run is copied once.
  const order = new Int32Array(K);
  for (let k = 0; k < K; k++) order[k] = k;
  order.sort((a, b) => taps[a]! - taps[b]!);
  const nmb = Math.ceil(M / ROW_BLOCK);
  const mPad = nmb * ROW_BLOCK;
  // Memory layout (bytes): taps | pixel addresses | bias | packed weights | C block (mPad × PIX_BLOCK) | input runs.
  const tapsAt = 0;
  const pixAt = align16(tapsAt + 4 * K);
  const biasAt = align16(pixAt + 4 * PIX_BLOCK);
  const wAt = biasAt + 8 * mPad;
  const cAt = wAt + 8 * nmb * K * ROW_BLOCK;
  const xAt = cAt + 8 * PIX_BLOCK * mPad;
  let it = instance(xAt);
  if (it === null) return false;
  it.f64.fill(0, biasAt >> 3, (biasAt >> 3) + mPad);
  if (bias !== null) it.f64.set(bias.subarray(0, M), biasAt >> 3);
  it.f64.set(wp.subarray(0, nmb * K * ROW_BLOCK), wAt >> 3);

  // Pixel ranges go to the kernel one at a time, halved until their input fits in CONV_WASM_LIMITS.xBytes.
  const stack: number[] = [0, nPix];
  while (stack.length > 0) {
    const a1 = stack.pop()!;
    const a0 = stack.pop()!;
    let pMin = pixBase[a0]!;
    let pMax = pMin;
    for (let p = a0 + 1; p < a1; p++) {
      const b = pixBase[p]!;
      if (b < pMin) pMin = b;
      else if (b > pMax) pMax = b;
    }
    // A run of taps order[i..e) reads the input [pMin + first tap, pMax + last tap].
    let total = 0;
    for (let i = 0, e = 0; i < K; i = e) {
      e = runEnd(taps, order, i, K, pMax - pMin);
      total += pMax - pMin + taps[order[e - 1]!]! - taps[order[i]!]! + 1;
    }
    if (8 * total > CONV_WASM_LIMITS.xBytes && a1 - a0 > PIX_BLOCK) {
      const mid = a0 + Math.ceil((a1 - a0) / 2 / PIX_BLOCK) * PIX_BLOCK;
      stack.push(mid, a1, a0, mid);
      continue;
    }
    it = instance(xAt + 8 * total);
    if (it === null) return false;
    const { f64, i32, gemm } = it;
    // Copy each run to the next free place and point its taps there (byte offsets from the pixel's address).
    for (let i = 0, e = 0, at = 0; i < K; i = e) {
      e = runEnd(taps, order, i, K, pMax - pMin);
      const t0 = taps[order[i]!]!;
      const len = pMax - pMin + taps[order[e - 1]!]! - t0 + 1;
      f64.set(x.subarray(xOff + pMin + t0, xOff + pMin + t0 + len), (xAt >> 3) + at);
      for (let q = i; q < e; q++) i32[(tapsAt >> 2) + order[q]!] = 8 * (taps[order[q]!]! - t0 + at);
      at += len;
    }
    const pix0 = pixAt >> 2;
    const c0 = cAt >> 3;
    for (let p0 = a0; p0 < a1; p0 += PIX_BLOCK) {
      const nb = Math.min(PIX_BLOCK, a1 - p0);
      const npad = Math.ceil(nb / NR) * NR;
      for (let q = 0; q < nb; q++) i32[pix0 + q] = xAt + 8 * (pixBase[p0 + q]! - pMin);
      // The tail tile repeats the last pixel; those columns of C are computed and never read.
      for (let q = nb; q < npad; q++) i32[pix0 + q] = i32[pix0 + nb - 1]!;
      gemm(pixAt, npad, tapsAt, K, wAt, nmb, biasAt, cAt, 8 * PIX_BLOCK);
      // C is row-major (row stride PIX_BLOCK). Output rows whose pixels are consecutive (real conv2d) copy as runs;
      // otherwise C goes through a plain array first (V8 reads a wasm memory's view element by element ~3× slower).
      let run = true;
      for (let q = 1; q < nb && run; q++) run = outIdx[p0 + q]! === outIdx[p0]! + q;
      if (run) {
        const o0 = outIdx[p0]!;
        for (let m = 0; m < M; m++) {
          const ci = c0 + m * PIX_BLOCK;
          out.set(f64.subarray(ci, ci + nb), rowBase[m]! + o0);
        }
      } else {
        const cb = cBlock(M * PIX_BLOCK);
        cb.set(f64.subarray(c0, c0 + M * PIX_BLOCK));
        for (let m = 0; m < M; m++) {
          const rb = rowBase[m]!;
          const ci = m * PIX_BLOCK;
          for (let q = 0; q < nb; q++) out[rb + outIdx[p0 + q]!] = cb[ci + q]!;
        }
      }
    }
  }
  return true;
}
