/**
 * `vaero proxy` and `vaero judge` as a user runs them (the built CLI): the proxy prints its
 * URL, logs one line per violation, and on SIGTERM writes the JSON, JUnit and HTML reports
 * and exits 1 after a violation (0 after clean traffic); what it recorded (--record) judges
 * the same offline; a file that is not HAR is exit 2; --cors-origins as the stub reads it;
 * the size flags as vaero test reads them.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStub, type RunningStub } from '../../mock/stub/index.js';
import { cliPath, ensureBuilt } from '../../contract-tests/test/build.js';
import type { Report } from '../../contract-tests/report.js';

let stub: RunningStub;
const dir = mkdtempSync(join(tmpdir(), 'vaero-proxy-cli-'));

beforeAll(async () => {
  ensureBuilt();
  stub = await startStub({ port: 0, log: () => {} });
}, 120_000);
afterAll(() => stub.close());

interface Running {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

async function runProxy(args: string[], env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, [cliPath, 'proxy', '--upstream', stub.baseUrl, '--port', '0', ...args], { env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no URL printed: ${out} ${err}`)), 20_000);
    child.stdout.on('data', () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out);
      if (m) clearTimeout(t), resolve(m[1]!);
    });
  });
  return { child, url, stdout: () => out, stderr: () => err, exit };
}

function judge(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, 'judge', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

const auth = { authorization: 'Bearer cli-test' };

describe('vaero proxy and vaero judge', () => {
  it('logs a violation, writes the reports on SIGTERM and exits 1; the recording judges the same', async () => {
    const files = { json: join(dir, 'r.json'), junit: join(dir, 'r.xml'), html: join(dir, 'r.html'), har: join(dir, 'r.har') };
    const p = await runProxy(['--json', files.json, '--junit', files.junit, '--html', files.html, '--record', files.har]);
    expect((await fetch(p.url + '/fine_tuning/jobs', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ training_files: ['file-abc123'] }) })).status).toBe(200);
    expect((await fetch(p.url + '/fine_tuning/jobs?limit=101', { headers: auth })).status).toBe(400);
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(1);
    expect(p.stderr()).toMatch(/client list\.limit GET \/v1\/fine_tuning\/jobs -> 400 param=limit: query parameter limit="101"/);
    expect(p.stdout()).toMatch(/BROKEN list\.limit \(client; inferred\)/);
    const report = JSON.parse(readFileSync(files.json, 'utf8')) as Report;
    expect(report.traffic).toEqual({ source: 'proxy', exchanges: 2, outsideBase: 0, findings: { client: 1, server: 0 }, replaced: 0 });
    expect(report.checks.find((c) => c.id === 'traffic-client')?.failures.map((f) => f.ruleId)).toEqual(['list.limit']);
    expect(report.coverage.find((c) => c.operationId === 'createFineTuningJob' && c.status === 200)?.answers).toBe(1);
    expect(readFileSync(files.junit, 'utf8')).toContain('traffic-client');
    expect(readFileSync(files.html, 'utf8')).toContain('list.limit');
    expect(readFileSync(files.html, 'utf8')).toContain('findings: 1 client, 0 server');
    // The record holds no token, and judges the same offline.
    const har = readFileSync(files.har, 'utf8');
    expect(har).not.toContain('cli-test');
    const offline = await judge([files.har, '--json', join(dir, 'j.json')]);
    expect(offline.code).toBe(1);
    const judged = JSON.parse(readFileSync(join(dir, 'j.json'), 'utf8')) as Report;
    expect(judged.traffic).toEqual({ source: 'har', exchanges: 2, outsideBase: 0, findings: { client: 1, server: 0 }, replaced: 0 });
  });

  it('exits 0 after clean traffic, and 0 with no traffic at all', async () => {
    const p = await runProxy(['--json', join(dir, 'clean.json')]);
    expect((await fetch(p.url + '/files', { headers: auth })).status).toBe(200);
    p.child.kill('SIGINT');
    expect(await p.exit).toBe(0);
    expect(existsSync(join(dir, 'clean.json'))).toBe(true);
    const idle = await runProxy([]);
    idle.child.kill('SIGTERM');
    expect(await idle.exit).toBe(0);
  });

  it('vaero judge: a file that is not HAR is exit 2, with one line', async () => {
    writeFileSync(join(dir, 'not.har'), '{"hello": "world"}');
    const r = await judge([join(dir, 'not.har')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a HAR file/);
    const missing = await judge([join(dir, 'missing.har')]);
    expect(missing.code).toBe(2);
  });

  it('--cors-origins (or VAERO_CORS_ORIGINS) lets a listed origin read with credentials', async () => {
    const app = 'https://app.example';
    for (const p of [await runProxy(['--cors-origins', `${app},https://staging.example`]), await runProxy([], { VAERO_CORS_ORIGINS: app })]) {
      const res = await fetch(p.url + '/files', { headers: { ...auth, origin: app } });
      expect(res.headers.get('access-control-allow-origin')).toBe(app);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      p.child.kill('SIGTERM');
      expect(await p.exit).toBe(0);
    }
  });

  it('--cors-origins with something that is not an origin is exit 2, naming it', async () => {
    const child = spawn(process.execPath, [cliPath, 'proxy', '--upstream', stub.baseUrl, '--cors-origins', 'https://app.example/path']);
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2);
    expect(err).toMatch(/https:\/\/app\.example\/path is not an origin/);
  });

  // The size flags read as vaero test's (one parser, contract-tests/cli-options.ts): a size with a unit is taken.
  it('--max-response-bytes and --max-body-bytes take a size with a unit (16MiB), as vaero test does', async () => {
    const p = await runProxy(['--max-response-bytes', '16MiB', '--max-body-bytes', '512KiB']);
    expect((await fetch(p.url + '/files', { headers: auth })).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
  });

  it.each([
    [['--max-response-bytes', 'lots'], /--max-response-bytes must be a size/],
    [['--port', '70000'], /--port must be a whole number from 0 to 65535/],
  ])('%s is exit 2, naming the flag', async (args, message) => {
    const child = spawn(process.execPath, [cliPath, 'proxy', '--upstream', stub.baseUrl, ...args]);
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2);
    expect(err).toMatch(message);
  });

  it('vaero proxy without --upstream is exit 2', async () => {
    const child = spawn(process.execPath, [cliPath, 'proxy']);
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(2);
    expect(err).toMatch(/--upstream is required/);
  });
});
