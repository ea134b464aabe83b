import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { EngineError } from '../../engine/errors';
import { readRegularFile } from '../../engine/runs/atomic-file';
import { parseConfigText } from '../../engine/config/parse-jsonc';
import { parseSuite } from '../../engine/compare/suite';
import { runCompare } from '../../engine/compare/run-compare';
import { createRunner, parseEnginePath, TfjsBackendChoice } from '../../engine/runner/create-runner';

export const COMPARE_USAGE = `vsml compare <suite.json> --out <dir> [--path auto|fused|tfjs|reference] [--backend ...] [--threads N]
  Runs a comparison grid (methods vsml, metarnn, hebbian, fwm x meta-training sets x seeds, plus
  online SGD/Adam), evaluates every result online on every dataset of the suite, and writes
  <dir>/table.csv (method,metaTrain,dataset,meanAccuracy,std,seeds) and <dir>/table.md.
  Resumable: finished cells (<dir>/cells/*.json) are reused; a stopped meta-training resumes
  from its checkpoint (<dir>/runs/). See docs/compare.md and examples/compare-cpu.suite.json.`;

export async function compareCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      path: { type: 'string' },
      backend: { type: 'string' },
      threads: { type: 'string' },
    },
  });
  if (positionals.length !== 1 || !values.out) {
    out(`${COMPARE_USAGE}\n`);
    return 2;
  }
  const file = resolve(positionals[0]);
  const text = readRegularFile(file);
  if (!text) throw new EngineError('', 'does not exist or is not a regular file', 'pass a suite file such as examples/compare-cpu.suite.json', file);
  const parsed = parseConfigText(text.toString('utf8'), file);
  if ('issue' in parsed) throw new EngineError(parsed.issue.path, parsed.issue.message, parsed.issue.fix, file);
  const suite = parseSuite(parsed.value, file);
  const warn = (s: string): void => void process.stderr.write(s);
  const runner = await createRunner({
    path: values.path ? parseEnginePath(values.path, '--path') : 'auto',
    backend: (values.backend ?? 'auto') as TfjsBackendChoice,
    threads: values.threads !== undefined ? Number(values.threads) : 0,
  }, (m) => warn(`${m}\n`));
  const ac = new AbortController();
  const onSignal = (): void => {
    warn('\nstopping at the next meta-step (checkpointing); run the same command again to resume; Ctrl-C again aborts at once\n');
    if (ac.signal.aborted) process.exit(130);
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const t0 = Date.now();
    warn(`compare ${suite.name}: runner ${runner.name} (${runner.backend}, ${runner.threads} threads), output ${resolve(values.out)}\n`);
    const outcome = await runCompare({ suite, suiteFile: file, outDir: resolve(values.out), runner, signal: ac.signal, log: (l) => warn(`${l}\n`) });
    const seconds = (Date.now() - t0) / 1000;
    out(`${outcome.complete ? 'Finished' : 'Stopped'}: ${outcome.computed} cells computed, ${outcome.reused} reused, ${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s.\n`);
    out(`${resolve(values.out, 'table.csv')}\n${resolve(values.out, 'table.md')}:\n\n`);
    const md = readRegularFile(resolve(values.out, 'table.md'));
    if (md) out(md.toString('utf8'));
    return outcome.complete ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await runner.dispose();
  }
}
