/**
 * The default mode: bytes go on as they come, both ways (the upstream's answer streamed to
 * the client), and the judge gets a bounded copy of each body once the exchange is over.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CapturedBody, TrafficResponse } from '../traffic/message.js';
import { lowerHeaders } from '../traffic/message.js';
import { proxyError, sendJson } from './answer.js';
import { BoundedCopy } from './capture.js';
import { forwardedResponseHeaders } from './headers.js';
import type { Exchanging } from './exchanging.js';

export function passThrough(req: IncomingMessage, res: ServerResponse, x: Exchanging): void {
  const reqCopy = new BoundedCopy(x.cap);
  const up = x.upstream.request(req, x.target);
  req.on('data', (c: Buffer) => reqCopy.push(c));
  req.pipe(up);
  let done = false;
  const finish = (response: TrafficResponse | undefined, error?: string) => {
    if (done) return;
    done = true;
    x.conclude(reqCopy.body(), { ...(response ? { response } : {}), ...(error ? { error } : {}) });
  };
  up.on('response', (answer) => {
    const copy = new BoundedCopy(x.responseCap);
    res.writeHead(answer.statusCode ?? 502, forwardedResponseHeaders(answer.headers));
    answer.on('data', (c: Buffer) => copy.push(c));
    answer.pipe(res);
    // The client went away mid-answer: stop reading the upstream's.
    res.on('close', () => {
      if (!res.writableFinished) answer.destroy();
    });
    const response = (body: CapturedBody): TrafficResponse => ({ status: answer.statusCode ?? 0, headers: lowerHeaders(answer.headers), body });
    answer.on('end', () => finish(response(copy.body())));
    // Closed before its end (the client left): judged as far as it came, its body as cut.
    answer.on('close', () => finish(response({ ...copy.body(), truncated: true })));
    answer.on('error', (err) => {
      res.destroy();
      finish(undefined, `the upstream's answer broke off: ${err.message}`);
    });
  });
  up.on('error', (err) => {
    if (!res.headersSent) sendJson(req, res, 502, proxyError(`no answer from the upstream ${x.upstream.base.href}: ${err.message}`, 'upstream_unreachable'));
    else res.destroy();
    finish(undefined, err.message);
  });
  req.on('aborted', () => up.destroy());
}
