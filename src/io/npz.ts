/**
 * NumPy `.npz` archives (a ZIP of `.npy` members, as `numpy.savez` / `numpy.savez_compressed` write them),
 * from and to bytes in memory. Deflate comes from node:zlib, so this module is Node-only.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { AdjointError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { readNpy, writeNpy } from './npy-format.js';
import { readZip, writeZip, type ZipCodec } from './zip.js';

/** Options of {@link writeNpz}. */
export interface WriteNpzOptions {
  /** Deflate the members, as `numpy.savez_compressed` does. Default false (`numpy.savez`). */
  compressed?: boolean;
  /** Write ZIP64 records even for small archives (NumPy's own `savez` does); mostly for tests. */
  forceZip64?: boolean;
}

/** Options of {@link readNpz}. */
export interface ReadNpzOptions {
  /** Where the bytes came from, quoted in error messages. */
  source?: string;
  /** Function name that error messages start with (default `'readNpz'`). */
  fn?: string;
}

/**
 * node:zlib raw deflate for {@link readZip}/{@link writeZip}; inflate is capped at the size the archive declares.
 * @example `readZip(bytes, { codec: NODE_ZLIB_CODEC })`
 */
export const NODE_ZLIB_CODEC: ZipCodec = {
  deflate: (data) => deflateRawSync(data),
  inflate: (data, maxOutput) => {
    const out = inflateRawSync(data, { maxOutputLength: Math.max(1, maxOutput) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
};

/**
 * Reads an `.npz` archive into a record of tensors keyed by member name without `.npy`
 * (`np.savez(f, x=…)` gives key `'x'`, positional arrays give `'arr_0'`, …). Members that are not `.npy`
 * files are ignored, as they are not arrays. The record has no prototype, so any key is safe.
 *
 * @example
 * ```ts
 * const { a, b } = readNpz(writeNpz({ a: eye(2), b: zeros([3]) }));
 * ```
 */
export function readNpz(bytes: Uint8Array, options: ReadNpzOptions = {}): Record<string, Tensor> {
  const fn = options.fn ?? 'readNpz';
  const entries = readZip(bytes, { codec: NODE_ZLIB_CODEC, fn, ...(options.source === undefined ? {} : { source: options.source }) });
  const out = Object.create(null) as Record<string, Tensor>;
  for (const e of entries) {
    if (!e.name.endsWith('.npy')) continue;
    const key = e.name.slice(0, -4);
    if (Object.prototype.hasOwnProperty.call(out, key)) {
      throw new AdjointError(`${fn}: the archive holds member '${e.name}' twice`, 'bytes');
    }
    const source = options.source === undefined ? e.name : `${options.source}/${e.name}`;
    out[key] = readNpy(e.data, { fn, source });
  }
  return out;
}

/**
 * Builds an `.npz` archive from a record of tensors; `np.load` gives back the same arrays.
 *
 * @example
 * ```ts
 * const bytes = writeNpz({ x: randn([3, 3], { seed: 1 }) }, { compressed: true });
 * ```
 */
export function writeNpz(arrays: Readonly<Record<string, Tensor>>, options: WriteNpzOptions = {}): Uint8Array {
  if (arrays === null || typeof arrays !== 'object') {
    throw new AdjointError("writeNpz: argument 'arrays' must be a record of tensors", 'arrays');
  }
  const entries = Object.keys(arrays).map((key) => {
    const t = arrays[key];
    if (!(t instanceof Tensor)) throw new AdjointError(`writeNpz: argument 'arrays' must hold only tensors, got a non-tensor at key '${key}'`, 'arrays');
    if (key.length === 0) throw new AdjointError("writeNpz: argument 'arrays' has an empty key", 'arrays');
    return { name: `${key}.npy`, data: writeNpy(t) };
  });
  return writeZip(entries, {
    codec: NODE_ZLIB_CODEC,
    compressed: options.compressed ?? false,
    forceZip64: options.forceZip64 ?? false,
  });
}
