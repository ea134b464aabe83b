/**
 * `npm run check:exports`: lists exports of src/ and webview/ that nothing uses: no reference
 * anywhere in the project (tests included) besides their own declaration. Such code is dead;
 * delete it rather than keep it "for later". Exports used only inside their own file are not
 * listed (types that appear in exported signatures, for instance). Exits 1 when it finds any.
 * Uses TypeScript's language service (find all references), so re-exports and `import type` count.
 * Takes about a minute.
 */
import ts from 'typescript';
import { join, relative, resolve } from 'node:path';

/** Entry points that the host calls (VS Code calls activate/deactivate), not dead code. */
const ENTRY_POINTS = new Set(['src/extension/extension.ts: activate', 'src/extension/extension.ts: deactivate']);

const root = resolve(__dirname, '..');
const parse = (file: string): ts.ParsedCommandLine => {
  const parsed = ts.getParsedCommandLineOfConfigFile(file, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (!parsed) throw new Error(`cannot read ${file}`);
  return parsed;
};
const main = parse(join(root, 'tsconfig.json'));
const files = [...new Set([...main.fileNames, ...parse(join(root, 'webview/tsconfig.json')).fileNames])];
const service = ts.createLanguageService({
  getScriptFileNames: () => files,
  getScriptVersion: () => '1',
  getScriptSnapshot: (f) => (ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f) ?? '') : undefined),
  getCurrentDirectory: () => root,
  getCompilationSettings: () => main.options,
  getDefaultLibFileName: ts.getDefaultLibFilePath,
  fileExists: ts.sys.fileExists,
  readFile: ts.sys.readFile,
  readDirectory: ts.sys.readDirectory,
});
const program = service.getProgram();
if (!program) throw new Error('no program');
const checker = program.getTypeChecker();
const unused: string[] = [];
for (const file of files) {
  const rel = relative(root, file).split('\\').join('/');
  if (!/^(src|webview)\//.test(rel)) continue;
  const sf = program.getSourceFile(file);
  const moduleSymbol = sf && checker.getSymbolAtLocation(sf);
  if (!moduleSymbol) continue;
  for (const exp of checker.getExportsOfModule(moduleSymbol)) {
    const decl = exp.declarations?.[0];
    if (!decl || decl.getSourceFile() !== sf) continue; // re-exported from elsewhere
    const name = (decl as ts.NamedDeclaration).name ?? decl;
    const refs = (service.findReferences(file, name.getStart()) ?? []).flatMap((r) => r.references).filter((r) => !r.isDefinition);
    const id = `${rel}: ${exp.name}`;
    if (refs.length === 0 && !ENTRY_POINTS.has(id)) unused.push(id);
  }
}
for (const u of unused) console.log(u);
console.error(unused.length === 0 ? 'no unused exports' : `${unused.length} unused exports`);
process.exit(unused.length === 0 ? 0 : 1);
