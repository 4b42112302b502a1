/**
 * Answers the proxy gives itself (a strict rejection, a replaced answer, an unreachable
 * upstream), in the contract's error envelope (CORS already set by the server: headers.ts)
 * and the request's X-Request-Id passed back (a new one when it sent none).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorBody } from '../spec/index.js';

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && given ? given : 'req_' + randomUUID().replace(/-/g, '');
}

/** Send a JSON answer; returns its headers and the body bytes sent (none to a HEAD), for the record. */
export function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): { headers: Record<string, string>; bytes: Buffer } {
  const bytes = Buffer.from(JSON.stringify(body));
  const headers = { 'content-type': 'application/json', 'content-length': String(bytes.length), 'x-request-id': requestIdOf(req), ...extra };
  const sent = req.method === 'HEAD' ? Buffer.alloc(0) : bytes;
  res.writeHead(status, headers).end(sent);
  return { headers, bytes: sent };
}

/** The proxy's own error (not the contract's: the status says the proxy answered). */
export function proxyError(message: string, code: string): ErrorBody {
  return { error: { message: `vaero proxy: ${message}`, type: 'server_error', param: null, code } as unknown as ErrorBody['error'] };
}
