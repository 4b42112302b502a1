/**
 * Requests Node's HTTP parser rejects never reach the app (both Transfer-Encoding: chunked
 * and Content-Length, as a proxy may send a streamed upload; a malformed header line;
 * headers too large). Left alone, Node writes a bare `400 Bad Request`: no body, no CORS,
 * so a browser app sees a network error. Both servers listen with this on 'clientError':
 * where the socket can still be written, the answer is the contract's error envelope with
 * CORS and a request id, then the connection closes (the parser cannot go on with it).
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { rule } from '../../spec/index.js';
import { errorBody, violation, type Violation } from '../errors/answer-policy.js';
import { addCorsHeaders } from '../core/steps/cors.js';
import { newRequestId, REQUEST_ID_HEADER } from './request-id.js';

type ParserError = Error & { code?: string; reason?: string };

/** What a parser rejection is answered: 431 for headers too large, 408 for a request that timed out, else 400. */
export function parserViolation(err: ParserError): Violation {
  const why = err.reason ?? err.message;
  if (err.code === 'HPE_HEADER_OVERFLOW') return violation(431, rule('request.no-5xx-on-bad-input').id, 'headers_too_large', `The request's headers are too large (${why})`);
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return violation(408, rule('request.timeout').id, 'request_timeout', 'The request did not arrive in time');
  return violation(400, rule('request.no-5xx-on-bad-input').id, 'malformed_request', `The request is not valid HTTP/1.1: ${why}`);
}

/** The raw HTTP answer for a parser rejection: envelope, CORS, request id, Connection: close. */
export function parserAnswer(v: Violation, requestId: string): string {
  const body = JSON.stringify(errorBody(v));
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    [REQUEST_ID_HEADER]: requestId,
    Connection: 'close',
  };
  addCorsHeaders(undefined, headers);
  return [`HTTP/1.1 ${v.status} ${STATUS_CODES[v.status] ?? 'Bad Request'}`, ...Object.entries(headers).map(([k, value]) => `${k}: ${value}`), '', body].join('\r\n');
}

/** A 'clientError' listener that answers in the envelope and logs one line (`- - <status> <id> ...`). */
export function clientErrorListener(log?: (line: string) => void): (err: ParserError, socket: Duplex) => void {
  return (err, socket) => {
    // A client that reset the connection, or a socket already answered: nothing can be written.
    if (err.code === 'ECONNRESET' || !socket.writable || (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      return void socket.destroy();
    }
    const v = parserViolation(err);
    const id = newRequestId();
    socket.end(parserAnswer(v, id));
    log?.(`- - ${v.status} ${id} rule=${v.ruleId} parser rejected the request: ${err.code ?? 'error'} (${err.reason ?? err.message})`);
  };
}
