import { parentPort, workerData } from 'node:worker_threads';
import { paramLayout } from '../model/param-layout';
import { RolloutResult } from '../model/rollout-runner';
import { selectTfjsBackend } from './backend';
import { runRollout } from './rollout-episode';
import { toWorkerError } from '../runner/worker-pool';
import { TfjsWorkerData, TfjsWorkerReply, TfjsWorkerRequest } from './worker-messages';

/**
 * A worker thread with its own TensorFlow.js engine. The tfjs wasm backend is single-threaded
 * in Node, so the runner spreads rollouts over several of these to use more than one core.
 * Inputs are checked by the main thread before they are sent here.
 */
const port = parentPort;
if (!port) throw new Error('tfjs-worker.ts must run in a worker thread');
const { backend } = workerData as TfjsWorkerData;
const post = (m: TfjsWorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

selectTfjsBackend(backend, 1).then(
  (sel) => {
    const ops = { fastTanh: sel.backend === 'wasm' };
    port.on('message', (m: TfjsWorkerRequest) => {
      if (m.type !== 'run') return;
      try {
        const layout = paramLayout(m.cfg);
        const results: RolloutResult[] = m.rollouts.map((r) => runRollout(m.cfg, layout, r, ops, m.wantFinalState));
        const transfer = results.flatMap((r) => [r.logits.buffer, r.ce.buffer, r.correct.buffer, ...(r.finalState ?? []).flatMap((s) => [s.h.buffer, s.c.buffer])]);
        post({ type: 'done', id: m.id, results }, transfer as ArrayBuffer[]);
      } catch (e) {
        post({ type: 'error', id: m.id, error: toWorkerError(e) });
      }
    });
    post({ type: 'ready', backend: sel.backend });
  },
  (e) => post({ type: 'failed', error: toWorkerError(e) }),
);
