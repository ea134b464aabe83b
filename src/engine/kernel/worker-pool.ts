import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../errors';
import { VsmlModelConfig } from '../model/config';
import { KernelJob, KernelOutput } from './fused-episode';
import { KernelPreference } from './load-kernel';
import { WorkerError, WorkerReply, WorkerRequest } from './worker-messages';

/**
 * The worker script: dist/kernel-worker.js next to a bundle, or, when this file runs from
 * source under tsx (tests), a one-line CommonJS shim that registers tsx's require hook in the
 * worker and then loads kernel-worker.ts (Node does not pass --import hooks on to workers).
 */
function spawnWorker(prefer: KernelPreference): Worker {
  const workerData = { prefer };
  if (__filename.endsWith('.ts')) {
    const src = join(__dirname, 'kernel-worker.ts');
    return new Worker(`require('tsx/cjs'); require(${JSON.stringify(src)});`, { eval: true, workerData });
  }
  const bundled = join(__dirname, 'kernel-worker.js');
  if (!existsSync(bundled)) throw new EngineError('engine.threads', `the worker bundle ${bundled} is missing`, 'run `npm run build`');
  return new Worker(bundled, { workerData });
}

const toError = (e: WorkerError): Error => (e.path !== undefined ? new EngineError(e.path, e.message, e.fix ?? '') : new Error(e.message));

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (o: KernelOutput[]) => void; reject: (e: Error) => void }>;
  /** Set when the worker died: later runs fail at once instead of waiting on a dead thread. */
  dead?: Error;
}

/**
 * A fixed set of worker threads, each holding its own copy of the kernel. Rollouts are
 * independent, so a batch is split into contiguous, equal chunks, one per worker.
 */
export class KernelWorkerPool {
  private nextId = 1;
  private closed = false;

  private constructor(private readonly slots: Slot[], readonly variant: string) {}

  static async create(threads: number, prefer: KernelPreference): Promise<KernelWorkerPool> {
    const workers = Array.from({ length: threads }, () => spawnWorker(prefer));
    // One set of listeners per worker for its whole life (removeAllListeners would also drop
    // the Worker's own bookkeeping listeners and silence its port).
    const slots: Slot[] = workers.map((worker) => ({ worker, pending: new Map() }));
    const ready = slots.map((slot) => new Promise<string>((resolve, reject) => {
      const failAll = (err: Error): void => {
        slot.dead ??= err;
        reject(err);
        for (const p of slot.pending.values()) p.reject(err);
        slot.pending.clear();
      };
      slot.worker.on('message', (m: WorkerReply) => {
        if (m.type === 'ready') return resolve(m.variant);
        if (m.type === 'failed') return reject(toError(m.error));
        const p = slot.pending.get(m.id);
        if (!p) return;
        slot.pending.delete(m.id);
        if (m.type === 'done') p.resolve(m.outputs);
        else p.reject(toError(m.error));
      });
      slot.worker.on('error', failAll);
      slot.worker.on('exit', (code) => failAll(new Error(`kernel worker exited with code ${code}`)));
    }));
    let variants: string[];
    try {
      variants = await Promise.all(ready);
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new KernelWorkerPool(slots, variants[0]);
  }

  get size(): number {
    return this.slots.length;
  }

  /** Runs the jobs across the workers; outputs come back in job order. Jobs' buffers are transferred (unusable afterwards). */
  async run(cfg: VsmlModelConfig, jobs: KernelJob[], wantFinalState: boolean): Promise<KernelOutput[]> {
    if (this.closed) throw new Error('the fused runner was disposed');
    const dead = this.slots.find((s) => s.dead);
    if (dead) throw new Error(`a fused-kernel worker thread died earlier (${dead.dead!.message}); create a new runner`);
    const n = this.slots.length;
    const chunks: KernelJob[][] = [];
    for (let w = 0; w < n; w++) {
      const lo = Math.floor((w * jobs.length) / n);
      const hi = Math.floor(((w + 1) * jobs.length) / n);
      chunks.push(jobs.slice(lo, hi));
    }
    const parts = await Promise.all(chunks.map((chunk, w) => (chunk.length === 0 ? Promise.resolve([]) : this.send(this.slots[w], cfg, chunk, wantFinalState))));
    return parts.flat();
  }

  private send(slot: Slot, cfg: VsmlModelConfig, jobs: KernelJob[], wantFinalState: boolean): Promise<KernelOutput[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      const transfer = jobs.flatMap((j) => [j.theta.buffer, j.inputs.buffer, j.labels.buffer, j.state.buffer]) as ArrayBuffer[];
      slot.worker.postMessage({ type: 'run', id, cfg, jobs, wantFinalState } satisfies WorkerRequest, transfer);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
