/** Entry point of a parallel helper thread: runs tasks by name and signals completion on shared memory. */
import { parentPort, workerData } from 'node:worker_threads';
import { setThreadId } from '../parallel/builtin-tasks.js';
import { getTask, type TaskArg } from '../parallel/tasks.js';
import '../parallel/task-list.js';

interface Job {
  task: string;
  args: TaskArg[];
  start: number;
  end: number;
}
const { control, errorText, id } = workerData as { control: Int32Array; errorText: Uint8Array; id: number };
setThreadId(id);

parentPort!.on('message', (job: Job) => {
  try {
    getTask(job.task)(job.args, job.start, job.end);
  } catch (e) {
    // Record the first error only; the caller rethrows it.
    if (Atomics.compareExchange(control, 1, 0, 1) === 0) {
      const bytes = new TextEncoder().encode(e instanceof Error ? e.message : String(e));
      const n = Math.min(bytes.length, errorText.length);
      errorText.set(bytes.subarray(0, n));
      Atomics.store(control, 2, n);
    }
  } finally {
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
  }
});

// Tell the pool that this helper now takes jobs.
Atomics.store(control, 3 + id - 1, 1);
parentPort!.postMessage('ready');
