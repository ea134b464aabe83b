/**
 * The cost hint shown above a config: work per meta-step (the engine's estimateConfigCost: VSML cell-ticks, a baseline's multiply-adds) and a
 * time estimate from this machine's measured speed. The speed comes from the newest run in the
 * runs folder that ran on this machine (its resolved config's cost per step divided by its median
 * step time); without one, a default constant is assumed. The title says which (Speed.origin).
 * Pure; cost-lens.ts shows it.
 */
import type { DatasetCatalog } from '../../engine/config/dataset-facts';
import { estimateSeconds, type SpeedKind } from '../../engine/config/cost';
import { describeNetwork, describeOrigins, describeRate, describeStep, stepUnit } from '../../engine/config/cost-text';
import type { ExperimentConfig } from '../../engine/config/types';
import { DEFAULT_SPEEDS, type Speed, formatDuration, safeCost, si } from '../../engine/config/speed';

// The speed itself is the engine's (src/engine/config/speed.ts; `vsml check` uses it too).
export { DEFAULT_SPEED, DEFAULT_SPEEDS, MIN_WORK_FOR_SPEED, type Speed, formatDuration, measuredSpeed, median, si } from '../../engine/config/speed';

export interface CostHint {
  readonly title: string;
  readonly tooltip: string;
}

/**
 * The hint for a valid config, or undefined when its shapes are unknown (e.g. an idx: folder not
 * described). `speed` gives the speed of a kind of work (cost.ts's SpeedKind); a single Speed is
 * used for its own kind, the assumed rate for others.
 */
export function costHint(cfg: ExperimentConfig, speed: Speed | ((kind: SpeedKind) => Speed), catalog?: DatasetCatalog): CostHint | undefined {
  const cost = safeCost(cfg, catalog);
  if (!cost) return undefined;
  const speedOf = (kind: SpeedKind): Speed => (typeof speed === 'function' ? speed(kind) : speed.kind === kind ? speed : DEFAULT_SPEEDS[kind]);
  const step = speedOf(cost.stepKind);
  const evaluation = speedOf(cost.evalKind);
  const secs = estimateSeconds(cost, step.perSecond, evaluation.perSecond);
  const title = `≈ ${si(cost.workPerStep)} ${stepUnit(cost)} per meta-step · ~${formatDuration(secs.perStep)}/step, ` +
    `~${formatDuration(secs.total)} for ${cfg.training.iterations} steps (${describeOrigins(cost, step, evaluation)})`;
  const tooltip = [
    ...cost.networks.map((n) => `network ${describeNetwork(cost, n, cfg)}`),
    `meta-step: ${describeStep(cost)}`,
    `${cost.evaluations} evaluations × ${si(cost.workPerEvaluation)} ${cost.unit} (SGD/Adam baselines not counted)`,
    `speed: ${describeRate(step)}, ${step.source}`,
    ...(cost.evalKind !== cost.stepKind ? [`evaluation speed: ${describeRate(evaluation)}, ${evaluation.source}`] : []),
  ].join('\n');
  return { title, tooltip };
}
