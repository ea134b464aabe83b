import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatEvalOutput, parseEvalOutput } from '../../src/protocol/eval-output';
import { parseEvalRow } from '../../src/protocol/run-records';
import { FIXTURE_RUNS, fixtureRunId } from '../webview/fixture-runs';

test('vsml eval --json output: eval.jsonl rows, one per line, round-trip through format and parse', () => {
  const rows = readFileSync(join(FIXTURE_RUNS, fixtureRunId('pooled-mnist'), 'eval.jsonl'), 'utf8').trim().split('\n')
    .map((l) => parseEvalRow(JSON.parse(l))).map((r) => (r.ok ? r.message : assert.fail(r.error)));
  const text = formatEvalOutput(rows);
  assert.equal(text.split('\n').length, rows.length + 1);
  const back = parseEvalOutput(`warning: fashion_mnist is missing; skipped\n${text}`);
  assert.ok(back.ok, back.ok ? '' : back.error);
  assert.deepEqual(back.message, rows);
});

test('vsml eval --json output: bad lines are errors naming the line and field; no result is an error', () => {
  const good = '{"step":3,"time":0,"dataset":"mnist","split":"test","length":2,"episodes":1,"methods":{"learned":{"meanAccuracy":0.5,"finalAccuracy":1,"meanLoss":0.7,"curve":[0,1]}}}';
  const cases: [string, RegExp][] = [
    ['', /vsml eval output: expected one JSON line per dataset/],
    ['no json here\n', /one JSON line per dataset/],
    [`${good}\n{"step": 1, oops}\n`, /vsml eval output line 2: expected a JSON object/],
    [good.replace('"meanAccuracy":0.5', '"meanAccuracy":"high"'), /line 1\.methods\.learned\.meanAccuracy/],
  ];
  for (const [text, re] of cases) {
    const r = parseEvalOutput(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.error, re);
  }
});
