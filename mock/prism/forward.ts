/**
 * Step 7 of the Prism front: what the front's own checks let through is Prism's to answer.
 * `forward` sends the admitted request to Prism and turns Prism's verdict (its sl-violations,
 * its own failures) into the spec's envelope; `forwardAsked` has Prism answer an error status
 * asked for with a steering header (its example for that status), whatever the client's body.
 */
import { Agent, request, STATUS_CODES } from 'node:http';
import { rule, type Operation } from '../../spec/index.js';
import { errorCodesFor, violation } from '../errors/answer-policy.js';
import { canonicalAuthorization, readBearer } from '../http/bearer.js';
import { asksForError } from '../http/steering-headers.js';
import { rejection, type Answer, type Exchange, type Step } from '../core/exchange.js';
import { askedAnswer } from '../core/steps/steering.js';
import { firstParts, firstQueryValues } from './first-values.js';
import { parseViolationsHeader, translateViolations } from './translate.js';

/** Headers of Prism's answer that are about its body, not about Prism. */
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'retry-after'];

const RULE = { no5xx: rule('request.no-5xx-on-bad-input').id, declared: rule('response.status-declared').id };

/**
 * Prism judges Bearer auth its own way (`/^Bearer\s.+$/`: the scheme word case-sensitive, a tab
 * or `Bearer a b` let through); the gate already judged the header by the spec's pattern, so
 * Prism is sent the token in its canonical spelling.
 */
const prismAuthorization = (header: string): string => {
  const read = readBearer(header);
  return 'token' in read ? canonicalAuthorization(read.token) : header;
};

const unreachable = (e: unknown): Answer => rejection(violation(500, RULE.no5xx, 'internal_error', `The mock's Prism is not reachable: ${(e as Error).message}`));

/**
 * A body the operation accepts, made from the spec: its first request example (JSON), or a
 * form with each required field (a file part for a binary one, else the first allowed value).
 */
function validBodyFor(op: Operation): string | FormData | undefined {
  if (!op.requestMediaTypes.length) return undefined;
  if (op.requestMediaTypes.includes('application/json')) return JSON.stringify(Object.values(op.requestExamples)[0] ?? {});
  const schema = op.requestSchema as { required?: string[]; properties?: Record<string, { enum?: string[]; format?: string; contentMediaType?: string }> };
  const form = new FormData();
  for (const name of schema.required ?? []) {
    const p = schema.properties?.[name] ?? {};
    if (p.format === 'binary' || p.contentMediaType) form.append(name, new Blob(['sample\n'], { type: 'text/plain' }), 'sample.txt');
    else form.append(name, p.enum?.[0] ?? 'x');
  }
  return form;
}

/** Prism's answer, read whole (a JSON document or an error envelope: small). */
interface PrismAnswer {
  status: number;
  header(name: string): string | undefined;
  body: Buffer;
}

/**
 * One request to Prism over the front's keep-alive connections. Node's http client, not fetch:
 * fetch's WHATWG Request, Headers and body streams cost the front about as much per create
 * as the rest of its work together (see the README's Performance section).
 */
function askPrismHttp(agent: Agent, url: string, method: string, headers: Record<string, string>, body: Uint8Array | undefined): Promise<PrismAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method, headers: body ? { ...headers, 'content-length': String(body.byteLength) } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 500, header: (n) => res.headers[n] as string | undefined, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The admitted request, to Prism; `judge`: who decided the schema layer (see FrontOptions.judge). */
export function forward(prismUrl: string, judge: 'spec' | 'prism'): Step {
  // As many connections as the clients keep busy: Prism answers them concurrently.
  const agent = new Agent({ keepAlive: true });
  return async (x) => {
    const { operation: op, path, search, raw } = x.request!;
    const contentType = x.reader.header('content-type');
    // A parameter or part sent twice reaches Prism once, with its first value, as the gate read it.
    const sent = op.requestMediaTypes.length ? (raw ?? new Uint8Array(0)) : undefined;
    const body = sent && contentType?.toLowerCase().startsWith('multipart/form-data') ? firstParts(sent, contentType) : sent;
    const prefer = x.steering!.prefer;
    let answer: PrismAnswer;
    try {
      // GET for a HEAD (Node then sends the headers only). No Accept: Prism then answers in the
      // media type the spec declares, as the real API would.
      answer = await askPrismHttp(agent, prismUrl + path + firstQueryValues(search), op.method.toUpperCase(), {
        authorization: prismAuthorization(x.reader.header('authorization')!),
        ...(body && contentType ? { 'content-type': contentType } : {}),
        // Prism's own preferences (example=, dynamic=true, code=2xx), as read by readSteering.
        ...(prefer ? { prefer } : {}),
      }, body && body.length ? body : undefined);
    } catch (e) {
      return unreachable(e);
    }
    const prismSays = translateViolations(op, parseViolationsHeader(answer.header('sl-violations') ?? null));
    if (prismSays) {
      const a = rejection(prismSays);
      // A rejection only Prism made (the spec module let it through) says so: it is a divergence.
      if (judge === 'spec') a.note = '(Prism only)';
      return a;
    }
    if (answer.status >= 400) {
      // Prism failed on its own (its problem+json envelope): the spec's envelope instead.
      let detail: string | undefined;
      try {
        detail = (JSON.parse(answer.body.toString('utf8')) as { detail?: string }).detail;
      } catch {}
      const status = op.responses.has(answer.status) ? answer.status : 500;
      // The mock's own failure is mock_error at 500; in a declared 4xx, that status's first code (rule error.code).
      const code = status >= 500 ? 'mock_error' : (errorCodesFor(status)[0] ?? 'mock_error');
      return rejection(violation(status, RULE.declared, code, `The mock's Prism answered ${answer.status}: ${detail ?? STATUS_CODES[answer.status] ?? ''}`));
    }
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = answer.header(name);
      if (value) headers[name] = value;
    }
    // Prism's bytes, passed on as they came (no parse, no serialise).
    return { status: answer.status, body: answer.body, headers };
  };
}

/** Prism's answer to `Prefer: code=N` (the spec's example for N), passed on as it is. */
export function forwardAsked(prismUrl: string): Step {
  return (x) => (asksForError(x.steering!) ? askPrism(prismUrl, x) : undefined);
}

async function askPrism(prismUrl: string, x: Exchange): Promise<Answer> {
  const op = x.head!.operation;
  const steering = x.steering as NonNullable<Exchange['steering']> & { status: number };
  let answer: Response;
  try {
    // The status asked for is answered whatever the client's body; Prism answers it only to a
    // request it finds valid, so it is sent one made from the spec instead.
    const body = validBodyFor(op);
    const headers: Record<string, string> = { authorization: prismAuthorization(x.reader.header('authorization')!), prefer: steering.prefer! };
    if (typeof body === 'string') headers['content-type'] = 'application/json'; // a FormData sets its own
    answer = await fetch(prismUrl + x.head!.path + firstQueryValues(x.head!.search), { method: op.method.toUpperCase(), headers, body });
  } catch (e) {
    return unreachable(e);
  }
  const bytes = new Uint8Array(await answer.arrayBuffer());
  if (answer.status !== steering.status) {
    return rejection(violation(500, RULE.declared, 'mock_error', `The mock's Prism answered ${answer.status} to Prefer: ${steering.prefer} (${op.operationId})`));
  }
  return askedAnswer(steering, bytes, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
}
