/**
 * `vaero test` end to end: the built CLI spawned against a started stub (exit 0), a
 * mutant (exit 1, naming the rule), an unreachable server and bad usage (exit 2, a
 * clear message, no stack); the reports it writes; tokens in none of them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert } from 'xmlbuilder2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStub } from '../../mock/stub/index.js';
import type { Report } from '../index.js';
import { cliPath, ensureBuilt, root, runVaero, type VaeroRun } from './build.js';
import { mutants } from './mutants/catalogue.js';
import { startMutant, TEST_SPEED } from './mutants/front.js';

const TOKEN = 'sk-cli-secret-token-a-7f3k';
const TOKEN_B = 'sk-cli-secret-token-b-9q2m';

/** The CLI's `test` command with no token from this process's environment unless `env` gives one. */
function vaero(args: string[], env: Record<string, string> = {}): Promise<VaeroRun> {
  return runVaero(['test', ...args], { env: { VAERO_TOKEN: '', VAERO_TOKEN_B: '', ...env }, timeout: 90_000 });
}

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'vaero-cli-'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function noTokens(...texts: string[]): void {
  for (const t of texts) {
    expect(t).not.toContain(TOKEN);
    expect(t).not.toContain(TOKEN_B);
  }
}

describe('vaero test against the stub', () => {
  it('exits 0, prints a progress line and the verdict, and writes the three reports', async () => {
    // The stub's request timeout, told to the suite: the stalled-request fixture is judged too (request.timeout).
    const stub = await startStub({ port: 0, host: '127.0.0.1', speed: TEST_SPEED, log: false, requestTimeoutMs: 3000 });
    try {
      const files = { junit: join(dir, 'ok.xml'), json: join(dir, 'ok.json'), html: join(dir, 'ok.html') };
      const run = await vaero(['--base-url', stub.baseUrl, '--profile', 'full', '--seed', '11', '--job-timeout', '10000', '--server-request-timeout', '3s', '--junit', files.junit, '--json', files.json, '--html', files.html], {
        VAERO_TOKEN: TOKEN,
        VAERO_TOKEN_B: TOKEN_B,
      });
      expect(run.stderr).toMatch(/\[\d+\/\d+\] .* requests/);
      expect(run.stdout).toContain('CONFORMS');
      expect(run.stdout).toContain('seed 11');
      expect(run.code).toBe(0);

      const report = JSON.parse(readFileSync(files.json, 'utf8')) as Report;
      expect(report.outcome).toBe('conform');
      expect(report.seed).toBe(11);
      expect(report.profile).toBe('full');
      expect(report.checks.length).toBeGreaterThan(10);
      expect(report.rules.every((r) => ['reference', 'inferred'].includes(r.source) && r.location.startsWith('#/'))).toBe(true);

      // Two suites: one testcase per check, and one per rule with its verdict.
      const junit = convert(readFileSync(files.junit, 'utf8'), { format: 'object' }) as { testsuites: { testsuite: { '@tests': string; '@failures': string; '@skipped': string; testcase: unknown[] }[] } };
      const [checksSuite, rulesSuite] = junit.testsuites.testsuite;
      expect(Number(checksSuite!['@tests'])).toBe(report.checks.length);
      expect(checksSuite!['@failures']).toBe('0');
      expect(checksSuite!.testcase).toHaveLength(report.checks.length);
      expect(rulesSuite!.testcase).toHaveLength(report.rules.length);
      expect(rulesSuite!['@failures']).toBe('0');
      // Skipped: only Retry-After, judged on 429s, which no request of the run met.
      expect(report.rules.filter((r) => r.verdict === 'skipped').map((r) => r.id)).toEqual(['response.retry-after']);
      expect(rulesSuite!['@skipped']).toBe('1');

      noTokens(run.stdout, run.stderr, readFileSync(files.junit, 'utf8'), readFileSync(files.json, 'utf8'), readFileSync(files.html, 'utf8'));
    } finally {
      await stub.close();
    }
  });
});

