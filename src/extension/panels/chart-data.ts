/**
 * What the metrics panel's snapshot holds of one run's jsonl files, read in bounded memory
 * however long the run: metrics.jsonl streamed through the min/max downsampler, eval.jsonl
 * streamed and thinned to at most MAX_EVAL_STEPS evaluation steps (halving the evenly spaced
 * steps kept, the newest always kept). Both return the byte offsets to tail from. No vscode import.
 */
import { join } from 'node:path';
import { type EvalRow, type MetricsRow, parseEvalRow, parseMetricsRow } from '../../protocol/run-records';
import { streamJsonl } from './jsonl-stream';
import { DEFAULT_TARGET_BUCKETS, MetricsDownsampler } from './metrics-downsample';

/** Evaluation steps kept for the snapshot: between this and twice this many. */
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

/**
 * Keeps evaluation rows grouped by step, at most 2 × maxSteps groups: when full, every other
 * group is dropped counting from the newest, so the newest evaluation always stays and the kept
 * steps stay evenly spaced.
 */
export class EvalThinner {
  private groups: { step: number; rows: EvalRow[] }[] = [];

  constructor(private readonly maxSteps = MAX_EVAL_STEPS, private readonly maxPerStep = MAX_EVALS_PER_STEP) {}

  add(row: EvalRow): void {
    const last = this.groups[this.groups.length - 1];
    if (last && last.step === row.step) {
      if (last.rows.length < this.maxPerStep) last.rows.push(row);
      return;
    }
    if (this.groups.length === 2 * this.maxSteps) {
      const n = this.groups.length;
      this.groups = this.groups.filter((_, i) => (n - 1 - i) % 2 === 1);
    }
    this.groups.push({ step: row.step, rows: [row] });
  }

  rows(): EvalRow[] {
    return this.groups.flatMap((g) => g.rows);
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
