import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { validateConfigValue } from '../../../src/engine/config/load-config';
import { toModelConfig } from '../../../src/engine/config/to-model-config';
import { openConfiguredDataset, openTrainingDataset } from '../../../src/engine/data/from-config';
import { episodeSampler } from '../../../src/engine/data/episodes';
import { initialState } from '../../../src/engine/model/init';
import { referenceEpisode } from '../../../src/engine/model/reference-episode';
import { Rng } from '../../../src/engine/random';
import { selectTfjsBackend } from '../../../src/engine/tfjs/backend';
import { cellStreams, targetScales } from '../../../src/engine/clone/cell-streams';
import { cellRuleFromConfig } from '../../../src/engine/clone/clone-config';
import { cloneFidelity } from '../../../src/engine/clone/clone-fidelity';
import { constructCloneTheta } from '../../../src/engine/clone/construct';
import { trainClone } from '../../../src/engine/clone/train-clone';
import { teacherEpisode, weightsFromState } from '../../../src/engine/clone/teacher';
import { REPO_ROOT } from '../../helpers/paths';

function setup(example: string) {
  const raw = parseJsonc(readFileSync(join(REPO_ROOT, 'examples', example), 'utf8'));
  delete raw.$schema;
  const r = validateConfigValue(raw, example);
  assert.ok(r.ok, JSON.stringify(r.issues));
  const cfg = r.config;
  const train = openTrainingDataset(cfg, 10);
  return { cfg, model: toModelConfig(cfg, 10, train.inputSize), sample: episodeSampler(train, 'train'), rule: cellRuleFromConfig(cfg) };
}

for (const example of ['clone.vsml.json', 'clone-deep.vsml.json']) {
  test(`${example}: after a short clone run, the VSML network run forward only equals the teacher on held-out digits (logits, weights) and the cell follows the rule on held-out streams`, async () => {
    await selectTfjsBackend('auto');
    const { cfg, model, sample, rule } = setup(example);
    const wc = cfg.clone.weight_channel;
    const theta = constructCloneTheta(model, rule, wc);
    await trainClone(model, theta, { rule, weightChannel: wc, steps: 5, lr: 2e-5, cells: 32, unroll: 5, streamLength: 25, duWeight: cfg.clone.weight_loss, seed: 3, sample, clipGradNorm: 1 });

    // Cell level, on streams it was not trained on: relative squared errors of the messages and the weight update.
    const heldOut = cellStreams(model, rule, sample, new Rng(77, 'held-out'), { cells: 64, length: 60, weightChannel: wc, cellsPerEpisode: 16 });
    const f = cloneFidelity(model, theta, heldOut, { rule, weightChannel: wc, scales: targetScales(heldOut, rule) });
    assert.ok(f.fwd < 0.01 && f.du < 0.01 && f.rest < 0.01, JSON.stringify(f));
    // The deep clone sends G·u·e where the teacher's backward message is G·u·f'(x)·e (see construct.ts).
    assert.ok(f.bwd < (cfg.clone.teacher === 'deep' ? 0.5 : 0.01), JSON.stringify(f));

    // Network level, float64 reference, held-out MNIST digits: the clone's logits and weights vs the teacher's.
    const ds = openConfiguredDataset(cfg, 'mnist', 10);
    const rng = new Rng(5, 'held-out-episode');
    const T = 60;
    const episode = episodeSampler(ds, 'test')(rng, T, 1);
    const state = initialState(model, rng);
    const teacher = teacherEpisode(model, rule, episode, weightsFromState(model, state, wc));
    const clone = referenceEpisode(model, theta, episode, state);
    // Mean absolute logit difference relative to the teacher's mean absolute logit.
    let sumLogit = 0;
    let sumDiff = 0;
    for (let i = 0; i < teacher.logits.length; i++) {
      sumLogit += Math.abs(teacher.logits[i]);
      sumDiff += Math.abs(teacher.logits[i] - clone.logits[i]);
    }
    assert.ok(sumDiff < 0.1 * sumLogit, `logits differ by ${(100 * sumDiff / sumLogit).toFixed(1)}% of their size`);
    const agree = teacher.correct.reduce((s, c, t) => s + (c === clone.correct[t] ? 1 : 0), 0) / T;
    assert.ok(agree >= 0.9, `right/wrong agreement ${agree}`);
    const cloneWeights = weightsFromState(model, clone.finalState, wc);
    teacher.finalWeights.forEach((w, l) => {
      let num = 0;
      let den = 0;
      for (let k = 0; k < w.length; k++) {
        num += (w[k] - cloneWeights[l][k]) ** 2;
        den += w[k] ** 2;
      }
      assert.ok(Math.sqrt(num / den) < 0.1, `layer ${l} weights after ${T} steps: relative error ${Math.sqrt(num / den)}`);
    });
  });
}
