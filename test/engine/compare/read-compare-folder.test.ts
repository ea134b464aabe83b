import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTableCsv } from '../../../src/engine/compare/compare-table';
import { readCompareFolder } from '../../../src/engine/compare/read-compare-folder';
import { writeClassesFile } from '../../../src/engine/compare/dataset-classes';

test('readCompareFolder reads table.csv of a compare folder, and says what is wrong instead of throwing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-compare-folder-'));
  try {
    const missing = readCompareFolder(join(dir, 'nope'));
    assert.equal(missing.ok, false);
    assert.match(!missing.ok ? missing.problem : '', /nope: is not a folder \(fix: pick the folder vsml compare/);

    const empty = readCompareFolder(dir);
    assert.equal(empty.ok, false);
    assert.match(!empty.ok ? empty.problem : '', new RegExp(`^${join(dir, 'table.csv')}: does not exist \\(yet\\) \\(fix: run vsml compare <suite.json> --out `));

    const row = { method: 'adam' as const, metaTrain: '-', dataset: 'mnist', meanAccuracy: 0.3291, std: 0.012, seeds: 2 };
    writeFileSync(join(dir, 'table.csv'), formatTableCsv([row]));
    const ok = readCompareFolder(dir);
    assert.ok(ok.ok);
    assert.deepEqual(ok.rows, [row]);
    assert.ok(ok.modifiedMs > 0);
    assert.equal(ok.chance, undefined, 'no classes.json (an older vsml compare): no chance levels');

    writeClassesFile(dir, [{ name: 'mnist', classes: 10 }, { name: 'sum', classes: 2 }]);
    const withChance = readCompareFolder(dir);
    assert.ok(withChance.ok);
    assert.deepEqual(withChance.chance, { mnist: 0.1, sum: 0.5 });
    writeFileSync(join(dir, 'classes.json'), '{"classes": {"mnist": 0}}');
    const badClasses = readCompareFolder(dir);
    assert.ok(badClasses.ok, 'a bad classes.json does not hide the table');
    assert.deepEqual(badClasses.rows, [row]);
    assert.equal(badClasses.chance, undefined);
    assert.match(badClasses.warning ?? '', /classes\.json: classes\.mnist: must be a whole number >= 1, got 0 \(fix: delete it/);
    writeFileSync(join(dir, 'classes.json'), '{"classes": ');
    assert.match((readCompareFolder(dir) as { warning?: string }).warning ?? '', /classes\.json: is not JSON/);
    rmSync(join(dir, 'classes.json'));

    writeFileSync(join(dir, 'table.csv'), 'method,metaTrain,dataset,meanAccuracy,std,seeds\nadam,-,mnist,0.3,n/a,2\n');
    const bad = readCompareFolder(dir);
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.problem : '', /table\.csv: line 2, std: must be a number >= 0, got "n\/a"/);

    // A link at the table's name is refused (the run-folder readers' rule), not followed.
    rmSync(join(dir, 'table.csv'));
    mkdirSync(join(dir, 'elsewhere'));
    writeFileSync(join(dir, 'elsewhere', 'table.csv'), formatTableCsv([row]));
    symlinkSync(join(dir, 'elsewhere', 'table.csv'), join(dir, 'table.csv'));
    const link = readCompareFolder(dir);
    assert.equal(link.ok, false);
    assert.match(!link.ok ? link.problem : '', /table\.csv/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
