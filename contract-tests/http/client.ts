/**
 * The suite's HTTP client: sends a request to the implementation under test, records
 * the exchange (tokens redacted), keeps to the request budget (--max-requests), waits out
 * a 429 as its Retry-After says, and bounds what a server can cost: each answer is read up
 * to --max-response-bytes, each request ends within --request-timeout, and nothing is sent
 * after the run's --deadline (cleanup gets one more --request-timeout).
 */
import { DEFAULTS } from '../defaults.js';
import { matchOperation } from '../../spec/index.js';
import { systemClock, type Clock } from '../clock.js';
import { readBounded } from './bounded-body.js';
import { toCurl } from './curl.js';
import { Provenance } from './reproduce.js';
import { nodeTransport } from './transport.js';
import { MAX_BODY_KEPT, MAX_REQUEST_BODY_KEPT, type Exchange, type RecordedRequest, type RecordedResponse } from './exchange.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Which credentials a request carries. */
export type Identity = 'a' | 'b' | 'none';

export interface SendOptions {
  method: string;
  /** Path relative to the base URL, e.g. /fine_tuning/jobs/ftjob-1/cancel. */
  path: string;
  /** A list value is the parameter repeated, once per value, in order. */
  query?: Record<string, string | string[]>;
  as?: Identity;
  /** The Authorization value's text before and after the token (default `Bearer ` and nothing; tests a spelling such as the scheme word's case). */
  credentials?: { before: string; after: string };
  /** Extra headers; `null` removes one the client would send (e.g. authorization). */
  headers?: Record<string, string | null>;
  /** A JSON body (sent as application/json unless a content-type header says otherwise). */
  json?: unknown;
  /** A raw text body, sent as is (content type only if a header gives one). */
  raw?: string;
  /** How `raw` becomes bytes: utf8 (default), or latin1 (one byte per character: a body that is not UTF-8). */
  rawEncoding?: 'utf8' | 'latin1';
  /** A field's list value is its part sent once per value, in order. */
  multipart?: { fields: Record<string, string | string[]>; files: { field: string; filename: string; contentType: string; content: Uint8Array }[] };
  /** Cleanup requests may go over the budget: what the run created is removed anyway. */
  exempt?: boolean;
  /** A request the HTTP layer refuses before any operation (headers too large): its answer is no operation's. */
  beforeOperation?: boolean;
  /** Called with each 429 this request met before it is waited out (instead of the client's onRateLimited). */
  onRateLimited?: (ex: Exchange) => void;
}

export class BudgetExhausted extends Error {
  constructor(max: number) {
    super(`the request budget (--max-requests ${max}) is used up`);
    this.name = 'BudgetExhausted';
  }
}

/** The server kept answering 429 until the run's total waiting reached --max-wait. */
export class WaitExhausted extends Error {
  constructor(maxWaitMs: number) {
    super(`the server kept answering 429 (Too Many Requests) past --max-wait ${Math.round(maxWaitMs / 1000)} s of waiting in all`);
    this.name = 'WaitExhausted';
  }
}

/** The run's --deadline came: nothing more is sent (cleanup excepted, for one more --request-timeout). */
export class DeadlineReached extends Error {
  constructor(deadlineMs: number) {
    super(`the run's --deadline (${formatMs(deadlineMs)}) came before this was reached`);
    this.name = 'DeadlineReached';
  }
}

/** 600000 -> "10m", 1500 -> "1.5 s". */
function formatMs(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

/** How many requests in a row may go unanswered before the server is taken for gone. */
export const UNANSWERED_IN_A_ROW = 3;

/**
 * The server stopped answering mid-run: `unanswered` got no answer, and neither did the
 * probes sent after it (UNANSWERED_IN_A_ROW requests in a row in all).
 */
export class ServerGone extends Error {
  constructor(
    readonly unanswered: Exchange,
    readonly lastAnswered: Exchange | undefined,
  ) {
    super(
      `the server stopped answering: request #${unanswered.seq} (${unanswered.request.method} ${unanswered.request.url}) got no answer (${unanswered.error}), nor did the ${UNANSWERED_IN_A_ROW - 1} requests after it` +
        (lastAnswered ? `; the last answered was #${lastAnswered.seq} (${lastAnswered.request.method} ${lastAnswered.request.url}, ${lastAnswered.response?.status})` : ''),
    );
    this.name = 'ServerGone';
  }
}

/** The server could not be reached at all (no HTTP answer). */
export class Unreachable extends Error {
  constructor(url: string, cause: string) {
    super(`cannot reach ${url}: ${cause}`);
    this.name = 'Unreachable';
  }
}

/** The server answers, but not as the API at that base URL with that token (a usage problem, exit 2). */
export class NotTheApi extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotTheApi';
  }
}

