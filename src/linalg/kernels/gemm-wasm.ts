/**
 * This thread's instance of the WebAssembly SIMD real GEMM micro-kernel (gemm-kernel.wat), used by `gemmReal`
 * (gemm.ts) for its packed blocks. The module owns its memory, one instance per thread (worker-pool tasks get
 * their own): gemmReal packs A and B straight into it and reads each block's result back out.
 *
 * Where WebAssembly SIMD is missing or disabled (ADJOINT_NO_WASM=1), or the memory cannot grow,
 * {@link gemmWasmInstance} returns null and gemmReal runs its JS micro-kernel.
 */
import { compileWasm, heldInstance, type HeldInstance } from '../../wasm/load.js';
import { WASM_BASE64 } from './gemm-kernel.wasm.js';

/**
 * `block(kc, mc, nc, a, b, c, ldc, alpha)`: C = alpha · Ablock · Bpanel for a packed mc×kc block of A (4-row
 * micro-panels at byte address `a`) and kc×nc panel of B (4-column micro-panels at `b`), mc and nc multiples of
 * 4, C row-major at `c` with a row stride of `ldc` bytes.
 */
export type GemmBlockFn = (kc: number, mc: number, nc: number, a: number, b: number, c: number, ldc: number, alpha: number) => void;

/** A thread's kernel instance: the exported block function and a view of the current memory. */
export interface GemmWasmInstance {
  block: GemmBlockFn;
  /** Float64 view of the whole memory (replaced whenever the memory grows). */
  f64: Float64Array;
}

/** Largest memory this module grows to (bytes); calls that need more use the JS kernel. */
const MAX_BYTES = 1 << 28;

interface Held extends GemmWasmInstance {
  held: HeldInstance;
  mem: WebAssembly.Memory;
}

let inst: Held | null = null;

/**
 * This thread's kernel instance with at least `bytes` of memory, or null (no wasm SIMD, disabled, or out of memory).
 *
 * @example
 * ```ts
 * const k = gemmWasmInstance(1 << 20);
 * if (k) k.block(kc, 4, 4, 0, 8 * 4 * kc, 8 * 8 * kc, 32, 1);
 * ```
 */
export function gemmWasmInstance(bytes: number): GemmWasmInstance | null {
  const mod = compileWasm('linalg.gemm-kernel', WASM_BASE64);
  if (mod === null || bytes > MAX_BYTES) return null;
  const r = heldInstance(inst?.held ?? null, mod, bytes);
  if (r === null) return null;
  if (inst === null || r.grown) {
    const mem = r.held.memory;
    inst = { held: r.held, mem, block: r.held.exports['block'] as GemmBlockFn, f64: new Float64Array(mem.buffer) };
  }
  return inst;
}

/**
 * True when the wasm GEMM kernel can run on this thread.
 * @example `if (!gemmWasmAvailable()) console.log('JS GEMM micro-kernel');`
 */
export function gemmWasmAvailable(): boolean {
  return gemmWasmInstance(0) !== null;
}
