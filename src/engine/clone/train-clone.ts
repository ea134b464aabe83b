import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../random';
import { VsmlModelConfig } from '../model/config';
import { EpisodeSampler } from '../meta/episode-sampler';
import { adamInit, adamStep, AdamState, globalNorm } from '../optim/adam';
import { CellStreams, cellStreams, targetScales } from './cell-streams';
import { CellBatchState, cloneChunkLoss, CloneLossTerms } from './clone-loss';
import { CellRule } from './teacher';

export interface CloneTrainOptions {
  rule: CellRule;
  weightChannel: number;
  /** Adam updates of V_M. */
  steps: number;
  /** Adam learning rate. */
  lr: number;
  /** Cells per batch (independent streams). */
  cells: number;
  /** Steps per truncated-BPTT chunk (one Adam update each). */
  unroll: number;
  /** Steps of each teacher stream; the cells' state carries across the chunks of a stream. */
  streamLength: number;
  duWeight: number;
  seed: number;
  /** Training data the teacher streams come from. */
  sample: EpisodeSampler;
  /** Clip the gradient's global norm (0 = off). */
  clipGradNorm: number;
  onStep?: (row: CloneStepRow) => void;
  signal?: AbortSignal;
}

export interface CloneStepRow {
  step: number;
  loss: number;
  terms: CloneLossTerms;
  gradNorm: number;
  thetaNorm: number;
}

/**
 * Learning-algorithm cloning: trains V_M (θ, updated in place) so that one sub-RNN cell, run as
 * the network runs it, implements the teacher's per-weight online backprop (teacher.ts). Cells
 * are supervised on streams recorded from the teacher learning on meta-training data; each
 * stream is unrolled in chunks of `unroll` steps with the state carried over (truncated BPTT),
 * one Adam step per chunk. Randomness comes from (seed, stream index), so a run is reproducible.
 */
export async function trainClone(model: VsmlModelConfig, theta: Float64Array, opts: CloneTrainOptions): Promise<{ adam: AdamState; steps: number; last?: CloneStepRow }> {
  const adam = adamInit(theta.length);
  const N = model.slowSize;
  let step = 0;
  let last: CloneStepRow | undefined;
  let scales: { fwd: number; bwd: number; du: number } | undefined;
  for (let round = 0; step < opts.steps; round++) {
    const streams: CellStreams = cellStreams(model, opts.rule, opts.sample, new Rng(opts.seed, `clone-streams-${round}`), {
      cells: opts.cells, length: opts.streamLength, weightChannel: opts.weightChannel, cellsPerEpisode: 32,
    });
    scales ??= targetScales(streams, opts.rule);
    let state: CellBatchState = { h: tf.zeros([opts.cells, N]), c: tf.tensor2d(streams.c0, [opts.cells, N]) };
    for (let t0 = 0; t0 + opts.unroll <= streams.length && step < opts.steps; t0 += opts.unroll) {
      if (opts.signal?.aborted) break;
      await new Promise<void>((r) => setImmediate(r));
      step++;
      const th = tf.tensor1d(Float32Array.from(theta));
      let next: CellBatchState | undefined;
      let terms: tf.Tensor1D | undefined;
      const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => {
        const out = cloneChunkLoss(model, p as tf.Tensor1D, streams, t0, opts.unroll, state, { rule: opts.rule, weightChannel: opts.weightChannel, scales: scales!, duWeight: opts.duWeight });
        next = { h: tf.keep(out.state.h), c: tf.keep(out.state.c) };
        terms = tf.keep(out.terms);
        return out.loss;
      })(th);
      const g = Float64Array.from(grad.dataSync());
      const loss = value.dataSync()[0];
      const t = terms!.dataSync();
      tf.dispose([th, value, grad, terms!, state.h, state.c]);
      state = next!;
      const gradNorm = globalNorm(g);
      adamStep(theta, g, adam, { lr: opts.lr, b1: 0.9, b2: 0.999, eps: 1e-8, clipGradNorm: opts.clipGradNorm });
      last = { step, loss, terms: { fwd: t[0], bwd: t[1], du: t[2], rest: t[3] }, gradNorm, thetaNorm: globalNorm(theta) };
      opts.onStep?.(last);
    }
    tf.dispose([state.h, state.c]);
    if (opts.signal?.aborted) break;
  }
  return { adam, steps: step, last };
}
