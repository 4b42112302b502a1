/**
 * The request core on Node's http (the stub's Express app mounts it, the Prism front listens with it): a request
 * becomes an Exchange, the server's `respond` answers it, and the Answer is written. The API
 * reference (/docs) is served beside the core, and anything a step or the docs page throws is
 * the server's own fault: a 500 in the envelope, never a stack trace.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Violation } from '../errors/answer-policy.js';
import { isDocsPath, serveDocs } from '../docs/index.js';
import { newExchange, rejection, type Answer, type Exchange } from '../core/exchange.js';
import { formatLine } from '../core/log-line.js';
import { render, type Respond } from '../core/respond.js';
import { closeLingering } from './body.js';
import type { RequestLog } from './log.js';
import { nodeReader } from './request-gate.js';
import { newRequestId, REQUEST_ID_HEADER } from './request-id.js';

export interface NodeAdapterOptions {
  respond: Respond;
  /** Where the request's line goes; undefined: no log, and no line is formatted. */
  log: RequestLog | undefined;
  /** The 500 for an error thrown while answering (the server may also report it). */
  internalError(error: unknown, req: IncomingMessage): Violation;
}

/** A request handler for node:http or Express (it never calls `next`). */
export function nodeHandler(options: NodeAdapterOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { respond, log } = options;
  return async (req, res) => {
    const x = newExchange(nodeReader(req), newRequestId(), performance.now());
    // The API reference (mock/docs), outside the base path like the admin endpoints.
    let a: Answer;
    try {
      if (req.method !== 'OPTIONS' && isDocsPath(x.reader.url)) {
        res.setHeader(REQUEST_ID_HEADER, x.requestId);
        if (await serveDocs(req, res)) return void log?.(formatLine({ method: x.reader.method, url: x.reader.url, status: res.statusCode, requestId: x.requestId, rule: null, param: null, notes: undefined }, performance.now() - x.started));
      }
      a = await respond(x);
    } catch (error) {
      if (res.headersSent) return void res.end();
      a = render(x, rejection(options.internalError(error, req)));
    }
    write(req, res, x, a, log);
  };
}

function write(req: IncomingMessage, res: ServerResponse, x: Exchange, a: Answer, log: RequestLog | undefined): void {
  if (a.aborted) return void res.destroy(); // the client went away mid-body
  if (a.close) closeLingering(req, res);
  const payload = a.payload ?? '';
  const headers = a.rendered!;
  headers['content-length'] = String(typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength);
  res.writeHead(a.status, headers);
  res.end(payload); // a HEAD request gets the headers only (Node drops the body)
  if (log) log(formatLine(a.log!, performance.now() - x.started));
}
