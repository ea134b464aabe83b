import type { EvalRow, MethodName } from '../protocol/run-records';

const METHODS: MethodName[] = ['learned', 'teacher', 'untrained', 'sgd', 'adam'];
const LABEL: Record<MethodName, string> = { learned: 'learned LA', untrained: 'untrained LA', sgd: 'online SGD', adam: 'online Adam', teacher: 'teacher (backprop)' };

const pct = (v: number | undefined): string => (v === undefined ? '—' : `${(100 * v).toFixed(1)}%`);

/**
 * The evaluation table the main job and `vsml eval` print: one block per dataset, one row per
 * method, mean and final online accuracy and mean loss. Plain text that also reads in a README.
 */
export function formatEvalTable(rows: readonly EvalRow[]): string {
  const header = ['dataset', 'T', 'K', 'method', 'mean acc', 'final acc', 'mean loss', 'lr'];
  const body: string[][] = [];
  for (const r of rows) {
    for (const m of METHODS) {
      const res = r.methods[m];
      if (!res) continue;
      body.push([r.dataset, String(r.length), String(r.episodes), LABEL[m], pct(res.meanAccuracy), pct(res.finalAccuracy), res.meanLoss === null ? 'n/a' : res.meanLoss.toFixed(3), res.lr === undefined ? '' : String(res.lr)]);
    }
  }
  return formatTable(header, body);
}

/** A Markdown table with padded columns: plain text that also reads in a README. */
export function formatTable(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
