import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEvalRow, parseMetricsRow, parseRunStatus, parseSnapshot } from '../../src/protocol/run-records';
import { parseHostMessage, parseTrainerMessage, type TrainerMessage } from '../../src/protocol/trainer';

const runner = { path: 'reference', backend: 'cpu', threads: 1 };
const metricsRow = {
  step: 1, time: 0.61, metaLoss: 2.301, lossPos: 2.3, lossNeg: 2.302, trainAccuracy: 0.11, gradNorm: 0.02, thetaNorm: 3.1, stepSeconds: 0.6,
};
const evalRow = {
  step: 100, time: 61, dataset: 'mnist', split: 'test', length: 3, episodes: 16,
  methods: {
    learned: { meanAccuracy: 0.41, finalAccuracy: 0.55, meanLoss: 1.9, curve: [0.1, 0.4, 0.55] },
    sgd: { meanAccuracy: 0.3, finalAccuracy: 0.35, meanLoss: 2.0, curve: [0.1, 0.3, 0.35], lr: 0.1 },
  },
};
// Two frames of a [2, 3] net with N = 1: float32 [2, 3, 1] = 24 bytes = 32 base64 chars.
const b64 = Buffer.from(new Float32Array(6).buffer).toString('base64');
const snapshot = {
  step: 100, layerSizes: [2, 3], slowSize: 1, msgSize: 2, dataset: 'mnist', innerSteps: [0, 1],
  frames: [{ t: 0, layers: [{ h: b64, c: b64 }], label: 1, prediction: 2 }, { t: 1, layers: [{ h: b64, c: b64 }], label: 0, prediction: 0 }],
};

/** One valid example of every trainer message, as docs/contracts.md §3 writes them. */
const valid: TrainerMessage[] = [
  { type: 'run/started', runId: 'default-20261127-191500-a1b2', runDir: '/w/.vsml/runs/default-20261127-191500-a1b2', runner, totalSteps: 600 },
  { type: 'run/progress', runId: 'r', step: 3, totalSteps: 600, metaLoss: 2.3, etaSeconds: 12.5 },
  { type: 'run/progress', runId: 'r', step: 0, totalSteps: 600, metaLoss: null, etaSeconds: null },
  { type: 'metrics/append', runId: 'r', rows: [metricsRow, { ...metricsRow, step: 2, metaLoss: null }] },
  { type: 'eval/append', runId: 'r', rows: [evalRow] },
  { type: 'state/snapshot', runId: 'r', snapshot },
  { type: 'log', level: 'warn', message: 'wasm backend: 1 thread' },
  { type: 'run/done', runId: 'r', state: 'finished' },
  { type: 'run/heartbeat', runId: 'r' },
  { type: 'run/done', runId: 'r', state: 'stopped' },
  { type: 'run/error', message: 'bad config', path: 'model.sub_rnn.msg_size', fix: 'use 8' },
  { type: 'run/error', runId: 'r', message: 'out of memory' },
];

