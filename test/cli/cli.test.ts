import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { bootId } from '../../src/engine/runs/liveness';
import { encodeIdx } from '../../src/engine/data/idx';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, SHARED_FIXTURES, SHARED_DATA } from '../helpers/paths';
import { parseEvalOutput } from '../../src/protocol/eval-output';
import { encodeJpeg, encodePng, rgba, writeFile as writeImage } from '../helpers/write-images';

/** Runs `vsml ...` from source, as a user would run the bundled CLI. */
function vsml(args: string[], cwd = REPO_ROOT, env: NodeJS.ProcessEnv = process.env): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts'), ...args], { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('vsml fixture replays a golden fixture and prints one JSON line', () => {
  const r = vsml(['fixture', join(SHARED_FIXTURES, 'g_deep_high_gain.json')]);
  assert.equal(r.code, 0, r.stderr);
  const line = JSON.parse(r.stdout.trim());
  assert.equal(line.ok, true);
  assert.ok(line.maxAbsErr.logits < 1e-9);
  assert.deepEqual(Object.keys(line.maxAbsErr).sort(), ['ce', 'finalState', 'logits']);
});

test('vsml fixture exits 1 on a fixture whose expected logits were tampered with', () => {
  const fx = JSON.parse(readFileSync(join(SHARED_FIXTURES, 'a_single_dense.json'), 'utf8'));
  fx.expected.logits.data[2][1] += 1e-3;
  const dir = mkdtempSync(join(tmpdir(), 'vsml-fx-'));
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(fx));
  const r = vsml(['fixture', join(dir, 'bad.json')]);
  assert.equal(r.code, 1);
  const line = JSON.parse(r.stdout.trim());
  assert.equal(line.ok, false);
  assert.ok(Math.abs(line.maxAbsErr.logits - 1e-3) < 1e-9);
});

test('vsml fixture names the file and field of a malformed fixture', () => {
  const fx = JSON.parse(readFileSync(join(SHARED_FIXTURES, 'a_single_dense.json'), 'utf8'));
  fx.config.output_idx = 9;
  const dir = mkdtempSync(join(tmpdir(), 'vsml-fx-'));
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(fx));
  const r = vsml(['fixture', join(dir, 'bad.json')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.json: model\.vsml_rnn\.output_idx: is 9, outside the forward message of size 3/);
  assert.match(r.stderr, /fix: use an index in \[0, 2\]/);
});

test('vsml fixture refuses a config option it does not implement instead of ignoring it', () => {
  const fx = JSON.parse(readFileSync(join(SHARED_FIXTURES, 'a_single_dense.json'), 'utf8'));
  fx.config.conv_kernel = 3;
  const dir = mkdtempSync(join(tmpdir(), 'vsml-fx-'));
  writeFileSync(join(dir, 'conv.json'), JSON.stringify(fx));
  const r = vsml(['fixture', join(dir, 'conv.json')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /conv\.json: config\.conv_kernel: is an option this engine does not implement/);
});

test('vsml train with a broken config prints one error per problem, exits 1 and leaves no run folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-cfg-'));
  writeFileSync(join(dir, 'x.vsml.json'), JSON.stringify({ training: { populaton_size: 4 }, model: { sub_rnn: { msg_size: 1 } } }));
  const r = vsml(['train', join(dir, 'x.vsml.json'), '--runs-dir', join(dir, 'runs')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /populaton_size.*population_size/);
  assert.match(r.stderr, /msg_size/);
  assert.throws(() => readdirSync(join(dir, 'runs')), /ENOENT/);
});

