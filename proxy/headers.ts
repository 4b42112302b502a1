/**
 * Headers across the proxy: hop-by-hop headers stay on their hop (RFC 9110 7.6.1), the
 * Host is the upstream's, and CORS is the proxy's own, as the stub answers it (the `cors`
 * package with the same options, and the same origin policy: a loopback Origin is echoed with
 * credentials, any other gets `*`), whatever the upstream sends.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import cors from 'cors';
import { originHeaders } from '../cors/origin-policy.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'upgrade', 'host']);

/** Response headers a browser app on another origin may read: the stub's (Retry-After, X-Request-Id). */
export const EXPOSED_HEADERS = ['Retry-After', 'X-Request-Id'];

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
  return out;
}

const withCors = cors({ preflightContinue: true, maxAge: 600, exposedHeaders: EXPOSED_HEADERS });

/** Set the proxy's CORS headers on an answer (for a preflight too: the caller answers it). */
export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  withCors(req as Parameters<typeof withCors>[0], res as Parameters<typeof withCors>[1], () => {});
  for (const [k, v] of Object.entries(originHeaders(req.headers.origin))) res.setHeader(k, v);
}
