/**
 * The WebAssembly SIMD kernels of the SVD (svd-kernels.wat) and the per-thread arena they work in. The SVD's
 * scratch (work matrix, reflectors, rotation records, singular vector matrices) is carved out of the instance's
 * memory by {@link svdArena}; the JS kernels (householder.ts, rotations.ts) then hand their loops to the SIMD
 * kernels whenever every array they were given lives in that memory ({@link svdKernelsFor}), and run the plain-JS
 * loops otherwise. So the whole pipeline works on the same arrays either way, with no copies, and
 * `ADJOINT_NO_WASM=1` (or an environment without SIMD) simply leaves the scratch in ordinary typed arrays.
 *
 * One arena per thread (worker-pool tasks run in other threads with their own instance): a region stays valid
 * until the next {@link svdArena} call on the thread by another owner, which the SVD driver guarantees by using
 * its scratch only synchronously within one matrix.
 */
import { compileWasm, wasmDisabled } from '../../wasm/load.js';
import { WASM_BASE64 } from './svd-kernels.wasm.js';

/** The kernels' exports (pointers are byte offsets into `memory`). @example `const k: SvdKernelExports | null = svdKernelsFor(buf);` */
export interface SvdKernelExports {
  memory: WebAssembly.Memory;
  reflR(len: number, v: number, t0: number, x: number, ldb: number, cols: number): void;
  reflC(len: number, vr: number, vi: number, t0: number, t1: number, xr: number, xi: number, ldb: number, cols: number): void;
  rowsR(rows: number, cols: number, g: number, ldb: number, v: number, t0: number, t: number): void;
  rowsC(rows: number, cols: number, gr: number, gi: number, ldb: number, vr: number, vi: number, t0: number, t1: number, tr: number, ti: number): void;
  rotAsc(x: number, len: number, ldb: number, k: number, end: number, cs: number, sn: number): void;
  bidiag(m: number, n: number, gr: number, gi: number, d: number, e: number, tq: number, tp: number, w: number): void;
  applyLeft(m: number, n: number, cols: number, gr: number, gi: number, tq: number, xr: number, xi: number): void;
  applyRight(m: number, n: number, gr: number, gi: number, tp: number, xr: number, xi: number, hr: number, hi: number): void;
  qr(n: number, s: number, e: number, u: number, v: number, maxIter: number, wk: number): number;
  sweep(k: number, p: number, f: number, g: number, s: number, e: number, cv: number, sv: number, cu: number, su: number, v: number, u: number, n: number): void;
}

interface ArenaState {
  ex: SvdKernelExports;
  /** The memory's current buffer (replaced when it grows: views on the old one are detached). */
  buffer: ArrayBuffer;
  owner: unknown;
}

let state: ArenaState | null | undefined;

function instance(): ArenaState | null {
  if (state !== undefined) return state;
  const mod = compileWasm('svd-kernels', WASM_BASE64);
  if (!mod) return null; // may still be compiling in the background: try again next time
  const ex = new WebAssembly.Instance(mod, {}).exports as unknown as SvdKernelExports;
  state = { ex, buffer: ex.memory.buffer as ArrayBuffer, owner: null };
  return state;
}

/**
 * The kernels when `buffer` is their memory's current buffer (so arrays on it can be passed by byte offset),
 * else null.
 *
 * @example
 * ```ts
 * const k = svdKernelsFor(x.buffer);
 * if (k) k.rotAsc(x.byteOffset, n, 8 * n, 0, n - 1, cs.byteOffset, sn.byteOffset);
 * ```
 */
export function svdKernelsFor(buffer: ArrayBufferLike): SvdKernelExports | null {
  const s = state;
  return s && s.buffer === buffer ? s.ex : null;
}

/** Float64 views carved from one region: `lengths[i]` entries each, every view 16-byte aligned. @example `const v: SvdArenaViews | null = svdArena(owner, [16, 4], null);` */
export type SvdArenaViews = Float64Array[];

/**
 * Carves views of the given lengths out of this thread's kernel memory for `owner`, or returns null (use ordinary
 * arrays) when the SIMD kernels are unavailable or disabled. `current` is the owner's previous result: returned
 * unchanged when the owner still holds the region and the memory has not grown since, so the call is cheap per
 * matrix. Taking the region for another owner invalidates the previous owner's data (not its views' validity
 * until the memory grows), hence the contract: use the region only synchronously.
 *
 * @example
 * ```ts
 * const [a, b] = svdArena(this, [64, 8], null) ?? [new Float64Array(64), new Float64Array(8)];
 * ```
 */
export function svdArena(owner: unknown, lengths: readonly number[], current: SvdArenaViews | null): SvdArenaViews | null {
  if (wasmDisabled()) return null;
  const s = instance();
  if (!s) return null;
  if (current && s.owner === owner && current.length > 0 && current[0]!.buffer === s.buffer) return current;
  let bytes = 0;
  for (const n of lengths) bytes += ((n + 1) & ~1) * 8;
  const mem = s.ex.memory;
  const have = s.buffer.byteLength;
  // Growing detaches the old buffer, and V8 then guards every typed-array access in the process against
  // detachment (measured ~25% slower JS loops): the module starts with 2 MiB so that blocks up to ~180×180
  // complex never grow it.
  if (bytes > have) mem.grow(Math.ceil((bytes - have) / 65536));
  s.buffer = mem.buffer as ArrayBuffer;
  s.owner = owner;
  const out: Float64Array[] = [];
  let off = 0;
  for (const n of lengths) {
    out.push(new Float64Array(s.buffer, off, n));
    off += ((n + 1) & ~1) * 8;
  }
  return out;
}
