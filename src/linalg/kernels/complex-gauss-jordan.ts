/**
 * A reusable workspace for in-place complex Gauss–Jordan inverses of n×n matrices, on the WebAssembly SIMD
 * kernel (complex-gauss-jordan.wat: f64x2 over split re/im rows, two target rows per pivot-row load) where it
 * is available, else on the plain-JS {@link gaussJordanInverseJs}. Callers write the matrix into `re`/`im`
 * (row-major with leading dimension `ld`, which may exceed n; the padding columns must stay zero), call
 * `invert()` or `certifiedInverse()`, and read the result back from the same arrays. One workspace per size
 * and thread is cached.
 */
import { compileWasm, wasmDisabled } from '../../wasm/load.js';
import { WASM_BASE64 } from './complex-gauss-jordan.wasm.js';
import { gaussJordanInverseJs } from './pinv.js';

/** What {@link ComplexGaussJordan.certifiedInverse} measured. @example `const out: CertifiedInverseNorms = { fro2: 0, mx: 0, fx: 0 };` */
export interface CertifiedInverseNorms {
  /** ‖X‖_F² of the input. */
  fro2: number;
  /** max |re| + |im| over the input (the scaling that keeps the elimination in range). */
  mx: number;
  /** ‖(X/mx)⁻¹‖_F (+∞ when no inverse was formed); σ_min(X) ≥ mx/fx and ‖X‖_F‖X⁻¹‖_F = √fro2·fx/mx. */
  fx: number;
}

/** A workspace holding one n×n complex matrix (split re/im, leading dimension `ld`). @example `const w: ComplexGaussJordan = complexGaussJordan(32);` */
export interface ComplexGaussJordan {
  /** Order of the matrix. */
  readonly n: number;
  /** Leading dimension (row stride) of `re` and `im`: n, or n + 1 for the SIMD kernel when n is odd. */
  readonly ld: number;
  /** Real parts, n rows of `ld` entries (columns n..ld−1 are zero padding). Re-read after `scratch()`. */
  readonly re: Float64Array;
  /** Imaginary parts, same layout. */
  readonly im: Float64Array;
  /** True when the WebAssembly kernel runs (false: the JS fallback). */
  readonly simd: boolean;
  /** The WebAssembly memory holding `re`/`im` (null for the JS fallback), for kernels that fill it in place. */
  readonly memory: WebAssembly.Memory | null;
  /** Byte offsets of `re` and `im` in `memory`. */
  readonly reOffset: number;
  readonly imOffset: number;
  /**
   * Inverts the matrix in place by Gauss–Jordan with partial pivoting; false (contents garbage) when a pivot is
   * zero, NaN, or below `minPivot` in modulus (the same contract as `gaussJordanInverse` (pinv.ts)).
   */
  invert(minPivot?: number): boolean;
  /**
   * Measures X (see {@link CertifiedInverseNorms}, written into `out`), scales it by 1/mx, inverts it and
   * leaves outScale·X⁻¹ in place. False (contents garbage, `out.fx` = +∞) when X is zero or not finite, a
   * pivot vanishes or the inverse overflows.
   */
  certifiedInverse(outScale: number, out: CertifiedInverseNorms): boolean;
  /** Byte offset of at least `bytes` of scratch in `memory` after the matrix (grows it; `re`/`im` are renewed). */
  scratch(bytes: number): number;
}

interface GjExports {
  memory: WebAssembly.Memory;
  gj: (n: number, ld: number, xr: number, xi: number, perm: number, minPivot2: number) => number;
  certInverse: (n: number, ld: number, xr: number, xi: number, perm: number, outScale: number, res: number) => number;
}

const cache = new Map<number, ComplexGaussJordan>();

class WasmWorkspace implements ComplexGaussJordan {
  readonly ld: number;
  readonly simd = true;
  readonly memory: WebAssembly.Memory;
  readonly reOffset = 0;
  readonly imOffset: number;
  re: Float64Array;
  im: Float64Array;
  private readonly ex: GjExports;
  private readonly perm: number;
  private readonly res: number;
  private readonly end: number;
  private resView: Float64Array;

  constructor(readonly n: number, mod: WebAssembly.Module) {
    this.ld = n + (n & 1);
    this.ex = new WebAssembly.Instance(mod, {}).exports as unknown as GjExports;
    this.memory = this.ex.memory;
    this.imOffset = n * this.ld * 8;
    this.perm = 2 * this.imOffset;
    this.res = this.perm + ((4 * n + 15) & ~15);
    this.end = this.res + 32;
    this.grow(this.end);
    [this.re, this.im, this.resView] = this.views();
  }

