// Builds the fused kernel's N-API addon (native/build/Release/vsml_kernel.node) with node-gyp.
// Runs as the package's `install` script, so it must never fail `npm ci`: without a compiler,
// headers or node-gyp it prints a note and exits 0, and the fused path uses the committed
// wasm build instead. `npm run build:native -- --strict` exits 1 on failure (for CI/dev).
// Set VSML_SKIP_NATIVE=1 to skip the build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const strict = process.argv.includes('--strict');

function note(msg) {
  console.log(`vsml-lab: ${msg}`);
  console.log('vsml-lab: the fused kernel will use its WebAssembly build (slower, but needs no compiler).');
  process.exit(strict ? 1 : 0);
}

if (process.env.VSML_SKIP_NATIVE) note('VSML_SKIP_NATIVE is set; not building the native addon.');

// npm puts its bundled node-gyp in npm_config_node_gyp for lifecycle scripts; else look beside npm.
const candidates = [
  process.env.npm_config_node_gyp,
  process.env.npm_execpath && join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter(Boolean);
const nodeGyp = candidates.find((p) => existsSync(p));
if (!nodeGyp) note('node-gyp was not found; not building the native addon.');

const args = [nodeGyp, 'rebuild', `--directory=${here}`];
// Distribution Node (e.g. Debian's) ships its headers; use them instead of downloading.
const systemHeaders = join(dirname(process.execPath), '..', 'include', 'node', 'node_api.h');
if (!process.env.npm_config_nodedir && existsSync(systemHeaders)) args.push(`--nodedir=${join(dirname(process.execPath), '..')}`);

const res = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (res.status !== 0) {
  const tail = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').filter((l) => !/^gyp (info|ERR! (cwd|node|command|System|not ok|\$npm))/.test(l)).slice(-6).join('\n  ');
  note(`building the native kernel addon failed (a C compiler, make and Node headers are needed):\n  ${tail}`);
}
console.log(`vsml-lab: built the native kernel addon (${join(here, 'build', 'Release', 'vsml_kernel.node')})`);
