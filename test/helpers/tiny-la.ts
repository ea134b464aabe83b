import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfigValue } from '../../src/engine/config/load-config';
import { toModelConfig } from '../../src/engine/config/to-model-config';
import { TrainedLa } from '../../src/engine/eval/evaluate-checkpoint';
import { initParams } from '../../src/engine/model/init';
import { paramLayout } from '../../src/engine/model/param-layout';
import { Rng } from '../../src/engine/random';
import { CHECKPOINT_VERSION, serializeCheckpoint } from '../../src/engine/runs/checkpoint';

/**
 * A small "trained" LA without training: a meta-init θ for MNIST at 7x7 (49 -> 10, N=4, M=3,
 * one micro tick) with the evaluation settings a test can afford. Its accuracies are those of an
 * untrained LA; what tests pin is which data it sees, not how well it learns.
 */
export function tinyTrainedLa(over: Record<string, unknown> = {}): TrainedLa {
  const res = validateConfigValue({
    name: 'tiny', seed: 3,
    training: { dataset: 'mnist', episode_length: 4, population_size: 1, iterations: 1 },
    evaluation: { datasets: ['mnist'], episode_length: 6, count: 2, seed: 5 },
    data: { preprocess: { resize: [7, 7] } },
    model: { sub_rnn: { msg_size: 3, slow_size: 4 }, vsml_rnn: { num_micro_ticks: 1, output_idx: 1 } },
    baselines: { enabled: false },
    engine: { path: 'reference' },
    ...over,
  }, 'tiny.vsml.json');
  if (!res.ok) throw new Error(res.issues.map((i) => i.message).join('; '));
  const model = toModelConfig(res.config, 10, 49);
  const theta = initParams(model, new Rng(1, 'tiny-la'));
  const layout = paramLayout(model);
  return {
    config: res.config,
    model,
    file: 'tiny/checkpoints/latest.json',
    checkpoint: {
      format: 'vsml-checkpoint', version: CHECKPOINT_VERSION, step: 7, runId: 'tiny', model: res.config.model, modelConfig: model,
      config: res.config, layout: { numSets: layout.numSets, setSize: layout.setSize, size: layout.size }, theta,
      optimizer: { type: 'adam', state: { count: 0, mu: new Float64Array(theta.length), nu: new Float64Array(theta.length) } },
      rng: { seed: 3, step: 7 },
    },
  };
}

/** The same LA written as a checkpoint file (for the CLI). */
export function writeTinyCheckpoint(dir: string, over: Record<string, unknown> = {}): string {
  const la = tinyTrainedLa(over);
  const file = join(dir, 'tiny.ckpt.json');
  writeFileSync(file, serializeCheckpoint(la.checkpoint));
  return file;
}
