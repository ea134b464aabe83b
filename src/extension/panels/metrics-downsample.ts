/**
 * Downsamples a stream of metrics.jsonl rows for the chart, in bounded memory, without knowing the
 * row count in advance: min/max per bucket. Rows are put in buckets of `width` consecutive rows;
 * each bucket keeps its first and last row and, for every charted value, the row holding its
 * minimum and the row holding its maximum. When the buckets reach 2 × `targetBuckets`, neighbours
 * are merged pairwise and the width doubles, so at most 2 × targetBuckets buckets are ever held.
 *
 * Why min/max and not LTTB: LTTB picks one point per bucket per series (different rows for
 * different metrics) and needs the neighbouring buckets, so it does not stream with an unknown
 * length; and it may drop a one-step spike. Min/max keeps every extreme (a divergence spike in
 * meta-loss or the gradient norm is what one looks for), the first and last row exactly, and a
 * line chart no wider than the bucket count draws the same vertical extent in every pixel column.
 * The kept rows are real rows, unchanged, in file order, so the webview treats them as any other.
 */
import type { MetricsRow } from '../../protocol/run-records';

/** Every value the metrics panel can chart (webview/metrics/model.ts METRIC_KEYS). */
export const CHARTED_KEYS = ['metaLoss', 'trainAccuracy', 'lossPos', 'lossNeg', 'gradNorm', 'thetaNorm', 'stepSeconds'] as const;
type Key = (typeof CHARTED_KEYS)[number];

/** About the width of a chart in pixels: between this and twice this many buckets are kept. */
export const DEFAULT_TARGET_BUCKETS = 512;

interface Kept {
  readonly index: number;
  readonly row: MetricsRow;
}

interface Bucket {
  first: Kept;
  last: Kept;
  /** Per charted key, the row with the smallest / largest finite value (undefined when all were null). */
  min: (Kept | undefined)[];
  max: (Kept | undefined)[];
}

function valueOf(k: Kept | undefined, key: Key): number | null {
  return k ? (k.row[key] ?? null) : null;
}

export class MetricsDownsampler {
  private readonly buckets: Bucket[] = [];
  private width = 1;
  private count = 0;

  constructor(private readonly targetBuckets = DEFAULT_TARGET_BUCKETS) {
    if (!Number.isInteger(targetBuckets) || targetBuckets < 1) throw new Error(`MetricsDownsampler: targetBuckets must be a positive integer, got ${targetBuckets}`);
  }

  /** Rows seen so far. */
  get rowCount(): number {
    return this.count;
  }

  /** Adds the next row (rows come in file order). */
  add(row: MetricsRow): void {
    const k: Kept = { index: this.count++, row };
    if (Math.floor(k.index / this.width) === 2 * this.targetBuckets) this.halve();
    const b = Math.floor(k.index / this.width);
    if (b === this.buckets.length) {
      const self = CHARTED_KEYS.map((key) => (row[key] == null ? undefined : k));
      this.buckets.push({ first: k, last: k, min: self, max: [...self] });
      return;
    }
    const bucket = this.buckets[b];
    bucket.last = k;
    CHARTED_KEYS.forEach((key, i) => {
      const v = row[key];
      // null: not finite when written; undefined: a key this meta-optimizer does not report (lossPos/lossNeg).
      if (v == null) return;
      const lo = valueOf(bucket.min[i], key);
      const hi = valueOf(bucket.max[i], key);
      if (lo === null || v < lo) bucket.min[i] = k;
      if (hi === null || v > hi) bucket.max[i] = k;
    });
  }

  /** Merges neighbouring buckets pairwise; the width doubles. */
  private halve(): void {
    const merged: Bucket[] = [];
    for (let i = 0; i < this.buckets.length; i += 2) {
      const a = this.buckets[i];
      const b = this.buckets[i + 1];
      if (!b) {
        merged.push(a);
        continue;
      }
      merged.push({
        first: a.first,
        last: b.last,
        min: CHARTED_KEYS.map((key, j) => pick(a.min[j], b.min[j], key, (x, y) => y < x)),
        max: CHARTED_KEYS.map((key, j) => pick(a.max[j], b.max[j], key, (x, y) => y > x)),
      });
    }
    this.buckets.splice(0, this.buckets.length, ...merged);
    this.width *= 2;
  }

  /** The kept rows in file order, each once. Holds the first and last row and every key's extremes. */
  rows(): MetricsRow[] {
    const out: Kept[] = [];
    for (const b of this.buckets) {
      const inBucket = new Map<number, Kept>();
      for (const k of [b.first, ...b.min, ...b.max, b.last]) if (k) inBucket.set(k.index, k);
      out.push(...[...inBucket.values()].sort((x, y) => x.index - y.index));
    }
    return out.map((k) => k.row);
  }

  /** The most rows `rows()` can return for this target: 2 × buckets × (first, last, min and max of each key). */
  static maxRows(targetBuckets = DEFAULT_TARGET_BUCKETS): number {
    return 2 * targetBuckets * (2 + 2 * CHARTED_KEYS.length);
  }
}

/** The earlier of two kept rows unless the later one is strictly better (ties keep the first). */
function pick(a: Kept | undefined, b: Kept | undefined, key: Key, better: (x: number, y: number) => boolean): Kept | undefined {
  if (!a) return b;
  if (!b) return a;
  return better(a.row[key] as number, b.row[key] as number) ? b : a;
}
