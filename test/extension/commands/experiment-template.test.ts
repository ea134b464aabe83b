import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfigText } from '../../../src/engine/config/load-config';
import { experimentTemplate } from '../../../src/extension/commands/experiment-template';

describe('experimentTemplate', () => {
  it('is a valid config with comments, carrying the given name', () => {
    const text = experimentTemplate('my-exp');
    assert.match(text, /^\/\/ /m, 'the example explains itself in comments');
    const r = validateConfigText(text, 'my-exp.vsml.json');
    assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), []);
    assert.ok(r.ok);
    assert.equal(r.config.name, 'my-exp');
    assert.deepEqual(r.config.data.preprocess.resize, [7, 7]);
  });

  it('names no $schema: a relative one would not resolve where the file is written (VS Code finds the schema by file name)', () => {
    assert.doesNotMatch(experimentTemplate('x'), /\$schema/);
  });
});
