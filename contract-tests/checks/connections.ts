/**
 * The connection fixtures (fixtures/connections/): requests the HTTP layer refuses before any
 * operation. Headers over x-vaero-max-header-bytes are sent like any request and must be 431.
 * A stalled request (a body that stops halfway) is answered only when the server's own request
 * timeout runs out, a figure the judge cannot know: it is judged only when the run is told it
 * (--server-request-timeout), waiting that long plus one --request-timeout at most; otherwise
 * request.timeout is skipped by configuration, saying so, and an unanswered stall within the
 * bound is not judged, never held.
 */
import { connectionFixtures, sendStalled, type RequestFixture } from '../../fixtures/index.js';
import { expectRejected } from './expectations.js';
import { fixtureRequest } from './fixture-requests.js';
import type { Check, CheckContext } from './types.js';

async function judgeStall(ctx: CheckContext, f: RequestFixture): Promise<void> {
  const ruleId = f.expect.ruleId ?? 'request.timeout';
  const server = ctx.serverRequestTimeoutMs;
  if (server === undefined) {
    return ctx.notJudged(ruleId, `${f.name}: a stalled request is answered when the server's own request timeout runs out; give --server-request-timeout (that figure) to have it judged`, 'configuration');
  }
  // Never past the run's --deadline: what is left of it bounds the wait too.
  const waitMs = Math.min(server + ctx.requestTimeoutMs, ctx.client.timeLeft());
  if (waitMs <= 0) return ctx.notJudged(ruleId, `${f.name}: the run's --deadline came first`, 'deadline');
  const got = await sendStalled(ctx.client.baseUrl, f, { waitMs });
  if (!got.answered) return ctx.notJudged(ruleId, `${f.name}: ${got.why} (at most --server-request-timeout ${server} ms plus --request-timeout ${ctx.requestTimeoutMs} ms, within the --deadline)`, 'server');
  let error: { param?: unknown; code?: unknown } | undefined;
  try {
    error = (JSON.parse(got.body) as { error?: typeof error }).error;
  } catch {}
  const received = { status: got.status, param: error?.param ?? null, code: error?.code ?? null, connection: got.headers.connection ?? null };
  const declared = { status: f.expect.status, param: f.expect.param, code: f.expect.code, connection: 'close' };
  if (received.status === declared.status && received.param === declared.param && received.code === declared.code && received.connection?.toLowerCase() === 'close') ctx.pass(ruleId);
  else {
    const message = `${f.name}: a request stalled halfway through its body was answered ${got.status}; the spec answers 408 request_timeout, param null, and closes`;
    ctx.fail({ ruleId, message, declared, received });
    if (got.status >= 500) ctx.fail({ ruleId: 'request.no-5xx-on-bad-input', message, declared, received });
  }
}

export const connectionFixturesRefused: Check = {
  id: 'connection-fixtures-refused',
  title: 'Headers over x-vaero-max-header-bytes are 431; a stalled request is 408 (when the server\'s request timeout is given)',
  ruleId: 'request.no-5xx-on-bad-input',
  alsoVerifies: [...new Set(connectionFixtures.map((f) => f.expect.ruleId).filter((id): id is string => !!id))],
  profiles: ['core', 'full'],
  async run(ctx) {
    for (const f of connectionFixtures) {
      if (f.stall) await judgeStall(ctx, f);
      else {
        const ex = await ctx.send(fixtureRequest(f, { ids: new Map() }));
        expectRejected(ctx, ex, { status: f.expect.status, param: f.expect.param, ...(f.expect.code ? { code: f.expect.code } : {}), ruleId: f.expect.ruleId ?? 'request.no-5xx-on-bad-input' }, `fixture ${f.name}`);
      }
    }
  },
};
