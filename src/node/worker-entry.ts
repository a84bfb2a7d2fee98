/** Entry point of a Node parallel helper thread: runs tasks by name (src/parallel/shared-pool.ts protocol). */
import { parentPort, workerData } from 'node:worker_threads';
import { setThreadId } from '../parallel/builtin-tasks.js';
import { markHelperReady, runHelperJob, type ControlBlock, type HelperJob } from '../parallel/shared-pool.js';
import { getTask } from '../parallel/tasks.js';
import '../parallel/task-list.js';

const { block, id } = workerData as { block: ControlBlock; id: number };
setThreadId(id);
parentPort!.on('message', (job: HelperJob) => runHelperJob(block, getTask, job));
markHelperReady(block, id);
parentPort!.postMessage('ready');
