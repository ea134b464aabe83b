import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJsonlRows, streamJsonl } from '../../../src/engine/runs/jsonl-stream';
import { type MetricsRow, parseMetricsRow } from '../../../src/protocol/run-records';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'vsml-jsonl-'));
const row = (step: number, note = ''): string =>
  JSON.stringify({ step, time: step, metaLoss: 1, lossPos: null, lossNeg: null, trainAccuracy: null, gradNorm: null, thetaNorm: null, stepSeconds: 1, ...(note ? { note } : {}) });
const steps = async (file: string, offset = 0): Promise<{ steps: number[]; nextOffset: number; problems: string[] }> => {
  const got: MetricsRow[] = [];
  const r = await streamJsonl(file, offset, parseMetricsRow, (m) => got.push(m));
  return { steps: got.map((m) => m.step), nextOffset: r.nextOffset, problems: r.problems };
};

test('stream: complete lines only, exact byte offsets across multi-byte text and CRLF, tail continues', async () => {
  const file = join(tmp(), 'metrics.jsonl');
  writeFileSync(file, `${row(1, 'é…😀')}\r\n${row(2)}\n${row(3).slice(0, 10)}`);
  const first = await steps(file);
  assert.deepEqual(first.steps, [1, 2]);
  assert.deepEqual(first.problems, []);
  assert.equal(first.nextOffset, Buffer.byteLength(`${row(1, 'é…😀')}\r\n${row(2)}\n`));
  appendFileSync(file, `${row(3).slice(10)}\n${row(4)}\n`);
  const next = await steps(file, first.nextOffset);
  assert.deepEqual(next.steps, [3, 4]);
  const none = await steps(file, next.nextOffset);
  assert.deepEqual(none, { steps: [], nextOffset: next.nextOffset, problems: [] });
  // Replaced by a shorter file (truncated on resume): read from the start.
  writeFileSync(file, `${row(9)}\n`);
  assert.deepEqual((await steps(file, next.nextOffset)).steps, [9]);
});

test('stream: a missing file is empty; bad lines are reported by line; an over-long line is skipped in bounded memory', async () => {
  const dir = tmp();
  assert.deepEqual(await steps(join(dir, 'nope.jsonl')), { steps: [], nextOffset: 0, problems: [] });
  const file = join(dir, 'metrics.jsonl');
  writeFileSync(file, `${row(1)}\nnot json\n{"step":2}\n${'x'.repeat(5000)}\n${row(3)}\n`);
  const got: number[] = [];
  const r = await streamJsonl(file, 0, parseMetricsRow, (m) => got.push(m.step), 1000);
  assert.deepEqual(got, [1, 3]);
  assert.equal(r.problems.length, 3);
  assert.match(r.problems[0], /line 2 .*not JSON/);
  assert.match(r.problems[1], /line 3 /);
  assert.match(r.problems[2], /line 4 .*longer than 1000 bytes/);
});

test('stream: refuses a symlink, a folder and a FIFO (lstat first) instead of following or blocking', async () => {
  const dir = tmp();
  const target = join(dir, 'elsewhere.jsonl');
  writeFileSync(target, `${row(1)}\n`);
  symlinkSync(target, join(dir, 'link.jsonl'));
  await assert.rejects(streamJsonl(join(dir, 'link.jsonl'), 0, parseMetricsRow, () => {}), /link\.jsonl is not a regular file/);
  mkdirSync(join(dir, 'folder.jsonl'));
  await assert.rejects(streamJsonl(join(dir, 'folder.jsonl'), 0, parseMetricsRow, () => {}), /not a regular file/);
  execFileSync('mkfifo', [join(dir, 'fifo.jsonl')]);
  await assert.rejects(streamJsonl(join(dir, 'fifo.jsonl'), 0, parseMetricsRow, () => {}), /not a regular file/);
});

test('readJsonlRows: collects at most maxRows and says it truncated', async () => {
  const file = join(tmp(), 'metrics.jsonl');
  writeFileSync(file, [1, 2, 3, 4, 5].map((s) => `${row(s)}\n`).join(''));
  const r = await readJsonlRows(file, 0, parseMetricsRow, 3);
  assert.deepEqual(r.rows.map((m) => m.step), [1, 2, 3]);
  assert.equal(r.rowCount, 5);
  assert.equal(r.truncated, true);
});
