import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { compareWithFixture, loadEpisodeFixture } from '../../engine/fixtures/fixture';
import { broadcastState } from '../../engine/model/episode';
import { createRunner, RunnerChoice, parseEnginePath } from '../../engine/runner/create-runner';

export const FIXTURE_USAGE = `vsml fixture <file.json> [--path reference|fused|tfjs] [--backend auto|tensorflow|wasm|cpu] [--tolerance REL]
  Replays a golden episode fixture (format of shared/fixtures/README.md) through the engine and prints
  {"ok":bool,"maxAbsErr":{"logits":..,"ce":..,"finalState":..}}; exits 1 when beyond tolerance
  (default 1e-9 relative for the float64 reference, 1e-4 for float32 paths).`;

export async function fixtureCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { path: { type: 'string', default: 'reference' }, backend: { type: 'string', default: 'auto' }, tolerance: { type: 'string' }, threads: { type: 'string' } },
  });
  if (positionals.length !== 1) {
    out(`${FIXTURE_USAGE}\n`);
    return 2;
  }
  const fx = loadEpisodeFixture(resolve(positionals[0]));
  const choice: RunnerChoice = { path: parseEnginePath(values.path!, '--path'), backend: values.backend as RunnerChoice['backend'], threads: values.threads ? Number(values.threads) : 0 };
  const runner = await createRunner(choice);
  try {
    // Fixtures store one state draw; with batch_size > 1 the reference stacks it across the batch.
    const cells = fx.cfg.layerSizes[0] * fx.cfg.layerSizes[1] * fx.cfg.slowSize;
    const state = fx.initialState[0].h.length === cells ? broadcastState(fx.initialState, fx.cfg.batchSize) : fx.initialState;
    const [res] = await runner.run(fx.cfg, [{ theta: fx.theta, episode: fx.episode, initialState: state }], { wantFinalState: true });
    const tol = values.tolerance ? Number(values.tolerance) : runner.precision === 'float64' ? 1e-9 : 1e-4;
    const report = compareWithFixture(fx, { ...res, finalState: res.finalState! }, tol);
    out(`${JSON.stringify({ ok: report.ok, maxAbsErr: report.maxAbsErr, fixture: fx.name, path: runner.name, backend: runner.backend, tolerance: tol, correctMismatches: report.correctMismatches })}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await runner.dispose();
  }
}
