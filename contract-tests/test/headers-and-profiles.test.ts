/**
 * Response headers are judged on every answer, under rules of their own: X-Request-Id on
 * every status (response.request-id), Retry-After in whole seconds on a 429
 * (response.retry-after, judged on the 429s the client waits out). And profiles conclude:
 * `vaero test --profile core` and `--profile full` against a fresh stub, with fresh
 * generated tokens, exit 0; a rule only a succeeded job shows is skipped by profile in
 * core, never left unjudged.
 */
import type { FineTuningJobList } from '../../spec/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStubControl, startStub, type RunningStub } from '../../mock/stub/index.js';
import { judgeExchange, HEADER_CONFORMANCE } from '../checks/conformance.js';
import type { Exchange } from '../http/exchange.js';
import { runContractSuite } from '../index.js';
import { ensureBuilt, runVaero } from './build.js';
import { json, startMutant, TEST_SPEED, withJson, type Mutant } from './mutants/front.js';

function exchange(status: number, headers: Record<string, string>, json: unknown): Exchange {
  return {
    seq: 1,
    operationId: 'listFiles',
    request: { method: 'GET', url: 'http://127.0.0.1/v1/files', path: '/files', headers: {} },
    response: { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(json), json },
    durationMs: 1,
    curl: 'curl http://127.0.0.1/v1/files',
  };
}
const page = { object: 'list', data: [], has_more: false };
const limited = { error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } };
const headerFindings = (ex: Exchange) => judgeExchange(ex).findings.filter((f) => f.checkId === HEADER_CONFORMANCE).map((f) => f.ruleId);
const headerHeld = (ex: Exchange) => judgeExchange(ex).held.filter((h) => h.checkId === HEADER_CONFORMANCE).map((h) => h.ruleId);

