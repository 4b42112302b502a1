/**
 * CORS, for browser apps on another origin (a dev server on :5173 calling the stub on :8080):
 * every answer may be read by any origin, with credentials by a loopback origin or one the
 * server was given (--cors-origins; the policy is cors/origin-policy.ts), and may show its
 * Retry-After and request id; a preflight (OPTIONS) is answered 204 with what the browser asked
 * to send. The one place every server (stub, Prism front, MSW handlers) takes its CORS headers from.
 */
import { originHeaders } from '../../../cors/origin-policy.js';
import { EXPOSED_HEADERS } from '../../http/request-id.js';
import type { Answer, Exchange, Step } from '../exchange.js';

const EXPOSED = EXPOSED_HEADERS.join(',');
const ALLOWED_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
/** How long a browser may cache a preflight's answer, in seconds. */
const MAX_AGE = '600';

/**
 * Adds the CORS headers every answer carries to `headers`: those the cors step chose for the
 * request's Origin, or, for an answer made before it ran, loopback origins only (`x` undefined:
 * an answer to a request Node's parser refused, unread: `*`).
 */
export function addCorsHeaders(x: Exchange | undefined, headers: Record<string, string>): void {
  Object.assign(headers, x?.cors ?? originHeaders(x?.reader.header('origin')));
  headers['access-control-expose-headers'] = EXPOSED;
}

/** A preflight (OPTIONS, on any path): 204 allowing the methods and the headers asked for. */
export const preflight: Step = (x): Answer | undefined => {
  if (x.reader.method !== 'OPTIONS') return undefined;
  const asked = x.reader.header('access-control-request-headers');
  const headers: Record<string, string> = { 'access-control-allow-methods': ALLOWED_METHODS, 'access-control-max-age': MAX_AGE };
  if (asked) {
    headers['access-control-allow-headers'] = asked;
    headers.vary = 'Origin, Access-Control-Request-Headers'; // replaces the Vary: Origin every answer has
  }
  return { status: 204, body: null, headers };
};

/**
 * The CORS step a server lists first: it decides the request's CORS headers once (a loopback
 * Origin, or one of `trusted`, is echoed with credentials; any other gets `*`), then answers a
 * preflight.
 */
export function cors(trusted: readonly string[] = []): Step {
  return (x) => {
    x.cors = originHeaders(x.reader.header('origin'), trusted);
    return preflight(x);
  };
}
