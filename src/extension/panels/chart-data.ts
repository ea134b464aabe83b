/**
 * What the metrics panel's snapshot holds of one run's jsonl files, read in bounded memory
 * however long the run: metrics.jsonl streamed through the min/max downsampler, eval.jsonl
 * streamed and thinned to at most 2 × MAX_EVAL_STEPS evenly spaced evaluation steps plus the
 * newest. Both return the byte offsets to tail from. No vscode import.
 */
import { join } from 'node:path';
import { type EvalRow, type MetricsRow, parseEvalRow, parseMetricsRow } from '../../protocol/run-records';
import { streamJsonl } from '../../engine/runs/jsonl-stream';
import { DEFAULT_TARGET_BUCKETS, MetricsDownsampler } from './metrics-downsample';

/** Evaluation steps kept for the snapshot: up to twice this many, plus the newest. */
export const MAX_EVAL_STEPS = 256;
/** Rows kept per evaluation step (one per dataset; a config has a handful). */
export const MAX_EVALS_PER_STEP = 64;

export interface ChartData {
  readonly metrics: MetricsRow[];
  /** Complete, valid rows in metrics.jsonl (more than `metrics.length` when downsampled). */
  readonly metricsRowCount: number;
  readonly evals: EvalRow[];
  readonly evalRowCount: number;
  readonly offsets: { metrics: number; evals: number };
  readonly problems: string[];
}

/** Recorded evaluations (rows with a `source`) kept for the panel: the newest this many. */
export const MAX_RECORDED_EVALS = 1000;

interface EvalGroup {
  /** How many distinct steps came before this one. */
  readonly index: number;
  readonly step: number;
  readonly rows: EvalRow[];
}

/**
 * Keeps the evaluation rows of every `stride`-th evaluation step (all datasets of a kept step)
 * plus the newest step. When more than 2 × maxSteps steps are kept, the stride doubles and every
 * other kept step goes, so the kept steps stay evenly spaced and memory stays bounded.
 */
export class EvalThinner {
  private kept: EvalGroup[] = [];
  private newest: EvalGroup | undefined;
  private stride = 1;
  private distinct = 0;
  private readonly recorded: EvalRow[] = [];

  constructor(private readonly maxSteps = MAX_EVAL_STEPS, private readonly maxPerStep = MAX_EVALS_PER_STEP) {}

  add(row: EvalRow): void {
    // Evaluations recorded after training (editor, CLI) are few and each one matters: kept aside, never thinned.
    if (row.source !== undefined) {
      this.recorded.push(row);
      if (this.recorded.length > MAX_RECORDED_EVALS) this.recorded.shift();
      return;
    }
    const current = this.newest ?? this.kept[this.kept.length - 1];
    if (current && current.step === row.step) {
      if (current.rows.length < this.maxPerStep) current.rows.push(row);
      return;
    }
    const group: EvalGroup = { index: this.distinct++, step: row.step, rows: [row] };
    if (group.index % this.stride !== 0) {
      this.newest = group;
      return;
    }
    this.newest = undefined;
    this.kept.push(group);
    if (this.kept.length > 2 * this.maxSteps) {
      this.stride *= 2;
      this.kept = this.kept.filter((g) => g.index % this.stride === 0);
    }
  }

  rows(): EvalRow[] {
    return [...[...this.kept, ...(this.newest ? [this.newest] : [])].flatMap((g) => g.rows), ...this.recorded];
  }
}

export async function readChartData(dir: string, targetBuckets = DEFAULT_TARGET_BUCKETS): Promise<ChartData> {
  const down = new MetricsDownsampler(targetBuckets);
  const m = await streamJsonl(join(dir, 'metrics.jsonl'), 0, parseMetricsRow, (r) => down.add(r));
  const thin = new EvalThinner();
  const e = await streamJsonl(join(dir, 'eval.jsonl'), 0, parseEvalRow, (r) => thin.add(r));
  return {
    metrics: down.rows(),
    metricsRowCount: m.rowCount,
    evals: thin.rows(),
    evalRowCount: e.rowCount,
    offsets: { metrics: m.nextOffset, evals: e.nextOffset },
    problems: [...m.problems, ...e.problems],
  };
}
