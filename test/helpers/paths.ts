import { join, resolve } from 'node:path';

/** The repository root (tests run from anywhere). */
export const REPO_ROOT = resolve(__dirname, '..', '..');
/** ../shared next to the clone: golden fixtures and real IDX data for development and CI. */
export const SHARED = process.env.VSML_SHARED_DIR ?? resolve(REPO_ROOT, '..', 'shared');
export const SHARED_FIXTURES = join(SHARED, 'fixtures');
export const SHARED_DATA = join(SHARED, 'data');