describe('parseTrainerMessage', () => {
  it('accepts every documented message and returns an equal object', () => {
    for (const m of valid) {
      const r = parseTrainerMessage(JSON.parse(JSON.stringify(m)));
      assert.ok(r.ok, `${m.type}: ${r.ok ? '' : r.error}`);
      assert.deepEqual(r.message, m);
    }
  });

  it('drops keys the contract does not name', () => {
    const r = parseTrainerMessage({ type: 'log', level: 'info', message: 'hi', extra: 1 });
    assert.ok(r.ok);
    assert.deepEqual(r.message, { type: 'log', level: 'info', message: 'hi' });
  });

  const bad: [string, unknown, RegExp][] = [
    ['not an object', 'run/stop', /message: expected an object/],
    ['null', null, /expected an object/],
    ['an array', [], /expected an object/],
    ['no type', { runId: 'r' }, /message\.type: expected one of/],
    ['unknown type', { type: 'run/explode' }, /message\.type: expected one of .*got "run\/explode"/],
    ['host message sent by trainer', { type: 'run/stop' }, /message\.type/],
    ['missing runId', { type: 'run/done', state: 'finished' }, /run\/done\.runId: expected a string, got nothing/],
    ['empty runId', { type: 'run/done', runId: '', state: 'finished' }, /run\/done\.runId: expected a non-empty string/],
    ['bad done state', { type: 'run/done', runId: 'r', state: 'failed' }, /run\/done\.state: expected one of "finished", "stopped"/],
    ['fractional step', { ...valid[1], step: 1.5 }, /run\/progress\.step: expected an integer >= 0, got 1.5/],
    ['negative total', { ...valid[1], totalSteps: -1 }, /run\/progress\.totalSteps/],
    ['string loss', { ...valid[1], metaLoss: '2.3' }, /run\/progress\.metaLoss: expected a finite number or null/],
    ['NaN eta (not JSON)', { ...valid[1], etaSeconds: Number.NaN }, /run\/progress\.etaSeconds: expected a finite number or null, got NaN/],
    ['runner threads string', { ...valid[0], runner: { ...runner, threads: '2' } }, /run\/started\.runner\.threads/],
    ['runner missing', { ...valid[0], runner: undefined }, /run\/started\.runner: expected an object/],
    ['rows not array', { type: 'metrics/append', runId: 'r', rows: {} }, /metrics\/append\.rows: expected an array/],
    ['bad metrics row', { type: 'metrics/append', runId: 'r', rows: [metricsRow, { ...metricsRow, stepSeconds: null }] },
      /metrics\/append\.rows\[1\]\.stepSeconds: expected a finite number/],
    ['bad eval curve', { type: 'eval/append', runId: 'r', rows: [{ ...evalRow, methods: { learned: { ...evalRow.methods.learned, curve: [0.1, 'x'] } } }] },
      /eval\/append\.rows\[0\]\.methods\.learned\.curve\[1\]/],
    ['eval methods missing', { type: 'eval/append', runId: 'r', rows: [{ ...evalRow, methods: undefined }] }, /eval\/append\.rows\[0\]\.methods: expected an object/],
    ['eval length 0', { type: 'eval/append', runId: 'r', rows: [{ ...evalRow, length: 0 }] }, /rows\[0\]\.length: expected an integer >= 1/],
    ['snapshot layer count', { type: 'state/snapshot', runId: 'r', snapshot: { ...snapshot, layerSizes: [2, 3, 4] } },
      /state\/snapshot\.snapshot\.frames\[0\]\.layers: expected 2 layers/],
    ['snapshot not base64', { type: 'state/snapshot', runId: 'r', snapshot: { ...snapshot, frames: [{ ...snapshot.frames[0], layers: [{ h: 'a b', c: b64 }] }] } },
      /frames\[0\]\.layers\[0\]\.h: expected base64 text/],
    ['log level', { type: 'log', level: 'debug', message: 'x' }, /log\.level: expected one of "info", "warn", "error"/],
    ['log message number', { type: 'log', level: 'info', message: 3 }, /log\.message: expected a string, got 3/],
    ['error path number', { type: 'run/error', message: 'x', path: 3 }, /run\/error\.path: expected a string/],
    ['error without message', { type: 'run/error', runId: 'r' }, /run\/error\.message/],
  ];
  for (const [name, input, expected] of bad) {
    it(`rejects ${name}`, () => {
      const r = parseTrainerMessage(input);
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.error, expected);
    });
  }

  it('keeps long bad values short in the error', () => {
    const r = parseTrainerMessage({ type: 'log', level: 'info', message: { blob: 'x'.repeat(1000) } });
    assert.equal(r.ok, false);
    if (!r.ok) assert.ok(r.error.length < 160, r.error);
  });
});

describe('parseHostMessage', () => {
  it('accepts run/stop', () => {
    assert.deepEqual(parseHostMessage({ type: 'run/stop' }), { ok: true, message: { type: 'run/stop' } });
  });
  it('rejects trainer messages and junk', () => {
    for (const m of [valid[0], { type: 'stop' }, undefined, 42]) assert.equal(parseHostMessage(m).ok, false);
  });
});

describe('run records written by the engine (test/fixtures/runs)', () => {
  // Recorded with runExperiment (test/fixtures/make-panel-runs.ts): every line must parse, so the
  // trainer can forward exactly what it writes.
  const root = join(__dirname, '..', 'fixtures', 'runs');
  const lines = (f: string): unknown[] => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  for (const run of readdirSync(root)) {
    it(`${run}: status, metrics, eval and snapshot parse, and travel as trainer messages`, () => {
      const dir = join(root, run);
      const status = parseRunStatus(JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')));
      assert.ok(status.ok, status.ok ? '' : status.error);
      const metrics = lines(join(dir, 'metrics.jsonl'));
      const evals = lines(join(dir, 'eval.jsonl'));
      assert.ok(metrics.length > 0 && evals.length > 0);
      for (const m of metrics) assert.ok(parseMetricsRow(m).ok, JSON.stringify(parseMetricsRow(m)));
      for (const e of evals) assert.ok(parseEvalRow(e).ok, JSON.stringify(parseEvalRow(e)));
      const snap = JSON.parse(readFileSync(join(dir, 'snapshot.json'), 'utf8'));
      assert.ok(parseSnapshot(snap).ok, JSON.stringify(parseSnapshot(snap)));
      for (const msg of [
        { type: 'metrics/append', runId: run, rows: metrics },
        { type: 'eval/append', runId: run, rows: evals },
        { type: 'state/snapshot', runId: run, snapshot: snap },
      ]) {
        const r = parseTrainerMessage(msg);
        assert.ok(r.ok, r.ok ? '' : r.error);
      }
    });
  }
});
