import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { EngineError } from '../../../src/engine/errors';
import { selectTfjsBackend, TfjsBackendPreference } from '../../../src/engine/tfjs/backend';
import { TfjsRunner } from '../../../src/engine/tfjs/tfjs-runner';
import { REPO_ROOT } from '../../helpers/paths';

/** True when @tensorflow/tfjs-node is installed here (it cannot be in CI; tests adapt). */
function tfjsNodeInstalled(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

test('explicit "tensorflow" without tfjs-node is an EngineError naming the setting and the fix', { skip: tfjsNodeInstalled() && 'tfjs-node is installed here' }, async () => {
  await assert.rejects(selectTfjsBackend('tensorflow'), (e: unknown) => {
    assert.ok(e instanceof EngineError);
    assert.equal(e.path, 'engine.backend');
    assert.match(e.message, /tfjs-node could not be loaded/);
    assert.match(e.fix, /npm install @tensorflow\/tfjs-node/);
    assert.match(e.fix, /"wasm"/);
    return true;
  });
});

test('"auto" falls back to wasm and says why', { skip: tfjsNodeInstalled() && 'tfjs-node is installed here' }, async () => {
  const sel = await selectTfjsBackend('auto');
  assert.equal(sel.backend, 'wasm');
  assert.equal(sel.tf.getBackend(), 'wasm');
  assert.equal(sel.threads, 1);
  assert.ok(sel.notes.some((n) => /tfjs-node unavailable/.test(n)), JSON.stringify(sel.notes));
});

test('wasm in Node runs one thread and says so when more are asked for', async () => {
  const sel = await selectTfjsBackend('wasm', 2);
  assert.equal(sel.backend, 'wasm');
  assert.equal(sel.threads, 1);
  assert.ok(sel.notes.some((n) => /1 thread/.test(n)), JSON.stringify(sel.notes));
});

test('cpu can be chosen explicitly and switching back and forth works', async () => {
  const cpu = await selectTfjsBackend('cpu');
  assert.equal(cpu.backend, 'cpu');
  assert.equal(cpu.tf.getBackend(), 'cpu');
  const wasm = await selectTfjsBackend('wasm');
  assert.equal(wasm.tf.getBackend(), 'wasm');
});

test('unknown backend names and bad thread counts are EngineErrors', async () => {
  await assert.rejects(selectTfjsBackend('gpu' as TfjsBackendPreference), (e: unknown) => e instanceof EngineError && e.path === 'engine.backend' && /auto, tensorflow, wasm, cpu/.test(e.fix));
  await assert.rejects(selectTfjsBackend('wasm', 0), (e: unknown) => e instanceof EngineError && e.path === 'engine.threads');
  await assert.rejects(selectTfjsBackend('wasm', 1.5), (e: unknown) => e instanceof EngineError && e.path === 'engine.threads');
});

test('TfjsRunner reports what runs', async () => {
  const inline = await TfjsRunner.create({ backend: 'cpu', threads: 1 });
  assert.equal(inline.name, 'tfjs');
  assert.equal(inline.backend, 'cpu');
  assert.equal(inline.precision, 'float32');
  assert.equal(inline.threads, 1);
  const pooled = await TfjsRunner.create({ backend: 'wasm', threads: 2 });
  try {
    assert.equal(pooled.backend, 'wasm');
    assert.equal(pooled.threads, 2, JSON.stringify(pooled.notes));
    assert.ok(pooled.notes.some((n) => /2 worker threads/.test(n)), JSON.stringify(pooled.notes));
  } finally {
    await pooled.dispose();
  }
  await assert.rejects(TfjsRunner.create({ backend: 'wasm', threads: -1 }), (e: unknown) => e instanceof EngineError && e.path === 'engine.threads');
});

test('TfjsRunner.create({backend:"auto"}) and "cpu" work from a bundle that has the .wasm files and the worker bundle beside it and no node_modules', async () => {
  // Mimics dist/: esbuild bundle + the .wasm files scripts/build.mjs copies, in a folder
  // outside the repository so node_modules cannot be found from it.
  const dir = mkdtempSync(join(tmpdir(), 'vsml-tfjs-bundle-'));
  try {
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, [
      `import { TfjsRunner } from ${JSON.stringify(join(REPO_ROOT, 'src/engine/tfjs/tfjs-runner'))};`,
      `(async () => {`,
      `  const cpu = await TfjsRunner.create({ backend: 'cpu', threads: 1 });`,
      `  const auto = await TfjsRunner.create({ backend: 'auto', threads: 2 });`,
      `  await auto.dispose();`,
      `  console.log(JSON.stringify({ cpu: cpu.backend, backend: auto.backend, threads: auto.threads, notes: auto.notes }));`,
      `})().catch((e) => { console.error(e); process.exit(1); });`,
    ].join('\n'));
    // As scripts/build.mjs: the probe plus the worker bundle beside it.
    await build({ entryPoints: { probe: entry, 'tfjs-worker': join(REPO_ROOT, 'src/engine/tfjs/tfjs-worker.ts') }, outdir: dir, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
      logLevel: 'error', external: ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'] });
    const wasmDir = join(REPO_ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
    for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(dir, f));
    const out = execFileSync(process.execPath, [join(dir, 'probe.js')], { cwd: dir, encoding: 'utf8' });
    const got = JSON.parse(out.trim().split('\n').pop()!);
    assert.equal(got.cpu, 'cpu');
    if (tfjsNodeInstalled()) assert.equal(got.backend, 'tensorflow');
    else assert.deepEqual([got.backend, got.threads], ['wasm', 2], JSON.stringify(got.notes));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
