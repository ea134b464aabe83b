/**
 * The host side of the `ready` handshake (style guide §3). Before the panel says `ready`,
 * nothing is posted (a webview that is not listening loses messages). On each `ready` (a webview
 * reloads when it is shown again) the host builds a fresh snapshot; deltas that arrive while
 * the snapshot is being built are queued and sent after it. No vscode import.
 */
export class ReadyGate<T> {
  private phase: 'waiting' | 'loading' | 'live' = 'waiting';
  private queue: T[] = [];
  private generation = 0;

  constructor(private readonly post: (message: T) => void) {}

  get isLive(): boolean {
    return this.phase === 'live';
  }

  /** The panel has said `ready` at least once (so a new snapshot may be sent). */
  get isListening(): boolean {
    return this.phase !== 'waiting';
  }

  /**
   * The panel said `ready`: build the snapshot and send it, then whatever queued meanwhile.
   * A second `ready` during loading restarts; the older snapshot is discarded.
   */
  async ready(buildSnapshot: () => Promise<T>): Promise<void> {
    const gen = ++this.generation;
    this.phase = 'loading';
    this.queue = [];
    const snapshot = await buildSnapshot();
    if (gen !== this.generation) return;
    this.post(snapshot);
    this.phase = 'live';
    const queued = this.queue;
    this.queue = [];
    for (const m of queued) this.post(m);
  }

  /**
   * A delta. Dropped while waiting (the snapshot built at `ready` will contain it), queued
   * while loading, posted when live.
   */
  send(message: T): void {
    if (this.phase === 'live') this.post(message);
    else if (this.phase === 'loading') this.queue.push(message);
  }
}
