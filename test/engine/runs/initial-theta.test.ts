import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfigValue } from '../../../src/engine/config/load-config';
import { parse as parseJsonc } from 'jsonc-parser';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { planExperiment } from '../../../src/engine/runs/plan-experiment';
import { initialTheta } from '../../../src/engine/runs/initial-theta';
import { RunFolder } from '../../../src/engine/runs/run-folder';
import { EngineError } from '../../../src/engine/errors';
import { REPO_ROOT } from '../../helpers/paths';

/** examples/clone.vsml.json shrunk to a few seconds. */
function tinyClone(dir: string): { file: string; config: any } {
  const config = parseJsonc(readFileSync(join(REPO_ROOT, 'examples/clone.vsml.json'), 'utf8'));
  delete config.$schema;
  config.name = 'tiny-clone';
  Object.assign(config.clone, { steps: 1, cells: 4, stream_length: 10, unroll: 5 });
  Object.assign(config.evaluation, { datasets: ['mnist'], count: 1, episode_length: 5 });
  config.engine = { path: 'reference' };
  const file = join(dir, 'tiny-clone.vsml.json');
  writeFileSync(file, JSON.stringify(config));
  return { file, config };
}

function improvePlan(dir: string, initFrom: string, model: object) {
  const r = validateConfigValue({ name: 'improve', training: { dataset: 'mnist', iterations: 1, population_size: 1, episode_length: 5 }, evaluation: { datasets: ['mnist'], count: 1, episode_length: 5 },
    data: { preprocess: { resize: [7, 7] } }, optimizer: { init_from: initFrom }, model, baselines: { enabled: false } }, join(dir, 'improve.vsml.json'));
  assert.ok(r.ok, JSON.stringify(r.issues));
  return planExperiment(r.config, join(dir, 'improve.vsml.json'));
}

test('optimizer.init_from a clone config: clones when no finished run of it exists, then reuses that run; a run folder or checkpoint works too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-init-from-'));
  const runsDir = join(dir, 'runs');
  const { config } = tinyClone(dir);
  const plan = improvePlan(dir, 'tiny-clone.vsml.json', config.model); // relative to the config's folder
  const runner = new ReferenceRunner();
  const logs: string[] = [];
  const first = await initialTheta(plan, { runner, runsDir, log: (m) => logs.push(m) });
  const runs = readdirSync(runsDir);
  assert.equal(runs.length, 1);
  assert.match(runs[0], /^tiny-clone-\d{8}-\d{6}-[0-9a-f]{4}$/);
  assert.ok(logs.some((l) => l.includes('cloning first')));
  const ckpt = RunFolder.open(join(runsDir, runs[0])).latestCheckpoint()!;
  assert.deepEqual(Array.from(first.theta), Array.from(ckpt.theta));

  const second = await initialTheta(plan, { runner, runsDir, log: (m) => logs.push(m) });
  assert.equal(readdirSync(runsDir).length, 1, 'the finished clone is found, not redone');
  assert.deepEqual(Array.from(second.theta), Array.from(ckpt.theta));

  const byFolder = await initialTheta(improvePlan(dir, join(runsDir, runs[0]), config.model), { runner, runsDir });
  assert.deepEqual(Array.from(byFolder.theta), Array.from(ckpt.theta));
  const byFile = await initialTheta(improvePlan(dir, join(runsDir, runs[0], 'checkpoints', 'latest.json'), config.model), { runner, runsDir });
  assert.deepEqual(Array.from(byFile.theta), Array.from(ckpt.theta));

  // A model with other param sets cannot start from it.
  const other = { ...config.model, vsml_rnn: { ...config.model.vsml_rnn, separate_backward_rnn: false } };
  await assert.rejects(initialTheta(improvePlan(dir, join(runsDir, runs[0]), other), { runner, runsDir }),
    (e: unknown) => e instanceof EngineError && e.path === 'optimizer.init_from' && /parameters, this model needs/.test(e.message));
  // No init_from: the meta-init.
  const plain = await initialTheta(improvePlan(dir, '', config.model), { runner, runsDir });
  assert.equal(plain.from, undefined);
});
