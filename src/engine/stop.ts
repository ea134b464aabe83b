/**
 * Stopping long engine work early. Synchronous compute blocks the event loop, so a stop request
 * (an IPC message, SIGINT) cannot even arrive until the work yields: `stopPoint` yields once,
 * then throws StopRequested if the signal aborted meanwhile. Call it where stopping is cheap:
 * between evaluation datasets, between baseline-tuning trials, between meta-steps.
 */
export class StopRequested extends Error {
  constructor() {
    super('stop requested');
    this.name = 'StopRequested';
  }
}

export async function stopPoint(signal: AbortSignal | undefined): Promise<void> {
  // Yield even without a signal: pending I/O (IPC, heartbeats) gets through long work either way.
  await new Promise<void>((r) => setImmediate(r));
  if (signal?.aborted) throw new StopRequested();
}
