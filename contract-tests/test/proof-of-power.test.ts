/**
 * Proof of power: the suite passes the correct stub (full) and the Prism mock (core),
 * and reports every mutant of the catalogue (the real stub with one fault) as failing,
 * naming the rule the mutant breaks. Prints the kill rate.
 *
 * Every stub here runs on a manual lifecycle clock that the suite's waits move (manualTime):
 * no run waits for jobs in real time, and the mutants are judged concurrently (each against
 * its own stub, its own clock), at most vitest's maxConcurrency at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrismMock, type PrismMock } from '../../mock/prism/index.js';
import { createService, startStub } from '../../mock/stub/index.js';
import { lifecycle, rules, type FileObjectList } from '../../spec/index.js';
import { sharedFileIds } from '../../fixtures/index.js';
import { runContractSuite, type Report } from '../index.js';
import { exitCodeOf } from '../cli.js';
import { mutants } from './mutants/catalogue.js';
import { json, manualTime, startMutant, withJson } from './mutants/front.js';

const SEED = 20260101;
/** The full stub's request timeout, told to the suite (--server-request-timeout). */
const STUB_REQUEST_TIMEOUT_MS = 3000;
const tokens = { token: 'contract-org-a', tokenB: 'contract-org-b' };

function brokenSummary(r: Report): string {
  return r.checks
    .flatMap((c) => c.failures.map((f) => `${c.id} ${f.ruleId}: ${f.message}`))
    .slice(0, 8)
    .join('\n');
}

describe.concurrent('the correct implementations pass', () => {
  it('the stub conforms in full, every check ran', async () => {
    const time = manualTime();
    // A short request timeout, given to the suite too, so the stalled-request fixture is judged (request.timeout) and soon;
    // long enough for the 8 MiB over-size upload to arrive on a busy machine (else it is, rightly, 408).
    const stub = await startStub({ port: 0, host: '127.0.0.1', service: createService({ clock: time.clock }), log: false, requestTimeoutMs: STUB_REQUEST_TIMEOUT_MS });
    try {
      const r = await runContractSuite({ baseUrl: stub.baseUrl, ...tokens, profile: 'full', seed: SEED, jobTimeoutMs: 10_000, sleep: time.sleep, serverRequestTimeoutMs: STUB_REQUEST_TIMEOUT_MS });
      expect(brokenSummary(r)).toBe('');
      expect(r.outcome).toBe('conform');
      expect(r.checks.filter((c) => c.status === 'skipped').map((c) => `${c.id}: ${c.skipReason}`)).toEqual([]);
      // Every rule it claims is held by an assertion; none is left unjudged or skipped, except
      // Retry-After, judged on 429s, which a client cannot provoke: skipped, saying so.
      const onlyOn429 = (x: Report['rules'][number]) => x.id === 'response.retry-after' && x.verdict === 'skipped' && /had status 429/.test(x.notJudged[0]?.reason ?? '');
      expect(r.rules.filter((x) => x.verdict !== 'held' && !onlyOn429(x)).map((x) => `${x.id}: ${x.verdict} ${x.notJudged.map((n) => n.reason).join('; ')}`)).toEqual([]);
      for (const x of r.rules.filter((y) => !onlyOn429(y))) expect(x.held, x.id).toBeGreaterThan(0);
      // The coverage table is complete: every status a client can provoke through the API was provoked.
      expect(r.coverage.filter((c) => c.required && !c.answers).map((c) => `${c.operationId} ${c.status}`)).toEqual([]);
      // Semantics were really exercised, not vacuously passed.
      for (const id of ['job-succeeds-with-model-name', 'cancel-semantics', 'organizations-are-isolated', 'pagination-neither-skips-nor-repeats']) {
        expect(r.checks.find((c) => c.id === id)?.assertions, id).toBeGreaterThan(0);
      }
      // Everything the run created was cleaned up.
      expect(r.cleanup.problems).toEqual([]);
      expect(r.cleanup.deletedFiles.length).toBeGreaterThanOrEqual(2);
      const org = stub.service.authenticate(tokens.token);
      if (!org.ok) throw new Error('the stub refused the token');
      const files = stub.service.listFiles(org.value, { limit: 100 });
      expect(files.ok && files.value.data.filter((f) => f.filename.startsWith('vaero-contract'))).toEqual([]);
      const jobs = stub.service.listJobs(org.value, { limit: 100 });
      expect(jobs.ok && jobs.value.data.filter((j) => !lifecycle.finished.includes(j.status)).map((j) => j.id)).toEqual([]);
    } finally {
      await stub.close();
    }
  });

  it('the stub without its shared sample files (like a real service, which holds no file-abc123) conforms in full', async () => {
    const hidden = new Map(sharedFileIds.map((id, i) => [id, `file-nosample${i}`]));
    const hide = (text: string) => [...hidden].reduce((t, [from, to]) => t.split(from).join(to), text);
    const time = manualTime();
    const target = await startMutant({
      name: 'no-shared-samples',
      fault: 'none: the samples are hidden, as on a real service',
      breaks: 'response.schema',
      request: (r) => ({ ...r, path: hide(r.path), body: Buffer.from(hide(r.body.toString('latin1')), 'latin1') }),
      response: (r, res) => {
        const list = json(res) as FileObjectList | undefined;
        return r.method === 'GET' && r.path === '/files' && list?.data ? withJson(res, { ...list, data: list.data.filter((f) => !hidden.has(f.id)) }) : res;
      },
    }, time.clock);
    try {
      const r = await runContractSuite({ baseUrl: target.baseUrl, ...tokens, profile: 'full', seed: SEED, jobTimeoutMs: 10_000, sleep: time.sleep });
      expect(brokenSummary(r)).toBe('');
      expect(r.outcome).toBe('conform');
    } finally {
      await target.close();
    }
  });

  it('the stub also conforms in core', async () => {
    const time = manualTime();
    const stub = await startStub({ port: 0, host: '127.0.0.1', service: createService({ clock: time.clock }), log: false });
    try {
      const r = await runContractSuite({ baseUrl: stub.baseUrl, token: tokens.token, profile: 'core', seed: SEED, sleep: time.sleep });
      expect(brokenSummary(r)).toBe('');
      // core concludes: nothing it did not create decides its verdict.
      expect(r.outcome, r.inconclusiveBecause.join('\n')).toBe('conform');
    } finally {
      await stub.close();
    }
  });

  describe('the Prism mock', () => {
    let prism: PrismMock;
    beforeAll(async () => {
      prism = await startPrismMock({ port: 0 });
    });
    afterAll(async () => {
      await prism?.close();
    });

    it('conforms in core', async () => {
      const r = await runContractSuite({ baseUrl: prism.baseUrl, token: tokens.token, profile: 'core', seed: SEED });
      expect(brokenSummary(r)).toBe('');
      expect(r.outcome).toBe('conform');
      expect(r.profile).toBe('core');
      // core holds no check that needs state.
      expect(r.checks.map((c) => c.id)).not.toContain('job-succeeds-with-model-name');
    });
  });
});

