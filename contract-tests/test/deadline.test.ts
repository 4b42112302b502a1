/**
 * A run against a server that answers every request slowly ends by its --deadline plus one
 * --request-timeout (the cleanup's grace), whatever the catalogue still had to do: what it
 * had not reached is not judged (deadline), and after the deadline only cleanup is sent.
 * All on the suite's manual clock: the server is the stub, each answer held back a fixed
 * time on that clock; the test moves the clock only while no real I/O is in flight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStub, type RunningStub } from '../../mock/stub/index.js';
import { ManualClock } from '../clock.js';
import type { FetchLike } from '../http/client.js';
import { runContractSuite } from '../index.js';
import type { Report } from '../report.js';
import { driving } from './driving.js';

const DEADLINE = 120_000;
const REQUEST_TIMEOUT = 30_000;
/** Each answer comes this late on the suite's clock: answered, never timed out, and slow. */
const SLOW = 5_000;
/** How far the clock moves at a time. */
const STEP = 1_000;

let stub: RunningStub;
beforeAll(async () => {
  stub = await startStub({ port: 0, host: '127.0.0.1', log: false });
});
afterAll(() => stub.close());

interface Sent {
  at: number;
  method: string;
  url: string;
}

/** The stub, each answer read whole over real HTTP and handed back SLOW later on `clock`. */
function slowServer(clock: ManualClock) {
  const sent: Sent[] = [];
  let inFlight = 0;
  const fetch: FetchLike = async (url, init) => {
    sent.push({ at: clock.now(), method: String(init.method ?? 'GET'), url });
    await clock.sleep(SLOW, init.signal ?? undefined);
    init.signal?.throwIfAborted();
    inFlight++;
    try {
      const res = await globalThis.fetch(url, init);
      const body = await res.arrayBuffer();
      return new Response(body, { status: res.status, headers: res.headers });
    } finally {
      inFlight--;
    }
  };
  return { fetch, sent, busy: () => inFlight > 0 };
}

describe('--deadline against a slow server', () => {
  let report: Report;
  let ended: number;
  let sent: Sent[];

  beforeAll(async () => {
    const clock = new ManualClock();
    const server = slowServer(clock);
    sent = server.sent;
    report = await driving(
      clock,
      STEP,
      runContractSuite({ baseUrl: stub.baseUrl, token: 'org-slow', tokenB: 'org-slow-b', profile: 'full', seed: 3, deadlineMs: DEADLINE, requestTimeoutMs: REQUEST_TIMEOUT, clock, fetch: server.fetch }),
      server.busy,
    );
    ended = clock.now();
  }, 60_000);

  it('ends by the deadline plus one request timeout, having run up to the deadline', () => {
    expect(ended).toBeGreaterThanOrEqual(DEADLINE);
    expect(ended).toBeLessThanOrEqual(DEADLINE + REQUEST_TIMEOUT);
    expect(Math.max(...sent.map((s) => s.at))).toBeLessThan(DEADLINE + REQUEST_TIMEOUT);
  });

  it('judged what it reached before the deadline', () => {
    expect(report.checks.filter((c) => c.status === 'passed' || c.status === 'failed').length).toBeGreaterThan(0);
    expect(report.rules.filter((r) => r.verdict === 'held').length).toBeGreaterThan(0);
  });

  it('left the rest not judged, for the deadline, and the run inconclusive', () => {
    const late = report.checks.filter((c) => c.status === 'skipped' && /--deadline \(2m\)/.test(c.skipReason ?? ''));
    expect(late.length).toBeGreaterThan(0);
    const byDeadline = report.rules.filter((r) => r.verdict === 'not-judged' && r.notJudged.some((n) => n.cause === 'deadline'));
    expect(byDeadline.length).toBeGreaterThan(0);
    expect(report.outcome).toBe('inconclusive');
  });

  it('after the deadline sent only cleanup (cancels and deletes of what it made)', () => {
    const after = sent.filter((s) => s.at >= DEADLINE);
    for (const s of after) expect(`${s.method} ${new URL(s.url).pathname}`).toMatch(/^(POST \/v1\/fine_tuning\/jobs\/[^/]+\/cancel|DELETE \/v1\/files\/[^/]+)$/);
  });
});
