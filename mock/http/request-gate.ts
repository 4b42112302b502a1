/**
 * The request gate on Node's IncomingMessage (the stub and the Prism mock's front): the
 * shared pipeline of gate-pipeline.ts (steps 1-6 of the spec's order of checks), reading the
 * request with Node's streams: the body under its limit (body.ts, drained before a 413) and
 * multipart through busboy (multipart.ts). fetch-gate.ts runs the same pipeline on a Fetch
 * Request (the MSW handlers).
 *
 * The servers run the two halves as steps of the request core (mock/core/steps: route, then
 * input), with their own steps between them; `admit` runs both at once.
 */
import type { IncomingMessage } from 'node:http';
import { declaredLength, drain, readBody } from './body.js';
import { checkBodyWith, checkHeadWith, type AdmittedRequest, type Aborted, type GateOptions, type Rejected, type RequestReader } from './gate-pipeline.js';
import { readMultipart } from './multipart.js';

export { authViolation } from './gate-pipeline.js';
export type { AdmittedRequest, Aborted, FilePart, GateOptions, Rejected, RequestHead, RequestReader } from './gate-pipeline.js';

/** The reading of a Node request (one per request: the exchange holds it for every step). */
export function nodeReader(req: IncomingMessage): RequestReader {
  return {
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    },
    declaredLength: () => declaredLength(req),
    drain: () => drain(req, 0),
    readBody: (max) => readBody(req, max),
    readMultipart: (max, options) => readMultipart(req, max, options),
  };
}

/** Steps 1-6 in one call, for a server with nothing of its own between auth and the body (the servers compose the two halves as steps of mock/core). */
export async function admit(req: IncomingMessage, options: GateOptions = {}): Promise<{ ok: true; request: AdmittedRequest } | Rejected | Aborted> {
  const reader = nodeReader(req);
  const head = checkHeadWith(reader);
  return head.ok ? checkBodyWith(reader, head.head, options) : head;
}
