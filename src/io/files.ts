/**
 * Loading and saving `.npy` / `.npz` files on disk (Node only). Writes are atomic: the bytes go to a
 * temporary file in the target's directory which is then renamed over the target, so a crash never leaves
 * a half-written array behind and readers see either the old file or the new one.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AdjointError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { readNpy, writeNpy } from './npy-format.js';
import { readNpz, writeNpz, type WriteNpzOptions } from './npz.js';

function checkPath(fn: string, path: unknown): string {
  if (typeof path !== 'string' || path.length === 0) throw new AdjointError(`${fn}: argument 'path' must be a non-empty string`, 'path');
  return path;
}

function systemMessage(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

function readBytes(fn: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new AdjointError(`${fn}: cannot read '${path}': ${systemMessage(e)}`, 'path');
  }
}

/**
 * Writes `bytes` to `path` atomically (temp file in the same directory, fsync, rename).
 * @example `writeFileAtomic('saveNpy', 'out.npy', bytes)`
 */
function writeFileAtomic(fn: string, path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        /* already failing; report the first error */
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* the temp file may never have been created */
    }
    throw new AdjointError(`${fn}: cannot write '${path}': ${systemMessage(e)}`, 'path');
  }
}

/**
 * Loads a `.npy` file (see {@link readNpy} for the dtypes accepted).
 *
 * @example
 * ```ts
 * const x = loadNpy('weights.npy');
 * ```
 */
export function loadNpy(path: string): Tensor {
  const p = checkPath('loadNpy', path);
  return readNpy(readBytes('loadNpy', p), { fn: 'loadNpy', source: p });
}

/**
 * Saves a tensor as a `.npy` file, atomically.
 *
 * @example
 * ```ts
 * saveNpy('x.npy', randn([3, 3], { seed: 0 })); // np.load('x.npy') in Python
 * ```
 */
export function saveNpy(path: string, t: Tensor): void {
  const p = checkPath('saveNpy', path);
  if (!(t instanceof Tensor)) throw new AdjointError("saveNpy: argument 't' must be a Tensor", 't');
  writeFileAtomic('saveNpy', p, writeNpy(t));
}

/**
 * Loads every array of a `.npz` file, keyed by name.
 *
 * @example
 * ```ts
 * const { weights, bias } = loadNpz('model.npz');
 * ```
 */
export function loadNpz(path: string): Record<string, Tensor> {
  const p = checkPath('loadNpz', path);
  return readNpz(readBytes('loadNpz', p), { fn: 'loadNpz', source: p });
}

/**
 * Saves a record of tensors as a `.npz` file, atomically; `{ compressed: true }` deflates the members
 * like `numpy.savez_compressed`.
 *
 * @example
 * ```ts
 * saveNpz('model.npz', { weights: w, bias: b }, { compressed: true });
 * ```
 */
export function saveNpz(path: string, arrays: Readonly<Record<string, Tensor>>, options: WriteNpzOptions = {}): void {
  const p = checkPath('saveNpz', path);
  writeFileAtomic('saveNpz', p, writeNpz(arrays, options));
}
