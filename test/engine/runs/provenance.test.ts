import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, hostname, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExperiment } from '../../../src/engine/runs/run-experiment';
import type { ExperimentPlan } from '../../../src/engine/runs/experiment-plan';
import { ReferenceRunner } from '../../../src/engine/model/reference-runner';
import { collectProvenance, gitStateOf, labProvenance, labRoot } from '../../../src/engine/runs/provenance';
import { listRuns } from '../../../src/engine/runs/runs-listing';
import { validateRunConfig } from '../../../src/engine/config/load-config';
import { parseProvenance, parseRunStatus } from '../../../src/protocol/run-records';
import { toyModel, toySampler } from '../../helpers/toy-task';
import { REPO_ROOT } from '../../helpers/paths';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } }).trim();

const plan = (source: string, fingerprints?: ExperimentPlan['datasetFingerprints']): ExperimentPlan => ({
  name: 'toy', seed: 3, source, resolvedConfig: { name: 'toy', source }, model: toyModel(), iterations: 1,
  optimizer: { type: 'es', es: { pairs: 2, sigma: 0.05, episodeLength: 4, lossType: 'mean', centeredRanks: false, weightDecay: 0, adam: { lr: 0.05, b1: 0.9, b2: 0.999, eps: 1e-8, clipGradNorm: 0 } } },
  train: toySampler,
  evaluation: { frequency: 0, spec: { length: 4, episodes: 1, seed: 1 }, datasets: [{ key: 'toy', sample: toySampler, numClasses: 2 }] },
  checkpointFrequency: 0,
  statusInterval: 0,
  ...(fingerprints ? { datasetFingerprints: fingerprints } : {}),
});

/** A repository with one commit holding `toy.vsml.json`; the run folder inside it is untracked. */
function tempRepo(): { dir: string; config: string; commit: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-prov-repo-'));
  git(dir, 'init', '-q');
  const config = join(dir, 'toy.vsml.json');
  writeFileSync(config, '{"name":"toy"}\n');
  git(dir, 'add', 'toy.vsml.json');
  git(dir, 'commit', '-q', '-m', 'toy');
  return { dir, config, commit: git(dir, 'rev-parse', 'HEAD') };
}

test('a run records its provenance in config.json and status.json: the config\'s repository commit and dirty flag, host, Node, runner, datasets', async () => {
  const repo = tempRepo();
  const sha = 'a'.repeat(64);
  const out = await runExperiment({
    plan: plan(repo.config, () => ({ toy: { source: 'generated (test)', splits: { train: { examples: 5, sha256: sha } } } })),
    runner: new ReferenceRunner(),
    runsDir: join(repo.dir, '.vsml', 'runs'),
  });
  const config = JSON.parse(readFileSync(join(out.runDir, 'config.json'), 'utf8'));
  const p = parseProvenance(config.provenance);
  assert.ok(p.ok, p.ok ? '' : p.error);
  const prov = p.message;
  // The run folder is untracked inside the repository: it does not make the checkout dirty.
  assert.deepEqual(prov.workspace, { root: repo.dir, commit: repo.commit, dirty: false });
  assert.equal(prov.host, hostname());
  assert.equal(prov.node, process.version);
  assert.equal(prov.platform, platform());
  assert.equal(prov.arch, arch());
  assert.deepEqual(prov.runner, { path: 'reference', backend: 'js-float64', threads: 1, precision: 'float64' });
  assert.deepEqual(prov.datasets, { toy: { source: 'generated (test)', splits: { train: { examples: 5, sha256: sha } } } });
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
  assert.equal(prov.lab.version, pkg.version);
  // The stored config still validates as an experiment (provenance and source are set aside).
  assert.equal(validateRunConfig({ ...JSON.parse(readFileSync(join(REPO_ROOT, 'examples/default.vsml.json'), 'utf8')), provenance: config.provenance, source: 'x' }, 'c').ok, true);

  const status = parseRunStatus(JSON.parse(readFileSync(join(out.runDir, 'status.json'), 'utf8')));
  assert.ok(status.ok);
  assert.deepEqual(status.message.provenance, prov);

  // vsml runs --json shows it; provenance is not a hyperparameter that "differs".
  const listed = await listRuns(join(repo.dir, '.vsml', 'runs'));
  assert.deepEqual(listed[0].provenance, prov);

  // A tracked file changed: the next run is dirty, at the same commit.
  writeFileSync(repo.config, '{"name":"toy","seed":4}\n');
  const dirty = await runExperiment({ plan: plan(repo.config), runner: new ReferenceRunner(), runsDir: join(repo.dir, '.vsml', 'runs') });
  const d = JSON.parse(readFileSync(join(dirty.runDir, 'config.json'), 'utf8')).provenance;
  assert.deepEqual(d.workspace, { root: repo.dir, commit: repo.commit, dirty: true });
  assert.deepEqual(d.datasets, {});
  const both = await listRuns(join(repo.dir, '.vsml', 'runs'));
  assert.ok(both.every((r) => !Object.keys(r.params).some((k) => k.startsWith('provenance'))), JSON.stringify(both.map((r) => r.params)));
});

