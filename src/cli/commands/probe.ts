import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { EngineError } from '../../engine/errors';
import { openTrainedLa } from '../../engine/eval/evaluate-checkpoint';
import { ProbeReport, probeJsonLine, probeTrainedLa } from '../../engine/eval/probe';
import { createRunner } from '../../engine/runner/create-runner';
import { runnerChoice } from './train';
import { positiveInt, withEvalOverrides } from './eval';
import { markdownTable } from '../format-table';

export const PROBE_USAGE = `vsml probe <run-folder|checkpoint.json> --dataset NAME|idx:<dir>|images:<dir>|csv:<file> [--json]
           [--episodes K] [--length T] [--set path=value ...] [--data-dir DIR] [--path ...] [--backend ...] [--threads N]
  The learned LA's invariances (the paper's section 4.3): mean online accuracy on the dataset unmodified
  (baseline) and with only classes 0-2 (classes3) or 0-4 (classes5), inputs resized to 14x14, 21x21,
  32x32 or 48x48 (size14...size48), a random projection of the inputs (randomProjection) and a fixed
  pixel permutation (shuffled); projection and permutation come from the run's seed + 1, so they are
  new to a run meta-trained with a fixed one. Every probe sees the stream vsml eval draws (the run's
  evaluation.episode_length, count and seed unless --length/--episodes say otherwise).
  Chance is 1/classes: 10% for 10 classes, 20% with classes5, 33.3% with classes3, so compare a class
  probe with its own chance level. A probe that does not apply (classes3 on a 2-class dataset, sizes on
  flat csv features) is null.
  --json prints exactly one line: {"dataset":..,"probes":{"baseline":acc,"classes3":acc,...,"shuffled":acc}}.
  --set applies evaluation overrides (as vsml eval --set) under every probe.`;

const pct = (v: number | null): string => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);

/** The human-readable probe table: one row per probe, with its chance level. */
export function formatProbeTable(r: ProbeReport): string {
  const header = ['probe', 'classes', 'inputs', 'chance', 'mean acc', 'final acc', 'setting'];
  const body = r.probes.map((p) => [p.name, p.classes === null ? '' : String(p.classes), p.inputSize === null ? '' : String(p.inputSize),
    p.classes === null ? '' : pct(1 / p.classes), pct(p.meanAccuracy), pct(p.finalAccuracy), p.skipped ? `not applicable: ${p.skipped}` : p.sets.join(' ')]);
  return markdownTable(header, body);
}

export async function probeCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      dataset: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
      episodes: { type: 'string' },
      length: { type: 'string' },
      json: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      path: { type: 'string' },
      backend: { type: 'string' },
      threads: { type: 'string' },
    },
  });
  if (positionals.length !== 1) {
    out(`${PROBE_USAGE}\n`);
    return 2;
  }
  if (!values.dataset) throw new EngineError('--dataset', 'is missing', 'name the dataset to probe, e.g. --dataset mnist or --dataset idx:<dir>');
  const la = openTrainedLa(resolve(positionals[0]));
  withEvalOverrides(la, values.set!, [values.dataset]);
  if (values['data-dir']) la.config = { ...la.config, data: { ...la.config.data, dir: values['data-dir'] } };
  const runner = await createRunner(runnerChoice(la.config, values), (m) => void process.stderr.write(`${m}\n`));
  try {
    const report = await probeTrainedLa(la, runner, {
      dataset: values.dataset,
      length: positiveInt(values.length, '--length', la.config.evaluation.episode_length),
      episodes: positiveInt(values.episodes, '--episodes', la.config.evaluation.count),
      onProbe: values.json ? undefined : (name) => void process.stderr.write(`probe ${name}...\n`),
    });
    if (values.json) out(probeJsonLine(report));
    else {
      out(`Learned LA from ${la.file} (meta-step ${la.checkpoint.step}) on ${report.dataset}: mean online accuracy over ${report.episodes} episodes of T=${report.length} (evaluation seed ${report.seed}), runner ${runner.name}/${runner.backend}:\n${formatProbeTable(report)}\n`);
    }
    return 0;
  } finally {
    await runner.dispose();
  }
}
