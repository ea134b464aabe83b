import { VsmlModelConfig, numClasses, numLayers } from '../model/config';
import { checkEpisode, checkParams } from '../model/episode';
import { LayerState } from '../model/init';
import { paramLayout } from '../model/param-layout';
import { Rollout, RolloutResult } from '../model/rollout-runner';
import { KernelBackend, kernelConfigFloats, kernelConfigInts, kernelError, packState, stateFloats } from './kernel-abi';
import { softmaxRow } from '../model/softmax-row';

/** One rollout in the kernel's float32 layout; plain typed arrays, so it can be posted to a worker. */
export interface KernelJob {
  theta: Float32Array; // [D]
  inputs: Float32Array; // [T, batch, A_0]
  labels: Int32Array; // [T, batch]
  state: Float32Array; // per layer h [batch, A, B, N] then c [batch, A, B, N]
  length: number;
}

/** What the kernel hands back for one job. */
export interface KernelOutput {
  logits: Float32Array; // [T, batch, C]
  state?: Float32Array; // like KernelJob.state
}

/** Checks a rollout like every backend does (EngineError on bad shapes or NaN θ) and converts it to float32. */
export function prepareJob(cfg: VsmlModelConfig, r: Rollout): KernelJob {
  checkEpisode(cfg, r.episode, r.initialState, r.theta.length, paramLayout(cfg).size);
  checkParams(r.theta);
  const state = packState(r.initialState, new Float32Array(stateFloats(cfg)));
  return {
    theta: Float32Array.from(r.theta),
    inputs: Float32Array.from(r.episode.inputs),
    labels: Int32Array.from(r.episode.labels),
    state,
    length: r.episode.length,
  };
}

/** Runs one job on a loaded kernel (in whichever thread holds it). */
export function runJob(kernel: KernelBackend, cfg: VsmlModelConfig, job: KernelJob, wantFinalState: boolean): KernelOutput {
  const logits = new Float32Array(job.length * cfg.batchSize * numClasses(cfg));
  const state = wantFinalState ? new Float32Array(job.state.length) : null;
  const code = kernel.episode(kernelConfigInts(cfg, job.length), kernelConfigFloats(cfg), job.theta, job.inputs, job.labels, job.state, logits, state);
  if (code !== 0) throw kernelError(code);
  return state ? { logits, state } : { logits };
}

/**
 * Per-step CE and correctness from the float32 logits, computed in float64 here rather than
 * in the kernel: T x batch x C numbers, so the cost is nothing and the metric is exact for
 * the logits the kernel produced. Unpacks the final state into per-layer Float64Arrays.
 */
export function finishJob(cfg: VsmlModelConfig, labels: Int32Array, out: KernelOutput): RolloutResult {
  const C = numClasses(cfg);
  const rows = labels.length;
  const logits = Float64Array.from(out.logits);
  const ce = new Float64Array(rows);
  const correct = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const s = softmaxRow(logits, r * C, C, labels[r]);
    ce[r] = s.ce;
    correct[r] = s.correct;
  }
  if (!out.state) return { logits, ce, correct };
  const finalState: LayerState[] = [];
  let off = 0;
  for (let l = 0; l < numLayers(cfg); l++) {
    const n = cfg.batchSize * cfg.layerSizes[l] * cfg.layerSizes[l + 1] * cfg.slowSize;
    const h = Float64Array.from(out.state.subarray(off, off + n));
    off += n;
    const c = Float64Array.from(out.state.subarray(off, off + n));
    off += n;
    finalState.push({ h, c });
  }
  return { logits, ce, correct, finalState };
}