export interface ClientOptions {
  baseUrl: string;
  token: string;
  tokenB?: string;
  fetch?: FetchLike;
  maxRequests: number;
  /** Called with every exchange, in order. */
  onExchange?: (e: Exchange) => void;
  /** Per-request timeout (--request-timeout, default 30000 ms): the whole answer, body included, must come within it. */
  timeoutMs?: number;
  /** Longest answer read (--max-response-bytes, default 16 MiB); a longer one is cut there. */
  maxResponseBytes?: number;
  /** The run's time (--deadline, default none): after it nothing is sent but cleanup, which gets one more timeoutMs. */
  deadlineMs?: number;
  /** The clock of timeouts, the deadline and waits (tests: a ManualClock). */
  clock?: Clock;
  /** Longest wait for one Retry-After (a server asking for more is waited this long). */
  maxRetryAfterMs?: number;
  /** Total time the run may spend waiting out 429s (--max-wait); past it, WaitExhausted. */
  maxWaitMs?: number;
  /** Where to ask, after a request got no answer, whether the server is still there (a path under the base URL). */
  livenessPath?: string;
  /** Waits (Retry-After); default: the clock's. */
  sleep?: (ms: number) => Promise<void>;
}


/** Characters a token is made of (RFC 6750 b64token): a token inside a longer run of them is another word. */
const TOKEN_CHAR = 'A-Za-z0-9._~+/=-';

