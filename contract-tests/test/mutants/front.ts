/**
 * A mutant: the REAL stub (startStub) with exactly one fault injected, either by
 * wrapping one method of its service (passed to the stub as `service`), or by a thin
 * front on 127.0.0.1:0 that rewrites one kind of request or patches one kind of answer
 * and forwards everything else to the stub untouched. Nothing here re-implements the API.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basePath, maxHeaderBytes } from '../../../spec/index.js';
import { createService, ManualClock, startStub, type LifecycleClock, type StubService } from '../../../mock/stub/index.js';

export interface FrontRequest {
  method: string;
  /** Path relative to the base URL (/fine_tuning/jobs...), without the query. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer;
}

export interface FrontResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface Mutant {
  name: string;
  /** What is broken, in one sentence. */
  fault: string;
  /** The x-vaero-rule the suite must name: broken (exit 1), or not judged when `exit` is 3. */
  breaks: string;
  /**
   * The exit code `vaero test` must end with: 1 (a rule broke: the default) or 3 (inconclusive:
   * a fault that keeps rules from being judged, e.g. jobs that never finish, is no proof of a
   * broken rule).
   */
  exit?: 1 | 3;
  /** The stub's lifecycle pace (default TEST_SPEED; 0 freezes every job). */
  speed?: number;
  wrapService?: (s: StubService) => StubService;
  /** Rewrite the request, or answer it in the stub's place. */
  request?: (r: FrontRequest) => FrontRequest | FrontResponse;
  /** Patch the stub's answer. */
  response?: (r: FrontRequest, res: FrontResponse) => FrontResponse;
  /**
   * Answer on the raw socket instead (a stream too long to hold, an answer that never ends):
   * true when it took the request; `index` counts the requests the front has seen.
   */
  raw?: (r: FrontRequest, res: ServerResponse, index: number) => boolean;
}

export interface RunningTarget {
  baseUrl: string;
  close(): Promise<void>;
}

/** Lifecycle pace of the stubs under test: a job succeeds in well under a second. */
export const TEST_SPEED = 50;

const HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/**
 * Send a request on to the stub and read its whole answer, as sent (node:http over a kept-alive
 * connection: fetch cost the mutant runs more CPU than the rest of the front).
 */
function forward(agent: Agent, origin: string, fr: FrontRequest): Promise<FrontResponse> {
  const qs = fr.query.toString();
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}${basePath}${fr.path}${qs ? `?${qs}` : ''}`,
      { method: fr.method, agent, headers: { ...fr.headers, ...(fr.body.length ? { 'content-length': String(fr.body.length) } : {}) } },
      (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('error', reject);
        r.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(r.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: r.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
        });
      },
    );
    req.on('error', reject);
    req.end(fr.body.length ? fr.body : undefined);
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function json(res: FrontResponse | FrontRequest): unknown {
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function withJson<T extends FrontResponse | FrontRequest>(r: T, value: unknown): T {
  return { ...r, body: Buffer.from(JSON.stringify(value)) };
}

export function isResponse(x: FrontRequest | FrontResponse): x is FrontResponse {
  return 'status' in x;
}

/**
 * Time the suite judges on without waiting for it: a manual lifecycle clock for the stub (at the
 * mutant's pace) and the suite's injectable sleep, which moves that clock instead of passing real
 * time (it yields for at most POLL_MS of real time, so a suite waiting on a frozen job still ends
 * at its --job-timeout).
 */
export interface ManualTime {
  clock: LifecycleClock;
  sleep(ms: number): Promise<void>;
}

const POLL_MS = 10;

export function manualTime(speed: number = TEST_SPEED): ManualTime {
  const clock = new ManualClock(Date.now(), speed);
  return {
    clock,
    sleep: (ms) => {
      clock.advance(ms);
      return new Promise((r) => setTimeout(r, Math.min(ms, POLL_MS)));
    },
  };
}

/** Start the real stub, with the mutant's fault, on 127.0.0.1:0 (on `clock`: default, the real clock at the mutant's pace). */
export async function startMutant(m: Mutant, clock?: LifecycleClock): Promise<RunningTarget> {
  const service = createService(clock ? { clock } : { speed: m.speed ?? TEST_SPEED });
  const stub = await startStub({ port: 0, host: '127.0.0.1', log: false, service: m.wrapService ? m.wrapService(service) : service });
  if (!m.request && !m.response && !m.raw) return stub;
  const origin = new URL(stub.baseUrl).origin;
  const agent = new Agent({ keepAlive: true });
  let seen = 0;
  // Headers over the spec's limit reach the stub (which refuses them) or a mutant's fault, not the front's own parser.
  const server = createServer({ maxHeaderSize: 4 * maxHeaderBytes }, (req, res) => {
    const index = seen++;
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !HOP.has(k)) headers[k] = v;
      let fr: FrontRequest = { method: req.method ?? 'GET', path: url.pathname.slice(basePath.length), query: url.searchParams, headers, body: await readBody(req) };
      if (m.raw?.(fr, res, index)) return;
      let answer: FrontResponse;
      const rewritten = m.request ? m.request(fr) : fr;
      if (isResponse(rewritten)) answer = rewritten;
      else {
        fr = rewritten;
        answer = await forward(agent, origin, fr);
        if (m.response) answer = m.response(fr, answer);
      }
      res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
      res.end(answer.body);
    })().catch((err: unknown) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`mutant front: ${String(err)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${basePath}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
      await stub.close();
    },
  };
}
