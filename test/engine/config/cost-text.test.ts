import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateConfigCost, estimateSeconds } from '../../../src/engine/config/cost';
import { costLines, describeStep } from '../../../src/engine/config/cost-text';
import { validateConfigValue } from '../../../src/engine/config/load-config';
import { DEFAULT_SPEEDS } from '../../../src/engine/config/speed';

test('a task mix with episode_lengths: every network with its share, the expected step and its range', () => {
  const r = validateConfigValue({
    training: {
      iterations: 10, population_size: 4, episode_length: 50, batch_size: 1, episode_lengths: [20, 50, 80],
      tasks: [{ dataset: 'mnist', resize: [7, 7], weight: 3 }, { dataset: 'fashion_mnist', resize: [14, 14], filter_classes: [0, 1, 2, 3, 4] }],
    },
    evaluation: { datasets: [] },
    model: { vsml_rnn: { layer_specs: [{ type: 'dense' }], num_micro_ticks: 2, backward_pass: false } },
  }, 'x');
  assert.ok(r.ok, JSON.stringify(r.issues));
  const c = estimateConfigCost(r.config)!;
  // 0.75 x 980 + 0.25 x 1960 = 1225 per inner step; x mean T 50 = 61,250 per rollout; x 8 rollouts = 490,000
  assert.equal(describeStep(c), '8 rollouts × 61.3 k cell-ticks (expected over T 20–80 (mean 50) and 2 network sizes) = 490 k cell-ticks (196 k to 784 k)');
  const lines = costLines(c, estimateSeconds(c, 5e6), DEFAULT_SPEEDS.vsml, DEFAULT_SPEEDS.vsml, r.config);
  assert.deepEqual(lines.slice(0, 2), [
    '  network      49 → 10: 490 sub-RNN cells × 2 ticks per inner step (75% of the rollouts)',
    '               196 → 5: 980 sub-RNN cells × 2 ticks per inner step (25% of the rollouts)',
  ]);
});
