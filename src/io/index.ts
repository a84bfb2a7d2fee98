/**
 * NumPy file interop: `.npy` and `.npz` from bytes (`readNpy`, `writeNpy`, `readNpz`, `writeNpz`) and from
 * disk (`loadNpy`, `saveNpy`, `loadNpz`, `saveNpz`). Node-only as a whole (it uses node:fs and node:zlib);
 * `readNpy`/`writeNpy` alone are browser-safe in `./npy-format.js`.
 *
 * @example
 * ```ts
 * import { loadNpy, saveNpz } from 'adjoint/io';
 * const x = loadNpy('x.npy');
 * saveNpz('out.npz', { x }, { compressed: true });
 * ```
 * @packageDocumentation
 */
export { readNpy, writeNpy } from './npy-format.js';
export type { ReadNpyOptions } from './npy-format.js';
export { readNpz, writeNpz } from './npz.js';
export type { ReadNpzOptions, WriteNpzOptions } from './npz.js';
export { loadNpy, saveNpy, loadNpz, saveNpz } from './files.js';
export { readZip, writeZip, crc32 } from './zip.js';
export type { ZipEntry, ZipCodec, ReadZipOptions, WriteZipOptions } from './zip.js';
