/**
 * The request core: `composeRespond(steps, finishers)` makes a server's `respond(exchange) →
 * answer` from the ordered steps it lists, in the manner of Prism's factory (route, validate
 * input, mock or forward, composed from injected parts). Each step either answers or passes
 * the request on; the answer is then rendered once, the same way for every server: content
 * type from the operation's response, the error envelope for a violation, the request id, CORS,
 * and the log record. An adapter (Express, MSW) only builds the Exchange and writes the Answer.
 */
import type { Operation } from '../../spec/index.js';
import { errorBody } from '../errors/answer-policy.js';
import { REQUEST_ID_HEADER } from '../http/request-id.js';
import type { Answer, Exchange, Finisher, Step } from './exchange.js';
import { addCorsHeaders } from './steps/cors.js';

export type Respond = (x: Exchange) => Promise<Answer>;

const JSON_TYPE = 'application/json; charset=utf-8';

export function composeRespond(steps: readonly Step[], finishers: readonly Finisher[] = []): Respond {
  const count = steps.length;
  return async (x) => {
    let answer: Answer | undefined;
    for (let i = 0; i < count && answer === undefined; i++) {
      const r = steps[i]!(x);
      // Only an asynchronous step is awaited: most requests go through without a pause.
      answer = r instanceof Promise ? await r : r;
    }
    if (answer === undefined) throw new Error(`no step answered ${x.reader.method} ${x.reader.url}`);
    if (answer.aborted) return answer;
    render(x, answer);
    for (const f of finishers) f(x, answer);
    return answer;
  };
}

/** Content type, payload, headers and log record of an answer (also for one made outside the steps, e.g. a 500). */
export function render(x: Exchange, a: Answer): Answer {
  const op: Operation | undefined = x.operation;
  const v = a.rejection;
  const headers: Record<string, string> = { [REQUEST_ID_HEADER]: x.requestId };
  if (a.body === null) {
    a.payload = null;
  } else if (a.body instanceof Uint8Array) {
    a.payload = a.body; // passed on as it came, with the content type its step set
  } else {
    const media = op?.responses.get(a.status)?.mediaType;
    const text = typeof a.body === 'string' && media !== undefined && media.startsWith('text/');
    a.payload = text ? (a.body as string) : JSON.stringify(v && a.body === undefined ? errorBody(v) : a.body);
    headers['content-type'] = text ? `${media}; charset=utf-8` : JSON_TYPE;
  }
  addCorsHeaders(x, headers);
  if (a.headers) for (const name in a.headers) headers[name] = a.headers[name]!;
  a.rendered = headers;
  const notes = x.note ? (a.note ? `${x.note} ${a.note}` : x.note) : a.note;
  a.log = { method: x.reader.method, url: x.reader.url, status: a.status, requestId: x.requestId, rule: v ? v.ruleId : null, param: v ? v.param : null, notes };
  return a;
}
