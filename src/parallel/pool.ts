/**
 * Synchronous data parallelism over a batch. `parallelFor` splits [0, n) into contiguous ranges, runs one on
 * the calling thread and hands the others to a {@link ParallelBackend} (Node: worker_threads, installed by
 * the Node entry point `src/node/index.ts`). Without a backend, or for small batches, or when an array is not
 * in shared memory, it runs the whole range on the calling thread, so results never depend on the backend.
 */
import { getTask, type TaskArg } from './tasks.js';

/** A set of helper threads that can run named tasks on shared memory and block until they finish. */
export interface ParallelBackend {
  /** Number of helper threads (the calling thread works too). */
  readonly helpers: number;
  /**
   * Starts `task` on helper `h` for each range in `ranges` (one per helper, at most `helpers`), runs `onCaller`
   * on the calling thread meanwhile, then blocks until every helper is done, rethrowing a helper's error.
   */
  runBlocking(task: string, args: readonly TaskArg[], ranges: ReadonlyArray<readonly [number, number]>, onCaller: () => void): void;
}

let backend: ParallelBackend | null = null;

/**
 * Installs (or, with `null`, removes) the backend that {@link parallelFor} uses.
 * @example `setParallelBackend(null); // run everything on the calling thread`
 */
export function setParallelBackend(b: ParallelBackend | null): void {
  backend = b;
}

/** The installed backend, if any. @example `getParallelBackend()?.helpers` */
export function getParallelBackend(): ParallelBackend | null {
  return backend;
}

/** True when a typed array lives in a SharedArrayBuffer, so that other threads can see it. @example `isShared(new Float64Array(2)) // false` */
export function isShared(a: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;
}

/**
 * A copy of `a` in shared memory (or `a` itself when it already is shared, or when shared memory is unavailable).
 * @example `const s = toShared(new Float64Array([1, 2]));`
 */
export function toShared<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(a: T): T {
  if (isShared(a) || typeof SharedArrayBuffer === 'undefined' || backend === null) return a;
  const C = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new C(new SharedArrayBuffer(a.byteLength));
  (out as unknown as { set(x: T): void }).set(a);
  return out;
}

/**
 * Allocates a zeroed typed array in shared memory when a backend is installed, else an ordinary one.
 * @example `const out = allocShared(Float64Array, 1024);`
 */
export function allocShared<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(
  C: { new (n: number): T; new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  if (backend === null || typeof SharedArrayBuffer === 'undefined') return new C(length);
  return new C(new SharedArrayBuffer(length * C.BYTES_PER_ELEMENT));
}

/** Options of {@link parallelFor}. */
export interface ParallelForOptions {
  /** Below this many items per thread the whole range runs on the calling thread (default 1). */
  minPerThread?: number;
}

/**
 * Runs the registered `task` over [0, n), split across the calling thread and the backend's helpers.
 * Every typed array in `args` must be shared for the work to be split (see {@link toShared}); otherwise, and
 * without a backend, it runs serially. The caller's own range comes first.
 *
 * @example
 * ```ts
 * parallelFor('scale', n, [toShared(a)]);
 * ```
 */
export function parallelFor(task: string, n: number, args: readonly TaskArg[], options: ParallelForOptions = {}): void {
  const fn = getTask(task);
  const minPer = Math.max(1, options.minPerThread ?? 1);
  const b = backend;
  const threads = b === null ? 1 : Math.min(1 + b.helpers, Math.floor(n / minPer));
  const allShared = args.every((a) => typeof a !== 'object' || isShared(a));
  if (b === null || threads < 2 || !allShared) {
    if (n > 0) fn(args, 0, n);
    return;
  }
  const bounds: number[] = [];
  for (let t = 0; t <= threads; t++) bounds.push(Math.round((t * n) / threads));
  const ranges: Array<readonly [number, number]> = [];
  for (let t = 1; t < threads; t++) ranges.push([bounds[t]!, bounds[t + 1]!]);
  b.runBlocking(task, args, ranges, () => fn(args, bounds[0]!, bounds[1]!));
}
