import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROBE_NAMES, probeJsonLine, probeTrainedLa } from '../../../src/engine/eval/probe';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { evaluateTrainedLa } from '../../../src/engine/eval/evaluate-checkpoint';
import { Rollout, RolloutRunner } from '../../../src/engine/model/rollout-runner';
import { VsmlModelConfig } from '../../../src/engine/model/config';
import { tinyTrainedLa } from '../../helpers/tiny-la';

/** The reference runner, recording every call's network and episodes. */
function recordingRunner(): RolloutRunner & { calls: { cfg: VsmlModelConfig; rollouts: readonly Rollout[] }[] } {
  const inner = new ReferenceRunner();
  const calls: { cfg: VsmlModelConfig; rollouts: readonly Rollout[] }[] = [];
  return {
    name: inner.name, backend: inner.backend, precision: inner.precision, threads: inner.threads, calls,
    run: (cfg, rollouts, options) => {
      calls.push({ cfg: cfg as VsmlModelConfig, rollouts }); // probes run VSML only
      return inner.run(cfg, rollouts, options);
    },
    dispose: () => inner.dispose(),
  };
}

test('vsml probe runs every probe on the evaluation stream and each probe changes what it says', async () => {
  const la = tinyTrainedLa();
  const runner = recordingRunner();
  const report = await probeTrainedLa(la, runner, { dataset: 'mnist', length: 5, episodes: 2 });
  assert.deepEqual(report.probes.map((p) => p.name), [...PROBE_NAMES]);
  assert.equal(runner.calls.length, PROBE_NAMES.length, 'only the learned LA runs, once per probe');
  const byName = Object.fromEntries(PROBE_NAMES.map((n, i) => [n, runner.calls[i]]));
  for (const c of runner.calls) {
    assert.equal(c.rollouts.length, 2);
    assert.equal(c.rollouts[0].episode.length, 5);
    assert.equal(c.rollouts[0].theta, la.checkpoint.theta, 'every probe runs the learned θ');
  }
  // sizes: A_0 = s^2, 10 outputs; classes: 3 and 5 outputs and labels below them
  assert.deepEqual(PROBE_NAMES.map((n) => byName[n].cfg.layerSizes.join('x')),
    ['49x10', '49x3', '49x5', '196x10', '441x10', '1024x10', '2304x10', '49x10', '49x10']);
  for (const [n, k] of [['classes3', 3], ['classes5', 5]] as const) {
    for (const r of byName[n].rollouts) assert.ok(Array.from(r.episode.labels).every((y) => y < k));
  }
  // shuffled: the very examples of the baseline (same draws), each a permutation of its pixels
  const base = byName.baseline.rollouts[0].episode;
  const shuf = byName.shuffled.rollouts[0].episode;
  assert.deepEqual(Array.from(shuf.labels), Array.from(base.labels));
  const row = (e: typeof base, t: number) => Array.from(e.inputs.slice(t * 49, (t + 1) * 49));
  assert.notDeepEqual(row(shuf, 0), row(base, 0));
  assert.deepEqual([...row(shuf, 0)].sort((a, b) => a - b), [...row(base, 0)].sort((a, b) => a - b));
  // random projection: the same examples, other inputs, not a permutation
  const proj = byName.randomProjection.rollouts[0].episode;
  assert.deepEqual(Array.from(proj.labels), Array.from(base.labels));
  assert.notDeepEqual([...row(proj, 0)].sort((a, b) => a - b), [...row(base, 0)].sort((a, b) => a - b));
  // the report gives each probe's classes and inputs; accuracies are fractions
  const p = Object.fromEntries(report.probes.map((r) => [r.name, r]));
  assert.equal(p.classes3.classes, 3);
  assert.equal(p.size48.inputSize, 2304);
  for (const r of report.probes) assert.ok(r.meanAccuracy! >= 0 && r.meanAccuracy! <= 1);
});

test('the baseline probe is exactly what vsml eval reports for the learned LA', async () => {
  const la = tinyTrainedLa();
  const rows = await evaluateTrainedLa(la, new ReferenceRunner(), { datasets: ['mnist'], length: 5, episodes: 2, baselines: false });
  const report = await probeTrainedLa(la, new ReferenceRunner(), { dataset: 'mnist', length: 5, episodes: 2 });
  assert.equal(report.probes[0].meanAccuracy, rows[0].methods.learned.meanAccuracy);
});

test('probes that do not apply are null with the reason: classes on a 2-class task, sizes on flat features', async () => {
  const la = tinyTrainedLa();
  const sum = await probeTrainedLa(la, new ReferenceRunner(), { dataset: 'sum', length: 3, episodes: 1 });
  const s = Object.fromEntries(sum.probes.map((r) => [r.name, r]));
  assert.equal(s.classes3.meanAccuracy, null);
  assert.match(s.classes5.skipped!, /sum has 2 classes, not more than 5/);
  assert.equal(typeof s.size14.meanAccuracy, 'number');
  const dir = mkdtempSync(join(tmpdir(), 'vsml-probe-'));
  const rows = ['label,a,b,c'];
  for (let i = 0; i < 40; i++) rows.push(`${i % 4},${(i * 0.37) % 1.3},${(i * 0.11) % 2.1},${(i * 0.7) % 0.9}`);
  writeFileSync(join(dir, 'f.csv'), `${rows.join('\n')}\n`);
  const csv = await probeTrainedLa(la, new ReferenceRunner(), { dataset: `csv:${join(dir, 'f.csv')}`, length: 3, episodes: 1 });
  const c = Object.fromEntries(csv.probes.map((r) => [r.name, r]));
  assert.match(c.size21.skipped!, /flat feature vectors/);
  assert.equal(c.classes3.classes, 3);
  assert.equal(c.classes5.meanAccuracy, null);
  const line = JSON.parse(probeJsonLine(csv));
  assert.deepEqual(Object.keys(line), ['dataset', 'probes']);
  assert.deepEqual(Object.keys(line.probes), [...PROBE_NAMES]);
  assert.equal(line.probes.size21, null);
});

test('a run that also evaluated a 2-class task (sum) can still be probed with 3 and 5 classes of mnist', async () => {
  const la = tinyTrainedLa({ evaluation: { datasets: ['mnist', 'sum'], episode_length: 6, count: 2, seed: 5 } });
  const report = await probeTrainedLa(la, new ReferenceRunner(), { dataset: 'mnist', length: 3, episodes: 1 });
  const p = Object.fromEntries(report.probes.map((r) => [r.name, r]));
  assert.equal(p.classes3.classes, 3);
  assert.equal(p.classes5.classes, 5);
});
