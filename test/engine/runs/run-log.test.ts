import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRunLog } from '../../../src/engine/runs/run-log';
import { runExperiment } from '../../../src/engine/runs/run-experiment';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { toyModel, toySampler } from '../../helpers/toy-task';

test('every run has a trainer.log saying where and how it started and how it ended; Open Run Log finds it', async () => {
  const out = await runExperiment({
    plan: {
      name: 'toy', seed: 3, source: 'toy.vsml.json', resolvedConfig: { name: 'toy' }, model: toyModel(), iterations: 2,
      optimizer: { type: 'es', es: { pairs: 2, sigma: 0.05, episodeLength: 4, lossType: 'mean', centeredRanks: false, weightDecay: 0, adam: { lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, clipGradNorm: 0 } } },
      train: toySampler,
      evaluation: { frequency: 0, spec: { length: 4, episodes: 1, seed: 1 }, datasets: [{ key: 'toy', sample: toySampler, numClasses: 2 }] },
      checkpointFrequency: 0,
      statusInterval: 0,
    },
    runner: new ReferenceRunner(),
    runsDir: mkdtempSync(join(tmpdir(), 'vsml-log-')),
  });
  const found = await findRunLog(out.runDir, out.runId);
  assert.deepEqual(found, { file: join(out.runDir, 'trainer.log') });
  const lines = readFileSync(join(out.runDir, 'trainer.log'), 'utf8').trim().split('\n');
  assert.match(lines[0], new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z info started on ${hostname()} \\(pid ${process.pid}, Node ${process.version}, VS-ML Lab [\\w.-]+.*\\): runner reference \\(js-float64, 1 thread\\)`));
  assert.match(lines.at(-1)!, /info finished at step 2 of 2 after [\d.]+ s; best eval\/toy\/learned\/meanAccuracy [\d.]+ at step 2$/);
});

test('Open Run Log says why when there is no log, and never opens a link or a special file planted at its name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-log-bad-'));
  const none = join(dir, 'a');
  mkdirSync(none);
  const r = await findRunLog(none, 'a');
  assert.ok('problem' in r && /a has no trainer\.log yet/.test(r.problem));
  const linked = join(dir, 'b');
  mkdirSync(linked);
  writeFileSync(join(dir, 'secret'), 'x');
  symlinkSync(join(dir, 'secret'), join(linked, 'trainer.log'));
  const l = await findRunLog(linked, 'b');
  assert.ok('problem' in l && /is a symbolic link/.test(l.problem));
  const folder = join(dir, 'c');
  mkdirSync(join(folder, 'trainer.log'), { recursive: true });
  const f = await findRunLog(folder, 'c');
  assert.ok('problem' in f && /not a regular file/.test(f.problem));
});
