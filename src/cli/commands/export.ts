import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { exportEvalCsv, exportMetricsCsv } from '../../engine/runs/export-csv';
import { writeFileAtomic } from '../../engine/runs/atomic-file';

export const EXPORT_USAGE = `vsml export <run-folder> --csv [--eval] [--out FILE]
  Writes the run's meta-training metrics (metrics.jsonl) as CSV with a header, one row per meta-step;
  --eval writes the evaluations instead (eval.jsonl), one row per (step, dataset, method) with
  meanAccuracy, finalAccuracy, meanLoss, lr, model. To stdout unless --out names a file.`;

export async function exportCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      csv: { type: 'boolean', default: false },
      eval: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  if (positionals.length !== 1 || !values.csv) {
    out(`${EXPORT_USAGE}\n`);
    return 2;
  }
  const dir = resolve(positionals[0]);
  const result = values.eval ? exportEvalCsv(dir) : exportMetricsCsv(dir);
  if (result.skipped > 0) {
    process.stderr.write(`note: skipped ${result.skipped} unreadable line${result.skipped === 1 ? '' : 's'} of ${values.eval ? 'eval.jsonl' : 'metrics.jsonl'} (torn by a crash or edited)\n`);
  }
  if (values.out) {
    writeFileAtomic(resolve(values.out), result.csv);
    process.stderr.write(`wrote ${result.rows} row${result.rows === 1 ? '' : 's'} to ${values.out}\n`);
  } else {
    out(result.csv);
  }
  return 0;
}
