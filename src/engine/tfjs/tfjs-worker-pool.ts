import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EngineError } from '../errors';
import { VsmlModelConfig } from '../model/config';
import { Rollout, RolloutResult } from '../model/rollout-runner';
import { TfjsBackendPreference } from './backend';
import { TfjsWorkerData, TfjsWorkerError, TfjsWorkerReply, TfjsWorkerRequest } from './worker-messages';

/**
 * The worker script: dist/tfjs-worker.js next to a bundle, or, when this file runs from source
 * under tsx (tests), a CommonJS shim that registers tsx's require hook in the worker first
 * (Node does not pass --import hooks on to workers).
 */
function spawnWorker(backend: TfjsBackendPreference): Worker {
  const workerData: TfjsWorkerData = { backend };
  if (__filename.endsWith('.ts')) {
    const src = join(__dirname, 'tfjs-worker.ts');
    return new Worker(`require('tsx/cjs'); require(${JSON.stringify(src)});`, { eval: true, workerData });
  }
  const bundled = join(__dirname, 'tfjs-worker.js');
  if (!existsSync(bundled)) throw new EngineError('engine.threads', `the worker bundle ${bundled} is missing`, 'run `npm run build`, or set engine.threads to 1');
  return new Worker(bundled, { workerData });
}

const toError = (e: TfjsWorkerError): Error => (e.path !== undefined ? new EngineError(e.path, e.message, e.fix ?? '') : new Error(e.message));

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (r: RolloutResult[]) => void; reject: (e: Error) => void }>;
}

/**
 * Worker threads, each with its own tfjs engine on the same backend. Rollouts are independent,
 * so a batch is dealt out round-robin (equal shares when episodes have equal length).
 * Idle workers are unref'd so a forgotten dispose() does not keep the process alive.
 */
export class TfjsWorkerPool {
  private nextId = 1;
  private closed = false;

  private constructor(private readonly slots: Slot[]) {}

  static async create(size: number, backend: TfjsBackendPreference): Promise<TfjsWorkerPool> {
    const workers: Worker[] = [];
    try {
      for (let i = 0; i < size; i++) workers.push(spawnWorker(backend));
      await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
        // Named handlers, removed one by one: Worker.removeAllListeners() would also drop Node's
        // own listeners that keep its message port flowing.
        const onMessage = (m: TfjsWorkerReply): void => {
          off();
          if (m.type === 'ready') resolve();
          else reject(m.type === 'failed' ? toError(m.error) : new Error(`tfjs worker sent ${m.type} before ready`));
        };
        const onError = (e: Error): void => {
          off();
          reject(e);
        };
        const onExit = (code: number): void => {
          off();
          reject(new Error(`tfjs worker exited with code ${code} while starting`));
        };
        const off = (): void => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
      })));
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    const slots = workers.map((worker) => {
      const slot: Slot = { worker, pending: new Map() };
      worker.on('message', (m: TfjsWorkerReply) => {
        if (m.type !== 'done' && m.type !== 'error') return;
        const p = slot.pending.get(m.id);
        if (!p) return;
        slot.pending.delete(m.id);
        if (slot.pending.size === 0) worker.unref();
        if (m.type === 'done') p.resolve(m.results);
        else p.reject(toError(m.error));
      });
      const failAll = (err: Error): void => {
        for (const p of slot.pending.values()) p.reject(err);
        slot.pending.clear();
      };
      worker.on('error', (e) => failAll(e));
      worker.on('exit', (code) => failAll(new Error(`tfjs worker exited with code ${code}`)));
      worker.unref();
      return slot;
    });
    return new TfjsWorkerPool(slots);
  }

  get size(): number {
    return this.slots.length;
  }

  /** Runs the rollouts across the workers; results come back in input order. */
  async run(cfg: VsmlModelConfig, rollouts: readonly Rollout[], wantFinalState: boolean): Promise<RolloutResult[]> {
    if (this.closed) throw new Error('TfjsWorkerPool: run after close');
    const shares = this.slots.map((_, w) => rollouts.map((_, i) => i).filter((i) => i % this.slots.length === w));
    const parts = await Promise.all(this.slots.map((slot, w) => {
      if (shares[w].length === 0) return Promise.resolve([] as RolloutResult[]);
      const id = this.nextId++;
      return new Promise<RolloutResult[]>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.ref(); // keep the process alive while a worker owes us results
        const msg: TfjsWorkerRequest = { type: 'run', id, cfg, rollouts: shares[w].map((i) => rollouts[i]), wantFinalState };
        slot.worker.postMessage(msg);
      });
    }));
    const out = new Array<RolloutResult>(rollouts.length);
    shares.forEach((idx, w) => idx.forEach((i, k) => (out[i] = parts[w][k])));
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
