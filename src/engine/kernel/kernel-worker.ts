import { parentPort, workerData } from 'node:worker_threads';
import { toWorkerError } from '../runner/worker-pool';
import { KernelBackend } from './kernel-abi';
import { KernelJob, KernelOutput, runJob } from './fused-episode';
import { KernelPreference, loadKernel } from './load-kernel';
import { WorkerReply, WorkerRequest } from './worker-messages';

/**
 * Worker thread entry (bundled to dist/kernel-worker.js): loads the fused kernel once, then
 * runs the jobs it is sent one after another and posts the outputs back (buffers transferred).
 */
const port = parentPort;
if (!port) throw new Error('kernel-worker must run as a worker thread');

let kernel: KernelBackend | undefined;
try {
  kernel = loadKernel((workerData as { prefer: KernelPreference }).prefer).kernel;
  port.postMessage({ type: 'ready', variant: kernel.variant } satisfies WorkerReply);
} catch (e) {
  port.postMessage({ type: 'failed', error: toWorkerError(e) } satisfies WorkerReply);
}

port.on('message', (msg: WorkerRequest) => {
  if (msg.type !== 'run' || !kernel) return;
  try {
    const outputs: KernelOutput[] = msg.jobs.map((job: KernelJob) => runJob(kernel!, msg.cfg, job, msg.wantFinalState));
    const transfer = outputs.flatMap((o) => (o.state ? [o.logits.buffer, o.state.buffer] : [o.logits.buffer])) as ArrayBuffer[];
    port.postMessage({ type: 'done', id: msg.id, outputs } satisfies WorkerReply, transfer);
  } catch (e) {
    port.postMessage({ type: 'error', id: msg.id, error: toWorkerError(e) } satisfies WorkerReply);
  }
});

