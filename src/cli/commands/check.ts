import { parseArgs } from 'node:util';
import { totalmem } from 'node:os';
import { resolve } from 'node:path';
import { estimateAllocation, formatBytes } from '../../engine/config/allocation';
import { datasetShape, estimateConfigCost, estimateSeconds, speedKinds, type CostEstimate } from '../../engine/config/cost';
import { costLines } from '../../engine/config/cost-text';
import { loadGradientKernel } from '../../engine/kernel/native-gradient';
import { formatIssue, makeIssue, pointerToPath, type ConfigIssue } from '../../engine/config/issues';
import type { Speed } from '../../engine/config/speed';
import { speedsFromRuns } from '../../engine/runs/speed-from-runs';
import { trainingDatasets, type ExperimentConfig } from '../../engine/config/types';
import { engineDatasetCatalog } from '../../engine/data/catalog';
import { checkExperiment } from '../load-experiment';
import { toModelConfig } from '../../engine/config/to-model-config';
import { createRunner } from '../../engine/runner/create-runner';
import { runnerChoice } from './train';

export const CHECK_USAGE = `vsml check <config.vsml.json> [--set path=value ...] [--json] [--runs-dir DIR]
  Validates the experiment (schema, datasets on this machine, sizes) and estimates its cost without
  starting a run: work per meta-step and in total (VSML: cell-ticks, forward+backward for backprop;
  MetaRNN, HebbianFW, FWMemory: multiply-adds), expected over task mixes and episode_lengths, peak
  memory (with backprop's gradient tape), and the time at this machine's speed for that kind of
  work as measured by the newest such run in <runs-dir> (default .vsml/runs) that ran on this
  machine, else an assumed rate (VSML: 5 M cell-ticks/s); it says which.
  Exits 1 when the config has errors.`;

/** What `vsml check --json` prints (one object). */
export interface CheckReport {
  readonly file: string;
  readonly ok: boolean;
  readonly issues: readonly ConfigIssue[];
  /** Absent when the config has errors or its dataset shapes are unknown. */
  readonly cost?: CostEstimate;
  readonly memory?: { readonly peakBytes: number; readonly machineBytes: number; readonly items: readonly { what: string; path: string; bytes: number }[] };
  /** The speed of the meta-steps' kind of work (cost.stepKind). */
  readonly speed?: Speed;
  /** The speed of the evaluations' kind of work (cost.evalKind; VSML's forward cell-ticks for backprop). */
  readonly evaluationSpeed?: Speed;
  readonly seconds?: { readonly perStep: number; readonly perEvaluation: number; readonly total: number };
  /** The execution path a run would take: the runner's name and backend, and how it was chosen (log lines). */
  readonly engine?: { readonly path: string; readonly runner: string; readonly backend: string; readonly notes: readonly string[] };
}

export async function checkCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      set: { type: 'string', multiple: true, default: [] },
      json: { type: 'boolean', default: false },
      'runs-dir': { type: 'string', default: '.vsml/runs' },
    },
  });
  if (positionals.length !== 1) {
    out(`${CHECK_USAGE}\n`);
    return 2;
  }
  const file = positionals[0];
  const res = await checkExperiment(file, values.set!);
  const report = await reportFor(file, res.issues, res.config, resolve(values['runs-dir']!));
  if (values.json) {
    out(`${JSON.stringify(report)}\n`);
    return report.ok ? 0 : 1;
  }
  for (const i of report.issues) process.stderr.write(`${i.severity === 'error' ? 'error: ' : ''}${formatIssue(i)}\n`);
  if (!report.ok) return 1;
  out(describe(report, res.config!));
  return 0;
}

