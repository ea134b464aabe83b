/**
 * The commented example `vsml.newExperiment` writes. `*.vsml.json` is JSON with comments (the
 * extension associates the pattern with `jsonc`), so the comments survive validation.
 * test/extension/commands/experiment-template.test.ts validates it with the engine's config loader.
 */
export function experimentTemplate(name: string): string {
  return `// A VS-ML Lab experiment: meta-train a learned learning algorithm (VSML) with evolution strategies.
// Hover a key for its description and default; every field is optional (see schemas/experiment.schema.json).
// Run it with "Train VS-ML" (command palette, editor title, or the VS-ML sidebar).
{
  "name": ${JSON.stringify(name)},
  "seed": 42,
  "training": {
    // Meta-training task: an episode shows 'episode_length' labelled examples one at a time.
    "dataset": "mnist",
    "episode_length": 100,
    // Meta-steps of ES; each evaluates 2 * population_size episodes (antithetic pairs).
    "iterations": 200,
    "population_size": 16
  },
  "evaluation": {
    // Held-out datasets the learned algorithm is tested on, every 'frequency' meta-steps.
    "datasets": ["mnist", "random"],
    "episode_length": 200,
    "frequency": 50
  },
  "data": {
    // Resize the 28x28 digits to 7x7 so a meta-step is cheap; the paper used the full image.
    "preprocess": { "resize": [7, 7] }
  },
  "model": {
    // Every weight is a tiny LSTM with state size 'slow_size' sharing one parameter set;
    // messages have 'msg_size' channels.
    "sub_rnn": { "msg_size": 8, "slow_size": 16 },
    "vsml_rnn": {
      // One dense VSML layer: input -> classes. Add { "type": "dense", "out_size": 32 } before it for a hidden layer.
      "layer_specs": [{ "type": "dense" }],
      "num_micro_ticks": 2
    }
  },
  "checkpoint": { "frequency": 50 }
}
`;
}
