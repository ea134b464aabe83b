import { parseArgs } from 'node:util';
import { fetchDataset, listDatasets } from '../../engine/data/registry';

export const DATASETS_USAGE = `vsml datasets list [--data-dir DIR] [--json]
vsml datasets fetch NAME [--data-dir DIR]
  list: every dataset name a config may use, whether it is available offline and where from.
  fetch: downloads mnist, fashion_mnist, kmnist or emnist from its canonical address into the cache
  (~/.cache/vsml-lab/datasets or --data-dir), checking pinned checksums.`;

export async function datasetsCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } } });
  const [verb, name] = positionals;
  const loc = { dataDir: values['data-dir'] };
  if (verb === 'list') {
    const rows = listDatasets(loc);
    if (values.json) {
      for (const r of rows) out(`${JSON.stringify(r)}\n`);
      return 0;
    }
    const w = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) out(`${r.available ? '✓' : '✗'} ${r.name.padEnd(w)}  ${r.description}\n    ${r.source}\n`);
    out('Your own data works too: idx:<folder> (IDX files), images:<folder> (PNG/JPEG, one subfolder per class), csv:<file>\n');
    return 0;
  }
  if (verb === 'fetch' && name) {
    const dir = await fetchDataset(name, values['data-dir'], { log: (line) => void process.stderr.write(`${line}\n`) });
    out(`${name}: ready in ${dir}\n`);
    return 0;
  }
  out(`${DATASETS_USAGE}\n`);
  return 2;
}
