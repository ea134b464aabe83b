import { parentPort } from 'node:worker_threads';
import { toWorkerError } from '../runner/worker-pool';
import { GradientWorkerReply, GradientWorkerRequest } from './gradient-messages';
import { GradientKernel, loadGradientKernel, nativeEpisodeGradient } from './native-gradient';

/**
 * Worker thread entry (bundled to dist/gradient-worker.js): loads the native addon's reverse pass
 * once, then differentiates the episodes it is sent one after another. The addon keeps its tape
 * per thread, so each worker holds its own (the largest slice it has differentiated).
 */
const port = parentPort;
if (!port) throw new Error('gradient-worker must run as a worker thread');
const post = (m: GradientWorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

let kernel: GradientKernel | undefined;
try {
  const loaded = loadGradientKernel();
  if (!loaded.kernel) throw new Error(`the kernel reverse pass cannot run in a worker thread: ${loaded.reason}`);
  kernel = loaded.kernel;
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'failed', error: toWorkerError(e) });
}

port.on('message', (m: GradientWorkerRequest) => {
  if (m.type !== 'run' || !kernel) return;
  try {
    const { job } = m;
    const result = nativeEpisodeGradient(kernel, m.cfg, job.theta, { length: job.length, inputs: job.inputs, labels: job.labels }, job.state, m.lossType, m.truncation);
    post({ type: 'done', id: m.id, result }, [result.grad.buffer, result.ce.buffer, result.correct.buffer] as ArrayBuffer[]);
  } catch (e) {
    post({ type: 'error', id: m.id, error: toWorkerError(e) });
  }
});
