/**
 * A run's provenance (docs/contracts.md §1) in a line a researcher can read in the run header:
 * which code (the lab's version and commit, the config's repository commit), where (host, OS,
 * Node), how (runner), and on which data (checksums, shortened). Pure.
 */
import type { GitState, Provenance } from '../../src/protocol/run-records';

const short = (sha: string): string => sha.slice(0, 10);
const git = (g: Partial<GitState>): string => (g.commit ? ` @ ${short(g.commit)}${g.dirty ? ' (uncommitted changes)' : g.dirty === false ? ' (clean)' : ''}` : '');

export function provenanceParts(p: Provenance): { label: string; value: string; title?: string }[] {
  const parts: { label: string; value: string; title?: string }[] = [
    { label: 'lab', value: `VS-ML Lab ${p.lab.version}${git(p.lab)}`, ...(p.lab.commit ? { title: p.lab.commit } : {}) },
  ];
  if (p.workspace) parts.push({ label: 'code', value: `${p.workspace.root.split(/[\\/]/).filter(Boolean).pop() ?? p.workspace.root}${git(p.workspace)}`, title: `${p.workspace.root} ${p.workspace.commit}` });
  parts.push({ label: 'host', value: `${p.host} (${p.platform} ${p.arch}, Node ${p.node})` });
  if (p.runner) parts.push({ label: 'runner', value: `${p.runner.path}/${p.runner.backend}, ${p.runner.precision}, ${p.runner.threads} thread${p.runner.threads === 1 ? '' : 's'}` });
  const data = Object.entries(p.datasets).map(([name, d]) => {
    const splits = Object.entries(d.splits);
    return splits.length === 0 ? `${name} (generated)` : `${name} ${splits.map(([s, c]) => `${s} ${c.examples} ex. sha256 ${c.sha256.slice(0, 8)}`).join(', ')}`;
  });
  if (data.length) {
    parts.push({
      label: 'data', value: data.join('; '),
      title: Object.entries(p.datasets).map(([name, d]) => `${name}: ${d.source}\n${Object.entries(d.splits).map(([s, c]) => `  ${s}: ${c.sha256}`).join('\n')}`).join('\n'),
    });
  }
  return parts;
}
