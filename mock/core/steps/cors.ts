/**
 * CORS, for browser apps on another origin (a dev server on :5173 calling the stub on :8080):
 * every answer may be read by any origin, with credentials by a loopback origin or one the
 * server was given (--cors-origins; the policy is cors/origin-policy.ts), and may show its
 * Retry-After and request id; a preflight (OPTIONS) is answered 204 with what the browser asked
 * to send. The one place every server (stub, Prism front, MSW handlers) takes its CORS headers from.
 */
import { answerCorsHeaders, preflightHeaders } from '../../../cors/headers.js';
import type { Answer, Exchange, Step } from '../exchange.js';

/**
 * Adds the CORS headers every answer carries to `headers`: those the cors step chose for the
 * request's Origin, or, for an answer made before it ran, loopback origins only (`x` undefined:
 * an answer to a request Node's parser refused, unread: `*`).
 */
export function addCorsHeaders(x: Exchange | undefined, headers: Record<string, string>): void {
  Object.assign(headers, x?.cors ?? answerCorsHeaders(x?.reader.header('origin')));
}

/** A preflight (OPTIONS, on any path): 204 allowing the methods and the headers asked for. */
export const preflight: Step = (x): Answer | undefined => {
  if (x.reader.method !== 'OPTIONS') return undefined;
  return { status: 204, body: null, headers: preflightHeaders(x.reader.header('access-control-request-headers')) };
};

/**
 * The CORS step a server lists first: it decides the request's CORS headers once (a loopback
 * Origin, or one of `trusted`, is echoed with credentials; any other gets `*`), then answers a
 * preflight.
 */
export function cors(trusted: readonly string[] = []): Step {
  return (x) => {
    x.cors = answerCorsHeaders(x.reader.header('origin'), trusted);
    return preflight(x);
  };
}
