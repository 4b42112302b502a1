/**
 * HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), as Chromium's devtools and
 * Playwright save it: read into exchanges of traffic for the judge, and written by
 * `vaero proxy --record` (credentials redacted: the scheme word stays, the token is
 * `$VAERO_TOKEN`, so the record still shows a well-formed Authorization header).
 * A body the HAR does not hold is "not known"; an entry without an Authorization header
 * (devtools' sanitized export drops it) has its credentials "not known".
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { captured, lowerHeaders, utf8, type CapturedBody, type TrafficExchange, type TrafficRequest, type TrafficResponse } from './message.js';
import { redactHeaders } from './suite-exchange.js';

interface HarHeader {
  name: string;
  value: string;
}
interface HarResponse {
  status: number;
  headers: HarHeader[];
  content?: { size?: number; mimeType?: string; text?: string; encoding?: string };
  _vaeroBodyBytes?: number;
}
interface HarEntry {
  startedDateTime?: string;
  time?: number;
  request: { method: string; url: string; headers: HarHeader[]; bodySize?: number; postData?: { mimeType?: string; text?: string; encoding?: string }; _vaeroBodyBytes?: number };
  /** What the client received. */
  response: HarResponse;
  /** Set by `vaero proxy --strict --record` when it replaced the upstream's answer: the answer it judged. */
  _vaeroUpstreamResponse?: HarResponse;
}

export class NotHar extends Error {
  override name = 'NotHar';
}

function headersOf(list: HarHeader[] | undefined): Record<string, string> {
  // HTTP/2 pseudo-headers (:authority, :path) are not headers of the request.
  return lowerHeaders((list ?? []).filter((h) => !h.name.startsWith(':')).map((h) => [h.name, h.value] as [string, string]));
}

function bytesOf(text: string, encoding: string | undefined): Uint8Array {
  return new Uint8Array(encoding === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'));
}

/** The body an entry holds, or undefined when it does not hold it (`full`: the body's length, when the recorder cut it). */
function body(text: string | undefined, encoding: string | undefined, size: number | undefined, full: number | undefined): CapturedBody | undefined {
  if (text === undefined) return size === 0 ? captured(new Uint8Array()) : undefined;
  const bytes = bytesOf(text, encoding);
  return captured(bytes, Math.max(full ?? bytes.length, bytes.length));
}

/**
 * How long an entry says its request body is, when it holds no postData: Playwright writes
 * bodySize 0 for a multipart upload it did not keep, so a Content-Length header wins.
 * bodySize -1 (HAR's "not available") or none: not known, never a known empty body.
 */
function requestBodySize(e: HarEntry, headers: Record<string, string>): number | undefined {
  const declared = Number(headers['content-length'] ?? 0);
  if (declared > 0) return declared;
  if (e.request.postData) return undefined;
  return e.request.bodySize !== undefined && e.request.bodySize >= 0 ? e.request.bodySize : undefined;
}

export interface HarRead {
  /** The entries under the base URL, as exchanges (path relative to the base URL). */
  exchanges: TrafficExchange[];
  /** Entries outside the base URL: counted, left out. */
  outside: number;
  baseUrl: string;
}

/** The base URL of a HAR when none is given: the prefix under which its first API path (…/fine_tuning/jobs, …/files) lives. */
function inferBase(entries: HarEntry[]): string | undefined {
  for (const e of entries) {
    try {
      const u = new URL(e.request.url);
      const m = /^(.*?)\/(fine_tuning\/jobs|files)(\/|$)/.exec(u.pathname);
      if (m) return u.origin + m[1];
    } catch {
      /* not a URL: left for the reader to count */
    }
  }
  return undefined;
}

function trafficResponse(r: HarResponse): TrafficResponse {
  const resBody = body(r.content?.text, r.content?.encoding, r.content?.size, r._vaeroBodyBytes);
  return { status: r.status, headers: headersOf(r.headers), ...(resBody ? { body: resBody } : {}) };
}

export function readHar(text: string, baseUrl?: string): HarRead {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new NotHar(`not JSON (${(err as Error).message})`);
  }
  const entries = (doc as { log?: { entries?: unknown } } | null)?.log?.entries;
  if (!Array.isArray(entries)) throw new NotHar('no log.entries array: not a HAR file');
  const ok = entries.every((e: HarEntry) => e && typeof e.request?.url === 'string' && typeof e.request.method === 'string' && typeof e.response?.status === 'number');
  if (!ok) throw new NotHar('an entry without request.method, request.url or response.status: not a HAR file');
  const base = (baseUrl ?? inferBase(entries as HarEntry[]) ?? '').replace(/\/+$/, '');
  const out: TrafficExchange[] = [];
  let outside = 0;
  for (const e of entries as HarEntry[]) {
    const url = e.request.url;
    const rest = base && url.startsWith(base) ? url.slice(base.length) : undefined;
    if (rest === undefined || (rest !== '' && !/^[/?]/.test(rest)) || e.request.method.toUpperCase() === 'OPTIONS') {
      outside++;
      continue;
    }
    const reqHeaders = headersOf(e.request.headers);
    const request: TrafficRequest = {
      method: e.request.method.toUpperCase(),
      path: rest.split('?')[0] || '/',
      query: [...new URL(url).searchParams],
      url,
      headers: reqHeaders,
      ...(() => {
        const b = body(e.request.postData?.text, e.request.postData?.encoding, requestBodySize(e, reqHeaders), e.request._vaeroBodyBytes);
        return b ? { body: b } : {};
      })(),
      ...(reqHeaders.authorization === undefined ? { credentialsUnknown: true } : {}),
    };
    if (e.request.postData?.mimeType && request.headers['content-type'] === undefined) request.headers['content-type'] = e.request.postData.mimeType;
    // A recording of the strict proxy judges the upstream's answer, as the proxy did; the client's 502 stays `delivered`.
    const upstream = e._vaeroUpstreamResponse;
    const judged = upstream && typeof upstream.status === 'number' ? upstream : e.response;
    out.push({
      seq: out.length + 1,
      request,
      // Status 0: the browser got no answer (blocked, aborted).
      ...(judged.status > 0 ? { response: trafficResponse(judged) } : { error: 'no answer recorded' }),
      ...(judged !== e.response ? { delivered: trafficResponse(e.response) } : {}),
      ...(e.time !== undefined ? { durationMs: e.time } : {}),
    });
  }
  return { exchanges: out, outside, baseUrl: base };
}

