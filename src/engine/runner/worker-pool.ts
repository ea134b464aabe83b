/**
 * The one worker-thread pool under both threaded rollout paths (the fused kernel's and
 * TensorFlow.js's). A fixed set of workers, each answering `run` requests by id; the caller deals
 * out the work (each path splits a batch its own way) and gets each worker's `done` reply back.
 *
 * Wire shape every worker follows: it posts `ready` (or `failed`) once at start, then for each
 * `{ type: 'run', id, … }` a `done` with that id or an `error` with it.
 *
 * Fail fast: when a worker exits or errors, its pending requests reject at once, and every later
 * `run` rejects too (the pool is unusable; the runner is recreated) instead of waiting on a dead
 * thread. Idle workers are unref'd, so a forgotten close() does not keep the process alive.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EngineError } from '../errors';

/**
 * Starts the worker script `<name>.js` that sits next to the calling module in a bundle (dist/);
 * or, when the caller runs from source under tsx (tests), a one-line CommonJS shim that registers
 * tsx's require hook in the worker and then loads `<name>.ts` (Node does not pass --import hooks
 * on to workers). `callerFile` is the caller's __filename.
 */
export function spawnEngineWorker(callerFile: string, name: string, workerData: unknown, fix: string): Worker {
  const dir = dirname(callerFile);
  if (callerFile.endsWith('.ts')) {
    return new Worker(`require('tsx/cjs'); require(${JSON.stringify(join(dir, `${name}.ts`))});`, { eval: true, workerData });
  }
  const bundled = join(dir, `${name}.js`);
  if (!existsSync(bundled)) throw new EngineError('engine.threads', `the worker bundle ${bundled} is missing`, fix);
  return new Worker(bundled, { workerData });
}

/** A worker-side error crossing the thread boundary as plain data; rebuilt as an EngineError when it has a path. */
export interface WorkerError {
  message: string;
  path?: string;
  fix?: string;
}

export type PoolReply =
  | { type: 'ready' }
  | { type: 'failed'; error: WorkerError }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; error: WorkerError };

type Ready<R> = Extract<R, { type: 'ready' }>;
type Done<R> = Extract<R, { type: 'done' }>;

/** What a worker posts for an error it caught: an EngineError keeps its path, message and fix. */
export const toWorkerError = (e: unknown): WorkerError =>
  e instanceof EngineError ? { message: e.rawMessage(), path: e.path, fix: e.fix } : { message: e instanceof Error ? e.message : String(e) };

const toError = (e: WorkerError): Error => (e.path !== undefined ? new EngineError(e.path, e.message, e.fix ?? '') : new Error(e.message));

interface Slot<Reply> {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (reply: Done<Reply>) => void; reject: (e: Error) => void }>;
  /** Set when the worker died: later runs fail at once. */
  dead?: Error;
}

export class WorkerPool<Request extends { type: 'run'; id: number }, Reply extends PoolReply> {
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly slots: Slot<Reply>[],
    /** Each worker's `ready` message, in worker order. */
    readonly ready: readonly Ready<Reply>[],
    private readonly label: string,
  ) {}

  /**
   * Starts `size` workers and waits until each has said `ready`. A worker that says `failed`,
   * errors or exits while starting fails the whole pool (every worker is terminated).
   */
  static async create<Request extends { type: 'run'; id: number }, Reply extends PoolReply>(
    size: number,
    label: string,
    spawn: (index: number) => Worker,
  ): Promise<WorkerPool<Request, Reply>> {
    const slots: Slot<Reply>[] = [];
    try {
      for (let i = 0; i < size; i++) slots.push({ worker: spawn(i), pending: new Map() });
    } catch (e) {
      await Promise.all(slots.map((s) => s.worker.terminate()));
      throw e;
    }
    // One set of listeners per worker for its whole life (Worker.removeAllListeners would also
    // drop Node's own listeners that keep its message port flowing).
    const started = slots.map((slot) => new Promise<Ready<Reply>>((resolve, reject) => {
      const fail = (err: Error): void => {
        slot.dead ??= err;
        reject(err); // no effect once started
        for (const p of slot.pending.values()) p.reject(err);
        slot.pending.clear();
      };
      slot.worker.on('message', (m: Reply) => {
        if (m.type === 'ready') return resolve(m as Ready<Reply>);
        if (m.type === 'failed') return fail(toError(m.error));
        const p = slot.pending.get(m.id);
        if (!p) return;
        slot.pending.delete(m.id);
        if (slot.pending.size === 0) slot.worker.unref();
        if (m.type === 'done') p.resolve(m as Done<Reply>);
        else p.reject(toError(m.error));
      });
      slot.worker.on('error', fail);
      slot.worker.on('exit', (code) => fail(new Error(`${label} exited with code ${code}`)));
    }));
    let ready: Ready<Reply>[];
    try {
      ready = await Promise.all(started);
    } catch (e) {
      await Promise.all(slots.map((s) => s.worker.terminate()));
      throw e;
    }
    for (const s of slots) s.worker.unref();
    return new WorkerPool<Request, Reply>(slots, ready, label);
  }

  get size(): number {
    return this.slots.length;
  }

  /**
   * Sends one request to worker `index` and resolves with its `done` reply. `transfer` buffers
   * move to the worker (unusable here afterwards). Rejects at once when a worker has died.
   */
  run(index: number, request: Omit<Request, 'id'>, transfer: ArrayBuffer[] = []): Promise<Done<Reply>> {
    if (this.closed) return Promise.reject(new Error(`${this.label} pool: run after close`));
    const dead = this.slots.find((s) => s.dead);
    if (dead) return Promise.reject(new Error(`a ${this.label} thread died earlier (${dead.dead!.message}); create a new runner`));
    const slot = this.slots[index];
    if (!slot) return Promise.reject(new Error(`${this.label} pool: no worker ${index} (size ${this.slots.length})`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.ref(); // keep the process alive while a worker owes us results
      slot.worker.postMessage({ ...request, id }, transfer);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
