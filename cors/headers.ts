/**
 * The CORS headers every server we ship answers with (the stub, the mock's front, the MSW
 * handlers and `vaero proxy`): who may read the answer (origin-policy.ts), which of its
 * headers a page may read, and what a preflight allows. One module, so the proxy answers a
 * browser exactly as the stub it may stand in front of.
 */
import { originHeaders } from './origin-policy.js';

/** Response headers a browser app on another origin may read: Retry-After and the request id. */
export const EXPOSED_HEADERS = ['Retry-After', 'X-Request-Id'];
const EXPOSED = EXPOSED_HEADERS.join(',');
const ALLOWED_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
/** How long a browser may cache a preflight's answer, in seconds. */
const MAX_AGE = '600';

/** The CORS headers of any answer to a request from `origin` (`trusted`: the --cors-origins list). */
export function answerCorsHeaders(origin: string | undefined, trusted: readonly string[] = []): Record<string, string> {
  return { ...originHeaders(origin, trusted), 'access-control-expose-headers': EXPOSED };
}

/**
 * What a preflight (OPTIONS) adds to them: the methods, the headers the browser asked to send
 * (Access-Control-Request-Headers), and how long it may keep the answer.
 */
export function preflightHeaders(askedHeaders: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'access-control-allow-methods': ALLOWED_METHODS, 'access-control-max-age': MAX_AGE };
  if (askedHeaders) {
    headers['access-control-allow-headers'] = askedHeaders;
    headers.vary = 'Origin, Access-Control-Request-Headers'; // replaces the Vary: Origin every answer has
  }
  return headers;
}
