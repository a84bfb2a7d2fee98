/**
 * The protocol shared by every thread-pool backend (Node worker_threads, browser Web Workers): helpers run
 * named tasks on SharedArrayBuffer memory and signal completion through a shared control block, while the
 * caller does its own share and then blocks in Atomics.wait, so the library's API stays synchronous.
 *
 * Control block (Int32 slots): 0 = helpers finished, 1 = error flag, 2 = error message length, 3 + i = 1 once
 * helper i takes jobs. A helper that is not ready yet (still loading) gets no work: the caller does its share,
 * so nothing ever waits on a booting thread.
 */
import { AdjointError } from '../errors.js';
import type { ParallelBackend } from './pool.js';
import type { TaskArg, TaskFn } from './tasks.js';

/** Bytes kept for the first helper error's message. */
export const ERROR_BYTES = 4096;

/** One job for a helper: run `task` over [start, end). */
export interface HelperJob {
  task: string;
  args: TaskArg[];
  start: number;
  end: number;
}

/** The shared memory a pool and its helpers talk through. */
export interface ControlBlock {
  control: Int32Array;
  errorText: Uint8Array;
}

/** Anything a job can be posted to (a Node Worker, a Web Worker). */
export interface JobPort {
  postMessage(message: unknown): void;
}

/**
 * Allocates the control block for `helpers` helper threads.
 * @example `const block = createControlBlock(1);`
 */
export function createControlBlock(helpers: number): ControlBlock {
  return {
    control: new Int32Array(new SharedArrayBuffer(4 * (3 + helpers))),
    errorText: new Uint8Array(new SharedArrayBuffer(ERROR_BYTES)),
  };
}

/**
 * Helper side: marks helper `id` (1-based) as taking jobs.
 * @example `markHelperReady(block, 1);`
 */
export function markHelperReady(block: ControlBlock, id: number): void {
  Atomics.store(block.control, 3 + id - 1, 1);
}

/**
 * Helper side: runs one job, records the first error's message, and always signals completion.
 * @example `runHelperJob(block, getTask, job);`
 */
export function runHelperJob(block: ControlBlock, getTask: (name: string) => TaskFn, job: HelperJob): void {
  const c = block.control;
  try {
    getTask(job.task)(job.args, job.start, job.end);
  } catch (e) {
    if (Atomics.compareExchange(c, 1, 0, 1) === 0) {
      const bytes = new TextEncoder().encode(e instanceof Error ? e.message : String(e));
      const n = Math.min(bytes.length, block.errorText.length);
      block.errorText.set(bytes.subarray(0, n));
      Atomics.store(c, 2, n);
    }
  } finally {
    Atomics.add(c, 0, 1);
    Atomics.notify(c, 0);
  }
}

/**
 * Caller side of the protocol, for any kind of helper thread: posts each range to a ready helper (as
 * `wrap(job)`), runs the caller's range and the ranges of helpers not ready yet, then waits for the helpers.
 *
 * @example
 * ```ts
 * const pool = new SharedMemoryPool(workers, block, getTask, (job) => job);
 * ```
 */
export class SharedMemoryPool implements ParallelBackend {
  readonly helpers: number;
  private busy = false;

  constructor(
    private readonly ports: readonly JobPort[],
    private readonly block: ControlBlock,
    private readonly getTask: (name: string) => TaskFn,
    private readonly wrap: (job: HelperJob) => unknown = (job) => job,
    private readonly where = 'a worker',
  ) {
    this.helpers = ports.length;
  }

  /** Helpers that take jobs now. @example `pool.readyHelpers()` */
  readyHelpers(): number {
    let n = 0;
    for (let i = 0; i < this.helpers; i++) n += Atomics.load(this.block.control, 3 + i);
    return n;
  }

  runBlocking(task: string, args: readonly TaskArg[], ranges: ReadonlyArray<readonly [number, number]>, onCaller: () => void): void {
    if (this.busy) {
      // A task that itself calls parallelFor: refuse rather than deadlock.
      throw new AdjointError('parallel: nested parallelFor is not supported', 'task');
    }
    if (ranges.length > this.ports.length) throw new AdjointError(`parallel: ${ranges.length} ranges for ${this.ports.length} helpers`, 'ranges');
    this.busy = true;
    const c = this.block.control;
    Atomics.store(c, 0, 0);
    Atomics.store(c, 1, 0);
    try {
      const fn = this.getTask(task);
      const mine: Array<readonly [number, number]> = [];
      let sent = 0;
      ranges.forEach((r, i) => {
        if (Atomics.load(c, 3 + i) === 1) {
          this.ports[i]!.postMessage(this.wrap({ task, args: args.slice(), start: r[0], end: r[1] }));
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
        const msg = new TextDecoder().decode(this.block.errorText.slice(0, len));
        throw new AdjointError(`parallel task '${task}' failed in ${this.where}: ${msg}`, 'task');
      }
    } finally {
      this.busy = false;
    }
  }
}
