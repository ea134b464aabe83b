import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { KernelBackend } from './kernel-abi';

/** Where the addon may sit: next to a dist/ bundle, or in native/build when run from source (tsx). */
export function nativeAddonCandidates(dir: string = __dirname): string[] {
  return [
    join(dir, 'vsml_kernel.node'),
    join(dir, '..', 'native', 'build', 'Release', 'vsml_kernel.node'),
    join(dir, '..', '..', '..', 'native', 'build', 'Release', 'vsml_kernel.node'),
  ];
}

/**
 * Loads the N-API addon built by `npm install` (native/build-native.mjs), or explains why not.
 * The addon chooses its AVX2 or SSE2 build from the CPU at load time.
 */
export function loadNativeKernel(dir?: string): { kernel?: KernelBackend; reason?: string } {
  const found = nativeAddonCandidates(dir).find((p) => existsSync(p));
  if (!found) return { reason: 'there is no native addon here (the universal .vsix ships none: the platform .vsix of this OS and CPU has it; from source: `npm run build:native`, needs a C compiler)' };
  try {
    // A plain require of a computed path: esbuild leaves it alone, Node loads the .node file.
    const addon = require(found) as KernelBackend;
    if (typeof addon.episode !== 'function' || typeof addon.variant !== 'string') return { reason: `${found} is not the VSML kernel addon` };
    return { kernel: addon };
  } catch (e) {
    return { reason: `${found} failed to load: ${(e as Error).message}` };
  }
}