const harHeaders = (h: Record<string, string>): HarHeader[] => Object.entries(h).map(([name, value]) => ({ name, value }));

function harContent(b: CapturedBody | undefined): { text?: string; encoding?: string; size: number } {
  if (!b) return { size: -1 };
  const text = utf8(b);
  return text !== undefined ? { text, size: b.length } : { text: Buffer.from(b.bytes).toString('base64'), encoding: 'base64', size: b.length };
}

/** An answer as a HAR response (no answer: status 0). */
function harResponse(r: TrafficResponse | undefined): Record<string, unknown> {
  const resBody = harContent(r?.body);
  return {
    status: r?.status ?? 0,
    statusText: '',
    httpVersion: 'HTTP/1.1',
    headers: harHeaders(redactHeaders(r?.headers ?? {})),
    cookies: [],
    content: { size: resBody.size, mimeType: r?.headers['content-type'] ?? '', ...(resBody.text !== undefined ? { text: resBody.text } : {}), ...(resBody.encoding ? { encoding: resBody.encoding } : {}) },
    redirectURL: '',
    headersSize: -1,
    bodySize: r?.body?.length ?? -1,
    ...(r?.body?.truncated ? { _vaeroBodyBytes: r.body.length } : {}),
  };
}

/**
 * One exchange as a HAR entry (credentials redacted; a cut body keeps its full length in
 * _vaeroBodyBytes). `response` is what the client received; when the strict proxy replaced
 * the upstream's answer, that answer (the one judged) is kept in _vaeroUpstreamResponse.
 */
export function harEntry(ex: TrafficExchange, started: Date, origin: string): Record<string, unknown> {
  const req = ex.request;
  const reqBody = harContent(req.body);
  return {
    startedDateTime: started.toISOString(),
    time: ex.durationMs ?? 0,
    request: {
      method: req.method,
      url: origin + req.path + (req.query.length ? '?' + new URLSearchParams(req.query).toString() : ''),
      httpVersion: 'HTTP/1.1',
      headers: harHeaders(redactHeaders(req.headers)),
      queryString: req.query.map(([name, value]) => ({ name, value })),
      cookies: [],
      headersSize: -1,
      bodySize: req.body ? req.body.length : -1,
      ...(req.body && req.body.length ? { postData: { mimeType: req.headers['content-type'] ?? '', text: reqBody.text ?? '', ...(reqBody.encoding ? { encoding: reqBody.encoding } : {}) } } : {}),
      ...(req.body?.truncated ? { _vaeroBodyBytes: req.body.length } : {}),
    },
    response: harResponse(ex.delivered ?? ex.response),
    ...(ex.delivered
      ? {
          _vaeroUpstreamResponse: harResponse(ex.response),
          comment: `vaero proxy --strict answered ${ex.delivered.status} instead of the upstream's ${ex.response?.status ?? 'answer'}, which breaks the contract; the upstream's answer, as judged, is _vaeroUpstreamResponse`,
        }
      : {}),
    cache: {},
    timings: { send: 0, wait: ex.durationMs ?? 0, receive: 0 },
  };
}

/** A HAR file written as exchanges happen (so a killed proxy leaves every finished entry), closed by `close()`. */
export class HarWriter {
  private readonly fd: number;
  private count = 0;

  constructor(
    readonly file: string,
    private readonly origin: string,
  ) {
    this.fd = openSync(file, 'w');
    writeSync(this.fd, '{"log":{"version":"1.2","creator":{"name":"vaero proxy","version":"1"},"entries":[\n');
  }

  add(ex: TrafficExchange, started: Date): void {
    writeSync(this.fd, (this.count++ ? ',\n' : '') + JSON.stringify(harEntry(ex, started, this.origin)));
  }

  close(): void {
    writeSync(this.fd, '\n]}}\n');
    closeSync(this.fd);
  }
}
