/**
 * The browser-safe part of the NumPy interop, exported as `io` by the browser entry: `.npy` from and to bytes.
 * Under Node, `io` also has the file and `.npz` functions (see `./index.ts`).
 *
 * @example
 * ```ts
 * import { io } from 'adjoint';
 * const t = io.readNpy(new Uint8Array(await (await fetch('x.npy')).arrayBuffer()));
 * ```
 * @packageDocumentation
 */
export { readNpy, writeNpy } from './npy-format.js';
export type { ReadNpyOptions } from './npy-format.js';
