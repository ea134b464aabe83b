import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gridAxisProblem, parallelProblem, sweepTerminalOptions } from '../../../src/extension/commands/sweep-terminal';
import { parseGridAxis } from '../../../src/engine/sweep/grid';

test('gridAxisProblem accepts a known path with values and says what is wrong otherwise, as the CLI would', () => {
  assert.equal(gridAxisProblem('optimizer.lr=0.05,0.1', []), undefined);
  assert.equal(gridAxisProblem(' model.vsml_rnn.layer_specs[0].out_size=8,16 ', []), undefined);
  assert.match(gridAxisProblem('optimizer.lrr=0.05', []) ?? '', /unknown config path `optimizer\.lrr`.*did you mean `optimizer\.lr`/);
  assert.match(gridAxisProblem('optimizer.lr', []) ?? '', /not of the form path=value1,value2/);
  assert.match(gridAxisProblem('optimizer.lr=0.1,,0.2', []) ?? '', /has an empty value/);
  assert.match(gridAxisProblem('optimizer.lr=0.2', [parseGridAxis('optimizer.lr=0.1')]) ?? '', /is given by two --grid flags/);
});

test('parallelProblem wants a whole number of at least 1', () => {
  assert.equal(parallelProblem('2'), undefined);
  for (const bad of ['0', '-1', '1.5', 'two', '']) assert.ok(parallelProblem(bad), bad);
});

test('the sweep terminal runs the bundled CLI under the editor\'s Node, no shell: each grid axis one argument', () => {
  const o = sweepTerminalOptions({
    nodePath: '/app/code', cliPath: '/ext/dist/cli.js', configFile: '/w/my exp.vsml.json',
    axes: [parseGridAxis('optimizer.lr=0.05,0.1'), parseGridAxis("evaluation.lengths=[50,500],[100]")],
    parallel: 2, name: 'my-exp', runsDir: '/w/.vsml/runs', cwd: '/w', env: { VSML_DATA_DIR: '/data', SECRET: 'x' },
  });
  assert.deepEqual(o, {
    name: 'VS-ML sweep my-exp',
    shellPath: '/app/code',
    shellArgs: ['/ext/dist/cli.js', 'sweep', '/w/my exp.vsml.json', '--grid', 'optimizer.lr=0.05,0.1', '--grid', 'evaluation.lengths=[50,500],[100]',
      '--parallel', '2', '--name', 'my-exp', '--runs-dir', '/w/.vsml/runs'],
    cwd: '/w',
    // Added to the terminal's inherited environment: Electron runs as Node; the data folder setting travels.
    env: { ELECTRON_RUN_AS_NODE: '1', VSML_DATA_DIR: '/data' },
  });
});
