import { check } from '../errors';
import { Rng } from '../random';
import { VsmlModelConfig, numLayers } from '../model/config';
import { initialState } from '../model/init';
import { EpisodeSampler, requireRunShape } from '../meta/episode-sampler';
import { activate, activateGrad, CellRule, teacherEpisode, weightsFromState } from './teacher';

/**
 * What one weight cell sees over an episode, recorded from the teacher learning online on
 * meta-training data, so the clone is supervised on the inputs, errors and weights the network
 * will give it (pixels in the first layer, hidden pre-activations after it; softmax errors at the
 * output, backpropagated errors below). All arrays are [T, cells], row-major.
 */
export interface CellStreams {
  length: number;
  cells: number;
  /** The forward value the cell reads (channel 0 of fwd_in), the same in both ticks of a step. */
  x: Float32Array;
  /**
   * The error the cell reads in the FORWARD tick: 0 in the last layer (the network zeroes E after
   * the reverse tick), the previous step's error message in the layers below (one step stale).
   */
  eStale: Float32Array;
  /** The error the cell reads in the reverse tick: the fresh one. */
  e: Float32Array;
  /** Initial weight u of each cell (the network's initial c[weight_channel]): [cells]. */
  u0: Float32Array;
  /** Initial c of each cell: [cells, N] (the random channels besides the weight, as the network draws them). */
  c0: Float32Array;
}

export interface StreamOptions {
  cells: number;
  length: number;
  weightChannel: number;
  /** Cells taken from one teacher episode; the rest come from fresh episodes. */
  cellsPerEpisode: number;
}

/** Draws `cells` cell streams from teacher episodes; every layer is equally likely. */
export function cellStreams(model: VsmlModelConfig, rule: CellRule, sample: EpisodeSampler, rng: Rng, opts: StreamOptions): CellStreams {
  check(model.batchSize === 1, 'training.batch_size', `is ${model.batchSize}; cloning supervises online (batch 1) backprop`, 'set it to 1');
  const { cells, length: T, weightChannel: wc } = opts;
  const N = model.slowSize;
  const L = numLayers(model);
  const x = new Float32Array(T * cells);
  const eStale = new Float32Array(T * cells);
  const e = new Float32Array(T * cells);
  const u0 = new Float32Array(cells);
  const c0 = new Float32Array(cells * N);
  for (let first = 0; first < cells; first += opts.cellsPerEpisode) {
    const n = Math.min(opts.cellsPerEpisode, cells - first);
    const state = initialState(model, rng);
    const weights = weightsFromState(model, state, wc);
    const picks = Array.from({ length: n }, () => {
      const l = rng.int(L);
      return { l, a: rng.int(model.layerSizes[l]), b: rng.int(model.layerSizes[l + 1]) };
    });
    picks.forEach((p, i) => {
      const cell = p.a * model.layerSizes[p.l + 1] + p.b;
      for (let k = 0; k < N; k++) c0[(first + i) * N + k] = state[p.l].c[cell * N + k];
      u0[first + i] = weights[p.l][cell];
    });
    const prevErr: (Float64Array | undefined)[] = new Array(L);
    const episode = sample(rng, T, 1);
    requireRunShape(model, episode, 'vsml clone');
    teacherEpisode(model, rule, episode, weights, (t, s) => {
      picks.forEach((p, i) => {
        const k = t * cells + first + i;
        x[k] = s.inputs[p.l][p.a];
        e[k] = s.errors[p.l][p.b];
        eStale[k] = p.l < L - 1 ? (prevErr[p.l]?.[p.b] ?? 0) : 0;
      });
      for (let l = 0; l < L; l++) prevErr[l] = s.errors[l];
    });
  }
  return { length: T, cells, x, eStale, e, u0, c0 };
}

/** Root-mean-square sizes of the three supervised quantities, to weigh the loss terms alike. */
export function targetScales(s: CellStreams, rule: CellRule): { fwd: number; bwd: number; du: number } {
  let uu = 0;
  for (const u of s.u0) uu += u * u;
  const rmsU = Math.sqrt(uu / s.u0.length) || 1;
  let fx = 0;
  let dfe = 0;
  let fe = 0;
  for (let k = 0; k < s.x.length; k++) {
    const f = activate(rule.activation, s.x[k]);
    fx += f * f;
    dfe += (activateGrad(rule.activation, s.x[k]) * s.e[k]) ** 2;
    fe += (f * s.e[k]) ** 2;
  }
  const n = s.x.length;
  const pos = (v: number): number => (v > 0 ? v : 1);
  return {
    fwd: pos(rule.gain * rmsU * Math.sqrt(fx / n)),
    bwd: pos(rule.gain * rmsU * Math.sqrt(dfe / n)),
    du: pos(rule.lr * Math.sqrt(fe / n)),
  };
}