/** Meta-trains a tiny MNIST config (reference path, 4x4 inputs) for `iterations` steps in `dir`/runs. */
function trainTiny(dir: string, iterations: number): ReturnType<typeof vsml> {
  const cfg = {
    training: { iterations, dataset: 'mnist', episode_length: 5, population_size: 2 },
    evaluation: { datasets: ['mnist'], episode_length: 5, frequency: 100, count: 2 },
    data: { preprocess: { resize: [4, 4] } },
    model: { sub_rnn: { slow_size: 4, msg_size: 3 }, vsml_rnn: { num_micro_ticks: 1 } },
    engine: { path: 'reference' },
    baselines: { enabled: false },
  };
  writeFileSync(join(dir, 'tiny.vsml.json'), JSON.stringify(cfg));
  const t = vsml(['train', join(dir, 'tiny.vsml.json'), '--runs-dir', join(dir, 'runs')]);
  assert.equal(t.code, 0, t.stderr);
  return t;
}

test('vsml train, then vsml eval --json on never-seen letters and on an IDX folder of another image size and class count', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-train-'));
  const t = trainTiny(dir, 2);
  assert.match(t.stdout, /Finished at meta-step 2/);
  assert.match(t.stdout, /\| mnist +\| 5 +\| 2 +\| learned LA/);
  const [runId] = readdirSync(join(dir, 'runs'));
  // notMNIST letters: 28x28 IDX, resized by the run's preprocessing.
  const e = vsml(['eval', join(dir, 'runs', runId), '--dataset', `idx:${join(SHARED_DATA, 'notmnist')}`, '--episodes', '2', '--length', '4', '--json', '--no-baselines']);
  assert.equal(e.code, 0, e.stderr);
  // The documented output (docs/contracts.md §4), read with the parser the extension uses.
  const parsedRows = parseEvalOutput(e.stdout);
  assert.ok(parsedRows.ok, parsedRows.ok ? '' : parsedRows.error);
  assert.equal(parsedRows.message.length, 1);
  assert.equal(parsedRows.message[0].methods.learned.curve.length, 4);
  const row = JSON.parse(e.stdout.trim());
  assert.equal(row.length, 4);
  assert.equal(row.episodes, 2);
  for (const m of ['learned', 'untrained']) {
    assert.ok(row.methods[m].meanAccuracy >= 0 && row.methods[m].meanAccuracy <= 1);
    assert.ok(Number.isFinite(row.methods[m].meanLoss));
  }
  // A folder of 10x12 images with 3 classes, written here: V_M runs on the network this data needs.
  const idxDir = join(dir, 'odd');
  mkdirSync(idxDir);
  const n = 30;
  const pixels = new Uint8Array(n * 10 * 12).map((_, i) => (i * 37) % 256);
  const labels = new Uint8Array(n).map((_, i) => i % 3);
  for (const split of ['train', 't10k']) {
    writeFileSync(join(idxDir, `${split}-images-idx3-ubyte`), encodeIdx([n, 10, 12], pixels));
    writeFileSync(join(idxDir, `${split}-labels-idx1-ubyte`), encodeIdx([n], labels));
  }
  const odd = vsml(['eval', join(dir, 'runs', runId), '--dataset', `idx:${idxDir}`, '--episodes', '2', '--length', '6', '--json']);
  assert.equal(odd.code, 0, odd.stderr);
  const oddParsed = parseEvalOutput(odd.stdout);
  assert.ok(oddParsed.ok, oddParsed.ok ? '' : oddParsed.error);
  const oddRow = JSON.parse(odd.stdout.trim());
  assert.deepEqual(Object.keys(oddRow.methods).sort(), ['adam', 'learned', 'sgd', 'untrained']);
  assert.ok(oddRow.methods.adam.lr > 0);
});

