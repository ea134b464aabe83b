import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, closeSync, existsSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { speedFromRuns } from '../../../src/engine/runs/speed-from-runs';
import { DEFAULT_SPEED } from '../../../src/extension/diagnostics/cost-hint';

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
  assert.match(speed.source, /measured by run b-big: .* over 2 steps/);
  assert.notEqual(speed.cellTicksPerSecond, DEFAULT_SPEED.cellTicksPerSecond);
});
