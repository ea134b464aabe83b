import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadEpisodeFixture, compareWithFixture } from '../../../src/engine/fixtures/fixture';
import { referenceEpisode } from '../../../src/engine/model/reference-episode';
import { SHARED_FIXTURES } from '../../helpers/paths';

const episodeFixtures = readdirSync(SHARED_FIXTURES).filter((f) => f.endsWith('.json') && !f.startsWith('e_'));

test('there are episode fixtures to check', () => {
  assert.ok(episodeFixtures.length >= 7, `found ${episodeFixtures.length} in ${SHARED_FIXTURES}`);
});

for (const f of episodeFixtures) {
  test(`float64 reference reproduces ${f} to 1e-9`, () => {
    const fx = loadEpisodeFixture(join(SHARED_FIXTURES, f));
    const got = referenceEpisode(fx.cfg, fx.theta, fx.episode, fx.initialState);
    const report = compareWithFixture(fx, got, 1e-9);
    assert.ok(report.ok, JSON.stringify(report));
    assert.ok(report.maxAbsErr.logits < 1e-9);
  });
}