test('vsml eval --dataset images:<dir> and csv:<file> on data written here, and their errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-own-'));
  trainTiny(dir, 1);
  const run = join(dir, 'runs', readdirSync(join(dir, 'runs'))[0]);

  // Three classes of 12x12 images, PNG and JPEG mixed, one of another size.
  const imgs = join(dir, 'shapes');
  ['bar', 'dot', 'frame'].forEach((cls, k) => {
    for (let i = 0; i < 6; i++) {
      const px = rgba(12, 12, (r, c) => {
        const on = k === 0 ? c === 3 + i : k === 1 ? Math.abs(r - 6) + Math.abs(c - i - 3) < 3 : r === 0 || c === 0 || r === 11 || c === 11;
        return on ? [255, 255, 255, 255] : [i * 5, i * 5, i * 5, 255];
      });
      writeImage(join(imgs, cls, `${i}.${i % 2 ? 'jpg' : 'png'}`), i % 2 ? encodeJpeg(12, 12, px) : encodePng(12, 12, px));
    }
  });
  writeImage(join(imgs, 'dot', 'big.png'), encodePng(24, 24, rgba(24, 24, () => [255, 255, 255, 255])));
  const e = vsml(['eval', run, '--dataset', `images:${imgs}`, '--episodes', '2', '--length', '6']);
  assert.equal(e.code, 0, e.stderr);
  assert.match(e.stdout, /\| images:.*shapes +\| 6 +\| 2 +\| learned LA +\| [\d.]+%/);
  assert.match(e.stdout, /online Adam/);
  assert.match(e.stdout, /images:.*shapes: 19 images in .*shapes \(3 classes: bar, dot, frame; 12x12 grayscale, 1 resized to it; 16 train \/ 3 test\)\n/);

  // A pixel CSV with a header (label by name) and a CSV of string labels and real features without one.
  const lines = ['pixel0,pixel1,pixel2,pixel3,pixel4,pixel5,pixel6,pixel7,pixel8,label'];
  for (let i = 0; i < 30; i++) lines.push([...Array.from({ length: 9 }, (_, q) => ((q + i) * 29) % 256), i % 3].join(','));
  writeFileSync(join(dir, 'pixels.csv'), `${lines.join('\n')}\n`);
  const feats = Array.from({ length: 24 }, (_, i) => `${['"iris, setosa"', 'versicolor'][i % 2]},${(i * 0.37).toFixed(2)},${-i},${i % 5}`);
  writeFileSync(join(dir, 'iris.csv'), feats.join('\r\n'));
  const c = vsml(['eval', run, '--dataset', `csv:${join(dir, 'pixels.csv')}`, '--dataset', `csv:${join(dir, 'iris.csv')}`, '--episodes', '2', '--length', '6', '--json']);
  assert.equal(c.code, 0, c.stderr);
  const rows = c.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((r) => r.dataset), [`csv:${join(dir, 'pixels.csv')}`, `csv:${join(dir, 'iris.csv')}`]);
  for (const r of rows) {
    assert.deepEqual(Object.keys(r.methods).sort(), ['adam', 'learned', 'sgd', 'untrained']);
    for (const m of Object.values(r.methods) as { meanAccuracy: number; meanLoss: number }[]) {
      assert.ok(m.meanAccuracy >= 0 && m.meanAccuracy <= 1 && Number.isFinite(m.meanLoss));
    }
  }

  // Errors name the file and the bad image, row or column; exit 1.
  writeImage(join(imgs, 'frame', 'broken.png'), encodePng(12, 12, rgba(12, 12, () => [0, 0, 0, 255])).subarray(0, 50));
  const bad = vsml(['eval', run, '--dataset', `images:${imgs}`, '--episodes', '1', '--length', '2', '--no-baselines']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, new RegExp(`${join(imgs, 'frame', 'broken.png').replace(/[.\\/]/g, '\\$&')}: is a corrupt or unsupported PNG`));
  writeFileSync(join(dir, 'ragged.csv'), 'label,a,b\n0,1,2\n1,2\n');
  const ragged = vsml(['eval', run, '--dataset', `csv:${join(dir, 'ragged.csv')}`, '--episodes', '1', '--length', '2', '--no-baselines']);
  assert.equal(ragged.code, 1);
  assert.match(ragged.stderr, /ragged\.csv: line 3 has 2 cells, but line 1 has 3/);
  assert.match(ragged.stderr, /fix: give every row the same columns/);
});

