/**
 * Writes a synthetic run folder of `steps` meta-steps (status.json, config.json, metrics.jsonl,
 * eval.jsonl) for the metrics panel's long-run test and `npm run bench:panel-memory`. The values
 * are a noisy falling loss with a few one-step spikes, so downsampling has extremes to keep.
 * The panel's cost depends on the row count, not on the values.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/engine/random';

export interface LongRun {
  readonly dir: string;
  readonly runId: string;
  /** Steps whose metaLoss was made a spike (the largest values in the file). */
  readonly spikes: readonly number[];
}

export async function writeLongRun(runsDir: string, steps: number, evalEvery = 1000): Promise<LongRun> {
  const runId = `long-${steps}`;
  const dir = join(runsDir, runId);
  mkdirSync(dir, { recursive: true });
  const now = new Date(0).toISOString();
  writeFileSync(join(dir, 'status.json'), JSON.stringify({
    state: 'finished', runId, name: 'long', source: 'long.vsml.json', pid: 1, startedAt: now, updatedAt: now, endedAt: now,
    step: steps, totalSteps: steps, elapsedSeconds: steps * 0.5,
  }));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ name: 'long', training: { meta_steps: steps } }));
  const rng = new Rng(11, 'long-run');
  const spikes = [Math.floor(steps * 0.37), Math.floor(steps * 0.81)];
  const metrics = createWriteStream(join(dir, 'metrics.jsonl'));
  const evals = createWriteStream(join(dir, 'eval.jsonl'));
  const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;
  let chunk: string[] = [];
  const flush = async (): Promise<void> => {
    if (!metrics.write(chunk.join(''))) await once(metrics, 'drain');
    chunk = [];
  };
  for (let s = 1; s <= steps; s++) {
    const base = 2.3 * Math.exp(-s / (steps / 3)) + 0.1;
    const metaLoss = spikes.includes(s) ? 50 + s / steps : r4(base + (rng.uniform() - 0.5) * 0.2);
    chunk.push(`${JSON.stringify({
      step: s, time: r4(s * 0.5), metaLoss, lossPos: r4(metaLoss + 0.01), lossNeg: r4(metaLoss - 0.01),
      trainAccuracy: r4(Math.min(1, 1 - base / 2.4 + (rng.uniform() - 0.5) * 0.05)), gradNorm: r4(rng.uniform() * 10), thetaNorm: r4(8 + s / steps), stepSeconds: 0.5,
    })}\n`);
    if (chunk.length === 10_000) await flush();
    if (s % evalEvery === 0) {
      const m = { meanAccuracy: r4(1 - base / 2.4), finalAccuracy: r4(1 - base / 2.4), meanLoss: r4(base), curve: [0.1, 0.5, 0.9] };
      evals.write(`${JSON.stringify({ step: s, time: s * 0.5, dataset: 'mnist', split: 'test', length: 3, episodes: 4, methods: { learned: m, untrained: { ...m, meanAccuracy: 0.1 } } })}\n`);
    }
  }
  await flush();
  metrics.end();
  evals.end();
  await Promise.all([once(metrics, 'finish'), once(evals, 'finish')]);
  return { dir, runId, spikes };
}
