import { join } from 'node:path';

/** The repository root, whether this runs from libs/stack/src or from dist/libs/stack/src. */
export const repoRoot = __dirname.includes('/dist/')
  ? join(__dirname, '..', '..', '..', '..')
  : join(__dirname, '..', '..', '..');
