import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGraphToHostMessage, parseHostToGraphMessage } from '../../src/protocol/graph-panel';

const A = 3;
const B = 2;
const N = 4;
const b64 = (n: number, v = 0.5): string => Buffer.from(new Float32Array(n).fill(v).buffer).toString('base64');
const snapshot = {
  step: 5, layerSizes: [A, B], slowSize: N, msgSize: 3, dataset: 'mnist', innerSteps: [0, 1],
  frames: [0, 1].map((t) => ({ t, label: 1, prediction: 0, layers: [{ h: b64(A * B * N), c: b64(A * B * N, -1) }] })),
};
const summary = { runId: 'r-1', name: 'r', state: 'running', step: 5, totalSteps: 10 };
const sharing = { layerParamIndex: [0], backwardLayerParamIndex: [0] };

test('every host -> graph message kind parses', () => {
  const a = parseHostToGraphMessage({ type: 'graph/snapshot', summary, sharing, snapshot });
  assert.ok(a.ok, a.ok ? '' : a.error);
  const none = parseHostToGraphMessage({ type: 'graph/snapshot', summary, sharing, snapshot: null });
  assert.ok(none.ok && none.message.type === 'graph/snapshot' && none.message.snapshot === null);
  const b = parseHostToGraphMessage({ type: 'state/snapshot', runId: 'r-1', snapshot });
  assert.ok(b.ok && b.message.type === 'state/snapshot' && b.message.snapshot.frames.length === 2);
});

test('snapshots whose states do not fit the layer sizes are rejected', () => {
  const cases: [unknown, RegExp][] = [
    [{ type: 'state/snapshot', runId: 'r', snapshot: { ...snapshot, frames: [{ ...snapshot.frames[0], layers: [{ h: b64(A * B * N - 1), c: b64(A * B * N) }] }] } }, /layers\[0\]\.h: expected base64 of 24 float32/],
    [{ type: 'state/snapshot', runId: 'r', snapshot: { ...snapshot, frames: [{ ...snapshot.frames[0], layers: [{ h: '!!!!', c: b64(A * B * N) }] }] } }, /layers\[0\]\.h/],
    [{ type: 'state/snapshot', runId: 'r', snapshot: { ...snapshot, frames: [{ ...snapshot.frames[0], label: 7 }] } }, /frames\[0\]\.label/],
    [{ type: 'state/snapshot', runId: 'r', snapshot: { ...snapshot, layerSizes: [3] } }, /layerSizes/],
    [{ type: 'state/snapshot', runId: 'r', snapshot: { ...snapshot, frames: [{ ...snapshot.frames[0], layers: [] }] } }, /layers/],
    [{ type: 'graph/snapshot', summary, sharing: { layerParamIndex: [0, 1], backwardLayerParamIndex: [0, 1] }, snapshot }, /sharing\.layerParamIndex: expected one entry per layer/],
    [{ type: 'graph/snapshot', summary, sharing: { layerParamIndex: [-1], backwardLayerParamIndex: [0] }, snapshot }, /layerParamIndex\[0\]/],
    [{ type: 'graph/render', html: '<script>' }, /graph message\.type/],
  ];
  for (const [m, re] of cases) {
    const r = parseHostToGraphMessage(m);
    assert.equal(r.ok, false, JSON.stringify(m).slice(0, 120));
    if (!r.ok) assert.match(r.error, re);
  }
});

test('graph panel -> host messages', () => {
  assert.ok(parseGraphToHostMessage({ type: 'ready' }).ok);
  assert.ok(parseGraphToHostMessage({ type: 'log', level: 'error', message: 'x' }).ok);
  assert.equal(parseGraphToHostMessage({ type: 'runs/select', runIds: [] }).ok, false);
  assert.equal(parseGraphToHostMessage(undefined).ok, false);
});
