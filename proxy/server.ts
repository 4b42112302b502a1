/**
 * `vaero proxy`: a validating proxy between any client and any implementation of the API.
 * It serves the contract's base path (/v1) on 127.0.0.1 (unless told otherwise), forwards
 * `/v1/X` to `UPSTREAM/X`, answers CORS itself as the stub does, and has every exchange
 * judged in both directions by the traffic judge (traffic/): pass-through by default,
 * `strict` to stop what breaks the contract. Stopping it gives the report.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { operations, basePath } from '../spec/index.js';
import { DEFAULTS } from '../contract-tests/defaults.js';
import { DEFAULT_LEVEL, type Level } from '../contract-tests/level.js';
import type { Report } from '../contract-tests/report.js';
import { trafficRequest, type CapturedBody } from '../traffic/message.js';
import { proxyError, sendJson } from './answer.js';
import type { Exchanging, Outcome } from './exchanging.js';
import { setCors } from './headers.js';
import { passThrough } from './pass-through.js';
import { Session } from './session.js';
import { strict } from './strict.js';
import { Upstream } from './upstream.js';

/** The largest body the contract accepts (x-vaero-max-body-bytes) and one byte: a copy that size tells every over-limit body. */
export const DEFAULT_CAPTURE_BYTES = Math.max(...operations.map((o) => o.maxBodyBytes ?? 0)) + 1;

export interface ProxyOptions {
  /** The implementation's base URL (the URL under which /fine_tuning/jobs lives). */
  upstream: string;
  host?: string;
  /** 0 (default): any free port. */
  port?: number;
  strict?: boolean;
  level?: Level;
  /** Judge what only a stateful implementation shows (default true; false for a static mock). */
  stateful?: boolean;
  /** The most bytes of a request body kept for the judge (and buffered with strict). */
  maxBodyBytes?: number;
  /** The most bytes of an answer kept for the judge (as vaero test's --max-response-bytes: a longer one breaks response.size). */
  maxResponseBytes?: number;
  /** How many jobs the rules across exchanges remember (default 10,000). */
  maxJobs?: number;
  /** Origins besides loopback ones that may read answers with credentials (--cors-origins, as the stub's). */
  corsOrigins?: readonly string[];
  /** Write a HAR file of the traffic (credentials redacted). */
  record?: string;
  /** One line per violation (default: stderr). */
  log?: (line: string) => void;
}

export interface VaeroProxy {
  /** The proxy's base URL, e.g. http://127.0.0.1:8099/v1. */
  url: string;
  port: number;
  /** Violations at the proxy's level seen so far, per side. */
  violations: { client: number; server: number };
  /** The report of the traffic so far (waits for judgements in flight). */
  report(): Promise<Report>;
  /** Stop listening, finish the judgements in flight, close the record; the final report. */
  close(): Promise<Report>;
}

export async function startProxy(o: ProxyOptions): Promise<VaeroProxy> {
  const upstream = new Upstream(o.upstream);
  const host = o.host ?? '127.0.0.1';
  const cap = o.maxBodyBytes ?? DEFAULT_CAPTURE_BYTES;
  const responseCap = o.maxResponseBytes ?? DEFAULTS.maxResponseBytes;
  const log = o.log ?? ((line: string) => void process.stderr.write(line + '\n'));
  let origin = '';
  let session: Session | undefined;

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const started = new Date();
    const t0 = performance.now();
    const url = req.url ?? '/';
    setCors(req, res, o.corsOrigins ?? []);
    if (req.method === 'OPTIONS') {
      return void res.writeHead(204, { 'content-length': '0' }).end();
    }
    if (url !== basePath && !url.startsWith(basePath + '/') && !url.startsWith(basePath + '?')) {
      return void sendJson(req, res, 404, proxyError(`the proxy serves ${basePath}/… only (forwarded to ${upstream.base.href})`, 'outside_base_path'));
    }
    const s = session!;
    const target = url.slice(basePath.length) || '/';
    // Dot segments (/v1/../x) must not lead the request out of the upstream's base path.
    if (!upstream.url(target).pathname.startsWith(upstream.base.pathname)) {
      return void sendJson(req, res, 404, proxyError(`${url} leads outside the upstream's base path`, 'outside_base_path'));
    }
    const seq = s.nextSeq();
    const x: Exchanging = {
      upstream,
      target,
      cap,
      responseCap,
      session: s,
      conclude(body: CapturedBody, { response, error, judged, serverAnswered = true, delivered }: Outcome) {
        const request = trafficRequest({ method: req.method ?? 'GET', target, headers: req.headers, body, url: origin + url });
        s.conclude({ seq, request, ...(response ? { response } : {}), ...(error ? { error } : {}), ...(delivered ? { delivered } : {}), durationMs: performance.now() - t0 }, started, judged, serverAnswered);
      },
    };
    if (o.strict) strict(req, res, x, origin + url).catch((err: unknown) => {
      if (!res.headersSent) sendJson(req, res, 502, proxyError((err as Error).message, 'proxy_error'));
      else res.destroy();
    });
    else passThrough(req, res, x);
  };

  const server = http.createServer(handle);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  session = new Session({ baseUrl: origin + basePath, level: o.level ?? DEFAULT_LEVEL, stateful: o.stateful ?? true, ...(o.maxJobs ? { maxJobs: o.maxJobs } : {}), ...(o.record ? { record: o.record } : {}), log });
  const s = session;

  let closed: Promise<Report> | undefined;
  return {
    url: origin + basePath,
    port,
    violations: s.violations,
    async report() {
      await s.settled();
      return s.report();
    },
    close() {
      closed ??= (async () => {
        // Exchanges in flight get a moment to end; idle keep-alive connections close now.
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const cut = setTimeout(() => server.closeAllConnections(), 2000);
        await stopped;
        clearTimeout(cut);
        upstream.close();
        await s.settled();
        s.close();
        return s.report();
      })();
      return closed;
    },
  };
}
