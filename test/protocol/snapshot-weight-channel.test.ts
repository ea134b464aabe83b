import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSnapshot } from '../../src/protocol/run-records';

const root = join(__dirname, '..', 'fixtures', 'runs');
const snap = JSON.parse(readFileSync(join(root, readdirSync(root)[0], 'snapshot.json'), 'utf8'));

test('a snapshot may name the weight channel of a cloned LA; it must be a state channel', () => {
  const plain = parseSnapshot(snap);
  assert.ok(plain.ok && plain.message.weightChannel === undefined);
  const clone = parseSnapshot({ ...snap, weightChannel: 2 });
  assert.ok(clone.ok && clone.message.weightChannel === 2, JSON.stringify(clone));
  for (const bad of [snap.slowSize, -1, 1.5, '0']) {
    const r = parseSnapshot({ ...snap, weightChannel: bad });
    assert.ok(!r.ok, `weightChannel ${bad} must be refused`);
    assert.match(r.error, /weightChannel/);
  }
});
