/** The built CLI for end-to-end tests: `npm test` builds first; a test run on its own rebuilds when dist/ is older than the sources. */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = join(root, 'dist', 'bin', 'vaero.js');

export interface VaeroRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Run the built `vaero` CLI with `args` (e.g. ['test', '--base-url', …]) and give its exit
 * code (-1 when it did not exit with one: killed on timeout) and output. Asynchronous: the
 * servers under test live in the test's process and must keep answering. `env` is laid over
 * this process's environment; `nodeArgs` go to node before the CLI's path.
 */
export function runVaero(args: string[], opts: { env?: Record<string, string>; timeout?: number; nodeArgs?: string[] } = {}): Promise<VaeroRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...(opts.nodeArgs ?? []), cliPath, ...args],
      // A hostile target's full run prints a long report: room beyond execFile's 1 MB default.
      { cwd: root, env: { ...process.env, ...opts.env }, timeout: opts.timeout ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

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
