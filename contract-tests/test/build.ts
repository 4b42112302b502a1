/** The built CLI for end-to-end tests: `npm test` builds first; a test run on its own rebuilds a stale dist/ first. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from '../../bin/checkout-run.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = join(root, 'dist', 'bin', 'vaero.js');

/** dist/ as `npm start` would run it: rebuilt (`npm run build`, caches included) when a build input is newer than the last build (bin/checkout-run.mjs decides). */
export function ensureBuilt(): void {
  buildIfStale(root);
}
