/**
 * The Node.js parallel backend: worker_threads helpers that run named tasks on SharedArrayBuffer memory.
 * The caller blocks with Atomics.wait (allowed on Node's main thread) so that the public API stays synchronous.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AdjointError } from '../errors.js';
import { setParallelBackend, type ParallelBackend } from '../parallel/pool.js';
import { getTask, type TaskArg } from '../parallel/tasks.js';

const ERROR_BYTES = 4096;

/**
 * Control block layout (Int32 slots): 0 = helpers finished, 1 = error flag, 2 = error message length,
 * 3 + i = 1 once helper i listens for jobs. Until a helper is ready the caller does its share itself, so the
 * first calls after start-up never block on a thread that is still booting.
 */
class NodeWorkerPool implements ParallelBackend {
  readonly helpers: number;
  private readonly workers: Worker[];
  private readonly control: Int32Array;
  private readonly errorText: Uint8Array;
  private busy = false;
  /** Resolves once every helper takes jobs. */
  readonly ready: Promise<void>;

  constructor(helpers: number) {
    this.helpers = helpers;
    this.control = new Int32Array(new SharedArrayBuffer(4 * (3 + helpers)));
    this.errorText = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
    // Run the worker from the same kind of file as this module (.ts under tsx, .js from dist); a worker
    // inherits the parent's execArgv, so the tsx loader comes along when there is one.
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const url = new URL(`./worker-entry${ext}`, import.meta.url);
    this.workers = [];
    for (let i = 0; i < helpers; i++) {
      const workerData = { control: this.control, errorText: this.errorText, id: i + 1 };
      // Running from TypeScript sources (tests, benches under tsx): Node 20 does not carry tsx's loader hooks into
      // workers, so a tiny bootstrap registers tsx in the worker before importing the entry.
      const w =
        ext === '.ts'
          ? new Worker(
              `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`,
              { eval: true, workerData },
            )
          : new Worker(url, { workerData });
      w.unref();
      this.workers.push(w);
    }
    this.ready = Promise.all(this.workers.map((w) => new Promise<void>((resolve, reject) => {
      w.once('message', () => resolve());
      w.once('error', reject);
    }))).then(() => undefined);
    // Nobody may be awaiting `ready`; a start-up failure then only means the caller keeps doing all the work.
    this.ready.catch(() => undefined);
  }

  runBlocking(task: string, args: readonly TaskArg[], ranges: ReadonlyArray<readonly [number, number]>, onCaller: () => void): void {
    if (this.busy) {
      // A task that itself calls parallelFor: run the nested ranges here rather than deadlock.
      onCaller();
      throw new AdjointError('parallel: nested parallelFor is not supported', 'task');
    }
    if (ranges.length > this.workers.length) throw new AdjointError(`parallel: ${ranges.length} ranges for ${this.workers.length} helpers`, 'ranges');
    this.busy = true;
    const c = this.control;
    Atomics.store(c, 0, 0);
    Atomics.store(c, 1, 0);
    try {
      const fn = getTask(task);
      const mine: Array<readonly [number, number]> = [];
      let sent = 0;
      ranges.forEach((r, i) => {
        if (Atomics.load(c, 3 + i) === 1) {
          this.workers[i]!.postMessage({ task, args, start: r[0], end: r[1] });
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
        const msg = new TextDecoder().decode(this.errorText.slice(0, len));
        throw new AdjointError(`parallel task '${task}' failed in a worker: ${msg}`, 'task');
      }
    } finally {
      this.busy = false;
    }
  }

  /** Stops the workers. */
  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

let installed: NodeWorkerPool | null = null;

/**
 * Starts the worker pool and installs it as the parallel backend. The number of helpers is
 * `ADJOINT_THREADS - 1` when that variable is set (0 or 1 disables parallelism), else the number of
 * available cores minus one (capped at 7). Idempotent.
 *
 * @example
 * ```ts
 * installNodeBackend();
 * ```
 */
export function installNodeBackend(threads?: number): void {
  if (installed !== null) return;
  const env = typeof process !== 'undefined' ? process.env['ADJOINT_THREADS'] : undefined;
  const total = threads ?? (env !== undefined && env !== '' ? Number(env) : Math.min(8, availableParallelism()));
  if (!Number.isInteger(total) || total < 0) throw new AdjointError(`installNodeBackend: ADJOINT_THREADS must be a non-negative integer, got ${env}`, 'threads');
  if (total < 2) return;
  installed = new NodeWorkerPool(total - 1);
  setParallelBackend(installed);
}

/**
 * Resolves when the installed pool's helpers all take jobs (at once when there is no pool). Calls made before
 * that still work: the caller does the share of a helper that is not ready yet.
 *
 * @example
 * ```ts
 * installNodeBackend(); await nodeBackendReady();
 * ```
 */
export function nodeBackendReady(): Promise<void> {
  return installed === null ? Promise.resolve() : installed.ready;
}

/** Stops the workers and returns to single-threaded execution. @example `await uninstallNodeBackend();` */
export async function uninstallNodeBackend(): Promise<void> {
  const p = installed;
  installed = null;
  setParallelBackend(null);
  if (p !== null) await p.terminate();
}
