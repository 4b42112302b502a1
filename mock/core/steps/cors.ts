/**
 * CORS, for browser apps on another origin (a dev server on :5173 calling the stub on :8080):
 * every answer may be read by any origin, and may show its Retry-After and request id; a
 * preflight (OPTIONS) is answered 204 with what the browser asked to send. The one place
 * every server (stub, Prism front, MSW handlers) takes its CORS headers from.
 */
import { EXPOSED_HEADERS } from '../../http/request-id.js';
import type { Answer, Exchange, Step } from '../exchange.js';

const EXPOSED = EXPOSED_HEADERS.join(',');
const ALLOWED_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
/** How long a browser may cache a preflight's answer, in seconds. */
const MAX_AGE = '600';

/** Adds the CORS headers every answer carries to `headers` (`x` undefined: an answer to a request Node's parser refused, unread). */
export function addCorsHeaders(_x: Exchange | undefined, headers: Record<string, string>): void {
  headers['access-control-allow-origin'] = '*';
  headers['access-control-expose-headers'] = EXPOSED;
}

/** A preflight (OPTIONS, on any path): 204 allowing the methods and the headers asked for. */
export const preflight: Step = (x): Answer | undefined => {
  if (x.reader.method !== 'OPTIONS') return undefined;
  const asked = x.reader.header('access-control-request-headers');
  const headers: Record<string, string> = { 'access-control-allow-methods': ALLOWED_METHODS, 'access-control-max-age': MAX_AGE };
  if (asked) {
    headers['access-control-allow-headers'] = asked;
    headers.vary = 'Access-Control-Request-Headers';
  }
  return { status: 204, body: null, headers };
};
