import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, readSettings, trainerArgs, trainerEnv } from '../../src/extension/settings';

describe('settings', () => {
  it('falls back to defaults for wrong types', () => {
    const s = readSettings((k) => ({ backend: 'gpu', threads: -1, runsFolder: ' ', dataFolder: 3 } as Record<string, unknown>)[k]);
    assert.deepEqual(s, DEFAULT_SETTINGS);
  });
  it('builds the trainer command line of docs/contracts.md §3', () => {
    assert.deepEqual(trainerArgs('/w/a.vsml.json', DEFAULT_SETTINGS, '/w'), ['/w/a.vsml.json', '--runs-dir', '/w/.vsml/runs']);
    const s = { backend: 'wasm', threads: 2, runsFolder: '/abs/runs', dataFolder: 'data' } as const;
    assert.deepEqual(trainerArgs('/w/a.vsml.json', s, '/w', '/abs/runs/r1'),
      ['/w/a.vsml.json', '--runs-dir', '/abs/runs', '--resume', '/abs/runs/r1', '--set', 'engine.backend=wasm', '--set', 'engine.threads=2']);
    assert.equal(trainerEnv({ A: '1' }, s, '/w').VSML_DATA_DIR, '/w/data');
    assert.equal(trainerEnv({ A: '1' }, DEFAULT_SETTINGS, '/w').VSML_DATA_DIR, undefined);
  });
});
