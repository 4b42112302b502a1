/**
 * The request gate on Node's IncomingMessage (the stub and the Prism mock's front): the
 * shared pipeline of gate-pipeline.ts (steps 1-6 of the spec's order of checks), reading the
 * request with Node's streams: the body under its limit (body.ts, drained before a 413) and
 * multipart through busboy (multipart.ts). fetch-gate.ts runs the same pipeline on a Fetch
 * Request (the MSW handlers).
 *
 * A server runs its own checks between auth and the body (the stub maps the token to an
 * organization, answers steering headers) by calling the two halves itself: `checkHead`
 * (steps 1-2) then `checkBody` (steps 3-6); `admit` runs both. What follows (state, step 7;
 * or Prism) is the server's.
 */
import type { IncomingMessage } from 'node:http';
import type { Operation } from '../../spec/index.js';
import { declaredLength, drain, readBody } from './body.js';
import { checkBodyWith, checkHeadWith, readJsonWith, type AdmittedRequest, type Aborted, type GateOptions, type Rejected, type RequestHead, type RequestReader } from './gate-pipeline.js';
import { readMultipart } from './multipart.js';

export { authViolation } from './gate-pipeline.js';
export type { AdmittedRequest, Aborted, FilePart, GateOptions, Rejected, RequestHead, RequestReader } from './gate-pipeline.js';

const readers = new WeakMap<IncomingMessage, RequestReader>();

/** The reading of a Node request (one per request: checkHead and checkBody share it). */
export function nodeReader(req: IncomingMessage): RequestReader {
  let reader = readers.get(req);
  if (!reader) {
    reader = {
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
    readers.set(req, reader);
  }
  return reader;
}

/** Steps 1-2: route, then bearer auth. */
export const checkHead = (req: IncomingMessage): { ok: true; head: RequestHead } | Rejected => checkHeadWith(nodeReader(req));

/** Steps 3-6 for a request that passed `checkHead`. */
export const checkBody = (req: IncomingMessage, head: RequestHead, options: GateOptions = {}): Promise<{ ok: true; request: AdmittedRequest } | Rejected | Aborted> =>
  checkBodyWith(nodeReader(req), head, options);

/** Steps 4-5 for a JSON body (also the stub's admin endpoints: `op` undefined, `empty` for a blank body). */
export const readJson = (req: IncomingMessage, max: number | undefined, op?: Operation, options: { empty?: unknown } = {}) => readJsonWith(nodeReader(req), max, op, options);

/** Steps 1-6 in one call, for a server with nothing of its own between auth and the body. */
export async function admit(req: IncomingMessage, options: GateOptions = {}): Promise<{ ok: true; request: AdmittedRequest } | Rejected | Aborted> {
  const head = checkHead(req);
  return head.ok ? checkBody(req, head.head, options) : head;
}