/** A token as a whole word; `=` only ends a token (padding), so `after=<token>` still shows it whole. */
function wholeWord(secret: string): RegExp {
  const quoted = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![${TOKEN_CHAR.replace('=', '')}])${quoted}(?![${TOKEN_CHAR}])`, 'g');
}


function describeError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'no answer before the timeout';
  const cause = e?.cause?.code ?? e?.cause?.message;
  return cause ? `${e.message ?? 'error'} (${cause})` : (e?.message ?? String(err));
}

/** A file's bytes as text, when they are short UTF-8 (so a reproduction can write them with printf). */
function textOf(content: Uint8Array): { text?: string; base64?: string } {
  if (content.byteLength > MAX_BODY_KEPT) return {};
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(content) };
  } catch {
    return { base64: Buffer.from(content).toString('base64') };
  }
}

export class HttpClient {
  readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  private readonly secrets: [RegExp, string][];
  readonly clock: Clock;
  /** When the run's --deadline comes, on the clock (Infinity: none). */
  readonly deadlineAt: number;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  used = 0;
  /** Milliseconds spent waiting out 429s so far. */
  waitedMs = 0;
  /** The last exchange that got an answer. */
  lastAnswered: Exchange | undefined;
  /** Called with each 429 before it is waited out and the request sent again (the runner judges it). */
  onRateLimited?: (ex: Exchange) => void;
  /** Which exchange handed out each id the run made (for reproduction scripts). */
  readonly provenance = new Provenance();
  private seq = 0;

  constructor(private readonly opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = opts.fetch ?? nodeTransport;
    this.clock = opts.clock ?? systemClock;
    this.timeoutMs = opts.timeoutMs ?? DEFAULTS.requestTimeoutMs;
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULTS.maxResponseBytes;
    this.deadlineAt = opts.deadlineMs === undefined ? Infinity : this.clock.now() + opts.deadlineMs;
    // Longest first, so a token that contains the other is replaced whole.
    this.secrets = (
      [
        [opts.token, '$VAERO_TOKEN'],
        [opts.tokenB ?? '', '$VAERO_TOKEN_B'],
      ] as [string, string][]
    )
      .filter(([t]) => t.length > 0)
      .sort((x, y) => y[0].length - x[0].length)
      .map(([t, name]) => [wholeWord(t), name]);
  }

  /** Milliseconds left before the deadline (cleanup: before the deadline plus one request timeout). */
  timeLeft(exempt = false): number {
    return this.deadlineAt + (exempt ? this.timeoutMs : 0) - this.clock.now();
  }

  private deadlineError(): DeadlineReached {
    return new DeadlineReached(this.opts.deadlineMs ?? 0);
  }

  get maxRequests(): number {
    return this.opts.maxRequests;
  }

  get hasTokenB(): boolean {
    return Boolean(this.opts.tokenB);
  }

  /** Replace every token, as a whole word, by the name of its environment variable. */
  redact(text: string): string {
    let out = text;
    for (const [secret, name] of this.secrets) out = out.replace(secret, () => name);
    return out;
  }

  /** A deep copy with every string redacted (for what goes into a report). */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T;
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redact(k), this.redactDeep(v)])) as T;
    return value;
  }

  get maxWaitMs(): number {
    return this.opts.maxWaitMs ?? 120_000;
  }

  /**
   * Send a request and return what came back. A 429 is waited out as its Retry-After says
   * and the request sent again, until the run's waiting reaches --max-wait (WaitExhausted).
   * A request that gets no answer is followed by up to two probes: no answer to those either
   * (three in a row), and the server is gone (ServerGone), so no later check is judged on silence.
   */
  async send(o: SendOptions): Promise<Exchange> {
    for (;;) {
      const ex = await this.sendOnce(o);
      if (!ex.response) {
        if (!(await this.stillThere(o.exempt))) throw new ServerGone(ex, this.lastAnswered);
        return ex;
      }
      this.lastAnswered = ex;
      if (ex.response.status !== 429) return ex;
      // The 429 itself is an answer too: the runner judges it (its Retry-After, its body) before it is waited out.
      (o.onRateLimited ?? this.onRateLimited)?.(ex);
      await this.waitRetryAfter(ex.response.headers['retry-after']);
    }
  }

  /** After a request got no answer: does any of the next probes (liveness path) get one? */
  private async stillThere(exempt = false): Promise<boolean> {
    for (let i = 1; i < UNANSWERED_IN_A_ROW; i++) {
      // The deadline coming mid-probe is no sign of the server (DeadlineReached goes up).
      const probe = await this.within(exempt, async (signal) => {
        const res = await this.fetchImpl(this.baseUrl + (this.opts.livenessPath ?? '/'), { method: 'GET', headers: {}, redirect: 'manual', signal });
        await readBounded(res.body, this.maxResponseBytes);
      });
      if (probe.ok) return true;
    }
    return false;
  }

  /**
   * Run `work` with a signal that aborts at --request-timeout, or at the deadline when that
   * comes first (then DeadlineReached). Resolves `{ ok: false, timedOut }` when it failed.
   */
  private async within<T>(exempt: boolean | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown; timedOut: boolean }> {
    const left = this.timeLeft(exempt);
    if (left <= 0) throw this.deadlineError();
    const limit = Math.min(this.timeoutMs, left);
    const byDeadline = limit < this.timeoutMs;
    const abort = new AbortController();
    const settled = new AbortController();
    let timedOut = false;
    void this.clock.sleep(limit, settled.signal).then(() => {
      if (settled.signal.aborted) return;
      timedOut = true;
      abort.abort(new DOMException('no answer before the timeout', 'TimeoutError'));
    });
    try {
      return { ok: true, value: await work(abort.signal) };
    } catch (error) {
      if (timedOut && byDeadline) throw this.deadlineError();
      return { ok: false, error, timedOut };
    } finally {
      settled.abort();
    }
  }

  private async waitRetryAfter(value: string | undefined): Promise<void> {
    const max = this.opts.maxRetryAfterMs ?? 60_000;
    let ms = 1000;
    if (value && /^\d+$/.test(value.trim())) ms = Number(value.trim()) * 1000;
    else if (value && !Number.isNaN(Date.parse(value))) ms = Date.parse(value) - Date.now();
    ms = Math.min(Math.max(ms, 0), max);
    // Never wait past --max-wait: stop as soon as the next wait would cross it.
    if (this.waitedMs + ms > this.maxWaitMs) {
      await this.sleep(Math.max(0, this.maxWaitMs - this.waitedMs));
      this.waitedMs = this.maxWaitMs;
      throw new WaitExhausted(this.maxWaitMs);
    }
    this.waitedMs += ms;
    await this.sleep(ms);
  }

  /** A wait on the run's clock that never goes past the deadline. */
  private sleep(ms: number): Promise<void> {
    const capped = Math.max(0, Math.min(ms, this.timeLeft()));
    return this.opts.sleep ? this.opts.sleep(capped) : this.clock.sleep(capped);
  }

  private async sendOnce(o: SendOptions): Promise<Exchange> {
    if (!o.exempt && this.used >= this.opts.maxRequests) throw new BudgetExhausted(this.opts.maxRequests);
    if (this.timeLeft(o.exempt) <= 0) throw this.deadlineError();
    this.used++;
    const seq = ++this.seq;
    const qs = o.query && Object.keys(o.query).length ? '?' + new URLSearchParams(Object.entries(o.query).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : v.map((one) => [k, one])))).toString() : '';
    const url = this.baseUrl + o.path + qs;

    const headers: Record<string, string> = {};
    const as = o.as ?? 'a';
    const { before, after } = o.credentials ?? { before: 'Bearer ', after: '' };
    if (as === 'a') headers.authorization = before + this.opts.token + after;
    if (as === 'b' && this.opts.tokenB) headers.authorization = before + this.opts.tokenB + after;
    let body: BodyInit | undefined;
    let recordedBody: string | undefined;
    let multipart: RecordedRequest['multipart'];
    if (o.json !== undefined) {
      headers['content-type'] = 'application/json';
      recordedBody = JSON.stringify(o.json);
      body = Buffer.from(recordedBody, 'utf8');
    } else if (o.raw !== undefined) {
      recordedBody = o.raw;
      // Bytes, so fetch adds no content type of its own.
      body = Buffer.from(o.raw, o.rawEncoding ?? 'utf8');
    } else if (o.multipart) {
      const form = new FormData();
      for (const [k, v] of Object.entries(o.multipart.fields)) for (const one of typeof v === 'string' ? [v] : v) form.append(k, one);
      for (const f of o.multipart.files) form.append(f.field, new Blob([new Uint8Array(f.content)], { type: f.contentType }), f.filename);
      body = form;
      multipart = {
        fields: { ...o.multipart.fields },
        files: o.multipart.files.map((f) => ({ field: f.field, filename: f.filename, contentType: f.contentType, bytes: f.content.byteLength, ...textOf(f.content) })),
      };
    }
    for (const [k, v] of Object.entries(o.headers ?? {})) {
      if (v === null) delete headers[k.toLowerCase()];
      else headers[k.toLowerCase()] = v;
    }

    const request: RecordedRequest = {
      ...(recordedBody !== undefined && recordedBody.length > MAX_REQUEST_BODY_KEPT ? { bodyBytes: Buffer.byteLength(recordedBody) } : {}),
      method: o.method.toUpperCase(),
      url: this.redact(url),
      path: o.path,
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, this.redact(v)])),
      ...(recordedBody !== undefined ? { body: this.redact(recordedBody.length > MAX_REQUEST_BODY_KEPT ? recordedBody.slice(0, MAX_REQUEST_BODY_KEPT) : recordedBody) } : {}),
      ...(multipart ? { multipart } : {}),
      ...(recordedBody !== undefined && o.raw !== undefined && o.rawEncoding === 'latin1' ? { bodyEncoding: 'latin1' as const } : {}),
    };
    const operationId = o.beforeOperation ? undefined : matchOperation(o.method, o.path)?.operation.operationId;
    const started = performance.now();
    let response: RecordedResponse | undefined;
    let error: string | undefined;
    // The whole answer, body included, comes within the timeout or counts as no answer.
    const got = await this.within(o.exempt, async (signal) => {
      const res = await this.fetchImpl(url, { method: request.method, headers, body, redirect: 'manual', signal });
      return { res, read: await readBounded(res.body, this.maxResponseBytes) };
    });
    if (got.ok) {
      const { res, read } = got.value;
      // A cut body is not parsed: only what is kept of it is decoded.
      const text = read.truncated ? '' : read.bytes.toString('utf8');
      const resHeaders: Record<string, string> = {};
      // The answer is kept as sent, to be judged; the runner redacts what goes into a report.
      res.headers.forEach((v, k) => (resHeaders[k] = v));
      let json: unknown;
      // A body cut at the cap is not the JSON the server meant: it is judged without it.
      if (!read.truncated && /\bjson\b/i.test(resHeaders['content-type'] ?? '')) {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
      }
      // Decoded from the bytes, not sliced from the text: a slice would keep the whole text alive.
      const kept = read.bytes.length > MAX_BODY_KEPT ? read.bytes.subarray(0, MAX_BODY_KEPT).toString('utf8') + '…' : read.truncated ? read.bytes.toString('utf8') : text;
      response = { status: res.status, headers: resHeaders, body: kept, ...(json !== undefined ? { json } : {}), ...(read.truncated ? { cutAt: this.maxResponseBytes } : {}) };
    } else {
      const why = got.timedOut ? `no answer within --request-timeout ${formatMs(this.timeoutMs)}` : describeError(got.error);
      // Only the very first request: after it, silence is the server gone (probes reset `used`).
      if (seq === 1) throw new Unreachable(this.redact(this.baseUrl), why);
      error = why;
    }
    const ex: Exchange = {
      seq,
      ...(operationId ? { operationId } : {}),
      request,
      ...(response ? { response } : {}),
      ...(error ? { error } : {}),
      durationMs: Math.round(performance.now() - started),
      curl: toCurl(request),
    };
    this.provenance.record(ex);
    this.opts.onExchange?.(ex);
    return ex;
  }
}
