/**
 * The extension's trainer client against the real bundled trainer (dist/trainer.js, built by
 * `npm test` before the tests run): a run finishes; a stop request checkpoints and stops; a SIGKILL
 * mid-run leaves a `failed` run (written back by the host) with its metrics intact.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainerMessage } from '../../../src/protocol/trainer';
import { markRunFailed } from '../../../src/extension/runs/mark-failed';
import { nodeFork } from '../../../src/extension/trainer/node-fork';
import { TrainerProcess } from '../../../src/extension/trainer/trainer-process';
import { REPO_ROOT } from '../../helpers/paths';

const TRAINER = join(REPO_ROOT, 'dist', 'trainer.js');

const config = (iterations: number): string => JSON.stringify({
  name: 'it',
  training: { dataset: 'random', episode_length: 8, iterations, population_size: 2 },
  evaluation: { datasets: ['random'], episode_length: 8, frequency: iterations, count: 1 },
  random_dataset: { size: 4, target_count: 2, img_size: [3, 3, 1] },
  model: { sub_rnn: { msg_size: 4, slow_size: 4 } },
  baselines: { enabled: false },
  checkpoint: { frequency: 50 },
  engine: { path: 'reference', threads: 1 },
});

function start(iterations: number) {
  assert.ok(existsSync(TRAINER), `${TRAINER} is missing: run \`npm run build\` (npm test does)`);
  const dir = mkdtempSync(join(tmpdir(), 'vsml-real-trainer-'));
  writeFileSync(join(dir, 'it.vsml.json'), config(iterations));
  const messages: TrainerMessage[] = [];
  const logs: string[] = [];
  const proc = new TrainerProcess({
    trainerPath: TRAINER, args: [join(dir, 'it.vsml.json'), '--runs-dir', join(dir, 'runs')], cwd: dir, fork: nodeFork,
    log: (l, line) => logs.push(`${l}: ${line}`), onMessage: (m) => messages.push(m), graceMs: 10_000,
  });
  proc.start();
  return { dir, messages, logs, proc, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function untilStep(t: ReturnType<typeof start>, step: number): Promise<void> {
  const end = Date.now() + 30_000;
  while (!t.messages.some((m) => m.type === 'run/progress' && m.step >= step)) {
    assert.ok(Date.now() < end, `no progress to step ${step}: ${t.logs.join('\n')}`);
    assert.ok(t.proc.status === 'starting' || t.proc.status === 'running', `trainer ended early: ${t.logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const statusOf = (runDir: string): { state: string; step: number; error?: string } => JSON.parse(readFileSync(join(runDir, 'status.json'), 'utf8'));

describe('the real trainer (dist/trainer.js)', () => {
  it('finishes a tiny run and every message it sends parses', async () => {
    const t = start(3);
    try {
      const exit = await t.proc.exited;
      assert.equal(exit.status, 'exited', t.logs.join('\n'));
      assert.equal(exit.done, 'finished');
      assert.deepEqual([...new Set(t.messages.map((m) => m.type))].filter((x) => x.startsWith('run/')), ['run/started', 'run/progress', 'run/done']);
      assert.ok(!t.logs.some((l) => /dropped a trainer message/.test(l)), t.logs.join('\n'));
      assert.equal(statusOf(t.proc.runDir!).state, 'finished');
    } finally {
      t.cleanup();
    }
  });

  it('stops on request with a checkpoint', async () => {
    const t = start(100_000);
    try {
      await untilStep(t, 3);
      const exit = await t.proc.stop();
      assert.equal(exit.status, 'exited', t.logs.join('\n'));
      assert.equal(exit.done, 'stopped');
      assert.equal(statusOf(t.proc.runDir!).state, 'stopped');
      assert.ok(existsSync(join(t.proc.runDir!, 'checkpoints', 'latest.json')));
    } finally {
      t.cleanup();
    }
  });

  it('a SIGKILL mid-run leaves a failed run with its metrics intact', async () => {
    const t = start(100_000);
    try {
      await untilStep(t, 3);
      const runDir = t.proc.runDir!;
      const before = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8');
      process.kill(t.proc.pid!, 'SIGKILL');
      const exit = await t.proc.exited;
      assert.equal(exit.status, 'crashed');
      assert.match(exit.reason ?? '', /killed by SIGKILL/);
      assert.equal(statusOf(runDir).state, 'running', 'the engine could not write anything: the host must');
      await markRunFailed(runDir, exit.reason!, { trusted: true });
      const s = statusOf(runDir);
      assert.equal(s.state, 'failed');
      assert.match(s.error ?? '', /SIGKILL/);
      const after = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8');
      assert.ok(after.startsWith(before) && before.split('\n').filter(Boolean).length >= 3, 'metrics kept');
      for (const line of after.split('\n').filter(Boolean)) JSON.parse(line); // no torn line at a line boundary kill
    } finally {
      t.cleanup();
    }
  });
});
