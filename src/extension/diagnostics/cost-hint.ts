/**
 * The cost hint shown above a config: cell-ticks per meta-step (the engine's estimateCost) and a
 * time estimate from this machine's measured speed. The speed comes from the newest run in the
 * runs folder that ran on this machine (its resolved config's cost per step divided by its median
 * step time); without one, a default constant is assumed. The title says which (Speed.origin).
 * Pure; cost-lens.ts shows it.
 */
import type { DatasetCatalog } from '../../engine/config/dataset-facts';
import { estimateSeconds } from '../../engine/config/cost';
import type { ExperimentConfig } from '../../engine/config/types';
import { type Speed, formatDuration, safeCost, si } from '../../engine/config/speed';

// The speed itself is the engine's (src/engine/config/speed.ts; `vsml check` uses it too).
export { DEFAULT_SPEED, MIN_TICKS_FOR_SPEED, type Speed, formatDuration, measuredSpeed, median, si } from '../../engine/config/speed';

export interface CostHint {
  readonly title: string;
  readonly tooltip: string;
}

/** The hint for a valid config, or undefined when its shapes are unknown (e.g. an idx: folder not described). */
export function costHint(cfg: ExperimentConfig, speed: Speed, catalog?: DatasetCatalog): CostHint | undefined {
  const cost = safeCost(cfg, catalog);
  if (!cost) return undefined;
  const secs = estimateSeconds(cost, speed.cellTicksPerSecond);
  const title = `≈ ${si(cost.cellTicksPerStep)} cell-ticks per meta-step · ~${formatDuration(secs.perStep)}/step, ` +
    `~${formatDuration(secs.total)} for ${cfg.training.iterations} steps (${speed.origin})`;
  const tooltip = [
    `network ${cost.layerSizes.join(' → ')}: ${si(cost.cellsPerNetwork)} cells × ${cost.ticksPerInnerStep} ticks per inner step`,
    `${cost.rolloutsPerStep} rollouts per meta-step × ${si(cost.cellTicksPerEpisode)} cell-ticks per episode`,
    `${cost.evaluations} evaluations × ${si(cost.cellTicksPerEvaluation)} cell-ticks (SGD/Adam baselines not counted)`,
    `speed: ${si(speed.cellTicksPerSecond)} cell-ticks/s, ${speed.source}`,
  ].join('\n');
  return { title, tooltip };
}
