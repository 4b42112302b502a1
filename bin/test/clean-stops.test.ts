/**
 * Clean stops: SIGTERM or SIGINT to what the user started (`npm start`, `npm run mock`,
 * `npx vaero stub|mock|test`) stops everything it started. The signal goes to the npm (or
 * npx) process only, as `kill <pid>` or a CI runner's cancel would send it; npm forwards it
 * to its shell, not to our process, so this holds only because the command stops with its
 * parent (bin/stop-with-parent.ts). Checked: every process under npm is gone and the port
 * the server listened on is free again.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPath } from '../../spec/index.js';
import { startStub, type RunningStub } from '../../mock/stub/server.js';

const run = promisify(execFile);
const root = join(specPath, '..', '..');
const cli = join(root, 'dist', 'bin', 'vaero.js');

/** Every process below `pid`, from one `ps` listing. */
async function descendantsOf(pid: number): Promise<number[]> {
  const { stdout } = await run('ps', ['-e', '-o', 'pid=,ppid=']);
  const children = new Map<number, number[]>();
  for (const line of stdout.trim().split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) out.push(c), walk(c);
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function waitFor(what: string, done: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !(await done()); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

interface Started {
  proc: ChildProcess;
  output(): string;
  exited: Promise<unknown>;
}

/** Runs a command as a user would, in its own process group (so a stray process can be cleaned up after a failure). */
function start(command: string, args: string[]): Started {
  const proc = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let text = '';
  proc.stdout!.setEncoding('utf8').on('data', (c: string) => (text += c));
  proc.stderr!.setEncoding('utf8').on('data', (c: string) => (text += c));
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  return { proc, output: () => text, exited };
}

function killGroup(s: Started): void {
  if (s.proc.exitCode !== null || s.proc.signalCode !== null) return;
  try {
    process.kill(-s.proc.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

const leftovers: number[] = [];
afterAll(() => {
  for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

beforeAll(async () => {
  // `npm test` builds first; a lone `vitest run bin` may not have.
  if (!existsSync(cli)) await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
}, 120_000);

/**
 * How the signal is sent: `parent` to the npm/npx process alone (`kill <pid>`, a CI runner's
 * cancel); `group` to its whole process group, as a terminal's Ctrl-C does.
 */
type Target = 'parent' | 'group';

/**
 * Start `command`, wait for the line that says it is serving, then signal it and check that
 * everything under it is gone and its port is free.
 */
async function expectCleanStop(command: string, args: string[], signal: NodeJS.Signals, target: Target, listening: RegExp, minProcesses: number): Promise<void> {
  const s = start(command, args);
  try {
    await waitFor(`${command} ${args.join(' ')} to listen:\n${s.output()}`, () => listening.test(s.output()) || s.proc.exitCode !== null, 40_000);
    expect(s.output()).toMatch(listening);
    const port = Number(new URL(listening.exec(s.output())![1] as string).port);
    const below = await descendantsOf(s.proc.pid!);
    leftovers.push(...below);
    // our node (and its shell, for npx), and for the mock Prism under it.
    expect(below.length, `processes under ${command}`).toBeGreaterThanOrEqual(minProcesses);
    expect(await portFree(port)).toBe(false);

    process.kill(target === 'group' ? -s.proc.pid! : s.proc.pid!, signal);
    await s.exited;
    await waitFor(`every process under ${command} to exit`, () => below.every((pid) => !alive(pid)));
    expect(await portFree(port), `port ${port} still taken after ${signal}`).toBe(true);
    expect(s.output()).not.toMatch(/exited unexpectedly|ERR!/);
  } finally {
    killGroup(s);
  }
}

const STUB_LISTENING = /Vaero stub listening at (http:\/\/\S+)/;
const MOCK_LISTENING = /base URL: (http:\/\/\S+)/;
// --ignore-scripts: the script alone, without its pre-script's build (other tests read dist/ meanwhile).
const NPM_START = ['start', '--ignore-scripts', '--', '--port', '0', '--quiet'];
const NPM_MOCK = ['run', 'mock', '--ignore-scripts', '--', '--port', '0'];

describe('npm start and npm run mock stop everything on a signal', () => {
  it.each([
    ['SIGTERM', 'parent'],
    ['SIGINT', 'parent'],
    ['SIGINT', 'group'],
  ] as const)('npm start, %s to the %s', (signal, target) => expectCleanStop('npm', NPM_START, signal, target, STUB_LISTENING, 1));

  it.each([
    ['SIGTERM', 'parent'],
    ['SIGINT', 'group'],
  ] as const)('npm run mock (and its Prism), %s to the %s', (signal, target) => expectCleanStop('npm', NPM_MOCK, signal, target, MOCK_LISTENING, 2));
});

describe('npx vaero … stops everything on a signal', () => {
  it('npx vaero stub, SIGTERM to npx', () => expectCleanStop('npx', ['--offline', 'vaero', 'stub', '--port', '0', '--quiet'], 'SIGTERM', 'parent', STUB_LISTENING, 2));
  it('npx vaero mock (and its Prism), SIGTERM to npx', () => expectCleanStop('npx', ['--offline', 'vaero', 'mock', '--port', '0'], 'SIGTERM', 'parent', MOCK_LISTENING, 3));
  it('npx vaero mock (and its Prism), SIGINT to the group (Ctrl-C)', () => expectCleanStop('npx', ['--offline', 'vaero', 'mock', '--port', '0'], 'SIGINT', 'group', MOCK_LISTENING, 3));

  describe('npx vaero test', () => {
    let stub: RunningStub;
    beforeAll(async () => {
      // Frozen jobs: the suite waits on them, so it is still running when signalled.
      stub = await startStub({ port: 0, speed: 0, log: false });
    });
    afterAll(() => stub.close());

    it('SIGTERM to npx, mid-run', async () => {
      const s = start('npx', ['--offline', 'vaero', 'test', '--base-url', stub.baseUrl, '--job-timeout', '60000']);
      try {
        let below: number[] = [];
        await waitFor('vaero test to run under npx', async () => {
          below = await descendantsOf(s.proc.pid!);
          return below.length >= 2;
        });
        leftovers.push(...below);
        await new Promise((r) => setTimeout(r, 1000)); // mid-run
        expect(s.proc.exitCode).toBe(null);
        process.kill(s.proc.pid!, 'SIGTERM');
        await s.exited;
        await waitFor('every process under npx to exit', () => below.every((pid) => !alive(pid)));
      } finally {
        killGroup(s);
      }
    });
  });
});
