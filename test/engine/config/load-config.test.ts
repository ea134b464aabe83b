import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configOrThrow, loadConfigFile, validateConfigText, validateConfigValue, validateRunConfig } from '../../../src/engine/config/load-config';
import type { DatasetCatalog } from '../../../src/engine/config/dataset-facts';
import type { ConfigIssue } from '../../../src/engine/config/issues';
import { EngineError } from '../../../src/engine/errors';
import { REPO_ROOT } from '../../helpers/paths';

const EXAMPLES = join(REPO_ROOT, 'examples');
const base = (): Record<string, any> => JSON.parse(readFileSync(join(EXAMPLES, 'default.vsml.json'), 'utf8'));

/** Offline catalog for tests: everything but kmnist is here. */
const catalog: DatasetCatalog = {
  isDatasetAvailable: (name) => (name === 'kmnist'
    ? { available: false, reason: 'not downloaded and there is no network', fix: 'run `vsml datasets fetch kmnist` while online' }
    : name.startsWith('idx:') ? { available: false, reason: `no folder ${name.slice(4)}` } : { available: true }),
};

function onlyIssue(issues: readonly ConfigIssue[]): ConfigIssue {
  assert.equal(issues.length, 1, `expected exactly one issue, got ${JSON.stringify(issues, null, 1)}`);
  const [i] = issues;
  assert.ok(i.message.length > 10 && i.fix.length > 5, JSON.stringify(i));
  return i;
}

function check(mutate: (c: Record<string, any>) => void): ConfigIssue {
  const cfg = base();
  mutate(cfg);
  const r = validateConfigValue(cfg, 'x.vsml.json', { catalog });
  assert.equal(r.ok, false);
  return onlyIssue(r.issues);
}

test('every example validates with no issue and names no $schema (a relative one fails to resolve once copied)', async () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.vsml.json'));
  assert.ok(files.length >= 2);
  for (const f of files) {
    const r = await loadConfigFile(join(EXAMPLES, f), { catalog });
    assert.ok(r.ok, `${f}: ${JSON.stringify(r.issues)}`);
    assert.deepEqual(r.issues, [], f);
    const text = readFileSync(join(EXAMPLES, f), 'utf8');
    assert.doesNotMatch(text, /\$schema/, f);
  }
});

test('wrong type: one issue at the field, suggesting to drop the quotes', () => {
  const i = check((c) => { c.training.population_size = '128'; });
  assert.equal(i.path, 'training.population_size');
  assert.deepEqual(i.pointer, ['training', 'population_size']);
  assert.equal(i.code, 'type');
  assert.match(i.message, /must be a whole number, got string "128"/);
  assert.match(i.fix, /remove the quotes: 128/);
});

test('unknown key: one issue naming the closest known key', () => {
  const i = check((c) => { c.training.populaton_size = 64; });
  assert.equal(i.path, 'training.populaton_size');
  assert.equal(i.code, 'additionalProperties');
  assert.match(i.message, /unknown key `populaton_size` in `training`/);
  assert.match(i.fix, /did you mean `population_size`\?/);
});

test('a known key in the wrong section is pointed to its section', () => {
  const i = check((c) => { c.model.episode_length = 50; });
  assert.equal(i.path, 'model.episode_length');
  assert.match(i.fix, /belongs under `(training|evaluation)`/);
});

test('output_idx outside the message', () => {
  const i = check((c) => { c.model.vsml_rnn.output_idx = 8; });
  assert.equal(i.path, 'model.vsml_rnn.output_idx');
  assert.equal(i.code, 'output-idx-outside-message');
  assert.match(i.message, /outside the forward message of size 8/);
  assert.match(i.fix, /\[0, 7\]/);
});

test('msg_size 1 is one issue (not also output_idx) about the error and label channels', () => {
  const i = check((c) => { c.model.sub_rnn.msg_size = 1; });
  assert.equal(i.path, 'model.sub_rnn.msg_size');
  assert.equal(i.code, 'msg-size-too-small');
  assert.match(i.message, /error on channel 0 and the label on channel 1/);
  assert.match(i.fix, />= 2/);
});

