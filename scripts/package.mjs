// `npm run package`: a production build, then .vsix files with @vscode/vsce 3 (vsce 4 needs Node 22):
//   dist-vsix/vsml-lab-<version>.vsix             universal: no native addon; the fused kernel runs its
//                                                 wasm builds (relaxed SIMD where the runtime has it)
//   dist-vsix/vsml-lab-linux-x64-<version>.vsix   vsce --target linux-x64, with the prebuilt N-API addon
// The marketplace serves a platform package to its platform and the universal one to every other.
// A platform package is made only when its addon exists here and loads and runs an episode on this
// machine (so: linux-x64 on a linux-x64 machine after `npm ci` or `npm run build:native`); otherwise
// the script says why and makes the others. `--target universal|linux-x64` makes one (an unbuildable
// one is then an error). The paths of the .vsix files made are printed last, one per line.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outDir = join(root, 'dist-vsix');
const ADDON = 'native/build/Release/vsml_kernel.node';

const only = (() => {
  const i = process.argv.indexOf('--target');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();
const TARGETS = ['universal', 'linux-x64'];
if (only !== undefined && !TARGETS.includes(only)) {
  console.error(`package: --target ${only} is not one of ${TARGETS.join(', ')}`);
  process.exit(2);
}

/**
 * Whether the addon can ship in the package for `target`: built for this platform, loads in a
 * fresh Node, and runs one tiny episode (a build for another CPU or a broken link would fail here).
 */
function addonProblem(target) {
  const here = `${process.platform}-${process.arch}`;
  if (target !== here) return `this machine is ${here}; the ${target} addon can only be built and load-tested on ${target}`;
  if (!existsSync(join(root, ADDON))) return `${ADDON} is not built (run \`npm run build:native\`; needs a C compiler)`;
  const probe = `const k = require(${JSON.stringify(join(root, ADDON))});
    const ci = Int32Array.from([1, 2, 2, 1, 0, 0, 0, 0, 1, 1, 1, (2*2+2)*4*2 + 4*2 + 2*(2*2+2), 2, 2, 0, 0]);
    const theta = new Float32Array(ci[11]).fill(0.1), logits = new Float32Array(2);
    const code = k.episode(ci, Float32Array.of(0), theta, Float32Array.of(1, -1), Int32Array.of(0), new Float32Array(2*2*2*2), logits, null);
    if (code !== 0 || !logits.every(Number.isFinite)) throw new Error('episode returned ' + code);
    console.log(k.variant);`;
  const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  if (r.status !== 0) return `${ADDON} does not load and run here: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`;
  console.log(`package: ${ADDON} loads here (variant ${r.stdout.trim()})`);
  return undefined;
}

mkdirSync(outDir, { recursive: true });
execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--production'], { stdio: 'inherit', cwd: root });
const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce');
// .vscodeignore keeps the addon; the universal package drops those lines (in vsce negations win over exclusions).
const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'vsml-package-'));
const made = [];
let failed = false;
try {
  for (const target of only ? [only] : TARGETS) {
    let ignoreFile = join(root, '.vscodeignore');
    if (target === 'universal') {
      ignoreFile = join(tmp, 'universal.vscodeignore');
      writeFileSync(ignoreFile, ignore.split('\n').filter((l) => !/\.node$/.test(l.trim())).join('\n'));
    } else {
      const problem = addonProblem(target);
      if (problem) {
        console.error(`package: no ${target} package: ${problem}`);
        failed ||= only !== undefined;
        continue;
      }
    }
    const out = join(outDir, target === 'universal' ? `${pkg.name}-${pkg.version}.vsix` : `${pkg.name}-${target}-${pkg.version}.vsix`);
    rmSync(out, { force: true });
    // --no-update-package-json keeps the version. --no-rewrite-relative-links: the README's links to docs/
    // stay relative (they resolve inside the repository; the placeholder repository URL would break them).
    execFileSync(process.execPath, [vsce, 'package', '--no-update-package-json', '--no-rewrite-relative-links', '--ignoreFile', ignoreFile,
      ...(target === 'universal' ? [] : ['--target', target]), '--out', out], { stdio: ['ignore', 'inherit', 'inherit'], cwd: root });
    // What actually went in: the addon in platform packages only.
    const hasAddon = execFileSync('unzip', ['-l', out], { encoding: 'utf8' }).includes('vsml_kernel.node');
    if (hasAddon !== (target !== 'universal')) throw new Error(`${out}: the native addon is ${hasAddon ? '' : 'not '}inside, but this is the ${target} package`);
    console.log(`package: ${target}: ${(statSync(out).size / 1e6).toFixed(1)} MB, ${hasAddon ? 'with the native addon' : 'wasm kernel only'}`);
    made.push(out);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
for (const f of made) console.log(f);
if (failed) process.exit(1);
