/**
 * `vaero`'s conventions, on the built CLI: `--version` prints the package's version, help
 * exits 0, and every usage error (unknown option or command, a bad or missing value, an extra
 * argument) exits 2 with its reason on stderr, at the top level and in every subcommand.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { specPath } from '../../spec/index.js';

const run = promisify(execFile);
const root = join(specPath, '..', '..');
const cli = join(root, 'dist', 'bin', 'vaero.js');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

async function vaero(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { timeout: 15_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('vaero', () => {
  it.each([['--version'], ['-V']])('%s prints the package version and exits 0', async (flag) => {
    expect(await vaero([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it.each([[['--help']], [['help']], [['stub', '--help']], [['mock', '--help']], [['test', '--help']], [['proxy', '--help']], [['judge', '--help']]])('vaero %j exits 0 with the usage on stdout', async (args) => {
    const { code, stdout } = await vaero(args);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: vaero/);
  });

  it.each([
    [[], /Usage: vaero/],
    [['--bogus'], /unknown option '--bogus'/],
    [['nope'], /unknown command 'nope'/],
    [['stub', '--port', 'x'], /a port is an integer/],
    [['stub', '--speed', '-1'], /speed is a number/],
    [['stub', 'extra'], /too many arguments/],
    [['stub', '--bogus'], /unknown option '--bogus'/],
    [['stub', '--cors-origins', 'https://app.example.com/path'], /not an origin/],
    [['mock', '--port', 'x'], /a port is a number/],
    [['mock', '--cors-origins', 'app.example.com'], /not an origin/],
    [['mock', '--bogus'], /unknown option '--bogus'/],
    [['test'], /--base-url is required/],
    [['test', '--bogus'], /unknown option '--bogus'/],
    [['test', '--profile', 'x'], /must be core or full/],
    [['proxy', '--bogus'], /unknown option '--bogus'/],
    [['proxy'], /--upstream is required/],
    [['judge'], /missing required argument/],
    [['judge', '--bogus'], /unknown option '--bogus'/],
  ] as const)('vaero %j is a usage error: exit 2, the reason on stderr', async (args, reason) => {
    const { code, stdout, stderr } = await vaero([...args]);
    expect(stderr).toMatch(reason);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });
});