test('msg_size 0 is one schema issue', () => {
  const i = check((c) => { c.model.sub_rnn.msg_size = 0; });
  assert.equal(i.code, 'minimum');
  assert.equal(i.path, 'model.sub_rnn.msg_size');
});

test('impossible numbers: population_size 0', () => {
  const i = check((c) => { c.training.population_size = 0; });
  assert.equal(i.path, 'training.population_size');
  assert.equal(i.code, 'minimum');
  assert.match(i.message, /must be >= 1, got 0/);
  assert.match(i.fix, />= 1/);
});

test('layer sizes that do not chain: a hidden layer without out_size', () => {
  const i = check((c) => { c.model.vsml_rnn.layer_specs = [{ type: 'dense' }, { type: 'dense' }]; });
  assert.equal(i.path, 'model.vsml_rnn.layer_specs[0]');
  assert.equal(i.code, 'layer-missing-out-size');
  assert.match(i.fix, /out_size/);
});

test('a last layer out_size that differs from the classes', () => {
  const i = check((c) => { c.model.vsml_rnn.layer_specs = [{ type: 'dense', out_size: 32 }, { type: 'dense', out_size: 12 }]; });
  assert.equal(i.path, 'model.vsml_rnn.layer_specs[1].out_size');
  assert.equal(i.code, 'last-out-size-mismatch');
  assert.match(i.message, /out_size is 12, but the output size is 10/);
  // one issue even with evaluation datasets (they are judged by the data's 10 classes)
  assert.equal(check((c) => { c.model.vsml_rnn.layer_specs = [{ type: 'dense', out_size: 5 }]; }).code, 'last-out-size-mismatch');
  // and one that matches is fine
  const ok = base();
  ok.model.vsml_rnn.layer_specs = [{ type: 'dense', out_size: 32 }, { type: 'dense', out_size: 10 }];
  assert.ok(validateConfigValue(ok, 'x', { catalog }).ok);
});

test('a training dataset not available offline is an error', () => {
  const i = check((c) => { c.training.dataset = 'kmnist'; });
  assert.equal(i.path, 'training.dataset');
  assert.equal(i.code, 'dataset-unavailable');
  assert.match(i.message, /"kmnist" is not available: not downloaded/);
  assert.match(i.fix, /vsml datasets fetch kmnist/);
});

test('an evaluation dataset not available offline is a warning, and the resolved config leaves it out', () => {
  const cfg = base();
  cfg.evaluation.datasets = ['mnist', 'idx:/nowhere', 'random', 'kmnist'];
  const r = validateConfigValue(cfg, 'x.vsml.json', { catalog });
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.deepEqual(r.issues.map((i) => [i.path, i.severity, i.code]), [
    ['evaluation.datasets[1]', 'warning', 'dataset-unavailable'],
    ['evaluation.datasets[3]', 'warning', 'dataset-unavailable'],
  ]);
  assert.match(r.issues[0].message, /evaluation dataset "idx:\/nowhere" is not available: no folder \/nowhere; evaluations leave it out/);
  assert.deepEqual(r.config.evaluation.datasets, ['mnist', 'random']);
  assert.deepEqual(cfg.evaluation.datasets, ['mnist', 'idx:/nowhere', 'random', 'kmnist'], 'the input is not modified');
});

test('a misspelt dataset gets a did-you-mean', () => {
  const cfg = base();
  cfg.training.dataset = 'mnsit';
  const i = onlyIssue(validateConfigValue(cfg, 'x', { catalog }).issues);
  assert.equal(i.path, 'training.dataset');
  assert.match(i.fix, /did you mean "mnist"\?/);
});

test('a dataset name the catalog knows (facts) is accepted', () => {
  const cfg = base();
  cfg.evaluation.datasets = ['notmnist'];
  const cat: DatasetCatalog = { isDatasetAvailable: () => ({ available: true }), facts: (n) => (n === 'notmnist' ? { numClasses: 10, shape: [28, 28, 1] } : undefined) };
  const r = validateConfigValue(cfg, 'x', { catalog: cat });
  assert.ok(r.ok, JSON.stringify(r.issues));
});