test('vsml train with truncated ES and two evaluation lengths, then vsml eval at two lengths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-trunc-'));
  const cfg = {
    training: { iterations: 3, dataset: 'mnist', episode_length: 6, population_size: 2 },
    evaluation: { datasets: ['mnist'], lengths: [3, 5], frequency: 100, count: 2 },
    optimizer: { truncation: 2, estimator: 'pes' },
    data: { preprocess: { resize: [4, 4] } },
    model: { sub_rnn: { slow_size: 4, msg_size: 3 }, vsml_rnn: { num_micro_ticks: 1, backward_pass: true } },
    engine: { path: 'reference' },
    baselines: { enabled: false },
  };
  writeFileSync(join(dir, 'trunc.vsml.json'), JSON.stringify(cfg));
  const t = vsml(['train', join(dir, 'trunc.vsml.json'), '--runs-dir', join(dir, 'runs')]);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /\| mnist +\| 3 +\| 2 +\| learned LA/);
  assert.match(t.stdout, /\| mnist +\| 5 +\| 2 +\| learned LA/);
  const [runId] = readdirSync(join(dir, 'runs'));
  const ckpt = JSON.parse(readFileSync(join(dir, 'runs', runId, 'checkpoints', 'latest.json'), 'utf8'));
  assert.equal(ckpt.metaOptimizer.extra.particles.length, 2);
  const e = vsml(['eval', join(dir, 'runs', runId), '--episodes', '2', '--length', '4', '--length', '7', '--json', '--no-baselines']);
  assert.equal(e.code, 0, e.stderr);
  assert.deepEqual(e.stdout.trim().split('\n').map((l) => JSON.parse(l).length), [4, 7]);
  // Without --length: the run's evaluation.lengths.
  const d = vsml(['eval', join(dir, 'runs', runId), '--episodes', '1', '--json', '--no-baselines']);
  assert.deepEqual(d.stdout.trim().split('\n').map((l) => JSON.parse(l).length), [3, 5]);
});

