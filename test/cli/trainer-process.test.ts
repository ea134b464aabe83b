import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTrainerMessage, TrainerMessage } from '../../src/protocol/trainer';
import { REPO_ROOT } from '../helpers/paths';

/** A config that trains in about a second on the float64 reference: 4x4 random task, 2 pairs. */
const tinyConfig = (iterations: number) => ({
  name: 'tiny',
  training: { iterations, dataset: 'random', episode_length: 6, population_size: 2 },
  evaluation: { datasets: ['random'], episode_length: 6, frequency: 2, count: 2 },
  random_dataset: { size: 4, target_count: 3, img_size: [2, 2, 1] },
  model: { sub_rnn: { slow_size: 4, msg_size: 3 }, vsml_rnn: { num_micro_ticks: 1 } },
  checkpoint: { frequency: 1 },
  engine: { path: 'reference' },
  baselines: { enabled: false },
});

function startTrainer(args: string[]) {
  const child = fork(join(REPO_ROOT, 'src/cli/trainer-process.ts'), args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const messages: TrainerMessage[] = [];
  const bad: string[] = [];
  child.on('message', (raw) => {
    const p = parseTrainerMessage(raw);
    if (p.ok) messages.push(p.message);
    else bad.push(p.error);
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, messages, bad, exited };
}

const workspace = (cfg: unknown): { dir: string; file: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-trainer-'));
  const file = join(dir, 'tiny.vsml.json');
  writeFileSync(file, JSON.stringify(cfg));
  return { dir, file };
};

test('the trainer process reports a whole run in protocol messages and exits 0', async () => {
  const { dir, file } = workspace(tinyConfig(3));
  const t = startTrainer([file, '--runs-dir', join(dir, 'runs')]);
  assert.equal(await t.exited, 0);
  assert.deepEqual(t.bad, []);
  const types = t.messages.map((m) => m.type);
  assert.equal(types[0], 'run/started');
  assert.equal(types[types.length - 1], 'run/done');
  for (const k of ['metrics/append', 'eval/append', 'run/progress', 'state/snapshot']) assert.ok(types.includes(k as TrainerMessage['type']), `no ${k} in ${types}`);
  const steps = t.messages.flatMap((m) => (m.type === 'metrics/append' ? m.rows.map((r) => r.step) : []));
  assert.deepEqual(steps, [1, 2, 3]);
  const [runId] = readdirSync(join(dir, 'runs'));
  assert.equal(JSON.parse(readFileSync(join(dir, 'runs', runId, 'status.json'), 'utf8')).state, 'finished');
});

test('run/stop checkpoints, marks the run stopped and exits 0', async () => {
  const { dir, file } = workspace(tinyConfig(100000));
  const t = startTrainer([file, '--runs-dir', join(dir, 'runs')]);
  // Stop once: a second send can race the child closing its channel (EPIPE on a loaded machine).
  let stopSent = false;
  t.child.on('message', (m: { type?: string; rows?: { step: number }[] }) => {
    if (m.type === 'metrics/append' && !stopSent && t.child.connected) {
      stopSent = true;
      t.child.send({ type: 'run/stop' });
    }
  });
  assert.equal(await t.exited, 0);
  const done = t.messages.find((m) => m.type === 'run/done');
  assert.equal(done?.type === 'run/done' && done.state, 'stopped');
  const [runId] = readdirSync(join(dir, 'runs'));
  const status = JSON.parse(readFileSync(join(dir, 'runs', runId, 'status.json'), 'utf8'));
  assert.equal(status.state, 'stopped');
  assert.ok(readdirSync(join(dir, 'runs', runId, 'checkpoints')).includes('latest.json'));
});

test('a broken config is reported as run/error naming the field, exit 1, and no run folder', async () => {
  const cfg = tinyConfig(2) as Record<string, any>;
  cfg.model.vsml_rnn.output_idx = 7; // outside a message of size 3
  const { dir, file } = workspace(cfg);
  const t = startTrainer([file, '--runs-dir', join(dir, 'runs')]);
  assert.equal(await t.exited, 1);
  const err = t.messages.find((m) => m.type === 'run/error');
  assert.ok(err && err.type === 'run/error');
  assert.match(err.path ?? '', /output_idx/);
  assert.throws(() => readdirSync(join(dir, 'runs')), /ENOENT/);
});
