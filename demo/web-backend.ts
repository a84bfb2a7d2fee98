/**
 * A parallel backend on Web Workers for the library's batched kernels (FFT lines, batched SVDs, …): the browser
 * counterpart of the Node worker_threads pool (src/node/worker-pool.ts), with the same protocol. Helpers are
 * nested dedicated workers that run the library's registered tasks by name on SharedArrayBuffer memory; the
 * calling worker runs its own share and then blocks in Atomics.wait until the helpers are done, so the library's
 * API stays synchronous.
 *
 * Browsers allow this only off the main thread (Atomics.wait throws there) and only in a cross-origin isolated
 * context (SharedArrayBuffer needs COOP/COEP headers; scripts/serve-demo.mjs sends them). Elsewhere
 * {@link webParallelObstacle} says why and everything runs on the calling thread, with identical results.
 *
 * It needs two hooks from the library (proposed exports of src/index.ts): `setParallelBackend` and
 * `getParallelTask`; without them the demo runs single-threaded in its worker.
 */

/** What a task receives (the library's TaskArg). */
export type TaskArg = Float32Array | Float64Array | Int32Array | Uint8Array | number | string | boolean;
/** A registered kernel over the range [start, end). */
export type TaskFn = (args: readonly TaskArg[], start: number, end: number) => void;

/** The library's ParallelBackend interface (src/parallel/pool.ts). */
export interface ParallelBackend {
  readonly helpers: number;
  runBlocking(task: string, args: readonly TaskArg[], ranges: ReadonlyArray<readonly [number, number]>, onCaller: () => void): void;
}

/** The library hooks the backend needs. */
export interface ParallelHooks {
  setParallelBackend(b: ParallelBackend | null): void;
  getParallelTask(name: string): TaskFn;
}

/** Messages from the pool to a helper. */
export type HelperMessage =
  | { type: 'init'; control: Int32Array; errorText: Uint8Array; id: number }
  | { type: 'job'; task: string; args: TaskArg[]; start: number; end: number };

const ERROR_BYTES = 4096;

/**
 * Why this context cannot run the backend, or null when it can.
 * @example `webParallelObstacle() // 'not cross-origin isolated (SharedArrayBuffer unavailable)'`
 */
export function webParallelObstacle(): string | null {
  const g = globalThis as { document?: unknown; crossOriginIsolated?: boolean; Worker?: unknown };
  if (g.document !== undefined) return 'on the main thread (Atomics.wait is not allowed there)';
  if (typeof SharedArrayBuffer === 'undefined' || g.crossOriginIsolated !== true) return 'not cross-origin isolated (SharedArrayBuffer unavailable)';
  if (typeof g.Worker !== 'function') return 'no nested Web Workers in this browser';
  return null;
}

/**
 * Control block layout (Int32 slots), as in the Node pool: 0 = helpers finished, 1 = error flag, 2 = error message
 * length, 3 + i = 1 once helper i takes jobs. A helper that is not ready yet (still loading) gets no work: the
 * caller does its share, so nothing ever waits on a booting thread.
 */
export class WebWorkerPool implements ParallelBackend {
  readonly helpers: number;
  private readonly workers: Worker[];
  private readonly control: Int32Array;
  private readonly errorText: Uint8Array;
  private readonly getTask: (name: string) => TaskFn;
  private busy = false;

  constructor(helperUrl: URL | string, helpers: number, getTask: (name: string) => TaskFn) {
    this.helpers = helpers;
    this.getTask = getTask;
    this.control = new Int32Array(new SharedArrayBuffer(4 * (3 + helpers)));
    this.errorText = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
    this.workers = [];
    for (let i = 0; i < helpers; i++) {
      const w = new Worker(helperUrl, { type: 'module' });
      const init: HelperMessage = { type: 'init', control: this.control, errorText: this.errorText, id: i + 1 };
      w.postMessage(init);
      this.workers.push(w);
    }
  }

  /** Helpers that take jobs now. */
  readyHelpers(): number {
    let n = 0;
    for (let i = 0; i < this.helpers; i++) n += Atomics.load(this.control, 3 + i);
    return n;
  }

  runBlocking(task: string, args: readonly TaskArg[], ranges: ReadonlyArray<readonly [number, number]>, onCaller: () => void): void {
    if (this.busy) {
      onCaller();
      throw new Error('parallel: nested parallelFor is not supported');
    }
    if (ranges.length > this.workers.length) throw new Error(`parallel: ${ranges.length} ranges for ${this.workers.length} helpers`);
    this.busy = true;
    const c = this.control;
    Atomics.store(c, 0, 0);
    Atomics.store(c, 1, 0);
    try {
      const fn = this.getTask(task);
      const mine: Array<readonly [number, number]> = [];
      let sent = 0;
      ranges.forEach((r, i) => {
        if (Atomics.load(c, 3 + i) === 1) {
          const job: HelperMessage = { type: 'job', task, args: args.slice(), start: r[0], end: r[1] };
          this.workers[i]!.postMessage(job);
          sent++;
        } else mine.push(r);
      });
      let callerError: unknown;
      try {
        onCaller();
        for (const [s, e] of mine) fn(args, s, e);
      } catch (e) {
        callerError = e;
      }
      for (;;) {
        const done = Atomics.load(c, 0);
        if (done >= sent) break;
        Atomics.wait(c, 0, done);
      }
      if (callerError !== undefined) throw callerError;
      if (Atomics.load(c, 1) !== 0) {
        const len = Math.min(Atomics.load(c, 2), ERROR_BYTES);
        throw new Error(`parallel task '${task}' failed in a Web Worker: ${new TextDecoder().decode(this.errorText.slice(0, len))}`);
      }
    } finally {
      this.busy = false;
    }
  }

  /** Stops the helpers. */
  terminate(): void {
    for (const w of this.workers) w.terminate();
  }
}

/**
 * Installs a {@link WebWorkerPool} with `hardwareConcurrency − 1` helpers (at most 7) when this context allows it
 * and the library has the hooks. Returns the pool, or the reason there is none.
 *
 * @example `const r = installWebBackend(aj, new URL('./helper.js', import.meta.url));`
 */
export function installWebBackend(lib: Partial<ParallelHooks>, helperUrl: URL | string): { pool: WebWorkerPool } | { reason: string } {
  if (typeof lib.setParallelBackend !== 'function' || typeof lib.getParallelTask !== 'function') {
    return { reason: 'this build of the library does not export setParallelBackend/getParallelTask' };
  }
  const why = webParallelObstacle();
  if (why !== null) return { reason: why };
  const cores = typeof navigator !== 'undefined' && Number.isInteger(navigator.hardwareConcurrency) ? navigator.hardwareConcurrency : 1;
  const helpers = Math.min(7, cores - 1);
  if (helpers < 1) return { reason: `only ${cores} core` };
  const pool = new WebWorkerPool(helperUrl, helpers, lib.getParallelTask.bind(lib));
  lib.setParallelBackend(pool);
  return { pool };
}