async function reportFor(file: string, issues: readonly ConfigIssue[], config: ExperimentConfig | undefined, runsDir: string): Promise<CheckReport> {
  if (!config) return { file, ok: false, issues };
  const catalog = engineDatasetCatalog(config.data.dir ? { dataDir: config.data.dir } : {});
  const alloc = estimateAllocation(config, catalog, { nativeGradient: config.optimizer.type === 'backprop' ? loadGradientKernel().kernel !== undefined : true });
  const memory = {
    peakBytes: alloc.peakBytes,
    machineBytes: totalmem(),
    items: [...alloc.items].sort((a, b) => b.bytes - a.bytes).map((i) => ({ what: i.what, path: pointerToPath(i.path), bytes: i.bytes })),
  };
  // A config the limits allow can still need more memory than this machine has.
  const largest = [...alloc.items].sort((a, b) => b.bytes - a.bytes)[0];
  const extra: ConfigIssue[] = memory.peakBytes > memory.machineBytes && largest ? [makeIssue(file, largest.path,
    `the run would need about ${formatBytes(memory.peakBytes)} of memory, more than this machine's ${formatBytes(memory.machineBytes)} (largest: ${largest.what})`,
    'lower it, or run on a machine with more memory', 'memory', 'warning')] : [];
  const names = trainingDatasets(config);
  const shapes = names.map((n) => datasetShape(config, n, catalog));
  const costOpts = { nativeGradient: config.optimizer.type === 'backprop' ? loadGradientKernel().kernel !== undefined : true };
  const cost = shapes.some((s) => s === undefined) ? undefined : estimateConfigCost(config, catalog, costOpts);
  if (!cost) return { file, ok: true, issues: [...issues, ...extra], memory };
  const kinds = speedKinds(config, costOpts);
  const speeds = await speedsFromRuns(runsDir, [kinds.step, kinds.evaluation], undefined, costOpts);
  const speed = speeds[kinds.step]!;
  const evaluationSpeed = speeds[kinds.evaluation]!;
  const engine = await engineChoice(config, shapes[0]!.inputSize, shapes[0]!.numClasses);
  return { file, ok: true, issues: [...issues, ...extra], cost, memory, speed, evaluationSpeed, seconds: estimateSeconds(cost, speed.perSecond, evaluationSpeed.perSecond), engine };
}

/** Starts the runner a run would start (measuring, for auto, unless remembered), notes how it was chosen, and stops it. */
async function engineChoice(config: ExperimentConfig, inputSize: number, numClasses: number): Promise<CheckReport['engine']> {
  const notes: string[] = [];
  const model = toModelConfig(config, config.data.preprocess.pad.output?.[0] ?? numClasses, inputSize);
  const choice = runnerChoice(config, {});
  try {
    const runner = await createRunner(choice, (m) => notes.push(m), { model });
    await runner.dispose();
    return { path: choice.path, runner: runner.name, backend: runner.backend, notes };
  } catch (e) {
    return { path: choice.path, runner: 'none', backend: '', notes: [...notes, (e as Error).message] };
  }
}

function describe(r: CheckReport, cfg: ExperimentConfig): string {
  const lines = [`${r.file}: ok (no run started)`];
  if (r.cost && r.seconds && r.speed && r.evaluationSpeed) {
    lines.push(...costLines(r.cost, r.seconds, r.speed, r.evaluationSpeed, cfg));
  } else {
    lines.push('  cost         unknown: the shape of a training dataset is not known without loading it');
  }
  if (r.engine) {
    lines.push(`  engine       ${r.engine.runner}${r.engine.backend ? ` (${r.engine.backend})` : ''}, engine.path ${r.engine.path}`);
    for (const n of r.engine.notes) lines.push(`                 ${n}`);
  }
  if (r.memory) {
    lines.push(`  memory       about ${formatBytes(r.memory.peakBytes)} at peak (this machine: ${formatBytes(r.memory.machineBytes)}); largest:`);
    for (const i of r.memory.items.slice(0, 3)) lines.push(`                 ${formatBytes(i.bytes).padStart(10)}  ${i.what}`);
  }
  return `${lines.join('\n')}\n`;
}
