import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { listRuns, paramKeysOf, RunListing, withDifferingParams } from '../../engine/runs/runs-listing';
import { markdownTable } from '../format-table';

export const RUNS_USAGE = `vsml runs [--runs-dir DIR] [--sweep NAME] [--tag TAG ...] [--json]
  Lists the runs under DIR (default .vsml/runs), newest first: state, meta-step, best evaluation,
  start time, config, notes, tags, and the hyperparameters that differ between the listed runs.
  --sweep NAME lists only the runs of that sweep (vsml sweep).
  --tag keeps the runs carrying every given tag (tags are edited in the editor's runs table).
  --json prints one object per run: {"runId","dir","state","step","totalSteps","best","startedAt","config","sweep",
  "notes","tags","params","provenance"} (provenance: lab version and commit, the config's git commit, host, Node,
  runner, dataset checksums).`;

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
/** A table cell is one line: notes keep their first line, cut to a readable width. */
const oneLine = (s: string, max = 40): string => {
  const first = s.split('\n')[0];
  return first.length > max || s.includes('\n') ? `${first.slice(0, max - 1)}…` : first;
};

function table(rows: readonly RunListing[]): string {
  if (rows.length === 0) return 'no runs\n';
  const paramKeys = paramKeysOf(rows);
  const head = ['run', 'state', 'step', 'best', 'started', 'config', 'notes', 'tags', ...paramKeys];
  const body = rows.map((r) => [
    r.runId,
    r.state,
    r.step !== undefined ? `${r.step}/${r.totalSteps}` : '',
    r.best ? `${pct(r.best.value)} @${r.best.step}` : '',
    r.startedAt?.replace('T', ' ').slice(0, 19) ?? '',
    r.config ?? '',
    oneLine(r.notes),
    r.tags.join(', '),
    ...paramKeys.map((k) => (r.params[k] === undefined ? '' : JSON.stringify(r.params[k]))),
  ]);
  return `${markdownTable(head, body)}\n`;
}

export async function runsCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'runs-dir': { type: 'string', default: '.vsml/runs' },
      sweep: { type: 'string' },
      tag: { type: 'string', multiple: true, default: [] },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 0) {
    out(`${RUNS_USAGE}\n`);
    return 2;
  }
  const all = await listRuns(resolve(values['runs-dir']!), { sweep: values.sweep });
  const tags = values.tag!;
  const rows = tags.length === 0 ? all : withDifferingParams(all.filter((r) => tags.every((t) => r.tags.includes(t))));
  out(values.json ? rows.map((r) => `${JSON.stringify(r)}\n`).join('') : table(rows));
  return 0;
}
