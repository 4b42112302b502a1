/**
 * An exchange of traffic in the shape the contract suite records its own (contract-tests
 * http/exchange.ts), so the suite's conformance judge, coverage table and report writers
 * take it as they are. Credentials never enter it: the Authorization header keeps its
 * scheme word and `$VAERO_TOKEN` stands for the token, as in the suite's reports.
 */
import type { OperationId } from '../spec/index.js';
import { toCurl } from '../contract-tests/http/curl.js';
import { MAX_BODY_KEPT, MAX_REQUEST_BODY_KEPT, type Exchange, type RecordedRequest } from '../contract-tests/http/exchange.js';
import { mediaType, utf8, type CapturedBody, type TrafficExchange } from './message.js';


/** Authorization without its secret: the scheme word and the whitespace after it as sent (a tab stays a tab), then $VAERO_TOKEN (a value without a scheme: only the placeholder). */
export function redactAuthorization(value: string): string {
  const m = /^(\S+)(\s+)\S/.exec(value);
  return m ? `${m[1]}${m[2]}$VAERO_TOKEN` : '$VAERO_TOKEN';
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out = { ...headers };
  for (const k of ['authorization', 'proxy-authorization', 'cookie']) if (out[k] !== undefined) out[k] = k === 'authorization' ? redactAuthorization(out[k]) : '[redacted]';
  return out;
}

function shown(body: CapturedBody | undefined, cap: number): string {
  if (!body) return '';
  const text = utf8({ ...body, bytes: body.bytes.subarray(0, cap) }) ?? `(${body.length} bytes, not UTF-8 text)`;
  return text;
}

/** The body parsed as JSON, when it is whole and JSON. */
export function jsonOf(body: CapturedBody | undefined): unknown {
  if (!body || body.truncated) return undefined;
  const text = utf8(body);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function toSuiteExchange(ex: TrafficExchange, operationId: OperationId | undefined): Exchange {
  const req = ex.request;
  // A whole body that is not UTF-8 is kept as its bytes (latin1: one character a byte), so its curl sends them.
  const bytes = req.body && !req.body.truncated && req.body.length <= MAX_REQUEST_BODY_KEPT && utf8(req.body) === undefined ? Buffer.from(req.body.bytes).toString('latin1') : undefined;
  const text = bytes ?? shown(req.body, MAX_REQUEST_BODY_KEPT);
  const request: RecordedRequest = {
    method: req.method,
    url: req.url,
    path: req.path,
    headers: redactHeaders(req.headers),
    ...(req.body && req.body.length ? { body: text } : {}),
    ...(bytes !== undefined ? { bodyEncoding: 'latin1' as const } : {}),
    ...(req.body && req.body.length > MAX_REQUEST_BODY_KEPT ? { bodyBytes: req.body.length } : {}),
  };
  const res = ex.response;
  const isJson = res && mediaType(res.headers['content-type']).includes('json');
  const json = isJson ? jsonOf(res.body) : undefined;
  return {
    seq: ex.seq,
    ...(operationId ? { operationId } : {}),
    request,
    // An answer that went on past what was read of it: the suite's rule response.size judges it.
    ...(res ? { response: { status: res.status, headers: redactHeaders(res.headers), body: shown(res.body, MAX_BODY_KEPT), ...(json !== undefined ? { json } : {}), ...(res.body && res.body.length > res.body.bytes.length ? { cutAt: res.body.bytes.length } : {}) } } : {}),
    ...(ex.error ? { error: ex.error } : {}),
    durationMs: ex.durationMs ?? 0,
    curl: toCurl(request),
  };
}
