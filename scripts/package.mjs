// `npm run package`: a production build, then a .vsix with @vscode/vsce 3 (vsce 4 needs Node 22).
// The .vsix goes to dist-vsix/vsml-lab-<version>.vsix (gitignored via *.vsix); its path is printed last.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outDir = join(root, 'dist-vsix');
mkdirSync(outDir, { recursive: true });
const out = join(outDir, `${pkg.name}-${pkg.version}.vsix`);

execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--production'], { stdio: 'inherit', cwd: root });
const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce');
// --no-update-package-json keeps the version. --no-rewrite-relative-links: the README's links to docs/
// stay relative (they resolve inside the repository; the placeholder repository URL would break them).
execFileSync(process.execPath, [vsce, 'package', '--no-update-package-json', '--no-rewrite-relative-links', '--out', out], {
  stdio: ['ignore', 'inherit', 'inherit'],
  cwd: root,
});
console.log(`${(statSync(out).size / 1e6).toFixed(1)} MB`);
console.log(out);
