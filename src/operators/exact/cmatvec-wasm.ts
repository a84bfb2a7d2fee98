/**
 * A WebAssembly SIMD arena for the Hermitian complex matrix–vector products of the exact 'valid' solver
 * (cmatvec.wat: f64x2 over interleaved re/im, matrices packed to their upper triangle, each entry loaded once
 * for up to two vectors; the products are memory-bound, so packing halves their time). The matrices the
 * kernel reads (G⁻¹ per frequency, the band blocks) and the vectors it multiplies are carved out of one
 * WebAssembly memory sized once at set-up and never grown, so the Float64Array views handed out stay valid
 * for the arena's lifetime. `create` returns null where WebAssembly SIMD is unavailable, disabled
 * (ADJOINT_NO_WASM=1), or the memory cannot be had; callers then keep plain arrays and the JS kernels.
 */
import { compileWasm } from '../../wasm/load.js';
import { WASM_BASE64 } from './cmatvec.wasm.js';

interface CmatvecExports {
  hmv1(a: number, x: number, y: number, n: number): void;
  hmv2(a: number, x: number, y: number, n: number): void;
}

/** Largest arena (bytes): wasm32 addresses 4 GiB; stay clear of the top. */
const MAX_BYTES = 2 ** 32 - 2 ** 16;

/**
 * Fixed-size arena of Float64Array views on one WebAssembly memory, with the products that read them.
 *
 * @example
 * ```ts
 * const ar = CmatvecArena.create([packedLength(4), 8, 8]);
 * if (ar) { const [Ap, x, y] = ar.views; ar.hermMulti(Ap!, 0, x!, y!, 4, 1); }
 * ```
 */
export class CmatvecArena {
  /** One view per requested size, in order (16-byte aligned, zero-filled). */
  readonly views: Float64Array<ArrayBuffer>[];
  private readonly ex: CmatvecExports;
  private readonly buffer: ArrayBuffer;

  private constructor(ex: CmatvecExports, memory: WebAssembly.Memory, sizes: readonly number[]) {
    this.ex = ex;
    this.buffer = memory.buffer;
    let off = 0;
    this.views = sizes.map((len) => {
      const v = new Float64Array(this.buffer, off, len);
      off += 8 * len + ((16 - ((8 * len) % 16)) % 16);
      return v;
    });
  }

  /**
   * An arena holding one Float64Array of each length in `sizes`, or null when the WebAssembly kernel cannot
   * be used (then use plain arrays and the JS kernels of hermitian-kernel.ts).
   *
   * @example
   * ```ts
   * const ar = CmatvecArena.create([32, 8, 8]);
   * ```
   */
  static create(sizes: readonly number[]): CmatvecArena | null {
    const mod = compileWasm('exact-cmatvec', WASM_BASE64);
    if (!mod) return null;
    let bytes = 0;
    for (const len of sizes) {
      if (!(Number.isInteger(len) && len >= 0)) return null;
      bytes += 8 * len + 16;
    }
    if (bytes > MAX_BYTES) return null;
    try {
      const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
      const inst = new WebAssembly.Instance(mod, { env: { memory } });
      return new CmatvecArena(inst.exports as unknown as CmatvecExports, memory, sizes);
    } catch {
      return null; // memory refused (too large for this engine): JS fallback
    }
  }

  /**
   * Byte address of element `off` of a view of this arena, for {@link CmatvecArena.hermAt} (resolve once,
   * outside the per-frequency loop).
   *
   * @example
   * ```ts
   * const xa = ar.addr(x, 0);
   * ```
   */
  addr(v: Float64Array, off: number): number {
    if (v.buffer !== this.buffer) throw new Error('CmatvecArena: array is not a view of this arena');
    return v.byteOffset + 8 * off;
  }

  /**
   * {@link CmatvecArena.hermMulti} on byte addresses from {@link CmatvecArena.addr}: y_b = A·x_b for b < count,
   * vectors 16·n bytes apart.
   *
   * @example
   * ```ts
   * ar.hermAt(ar.addr(Ap, 0), ar.addr(x, 0), ar.addr(y, 0), 4, 1);
   * ```
   */
  hermAt(a: number, x: number, y: number, n: number, count: number): void {
    const stride = 16 * n;
    let b = 0;
    for (; b + 2 <= count; b += 2) this.ex.hmv2(a, x + stride * b, y + stride * b, n);
    if (b < count) this.ex.hmv1(a, x + stride * b, y + stride * b, n);
  }

  /**
   * out_b = A·x_b for b < count (x_b at `x[2·n·b ..]`, out_b at `out[2·n·b ..]`, interleaved re/im), A the
   * Hermitian complex n×n matrix stored packed (see {@link packHermitian}) at `Ap[aOff..]`. Ap, x and out must
   * be views of this arena, x and out disjoint.
   *
   * @example
   * ```ts
   * ar.hermMulti(Ap, 0, x, y, 4, 1);
   * ```
   */
  hermMulti(Ap: Float64Array, aOff: number, x: Float64Array, out: Float64Array, n: number, count: number): void {
    this.hermAt(this.addr(Ap, aOff), this.addr(x, 0), this.addr(out, 0), n, count);
  }

  /**
   * out[oOff..] = A·x[xOff..] for one packed Hermitian n×n matrix at `Ap[aOff..]` (views of this arena).
   *
   * @example
   * ```ts
   * ar.herm(Ap, 0, x, 0, y, 0, 4);
   * ```
   */
  herm(Ap: Float64Array, aOff: number, x: Float64Array, xOff: number, out: Float64Array, oOff: number, n: number): void {
    this.ex.hmv1(this.addr(Ap, aOff), this.addr(x, xOff), this.addr(out, oOff), n);
  }
}

/** Doubles of one packed Hermitian n×n matrix (its upper triangle, complex). @example `packedLength(32) === 1056` */
export function packedLength(n: number): number {
  return n * (n + 1);
}

/**
 * Copies the upper triangle of the row-major complex n×n matrix at `src[sOff..]` (interleaved) to
 * `dst[dOff..]` row by row (row i: columns i..n−1), the layout the Hermitian kernels read.
 *
 * @example
 * ```ts
 * packHermitian(full, 0, packed, 0, 3); // packed = [a00, a01, a02, a11, a12, a22] (complex)
 * ```
 */
export function packHermitian(src: Float64Array, sOff: number, dst: Float64Array, dOff: number, n: number): void {
  let q = dOff;
  for (let i = 0; i < n; i++) {
    const row = sOff + 2 * (i * n + i);
    const len = 2 * (n - i);
    dst.set(src.subarray(row, row + len), q);
    q += len;
  }
}
