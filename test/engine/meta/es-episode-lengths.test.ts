import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VsmlModelConfig } from '../../../src/engine/model/config';
import { Rollout, RolloutRunner, RolloutResult } from '../../../src/engine/model/rollout-runner';
import { adamInit } from '../../../src/engine/optim/adam';
import { initParams } from '../../../src/engine/model/init';
import { Rng } from '../../../src/engine/random';
import { esStep, EsOptions } from '../../../src/engine/meta/es-step';

const CFG: VsmlModelConfig = {
  layerSizes: [3, 2], slowSize: 4, msgSize: 2, numMicroTicks: 1, tanhBound: 0, outputIdx: 0, feedLabel: false, layerNorm: false,
  backwardPass: false, initRandProportion: 0.5, layerParamIndex: [0], backwardLayerParamIndex: [0], batchSize: 1,
};

/** Records the episode length of every rollout and returns a loss that is the same for + and -. */
class RecordingRunner implements RolloutRunner {
  readonly name = 'recording';
  readonly backend = 'none';
  readonly precision = 'float64' as const;
  readonly threads = 1;
  lengths: number[] = [];
  async run(_cfg: VsmlModelConfig, rollouts: readonly Rollout[]): Promise<RolloutResult[]> {
    return rollouts.map((r) => {
      this.lengths.push(r.episode.length);
      const T = r.episode.length;
      return { logits: new Float64Array(T * 2), ce: new Float64Array(T).fill(1), correct: new Uint8Array(T) };
    });
  }
  async dispose(): Promise<void> {}
}

const sample = (rng: Rng, length: number) => ({ length, inputs: new Float64Array(length * 3).map(() => rng.normal()), labels: new Int32Array(length) });

test('training.episode_lengths: each ES step draws one length from the list for all its episodes, reproducibly from (seed, step)', async () => {
  const opt: EsOptions = { pairs: 3, sigma: 0.1, episodeLength: 50, episodeLengths: [5, 20, 80], lossType: 'mean', centeredRanks: false, weightDecay: 0, adam: { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8, clipGradNorm: 0 } };
  const seen = new Set<number>();
  const perStep: number[] = [];
  for (let step = 1; step <= 12; step++) {
    const runner = new RecordingRunner();
    await esStep(runner, CFG, initParams(CFG, new Rng(1)), adamInit(initParams(CFG, new Rng(1)).length), sample, 3, step, opt);
    assert.equal(runner.lengths.length, 6);
    assert.equal(new Set(runner.lengths).size, 1, 'one length per step');
    assert.ok(opt.episodeLengths!.includes(runner.lengths[0]));
    seen.add(runner.lengths[0]);
    perStep.push(runner.lengths[0]);
  }
  assert.equal(seen.size, 3, 'every length of the mix is drawn');
  const again = new RecordingRunner();
  await esStep(again, CFG, initParams(CFG, new Rng(1)), adamInit(initParams(CFG, new Rng(1)).length), sample, 3, 5, opt);
  assert.equal(again.lengths[0], perStep[4], 'the same step draws the same length (resume is exact)');
  const fixed = new RecordingRunner();
  await esStep(fixed, CFG, initParams(CFG, new Rng(1)), adamInit(initParams(CFG, new Rng(1)).length), sample, 3, 1, { ...opt, episodeLengths: undefined });
  assert.deepEqual(new Set(fixed.lengths), new Set([50]), 'without the list, episode_length');
});
