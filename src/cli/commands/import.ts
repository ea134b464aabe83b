import { parseArgs } from 'node:util';
import { importReferenceFiles } from '../../engine/config/import-reference';
import { formatIssue } from '../../engine/config/issues';

export const IMPORT_USAGE = `vsml import <default.yaml> [override.yaml ...] [--name NAME] [--schema PATH] > my.vsml.json
  Translates the authors' YAML configs (configs/default.yaml, then overrides such as deep.yaml merged
  on top) into a VS-ML Lab experiment file, reporting what has no equivalent yet.`;

export async function importCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { name: { type: 'string' }, schema: { type: 'string' } } });
  if (positionals.length === 0) {
    out(`${IMPORT_USAGE}\n`);
    return 2;
  }
  const res = await importReferenceFiles(positionals, { name: values.name, schemaRef: values.schema });
  for (const i of res.issues) process.stderr.write(`${i.severity === 'error' ? 'error: ' : ''}${formatIssue(i)}\n`);
  if (res.text) out(res.text.endsWith('\n') ? res.text : `${res.text}\n`);
  return res.ok ? 0 : 1;
}
