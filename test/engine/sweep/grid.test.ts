import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combinationLabel, combinationValues, expandGrid, parseGrid, parseGridAxis, splitGridValues } from '../../../src/engine/sweep/grid';
import { EngineError } from '../../../src/engine/errors';

test('splitGridValues splits at top-level commas only: lists, objects and quoted strings stay whole', () => {
  assert.deepEqual(splitGridValues('0.05,0.1'), ['0.05', '0.1']);
  assert.deepEqual(splitGridValues('[7,7],[5,5]'), ['[7,7]', '[5,5]']);
  assert.deepEqual(splitGridValues('{"a":1,"b":2},{"a":3}'), ['{"a":1,"b":2}', '{"a":3}']);
  assert.deepEqual(splitGridValues('"x,y",mnist'), ['"x,y"', 'mnist']);
  assert.deepEqual(splitGridValues(' 1 , 2 '), ['1', '2']);
  assert.deepEqual(splitGridValues('only'), ['only']);
});

test('parseGridAxis reads key=v1,v2 and refuses a missing key, an empty value and a value given twice', () => {
  assert.deepEqual(parseGridAxis('optimizer.lr=0.05,0.1'), { key: 'optimizer.lr', values: ['0.05', '0.1'] });
  assert.deepEqual(parseGridAxis('model.vsml_rnn.layer_specs[0].out_size=8,16'), { key: 'model.vsml_rnn.layer_specs[0].out_size', values: ['8', '16'] });
  const refused = (flag: string, re: RegExp): void => {
    assert.throws(() => parseGridAxis(flag), (e: unknown) => e instanceof EngineError && re.test(e.message) && e.fix.length > 0, flag);
  };
  refused('optimizer.lr', /not of the form path=value1,value2/);
  refused('=0.1,0.2', /not of the form/);
  refused('optimizer.lr=0.05,,0.1', /optimizer\.lr: .*has an empty value/);
  refused('optimizer.lr=', /empty value/);
  refused('optimizer.lr=0.1,0.10', /lists the value 0\.10 twice/);
});

test('parseGrid needs an axis and refuses the same config path in two flags, however it is spelled', () => {
  assert.throws(() => parseGrid([]), /no --grid given/);
  assert.throws(() => parseGrid(['optimizer.lr=1', 'optimizer.lr=2']), /is given by two --grid flags/);
  assert.throws(() => parseGrid(['a.b[0].c=1', 'a.b.0.c=2']), /is given by two --grid flags/);
  assert.equal(parseGrid(['optimizer.lr=1', 'training.population_size=2,4']).length, 2);
});

test('expandGrid is the cartesian product, first axis slowest; combinations read back as values', () => {
  const combos = expandGrid(parseGrid(['optimizer.lr=0.05,0.1', 'training.population_size=32,64', 'engine.path=reference']));
  assert.deepEqual(combos.map((c) => combinationLabel(c.sets)), [
    'optimizer.lr=0.05 training.population_size=32 engine.path=reference',
    'optimizer.lr=0.05 training.population_size=64 engine.path=reference',
    'optimizer.lr=0.1 training.population_size=32 engine.path=reference',
    'optimizer.lr=0.1 training.population_size=64 engine.path=reference',
  ]);
  assert.deepEqual(combinationValues(combos[3].sets), { 'optimizer.lr': 0.1, 'training.population_size': 64, 'engine.path': 'reference' });
  assert.deepEqual(combinationValues(['model.x=[7,7]']), { 'model.x': [7, 7] });
});
