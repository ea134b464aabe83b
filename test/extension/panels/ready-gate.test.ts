import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReadyGate } from '../../../src/extension/panels/ready-gate';

const errorOf = (e: Error): string => `error: ${e.message}`;

test('nothing is posted before ready; deltas during the snapshot build are sent after it', async () => {
  const posted: string[] = [];
  const gate = new ReadyGate<string>((m) => posted.push(m), errorOf);
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
  const gate = new ReadyGate<string>((m) => posted.push(m), errorOf);
  let finishOld!: (s: string) => void;
  const old = gate.ready(() => new Promise<string>((r) => { finishOld = r; }));
  const fresh = gate.ready(async () => 'snapshot-2');
  await fresh;
  finishOld('snapshot-1');
  await old;
  assert.deepEqual(posted, ['snapshot-2']);
});

test('a snapshot that throws: the panel gets the error, the gate leaves loading, deltas are dropped, the next ready recovers', async () => {
  const posted: string[] = [];
  const gate = new ReadyGate<string>((m) => posted.push(m), errorOf);
  let fail!: (e: Error) => void;
  const done = gate.ready(() => new Promise<string>((_, reject) => { fail = reject; }));
  gate.send('during');
  fail(new Error('run folder unreadable'));
  const error = await done;
  assert.equal(error?.message, 'run folder unreadable');
  assert.equal(gate.state, 'failed');
  assert.equal(gate.isListening, true, 'a new selection may still ask for a snapshot');
  gate.send('after');
  assert.deepEqual(posted, ['error: run folder unreadable']);
  await gate.ready(async () => 'snapshot');
  gate.send('live');
  assert.deepEqual(posted, ['error: run folder unreadable', 'snapshot', 'live']);
});

test('the queue is bounded: past the limit it is dropped and a fresh snapshot is built after the first', async () => {
  const posted: string[] = [];
  const gate = new ReadyGate<string>((m) => posted.push(m), errorOf, 3);
  let builds = 0;
  let finish!: (s: string) => void;
  const done = gate.ready(() => {
    builds++;
    return builds === 1 ? new Promise<string>((r) => { finish = r; }) : Promise.resolve(`snapshot-${builds}`);
  });
  for (let i = 0; i < 10_000; i++) gate.send(`delta-${i}`);
  finish('snapshot-1');
  await done;
  gate.send('live');
  assert.deepEqual(posted, ['snapshot-1', 'snapshot-2', 'live']);
  assert.equal(builds, 2);
});
