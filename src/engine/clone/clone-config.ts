import { ConfigIssue, makeIssue } from '../config/issues';
import { ExperimentConfig } from '../config/types';
import { CellRule } from './teacher';

/**
 * What cloning needs of the model beyond what the schema checks: the cell must run a reverse
 * tick with its own parameter set (the forward tick sees a stale error in the layers below the
 * last and must not learn from it), carry the value on message channel 0 (where the network puts
 * the input pixels and the error), and the weight channel must start as a random draw (the weight
 * initialization). Returns one issue per problem, naming the field and the fix.
 */
export function cloneConfigIssues(cfg: ExperimentConfig, file: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const vr = cfg.model.vsml_rnn;
  const sub = cfg.model.sub_rnn;
  const err = (pointer: (string | number)[], message: string, fix: string): void => void issues.push(makeIssue(file, pointer, message, fix, 'clone-model'));
  if (!vr.backward_pass) err(['model', 'vsml_rnn', 'backward_pass'], 'is false, but a cloned cell learns in the reverse tick', 'set it to true');
  if (!vr.separate_backward_rnn)
    err(['model', 'vsml_rnn', 'separate_backward_rnn'], 'is false, but the forward and reverse ticks need their own parameter sets (hidden-layer cells see the previous step\'s error in the forward tick and must not learn from it)', 'set it to true');
  if (vr.layerwise_rnns) err(['model', 'vsml_rnn', 'layerwise_rnns'], 'is true, but a clone is ONE cell rule shared by every layer', 'set it to false');
  if (vr.output_idx !== 0) err(['model', 'vsml_rnn', 'output_idx'], `is ${vr.output_idx}, but the weighted input travels on message channel 0 (where the network puts the pixels)`, 'set it to 0');
  if (vr.feed_label) err(['model', 'vsml_rnn', 'feed_label'], 'is true, but the teacher learns from the error alone', 'set it to false');
  if (sub.layer_norm) err(['model', 'sub_rnn', 'layer_norm'], 'is true, but layer norm would rescale the weighted messages', 'set it to false');
  const randomChannels = Math.floor(sub.slow_size * sub.init_rand_proportion);
  if (cfg.clone.weight_channel >= randomChannels)
    err(['clone', 'weight_channel'], `is ${cfg.clone.weight_channel}, but only the first ${randomChannels} of ${sub.slow_size} cell-state channels start at a random weight (slow_size * init_rand_proportion)`,
      `use a channel below ${randomChannels}, or raise model.sub_rnn.init_rand_proportion to at least ${((cfg.clone.weight_channel + 1) / sub.slow_size).toFixed(4)}`);
  const layers = vr.layer_specs.length;
  if (cfg.clone.teacher === 'shallow' && layers !== 1)
    err(['model', 'vsml_rnn', 'layer_specs'], `has ${layers} layers, but the shallow teacher is one layer (input -> classes)`, 'use [{ "type": "dense" }], or set clone.teacher to "deep"');
  if (cfg.clone.teacher === 'deep' && layers !== 2)
    err(['model', 'vsml_rnn', 'layer_specs'], `has ${layers} layer(s), but the deep teacher has one hidden layer`, 'use [{ "type": "dense", "out_size": 22 }, { "type": "dense" }], or set clone.teacher to "shallow"');
  if (cfg.training.batch_size !== 1) err(['training', 'batch_size'], `is ${cfg.training.batch_size}, but the teacher is online backprop (batch 1)`, 'set it to 1');
  if (cfg.evaluation.batch_size !== 1) err(['evaluation', 'batch_size'], `is ${cfg.evaluation.batch_size}, but the teacher is online backprop (batch 1)`, 'set it to 1');
  if (cfg.clone.unroll > cfg.clone.stream_length)
    err(['clone', 'unroll'], `is ${cfg.clone.unroll}, longer than clone.stream_length (${cfg.clone.stream_length})`, 'use an unroll no longer than the stream');
  return issues;
}

/** The teacher's cell rule from the config. */
export function cellRuleFromConfig(cfg: ExperimentConfig): CellRule {
  return { gain: cfg.clone.gain, lr: cfg.clone.teacher_lr, activation: cfg.clone.teacher === 'deep' ? cfg.clone.activation : 'identity' };
}
