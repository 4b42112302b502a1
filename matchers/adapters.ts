/**
 * What a test holds, as an exchange of traffic: a fetch Response (read from a clone, so the
 * test can still read it), a supertest (superagent) response, an axios response, or a plain
 * request. Method and URL come from the object when it carries them, else from the options.
 */
import { DEFAULTS } from '../contract-tests/defaults.js';
import { readBounded } from '../contract-tests/http/bounded-body.js';
import { captured, trafficRequest, type TrafficExchange, type TrafficRequest, type TrafficResponse } from '../traffic/message.js';

export interface Where {
  /** The request's method (a fetch Response does not carry it; default GET). */
  method?: string;
  /** The request's full URL (default: the response's own). */
  url?: string;
  /** The URL under which /fine_tuning/jobs lives (default: found in the URL, before /fine_tuning/ or /files). */
  baseUrl?: string;
  /** The request that was sent, when the response does not carry it (its body lets a create's echo be judged). */
  request?: RequestLike;
}

/** A request as a test describes it: a fetch Request, or its parts. */
export type RequestLike = Request | { method?: string; url: string; headers?: Record<string, string> | Headers; body?: unknown };

export class NotJudgeable extends Error {
  override name = 'NotJudgeable';
}

const encoder = new TextEncoder();

/** A body a test gave: bytes as they are, text as UTF-8, anything else as its JSON. */
function bytesOf(body: unknown): Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (typeof body === 'string') return encoder.encode(body);
  return encoder.encode(JSON.stringify(body));
}

function headersOf(h: unknown): Record<string, string> {
  if (!h) return {};
  if (typeof (h as Headers).forEach === 'function' && typeof (h as Headers).get === 'function') {
    const out: Record<string, string> = {};
    (h as Headers).forEach((v, k) => (out[k] = v));
    return out;
  }
  // axios' AxiosHeaders has toJSON; a plain object is used as it is.
  const plain = typeof (h as { toJSON?: () => unknown }).toJSON === 'function' ? (h as { toJSON: () => unknown }).toJSON() : h;
  return Object.fromEntries(Object.entries(plain as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : String(v)]));
}

/** The path and query of `url` under the base URL. */
function target(url: string, baseUrl?: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new NotJudgeable(`cannot judge: ${JSON.stringify(url)} is not a full URL (give { url } or { baseUrl })`);
  }
  const basePath = baseUrl ? new URL(baseUrl).pathname.replace(/\/+$/, '') : (/^(.*?)\/(fine_tuning\/|files(\/|$))/.exec(u.pathname)?.[1] ?? '');
  if (!u.pathname.startsWith(basePath)) throw new NotJudgeable(`cannot judge: ${url} is not under the base URL ${baseUrl}`);
  return u.pathname.slice(basePath.length) + u.search;
}

export async function requestOf(r: RequestLike, where: Where = {}): Promise<TrafficRequest> {
  if (typeof Request !== 'undefined' && r instanceof Request) {
    const body = r.body ? new Uint8Array(await r.clone().arrayBuffer()) : undefined;
    return trafficRequest({ method: r.method, target: target(r.url, where.baseUrl), headers: headersOf(r.headers), ...(body ? { body } : {}), url: r.url });
  }
  const plain = r as Exclude<RequestLike, Request>;
  const body = bytesOf(plain.body);
  const headers = headersOf(plain.headers);
  // A plain object body goes as JSON, as fetch wrappers and SDKs send it.
  if (body && plain.body !== null && typeof plain.body === 'object' && !(plain.body instanceof Uint8Array) && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  return trafficRequest({ method: plain.method ?? 'GET', target: target(plain.url, where.baseUrl), headers, ...(body ? { body } : {}), url: plain.url });
}

interface Superagent {
  status: number;
  headers: Record<string, string>;
  text?: string;
  body?: unknown;
  req?: { method?: string; getHeaders?: () => Record<string, unknown> };
  request?: { url?: string; method?: string; _data?: unknown };
}

interface Axios {
  status: number;
  headers: unknown;
  data: unknown;
  config: { method?: string; url?: string; baseURL?: string; data?: unknown; headers?: unknown };
}

const isFetchResponse = (r: unknown): r is Response => typeof Response !== 'undefined' && r instanceof Response;
const isSuperagent = (r: unknown): r is Superagent => !!r && typeof r === 'object' && 'status' in r && 'req' in r && 'request' in r && 'text' in r;
const isAxios = (r: unknown): r is Axios => !!r && typeof r === 'object' && 'status' in r && 'config' in r && 'data' in r;

function axiosUrl(c: Axios['config']): string {
  const url = c.url ?? '';
  if (/^https?:\/\//.test(url) || !c.baseURL) return url;
  return c.baseURL.replace(/\/+$/, '') + '/' + url.replace(/^\/+/, '');
}

/** The exchange a test's response stands for (and the request that led to it, when known). */
export async function exchangeOf(received: unknown, where: Where = {}): Promise<TrafficExchange> {
  let response: TrafficResponse;
  let request: TrafficRequest;
  if (isFetchResponse(received)) {
    // A clone, read up to the suite's cap (as vaero test reads an answer): the test still reads the original.
    const read = await readBounded(received.clone().body, DEFAULTS.maxResponseBytes);
    const bytes = new Uint8Array(read.bytes);
    response = { status: received.status, headers: headersOf(received.headers), body: captured(bytes, read.truncated ? bytes.length + 1 : bytes.length) };
    const url = where.url ?? received.url;
    if (!url && !where.request) throw new NotJudgeable('cannot judge a Response without its URL (a Response not from fetch): give { method, url }');
    // Only method and URL are known of the request: its credentials and body are not (never judged as missing).
    request = where.request ? await requestOf(where.request, where) : { ...(await requestOf({ method: where.method ?? 'GET', url }, where)), headersUnknown: true };
  } else if (isSuperagent(received)) {
    const text = received.text ?? (received.body !== undefined ? JSON.stringify(received.body) : '');
    response = { status: received.status, headers: headersOf(received.headers), body: captured(encoder.encode(text)) };
    request = where.request
      ? await requestOf(where.request, where)
      : await requestOf({ method: received.request?.method ?? received.req?.method ?? where.method ?? 'GET', url: where.url ?? received.request?.url ?? '', headers: headersOf(received.req?.getHeaders?.()), body: received.request?._data }, where);
  } else if (isAxios(received)) {
    const text = typeof received.data === 'string' ? received.data : JSON.stringify(received.data);
    response = { status: received.status, headers: headersOf(received.headers), body: captured(encoder.encode(text ?? '')) };
    request = where.request
      ? await requestOf(where.request, where)
      : await requestOf({ method: (received.config.method ?? where.method ?? 'GET').toUpperCase(), url: where.url ?? axiosUrl(received.config), headers: headersOf(received.config.headers), body: received.config.data }, where);
  } else throw new NotJudgeable('cannot judge this value: give a fetch Response, a supertest or an axios response');
  return { seq: 1, request, response };
}
