import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { listRuns, RunListing } from '../../engine/runs/runs-listing';
import { markdownTable } from '../format-table';

export const RUNS_USAGE = `vsml runs [--runs-dir DIR] [--sweep NAME] [--json]
  Lists the runs under DIR (default .vsml/runs), newest first: state, meta-step, best evaluation,
  start time, config, and the hyperparameters that differ between the listed runs.
  --sweep NAME lists only the runs of that sweep (vsml sweep).
  --json prints one object per run: {"runId","dir","state","step","totalSteps","best","startedAt","config","sweep","params",
  "provenance"} (provenance: lab version and commit, the config's git commit, host, Node, runner, dataset checksums).`;

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

function table(rows: readonly RunListing[]): string {
  if (rows.length === 0) return 'no runs\n';
  const paramKeys = Object.keys(rows[0].params);
  const head = ['run', 'state', 'step', 'best', 'started', 'config', ...paramKeys];
  const body = rows.map((r) => [
    r.runId,
    r.state,
    r.step !== undefined ? `${r.step}/${r.totalSteps}` : '',
    r.best ? `${pct(r.best.value)} @${r.best.step}` : '',
    r.startedAt?.replace('T', ' ').slice(0, 19) ?? '',
    r.config ?? '',
    ...paramKeys.map((k) => (r.params[k] === undefined ? '' : JSON.stringify(r.params[k]))),
  ]);
  return `${markdownTable(head, body)}\n`;
}

export async function runsCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'runs-dir': { type: 'string', default: '.vsml/runs' }, sweep: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 0) {
    out(`${RUNS_USAGE}\n`);
    return 2;
  }
  const rows = await listRuns(resolve(values['runs-dir']!), { sweep: values.sweep });
  out(values.json ? rows.map((r) => `${JSON.stringify(r)}\n`).join('') : table(rows));
  return 0;
}