test('an evaluation dataset with more classes than the output', () => {
  const i = check((c) => { c.data.preprocess.pad = { input: null, output: [10] }; c.evaluation.datasets = ['mnist', 'emnist_letters']; });
  assert.equal(i.path, 'evaluation.datasets[1]');
  assert.equal(i.code, 'output-too-small');
  assert.match(i.message, /26 classes, more than the network's 10 outputs/);
  const j = check((c) => { c.evaluation.datasets = ['emnist_letters']; });
  assert.equal(j.code, 'output-too-small');
  assert.match(j.fix, /pad\.output to \[26\]/);
});

test('filter_classes naming a class that does not exist', () => {
  const i = check((c) => { c.data.filter_classes = [0, 1, 12]; c.evaluation.datasets = ['mnist']; });
  assert.equal(i.path, 'data.filter_classes[2]');
  assert.equal(i.code, 'filter-class-out-of-range');
});

test('enum typo and unsupported reference values', () => {
  const i = check((c) => { c.training.loss_type = 'meen'; });
  assert.equal(i.code, 'enum');
  assert.match(i.fix, /did you mean "mean"\?/);
  const j = check((c) => { c.model.type = 'FWP'; });
  assert.match(j.message, /not supported yet/);
});

test('separate_backward_rnn without backward_pass is a warning, not an error', () => {
  const cfg = base();
  cfg.model.vsml_rnn.separate_backward_rnn = true;
  const r = validateConfigValue(cfg, 'x', { catalog });
  assert.ok(r.ok);
  assert.equal(onlyIssue(r.issues).severity, 'warning');
});

test('backprop is an optimizer type; the other optimizer type\'s settings are warnings', () => {
  const ok = base();
  ok.optimizer = { type: 'backprop', lr: 0.001, truncation: 10, meta_batch_size: 4, clip_gradnorm: 25 };
  const r = validateConfigValue(ok, 'x', { catalog });
  assert.ok(r.ok && r.issues.length === 0, JSON.stringify(r.issues));
  assert.equal(r.config.optimizer.truncation, 10);

  const mixed = base();
  mixed.optimizer = { type: 'backprop', centered_ranks: true };
  const w = validateConfigValue(mixed, 'x', { catalog });
  assert.ok(w.ok);
  const i = onlyIssue(w.issues);
  assert.deepEqual([i.severity, i.code, i.path], ['warning', 'no-effect', 'optimizer.centered_ranks']);

  const es = base();
  es.optimizer = { type: 'es', truncation: 5 };
  assert.equal(onlyIssue(validateConfigValue(es, 'x', { catalog }).issues).path, 'optimizer.truncation');

  // persistent ES runs one episode length: a list of lengths is a no-effect warning, naming the fix
  const pes = base();
  pes.optimizer = { type: 'es', truncation: 10 };
  pes.training = { ...pes.training, episode_lengths: [20, 50] };
  const lengths = validateConfigValue(pes, 'x', { catalog });
  assert.ok(lengths.ok);
  const li = lengths.issues.find((x) => x.path === 'training.episode_lengths');
  assert.ok(li, JSON.stringify(lengths.issues));
  assert.deepEqual([li.severity, li.code], ['warning', 'no-effect']);
  assert.match(li.message, /has no effect with truncated \/ persistent ES \(optimizer\.truncation 10\): every episode runs training\.episode_length \d+ steps/);
  assert.match(li.fix, /set optimizer\.truncation to 0/);
  const bpLengths = base();
  bpLengths.optimizer = { type: 'backprop', truncation: 10 };
  bpLengths.training = { ...bpLengths.training, episode_lengths: [20, 50] };
  assert.equal(validateConfigValue(bpLengths, 'x', { catalog }).issues.find((x) => x.path === 'training.episode_lengths'), undefined, 'backprop honours the list');

  const gradientWithEs = base();
  gradientWithEs.engine = { gradient: 'tfjs' };
  const g = onlyIssue(validateConfigValue(gradientWithEs, 'x', { catalog }).issues);
  assert.deepEqual([g.severity, g.code, g.path], ['warning', 'no-effect', 'engine.gradient']);
  const gradientWithBackprop = base();
  gradientWithBackprop.optimizer = { type: 'backprop' };
  gradientWithBackprop.engine = { gradient: 'native' };
  assert.equal(validateConfigValue(gradientWithBackprop, 'x', { catalog }).issues.length, 0);
  const badGradient = base();
  badGradient.engine = { gradient: 'gpu' };
  assert.deepEqual([onlyIssue(validateConfigValue(badGradient, 'x', { catalog }).issues).path, onlyIssue(validateConfigValue(badGradient, 'x', { catalog }).issues).code], ['engine.gradient', 'enum']);

  for (const [key, value, code] of [['truncation', -1, 'minimum'], ['truncation', 2.5, 'type'], ['meta_batch_size', 0, 'minimum'], ['type', 'sgd', 'enum']] as const) {
    const bad = base();
    bad.optimizer = { type: 'backprop', [key]: value };
    const b = validateConfigValue(bad, 'x', { catalog });
    assert.equal(b.ok, false, `${key}=${value}`);
    assert.deepEqual([onlyIssue(b.issues).path, onlyIssue(b.issues).code], [`optimizer.${key}`, code]);
  }
});

test('bad JSON: one parse issue with line and column', () => {
  const text = '{\n  "seed": 42\n  "name": "x"\n}\n';
  const r = validateConfigText(text, 'bad.vsml.json');
  assert.equal(r.ok, false);
  const i = onlyIssue(r.issues);
  assert.equal(i.code, 'parse');
  assert.equal(i.path, '');
  assert.deepEqual(i.location && { line: i.location.line, column: i.location.column }, { line: 3, column: 3 });
  assert.match(i.message, /line 3, column 3: expected a comma/);
  assert.match(i.fix, /comma/);
  const cut = onlyIssue(validateConfigText('{ "seed": ', 'cut.vsml.json').issues);
  assert.equal(cut.code, 'parse');
  const arr = onlyIssue(validateConfigText('[1, 2]', 'arr.vsml.json').issues);
  assert.match(arr.message, /one JSON object/);
});

test('comments and trailing commas are allowed (JSONC)', () => {
  const r = validateConfigText('{\n  // small run\n  "seed": 7, /* block */\n  "training": { "iterations": 3, },\n}\n', 'c.vsml.json');
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.config.seed, 7);
  assert.equal(r.config.training.iterations, 3);
});

