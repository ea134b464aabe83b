// Regenerates schemas/experiment.editor.schema.json from schemas/experiment.schema.json:
//   node --import tsx scripts/write-editor-schema.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { editorSchema } from '../src/engine/config/editor-schema';
import { experimentSchema } from '../src/engine/config/schema';

const file = join(__dirname, '..', 'schemas', 'experiment.editor.schema.json');
writeFileSync(file, `${JSON.stringify(editorSchema(experimentSchema), null, 2)}\n`);
console.log(`wrote ${file}`);
