import { VsmlModelConfig, numClasses } from '../model/config';
import { referenceEpisode } from '../model/reference-episode';
import { EvalEpisode } from '../eval/evaluate';

/** One recorded inner step: per layer h and c of batch member 0 as base64 float32 [A, B, N]. */
export interface SnapshotFrame {
  t: number;
  layers: { h: string; c: string }[];
  label: number;
  prediction: number;
}

/** The LSTM states of one evaluation episode, for the graph panel (docs/contracts.md §1). */
export interface StateSnapshot {
  step: number;
  dataset: string;
  layerSizes: number[];
  slowSize: number;
  msgSize: number;
  layerParamIndex: number[];
  innerSteps: number[];
  frames: SnapshotFrame[];
  /** A cloned learning algorithm: the c channel that holds each cell's weight (the graph panel shows it as the weight matrix). */
  weightChannel?: number;
}

const f32Base64 = (a: Float64Array): string => {
  const f = Float32Array.from(a);
  return Buffer.from(f.buffer).toString('base64');
};

/** Inner steps to record: t=0, the last step, and evenly spaced ones between (at most `maxFrames`). */
export function snapshotSteps(T: number, maxFrames: number): number[] {
  if (T <= maxFrames) return Array.from({ length: T }, (_, t) => t);
  const out = new Set<number>();
  for (let i = 0; i < maxFrames; i++) out.add(Math.round((i * (T - 1)) / (maxFrames - 1)));
  return [...out].sort((a, b) => a - b);
}

/**
 * Replays one evaluation episode with the float64 reference and records the states at a few
 * inner steps. The reference is used because it exposes every step's state; one episode per
 * evaluation is cheap next to meta-training.
 */
export function recordSnapshot(cfg: VsmlModelConfig, theta: Float64Array, ep: EvalEpisode, step: number, dataset: string, maxFrames = 16): StateSnapshot {
  const T = ep.episode.length;
  const wanted = new Set(snapshotSteps(T, maxFrames));
  const C = numClasses(cfg);
  const bs = cfg.batchSize;
  const frames: SnapshotFrame[] = [];
  referenceEpisode(cfg, theta, ep.episode, ep.state, (t, state, logits) => {
    if (!wanted.has(t)) return;
    let arg = 0;
    for (let k = 1; k < C; k++) if (logits[k] > logits[arg]) arg = k;
    frames.push({
      t,
      label: ep.episode.labels[t * bs],
      prediction: arg,
      layers: state.map((s, l) => {
        const n = cfg.layerSizes[l] * cfg.layerSizes[l + 1] * cfg.slowSize;
        return { h: f32Base64(s.h.subarray(0, n)), c: f32Base64(s.c.subarray(0, n)) };
      }),
    });
  });
  return {
    step,
    dataset,
    layerSizes: [...cfg.layerSizes],
    slowSize: cfg.slowSize,
    msgSize: cfg.msgSize,
    layerParamIndex: [...cfg.layerParamIndex],
    innerSteps: frames.map((f) => f.t),
    frames,
  };
}
