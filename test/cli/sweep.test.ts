import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { REPO_ROOT } from '../helpers/paths';
import { processIsAlive } from '../../src/engine/runs/liveness';

const CLI = ['--import', 'tsx', join(REPO_ROOT, 'src/cli/main.ts')];
const vsml = (args: string[]) => {
  const r = spawnSync(process.execPath, [...CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** A random-data config small enough that the reference path runs a meta-step in milliseconds. */
function writeConfig(dir: string, training: Record<string, unknown>): string {
  const file = join(dir, 'tiny.vsml.json');
  writeFileSync(file, JSON.stringify({
    training: { dataset: 'random', episode_length: 4, ...training },
    evaluation: { datasets: ['random'], episode_length: 4, frequency: 100, count: 1 },
    random_dataset: { size: 4, target_count: 2, img_size: [3, 3, 1] },
    model: { sub_rnn: { slow_size: 4, msg_size: 4 } },
    engine: { path: 'reference' },
    baselines: { enabled: false },
  }, null, 2));
  return file;
}

const runFolders = (runs: string): string[] => readdirSync(runs).filter((n) => n !== 'sweeps').sort();
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const jsonLines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l));

test('vsml sweep: a 2x2 grid makes 4 runs with the right overrides, listed together; a rerun skips them; another grid or config is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-sweep-'));
  const cfg = writeConfig(dir, { iterations: 2, population_size: 2 });
  const runs = join(dir, 'runs');
  const args = ['sweep', cfg, '--grid', 'optimizer.lr=0.05,0.1', '--grid', 'training.population_size=2,3', '--parallel', '2', '--runs-dir', runs];
  const r = vsml([...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const lines = jsonLines(r.stdout);
  const summary = lines.pop();
  assert.deepEqual({ ...summary, best: undefined }, {
    type: 'summary', sweep: 'tiny', file: join(runs, 'sweeps', 'tiny.json'), combinations: 4, finished: 4, stopped: 0, failed: 0, running: 0, pending: 0, best: undefined,
  });
  assert.equal(typeof summary.best.value, 'number');
  assert.equal(lines.length, 4);
  const want = [[0.05, 2], [0.05, 3], [0.1, 2], [0.1, 3]];
  for (const line of lines) {
    assert.equal(line.type, 'run');
    assert.equal(line.state, 'finished');
    assert.equal(line.step, 2);
    const [lr, pop] = want[line.index];
    assert.deepEqual(line.combination, { 'optimizer.lr': lr, 'training.population_size': pop });
    // The run is a normal run of the config with the overrides, tagged with its sweep.
    const config = readJson(join(line.dir, 'config.json'));
    assert.equal(config.optimizer.lr, lr);
    assert.equal(config.training.population_size, pop);
    assert.equal(config.training.iterations, 2, 'the rest comes from the config file');
    assert.equal(config.source, cfg);
    assert.deepEqual(config.sweep, { name: 'tiny', sets: [`optimizer.lr=${lr}`, `training.population_size=${pop}`] });
    assert.equal(readJson(join(line.dir, 'status.json')).state, 'finished');
  }
  const folders = runFolders(runs);
  assert.equal(folders.length, 4);
  assert.deepEqual(lines.map((l) => l.runId).sort(), folders);
  // Two at a time on this machine's cores: each run was given floor(cores / 2) threads (at least 1).
  assert.match(r.stderr, /2 at a time with \d+ threads? each/);

  const file = readJson(join(runs, 'sweeps', 'tiny.json'));
  assert.equal(file.config, cfg);
  assert.deepEqual(file.grid, [{ key: 'optimizer.lr', values: ['0.05', '0.1'] }, { key: 'training.population_size', values: ['2', '3'] }]);
  assert.deepEqual(file.combinations.map((c: { state: string }) => c.state), ['finished', 'finished', 'finished', 'finished']);
  assert.deepEqual(file.combinations.map((c: { runId: string }) => c.runId), lines.sort((a, b) => a.index - b.index).map((l) => l.runId));

  // Listed together: vsml runs --sweep shows the 4 runs and the two hyperparameters they differ in.
  const l = vsml(['runs', '--runs-dir', runs, '--sweep', 'tiny', '--json']);
  assert.equal(l.code, 0, l.stderr);
  const listed = jsonLines(l.stdout);
  assert.equal(listed.length, 4);
  for (const x of listed) {
    assert.equal(x.sweep, 'tiny');
    assert.deepEqual(Object.keys(x.params).sort(), ['optimizer.lr', 'training.population_size']);
  }
  assert.equal(vsml(['runs', '--runs-dir', runs, '--sweep', 'other']).stdout, 'no runs\n');

  // The same command again: every combination is finished, nothing runs.
  const again = vsml(args);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /4 combinations, 0 to run/);
  assert.match(again.stdout, /\| 4 +\| optimizer\.lr=0\.1 training\.population_size=3 +\| finished +\| 2\/2 /);
  assert.match(again.stdout, /Best: /);
  assert.deepEqual(runFolders(runs), folders);

  // Another grid or an edited config under the same name is refused, naming the fix; nothing runs.
  const grid = vsml(['sweep', cfg, '--grid', 'optimizer.lr=0.05,0.2', '--grid', 'training.population_size=2,3', '--runs-dir', runs]);
  assert.equal(grid.code, 1);
  assert.match(grid.stderr, /tiny\.json: sweep "tiny" has the grid --grid optimizer\.lr=0\.05,0\.1 --grid training\.population_size=2,3, not --grid optimizer\.lr=0\.05,0\.2/);
  assert.match(grid.stderr, /fix: .*--name NEW/);
  writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('"iterations": 2', '"iterations": 3'));
  const edited = vsml(args);
  assert.equal(edited.code, 1);
  assert.match(edited.stderr, /tiny\.vsml\.json changed since sweep "tiny" started/);
  assert.deepEqual(runFolders(runs), folders);
  assert.deepEqual(readJson(join(runs, 'sweeps', 'tiny.json')), file, 'the sweep file is untouched');
});