test('defaults are filled, the name comes from the file, and the input is not modified', () => {
  const input = { training: { iterations: 5 } };
  const r = validateConfigValue(input, '/somewhere/my-run.vsml.json');
  assert.ok(r.ok);
  assert.equal(r.config.name, 'my-run');
  assert.equal(r.config.training.population_size, 1024);
  assert.equal(r.config.model.vsml_rnn.num_micro_ticks, 2);
  assert.deepEqual(input, { training: { iterations: 5 } });
});

test('a missing file is an issue, not an exception; configOrThrow throws an EngineError', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vsml-config-'));
  const r = await loadConfigFile(join(dir, 'nope.vsml.json'));
  assert.equal(r.ok, false);
  assert.match(onlyIssue(r.issues).message, /no such file/);
  const f = join(dir, 'bad.vsml.json');
  writeFileSync(f, JSON.stringify({ training: { population_size: 0 } }));
  const bad = await loadConfigFile(f);
  assert.throws(() => configOrThrow(bad), (e: unknown) => e instanceof EngineError && e.path === 'training.population_size' && e.file === f);
});

test('overrides are validated like the file (and attributed to --set)', () => {
  const r = validateConfigValue(base(), 'x', { overrides: ['training.population_size=0'] });
  assert.equal(onlyIssue(r.issues).path, 'training.population_size');
  const u = validateConfigValue(base(), 'x', { overrides: ['training.popsize=8'] });
  const i = onlyIssue(u.issues);
  assert.equal(i.file, '--set');
  assert.equal(i.code, 'override');
});

