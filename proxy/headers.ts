/**
 * Headers across the proxy: hop-by-hop headers stay on their hop (RFC 9110 7.6.1), the
 * Host is the upstream's, and CORS is the proxy's own, whatever the upstream sends: the
 * stub's headers (cors/headers.ts) and origin policy (a loopback Origin, or one given with
 * --cors-origins, is echoed with credentials; any other gets `*`).
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { answerCorsHeaders, preflightHeaders } from '../cors/headers.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade', 'host']);

export function forwardedRequestHeaders(h: IncomingHttpHeaders, upstreamHost: string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const listed = new Set(String(h.connection ?? '').toLowerCase().split(',').map((s) => s.trim()));
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k) && !listed.has(k)) out[k] = v;
  out.host = upstreamHost;
  return out;
}

/** The upstream's answer headers without hop-by-hop ones and without its CORS headers (the proxy sets its own). */
export function forwardedResponseHeaders(h: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const listed = new Set(String(h.connection ?? '').toLowerCase().split(',').map((s) => s.trim()));
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !HOP_BY_HOP.has(k) && !listed.has(k) && !k.startsWith('access-control-')) out[k] = v;
  // The upstream's Vary replaces the proxy's (writeHead wins over setHeader): it must still name Origin.
  if (out.vary && !/(^|,)\s*(origin|\*)\s*(,|$)/i.test(String(out.vary))) out.vary = `${String(out.vary)}, Origin`;
  return out;
}

/**
 * Set the proxy's CORS headers for the request's Origin on `res`, before anything answers it
 * (`trusted`: the --cors-origins list); for a preflight, what it allows too.
 */
export function setCors(req: IncomingMessage, res: ServerResponse, trusted: readonly string[]): void {
  const headers = answerCorsHeaders(req.headers.origin, trusted);
  if (req.method === 'OPTIONS') Object.assign(headers, preflightHeaders(req.headers['access-control-request-headers']));
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
}
