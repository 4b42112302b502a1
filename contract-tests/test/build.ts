/** The built CLI for end-to-end tests: `npm test` builds first; a test run on its own rebuilds when dist/ is older than the sources. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = join(root, 'dist', 'bin', 'vaero.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'test') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureBuilt(): void {
  const built = existsSync(cliPath) ? statSync(join(root, 'dist', 'contract-tests', 'cli.js')).mtimeMs : 0;
  const sources = Math.max(...['spec', 'mock', 'contract-tests', 'fixtures', 'traffic', 'proxy', 'matchers', 'bin'].map((d) => newestSource(join(root, d))));
  if (built < sources) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
