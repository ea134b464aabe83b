/** The recorded runs under test/fixtures/runs, read by the extension's own run reader. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths';
import { RunData, readRunData, readRunSnapshot, summaryOf, paramSharingOf } from '../../src/extension/panels/run-data';
import type { MetricsRunData } from '../../src/protocol/metrics-panel';
import type { HostToGraphMessage } from '../../src/protocol/graph-panel';

export const FIXTURE_RUNS = join(REPO_ROOT, 'test/fixtures/runs');

export function fixtureRunId(prefix: 'pooled-mnist' | 'deep-layerwise'): string {
  const id = readdirSync(FIXTURE_RUNS).find((d) => d.startsWith(`${prefix}-`));
  if (!id) throw new Error(`no fixture run ${prefix}-* in ${FIXTURE_RUNS}; run test/fixtures/make-panel-runs.ts`);
  return id;
}

export async function fixtureRun(prefix: 'pooled-mnist' | 'deep-layerwise'): Promise<RunData> {
  const id = fixtureRunId(prefix);
  const data = await readRunData(join(FIXTURE_RUNS, id), id);
  if (data.problems.length) throw new Error(`fixture ${id}: ${data.problems.join('; ')}`);
  return data;
}

export function metricsRunData(d: RunData): MetricsRunData {
  return { summary: summaryOf(d.runId, d.status, d.config), config: d.config, metrics: d.metrics, evals: d.evals, metricsRowCount: d.metrics.length };
}

export async function graphSnapshotMessage(prefix: 'pooled-mnist' | 'deep-layerwise'): Promise<HostToGraphMessage & { type: 'graph/snapshot' }> {
  const d = await fixtureRun(prefix);
  const s = await readRunSnapshot(d.dir);
  if (!s.snapshot) throw new Error(`fixture ${d.runId} has no snapshot: ${s.problem}`);
  return {
    type: 'graph/snapshot',
    summary: summaryOf(d.runId, d.status, d.config),
    sharing: paramSharingOf(d.config, s.snapshot.layerSizes, s.layerParamIndex),
    snapshot: s.snapshot,
  };
}
