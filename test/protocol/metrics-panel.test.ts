import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostToMetricsMessage, parseMetricsToHostMessage } from '../../src/protocol/metrics-panel';

const row = { step: 3, time: 1.5, metaLoss: 2.3, lossPos: 2.29, lossNeg: 2.31, trainAccuracy: 0.1, gradNorm: 0.2, thetaNorm: 3, stepSeconds: 0.5 };
const method = { meanAccuracy: 0.4, finalAccuracy: 0.5, meanLoss: 1.9, curve: [0.1, 0.5] };
const evalRow = { step: 10, time: 5, dataset: 'mnist', split: 'test', length: 2, episodes: 4, methods: { learned: method, sgd: { ...method, lr: 0.1 } } };
const summary = { runId: 'r-1', name: 'r', state: 'running', step: 3, totalSteps: 10 };

test('every host -> metrics message kind parses', () => {
  const msgs = [
    { type: 'metrics/snapshot', available: [summary], runs: [{ summary, config: { name: 'r', model: { sub_rnn: { slow_size: 16 } } }, metrics: [row], evals: [evalRow], metricsRowCount: 1_000_000 }] },
    { type: 'panel/error', message: 'could not read run r-1: EACCES' },
    { type: 'metrics/append', runId: 'r-1', rows: [row, { ...row, step: 4, metaLoss: null }] },
    { type: 'eval/append', runId: 'r-1', rows: [evalRow] },
    { type: 'run/status', summary: { ...summary, state: 'finished' } },
    { type: 'compare/table', compare: { folder: '/w/out', rows: [{ method: 'adam', metaTrain: '-', dataset: 'mnist', meanAccuracy: 0.33, std: 0.01, seeds: 2 }], updatedAt: '2026-12-01T20:00:00Z' } },
    { type: 'compare/table', compare: null },
    { type: 'metrics/snapshot', available: [], runs: [], compare: { folder: '/w/out', rows: [], problem: '/w/out/table.csv: does not exist (yet)' } },
  ];
  for (const m of msgs) {
    const r = parseHostToMetricsMessage(m);
    assert.ok(r.ok, `${m.type}: ${r.ok ? '' : r.error}`);
    assert.equal(r.message.type, m.type);
  }
  const snap = parseHostToMetricsMessage(msgs[0]);
  assert.ok(snap.ok && snap.message.type === 'metrics/snapshot');
  assert.deepEqual(snap.message.runs[0].evals[0].methods.sgd.lr, 0.1);
  assert.equal(snap.message.runs[0].metricsRowCount, 1_000_000);
});

test('malformed host -> metrics messages are rejected with the field named', () => {
  const cases: [unknown, RegExp][] = [
    [null, /metrics message: expected an object/],
    [{ type: 'metrics/delete' }, /metrics message\.type/],
    [{ type: 'metrics/append', runId: 'r-1', rows: [{ ...row, step: -1 }] }, /metrics\/append\.rows\[0\]\.step/],
    [{ type: 'metrics/append', runId: 'r-1', rows: [{ ...row, metaLoss: 'NaN' }] }, /rows\[0\]\.metaLoss/],
    [{ type: 'metrics/append', runId: '', rows: [] }, /runId/],
    [{ type: 'eval/append', runId: 'r', rows: [{ ...evalRow, methods: { learned: { ...method, curve: [0.1, Infinity] } } }] }, /curve\[1\]/],
    [{ type: 'run/status', summary: { ...summary, state: 'exploded' } }, /summary\.state/],
    [{ type: 'metrics/snapshot', available: [], runs: [{ summary, config: { f: () => 1 }, metrics: [], evals: [] }] }, /config\.f/],
    [{ type: 'metrics/snapshot', available: [], runs: Array.from({ length: 17 }, () => ({})) }, /at most 16/],
    [{ type: 'metrics/snapshot', available: [], runs: [{ summary, config: null, metrics: [], evals: [], metricsRowCount: -1 }] }, /runs\[0\]\.metricsRowCount/],
    [{ type: 'panel/error', message: 42 }, /panel\/error\.message/],
    [{ type: 'compare/table' }, /compare\/table\.compare: expected an object/],
    [{ type: 'compare/table', compare: { folder: '/f', rows: [{ method: 'vsml', metaTrain: 'mnist', dataset: 'mnist', meanAccuracy: 'high', std: 0, seeds: 1 }] } }, /compare\/table\.compare\.rows\[0\]\.meanAccuracy/],
    [{ type: 'metrics/snapshot', available: [], runs: [], compare: { rows: [] } }, /metrics\/snapshot\.compare\.folder/],
  ];
  for (const [m, re] of cases) {
    const r = parseHostToMetricsMessage(m);
    assert.equal(r.ok, false, JSON.stringify(m));
    if (!r.ok) assert.match(r.error, re);
  }
});

