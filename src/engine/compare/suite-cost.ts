/**
 * `vsml compare --dry-run`: what a suite would cost before it runs, from the same cost model as
 * `vsml check` (config/cost.ts) and the same speeds (measured runs of each kind of work, else the
 * assumed rates). A learned cell meta-trains its `training.iterations` steps without evaluations,
 * then evaluates once on every dataset of the suite (run-compare.ts); SGD/Adam cells are not priced.
 */
import type { DatasetCatalog } from '../config/dataset-facts';
import { type CostEstimate, type CostOptions, type SpeedKind, estimateConfigCost, speedKinds } from '../config/cost';
import type { Speed } from '../config/speed';
import { CompareCell, CompareSuite, suiteCells } from './suite';
import { cellKey, resolveCellConfig, storedCell } from './run-compare';

export interface CellCost {
  readonly cell: CompareCell;
  /** Meta-steps of a learned cell. */
  readonly iterations?: number;
  /** The cell's meta-training (its evaluation: the suite's datasets once). Absent for SGD/Adam cells and unknown shapes. */
  readonly cost?: CostEstimate;
  /** Work of the one evaluation after meta-training: count episodes of the suite's length on every dataset. */
  readonly evaluationWork?: number;
  readonly stepSpeed?: Speed;
  readonly evaluationSpeed?: Speed;
  /** Estimated seconds; 0 for a cell already finished in the output folder; absent when not priced. */
  readonly seconds?: number;
  /** Finished in the output folder with the same config: reused, costs nothing. */
  readonly done: boolean;
}

export interface SuiteCost {
  readonly cells: readonly CellCost[];
  /** Σ seconds of the priced cells. */
  readonly seconds: number;
  /** Learned cells whose cost is unknown (a training dataset's shape is not known without loading it). */
  readonly unpriced: number;
}

/** The speed kinds a suite's learned cells need (to measure them with one scan of the runs folders). */
export function suiteSpeedKinds(suite: CompareSuite, suiteFile: string, opts: CostOptions = {}): SpeedKind[] {
  const kinds = new Set<SpeedKind>();
  for (const cell of suiteCells(suite)) {
    if (cell.kind !== 'learned') continue;
    const k = speedKinds(resolveCellConfig(suite, cell, suiteFile), opts);
    kinds.add(k.step).add(k.evaluation);
  }
  return [...kinds];
}

/**
 * Every cell's estimated cost and time. `speedOf` gives the speed of a kind of work; `outDir`,
 * when given, marks the cells already finished there (a resumed suite pays only for the rest).
 */
export function estimateSuiteCost(
  suite: CompareSuite, suiteFile: string, speedOf: (kind: SpeedKind) => Speed,
  options: { outDir?: string; catalog?: DatasetCatalog; cost?: CostOptions } = {},
): SuiteCost {
  const cells: CellCost[] = [];
  let seconds = 0;
  let unpriced = 0;
  for (const cell of suiteCells(suite)) {
    const config = resolveCellConfig(suite, cell, suiteFile);
    const done = options.outDir !== undefined && storedCell(options.outDir, cell, cellKey(config, suite, cell)).result !== undefined;
    if (cell.kind !== 'learned') {
      cells.push({ cell, done, ...(done ? { seconds: 0 } : {}) });
      continue;
    }
    // The cell's one evaluation: the suite's datasets, count episodes of its length (run-compare.ts's learnedCell).
    const priced = { ...config, evaluation: { ...config.evaluation, datasets: [...suite.datasets], count: suite.evaluation.count, episode_length: suite.evaluation.episode_length, lengths: null } };
    let cost: CostEstimate | undefined;
    try {
      cost = estimateConfigCost(priced, options.catalog, options.cost);
    } catch {
      cost = undefined; // sizes that do not chain: running the suite reports them
    }
    if (!cost) {
      unpriced++;
      cells.push({ cell, iterations: config.training.iterations, done });
      continue;
    }
    const stepSpeed = speedOf(cost.stepKind);
    const evaluationSpeed = speedOf(cost.evalKind);
    const s = done ? 0 : (cost.iterations * cost.workPerStep) / stepSpeed.perSecond + cost.workPerEvaluation / evaluationSpeed.perSecond;
    seconds += s;
    cells.push({ cell, iterations: config.training.iterations, cost, evaluationWork: cost.workPerEvaluation, stepSpeed, evaluationSpeed, seconds: s, done });
  }
  return { cells, seconds, unpriced };
}
