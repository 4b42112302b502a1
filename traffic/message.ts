/**
 * One exchange of traffic as the judge sees it, whoever captured it (the proxy, a HAR
 * file, a test's response object), and what judging it finds. Bodies are bytes as
 * captured: possibly cut at a cap (the full length is kept), or not known at all (a HAR
 * entry without its body), in which case what needs them is "not judged", never passed.
 */
export type Side = 'client' | 'server';

export interface CapturedBody {
  /** The bytes captured (at most the capture's cap). */
  bytes: Uint8Array;
  /** The body's full length in bytes (more than bytes.length when cut). */
  length: number;
  /** Whether bytes stop before the end of the body. */
  truncated: boolean;
}

export interface TrafficRequest {
  /** Upper case, as sent. */
  method: string;
  /** Path relative to the base URL (e.g. /fine_tuning/jobs/ftjob-1), without the query string. */
  path: string;
  /** The query string's pairs, in order. */
  query: [string, string][];
  /** The full URL, for people. */
  url: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** undefined: the body is not known (a HAR entry without it). */
  body?: CapturedBody;
  /** The credentials were left out of the record (a HAR saved without them): auth is not judged. */
  credentialsUnknown?: boolean;
  /** Only method and URL are known (a test's fetch Response): nothing of the headers is judged. */
  headersUnknown?: boolean;
}

export interface TrafficResponse {
  status: number;
  headers: Record<string, string>;
  /** undefined: the body is not known. */
  body?: CapturedBody;
}

export interface TrafficExchange {
  /** 1-based, in the order the exchanges were seen. */
  seq: number;
  request: TrafficRequest;
  response?: TrafficResponse;
  /** Set when no answer came (refused, reset, timed out). */
  error?: string;
  durationMs?: number;
  /**
   * What the client received instead of `response`, when it differs: `vaero proxy --strict`
   * replaced an answer that broke the contract with its 502. `response` is what is judged.
   */
  delivered?: TrafficResponse;
}

/** One rule broken by one side of one exchange. */
export interface Finding {
  side: Side;
  ruleId: string;
  /** The field, query parameter or header at fault, as the contract's `param` names it (null: the request as a whole). */
  param?: string | null;
  /** Where in the body (JSON pointer), for a schema violation. */
  instancePath?: string;
  message: string;
  declared?: unknown;
  received?: unknown;
}

/** Part of a rule that could not be judged on an exchange, and why. */
export interface NotJudgedNote {
  ruleId: string;
  reason: string;
}

/** What judging (one side of) an exchange found: broken rules, rules an assertion held on, rules left unjudged. */
export interface Verdict {
  findings: Finding[];
  held: string[];
  notJudged: NotJudgedNote[];
}

export const emptyVerdict = (): Verdict => ({ findings: [], held: [], notJudged: [] });

export function merge(into: Verdict, more: Verdict): Verdict {
  into.findings.push(...more.findings);
  into.held.push(...more.held);
  into.notJudged.push(...more.notJudged);
  return into;
}

export function captured(bytes: Uint8Array, length = bytes.length): CapturedBody {
  return { bytes, length, truncated: length > bytes.length };
}

/** A body's captured bytes as UTF-8 text (undefined when not valid UTF-8). */
export function utf8(body: CapturedBody): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body.bytes);
  } catch {
    return undefined;
  }
}

/** The media type of a Content-Type value, lower case, without parameters. */
export function mediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Header names in lower case, values joined as HTTP joins repeated headers. */
export function lowerHeaders(headers: Record<string, string | string[] | number | undefined> | Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Symbol.iterator in headers ? [...(headers as Iterable<[string, string]>)] : Object.entries(headers);
  for (const [k, v] of entries) {
    if (v === undefined) continue;
    const key = k.toLowerCase();
    const value = Array.isArray(v) ? v.join(key === 'set-cookie' ? '\n' : ', ') : String(v);
    out[key] = out[key] !== undefined ? `${out[key]}, ${value}` : value;
  }
  return out;
}

/**
 * A request from its parts: `target` is the path relative to the base URL with its query
 * string (/fine_tuning/jobs?limit=2); `url` the full URL when known.
 */
export function trafficRequest(o: { method: string; target: string; headers: Record<string, string | string[] | undefined>; body?: Uint8Array | CapturedBody; url?: string; credentialsUnknown?: boolean }): TrafficRequest {
  const at = o.target.indexOf('?');
  const path = at < 0 ? o.target : o.target.slice(0, at);
  const search = at < 0 ? '' : o.target.slice(at + 1);
  const body = o.body === undefined ? undefined : o.body instanceof Uint8Array ? captured(o.body) : o.body;
  return {
    method: o.method.toUpperCase(),
    path,
    query: [...new URLSearchParams(search)],
    url: o.url ?? o.target,
    headers: lowerHeaders(o.headers),
    ...(body ? { body } : {}),
    ...(o.credentialsUnknown ? { credentialsUnknown: true } : {}),
  };
}
