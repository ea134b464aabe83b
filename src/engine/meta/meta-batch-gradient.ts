import { StopRequested, stopPoint } from '../stop';
import { EpisodeGradient } from '../model/episode-gradient';

/** One episode's gradient on slot `slot` (a worker thread, or 0 = this thread when there is one slot). */
export type SlotGradient<E> = (slot: number, item: E) => EpisodeGradient | Promise<EpisodeGradient>;

/** A meta-batch's gradient: the mean over its episodes, summed in episode order. */
export interface MetaBatchGradient {
  /** Mean dLoss/dθ over the episodes [D]. */
  grad: Float64Array;
  /** Mean episode loss. */
  loss: number;
  /** Right predictions over every step and batch member of every episode. */
  correct: number;
  /** The largest tape one episode held (bytes). */
  peakTapeBytes: number;
}

/**
 * Runs `count` episode gradients over `slots` concurrent slots and averages them.
 *
 * `draw(k)` is called for k = 0, 1, … in order, each just before episode k starts, so whatever
 * it draws from a random stream comes out in the same order for any slot count. Episodes go to
 * whichever slot is free; their results are added in episode order (grad[i] += g_k[i] / count,
 * k ascending), so the floating-point sum does not depend on which slot finished first: one slot
 * or eight give bit-identical gradients.
 *
 * Between episodes it yields to the event loop and honours `signal`: on a stop (or an error) it
 * starts nothing more, waits for the episodes already running (so no worker is left busy), then
 * throws StopRequested (or the error of the earliest failed episode). Nothing outside is changed.
 */
export async function metaBatchGradient<E>(
  count: number, slots: number, size: number, draw: (k: number) => E, gradient: SlotGradient<E>, signal?: AbortSignal,
): Promise<MetaBatchGradient> {
  const grad = new Float64Array(size);
  let loss = 0;
  let correct = 0;
  let peakTapeBytes = 0;
  const results = new Map<number, EpisodeGradient>(); // finished, not yet added (a later episode can finish first)
  const failures = new Map<number, unknown>();
  const running = new Map<number, Promise<void>>();
  const free = Array.from({ length: Math.max(1, Math.min(slots, count)) }, (_, s) => s);
  let next = 0; // the next episode to start
  let added = 0; // episodes [0, added) are in the sums
  let stopped = false;

  const start = (k: number, slot: number): void => {
    const settle = (): void => {
      running.delete(k);
      free.push(slot);
    };
    let run: Promise<EpisodeGradient>;
    try {
      run = Promise.resolve(gradient(slot, draw(k)));
    } catch (e) {
      run = Promise.reject(e); // a synchronous slot (this thread) or a bad draw
    }
    running.set(k, run.then((r) => void results.set(k, r), (e) => void failures.set(k, e)).finally(settle));
  };

  while (added < count) {
    while (!stopped && failures.size === 0 && next < count && free.length > 0) start(next++, free.shift()!);
    if (running.size > 0) await Promise.race(running.values());
    for (let r = results.get(added); r; r = results.get(added)) {
      for (let i = 0; i < size; i++) grad[i] += r.grad[i] / count;
      loss += r.loss / count;
      for (let i = 0; i < r.correct.length; i++) correct += r.correct[i];
      peakTapeBytes = Math.max(peakTapeBytes, r.peakTapeBytes);
      results.delete(added++);
    }
    if (failures.size > 0 || stopped) {
      await Promise.all(running.values());
      if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
      throw new StopRequested();
    }
    // An episode's gradient takes a while: let pending I/O (IPC to the editor, signals) through,
    // and stop here if asked.
    try {
      await stopPoint(signal);
    } catch (e) {
      if (!(e instanceof StopRequested)) throw e;
      stopped = true;
      if (running.size === 0) throw e;
    }
  }
  return { grad, loss, correct, peakTapeBytes };
}
