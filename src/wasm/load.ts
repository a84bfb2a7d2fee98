/**
 * Loading the hand-written WebAssembly SIMD kernels (src/**\/*.wat, assembled by scripts/build-wasm.mjs into
 * base64 modules). Every caller keeps a plain-JS kernel as the fallback: `compileWasm` returns null where
 * WebAssembly or its SIMD extension is missing, or where a synchronous compile is refused (Chrome's main
 * thread refuses modules over 4 KB; there the async compile finishes in the background and later calls use it).
 */

const cache = new Map<string, WebAssembly.Module | null | 'pending'>();

/** Decodes base64 without Node's Buffer (browser-safe). */
function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** True when the environment disables the WebAssembly kernels (`globalThis.ADJOINT_NO_WASM = true`, or the
 * environment variable ADJOINT_NO_WASM=1 under Node), e.g. to compare them with the JS fallbacks. */
export function wasmDisabled(): boolean {
  const g = globalThis as { ADJOINT_NO_WASM?: boolean; process?: { env?: Record<string, string | undefined> } };
  if (g.ADJOINT_NO_WASM === true) return true;
  return g.process?.env?.ADJOINT_NO_WASM === '1';
}

/**
 * The compiled module for a base64 binary, or null when it cannot be used (yet).
 *
 * @example
 * ```ts
 * import { WASM_BASE64 } from './conv2d.wasm.js';
 * const mod = compileWasm('conv2d', WASM_BASE64);
 * if (mod) { const inst = new WebAssembly.Instance(mod, { env: { memory } }); }
 * ```
 */
export function compileWasm(key: string, base64: string): WebAssembly.Module | null {
  if (wasmDisabled()) return null;
  const hit = cache.get(key);
  if (hit === 'pending') return null;
  if (hit !== undefined) return hit;
  if (typeof WebAssembly !== 'object') { cache.set(key, null); return null; }
  const bytes = decodeBase64(base64);
  if (!WebAssembly.validate(bytes)) { cache.set(key, null); return null; }
  try {
    const mod = new WebAssembly.Module(bytes);
    cache.set(key, mod);
    return mod;
  } catch {
    // Synchronous compile refused (browser main thread): compile in the background, JS until then.
    cache.set(key, 'pending');
    WebAssembly.compile(bytes).then((m) => cache.set(key, m), () => cache.set(key, null));
    return null;
  }
}

/** A module instance that owns (exports) its memory, as this thread's copy of a kernel. @example `held.memory.buffer` */
export interface HeldInstance {
  readonly mod: WebAssembly.Module;
  readonly exports: WebAssembly.Exports;
  readonly memory: WebAssembly.Memory;
}

/**
 * This thread's instance of `mod` (re-created when the module changed, e.g. after a background compile), with
 * its exported memory grown to at least `bytes`. Returns the instance and whether the memory grew (typed-array
 * views of the old buffer are then detached and must be re-created), or null when the memory cannot grow.
 *
 * @example
 * ```ts
 * const r = heldInstance(prev, mod, 1 << 20);
 * if (r && r.grown) f64 = new Float64Array(r.held.memory.buffer);
 * ```
 */
export function heldInstance(prev: HeldInstance | null, mod: WebAssembly.Module, bytes: number): { held: HeldInstance; grown: boolean } | null {
  let held = prev;
  let grown = false;
  if (held === null || held.mod !== mod) {
    const i = new WebAssembly.Instance(mod, {});
    held = { mod, exports: i.exports, memory: i.exports['memory'] as WebAssembly.Memory };
    grown = true;
  }
  const have = held.memory.buffer.byteLength;
  if (have < bytes) {
    try {
      held.memory.grow(Math.ceil((bytes - have) / 65536));
    } catch {
      return null;
    }
    grown = true;
  }
  return { held, grown };
}
