/**
 * Named parallel tasks. A task is a kernel that processes the index range [start, end) of some batch, reading
 * and writing only typed arrays passed in `args`. Kernel modules register their tasks at load time, in the main
 * thread and in every worker alike (workers load `task-list.ts`), so that a task can run on any thread by name.
 */
import { AdjointError } from '../errors.js';

/** What a task receives: typed arrays (shared memory when run in workers) and plain numbers or strings. */
export type TaskArg = Float32Array | Float64Array | Int32Array | Uint8Array | number | string | boolean;

/** A kernel over the range [start, end) of a batch. */
export type TaskFn = (args: readonly TaskArg[], start: number, end: number) => void;

const registry = new Map<string, TaskFn>();

/**
 * Registers a task under a unique name. Registering the same function twice is harmless; another
 * function under a taken name is an error.
 *
 * @example
 * ```ts
 * registerTask('scale', (args, s, e) => { const a = args[0] as Float64Array; for (let i = s; i < e; i++) a[i] *= 2; });
 * ```
 */
export function registerTask(name: string, fn: TaskFn): void {
  const had = registry.get(name);
  if (had !== undefined && had !== fn) throw new AdjointError(`registerTask: a different task is already registered as '${name}'`, 'name');
  registry.set(name, fn);
}

/** Looks a task up by name. @example `getTask('scale')(args, 0, n)` */
export function getTask(name: string): TaskFn {
  const fn = registry.get(name);
  if (fn === undefined) throw new AdjointError(`parallel: no task registered as '${name}'`, 'task');
  return fn;
}
