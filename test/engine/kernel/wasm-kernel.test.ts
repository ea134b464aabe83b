import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { relaxedSimdSupport } from '../../../src/engine/kernel/relaxed-simd';
import { WASM_BUILDS, WASM_EXPORTS, WasmKernel } from '../../../src/engine/kernel/wasm-kernel';
import { REPO_ROOT } from '../../helpers/paths';

// Compiling the relaxed build needs relaxed SIMD on (Node 20: the flag relaxedSimdSupport sets).
relaxedSimdSupport();

for (const [variant, file] of Object.entries(WASM_BUILDS)) {
  test(`the committed native/${file} (${variant}) exports what the loader needs and imports nothing`, () => {
    const mod = new WebAssembly.Module(readFileSync(join(REPO_ROOT, 'native', file)));
    const names = WebAssembly.Module.exports(mod).map((e) => e.name);
    for (const n of WASM_EXPORTS) assert.ok(names.includes(n), `missing export ${n} (rebuild with npm run build:kernel)`);
    assert.deepEqual(WebAssembly.Module.imports(mod), []);
  });
}

test('only the relaxed build uses relaxed SIMD: the simd128 one validates on any wasm-SIMD runtime', () => {
  // 0xfd 0x85 0x02 is f32x4.relaxed_madd; the simd128 build must not contain it, the relaxed build must.
  const has = (file: string): boolean => readFileSync(join(REPO_ROOT, 'native', file)).includes(Buffer.from([0xfd, 0x85, 0x02]));
  assert.equal(has(WASM_BUILDS['relaxed-simd']), true);
  assert.equal(has(WASM_BUILDS.simd128), false);
});

test('WasmKernel.load finds the repo copies when run from source: relaxed SIMD by default (Node 20 with the flag), simd128 on request', () => {
  const best = WasmKernel.load();
  assert.ok(best.kernel, best.reason);
  assert.equal(best.kernel.variant, 'relaxed-simd');
  const plain = WasmKernel.load(undefined, 'simd128');
  assert.ok(plain.kernel, plain.reason);
  assert.equal(plain.kernel.variant, 'simd128');
});

test('WasmKernel.load explains a missing file, for either build', () => {
  for (const prefer of ['auto', 'relaxed-simd', 'simd128'] as const) {
    const { kernel, reason } = WasmKernel.load('/nonexistent/dir', prefer);
    assert.equal(kernel, undefined);
    assert.match(reason!, /vsml-kernel(-relaxed)?\.wasm is missing/);
  }
});