test('vsml datasets list shows the embedded MNIST and the generated tasks as available', () => {
  const r = vsml(['datasets', 'list', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const byName = new Map(rows.map((x) => [x.name, x]));
  assert.equal(byName.get('mnist')?.available, true);
  assert.equal(byName.get('random')?.available, true);
  assert.equal(byName.get('sum')?.available, true);
});

test('unknown commands and missing arguments are usage errors (exit 2)', () => {
  assert.equal(vsml(['frobnicate']).code, 2);
  assert.equal(vsml(['eval']).code, 2);
});

test('vsml train --resume is refused on a live run (its lock held by a live process) and on a run folder holding a planted link', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-resume-'));
  const cfg = {
    training: { iterations: 2, dataset: 'random', episode_length: 4, population_size: 2 },
    evaluation: { datasets: ['random'], episode_length: 4, frequency: 100, count: 1 },
    random_dataset: { size: 4, target_count: 2, img_size: [3, 3, 1] },
    model: { sub_rnn: { slow_size: 4, msg_size: 4 } },
    engine: { path: 'reference' },
    baselines: { enabled: false },
  };
  writeFileSync(join(dir, 'tiny.vsml.json'), JSON.stringify(cfg));
  const t = vsml(['train', join(dir, 'tiny.vsml.json'), '--runs-dir', join(dir, 'runs')]);
  assert.equal(t.code, 0, t.stderr);
  const run = join(dir, 'runs', readdirSync(join(dir, 'runs'))[0]);
  const status = readFileSync(join(run, 'status.json'), 'utf8');
  // This test process is alive on this machine: its lock is live.
  const now = new Date().toISOString();
  writeFileSync(join(run, 'run.lock'), JSON.stringify({ host: hostname(), pid: process.pid, ...(bootId() ? { bootId: bootId() } : {}), startedAt: now, heartbeatAt: now }));
  const live = vsml(['train', '--resume', run]);
  assert.equal(live.code, 1);
  assert.match(live.stderr, new RegExp(`run\\.lock: is being trained by process ${process.pid} on `));
  assert.doesNotMatch(live.stderr, /\n\s+at /, 'no stack');
  assert.equal(readFileSync(join(run, 'status.json'), 'utf8'), status, 'nothing written');
  rmSync(join(run, 'run.lock'));
  writeFileSync(join(dir, 'victim'), 'precious');
  symlinkSync(join(dir, 'victim'), join(run, 'eval.jsonl.before-resume'));
  const linked = vsml(['train', '--resume', run]);
  assert.equal(linked.code, 1);
  assert.match(linked.stderr, /eval\.jsonl\.before-resume: is a symbolic link/);
  assert.equal(readFileSync(join(dir, 'victim'), 'utf8'), 'precious');
});

test('vsml check: validation and the cost estimate, no run started; --json for tools; exit 1 on errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-check-'));
  const r = vsml(['check', 'examples/default.vsml.json', '--runs-dir', join(dir, 'runs')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /default\.vsml\.json: ok \(no run started\)/);
  assert.match(r.stdout, /meta-step +128 rollouts × 49\.0 k cell-ticks = 6\.27 M cell-ticks/);
  assert.match(r.stdout, /run +\d+ meta-steps: .*, ~.* \(assumed 5 M cell-ticks\/s: no run measured yet\)$/m);
  assert.match(r.stdout, /speed +5\.00 M cell-ticks\/s, assumed 5 M cell-ticks\/s: no run measured yet/);
  assert.match(r.stdout, /memory +about [\d.]+ MiB at peak/);
  const j = vsml(['check', 'examples/default.vsml.json', '--json', '--set', 'training.population_size=32', '--runs-dir', join(dir, 'runs')]);
  assert.equal(j.code, 0, j.stderr);
  const report = JSON.parse(j.stdout);
  assert.equal(report.ok, true);
  assert.equal(report.cost.workPerStep, 64 * 490 * 2 * 50);
  assert.ok(report.memory.peakBytes > 1e6);
  assert.equal(report.speed.measured, false);
  assert.ok(Math.abs(report.seconds.perStep - report.cost.workPerStep / 5e6) < 1e-9);
  assert.throws(() => readdirSync(join(dir, 'runs')), /ENOENT/);

  const bad = vsml(['check', 'examples/default.vsml.json', '--set', 'model.sub_rnn.slow_size=100000', '--set', 'seed=-1']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^error: .*default\.vsml\.json: `seed` must be >= 0/m);
  const badJson = vsml(['check', 'examples/default.vsml.json', '--json', '--set', 'model.sub_rnn.slow_size=100000']);
  assert.equal(badJson.code, 1);
  assert.deepEqual(JSON.parse(badJson.stdout).issues.map((i: { code: string; path: string }) => [i.code, i.path]), [['too-large', 'model.sub_rnn.slow_size']]);
});

test('vsml check prices a baseline in multiply-adds and backprop forward+backward with its tape; vsml compare --dry-run sizes a suite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-check-kinds-'));
  const runs = ['--runs-dir', join(dir, 'runs')];
  const m = vsml(['check', 'examples/default.vsml.json', '--set', 'model.type=MetaRNN', '--set', 'model.meta_rnn.slow_size=32', ...runs]);
  assert.equal(m.code, 0, m.stderr);
  assert.match(m.stdout, /network +MetaRNN 49 inputs → 10 outputs \(H 32, 2 micro ticks\): 17\.3 k multiply-adds per inner step/);
  assert.match(m.stdout, /meta-step +128 rollouts × 867 k multiply-adds = 111 M multiply-adds/);
  assert.match(m.stdout, /\(assumed 350 M multiply-adds\/s: no MetaRNN run measured yet\)$/m);
  assert.doesNotMatch(m.stdout.split('  engine ')[0], /cell/); // the engine line's path choice is VSML's
  const b = vsml(['check', 'examples/default.vsml.json', '--set', 'optimizer.type=backprop', '--set', 'optimizer.meta_batch_size=2', '--set', 'engine.gradient=tfjs', ...runs]);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /meta-step +2 episodes × 49\.0 k cell-ticks forward\+backward = 98\.0 k cell-ticks forward\+backward/);
  assert.match(b.stdout, /meta-steps assumed 150 k cell-ticks\/s forward\+backward: no backprop run on tfjs measured yet; evaluations assumed 5 M cell-ticks\/s: no run measured yet/);
  assert.match(b.stdout, /the gradient tape of a whole 50-step episode \(TensorFlow\.js autodiff tensors/);
  const d = vsml(['compare', 'examples/compare-cpu.suite.json', '--dry-run', ...runs]);
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stdout, /^compare-cpu: 10 cells, estimated ~\d+ min on this machine plus 2 SGD\/Adam cells \(not priced\) \(dry run: nothing computed\)$/m);
  assert.match(d.stdout, /^ {2}metarnn__mnist__s1 +400 meta-steps × 111 M multiply-adds, then 16 episodes × 5 datasets/m);
  assert.match(d.stdout, /^ {2}HebbianFW 140 M multiply-adds\/s, assumed/m);
  assert.throws(() => readdirSync(join(dir, 'runs')), /ENOENT/);
});

