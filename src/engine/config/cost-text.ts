/**
 * The cost estimate in words, for `vsml check`, `vsml compare --dry-run` and the editor's cost
 * lens, so that all three say the same thing in the same units.
 */
import type { CostEstimate, NetworkCost, SecondsEstimate } from './cost';
import { formatDuration, si, type Speed } from './speed';
import type { ExperimentConfig } from './types';

const isBackprop = (c: CostEstimate): boolean => c.stepKind === 'vsml-backprop-native' || c.stepKind === 'vsml-backprop-tfjs';

/** The meta-step's unit: `cell-ticks forward+backward` for backprop (the forward cell-ticks of the episodes it differentiates). */
export const stepUnit = (c: CostEstimate): string => (isBackprop(c) ? 'cell-ticks forward+backward' : c.unit);

function baselineParams(cfg: ExperimentConfig): string {
  const m = cfg.model;
  switch (m.type) {
    case 'MetaRNN': return `H ${m.meta_rnn.slow_size}, ${m.meta_rnn.num_micro_ticks} micro ticks`;
    case 'HebbianFW': return m.hebbian_fw.use_oja ? "Oja's rule" : "Hebb's rule";
    case 'FWMemory': return `H ${m.fw_memory.slow_size}, memory [${m.fw_memory.memory_size}, ${m.fw_memory.memory_size ** 2}]`;
    default: return '';
  }
}

/** One meta-training network: its sizes and its work per inner step (and its share of a task mix). */
export function describeNetwork(c: CostEstimate, n: NetworkCost, cfg: ExperimentConfig): string {
  const share = c.networks.length > 1 ? ` (${Math.round(n.share * 1000) / 10}% of the rollouts)` : '';
  if (n.cells !== undefined) return `${n.layerSizes.join(' → ')}: ${si(n.cells)} sub-RNN cells × ${c.ticksPerInnerStep} ticks per inner step${share}`;
  return `${cfg.model.type} ${n.layerSizes[0]} inputs → ${n.layerSizes[1]} outputs (${baselineParams(cfg)}): ${si(n.workPerInnerStep)} multiply-adds per inner step${share}`;
}

/** `128 rollouts × 49.0 k cell-ticks = 6.27 M cell-ticks`, with the episode lengths' range and the slice when they apply. */
export function describeStep(c: CostEstimate): string {
  const unit = stepUnit(c);
  const perRollout = c.workPerStep / c.rolloutsPerStep;
  const T = c.episodeLength;
  const notes: string[] = [];
  if (c.stepsPerRollout < T.mean) notes.push(`a ${c.stepsPerRollout}-step slice of each ${T.mean}-step episode`);
  const over: string[] = [];
  if (T.min !== T.max) over.push(`T ${T.min}–${T.max} (mean ${Math.round(T.mean * 10) / 10})`);
  if (c.networks.length > 1) over.push(`${c.networks.length} network sizes`);
  if (over.length > 0) notes.push(`expected over ${over.join(' and ')}`);
  const expected = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  const range = c.workPerStepRange.min !== c.workPerStepRange.max ? ` (${si(c.workPerStepRange.min)} to ${si(c.workPerStepRange.max)})` : '';
  return `${c.rolloutsPerStep} ${isBackprop(c) ? 'episodes' : 'rollouts'} × ${si(perRollout)} ${unit}${expected} = ${si(c.workPerStep)} ${unit}${range}`;
}

/** Where the speeds of a time estimate come from: one origin, or the meta-steps' and the evaluations'. */
export function describeOrigins(c: CostEstimate, step: Speed, evaluation: Speed): string {
  if (c.stepKind === c.evalKind || c.evaluations === 0) return step.origin;
  return `meta-steps ${step.origin}; evaluations ${evaluation.origin}`;
}

export const describeRate = (s: Speed): string => `${si(s.perSecond)} ${s.unit}/s${s.kind.startsWith('vsml-backprop') ? ' forward+backward' : ''}`;

/** The run's work: one figure, or the meta-steps' and the evaluations' when they are different kinds of work (backprop). */
export function describeRunWork(c: CostEstimate): string {
  if (c.stepKind === c.evalKind || c.evaluations === 0) return `${si(c.workTotal)} ${c.unit}`;
  return `${si(c.iterations * c.workPerStep)} ${stepUnit(c)} + ${si(c.evalWorkTotal)} ${c.unit} in evaluations`;
}

/** The lines `vsml check` prints for the cost (after "network"). */
export function costLines(c: CostEstimate, secs: SecondsEstimate, step: Speed, evaluation: Speed, cfg: ExperimentConfig): string[] {
  const pad = '               ';
  const [first, ...more] = c.networks.map((n) => describeNetwork(c, n, cfg));
  const lines = [`  network      ${first}`, ...more.map((l) => `${pad}${l}`)];
  lines.push(
    `  meta-step    ${describeStep(c)}, ~${formatDuration(secs.perStep)}`,
    `  evaluation   ${si(c.workPerEvaluation)} ${c.unit} × ${c.evaluations} (+ the untrained LA once), ~${formatDuration(secs.perEvaluation)} each; SGD/Adam baselines not counted`,
    `  run          ${cfg.training.iterations} meta-steps: ${describeRunWork(c)}, ~${formatDuration(secs.total)} (${describeOrigins(c, step, evaluation)})`,
  );
  if (c.stepKind === c.evalKind || c.evaluations === 0) lines.push(`  speed        ${describeRate(step)}, ${step.source}`);
  else lines.push(`  speed        meta-steps ${describeRate(step)}, ${step.source}`, `${pad}evaluations ${describeRate(evaluation)}, ${evaluation.source}`);
  return lines;
}
