/**
 * The host side of the `ready` handshake (style guide §3). Before the panel says `ready`,
 * nothing is posted (a webview that is not listening loses messages). On each `ready` (a webview
 * reloads when it is shown again) the host builds a fresh snapshot; deltas that arrive while
 * the snapshot is being built are queued and sent after it.
 *
 * The queue is bounded: past MAX_QUEUED deltas it is dropped and, once the snapshot is out, a
 * fresh one is built instead (it holds everything the dropped deltas said). When building the
 * snapshot throws, the panel gets the error message (`failed`) instead of waiting forever, and
 * deltas are dropped until the next `ready`. No vscode import.
 */
export type GatePhase = 'waiting' | 'loading' | 'live' | 'failed';

/** Deltas held while a snapshot is built; a live run sends a few a second. */
export const MAX_QUEUED = 1000;

export class ReadyGate<T> {
  private phase: GatePhase = 'waiting';
  private queue: T[] = [];
  private overflowed = false;
  private generation = 0;

  constructor(
    private readonly post: (message: T) => void,
    /** The message that tells the panel why there is nothing to show. */
    private readonly errorMessage: (error: Error) => T,
    private readonly maxQueued = MAX_QUEUED,
  ) {}

  get state(): GatePhase {
    return this.phase;
  }

  get isLive(): boolean {
    return this.phase === 'live';
  }

  /** The panel has said `ready` at least once (so a new snapshot may be sent). */
  get isListening(): boolean {
    return this.phase !== 'waiting';
  }

  /**
   * The panel said `ready`: build the snapshot and send it, then whatever queued meanwhile.
   * A second `ready` during loading restarts; the older snapshot is discarded. Never rejects:
   * a failed build is posted to the panel as `errorMessage(e)` and returned.
   */
  async ready(buildSnapshot: () => Promise<T>): Promise<Error | undefined> {
    const gen = ++this.generation;
    this.phase = 'loading';
    this.queue = [];
    this.overflowed = false;
    let snapshot: T;
    try {
      snapshot = await buildSnapshot();
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      if (gen !== this.generation) return undefined;
      this.phase = 'failed';
      this.queue = [];
      this.post(this.errorMessage(error));
      return error;
    }
    if (gen !== this.generation) return undefined;
    this.post(snapshot);
    if (this.overflowed) return this.ready(buildSnapshot);
    this.phase = 'live';
    const queued = this.queue;
    this.queue = [];
    for (const m of queued) this.post(m);
    return undefined;
  }

  /**
   * A delta. Dropped while waiting (the snapshot built at `ready` will contain it) or failed,
   * queued while loading (up to the bound), posted when live.
   */
  send(message: T): void {
    if (this.phase === 'live') this.post(message);
    else if (this.phase === 'loading' && !this.overflowed) {
      if (this.queue.length < this.maxQueued) this.queue.push(message);
      else {
        this.queue = [];
        this.overflowed = true;
      }
    }
  }
}