test('a missing evaluation dataset is dropped with a warning (printed and in trainer.log); a missing training dataset is an error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-missing-'));
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  const env = { ...process.env, VSML_DATA_DIR: empty };
  const cfg = {
    training: { iterations: 1, dataset: 'mnist', episode_length: 4, population_size: 1 },
    evaluation: { datasets: ['mnist', `idx:${empty}`, 'kmnist'], episode_length: 4, frequency: 100, count: 1 },
    data: { preprocess: { resize: [4, 4] } },
    model: { sub_rnn: { slow_size: 4, msg_size: 3 }, vsml_rnn: { num_micro_ticks: 1 } },
    engine: { path: 'reference' },
    baselines: { enabled: false },
  };
  writeFileSync(join(dir, 'x.vsml.json'), JSON.stringify(cfg));
  const t = vsml(['train', join(dir, 'x.vsml.json'), '--runs-dir', join(dir, 'runs')], REPO_ROOT, env);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stderr, /^\S*x\.vsml\.json: evaluation\.datasets\[1\]: warning: evaluation dataset "idx:.*empty" is not available: .*; evaluations leave it out/m);
  assert.match(t.stderr, /^\S*x\.vsml\.json: evaluation\.datasets\[2\]: warning: evaluation dataset "kmnist" is not available/m);
  const [runId] = readdirSync(join(dir, 'runs'));
  const log = readFileSync(join(dir, 'runs', runId, 'trainer.log'), 'utf8');
  assert.match(log, / warn \S*x\.vsml\.json: evaluation\.datasets\[2\]: warning: evaluation dataset "kmnist" is not available/);
  const evals = readFileSync(join(dir, 'runs', runId, 'eval.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).dataset);
  assert.deepEqual([...new Set(evals)], ['mnist']);

  writeFileSync(join(dir, 'y.vsml.json'), JSON.stringify({ ...cfg, training: { ...cfg.training, dataset: `idx:${empty}` } }));
  const y = vsml(['train', join(dir, 'y.vsml.json'), '--runs-dir', join(dir, 'runs-y')], REPO_ROOT, env);
  assert.equal(y.code, 1);
  assert.match(y.stderr, /^error: .*y\.vsml\.json: training\.dataset: dataset "idx:.*empty" is not available/m);
  assert.throws(() => readdirSync(join(dir, 'runs-y')), /ENOENT/);
});