test('no malformed value (of a field or a whole section) crashes the validator, and every issue names a field and a fix', () => {
  const leaves: string[][] = [];
  const collect = (o: unknown, p: string[]) => {
    if (p.length > 0) leaves.push(p); // sections too: `"model": []` must not crash the semantic checks
    if (o && typeof o === 'object' && !Array.isArray(o)) for (const [k, v] of Object.entries(o)) collect(v, [...p, k]);
  };
  collect(validateConfigValue({}, 'x').config, []);
  const bads: unknown[] = ['x', -1, 0, 1.5, null, true, [], {}, [1, 'a'], 1e300];
  let n = 0;
  for (const leaf of leaves) {
    for (const bad of bads) {
      const cfg = base();
      let node: any = cfg;
      for (const seg of leaf.slice(0, -1)) node = node[seg] ??= {};
      node[leaf[leaf.length - 1]] = bad;
      const r = validateConfigValue(cfg, 'x', { catalog });
      for (const i of r.issues) {
        n++;
        assert.ok(i.message && i.fix && i.code, JSON.stringify(i));
        if (i.code !== 'parse') assert.ok(i.path.length > 0, JSON.stringify(i));
      }
    }
  }
  assert.ok(n > leaves.length, `${n} issues over ${leaves.length} fields`);
});

test('an unheard-of dataset name is an error with a did-you-mean, with or without a catalog', () => {
  const cfg = base();
  cfg.evaluation.datasets = ['mnist', 'fashion_mnsit', 'idx:/data/notmnist'];
  const withCatalog = validateConfigValue(cfg, 'x', { catalog: { isDatasetAvailable: () => ({ available: true }) } });
  assert.equal(onlyIssue(withCatalog.issues).code, 'dataset-unknown');
  const r = validateConfigValue(cfg, 'x');
  assert.equal(r.ok, false);
  const i = onlyIssue(r.issues);
  assert.equal(i.code, 'dataset-unknown');
  assert.equal(i.path, 'evaluation.datasets[1]');
  assert.match(i.fix, /did you mean "fashion_mnist"\?/);
});

test('a run folder\'s config.json (resolved config plus "source") re-validates', () => {
  const resolved = validateConfigValue(base(), 'examples/default.vsml.json');
  assert.ok(resolved.ok);
  const r = validateRunConfig({ ...resolved.config, source: 'examples/default.vsml.json' }, 'run/config.json');
  assert.ok(r.ok, JSON.stringify(r.issues));
  assert.equal(r.source, 'examples/default.vsml.json');
  assert.deepEqual(r.config, resolved.config);
});

test('mixture weights must match the datasets', () => {
  const i = check((c) => { c.training.dataset = ['mnist', 'random']; c.training.dataset_weights = [1, 2, 3]; });
  assert.equal(i.path, 'training.dataset_weights');
  assert.equal(i.code, 'dataset-weights-mismatch');
  assert.equal(check((c) => { c.training.dataset = ['mnist', 'random']; c.training.dataset_weights = [0, 0]; }).code, 'dataset-weights-mismatch');
  const ok = base();
  ok.training.dataset = ['mnist', 'random'];
  ok.training.dataset_weights = [2, 1];
  assert.ok(validateConfigValue(ok, 'x', { catalog }).ok);
});

test('the recorded run folders the panel tests replay hold configs that validate', () => {
  const runs = join(REPO_ROOT, 'test', 'fixtures', 'runs');
  const ids = readdirSync(runs);
  assert.ok(ids.length >= 2);
  for (const id of ids) {
    const file = join(runs, id, 'config.json');
    const res = validateRunConfig(JSON.parse(readFileSync(file, 'utf8')), file);
    assert.deepEqual(res.issues.filter((i) => i.severity === 'error'), [], id);
  }
});