test('vsml sweep refuses bad grid keys and values before any run starts, naming the key and the fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-sweep-bad-'));
  const cfg = writeConfig(dir, { iterations: 1, population_size: 2 });
  const runs = join(dir, 'runs');
  const refused = (grid: string[], ...patterns: RegExp[]): string => {
    const r = vsml(['sweep', cfg, ...grid.flatMap((g) => ['--grid', g]), '--runs-dir', runs]);
    assert.equal(r.code, 1, `${grid.join(' ')}: ${r.stderr}`);
    for (const p of patterns) assert.match(r.stderr, p);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack');
    assert.equal(existsSync(runs), false, 'nothing was written');
    return r.stderr;
  };
  // Every problem at once, each named once (not once per combination).
  const both = refused(['optimizer.lrr=0.05,0.1', 'training.population_size=2,0'], /error: --grid: .*unknown config path `optimizer\.lrr`/, /did you mean `optimizer\.lr`/,
    /training\.population_size` must be >= 1, got 0/);
  assert.equal(both.match(/unknown config path/g)?.length, 1);
  // One bad value among good ones is enough to refuse the whole sweep.
  refused(['optimizer.lr=0.05,fast'], /optimizer\.lr` must be a number, got string "fast" \(with optimizer\.lr=fast\)/);
  // Malformed --grid flags and sweep names are refused the same way (test/engine/sweep/grid.test.ts, sweep-file.test.ts).
  const par = vsml(['sweep', cfg, '--grid', 'optimizer.lr=0.1', '--parallel', '0', '--runs-dir', runs]);
  assert.equal(par.code, 1);
  assert.match(par.stderr, /--parallel "0" is not a whole number of at least 1/);
  const missing = vsml(['sweep', '--resume', 'nope', '--runs-dir', runs]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /sweeps\/nope\.json: no sweep named "nope" here/);
  assert.equal(existsSync(runs), false);
});

test('vsml sweep: Ctrl-C stops the runs at a checkpoint, and --resume NAME continues the same runs to the end', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-sweep-int-'));
  const iterations = 20;
  const cfg = writeConfig(dir, { iterations, population_size: 64, episode_length: 16 });
  const runs = join(dir, 'runs');
  const child = spawn(process.execPath, [...CLI, 'sweep', cfg, '--grid', 'optimizer.lr=0.05,0.1', '--parallel', '2', '--runs-dir', runs, '--name', 'int'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  const file = join(runs, 'sweeps', 'int.json');
  // Wait until both runs exist (their trainers print their run folder once their signal handlers are set).
  const deadline = Date.now() + 120_000;
  for (;;) {
    const rec = existsSync(file) ? readJson(file) : undefined;
    if (rec?.combinations.every((c: { runId?: string }) => c.runId)) break;
    assert.ok(Date.now() < deadline, `the runs did not start: ${stderr}`);
    await sleep(50);
  }
  child.kill('SIGINT');
  assert.equal(await exited, 130, stderr);
  const stopped = readJson(file);
  assert.deepEqual(stopped.combinations.map((c: { state: string }) => c.state), ['stopped', 'stopped'], stderr);
  const ids = stopped.combinations.map((c: { runId: string }) => c.runId);
  for (const id of ids) {
    const s = readJson(join(runs, id, 'status.json'));
    assert.equal(s.state, 'stopped');
    assert.ok(s.step < iterations, `run ${id} was stopped before its end (step ${s.step})`);
    assert.equal(processIsAlive(s.pid), false, 'the trainer is gone');
    assert.ok(existsSync(join(runs, id, 'checkpoints', 'latest.json')));
  }
  assert.match(stdout, /0 of 2 finished; `vsml sweep --resume int --runs-dir .*` continues the rest/);

  const r = vsml(['sweep', '--resume', 'int', '--runs-dir', runs, '--parallel', '2', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /2 to run \(2 resumed\)/);
  const lines = jsonLines(r.stdout);
  assert.equal(lines.pop().finished, 2);
  assert.deepEqual(lines.map((l) => l.runId).sort(), [...ids].sort(), 'the same run folders, continued');
  assert.deepEqual(runFolders(runs), [...ids].sort(), 'no new run');
  for (const id of ids) {
    assert.equal(readJson(join(runs, id, 'status.json')).state, 'finished');
    const steps = readFileSync(join(runs, id, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
    assert.deepEqual(steps, Array.from({ length: iterations }, (_, i) => i + 1), 'every meta-step once');
  }
});