  private grow(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
  }

  private views(): [Float64Array, Float64Array, Float64Array] {
    const buf = this.memory.buffer;
    return [new Float64Array(buf, this.reOffset, this.n * this.ld), new Float64Array(buf, this.imOffset, this.n * this.ld), new Float64Array(buf, this.res, 4)];
  }

  invert(minPivot = 0): boolean {
    return this.ex.gj(this.n, this.ld, this.reOffset, this.imOffset, this.perm, minPivot * minPivot) === 1;
  }

  certifiedInverse(outScale: number, out: CertifiedInverseNorms): boolean {
    const ok = this.ex.certInverse(this.n, this.ld, this.reOffset, this.imOffset, this.perm, outScale, this.res) === 1;
    const r = this.resView;
    out.fro2 = r[0]!;
    out.mx = r[1]!;
    out.fx = r[2]!;
    return ok;
  }

  scratch(bytes: number): number {
    const before = this.memory.buffer.byteLength;
    this.grow(this.end + bytes);
    if (this.memory.buffer.byteLength !== before) [this.re, this.im, this.resView] = this.views();
    return this.end;
  }
}

class JsWorkspace implements ComplexGaussJordan {
  readonly ld: number;
  readonly simd = false;
  readonly memory = null;
  readonly reOffset = 0;
  readonly imOffset = 0;
  readonly re: Float64Array;
  readonly im: Float64Array;
  private readonly perm: Int32Array;

  constructor(readonly n: number) {
    this.ld = n;
    this.re = new Float64Array(n * n);
    this.im = new Float64Array(n * n);
    this.perm = new Int32Array(Math.max(1, n));
  }

  invert(minPivot = 0): boolean {
    return gaussJordanInverseJs(this.n, this.re, this.im, this.perm, minPivot);
  }

  certifiedInverse(outScale: number, out: CertifiedInverseNorms): boolean {
    const { re, im } = this;
    const nn = this.n * this.n;
    let mx = 0;
    let s = 0;
    for (let q = 0; q < nn; q++) {
      const a = re[q]!, b = im[q]!;
      s += a * a + b * b;
      const v = Math.abs(a) + Math.abs(b);
      if (!(v <= mx)) mx = v;
    }
    out.fro2 = s;
    out.mx = mx;
    out.fx = Infinity;
    if (!(mx > 0 && mx < Infinity && s < Infinity)) return false;
    const inv = 1 / mx;
    for (let q = 0; q < nn; q++) {
      re[q] = re[q]! * inv;
      im[q] = im[q]! * inv;
    }
    if (!this.invert()) return false;
    let f = 0;
    for (let q = 0; q < nn; q++) f += re[q]! * re[q]! + im[q]! * im[q]!;
    f = Math.sqrt(f);
    if (!(f < Infinity)) return false;
    out.fx = f;
    const c = outScale / mx;
    for (let q = 0; q < nn; q++) {
      re[q] = re[q]! * c;
      im[q] = im[q]! * c;
    }
    return true;
  }

  scratch(): number {
    return 0;
  }
}

/**
 * The cached workspace for n×n complex inverses on this thread (SIMD when available; `ADJOINT_NO_WASM=1`
 * forces the JS kernel). `slot` (0–3) picks one of several independent workspaces of the same size, so that
 * independent callers do not overwrite each other's matrix (slot 1 belongs to `gaussJordanInverse` (pinv.ts)).
 *
 * @example
 * ```ts
 * const w = complexGaussJordan(2);
 * w.re.set([2, 0], 0); w.re.set([0, 4], w.ld); w.im.fill(0);
 * w.invert(); // w.re[0] = 0.5, w.re[w.ld + 1] = 0.25
 * ```
 */
export function complexGaussJordan(n: number, slot = 0): ComplexGaussJordan {
  const key = (wasmDisabled() ? -1 - n : n) * 4 + slot;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const mod = n > 0 && !wasmDisabled() ? compileWasm('complex-gauss-jordan', WASM_BASE64) : null;
  const w = mod ? new WasmWorkspace(n, mod) : new JsWorkspace(n);
  cache.set(key, w);
  return w;
}
