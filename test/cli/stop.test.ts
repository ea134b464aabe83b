/**
 * `vsml stop`: a training started from the CLI in a child process is stopped through the stop
 * request file (not a signal): it checkpoints the last finished step, says `stopped`, removes the
 * request, and the training command itself ends normally.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths';

const CLI = join(REPO_ROOT, 'src/cli/main.ts');
const vsml = (args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Random 3x3 inputs, 2 antithetic pairs, float64 reference path: a step takes milliseconds; 10^6 of them never end on their own. */
const endless = {
  name: 'endless',
  training: { dataset: 'random', episode_length: 8, iterations: 1_000_000, population_size: 2 },
  evaluation: { datasets: ['random'], episode_length: 8, frequency: 1_000_000, count: 1 },
  random_dataset: { size: 4, target_count: 2, img_size: [3, 3, 1] },
  model: { sub_rnn: { msg_size: 4, slow_size: 4 } },
  baselines: { enabled: false },
  checkpoint: { frequency: 1_000_000 },
  engine: { path: 'reference', threads: 1 },
};

test('vsml stop stops a CLI-started training through stop-request.json: checkpoint, state stopped, request removed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-stop-'));
  const runs = join(dir, 'runs');
  writeFileSync(join(dir, 'endless.vsml.json'), JSON.stringify(endless));
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'train', join(dir, 'endless.vsml.json'), '--runs-dir', runs], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

  // Wait until the run is training (a few meta-steps done).
  let runDir = '';
  for (let i = 0; ; i++) {
    assert.ok(i < 600 && child.exitCode === null, `training did not start: ${stderr}`);
    const id = existsSync(runs) ? readdirSync(runs)[0] : undefined;
    const status = id && existsSync(join(runs, id, 'status.json')) ? JSON.parse(readFileSync(join(runs, id, 'status.json'), 'utf8')) : undefined;
    if (status?.state === 'running' && status.step >= 3) {
      runDir = join(runs, id!);
      break;
    }
    await sleep(100);
  }
  const runId = runDir.split('/').pop()!;

  // By id under --runs-dir, waiting for the trainer to answer.
  const stop = vsml(['stop', runId, '--runs-dir', runs, '--wait']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, new RegExp(`stop requested for ${runId} \\(trainer: process ${child.pid} on `));
  assert.match(stop.stdout, /: stopped at meta-step \d+/);
  assert.equal(await exited, 0, stderr);
  assert.match(stdout, /Stopped at meta-step (\d+)/);

  const status = JSON.parse(readFileSync(join(runDir, 'status.json'), 'utf8'));
  assert.equal(status.state, 'stopped');
  assert.ok(status.step >= 3 && status.step < 1_000_000);
  assert.equal(JSON.parse(readFileSync(join(runDir, 'checkpoints', 'latest.json'), 'utf8')).step, status.step);
  const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
  assert.equal(JSON.parse(lines[lines.length - 1]).step, status.step);
  assert.equal(existsSync(join(runDir, 'stop-request.json')), false);
  assert.equal(existsSync(join(runDir, 'run.lock')), false);
  assert.match(readFileSync(join(runDir, 'trainer.log'), 'utf8'), /info stop requested by vsml stop \(.* pid \d+\) at /);

  // A run that is not running is not asked again, and nothing is written.
  const again = vsml(['stop', runDir]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /is not running \(state stopped\); nothing to stop/);
  assert.equal(existsSync(join(runDir, 'stop-request.json')), false);
  const none = vsml(['stop', 'no-such-run', '--runs-dir', runs]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no-such-run: does not exist/);
  assert.equal(vsml(['stop']).code, 2);
});
