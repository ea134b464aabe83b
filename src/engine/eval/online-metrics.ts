/**
 * Summaries of online learning: every inner step's prediction is made before its label is
 * seen, so the accuracy curve over steps IS the learning curve.
 */
export interface OnlineSummary {
  /** Mean online accuracy over all steps and episodes. */
  meanAccuracy: number;
  /** Mean online accuracy over the last tenth of the steps (at least one): "at the end". */
  finalAccuracy: number;
  /** Mean cross-entropy over all steps and episodes. */
  meanLoss: number;
  /** curve[t] = accuracy at inner step t averaged over episodes (and batch). */
  curve: number[];
  /** lossCurve[t] likewise for the cross-entropy. */
  lossCurve: number[];
}

/** One episode's per-step outputs: correct and ce are [T, batch] row-major. */
export interface EpisodeOutcome {
  correct: ArrayLike<number>;
  ce: ArrayLike<number>;
}

/** Width of the "end of the episode" window used by finalAccuracy. */
export const finalWindow = (T: number): number => Math.max(1, Math.floor(T / 10));

export function summarizeOnline(outcomes: readonly EpisodeOutcome[], length: number, batchSize: number): OnlineSummary {
  if (outcomes.length === 0) throw new Error('summarizeOnline: no episodes');
  const curve = new Array<number>(length).fill(0);
  const lossCurve = new Array<number>(length).fill(0);
  const per = outcomes.length * batchSize;
  for (const o of outcomes) {
    if (o.correct.length !== length * batchSize || o.ce.length !== length * batchSize)
      throw new Error(`summarizeOnline: expected ${length * batchSize} steps per episode, got ${o.correct.length}`);
    for (let t = 0; t < length; t++)
      for (let b = 0; b < batchSize; b++) {
        curve[t] += o.correct[t * batchSize + b] / per;
        lossCurve[t] += o.ce[t * batchSize + b] / per;
      }
  }
  const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
  const w = finalWindow(length);
  return { meanAccuracy: mean(curve), finalAccuracy: mean(curve.slice(length - w)), meanLoss: mean(lossCurve), curve, lossCurve };
}