test('metrics panel -> host messages parse; bad ones are rejected', () => {
  assert.deepEqual(parseMetricsToHostMessage({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
  assert.deepEqual(parseMetricsToHostMessage({ type: 'runs/select', runIds: ['a', 'b'] }), { ok: true, message: { type: 'runs/select', runIds: ['a', 'b'] } });
  assert.deepEqual(parseMetricsToHostMessage({ type: 'compare/open', folder: '/etc' }), { ok: true, message: { type: 'compare/open' } }, 'the panel names no folder: the host asks');
  assert.deepEqual(parseMetricsToHostMessage({ type: 'compare/close' }), { ok: true, message: { type: 'compare/close' } });
  const log = parseMetricsToHostMessage({ type: 'log', level: 'warn', message: 'x'.repeat(5000) });
  assert.ok(log.ok && log.message.type === 'log' && log.message.message.length === 2000, 'long log lines are cut');
  for (const bad of [{ type: 'runs/select', runIds: [1] }, { type: 'runs/select', runIds: Array(17).fill('a') }, { type: 'log', level: 'debug', message: '' }, { type: 'train' }, 'ready']) {
    assert.equal(parseMetricsToHostMessage(bad).ok, false, JSON.stringify(bad));
  }
});

test('chart export and Open Run Log messages parse; bad file names, formats and payloads are rejected with the field named', () => {
  const save = { type: 'export/save', requestId: 3, format: 'csv', fileName: 'meta-loss (2 runs).csv', data: 'series,step,metaLoss\n' };
  assert.deepEqual(parseMetricsToHostMessage(save), { ok: true, message: save });
  assert.ok(parseMetricsToHostMessage({ ...save, format: 'png', fileName: 'x.png', data: 'iVBORw0KGgo=' }).ok);
  assert.deepEqual(parseMetricsToHostMessage({ type: 'runLog/open', runId: 'r-1' }), { ok: true, message: { type: 'runLog/open', runId: 'r-1' } });
  const cases: [unknown, RegExp][] = [
    [{ ...save, fileName: '../../etc/passwd' }, /export\/save\.fileName/],
    [{ ...save, fileName: 'a/b.csv' }, /export\/save\.fileName/],
    [{ ...save, format: 'pdf' }, /export\/save\.format/],
    [{ ...save, format: 'png', data: 'not base64!' }, /export\/save\.data/],
    [{ ...save, requestId: -1 }, /export\/save\.requestId/],
    [{ type: 'runLog/open', runId: '' }, /runLog\/open\.runId/],
  ];
  for (const [m, re] of cases) {
    const r = parseMetricsToHostMessage(m);
    assert.ok(!r.ok && re.test(r.error), `${JSON.stringify(m)}: ${r.ok ? 'parsed' : r.error}`);
  }
  assert.deepEqual(parseHostToMetricsMessage({ type: 'export/done', requestId: 3, outcome: 'saved', path: '/tmp/a.csv' }),
    { ok: true, message: { type: 'export/done', requestId: 3, outcome: 'saved', path: '/tmp/a.csv' } });
  assert.equal(parseHostToMetricsMessage({ type: 'export/done', requestId: 3, outcome: 'done' }).ok, false);
});
