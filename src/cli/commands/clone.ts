import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { runClone } from '../../engine/clone/run-clone';
import { cloneConfigIssues } from '../../engine/clone/clone-config';
import { createRunner } from '../../engine/runner/create-runner';
import { ConfigErrors, loadExperiment } from '../load-experiment';
import { ProgressBar, formatDuration } from '../progress-bar';
import { runnerChoice } from './train';
import { formatEvalTable } from '../format-table';

export const CLONE_USAGE = `vsml clone <config.vsml.json> [--json] [--set path=value ...] [--runs-dir DIR] [--path ...] [--backend ...] [--threads N]
  Learning-algorithm cloning: trains V_M so that one sub-RNN cell implements the teacher's online
  backprop (the \`clone\` section: teacher shallow|deep, teacher_lr, gain, weight_channel, steps, lr),
  then runs the VSML network forward only beside the teacher on held-out episodes of every
  evaluation dataset. Writes a run folder (usable by vsml eval, the panels, optimizer.init_from).
  --json prints one line: {"run","datasets":{"<name>":{"clone":acc,"teacher":acc}},"seconds"}.`;

export async function cloneCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      set: { type: 'string', multiple: true, default: [] },
      'runs-dir': { type: 'string', default: '.vsml/runs' },
      path: { type: 'string' },
      backend: { type: 'string' },
      threads: { type: 'string' },
    },
  });
  if (positionals.length !== 1) {
    out(`${CLONE_USAGE}\n`);
    return 2;
  }
  const warn = (s: string): void => void process.stderr.write(s);
  const source = positionals[0];
  const cfg = await loadExperiment(source, values.set!, warn);
  const issues = cloneConfigIssues(cfg, resolve(source));
  if (issues.length > 0) throw new ConfigErrors(issues);
  const runner = await createRunner(runnerChoice(cfg, values), (m) => warn(`${m}\n`));
  const bar = new ProgressBar();
  const ac = new AbortController();
  const onSignal = (): void => {
    if (ac.signal.aborted) process.exit(130);
    warn('\nstopping after this update (checkpointing); press Ctrl-C again to abort at once\n');
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const outcome = await runClone({
      config: cfg,
      source,
      runner,
      runsDir: resolve(values['runs-dir']!),
      signal: ac.signal,
      events: {
        started: (s) => warn(`run ${s.runId} in ${s.runDir}\n`),
        log: (m) => warn(`${m}\n`),
        step: (r, eta) => bar.update(r.step, cfg.clone.steps, r.loss, eta),
      },
    });
    bar.done();
    if (values.json) {
      out(`${JSON.stringify({ run: outcome.runDir, datasets: outcome.datasets, seconds: Math.round(outcome.seconds * 10) / 10 })}\n`);
      return 0;
    }
    out(`\nCloned ${cfg.clone.teacher} online backprop in ${formatDuration(outcome.seconds)}. Run folder: ${outcome.runDir}\n`);
    if (outcome.rows.length > 0)
      out(`\nThe clone (learned LA) beside its teacher on the same held-out streams and initial weights (mean online accuracy):\n${formatEvalTable(outcome.rows)}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await runner.dispose();
  }
}
