/**
 * The user's entry point: the built `vaero stub` (what `npm start` runs) on a free port,
 * driven with the curl example it prints; env fallbacks; a clean stop; a killed process
 * with --state loses nothing acknowledged, and a second stub on its state file is refused;
 * a port in use is a clear error.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation, validateResponse } from '../../../spec/index.js';
import { connectionFixtures, sendStalled } from '../../../fixtures/index.js';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'dist', 'bin', 'vaero.js');
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'vaero-stub-cli-'));
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  // `npm test` builds first; when this file runs alone, build if the stub's sources are newer.
  const built = (() => {
    try {
      return statSync(join(root, 'dist', 'mock', 'stub', 'http', 'app.js')).mtimeMs;
    } catch {
      return 0;
    }
  })();
  const sources = ['http/app.ts', 'service/service.ts', 'cli.ts', 'server.ts'].map((f) => statSync(join(root, 'mock', 'stub', f)).mtimeMs);
  if (Math.max(...sources) > built) await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root }).catch(() => undefined);
}, 120_000);

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcessWithoutNullStreams;
  baseUrl: string;
  output: () => string;
  ms: number;
}

function startCli(args: string[], env: Record<string, string> = {}): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, 'stub', ...args], { cwd: root, env: { ...process.env, ...env } });
  children.push(child);
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stub did not start: ${out}`)), 15_000);
    const check = () => {
      const m = /listening at (http:\/\/\S+\/v1)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', check);
        resolve({ child, baseUrl: m[1]!, output: () => out, ms: performance.now() - t0 });
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stub exited with ${code}: ${out}`));
    });
  });
}

const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe('vaero stub (the built CLI)', () => {
  it('prints its base URL and a curl example that, run verbatim, answers the reference example with 200', async () => {
    const stub = await startCli(['--port', '0', '--speed', '0']);
    console.log(`vaero stub: listening ${stub.ms.toFixed(0)} ms after spawn`);
    const printed = stub.output();
    // The example: the line starting with curl and its continuation lines (ending in a backslash).
    const lines = printed.slice(printed.indexOf('curl ')).split('\n');
    const curl = lines.slice(0, lines.findIndex((l) => !l.trimEnd().endsWith('\\')) + 1).join('\n');
    expect(curl).toContain(`${stub.baseUrl}/fine_tuning/jobs`);
    const { stdout } = await run('sh', ['-c', curl + ' --silent --show-error'], { env: { ...process.env, VAERO_TOKEN: '' } }); // verbatim: no variable to set
    const job = JSON.parse(stdout);
    expect(validateResponse(operation('createFineTuningJob'), 200, job)).toEqual({ ok: true });
    expect(job).toMatchObject({ object: 'fine_tuning.job', base_model: 'general', style_model: 'vaero-1', fine_tuned_model: null, training_files: ['file-abc123', 'file-abc124'] });
    await new Promise((r) => setTimeout(r, 100));
    expect(stub.output()).toMatch(/POST \/v1\/fine_tuning\/jobs 200 [\d.]+ms/);
    stub.child.kill('SIGTERM');
    expect(await exited(stub.child)).toBe(0);
  });

  it('reads VAERO_* environment variables: VAERO_TOKENS restricts the tokens, VAERO_QUIET silences the log', async () => {
    const stub = await startCli([], { VAERO_PORT: '0', VAERO_TOKENS: 'one,two', VAERO_QUIET: '1' });
    const ask = (token: string) => fetch(`${stub.baseUrl}/files`, { headers: { authorization: `Bearer ${token}` } });
    expect((await ask('two')).status).toBe(200);
    const denied = await ask('three');
    expect(denied.status).toBe(401);
    expect((await denied.json()).error.param).toBe('authorization');
    await new Promise((r) => setTimeout(r, 100));
    expect(stub.output()).not.toMatch(/GET \/v1\/files/);
    stub.child.kill('SIGINT');
    expect(await exited(stub.child)).toBe(0);
  });

  it('with --state: a second live stub on the file is refused; a killed process (SIGKILL) loses no acknowledged change and its lock does not block', async () => {
    const state = join(dir, 'state.jsonl');
    const first = await startCli(['--port', '0', '--state', state, '--quiet']);
    const headers = { authorization: 'Bearer kill-token', 'content-type': 'application/json' };
    const created = await (await fetch(`${first.baseUrl}/fine_tuning/jobs`, { method: 'POST', headers, body: JSON.stringify({ training_files: ['file-abc123'], suffix: 'kept' }) })).json();
    // One owner per state file: a second stub on it while the first lives refuses, naming the file and the holder.
    const rival = spawn(process.execPath, [bin, 'stub', '--port', '0', '--state', state], { cwd: root });
    children.push(rival);
    let refusal = '';
    rival.stderr.on('data', (c) => (refusal += c));
    expect(await exited(rival)).toBe(1);
    expect(refusal).toContain(state);
    expect(refusal).toContain(`pid ${first.child.pid}`);
    expect(refusal).not.toMatch(/\n\s+at /);
    // The lock left by a killed process does not block the next start.
    first.child.kill('SIGKILL');
    await exited(first.child);
    const second = await startCli(['--port', '0', '--state', state, '--quiet']);
    const res = await fetch(`${second.baseUrl}/fine_tuning/jobs/${created.id}`, { headers });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: created.id, created_at: created.created_at, organization_id: created.organization_id });
    second.child.kill('SIGTERM');
    await exited(second.child);
  });

  it('says clearly that a port is taken, exits 1, no stack trace', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const child = spawn(process.execPath, [bin, 'stub', '--port', String(port)], { cwd: root });
      children.push(child);
      let err = '';
      child.stderr.on('data', (c) => (err += c));
      expect(await exited(child)).toBe(1);
      expect(err).toContain(`port ${port}`);
      expect(err).toContain('already in use');
      expect(err).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it('--request-timeout (VAERO_REQUEST_TIMEOUT): a request whose body stops halfway is 408 request_timeout once it runs out', async () => {
    const stub = await startCli(['--request-timeout', '300ms'], { VAERO_PORT: '0', VAERO_QUIET: '1' });
    const stalled = connectionFixtures.find((f) => f.stall)!;
    const got = await sendStalled(stub.baseUrl, stalled, { waitMs: 10_000 });
    expect(got.answered && [got.status, (JSON.parse(got.body) as { error: { code: string } }).error.code]).toEqual([408, 'request_timeout']);
    stub.child.kill('SIGINT');
    expect(await exited(stub.child)).toBe(0);
    const bad = await run(process.execPath, [bin, 'stub', '--request-timeout', 'soon'], { cwd: root }).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { stderr: string }).stderr).toMatch(/request-timeout/);
  });

  it('rejects a bad flag value with a usage error', async () => {
    const result = await run(process.execPath, [bin, 'stub', '--speed', 'fast'], { cwd: root }).catch((e: { code: number; stderr: string }) => e);
    expect((result as { code: number }).code).not.toBe(0);
    expect((result as { stderr: string }).stderr).toMatch(/speed/);
  });
});
