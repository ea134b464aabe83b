/**
 * package.json's contributions agree with the code: every declared command is registered by
 * activation (src/extension/**), every menu names a declared command, activation happens only on
 * the view, the commands and *.vsml.json files, and training needs a trusted workspace.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths';
import { STATE_ICONS } from '../../src/extension/tree/tree-model';

interface Command { command: string; title: string; enablement?: string }
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const c = pkg.contributes;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [readFileSync(join(dir, d.name), 'utf8')] : []);
}

describe('package.json contributions', () => {
  const declared = new Map<string, Command>((c.commands as Command[]).map((x) => [x.command, x]));

  it('declares the commands issue 4 names, with its titles', () => {
    for (const id of ['vsml.train', 'vsml.stop', 'vsml.resume', 'vsml.evaluate', 'vsml.newExperiment', 'vsml.openMetrics', 'vsml.openGraph',
      'vsml.openConfigEditor', 'vsml.deleteRun', 'vsml.revealConfig']) assert.ok(declared.has(id), id);
    assert.equal(declared.get('vsml.train')!.title, 'Train VS-ML');
    assert.equal(declared.get('vsml.stop')!.title, 'VS-ML: Stop Run');
  });

  it('declares "VS-ML: Open Run Log" in the palette and on every run of the Experiments view', () => {
    assert.equal(declared.get('vsml.openRunLog')?.title, 'VS-ML: Open Run Log');
    const onRuns = (c.menus['view/item/context'] as { command: string; when: string }[]).find((m) => m.command === 'vsml.openRunLog');
    assert.ok(onRuns && /viewItem =~ \/\^vsml\\\.run\\\.\//.test(onRuns.when), JSON.stringify(onRuns));
    assert.ok(!(c.menus.commandPalette as { command: string }[]).some((m) => m.command === 'vsml.openRunLog'), 'hidden from the palette');
  });

  it('declares "VS-ML: Open Compare Results" in the palette and on compare folders and their table.csv in the explorer', () => {
    assert.equal(declared.get('vsml.openCompare')?.title, 'VS-ML: Open Compare Results');
    assert.equal(declared.get('vsml.openCompare')?.enablement, undefined, 'reading a table is allowed in Restricted Mode');
    const onExplorer = (c.menus['explorer/context'] as { command: string; when: string }[]).find((m) => m.command === 'vsml.openCompare');
    assert.equal(onExplorer?.when, 'resourceFilename == table.csv || explorerResourceIsFolder && resourcePath in vsml.compareFolders');
    const code = readFileSync(join(REPO_ROOT, 'src/extension/panels/compare-folder.ts'), 'utf8');
    assert.match(code, /COMPARE_FOLDERS_CONTEXT = 'vsml\.compareFolders'/, 'the context key the menu names is the one the extension sets');
  });

  it('registers every declared command in the extension, and declares every registered one', () => {
    const code = sources(join(REPO_ROOT, 'src', 'extension')).join('\n');
    const registered = new Set([...code.matchAll(/(?:registerCommand\(|reg\()\s*'(vsml\.[A-Za-z]+)'/g)].map((m) => m[1]));
    assert.deepEqual([...declared.keys()].filter((id) => !registered.has(id)), [], 'declared but never registered');
    assert.deepEqual([...registered].filter((id) => !declared.has(id)), [], 'registered but not declared');
  });

  it('menus only name declared commands, and view items match the tree\'s context values', () => {
    for (const [where, items] of Object.entries(c.menus as Record<string, { command: string; when?: string }[]>)) {
      for (const item of items) assert.ok(declared.has(item.command), `${where}: ${item.command}`);
    }
    // The context values runNode/buildTree produce.
    const states = Object.keys(STATE_ICONS);
    const values = new Set(['vsml.config', 'vsml.orphans', ...states.map((st) => `vsml.run.${st}`), ...states.map((st) => `vsml.run.${st}.resumable`)]);
    for (const item of c.menus['view/item/context'] as { when: string }[]) {
      for (const m of item.when.matchAll(/viewItem [!=]= ([\w.]+)/g)) assert.ok(values.has(m[1]), m[1]);
      for (const m of item.when.matchAll(/viewItem =~ \/(.+?)\//g)) {
        const re = new RegExp(m[1]);
        assert.ok([...values].some((v) => re.test(v)), `${m[1]} matches no context value`);
      }
    }
  });

  it('has the VS-ML container with the Experiments view and an icon that exists', () => {
    assert.equal(c.viewsContainers.activitybar[0].title, 'VS-ML');
    assert.equal(c.views.vsml[0].name, 'Experiments');
    readFileSync(join(REPO_ROOT, c.viewsContainers.activitybar[0].icon));
  });

  it('activates only on the view, *.vsml.json files and restored panels (commands activate implicitly)', () => {
    // onWebviewPanel: a metrics, graph or runs table panel left open is revived after a reload (its serializer needs the extension).
    assert.deepEqual(pkg.activationEvents, ['workspaceContains:**/*.vsml.json', 'onView:vsml.experiments', 'onWebviewPanel:vsml.metrics', 'onWebviewPanel:vsml.graph', 'onWebviewPanel:vsml.runsTable']);
  });

  it('gives VS Code the editor copy of the schema (hover, completion; faults are the extension\'s) and treats *.vsml.json as JSON with comments', () => {
    assert.deepEqual(c.jsonValidation, [{ fileMatch: '*.vsml.json', url: './schemas/experiment.editor.schema.json' }]);
    readFileSync(join(REPO_ROOT, 'schemas/experiment.editor.schema.json'));
    assert.deepEqual(c.languages, [{ id: 'jsonc', filenamePatterns: ['*.vsml.json'] }]);
  });

  it('offers the five settings', () => {
    assert.deepEqual(Object.keys(c.configuration.properties).sort(), ['vsml.backend', 'vsml.cluster', 'vsml.dataFolder', 'vsml.runsFolder', 'vsml.threads']);
  });

  it('is limited in untrusted workspaces: training commands need trust', () => {
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    for (const id of ['vsml.train', 'vsml.sweep', 'vsml.trainOnCluster', 'vsml.resume', 'vsml.evaluate']) assert.equal(declared.get(id)!.enablement, 'isWorkspaceTrusted', id);
  });

  it('can be packaged by vsce 3: repository, LICENSE, package script', () => {
    assert.ok(pkg.repository?.url);
    assert.match(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8'), /^MIT License/);
    assert.equal(pkg.scripts.package, 'node scripts/package.mjs');
  });
});

describe('command titles', () => {
  it('read once in the palette: a title that names VS-ML has no category (else "VS-ML: VS-ML: ...")', () => {
    for (const cmd of JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).contributes.commands as { title: string; category?: string }[]) {
      assert.ok(!(cmd.category && cmd.title.startsWith(`${cmd.category}:`)), cmd.title);
    }
  });
});