/** Start `vaero stub` / `vaero mock` as a user does; resolves with the base URL it prints. */
async function serve(args: string[]): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const url = /http:\/\/[^\s]+\/v1/.exec(out)?.[0];
      if (url) resolve(url);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`vaero ${args[0]} exited ${code}: ${out}`)));
  });
  return {
    baseUrl,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('as a user runs it: the printed base URL of `vaero stub` and `vaero mock`', () => {
  it('`vaero test --base-url <printed URL> --profile full` against `vaero stub` at its default pace exits 0 with no token given (two generated ones), the default --job-timeout fitting it', async () => {
    const stub = await serve(['stub', '--port', '0', '--quiet']);
    try {
      const run = await vaero(['--base-url', stub.baseUrl, '--profile', 'full', '--no-progress']);
      expect(run.stderr).toMatch(/using two generated tokens/);
      // Printed once, as values a fresh shell can take, at the top of the run.
      expect(run.stderr).toMatch(/^ {2}export VAERO_TOKEN=vaero-test-a-[0-9a-f-]+$/m);
      expect(run.stdout).not.toContain('vaero-test-a-');
      expect(run.stdout).toContain('CONFORMS');
      expect(run.stdout).not.toContain('Skipped:');
      expect(run.code).toBe(0);
    } finally {
      await stub.stop();
    }
  }, 90_000);

  it('`vaero test --profile core` against `vaero mock` (Prism) exits 0', async () => {
    const mock = await serve(['mock', '--port', '0']);
    try {
      const run = await vaero(['--base-url', mock.baseUrl, '--profile', 'core', '--no-progress'], { VAERO_TOKEN: TOKEN });
      expect(run.stdout).toContain('CONFORMS');
      expect(run.code).toBe(0);
    } finally {
      await mock.stop();
    }
  }, 90_000);
});

describe('vaero test against a mutant', () => {
  it('exits 1 and names the broken rule, with the request as curl using $VAERO_TOKEN', async () => {
    const m = mutants.find((x) => x.name === 'accepts-17-character-suffix')!;
    const target = await startMutant(m);
    try {
      const files = { junit: join(dir, 'bad.xml'), json: join(dir, 'bad.json') };
      const run = await vaero(['--base-url', target.baseUrl, '--token', TOKEN, '--seed', '3', '--no-progress', '--junit', files.junit, '--json', files.json]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('DOES NOT CONFORM');
      expect(run.stdout).toMatch(/BROKEN create\.suffix \(reference, error;/);
      expect(run.stdout).toContain('Authorization: Bearer $VAERO_TOKEN');
      expect(run.stderr).toBe('');

      const report = JSON.parse(readFileSync(files.json, 'utf8')) as Report;
      expect(report.summary.brokenRules).toContain('create.suffix');
      const xml = readFileSync(files.junit, 'utf8');
      expect(xml).toMatch(/<failure [^>]*type="create\.suffix"/);
      expect(xml).toContain('curl --request POST');
      // The isolation checks need a second token: skipped, with the reason.
      expect(report.checks.find((c) => c.id === 'organizations-are-isolated')?.skipReason).toMatch(/--token-b/);
      noTokens(run.stdout, xml, readFileSync(files.json, 'utf8'));
    } finally {
      await target.close();
    }
  });
});

describe('vaero test against jobs that never move: inconclusive', () => {
  it('exits 3 naming the unjudged rules; --allow-inconclusive exits 0 and still names them', async () => {
    const stub = await startStub({ port: 0, host: '127.0.0.1', speed: 0, log: false });
    try {
      const args = ['--base-url', stub.baseUrl, '--seed', '12', '--job-timeout', '800', '--no-progress'];
      const junit = { strict: join(dir, 'inconclusive.xml'), allowed: join(dir, 'inconclusive-allowed.xml') };
      const run = await vaero([...args, '--junit', junit.strict], { VAERO_TOKEN: TOKEN, VAERO_TOKEN_B: TOKEN_B });
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/^INCONCLUSIVE: rules \d+ held, 0 broken/m);
      expect(run.stdout).toMatch(/NOT JUDGED[^]*job\.fine_tuned_model\.suffix: job ftjob-\S+ \(ftm-contract-suite-\{uuid\}\) was still validating_files after --job-timeout 800 ms/);
      const allowed = await vaero([...args, '--allow-inconclusive', '--junit', junit.allowed], { VAERO_TOKEN: TOKEN, VAERO_TOKEN_B: TOKEN_B });
      expect(allowed.code).toBe(0);
      expect(allowed.stdout).toContain('INCONCLUSIVE');
      // JUnit agrees with the exit code: exit 3, the unjudged rule is a failure of type not-judged
      // with its reason; exit 0 (--allow-inconclusive), it is skipped.
      type Case = { '@name': string; failure?: { '@type': string; '@message': string }; skipped?: { '@message': string } };
      const rulesSuite = (file: string) => (convert(readFileSync(file, 'utf8'), { format: 'object' }) as { testsuites: { testsuite: { '@failures': string; testcase: Case[] }[] } }).testsuites.testsuite[1]!;
      const unjudged = (file: string) => rulesSuite(file).testcase.find((c) => c['@name'].startsWith('job.fine_tuned_model.suffix '))!;
      expect(unjudged(junit.strict).failure).toMatchObject({ '@type': 'not-judged', '@message': expect.stringMatching(/was still validating_files after --job-timeout 800 ms/) });
      expect(Number(rulesSuite(junit.strict)['@failures'])).toBeGreaterThan(0);
      expect(unjudged(junit.allowed).failure).toBeUndefined();
      expect(unjudged(junit.allowed).skipped?.['@message']).toMatch(/was still validating_files/);
      expect(rulesSuite(junit.allowed)['@failures']).toBe('0');
      expect(await vaero(['--base-url', stub.baseUrl, '--max-wait', 'soon'], { VAERO_TOKEN: TOKEN })).toMatchObject({ code: 2 });
    } finally {
      await stub.close();
    }
  }, 120_000);
});

describe('vaero test usage errors and an unreachable server exit 2 with a clear message', () => {
  it('a base URL serving HTML: one line saying what came back, nothing else runs', async () => {
    const html = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Directory listing for /</title>');
    });
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
    try {
      const run = await vaero(['--base-url', `http://127.0.0.1:${(html.address() as { port: number }).port}/v1`, '--token', TOKEN]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/is not the Vaero API: GET \/fine_tuning\/jobs\?limit=1 answered 200 text\/html: "<!doctype html>/);
      expect(run.stdout).toBe('');
    } finally {
      await new Promise<void>((r) => html.close(() => r()));
    }
  });

  async function closedPort(): Promise<number> {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    return port;
  }

  it('an unreachable server', async () => {
    const run = await vaero(['--base-url', `http://127.0.0.1:${await closedPort()}/v1`, '--token', TOKEN]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    noTokens(run.stderr, run.stdout);
  });

  it('a token the server refuses, or a base URL without the API under it', async () => {
    const stub = await startStub({ port: 0, host: '127.0.0.1', speed: TEST_SPEED, log: false, tokens: [TOKEN] });
    try {
      const refused = await vaero(['--base-url', stub.baseUrl], { VAERO_TOKEN: 'sk-not-accepted' });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/refused --token \(VAERO_TOKEN\): GET \/fine_tuning\/jobs answered 401/);
      const refusedB = await vaero(['--base-url', stub.baseUrl, '--token-b', 'sk-not-accepted-b'], { VAERO_TOKEN: TOKEN });
      expect(refusedB.code).toBe(2);
      expect(refusedB.stderr).toMatch(/refused --token-b/);
      const noV1 = await vaero(['--base-url', new URL(stub.baseUrl).origin], { VAERO_TOKEN: TOKEN });
      expect(noV1.code).toBe(2);
      expect(noV1.stderr).toMatch(/answered 404 to GET \/fine_tuning\/jobs: is --base-url the URL under which \/fine_tuning\/jobs lives/);
      noTokens(refused.stderr, refusedB.stderr, noV1.stderr);
    } finally {
      await stub.close();
    }
  });

  it.each([
    [['--token', 'x'], /--base-url is required/],
    [['--base-url', 'http://127.0.0.1:1/v1', '--token-b', 'y'], /no token: pass --token or set VAERO_TOKEN/],
    [['--base-url', 'not a url', '--token', 'x'], /is not a URL/],
    [['--base-url', 'http://127.0.0.1:1/v1', '--token', 'x', '--profile', 'everything'], /must be core or full/],
    [['--base-url', 'http://127.0.0.1:1/v1', '--token', 'x', '--max-requests', 'many'], /--max-requests must be a whole number/],
    [['--base-url', 'http://127.0.0.1:1/v1', '--token', 'x', '--frobnicate'], /unknown option/],
    [['--base-url', 'http://127.0.0.1:1/v1', '--token', 'x', '--max-response-bytes', 'lots'], /--max-response-bytes must be a size/],
    [['--base-url', 'http://127.0.0.1:1/v1', '--token', 'x', '--deadline', 'soon'], /--deadline must be a duration/],
    [['--base-url', 'http://127.0.0.1:1/v1', '--token', 'x', '--request-timeout', '0'], /--request-timeout must be at least 1 ms/],
  ])('%j', async (args, message) => {
    const run = await vaero(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
