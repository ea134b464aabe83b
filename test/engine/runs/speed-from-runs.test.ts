import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { speedFromRuns, speedsFromRuns } from '../../../src/engine/runs/speed-from-runs';
import { DEFAULT_SPEED, DEFAULT_SPEEDS } from '../../../src/extension/diagnostics/cost-hint';

test('the cost lens speed never follows links and reads only the tail of a 100 MB metrics file', { skip: !existsSync('/dev/zero') }, async () => {
  const runs = mkdtempSync(join(tmpdir(), 'vsml-speed-'));
  const zero = join(runs, 'a-zero');
  mkdirSync(zero);
  for (const f of ['status.json', 'config.json', 'metrics.jsonl']) symlinkSync('/dev/zero', join(zero, f));
  const big = join(runs, 'b-big');
  mkdirSync(big);
  writeFileSync(join(big, 'config.json'), '{}');
  const fd = openSync(join(big, 'metrics.jsonl'), 'w');
  ftruncateSync(fd, 100 * 1024 * 1024);
  closeSync(fd);
  appendFileSync(join(big, 'metrics.jsonl'), '\n{"step":1,"stepSeconds":0.5}\n{"step":2,"stepSeconds":0.5}\n');
  const rss = process.memoryUsage().rss;
  const t0 = performance.now();
  const speed = await speedFromRuns(runs);
  const ms = performance.now() - t0;
  assert.ok(ms < 5000, `took ${ms} ms`);
  assert.ok(process.memoryUsage().rss - rss < 30 * 1024 * 1024, 'the 100 MB file was not read whole');
  // The linked run is skipped; the big run's speed comes from the two rows at its end.
  assert.equal(speed.measured, true);
  assert.match(speed.source, /measured by run b-big on this machine: .* over 2 steps/);
  assert.notEqual(speed.perSecond, DEFAULT_SPEED.perSecond);
});

test('the speed comes from the newest run of this machine, and says so; other hosts\' runs are skipped', async () => {
  const runs = mkdtempSync(join(tmpdir(), 'vsml-speed-host-'));
  const here = { host: 'this-box', isAlive: () => false, now: () => new Date('2026-12-01T12:00:00Z') };
  const writeRun = (id: string, host: string | undefined, startedAt: string, stepSeconds: number): void => {
    mkdirSync(join(runs, id));
    writeFileSync(join(runs, id, 'config.json'), '{}');
    writeFileSync(join(runs, id, 'status.json'), JSON.stringify({
      state: 'finished', runId: id, name: 'x', source: 'x.vsml.json', pid: 1, ...(host ? { host } : {}), startedAt, updatedAt: startedAt,
      step: 3, totalSteps: 3, elapsedSeconds: 3, runner: { path: 'fused', backend: 'native-avx2', threads: 2 },
    }));
    writeFileSync(join(runs, id, 'metrics.jsonl'), [1, 2, 3].map((step) => `${JSON.stringify({ step, stepSeconds })}\n`).join(''));
  };
  writeRun('c-cluster', 'other-box', '2026-12-01T11:00:00Z', 0.1);
  writeRun('b-local', 'this-box', '2026-12-01T10:00:00Z', 2);
  writeRun('a-old', undefined, '2026-12-01T09:00:00Z', 4);
  const speed = await speedFromRuns(runs, here);
  assert.equal(speed.measured, true);
  assert.equal(speed.origin, 'measured by run b-local on this machine');
  assert.match(speed.source, /^measured by run b-local on this machine \(fused\/native-avx2, 2 thread\(s\)\): .* in a median 2\.00 s over 3 steps$/);

  // Runs written before status.json named the host count as local; none at all: the assumed speed, said so.
  const older = mkdtempSync(join(tmpdir(), 'vsml-speed-old-'));
  assert.equal((await speedFromRuns(older, here)).origin, 'assumed 5 M cell-ticks/s: no run measured yet');
  assert.deepEqual(await speedFromRuns(older, here), DEFAULT_SPEED);
  mkdirSync(join(older, 'a-old'));
  writeFileSync(join(older, 'a-old', 'config.json'), '{}');
  writeFileSync(join(older, 'a-old', 'metrics.jsonl'), '{"step":1,"stepSeconds":4}\n{"step":2,"stepSeconds":4}\n');
  assert.equal((await speedFromRuns(older, here)).origin, 'measured by run a-old on this machine');
});

test('each kind of work has its own speed: a backprop or baseline run does not price VSML\'s forward episodes', async () => {
  const runs = mkdtempSync(join(tmpdir(), 'vsml-speed-kinds-'));
  const here = { host: 'this-box', isAlive: () => false, now: () => new Date('2026-12-01T12:00:00Z') };
  const writeRun = (id: string, config: object, startedAt: string, stepSeconds: number): void => {
    mkdirSync(join(runs, id));
    writeFileSync(join(runs, id, 'config.json'), JSON.stringify(config));
    writeFileSync(join(runs, id, 'status.json'), JSON.stringify({
      state: 'finished', runId: id, name: 'x', source: 'x.vsml.json', pid: 1, host: 'this-box', startedAt, updatedAt: startedAt,
      step: 3, totalSteps: 3, elapsedSeconds: 3,
    }));
    writeFileSync(join(runs, id, 'metrics.jsonl'), [1, 2, 3].map((step) => `${JSON.stringify({ step, stepSeconds })}\n`).join(''));
  };
  writeRun('d-clone', { kind: 'clone', optimizer: { type: 'backprop' } }, '2026-12-01T11:30:00Z', 0.001); // a clone's supervised updates are no meta-steps
  writeRun('c-metarnn', { model: { type: 'MetaRNN' } }, '2026-12-01T11:00:00Z', 3);
  writeRun('b-backprop', { optimizer: { type: 'backprop' } }, '2026-12-01T10:00:00Z', 2);
  writeRun('a-es', {}, '2026-12-01T09:00:00Z', 1);
  const s = await speedsFromRuns(runs, ['vsml', 'vsml-backprop-native', 'metarnn', 'fwm'], here);
  assert.equal(s.vsml!.origin, 'measured by run a-es on this machine');
  assert.equal(s['vsml-backprop-native']!.origin, 'measured by run b-backprop on this machine');
  assert.equal(s.metarnn!.origin, 'measured by run c-metarnn on this machine');
  assert.equal(s.metarnn!.unit, 'multiply-adds');
  assert.match(s.metarnn!.source, /multiply-adds per step in a median 3\.00 s over 3 steps$/);
  assert.deepEqual(s.fwm, DEFAULT_SPEEDS.fwm);
  assert.equal(s.fwm!.origin, 'assumed 200 M multiply-adds/s: no FWMemory run measured yet');
  // the default kind is VSML's forward speed, whatever ran last
  assert.equal((await speedFromRuns(runs, here)).origin, 'measured by run a-es on this machine');
});