test('optimizer.truncation: longer than an episode is an error; not dividing it is info; a forward-only net gets a warning', () => {
  const long = check((c) => { c.optimizer.truncation = 60; c.model.vsml_rnn.backward_pass = true; });
  assert.equal(long.code, 'truncation-too-long');
  assert.equal(long.path, 'optimizer.truncation');
  assert.match(long.fix, /divides 50 \(e\.g\. 5\)/);

  const uneven = base();
  uneven.optimizer.truncation = 15;
  uneven.model.vsml_rnn.backward_pass = true;
  const u = validateConfigValue(uneven, 'x', { catalog });
  assert.ok(u.ok);
  assert.equal(onlyIssue(u.issues).code, 'truncation-uneven');
  assert.equal(u.issues[0].severity, 'info');
  assert.match(u.issues[0].message, /last slice of every episode has 5 steps/);

  const forward = base();
  forward.optimizer.truncation = 10;
  const f = validateConfigValue(forward, 'x', { catalog });
  assert.ok(f.ok);
  assert.equal(onlyIssue(f.issues).code, 'truncation-resets-messages');
  assert.equal(f.issues[0].severity, 'warning');

  const exact = base();
  exact.optimizer.truncation = 10;
  exact.model.vsml_rnn.backward_pass = true;
  const e = validateConfigValue(exact, 'x', { catalog });
  assert.ok(e.ok);
  assert.deepEqual(e.issues, []);
  assert.equal(e.ok && e.config.optimizer.estimator, 'pes');
});

test('optimizer.estimator and evaluation.lengths are checked by the schema', () => {
  assert.equal(check((c) => { c.optimizer.estimator = 'pse'; }).path, 'optimizer.estimator');
  assert.equal(check((c) => { c.evaluation.lengths = []; }).path, 'evaluation.lengths');
  assert.equal(check((c) => { c.evaluation.lengths = [50, 0]; }).path, 'evaluation.lengths[1]');
  const ok = validateConfigValue({ ...base(), evaluation: { ...base().evaluation, lengths: [50, 500] } }, 'x', { catalog });
  assert.ok(ok.ok && ok.config.evaluation.lengths?.length === 2);
});

test('rand_proj_pool and rand_proj_share: accepted with rand_proj, no-effect warnings without it or without a pool', () => {
  const ok = base();
  ok.data = { preprocess: { rand_proj: true, rand_proj_pool: 16, rand_proj_share: 0.5 } };
  const r = validateConfigValue(ok, 'x', { catalog });
  assert.ok(r.ok && r.issues.length === 0, JSON.stringify(r.issues));
  assert.equal(r.config.data.preprocess.rand_proj_pool, 16);
  const off = base();
  off.data = { preprocess: { rand_proj: false, rand_proj_pool: 16 } };
  const i = onlyIssue(validateConfigValue(off, 'x', { catalog }).issues);
  assert.deepEqual([i.severity, i.code, i.path], ['warning', 'no-effect', 'data.preprocess.rand_proj_pool']);
  const noPool = base();
  noPool.data = { preprocess: { rand_proj: true, rand_proj_share: 0.5 } };
  const j = onlyIssue(validateConfigValue(noPool, 'x', { catalog }).issues);
  assert.deepEqual([j.code, j.path], ['no-effect', 'data.preprocess.rand_proj_share']);
  const bad = base();
  bad.data = { preprocess: { rand_proj: true, rand_proj_pool: 4, rand_proj_share: 1.5 } };
  assert.equal(onlyIssue(validateConfigValue(bad, 'x', { catalog }).issues).code, 'maximum');
});

test('training.tasks: validated by the schema; a task\'s classes are checked against its dataset', () => {
  const ok = base();
  ok.training = { ...(ok.training as object), tasks: [{ filter_classes: [6, 2, 3] }, { resize: [14, 14], rand_proj: true, weight: 2 }, { dataset: 'random' }] };
  const r = validateConfigValue(ok, 'x', { catalog });
  assert.ok(r.ok && r.issues.length === 0, JSON.stringify(r.issues));
  assert.equal(r.config.training.tasks!.length, 3);
  const range = base();
  range.training = { ...(range.training as object), tasks: [{ dataset: 'sum', filter_classes: [0, 3] }] };
  const i = onlyIssue(validateConfigValue(range, 'x', { catalog }).issues);
  assert.deepEqual([i.code, i.path], ['filter-class-out-of-range', 'training.tasks[0].filter_classes[1]']);
  const typo = base();
  typo.training = { ...(typo.training as object), tasks: [{ rezise: [14, 14] }] };
  assert.equal(onlyIssue(validateConfigValue(typo, 'x', { catalog }).issues).code, 'additionalProperties');
});
