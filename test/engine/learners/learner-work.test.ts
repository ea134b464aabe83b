import { test } from 'node:test';
import assert from 'node:assert/strict';
import { multiplyAddsPerInnerStep } from '../../../src/engine/learners/learner-work';
import { learnerStepWork } from '../../../src/engine/learners/learner-layout';

const sizes = { inputSize: 3, numClasses: 2, tanhBound: 100 };

test('Meta RNN: the gates once from the fed input, the recurrent product per micro tick, the read-out', () => {
  // fed = 3 + 2*2 = 7: 7*16 + 2 ticks * 4*16 + 4*2 = 112 + 128 + 8
  assert.equal(multiplyAddsPerInnerStep({ type: 'metarnn', ...sizes, batchSize: 1, slowSize: 4, numMicroTicks: 2 }), 248);
});

test('Hebbian: two layer passes and the fast-weight update per member, w + coeff ⊙ F once per step', () => {
  // I = 7, C = 2: 3*2 + 2*7*2 + 7*2/2 members = 6 + 28 + 7
  assert.equal(multiplyAddsPerInnerStep({ type: 'hebbian', ...sizes, batchSize: 2, useOja: true }), 41);
});

test('FWM: LSTM, write, read and the [m, m²] memory products', () => {
  // LSTM 7*16 + 4*16 = 176; write 4*7 + 4 + 2*2*4 = 48; read 4*4 + 4 + 2*4 = 28; project 2*4 = 8; read-out 4*2 = 8
  assert.equal(multiplyAddsPerInnerStep({ type: 'fwm', ...sizes, batchSize: 1, slowSize: 4, memorySize: 2 }), 268);
});

test('ES sizes its runner calls of the baselines by the same count', () => {
  const cfg = { type: 'metarnn' as const, inputSize: 784, numClasses: 10, tanhBound: 100, batchSize: 1, slowSize: 128, numMicroTicks: 2 };
  assert.equal(learnerStepWork(cfg), Math.round(multiplyAddsPerInnerStep(cfg) / 1000));
});
