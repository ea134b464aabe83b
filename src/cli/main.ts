#!/usr/bin/env node
/**
 * `vsml`: the headless face of VS-ML Lab. Every command runs the same engine the extension's
 * trainer process runs; errors print as "file: field: message" plus a fix, exit code 1
 * (2 for usage errors).
 */
import { printError } from './print-error';
import { fixtureCommand, FIXTURE_USAGE } from './commands/fixture';
import { datasetsCommand, DATASETS_USAGE } from './commands/datasets';
import { trainCommand, TRAIN_USAGE } from './commands/train';
import { evalCommand, EVAL_USAGE } from './commands/eval';
import { probeCommand, PROBE_USAGE } from './commands/probe';
import { importCommand, IMPORT_USAGE } from './commands/import';
import { checkCommand, CHECK_USAGE } from './commands/check';
import { exportCommand, EXPORT_USAGE } from './commands/export';
import { runsCommand, RUNS_USAGE } from './commands/runs';
import { cloneCommand, CLONE_USAGE } from './commands/clone';
import { sweepCommand, SWEEP_USAGE } from './commands/sweep';
import { stopCommand, STOP_USAGE } from './commands/stop';
import { workerCommand, WORKER_USAGE } from './commands/worker';
import { compareCommand, COMPARE_USAGE } from './commands/compare';
import { clusterCommand, CLUSTER_USAGE } from './commands/cluster-status';

const USAGE = `VS-ML Lab: meta-learn learning algorithms with Variable Shared Meta Learning.

${TRAIN_USAGE}

${SWEEP_USAGE}
${WORKER_USAGE}

${CLUSTER_USAGE}

${CHECK_USAGE}

${EVAL_USAGE}

${PROBE_USAGE}

${EXPORT_USAGE}

${RUNS_USAGE}

${STOP_USAGE}

${CLONE_USAGE}

${COMPARE_USAGE}

${DATASETS_USAGE}

${IMPORT_USAGE}

${FIXTURE_USAGE}

Every command: --debug (or VSML_DEBUG=1) prints the stack of an unexpected error instead of filing it in a log.
`;

type Command = (argv: string[], out: (s: string) => void) => Promise<number>;
const COMMANDS: Record<string, Command> = {
  train: trainCommand,
  sweep: sweepCommand,
  worker: workerCommand,
  cluster: clusterCommand,
  check: checkCommand,
  eval: evalCommand,
  probe: probeCommand,
  export: exportCommand,
  runs: runsCommand,
  stop: stopCommand,
  clone: cloneCommand,
  compare: compareCommand,
  datasets: datasetsCommand,
  import: importCommand,
  fixture: fixtureCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const out = (s: string): void => void process.stdout.write(s);
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    out(USAGE);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  try {
    return await cmd(rest, out);
  } catch (e) {
    if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    printError(e);
    return 1;
  }
}

// --debug is for printError (crash-log.ts reads it from process.argv); the commands do not see it.
main(process.argv.slice(2).filter((a) => a !== '--debug')).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    printError(e);
    process.exitCode = 1;
  },
);
