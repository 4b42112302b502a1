/**
 * Checks that overlap: one that waits for jobs lets the next ones run meanwhile, may only
 * read while they do, is waited for by the checks that name it in `after`, and the request
 * budget is cut where one check after another would cut it, whatever the interleaving.
 */
import { describe, expect, it } from 'vitest';
import { BudgetHolds } from '../budget-holds.js';
import { lendableJob, pollSchedule } from '../checks/jobs.js';
import type { Check, CheckContext } from '../checks/types.js';
import { HttpClient, type FetchLike } from '../http/client.js';
import { nodeTransport } from '../http/transport.js';
import { runContractSuite } from '../index.js';
import { createService, startStub } from '../../mock/stub/index.js';
import { manualTime } from './mutants/front.js';
import { runChecks } from '../runner.js';

const LIST = '/fine_tuning/jobs';
const emptyList = () => new Response(JSON.stringify({ object: 'list', data: [], has_more: false }), { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'req-1' } });

function client(maxRequests = 1000): HttpClient {
  return new HttpClient({ baseUrl: 'http://example.test/v1', token: 'unit', maxRequests, fetch: async () => emptyList() });
}

function check(id: string, run: (ctx: CheckContext) => Promise<void>, extra: Partial<Check> = {}): Check {
  return { id, title: id, ruleId: 'list.order-and-cursor', profiles: ['full'], run, ...extra };
}

const run = (checks: Check[], c = client()) =>
  runChecks(checks, c, { profile: 'full', seed: 1, jobTimeoutMs: 1000, numRuns: 1, requestTimeoutMs: 30_000, sleep: async () => {}, toolVersion: 'test', initialFileIds: [] }, async () => ({ cancelledJobs: [], deletedFiles: [], problems: [] }));

/** A promise and the function that resolves it. */
function latch(): { done: Promise<void>; open: () => void } {
  let open!: () => void;
  const done = new Promise<void>((r) => (open = r));
  return { done, open };
}

const get = (ctx: CheckContext) => ctx.send({ method: 'get', path: LIST });

describe('overlapping checks', () => {
  it('a check that overlaps lets the next one run while it waits (it would wait for it forever otherwise)', async () => {
    const next = latch();
    const report = await run([
      check('waits', async (ctx) => {
        await get(ctx);
        expect(ctx.overlap(10)).toBe(true);
        await next.done;
        ctx.pass();
      }),
      check('next', async (ctx) => {
        await get(ctx);
        next.open();
        ctx.pass();
      }),
    ]);
    expect(report.checks.filter((c) => ['waits', 'next'].includes(c.id)).map((c) => [c.id, c.status, c.requests])).toEqual([
      ['waits', 'passed', 1],
      ['next', 'passed', 1],
    ]);
  });

  it('while it overlaps, a check may only read: a create is an error of the check, reported as such', async () => {
    const report = await run([
      check('writes', async (ctx) => {
        ctx.overlap(10);
        await ctx.send({ method: 'post', path: LIST, json: {} });
      }),
    ]);
    const r = report.checks.find((c) => c.id === 'writes')!;
    expect(r.status).toBe('failed');
    expect(r.failures[0]?.message).toMatch(/may only read, but sent POST/);
    expect(r.requests).toBe(0);
  });

  it('a check with `after` starts once the check it names has ended, even when that one overlaps', async () => {
    const next = latch();
    let ended = false;
    let sawEnded: boolean | undefined;
    await run([
      check('waits', async (ctx) => {
        ctx.overlap(10);
        await next.done;
        await get(ctx);
        ended = true;
        ctx.pass();
      }),
      check('next', async (ctx) => {
        next.open();
        await get(ctx);
        ctx.pass();
      }),
      check(
        'uses-its-outcome',
        async (ctx) => {
          sawEnded = ended;
          await get(ctx);
          ctx.pass();
        },
        { after: ['waits'] },
      ),
    ]);
    expect(sawEnded).toBe(true);
  });

  it('refuses to overlap when the budget cannot spare what the check may still send: it goes on in turn', async () => {
    let overlapped: boolean | undefined;
    let nextStartedEarly = false;
    let ended = false;
    await run(
      [
        check('waits', async (ctx) => {
          await get(ctx);
          overlapped = ctx.overlap(10);
          await get(ctx);
          ended = true;
          ctx.pass();
        }),
        check('next', async (ctx) => {
          nextStartedEarly = !ended;
          await get(ctx);
          ctx.pass();
        }),
      ],
      client(5),
    );
    expect(overlapped).toBe(false);
    expect(nextStartedEarly).toBe(false);
  });

  // Serially: "waits" sends 6 (1 + 5 after overlapping), "next" gets the 6 left of 12 and is cut at its 7th.
  for (const [name, waitsFor] of [
    ['the overlapping check ends first', 0],
    ['the next check sends most of its requests first', 4],
    ['the next check runs into the budget before the overlapping one has sent anything more', 6],
  ] as const) {
    it(`--max-requests cuts where one check after another would: ${name}`, async () => {
      let sentByNext = 0;
      const progress: (() => void)[] = [];
      const nextSent = (n: number) => new Promise<void>((resolve) => (sentByNext >= n ? resolve() : progress.push(resolve)));
      const report = await run(
        [
          check('waits', async (ctx) => {
            await get(ctx);
            expect(ctx.overlap(5)).toBe(true);
            // Then it lets the other run for a while: were the budget first come, first served, that one would take it all.
            if (waitsFor) await Promise.race([nextSent(waitsFor), new Promise((r) => setTimeout(r, 50))]).then(() => new Promise((r) => setTimeout(r, 20)));
            for (let i = 0; i < 5; i++) await get(ctx);
            ctx.pass();
          }),
          check('next', async (ctx) => {
            for (let i = 0; i < 20; i++) {
              await get(ctx);
              sentByNext++;
              for (const wake of progress.splice(0)) wake();
            }
          }),
        ],
        client(12),
      );
      const waits = report.checks.find((c) => c.id === 'waits')!;
      const next = report.checks.find((c) => c.id === 'next')!;
      expect([waits.status, waits.requests]).toEqual(['passed', 6]);
      expect([next.status, next.requests]).toEqual(['skipped', 6]);
      expect(next.skipReason).toMatch(/--max-requests 12/);
      expect(report.requests.sent).toBe(12);
    });
  }
});

