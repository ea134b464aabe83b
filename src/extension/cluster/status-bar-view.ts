/**
 * What the cluster status-bar item shows, from one `vsml cluster status --json` probe. Pure (no
 * vscode): the status bar sets `text` and `tooltip`, tests pin the wording.
 */
import type { ClusterStatus } from '../../protocol/cluster-status';

export type ClusterProbe = { ok: true; status: ClusterStatus } | { ok: false; reason: string };

export interface ClusterStatusView {
  readonly text: string;
  readonly tooltip: string;
  /** True when the item should draw attention (the warning background). */
  readonly warning: boolean;
}

const ICON = '$(server-environment)';
const CLICK = 'Click: VS-ML: Train on Cluster';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function clusterStatusView(probe: ClusterProbe): ClusterStatusView {
  if (!probe.ok) {
    return { text: `${ICON} VS-ML cluster unreachable`, tooltip: `VS-ML cluster unreachable: ${probe.reason}\n\n${CLICK}`, warning: true };
  }
  const s = probe.status;
  const c = s.counts;
  // Queued = not yet taken by a worker: waiting, and delayed (a retry's back-off).
  const queued = c.waiting + c.delayed;
  const lines = [`VS-ML cluster ${s.url} (queue ${s.queue})`, `jobs: ${c.waiting} waiting, ${c.active} active, ${c.delayed} delayed, ${c.failed} failed, ${c.completed} completed`];
  const speeds = new Map(s.speeds.map((x) => [x.worker, x]));
  if (s.workers.length === 0) lines.push('no workers: start `vsml worker --cluster URL` on the machines');
  for (const w of s.workers) {
    const x = speeds.get(w.name);
    lines.push(`${w.name}: ${x ? `${x.pairsPerSecond.toFixed(1)} pairs/s (${plural(x.jobs, 'recent job')})` : 'no recent jobs'}, idle ${w.idleSeconds} s`);
  }
  lines.push('', CLICK);
  return { text: `${ICON} VS-ML cluster: ${plural(s.workers.length, 'worker')} · ${queued} queued`, tooltip: lines.join('\n'), warning: s.workers.length === 0 && queued > 0 };
}

/**
 * The reason a probe failed, from the CLI's stderr (`error: --cluster: cannot reach … \n  fix: …`):
 * its first error line without the `error: ` prefix, else how the process ended.
 */
export function probeFailureReason(stderr: string, ended: string): string {
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l.startsWith('error:'));
  return line ? line.slice('error:'.length).trim() : ended;
}