describe('the header rules, on one answer', () => {
  it('X-Request-Id is required on every status: missing or empty breaks response.request-id', () => {
    expect(headerHeld(exchange(200, { 'x-request-id': 'req_1' }, page))).toEqual(['response.request-id']);
    expect(headerFindings(exchange(200, {}, page))).toEqual(['response.request-id']);
    expect(headerFindings(exchange(200, { 'x-request-id': '' }, page))).toEqual(['response.request-id']);
    expect(headerFindings(exchange(404, {}, { error: { message: 'no', type: 'not_found_error', param: null, code: 'not_found' } }))).toEqual([]);
  });

  it('Retry-After is required on a 429, in whole seconds; other statuses are not asked for it', () => {
    expect(headerHeld(exchange(429, { 'x-request-id': 'req_1', 'retry-after': '2' }, limited)).sort()).toEqual(['response.request-id', 'response.retry-after']);
    expect(headerFindings(exchange(429, { 'x-request-id': 'req_1' }, limited))).toEqual(['response.retry-after']);
    expect(headerFindings(exchange(429, { 'x-request-id': 'req_1', 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, limited))).toEqual(['response.retry-after']);
    expect(headerFindings(exchange(429, { 'x-request-id': 'req_1', 'retry-after': '1.5' }, limited))).toEqual(['response.retry-after']);
    expect(headerHeld(exchange(200, { 'x-request-id': 'req_1' }, page))).not.toContain('response.retry-after');
  });
});

/** The stub, whose first create of the run is answered 429 (asked of the stub with its steering header): a rate limit met once. */
function rateLimitedOnce(name: string, retryAfter: 'kept' | 'dropped'): Mutant {
  let limitedOnce = false;
  return {
    name,
    fault: retryAfter === 'kept' ? 'none: one 429, with Retry-After' : 'a 429 without Retry-After',
    breaks: 'response.retry-after',
    request: (r) => {
      if (limitedOnce || r.method !== 'POST' || r.path !== '/fine_tuning/jobs' || !/^bearer \S+$/i.test(r.headers.authorization ?? '')) return r;
      limitedOnce = true;
      return { ...r, headers: { ...r.headers, 'vaero-mock-status': '429' } };
    },
    response: (_r, res) => {
      if (res.status !== 429 || retryAfter === 'kept') return res;
      const { 'retry-after': _dropped, ...headers } = res.headers;
      return { ...res, headers };
    },
  };
}

describe('Retry-After on the 429s the client waits out', () => {
  it('a 429 with Retry-After holds response.retry-after; the run conforms', async () => {
    const target = await startMutant(rateLimitedOnce('rate-limited-once', 'kept'));
    try {
      const r = await runContractSuite({ baseUrl: target.baseUrl, token: 'headers-a', profile: 'core', seed: 5 });
      expect(r.rules.find((x) => x.id === 'response.retry-after')).toMatchObject({ verdict: 'held', required: true });
      expect(r.coverage.find((c) => c.operationId === 'createFineTuningJob' && c.status === 429)?.answers).toBe(1);
      expect(r.outcome).toBe('conform');
    } finally {
      await target.close();
    }
  }, 60_000);

  it('a 429 without Retry-After breaks response.retry-after (exit 1)', async () => {
    const target = await startMutant(rateLimitedOnce('rate-limited-without-retry-after', 'dropped'));
    try {
      const r = await runContractSuite({ baseUrl: target.baseUrl, token: 'headers-b', profile: 'core', seed: 5 });
      expect(r.summary.brokenRules).toEqual(['response.retry-after']);
      expect(r.outcome).toBe('nonconform');
    } finally {
      await target.close();
    }
  }, 60_000);

  it('a run that met no 429 reports response.retry-after skipped, saying why, not held', async () => {
    const stub = await startStub({ port: 0, host: '127.0.0.1', speed: TEST_SPEED, log: false });
    try {
      const r = await runContractSuite({ baseUrl: stub.baseUrl, token: 'headers-c', profile: 'core', seed: 5 });
      const rule = r.rules.find((x) => x.id === 'response.retry-after')!;
      expect(rule).toMatchObject({ verdict: 'skipped', held: 0, required: false });
      expect(rule.notJudged[0]?.reason).toMatch(/no answer of the run had status 429/);
      expect(r.rules.find((x) => x.id === 'response.request-id')?.verdict).toBe('held');
      // The spelling of the credentials (the spec's x-vaero-credentials-pattern: a tab refused, two spaces taken) is judged and held.
      expect(r.rules.find((x) => x.id === 'auth.bearer.shape')).toMatchObject({ verdict: 'held', required: true });
    } finally {
      await stub.close();
    }
  }, 60_000);
});

describe('profiles conclude against a fresh stub with fresh tokens', () => {
  let stub: RunningStub;
  beforeAll(async () => {
    ensureBuilt();
    stub = await startStub({ port: 0, host: '127.0.0.1', speed: TEST_SPEED, log: false });
  }, 120_000);
  afterAll(async () => {
    await stub?.close();
  });

  // No VAERO_TOKEN: the CLI generates two fresh tokens, organizations the stub has never seen.
  const vaero = (args: string[]) => runVaero(['test', '--base-url', stub.baseUrl, '--no-progress', ...args], { env: { VAERO_TOKEN: '', VAERO_TOKEN_B: '' } });

  it('--profile core exits 0; a rule only a succeeded job shows is "skipped by profile"', async () => {
    const run = await vaero(['--profile', 'core', '--seed', '21']);
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
  }, 120_000);

  it('--profile full exits 0', async () => {
    const run = await vaero(['--profile', 'full', '--seed', '22', '--job-timeout', '10000']);
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
  }, 120_000);

  it('in core, job.fine_tuned_model.format is skipped by profile on a fresh organization, judged when an answer shows a succeeded job', async () => {
    // The stub lists a shared, succeeded sample job in every organization; a real service's fresh
    // organization has none: the stub with that job hidden from its lists stands for one.
    const noSampleJob = await startMutant({
      name: 'no-shared-sample-job',
      fault: 'none: the shared sample job is hidden, as on a real service',
      breaks: 'response.schema',
      // Frozen: on a slow machine the run's own job could otherwise succeed before its last answer and show the rule.
      speed: 0,
      request: (r) => r,
      response: (r, res) => {
        const list = json(res) as FineTuningJobList | undefined;
        return r.method === 'GET' && r.path === '/fine_tuning/jobs' && list?.data ? withJson(res, { ...list, data: list.data.filter((j) => j.id !== 'ftjob-abc123') }) : res;
      },
    });
    let fresh: Awaited<ReturnType<typeof runContractSuite>>;
    try {
      fresh = await runContractSuite({ baseUrl: noSampleJob.baseUrl, token: `core-fresh-${Date.now()}`, profile: 'core', seed: 23 });
    } finally {
      await noSampleJob.close();
    }
    expect(fresh.outcome).toBe('conform');
    const format = fresh.rules.find((x) => x.id === 'job.fine_tuned_model.format')!;
    expect(format).toMatchObject({ verdict: 'skipped', required: false });
    expect(format.notJudged[0]?.reason).toMatch(/^skipped by profile/);
    // On the stub itself, the shared sample job is a succeeded job a fresh organization lists: judged.
    const stubFresh = await runContractSuite({ baseUrl: stub.baseUrl, token: `core-stub-fresh-${Date.now()}`, profile: 'core', seed: 23 });
    expect(stubFresh.rules.find((x) => x.id === 'job.fine_tuned_model.format')).toMatchObject({ verdict: 'held', required: false });
    // An organization that already has a succeeded job: the list shows it, and the rule is judged (held), not required.
    const token = `core-seasoned-${Date.now()}`;
    await createStubControl(stub.baseUrl, token).seedJob({ status: 'succeeded' });
    const seasoned = await runContractSuite({ baseUrl: stub.baseUrl, token, profile: 'core', seed: 23 });
    expect(seasoned.outcome).toBe('conform');
    expect(seasoned.rules.find((x) => x.id === 'job.fine_tuned_model.format')).toMatchObject({ verdict: 'held', required: false });
  }, 120_000);
});