describe.concurrent('every mutant is reported failing, naming the rule it breaks', () => {
  const killed: string[] = [];
  const survived: string[] = [];

  afterAll(() => {
    const rate = ((killed.length / mutants.length) * 100).toFixed(0);
    console.log(`mutant kill rate: ${killed.length}/${mutants.length} (${rate}%)${survived.length ? `; survived: ${survived.join(', ')}` : ''}`);
  });

  it('the catalogue covers the issue\'s ten faults and names real rules', () => {
    expect(mutants.length).toBeGreaterThanOrEqual(10);
    for (const m of mutants) expect(rules.has(m.breaks), `${m.name} breaks ${m.breaks}`).toBe(true);
    expect(new Set(mutants.map((m) => m.name)).size).toBe(mutants.length);
    // Only faults that keep jobs from succeeding may end inconclusive; every other one is a broken rule.
    expect(mutants.filter((m) => m.exit === 3).map((m) => m.name).sort()).toEqual(['every-job-fails', 'lifecycle-never-progresses']);
  });

  for (const m of mutants) {
    it(`${m.name}: ${m.fault}`, async () => {
      const time = manualTime(m.speed);
      const target = await startMutant(m, time.clock);
      try {
        const exit = m.exit ?? 1;
        const r = await runContractSuite({ baseUrl: target.baseUrl, ...tokens, profile: 'full', seed: SEED, jobTimeoutMs: exit === 3 ? 2_000 : 10_000, sleep: time.sleep });
        const named = exit === 1 ? r.summary.brokenRules.includes(m.breaks) : r.summary.notJudgedRules.includes(m.breaks);
        (named && exitCodeOf(r.outcome) === exit ? killed : survived).push(m.name);
        expect(exitCodeOf(r.outcome), `${brokenSummary(r)}\n${r.inconclusiveBecause.join('\n')}`).toBe(exit);
        if (exit === 3) {
          expect(r.summary.notJudgedRules).toContain(m.breaks);
          expect(r.rules.find((x) => x.id === m.breaks)?.verdict).toBe('not-judged');
          return;
        }
        expect(r.summary.brokenRules).toContain(m.breaks);
        // The failure that names the rule shows the request that exposed it, and a script that reproduces it.
        const failure = r.checks.flatMap((c) => c.failures).find((f) => f.ruleId === m.breaks);
        expect(failure?.exchange?.curl ?? failure?.message).toBeTruthy();
      } finally {
        await target.close();
      }
    });
  }
});
