/**
 * What a server can cost the judge, bounded: bytes read (--max-response-bytes), time per
 * request (--request-timeout, on the suite's clock), the whole run (--deadline), draws per
 * generated case; and what a server's bytes can do to the outputs (escaped) and to the
 * redaction of tokens (whole words only).
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startStub } from '../../mock/stub/index.js';
import { ManualClock } from '../clock.js';
import { escapeUnsafe } from '../escape.js';
import { fitting, MAX_DRAWS, NoFit } from '../checks/fitting.js';
import { judgeExchange } from '../checks/conformance.js';
import { readBounded } from '../http/bounded-body.js';
import { HttpClient, ServerGone, Unreachable, type FetchLike } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { runContractSuite } from '../index.js';
import { TEST_SPEED } from './mutants/front.js';
import { driving } from './driving.js';

const token = 'sk-bounds-token';

/** A body of `chunks` chunks of `size` bytes, produced only when pulled; counts what was produced. */
function producer(chunks: number, size: number) {
  const made = { chunks: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (made.chunks === chunks) return c.close();
        made.chunks++;
        c.enqueue(new Uint8Array(size).fill(0x61));
      },
      cancel() {
        made.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, made };
}

describe('bounded reads', () => {
  it('readBounded takes the cap and no more, and cancels the source', async () => {
    const { stream, made } = producer(1000, 1024);
    const read = await readBounded(stream, 10_000);
    expect(read.truncated).toBe(true);
    expect(read.bytes.length).toBe(10_000);
    expect(made.cancelled).toBe(true);
    expect(made.chunks).toBeLessThanOrEqual(11);
  });

  it('a body of exactly the cap is whole', async () => {
    const { stream } = producer(4, 256);
    expect(await readBounded(stream, 1024)).toMatchObject({ truncated: false });
  });

  it('the client cuts a long answer, judges it under response.size, and does not parse what it cut', async () => {
    const fetch: FetchLike = async () => new Response(producer(100, 1024).stream, { status: 200, headers: { 'content-type': 'application/json' } });
    const client = new HttpClient({ baseUrl: 'http://example.test/v1', token, maxRequests: 5, maxResponseBytes: 4096, fetch });
    const ex = await client.send({ method: 'get', path: '/fine_tuning/jobs' });
    expect(ex.response?.cutAt).toBe(4096);
    expect(ex.response?.json).toBeUndefined();
    const verdict = judgeExchange(ex);
    expect(verdict.findings.map((f) => f.ruleId)).toContain('response.size');
    // Status and media type are still judged; the cut body is not held against the schema.
    expect(verdict.findings.map((f) => f.ruleId)).not.toContain('response.schema');
    expect(verdict.held.map((h) => h.ruleId)).toEqual(expect.arrayContaining(['response.status-declared', 'response.content-type']));
  });

  it('over the default transport, the connection is dropped at the cap: the server stops sending', async () => {
    let written = 0;
    let closed!: () => void;
    const gone = new Promise<void>((r) => (closed = r));
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
      };
      res.on('drain', pump);
      res.on('close', closed);
      pump();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const client = new HttpClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, token, maxRequests: 5, maxResponseBytes: 1024 * 1024 });
      const ex = await client.send({ method: 'get', path: '/fine_tuning/jobs' });
      expect(ex.response?.cutAt).toBe(1024 * 1024);
      await gone;
      // What the socket buffers may hold past the cap, not the endless rest.
      expect(written).toBeLessThan(64 * 1024 * 1024);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

/** A fetch that answers the calls `answers` names (1-based) and leaves the others hanging until their signal aborts. */
function silentFetch(answers: (call: number) => boolean): { fetch: FetchLike; calls: () => number } {
  let calls = 0;
  const fetch: FetchLike = (_url, init) =>
    new Promise((resolve, reject) => {
      if (answers(++calls)) return resolve(new Response('{"object":"list","data":[],"has_more":false}', { status: 200, headers: { 'content-type': 'application/json' } }));
      init.signal?.addEventListener('abort', () => reject(init.signal!.reason));
    });
  return { fetch, calls: () => calls };
}

describe('bounded time, on the suite\'s clock', () => {
  it('a request unanswered within --request-timeout, then two probes unanswered too: the server is gone', async () => {
    const clock = new ManualClock();
    // The run's first request is answered; then silence.
    const { fetch, calls } = silentFetch((call) => call === 1);
    const client = new HttpClient({ baseUrl: 'http://example.test/v1', token, maxRequests: 10, timeoutMs: 30_000, clock, fetch });
    await client.send({ method: 'get', path: '/fine_tuning/jobs' });
    const err = await driving(clock, 30_000, client.send({ method: 'post', path: '/files' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerGone);
    expect((err as ServerGone).unanswered.error).toMatch(/no answer within --request-timeout 30 s/);
    expect(calls()).toBe(4);
    expect(clock.now()).toBe(90_000);
  });

  it('an unanswered request after which the server answers again is returned without an answer (not gone)', async () => {
    const clock = new ManualClock();
    // Answered, then the request and the first probe unanswered, then the second probe answered.
    const client = new HttpClient({ baseUrl: 'http://example.test/v1', token, maxRequests: 10, timeoutMs: 5_000, clock, fetch: silentFetch((call) => call === 1 || call === 4).fetch });
    await client.send({ method: 'get', path: '/fine_tuning/jobs' });
    const ex = await driving(clock, 5_000, client.send({ method: 'get', path: '/fine_tuning/jobs' }));
    expect(ex.response).toBeUndefined();
    expect(ex.error).toMatch(/--request-timeout/);
  });

  it('the run\'s first request unanswered is "unreachable" (exit 2)', async () => {
    const clock = new ManualClock();
    const client = new HttpClient({ baseUrl: 'http://example.test/v1', token, maxRequests: 10, timeoutMs: 1_000, clock, fetch: silentFetch(() => false).fetch });
    await expect(driving(clock, 1_000, client.send({ method: 'get', path: '/fine_tuning/jobs' }))).rejects.toBeInstanceOf(Unreachable);
  });

  it('--deadline: what the run has not reached when it comes is not judged (deadline), and what it made is still cleaned up', async () => {
    const stub = await startStub({ port: 0, host: '127.0.0.1', speed: TEST_SPEED, log: false });
    const clock = new ManualClock();
    try {
      const r = await runContractSuite({
        baseUrl: stub.baseUrl,
        token: 'org-deadline',
        tokenB: 'org-deadline-b',
        profile: 'full',
        seed: 9,
        deadlineMs: 60_000,
        clock,
        // Real waits for the jobs the first checks follow; the deadline is the manual clock's.
        sleep: (ms) => new Promise((res) => setTimeout(res, ms)),
        onProgress: (p) => {
          if (p.current === 'pagination-neither-skips-nor-repeats' && clock.now() < 60_000) clock.advance(60_000);
        },
      });
      const late = r.checks.find((c) => c.id === 'organizations-are-isolated')!;
      expect(late.status).toBe('skipped');
      expect(late.skipReason).toMatch(/--deadline \(1m\)/);
      const isolation = r.rules.find((x) => x.id === 'tenancy.isolation')!;
      expect(isolation.verdict).toBe('not-judged');
      expect(isolation.notJudged.map((n) => n.cause)).toContain('deadline');
      expect(r.outcome).toBe('inconclusive');
      // Cleanup has one more request timeout after the deadline.
      expect(r.cleanup.deletedFiles.length).toBeGreaterThan(0);
      expect(r.cleanup.problems).toEqual([]);
    } finally {
      await stub.close();
    }
  });
});

describe('generation that cannot spin', () => {
  it('a case for which nothing fits ends after MAX_DRAWS draws, as a NoFit saying what was wanted', () => {
    let draws = 0;
    const arb = fitting(fc.integer().map((n) => (draws++, n)), () => false, 'that is never');
    const [value] = fc.sample(arb, { seed: 1, numRuns: 1 });
    expect(value).toBeInstanceOf(NoFit);
    expect((value as NoFit).reason).toBe('no generated case that is never in 1,000 draws');
    expect(draws).toBe(MAX_DRAWS);
  });
});

describe("a server's bytes are data", () => {
  it('control characters but tab and newline, and bidi controls, are shown as \\uXXXX', () => {
    expect(escapeUnsafe('a\u001b]0;t\u0007b\u001b[2J\r\u202eabc\u2066')).toBe('a\\u001b]0;t\\u0007b\\u001b[2J\\u000d\\u202eabc\\u2066');
    expect(escapeUnsafe('tab\there\nnewline é 😀 中')).toBe('tab\there\nnewline é 😀 中');
    // In JSON text, the same escapes are JSON's: it parses back to the data.
    const data = { status: 'queued\u001b[2J\u202e' };
    expect(JSON.parse(escapeUnsafe(JSON.stringify(data)))).toEqual(data);
  });
});

describe('redaction and scripts', () => {
  it('replaces a token only as a whole word: a one-letter token leaves URLs alone', async () => {
    const client = new HttpClient({ baseUrl: 'http://127.0.0.1:9/v1', token: 't', maxRequests: 5, fetch: async () => Promise.reject(new TypeError('fetch failed')) });
    const err = (await client.send({ method: 'get', path: '/fine_tuning/jobs' }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(Unreachable);
    expect(err.message).toContain('cannot reach http://127.0.0.1:9/v1');
    expect(client.redact('Bearer t; "t"; after=t; test; t.x')).toBe('Bearer $VAERO_TOKEN; "$VAERO_TOKEN"; after=$VAERO_TOKEN; test; t.x');
  });

  it('a failure\'s script stops at once in a shell without the token, saying which', async () => {
    const client = new HttpClient({ baseUrl: 'http://127.0.0.1:9/v1', token, maxRequests: 5, fetch: async () => new Response('{}', { status: 500 }) });
    const ex: Exchange = client.redactDeep(await client.send({ method: 'get', path: '/fine_tuning/jobs' }));
    const script = client.provenance.script([ex]);
    expect(script.split('\n')[2]).toMatch(/^: "\$\{VAERO_TOKEN:\?/);
    const run = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile('sh', ['-c', script], { env: { PATH: process.env.PATH! } }, (e, _out, stderr) => resolve({ code: e ? 1 : 0, stderr })),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/VAERO_TOKEN: set VAERO_TOKEN/);
  });
});

