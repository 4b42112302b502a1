/**
 * Starting and stopping: no Prism process outlives the mock, whether it is closed from
 * code or the `vaero mock` command gets SIGINT or SIGTERM.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { specPath } from '../../../spec/index.js';
import { startPrismMock } from '../index.js';
import { startPrismProcess } from '../prism-process.js';

const run = promisify(execFile);
const root = join(specPath, '..', '..');
const cli = join(root, 'dist', 'bin', 'vaero.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(done: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !done(); await new Promise((r) => setTimeout(r, 25))) {
    if (Date.now() > end) throw new Error('timed out waiting');
  }
}

async function childrenOf(pid: number): Promise<number[]> {
  const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(pid)]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
}

describe('the Prism process', () => {
  it('starts on a free loopback port and is gone after stop()', async () => {
    const prism = await startPrismProcess();
    expect(prism.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(alive(prism.pid)).toBe(true);
    await prism.stop();
    expect(alive(prism.pid)).toBe(false);
  });

  it('passes its own output on only when asked (verbose)', async () => {
    const seen: string[] = [];
    const prism = await startPrismProcess({ verbose: (l) => seen.push(l) });
    await prism.stop();
    expect(seen.some((l) => l.startsWith('[prism] ') && /listening/.test(l))).toBe(true);
  });
});

describe('startPrismMock', () => {
  it('close() stops answering and leaves no Prism child behind', async () => {
    const before = await childrenOf(process.pid);
    const mock = await startPrismMock({ port: 0 });
    const spawned = (await childrenOf(process.pid)).filter((p) => !before.includes(p));
    expect(spawned.length).toBeGreaterThan(0);
    await mock.close();
    for (const pid of spawned) expect(alive(pid), `pid ${pid}`).toBe(false);
    await expect(fetch(`${mock.baseUrl}/fine_tuning/jobs`)).rejects.toThrow();
  });
});

describe('when Prism dies under the mock', () => {
  it('the mock says so, and answers 500 in the envelope instead of hanging', async () => {
    const before = await childrenOf(process.pid);
    const why: string[] = [];
    const mock = await startPrismMock({ port: 0, onPrismExit: (w) => why.push(w) });
    try {
      const [prismPid] = (await childrenOf(process.pid)).filter((p) => !before.includes(p));
      process.kill(prismPid!, 'SIGKILL');
      await waitFor(() => why.length > 0);
      expect(why[0]).toMatch(/Prism exited unexpectedly \(SIGKILL\)/);
      const res = await fetch(`${mock.baseUrl}/files`, { headers: { authorization: 'Bearer t' } });
      expect(res.status).toBe(500);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('server_error');
    } finally {
      await mock.close();
    }
  });
});

/** `vaero mock --port 0` as a user runs it: its output (stdout and stderr) as it comes, and its exit. */
function spawnMock() {
  const proc = spawn(process.execPath, [cli, 'mock', '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout.setEncoding('utf8').on('data', (c: string) => (text += c));
  proc.stderr.setEncoding('utf8').on('data', (c: string) => (text += c));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, exited, output: () => text };
}

describe('vaero mock (the built command)', () => {
  beforeAll(async () => {
    // `npm test` builds first; a lone `vitest run mock/prism` may not have.
    if (!existsSync(cli)) await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
  }, 120_000);

  it.each(['SIGTERM', 'SIGINT', 'SIGKILL'] as const)('prints its base URL and the curl example, serves it, and on %s leaves no Prism running', async (signal) => {
    const { proc, exited, output } = spawnMock();
    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const m = /base URL: (http:\/\/\S+)/.exec(output());
          if (m && /"suffix": "custom-name"/.test(output())) (clearInterval(timer), resolve(m[1] as string));
        }, 50);
        void exited.then(() => (clearInterval(timer), reject(new Error(`exited early:\n${output()}`))));
      });
      expect(output()).toContain(`--url ${baseUrl}/fine_tuning/jobs`);
      const curl = output().slice(output().indexOf('curl --request POST'), output().lastIndexOf("}'") + 2);
      const { stdout } = await run('sh', ['-c', `${curl} --silent --write-out '\\n%{http_code}'`]);
      expect(stdout.endsWith('\n200')).toBe(true);
      await waitFor(() => /POST \/v1\/fine_tuning\/jobs 200 /.test(output()));

      const prismPids = await childrenOf(proc.pid!);
      expect(prismPids.length).toBeGreaterThan(0);
      proc.kill(signal);
      const code = await exited;
      if (signal === 'SIGKILL') {
        // No handler runs on SIGKILL: Prism's watchdog sees its lifeline close and exits.
        await waitFor(() => prismPids.every((pid) => !alive(pid)));
      } else {
        expect(code).toBe(0);
        for (const pid of prismPids) expect(alive(pid), `Prism pid ${pid} outlived the mock`).toBe(false);
      }
      expect(output()).not.toMatch(/\[prism\]/);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  });

  it('stops with exit 1 and says why when its Prism dies', async () => {
    const { proc, exited, output } = spawnMock();
    try {
      await waitFor(() => /base URL: /.test(output()), 20_000);
      const [prismPid] = await childrenOf(proc.pid!);
      process.kill(prismPid!, 'SIGKILL');
      expect(await exited).toBe(1);
      expect(output()).toMatch(/Prism exited unexpectedly \(SIGKILL\); stopping/);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  });

  it('says so and exits 1 when its port is taken', async () => {
    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    const port = (holder.address() as AddressInfo).port;
    try {
      const err = await run(process.execPath, [cli, 'mock', '--port', String(port)], { cwd: root }).catch((e: { code: number; stderr: string }) => e);
      expect(err).toMatchObject({ code: 1 });
      expect((err as { stderr: string }).stderr).toMatch(new RegExp(`port ${port} .* in use`));
    } finally {
      holder.close();
    }
  });
});
