import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeOnline, finalWindow } from '../../../src/engine/eval/online-metrics';

test('online summary on a hand-computed case', () => {
  // Two episodes of T=10, batch 1. Episode 1 is right from step 5 on, episode 2 from step 8 on.
  const ep = (from: number) => ({
    correct: Array.from({ length: 10 }, (_, t) => (t >= from ? 1 : 0)),
    ce: Array.from({ length: 10 }, (_, t) => (t >= from ? 0.5 : 2)),
  });
  const s = summarizeOnline([ep(5), ep(8)], 10, 1);
  // curve: steps 0-4: 0; 5-7: 0.5; 8-9: 1  → mean = (3*0.5 + 2*1)/10 = 0.35
  assert.deepEqual(s.curve, [0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 1, 1]);
  assert.equal(s.meanAccuracy, 0.35);
  assert.equal(finalWindow(10), 1);
  assert.equal(s.finalAccuracy, 1);
  // loss: steps 0-4: 2; 5-7: (0.5+2)/2 = 1.25; 8-9: 0.5 → (10 + 3.75 + 1)/10 = 1.475
  assert.ok(Math.abs(s.meanLoss - 1.475) < 1e-12);
});

test('online summary averages the batch at each step', () => {
  const s = summarizeOnline([{ correct: [1, 0, 1, 1], ce: [1, 3, 0, 2] }], 2, 2);
  assert.deepEqual(s.curve, [0.5, 1]);
  assert.deepEqual(s.lossCurve, [2, 1]);
});

test('online summary rejects episodes of the wrong length', () => {
  assert.throws(() => summarizeOnline([{ correct: [1], ce: [1] }], 2, 1), /expected 2 steps/);
});