describe('BudgetHolds', () => {
  it('holds back what an overlapping check may still send, and frees it when the check ends', async () => {
    const budget = { used: 2, maxRequests: 10 };
    const holds = new BudgetHolds(budget);
    const end = latch();
    expect(holds.hold('a', 9, end.done)).toBe(false);
    expect(holds.hold('a', 8, end.done)).toBe(true);
    // 2 used + 8 held: no room for anyone else until the check spends or ends.
    let roomed = false;
    const room = holds.room().then(() => (roomed = true));
    holds.spend('a');
    budget.used++;
    await Promise.resolve();
    expect(roomed).toBe(false);
    end.open();
    await room;
    expect(roomed).toBe(true);
  });

  it('gives room at once when the held requests leave some', async () => {
    const holds = new BudgetHolds({ used: 0, maxRequests: 10 });
    expect(holds.hold('a', 3, new Promise(() => {}))).toBe(true);
    await expect(holds.room()).resolves.toBeUndefined();
  });
});

describe('jobs a check keeps to itself', () => {
  it('are never lent to another check (a cancel or a fixture naming the run\'s job)', () => {
    const state = { createdJobs: new Set(['ftjob-followed', 'ftjob-other']), keptJobs: new Set(['ftjob-followed']) } as unknown as CheckContext['state'];
    expect(lendableJob(state)).toBe('ftjob-other');
    state.keptJobs.add('ftjob-other');
    expect(lendableJob(state)).toBeUndefined();
  });
});

describe('the poll schedule of a running job', () => {
  it('starts at 25 ms, grows to at most 500 ms, and adds up to --job-timeout exactly', () => {
    for (const timeout of [1, 300, 10_000, 30_000, 123_457]) {
      const waits = pollSchedule(timeout);
      expect(waits.reduce((a, b) => a + b, 0)).toBe(timeout);
      expect(Math.max(...waits)).toBeLessThanOrEqual(500);
      expect(waits.every((w) => w > 0)).toBe(true);
    }
    expect(pollSchedule(10_000).slice(0, 3)).toEqual([25, 38, 56]);
    // A 30 s timeout costs at most 67 polls a job: what the overlapping check holds back is small.
    expect(pollSchedule(30_000).length).toBeLessThan(70);
  });
});

describe('--seed replays a run whose checks overlap', () => {
  /** What a run changed on the server, ids made by the server replaced: creates, uploads, cancels, deletes (polls depend on the server's pace). */
  async function changes(seed: number) {
    const time = manualTime();
    const stub = await startStub({ port: 0, host: '127.0.0.1', service: createService({ clock: time.clock }), log: false });
    const sent: string[] = [];
    const anonymous = (text: string) => text.replace(/\b(ftjob|file)-[A-Za-z0-9]+/g, '$1-ID');
    const fetch: FetchLike = async (url, init) => {
      const method = (init.method ?? 'GET').toUpperCase();
      const body = typeof init.body === 'string' ? init.body : init.body instanceof Uint8Array ? Buffer.from(init.body).toString('utf8') : init.body ? '[form]' : '';
      if (!['GET', 'HEAD'].includes(method)) sent.push(anonymous(`${method} ${new URL(url).pathname}${new URL(url).search} ${body}`));
      return nodeTransport(url, init);
    };
    try {
      const r = await runContractSuite({ baseUrl: stub.baseUrl, token: 'org-replay', tokenB: 'org-replay-b', profile: 'full', seed, jobTimeoutMs: 10_000, sleep: time.sleep, fetch });
      return { sent: sent.sort(), verdicts: r.rules.map((x) => `${x.id} ${x.verdict}`) };
    } finally {
      await stub.close();
    }
  }

  it('the same requests that change the server, and the same verdicts (order aside)', async () => {
    const [a, b] = [await changes(4242), await changes(4242)];
    expect(a.sent.length).toBeGreaterThan(100);
    expect(b.sent).toEqual(a.sent);
    expect(b.verdicts).toEqual(a.verdicts);
  });
});
