/** The built CLI for end-to-end tests: `npm test` builds first; a test run on its own rebuilds a stale dist/ first. */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from '../../bin/checkout-run.mjs';

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

/** dist/ as `npm start` would run it: rebuilt (`npm run build`, caches included) when a build input is newer than the last build (bin/checkout-run.mjs decides). */
export function ensureBuilt(): void {
  buildIfStale(root);
}
