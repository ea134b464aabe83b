import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WASM_EXPORTS, WasmKernel } from '../../../src/engine/kernel/wasm-kernel';
import { REPO_ROOT } from '../../helpers/paths';

test('the committed native/vsml-kernel.wasm exports what the loader needs and imports nothing', () => {
  const mod = new WebAssembly.Module(readFileSync(join(REPO_ROOT, 'native', 'vsml-kernel.wasm')));
  const names = WebAssembly.Module.exports(mod).map((e) => e.name);
  for (const n of WASM_EXPORTS) assert.ok(names.includes(n), `missing export ${n} (rebuild with npm run build:kernel)`);
  assert.deepEqual(WebAssembly.Module.imports(mod), []);
});

test('WasmKernel.load finds the repo copy when run from source and reports its variant', () => {
  const { kernel, reason } = WasmKernel.load();
  assert.ok(kernel, reason);
  assert.equal(kernel.variant, 'simd128');
});

test('WasmKernel.load explains a missing file', () => {
  const { kernel, reason } = WasmKernel.load('/nonexistent/dir');
  assert.equal(kernel, undefined);
  assert.match(reason!, /vsml-kernel\.wasm is missing/);
});
