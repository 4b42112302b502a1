/**
 * The connection check's judgement of a stalled request (request.timeout): held on a server
 * that answers 408 as the spec says; broken on one that answers otherwise (a bare Node 408, a
 * 500); not judged when no answer comes within the bound; skipped, saying why, when the run
 * was not told the server's request timeout. Driven through a recording context, so no probe
 * or other check is involved.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startStub } from '../../mock/stub/index.js';
import { connectionFixturesRefused } from '../checks/connections.js';
import type { CheckContext, FailureInput } from '../checks/types.js';

interface Recorded {
  passed: string[];
  failed: FailureInput[];
  notJudged: { ruleId: string; reason: string; cause?: string }[];
}

/** A context that records verdicts; only the stall is judged (the oversize fixture's send is a no-op here). */
function recordingContext(baseUrl: string, timeouts: { requestTimeoutMs: number; serverRequestTimeoutMs?: number }): { ctx: CheckContext; got: Recorded } {
  const got: Recorded = { passed: [], failed: [], notJudged: [] };
  const ctx = {
    ...timeouts,
    client: { baseUrl, timeLeft: () => 60_000 },
    send: async () => ({ seq: 0, request: { method: 'GET', url: '', path: '', headers: {} }, response: { status: 431, headers: {}, body: '', json: { error: { param: null, code: 'headers_too_large' } } }, durationMs: 0 }),
    pass: (ruleId?: string) => void got.passed.push(ruleId ?? ''),
    fail: (f: FailureInput) => void got.failed.push(f),
    notJudged: (ruleId: string, reason: string, cause?: string) => void got.notJudged.push({ ruleId, reason, ...(cause ? { cause } : {}) }),
  } as unknown as CheckContext;
  return { ctx, got };
}

/** A raw server that reads whatever comes and answers `answer` after `afterMs` (never, when undefined). */
async function rawServer(answer?: string, afterMs = 50): Promise<{ baseUrl: string; server: Server }> {
  const server = createServer((socket) => {
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    if (answer !== undefined) setTimeout(() => socket.end(answer), afterMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const stallJudgement = (got: Recorded) => ({
  passed: got.passed.filter((id) => id === 'request.timeout'),
  failed: got.failed.map((f) => f.ruleId),
  notJudged: got.notJudged.map((n) => [n.ruleId, n.cause]),
});

describe('a stalled request (request.timeout)', () => {
  it('without --server-request-timeout: skipped by configuration, saying what to give', async () => {
    const { ctx, got } = recordingContext('http://127.0.0.1:9/v1', { requestTimeoutMs: 1000 });
    await connectionFixturesRefused.run(ctx);
    expect(stallJudgement(got)).toEqual({ passed: [], failed: [], notJudged: [['request.timeout', 'configuration']] });
    expect(got.notJudged[0]!.reason).toMatch(/--server-request-timeout/);
  });

  it('held on the stub, whose request timeout answers 408 request_timeout and closes', async () => {
    const stub = await startStub({ port: 0, log: false, requestTimeoutMs: 300 });
    try {
      const { ctx, got } = recordingContext(stub.baseUrl, { requestTimeoutMs: 5000, serverRequestTimeoutMs: 300 });
      await connectionFixturesRefused.run(ctx);
      expect(stallJudgement(got)).toEqual({ passed: ['request.timeout'], failed: [], notJudged: [] });
    } finally {
      await stub.close();
    }
  });

  it("broken on a bare Node 408 (no envelope), and also request.no-5xx-on-bad-input on a 500", async () => {
    const bare = await rawServer('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    const crash = await rawServer('HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":{"message":"boom","type":"server_error","param":null,"code":"internal_error"}}');
    servers.push(bare.server, crash.server);
    for (const [target, rules] of [[bare, ['request.timeout']], [crash, ['request.timeout', 'request.no-5xx-on-bad-input']]] as const) {
      const { ctx, got } = recordingContext(target.baseUrl, { requestTimeoutMs: 1000, serverRequestTimeoutMs: 100 });
      await connectionFixturesRefused.run(ctx);
      expect(stallJudgement(got)).toEqual({ passed: [], failed: rules, notJudged: [] });
    }
  });

  it('not judged, never held, when no answer comes within the server\'s timeout plus --request-timeout', async () => {
    const silent = await rawServer();
    servers.push(silent.server);
    const { ctx, got } = recordingContext(silent.baseUrl, { requestTimeoutMs: 200, serverRequestTimeoutMs: 100 });
    await connectionFixturesRefused.run(ctx);
    expect(stallJudgement(got)).toEqual({ passed: [], failed: [], notJudged: [['request.timeout', 'server']] });
    expect(got.notJudged[0]!.reason).toMatch(/no answer within 300 ms/);
  });
});