test('outside a repository, or without git on the PATH, the git fields are absent and the run still starts', async () => {
  const plain = mkdtempSync(join(tmpdir(), 'vsml-prov-plain-'));
  assert.equal(await gitStateOf(plain), undefined);
  const prov = await collectProvenance({ configFile: join(plain, 'x.vsml.json'), now: new Date('2026-12-01T00:00:00Z') });
  assert.equal(prov.workspace, undefined);
  assert.equal(prov.recordedAt, '2026-12-01T00:00:00.000Z');

  const repo = tempRepo();
  const path = process.env.PATH;
  process.env.PATH = join(plain, 'no-bin');
  try {
    assert.equal(await gitStateOf(repo.dir), undefined);
    const out = await runExperiment({ plan: plan(repo.config), runner: new ReferenceRunner(), runsDir: join(plain, 'runs') });
    assert.equal(out.state, 'finished');
    const p = JSON.parse(readFileSync(join(out.runDir, 'config.json'), 'utf8')).provenance;
    assert.equal(p.workspace, undefined);
    assert.equal(p.host, hostname());
  } finally {
    process.env.PATH = path;
  }
});

test('the lab\'s own commit is reported only when it runs from its own checkout', async () => {
  assert.equal(labRoot(), REPO_ROOT);
  const lab = await labProvenance();
  const head = (() => {
    try {
      return git(REPO_ROOT, 'rev-parse', 'HEAD');
    } catch {
      return undefined;
    }
  })();
  if (head) {
    assert.equal(lab.commit, head);
    assert.equal(typeof lab.dirty, 'boolean');
  } else {
    assert.equal(lab.commit, undefined);
  }
  // A folder without the lab's package.json above it (an unrelated tree) has no lab root.
  const elsewhere = mkdtempSync(join(tmpdir(), 'vsml-prov-nolab-'));
  mkdirSync(join(elsewhere, 'dist'));
  assert.equal(labRoot(join(elsewhere, 'dist')), undefined);
});

test('parseProvenance names the bad field', () => {
  const good = { lab: { version: '0.1.0' }, host: 'h', node: 'v20', platform: 'linux', arch: 'x64', datasets: {}, recordedAt: 't' };
  assert.ok(parseProvenance(good).ok);
  const bad = parseProvenance({ ...good, datasets: { mnist: { source: 's', splits: { test: { examples: 1, sha256: 'xyz' } } } } });
  assert.ok(!bad.ok && /provenance\.datasets\.mnist\.splits\.test\.sha256/.test(bad.error), JSON.stringify(bad));
  const badDirty = parseProvenance({ ...good, workspace: { root: '/r', commit: 'c', dirty: 'yes' } });
  assert.ok(!badDirty.ok && /provenance\.workspace\.dirty/.test(badDirty.error));
});
