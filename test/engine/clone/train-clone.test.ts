import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { validateConfigValue } from '../../../src/engine/config/load-config';
import { toModelConfig } from '../../../src/engine/config/to-model-config';
import { openTrainingDataset } from '../../../src/engine/data/from-config';
import { episodeSampler } from '../../../src/engine/data/episodes';
import { initParams } from '../../../src/engine/model/init';
import { Rng } from '../../../src/engine/random';
import { selectTfjsBackend } from '../../../src/engine/tfjs/backend';
import { cellStreams, targetScales } from '../../../src/engine/clone/cell-streams';
import { cellRuleFromConfig } from '../../../src/engine/clone/clone-config';
import { cloneFidelity } from '../../../src/engine/clone/clone-fidelity';
import { trainClone } from '../../../src/engine/clone/train-clone';
import { REPO_ROOT } from '../../helpers/paths';

function setup() {
  const raw = parseJsonc(readFileSync(join(REPO_ROOT, 'examples/clone.vsml.json'), 'utf8'));
  delete raw.$schema;
  const r = validateConfigValue(raw, 'clone.vsml.json');
  assert.ok(r.ok, JSON.stringify(r.issues));
  const cfg = r.config;
  const train = openTrainingDataset(cfg, 10);
  const model = toModelConfig(cfg, 10, train.inputSize);
  return { cfg, model, sample: episodeSampler(train, 'train'), rule: cellRuleFromConfig(cfg) };
}

test('from the random meta-init, a short clone run moves the cell toward the teacher on streams it was not trained on (messages and weight updates)', async () => {
  await selectTfjsBackend('auto');
  const { cfg, model, sample, rule } = setup();
  const theta = initParams(model, new Rng(cfg.seed, 'meta-init'));
  const wc = cfg.clone.weight_channel;
  // Held-out: other episodes (from the meta-training split, another seed) and other initial weights.
  const heldOut = cellStreams(model, rule, sample, new Rng(999, 'held-out'), { cells: 64, length: 40, weightChannel: wc, cellsPerEpisode: 16 });
  const scales = targetScales(heldOut, rule);
  const before = cloneFidelity(model, theta, heldOut, { rule, weightChannel: wc, scales });
  const rows: number[] = [];
  await trainClone(model, theta, {
    rule, weightChannel: wc, steps: 40, lr: 0.01, cells: 64, unroll: 5, streamLength: 40, duWeight: cfg.clone.weight_loss, seed: 1,
    sample, clipGradNorm: 1, onStep: (r) => rows.push(r.loss),
  });
  assert.equal(rows.length, 40);
  const after = cloneFidelity(model, theta, heldOut, { rule, weightChannel: wc, scales });
  // Relative mean squared errors (1 = no better than outputting 0). The untrained cell is near 1.
  // Forty updates from scratch clearly cut the forward message and weight update errors (the
  // backward message, a smaller target, moves later) and make nothing worse. How close a full
  // clone gets is pinned by clone-network.test.ts.
  for (const k of ['fwd', 'du'] as const) assert.ok(after[k] < 0.8 * before[k], `${k}: ${before[k].toFixed(3)} -> ${after[k].toFixed(3)}`);
  assert.ok(after.bwd < 1.02 * before.bwd, `bwd: ${before.bwd.toFixed(3)} -> ${after.bwd.toFixed(3)}`);
  assert.ok(after.rest < 0.01, `other channels ${after.rest}`);
});
