// One esbuild pass for every bundle the extension and the CLI ship.
// Node bundles are CommonJS (VS Code's extension host and the CLI load them with require);
// webview bundles are browser IIFEs loaded by a <script nonce> tag.
import { build } from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'dist');
mkdirSync(out, { recursive: true });

/** Node entry points: [source, output name]. Missing sources are skipped so partial checkouts still build. */
const nodeEntries = [
  ['src/extension/extension.ts', 'extension'],
  ['src/cli/main.ts', 'cli'],
  ['src/cli/trainer-process.ts', 'trainer'],
  ['src/engine/kernel/kernel-worker.ts', 'kernel-worker'],
  ['src/engine/tfjs/tfjs-worker.ts', 'tfjs-worker'],
  ['src/engine/kernel/gradient-worker.ts', 'gradient-worker'],
  ['bench/bench.ts', 'bench'],
].filter(([src]) => existsSync(join(root, src)));

/** Webview apps: every webview/<panel>/main.ts becomes dist/webview/<panel>.js. */
const webviewDir = join(root, 'webview');
const webviewEntries = existsSync(webviewDir)
  ? readdirSync(webviewDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && d.name !== 'shared' && existsSync(join(webviewDir, d.name, 'main.ts')))
      .map((d) => [join('webview', d.name, 'main.ts'), d.name])
  : [];

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning' };

await build({
  ...common,
  entryPoints: Object.fromEntries(nodeEntries.map(([src, name]) => [name, join(root, src)])),
  outdir: out,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // vscode is provided by the host; tfjs-node is an optional native dependency loaded only if installed.
  external: ['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
  // jsonc-parser's "main" is a UMD build whose dynamic require('./impl/...') esbuild cannot follow;
  // its ESM build bundles cleanly.
  alias: { 'jsonc-parser': join(root, 'node_modules/jsonc-parser/lib/esm/main.js') },
});

if (webviewEntries.length > 0) {
  await build({
    ...common,
    entryPoints: Object.fromEntries(webviewEntries.map(([src, name]) => [name, join(root, src)])),
    outdir: join(out, 'webview'),
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
  });
}

// The tfjs wasm backend loads its .wasm binaries from disk next to the bundle.
const tfWasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
if (existsSync(tfWasmDir)) {
  for (const f of readdirSync(tfWasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(tfWasmDir, f), join(out, f));
}
// Our own fused kernel's wasm builds (simd128 and relaxed SIMD), if present.
for (const f of ['vsml-kernel.wasm', 'vsml-kernel-relaxed.wasm']) {
  const kernelWasm = join(root, 'native', f);
  if (existsSync(kernelWasm)) copyFileSync(kernelWasm, join(out, f));
}

