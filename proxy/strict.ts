/**
 * `--strict`: nothing goes on unjudged. The request is buffered (up to the cap) and judged
 * first: one that breaks the contract (a rule of severity error at the proxy's level) gets
 * the contract's own error answer and never reaches the upstream. The answer is buffered
 * and judged too: one that breaks the contract is replaced by a 502 that says which rules
 * and why (header Vaero-Proxy-Violations lists them): the report judges the upstream's answer
 * and says the client got the 502; the record (--record) holds the 502, the upstream's answer
 * beside it. An answer longer than its cap (--max-response-bytes) is passed on as it is,
 * judged as far as it was kept (response.size).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { contractError } from '../traffic/contract-error.js';
import { lowerHeaders, trafficRequest, type TrafficResponse } from '../traffic/message.js';
import { judgeRequest } from '../traffic/request-judge.js';
import { judgeResponse } from '../traffic/response-judge.js';
import { toSuiteExchange } from '../traffic/suite-exchange.js';
import { proxyError, sendJson } from './answer.js';
import { BoundedCopy } from './capture.js';
import type { Exchanging } from './exchanging.js';
import { answerOf } from './upstream.js';
import { forwardedResponseHeaders } from './headers.js';

export const VIOLATIONS_HEADER = 'vaero-proxy-violations';

async function readAll(stream: IncomingMessage, copy: BoundedCopy): Promise<void> {
  for await (const chunk of stream) copy.push(chunk as Buffer);
}

export async function strict(req: IncomingMessage, res: ServerResponse, x: Exchanging, url: string): Promise<void> {
  const reqCopy = new BoundedCopy(x.cap);
  await readAll(req, reqCopy);
  const body = reqCopy.body();
  const judged = await judgeRequest(trafficRequest({ method: req.method ?? 'GET', target: x.target, headers: req.headers, body, url }));
  // Stopped when it breaks a rule that counts at the level; answered as the contract answers it: by the first rule it breaks.
  const first = judged.violations.some((v) => x.session.isError(v.ruleId)) ? judged.violations[0] : undefined;
  if (first || reqCopy.full) {
    // Over the cap but within every limit: the proxy cannot forward what it did not keep.
    const answer = first ? contractError(first, judged.operation) : { status: 413, body: proxyError(`a body over --max-body-bytes (${x.cap}) cannot be judged in --strict mode`, 'proxy_body_too_large') };
    const sent = sendJson(req, res, answer.status, answer.body);
    return x.conclude(body, { response: sentResponse(answer.status, sent), judged, serverAnswered: false });
  }

  const up = x.upstream.request(req, x.target);
  up.end(reqCopy.buffer());
  let answer: IncomingMessage;
  try {
    answer = await answerOf(up);
  } catch (err) {
    sendJson(req, res, 502, proxyError(`no answer from the upstream ${x.upstream.base.href}: ${(err as Error).message}`, 'upstream_unreachable'));
    return x.conclude(body, { error: (err as Error).message, judged });
  }
  const resCopy = new BoundedCopy(x.responseCap);
  const chunks: Buffer[] = [];
  // Leaving a plain for-await destroys the answer: stopped at the cap, it must stay open for the rest to be piped on.
  for await (const chunk of answer.iterator({ destroyOnReturn: false })) {
    chunks.push(chunk as Buffer);
    resCopy.push(chunk as Buffer);
    if (resCopy.full) break;
  }
  const response: TrafficResponse = { status: answer.statusCode ?? 0, headers: lowerHeaders(answer.headers), body: resCopy.body() };
  if (resCopy.full) {
    // Too long to hold: passed on as it is (what was read, the chunk that crossed the cap included, then the rest), judged as far as it was kept.
    res.writeHead(response.status, forwardedResponseHeaders(answer.headers));
    for (const c of chunks) res.write(c);
    answer.pipe(res);
    return x.conclude(body, { response, judged });
  }
  const ex = { seq: 0, request: trafficRequest({ method: req.method ?? 'GET', target: x.target, headers: req.headers, body, url }), response };
  const broken = judgeResponse(ex, toSuiteExchange(ex, judged.operation?.operationId), judged, { stateful: x.session.o.stateful }).findings.filter((f) => x.session.isError(f.ruleId));
  if (broken.length) {
    const ids = [...new Set(broken.map((f) => f.ruleId))];
    const why = broken.map((f) => `${f.ruleId}${f.instancePath ? ` at ${f.instancePath}` : ''}: ${f.message}`).join('; ');
    const sent = sendJson(req, res, 502, proxyError(`the upstream's ${response.status} answer breaks the contract (${why})`, 'contract_violation'), { [VIOLATIONS_HEADER]: ids.join(', ') });
    // The report judges what the upstream answered (with the rules across exchanges) and says the client got the 502; the record holds the 502.
    return x.conclude(body, { response, judged, delivered: sentResponse(502, sent) });
  }
  res.writeHead(response.status, forwardedResponseHeaders(answer.headers)).end(Buffer.concat(chunks));
  x.conclude(body, { response, judged });
}

/** An answer the proxy sent itself, as the judge and the record take it. */
function sentResponse(status: number, sent: { headers: Record<string, string>; bytes: Buffer }): TrafficResponse {
  return { status, headers: sent.headers, body: { bytes: new Uint8Array(sent.bytes), length: sent.bytes.length, truncated: false } };
}
