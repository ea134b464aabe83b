import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadyGate } from '../../../src/extension/panels/ready-gate';

test('nothing is posted before ready; deltas during the snapshot build are sent after it', async () => {
  const posted: string[] = [];
  const gate = new ReadyGate<string>((m) => posted.push(m));
  assert.equal(gate.isListening, false);
  gate.send('early'); // the snapshot built at ready will contain it
  let finish!: (s: string) => void;
  const done = gate.ready(() => new Promise<string>((r) => { finish = r; }));
  gate.send('during-1');
  gate.send('during-2');
  assert.deepEqual(posted, []);
  finish('snapshot');
  await done;
  gate.send('live');
  assert.deepEqual(posted, ['snapshot', 'during-1', 'during-2', 'live']);
  assert.equal(gate.isLive, true);
});

test('a second ready (the webview reloaded) discards the older snapshot', async () => {
  const posted: string[] = [];
  const gate = new ReadyGate<string>((m) => posted.push(m));
  let finishOld!: (s: string) => void;
  const old = gate.ready(() => new Promise<string>((r) => { finishOld = r; }));
  const fresh = gate.ready(async () => 'snapshot-2');
  await fresh;
  finishOld('snapshot-1');
  await old;
  assert.deepEqual(posted, ['snapshot-2']);
});
