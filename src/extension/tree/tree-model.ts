/**
 * What the Experiments view shows, as plain data: config files with their runs, labels,
 * descriptions, icons and context values. Pure (no vscode import) so it is unit-tested; the
 * TreeDataProvider in experiments-tree.ts only turns these into TreeItems.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import type { RunState } from '../../protocol/run-records';
import type { DiscoveredRun } from '../../engine/runs/run-repository';

/** The state a run is shown in: its status, `failed` when the trainer vanished, `unknown` when unreadable. */
export type ShownState = RunState | 'unknown';

export interface ConfigNode {
  readonly kind: 'config';
  /** Absolute path of the .vsml.json file ('' for runs whose config is not in the workspace). */
  readonly file: string;
  readonly label: string;
  readonly description: string;
  readonly contextValue: 'vsml.config' | 'vsml.orphans';
  readonly runs: readonly RunNode[];
}

export interface RunNode {
  readonly kind: 'run';
  readonly runId: string;
  readonly dir: string;
  readonly configFile: string | undefined;
  readonly state: ShownState;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  /** A codicon id (the view maps it to a ThemeIcon). */
  readonly icon: string;
  /** `vsml.run.<state>` plus `.resumable` when it can be resumed: menus match on these. */
  readonly contextValue: string;
}

export type TreeNode = ConfigNode | RunNode;

export const STATE_ICONS: Readonly<Record<ShownState, string>> = {
  running: 'sync~spin',
  finished: 'pass',
  failed: 'error',
  stopped: 'debug-stop',
  unknown: 'question',
};

/** `81` -> `1m 21s`; `3725` -> `1h 02m`. */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** `eval/mnist/learned/meanAccuracy` -> `mnist acc`; other names keep their last part. */
export function shortMetricName(metric: string): string {
  const parts = metric.split('/');
  if (parts[0] === 'eval' && parts.length >= 4) {
    const what = parts[parts.length - 1].replace(/Accuracy$/, ' acc').replace(/^mean /, '').replace(/^mean/, '');
    return `${parts[1]} ${what.trim() || parts[parts.length - 1]}`;
  }
  return parts[parts.length - 1];
}

export function formatMetricValue(value: number): string {
  return Math.abs(value) >= 100 || value === 0 ? String(Math.round(value * 100) / 100) : value.toPrecision(3);
}

export function runNode(run: DiscoveredRun, configFile: string | undefined): RunNode {
  const st = run.status;
  const state: ShownState = run.vanished ? 'failed' : st ? st.state : 'unknown';
  const parts: string[] = [];
  if (st) {
    parts.push(`step ${st.step}/${st.totalSteps}`);
    if (st.best) parts.push(`${shortMetricName(st.best.metric)} ${formatMetricValue(st.best.value)}`);
    parts.push(formatElapsed(st.elapsedSeconds));
  }
  const reason = run.vanished ?? st?.error ?? run.problem;
  const tooltipLines = [
    `${run.runId} — ${state}`,
    ...(st ? [`step ${st.step} of ${st.totalSteps}, ${formatElapsed(st.elapsedSeconds)}`] : []),
    ...(st?.runner ? [`runner: ${st.runner.path} / ${st.runner.backend}, ${st.runner.threads} thread(s)`] : []),
    ...(st?.best ? [`best ${st.best.metric} = ${st.best.value} at step ${st.best.step}`] : []),
    ...(reason ? [reason] : []),
    run.dir,
  ];
  // A run can be resumed from its checkpoint when it did not finish and nothing is training it.
  const resumable = state === 'stopped' || state === 'failed';
  return {
    kind: 'run',
    runId: run.runId,
    dir: run.dir,
    configFile,
    state,
    label: st?.startedAt ? startLabel(run.runId) : run.runId,
    description: [state, ...parts].join(' · '),
    tooltip: tooltipLines.join('\n'),
    icon: STATE_ICONS[state],
    contextValue: `vsml.run.${state}${resumable ? '.resumable' : ''}`,
  };
}

/** `default-20261127-191500-a1b2` -> `2026-11-27 19:15:00 (a1b2)`; other ids unchanged. */
export function startLabel(runId: string): string {
  const m = /-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-([0-9a-f]{4})$/.exec(runId);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} (${m[7]})` : runId;
}

/**
 * Groups runs under the config file they came from. `source` may be absolute or relative to
 * the workspace folder the trainer ran in; runs whose config is not among `configFiles` land in
 * one "other runs" node so they are never hidden.
 */
export function buildTree(configFiles: readonly string[], runs: readonly DiscoveredRun[], workspaceRoot: string): ConfigNode[] {
  const byFile = new Map<string, DiscoveredRun[]>(configFiles.map((f) => [resolve(f), []]));
  const orphans: DiscoveredRun[] = [];
  for (const run of runs) {
    const src = run.source ? resolve(workspaceRoot, run.source) : undefined;
    const list = src !== undefined ? byFile.get(src) : undefined;
    if (list) list.push(run);
    else orphans.push(run);
  }
  const nodes: ConfigNode[] = [...byFile.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, list]) => {
      const rel = relative(workspaceRoot, file);
      const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
      const running = list.filter((r) => !r.vanished && r.status?.state === 'running').length;
      return {
        kind: 'config',
        file,
        label: shown.split(/[\\/]/).pop() ?? shown,
        description: [shown.includes('/') ? shown.slice(0, shown.lastIndexOf('/')) : '', `${list.length} run${list.length === 1 ? '' : 's'}`, running ? `${running} running` : '']
          .filter(Boolean).join(' · '),
        contextValue: 'vsml.config',
        runs: list.map((r) => runNode(r, file)),
      };
    });
  if (orphans.length > 0) {
    nodes.push({
      kind: 'config',
      file: '',
      label: 'Other runs',
      description: 'config not in this workspace',
      contextValue: 'vsml.orphans',
      runs: orphans.map((r) => runNode(r, undefined)),
    });
  }
  return nodes;
}
