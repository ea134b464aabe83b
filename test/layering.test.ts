/**
 * The layers of the style guide (§ "How we apply it here", 1), checked on the imports of every
 * source file (TypeScript's own import scanner, so `import type`, `export … from`, `require()` and
 * dynamic `import()` count too):
 *   - src/engine imports no `vscode`, and nothing from src/extension, src/cli or webview/;
 *   - src/protocol imports only src/protocol (no vscode, no engine code with side effects);
 *   - webview/<app> imports only its own folder, webview/shared, src/protocol and its libraries
 *     (chart.js, @vscode-elements/elements).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './helpers/paths';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

interface Import {
  readonly file: string;
  readonly spec: string;
  /** Repo-relative target for relative imports (with '/' separators), else undefined. */
  readonly target?: string;
}

function importsOf(file: string): Import[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const rel = (p: string): string => relative(REPO_ROOT, p).split(sep).join('/');
  return info.importedFiles.map(({ fileName: spec }) => ({
    file: rel(file),
    spec,
    ...(spec.startsWith('.') ? { target: rel(resolve(dirname(file), spec)) } : {}),
  }));
}

const all = (root: string): Import[] => sourceFiles(join(REPO_ROOT, root)).flatMap(importsOf);
const show = (bad: Import[]): string => bad.map((i) => `${i.file} imports '${i.spec}'`).join('\n');

test('the import scanner sees every kind of import (or this test would pass vacuously)', () => {
  const info = ts.preProcessFile(`import type { A } from './a'; export { b } from './b'; const c = require('./c'); void import('./d'); import './e.css';`, true, true);
  assert.deepEqual(info.importedFiles.map((f) => f.fileName).sort(), ['./a', './b', './c', './d', './e.css']);
  assert.ok(all('src/engine').length > 100, 'engine files were scanned');
});

test('src/engine imports no vscode and nothing from the extension, the CLI or the webviews', () => {
  const bad = all('src/engine').filter((i) => i.spec === 'vscode' || /^(src\/(extension|cli)|webview)(\/|$)/.test(i.target ?? ''));
  assert.deepEqual(bad, [], show(bad));
});

test('src/protocol imports only src/protocol', () => {
  const bad = all('src/protocol').filter((i) => !(i.target ?? '').startsWith('src/protocol/'));
  assert.deepEqual(bad, [], show(bad));
});

test('each webview app imports only itself, webview/shared, src/protocol and its libraries', () => {
  const libs = /^(chart\.js|chartjs-plugin-zoom|@vscode-elements\/elements)(\/|$)/;
  const bad = all('webview').filter((i) => {
    if (!i.target) return !libs.test(i.spec);
    const app = i.file.split('/').slice(0, 2).join('/');
    return ![`${app}/`, 'webview/shared/', 'src/protocol/'].some((ok) => i.target!.startsWith(ok));
  });
  assert.deepEqual(bad, [], show(bad));
});