test('vsml eval --record appends the results to the run\'s eval.jsonl (source, checkpoint step, time), logs it, and export --csv --eval shows them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-record-'));
  trainTiny(dir, 2);
  const [runId] = readdirSync(join(dir, 'runs'));
  const run = join(dir, 'runs', runId);
  const before = readFileSync(join(run, 'eval.jsonl'), 'utf8').trim().split('\n');
  const r = vsml(['eval', run, '--dataset', 'mnist', '--episodes', '1', '--length', '3', '--no-baselines', '--record']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /recorded 1 evaluation row in .*eval\.jsonl/);
  const lines = readFileSync(join(run, 'eval.jsonl'), 'utf8').trim().split('\n');
  assert.deepEqual(lines.slice(0, before.length), before); // the trainer's rows untouched
  assert.equal(lines.length, before.length + 1);
  const rec = JSON.parse(lines.at(-1)!);
  assert.equal(rec.source, 'cli');
  assert.equal(rec.step, 2); // the checkpoint's meta-step
  assert.equal(rec.dataset, 'mnist');
  assert.equal(rec.length, 3);
  assert.ok(Math.abs(Date.parse(rec.recordedAt) - Date.now()) < 10 * 60_000);
  assert.equal(rec.methods.learned.curve.length, 3);
  assert.match(readFileSync(join(run, 'trainer.log'), 'utf8'), /info evaluation from the cli recorded in eval\.jsonl: checkpoint step 2, mnist \(T=3\)/);
  const csv = vsml(['export', run, '--csv', '--eval']);
  assert.equal(csv.code, 0, csv.stderr);
  const [head, ...rows] = csv.stdout.trim().split('\n');
  const cols = head.split(',');
  assert.ok(cols.includes('source'), head);
  assert.equal(rows.filter((l) => l.split(',')[cols.indexOf('source')] === 'cli').length, 2); // learned + untrained

  // A checkpoint copied out of its run folder has no eval.jsonl to record to: refused before evaluating.
  writeFileSync(join(dir, 'lone.json'), readFileSync(join(run, 'checkpoints', 'latest.json')));
  const lone = vsml(['eval', join(dir, 'lone.json'), '--dataset', 'mnist', '--record']);
  assert.equal(lone.code, 1);
  assert.match(lone.stderr, /checkpoint outside a run folder/);
  const badSource = vsml(['eval', run, '--record', '--record-source', 'robot']);
  assert.equal(badSource.code, 1);
  assert.match(badSource.stderr, /--record-source/);
});

test('engine.path auto: vsml check and the run measure the paths once per machine (remembered in the cache folder) and say which was chosen and why', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-auto-'));
  const env = { ...process.env, XDG_CACHE_HOME: join(dir, 'cache') };
  const cfg = {
    training: { iterations: 1, dataset: 'mnist', episode_length: 4, population_size: 2 },
    evaluation: { datasets: ['mnist'], episode_length: 4, frequency: 100, count: 1 },
    data: { preprocess: { resize: [4, 4] } },
    model: { sub_rnn: { slow_size: 4, msg_size: 3 }, vsml_rnn: { num_micro_ticks: 1 } },
    engine: { path: 'auto', threads: 1 },
    baselines: { enabled: false },
  };
  writeFileSync(join(dir, 'a.vsml.json'), JSON.stringify(cfg));
  const c = vsml(['check', join(dir, 'a.vsml.json'), '--runs-dir', join(dir, 'runs')], REPO_ROOT, env);
  assert.equal(c.code, 0, c.stderr);
  const chose = /engine\.path auto chose (fused-native|fused-wasm-relaxed|fused-wasm-simd128|tfjs) \([\w-]+\): [\d.]+ [Mk] cell-ticks\/s vs .* \(measured \d{4}-\d\d-\d\d\)/;
  assert.match(c.stdout, chose);
  assert.ok(readFileSync(join(dir, 'cache', 'vsml-lab', 'engine-paths.json'), 'utf8').includes('"chosen"'));
  // The run takes the remembered choice and records it in trainer.log.
  const t = vsml(['train', join(dir, 'a.vsml.json'), '--runs-dir', join(dir, 'runs')], REPO_ROOT, env);
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stderr, /engine\.path auto chose .*, cached\)/);
  const [runId] = readdirSync(join(dir, 'runs'));
  assert.match(readFileSync(join(dir, 'runs', runId, 'trainer.log'), 'utf8'), / info engine\.path auto chose .*, cached\)/);
});
