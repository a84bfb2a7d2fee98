/**
 * Small tasks used to check the parallel machinery itself (and by tests): each writes, for its range, a value
 * and the id of the thread that ran it, so a test can see that the work really was split.
 */
import { registerTask, type TaskArg } from './tasks.js';

/** Thread id of the current thread, set by the worker entry (0 on the main thread). */
let threadId = 0;
/** @internal Called by a worker entry at start-up. @example `setThreadId(1)` */
export function setThreadId(id: number): void {
  threadId = id;
}

/**
 * `args = [out: Float64Array, who: Int32Array, factor: number]`: out[i] = factor * i, who[i] = thread id.
 * @example `parallelFor('selftest.fill', n, [out, who, 2])`
 */
export function selftestFill(args: readonly TaskArg[], start: number, end: number): void {
  const out = args[0] as Float64Array;
  const who = args[1] as Int32Array;
  const factor = args[2] as number;
  for (let i = start; i < end; i++) {
    out[i] = factor * i;
    who[i] = threadId;
  }
}
registerTask('selftest.fill', selftestFill);

/** `args = [message: string]`: throws, to test error propagation from helpers. @example `parallelFor('selftest.throw', 2, ['boom'])` */
registerTask('selftest.throw', (args: readonly TaskArg[]) => {
  throw new Error(String(args[0]));
});
