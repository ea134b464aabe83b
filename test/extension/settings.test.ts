import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, readSettings, trainerArgs, trainerEnv } from '../../src/extension/settings';

describe('settings', () => {
  it('falls back to defaults for wrong types', () => {
    const s = readSettings((k) => ({ backend: 'gpu', threads: -1, runsFolder: ' ', dataFolder: 3, cluster: 6379 } as Record<string, unknown>)[k]);
    assert.deepEqual(s, DEFAULT_SETTINGS);
  });
  it('builds the trainer command line of docs/contracts.md §3', () => {
    assert.deepEqual(trainerArgs('/w/a.vsml.json', DEFAULT_SETTINGS, '/w'), ['/w/a.vsml.json', '--runs-dir', '/w/.vsml/runs']);
    const s = { backend: 'wasm', threads: 2, runsFolder: '/abs/runs', dataFolder: 'data', cluster: 'redis://:pw@h:1' } as const;
    assert.deepEqual(trainerArgs('/w/a.vsml.json', s, '/w', '/abs/runs/r1'),
      ['/w/a.vsml.json', '--runs-dir', '/abs/runs', '--resume', '/abs/runs/r1', '--set', 'engine.backend=wasm', '--set', 'engine.threads=2']);
    assert.equal(trainerEnv({ A: '1' }, s, '/w').VSML_DATA_DIR, '/w/data');
    assert.equal(trainerEnv({ A: '1' }, DEFAULT_SETTINGS, '/w').VSML_DATA_DIR, undefined);
  });
  it('passes a cluster URL only for Train on Cluster, in the environment (never on the logged command line)', () => {
    const s = { ...DEFAULT_SETTINGS, cluster: 'redis://:pw@h:1' };
    assert.ok(!trainerArgs('/w/a.vsml.json', s, '/w').some((a) => a.includes('redis')));
    assert.equal(trainerEnv({ A: '1', VSML_CLUSTER: 'redis://stale:1' }, s, '/w').VSML_CLUSTER, undefined);
    assert.equal(trainerEnv({ A: '1' }, s, '/w', s.cluster).VSML_CLUSTER, 'redis://:pw@h:1');
    assert.equal(readSettings((k) => (k === 'cluster' ? ' redis://h:1 ' : undefined)).cluster, 'redis://h:1');
  });
});
