/**
 * The stub's admin endpoints, under /__vaero/ (outside the API's base path, so never
 * mistaken for part of it): thin routes over the service's control (service/control.ts).
 * Each takes the caller's bearer token as the organization it steers, reads a JSON body
 * through the request gate's readJson (same 413 and 400 as the API), and answers the
 * control's Result.
 */
import type { IncomingMessage } from 'node:http';
import { operation } from '../../../spec/index.js';
import { violation, type Violation } from '../../http/answer-policy.js';
import { readBearer } from '../../http/bearer.js';
import { authViolation, readJson, type Aborted, type Rejected } from '../../http/request-gate.js';
import type { FileSeed, JobSeed, Latency } from '../service/control.js';
import { err, ok, type Result } from '../service/result.js';
import { RULES } from '../service/rules.js';
import type { StubService } from '../service/service.js';
import { mockFailure } from '../service/dispatch.js';
import { ADMIN_PREFIX } from './headers.js';

export interface AdminResponder {
  send(status: number, body: unknown): void;
  reject(v: Violation): void;
  /** The gate's refusal of a body (too large, malformed, client gone). */
  refuse(r: Rejected | Aborted): void;
}

/** The fail-next body's own limit (it is a code and a message). */
export const ADMIN_MAX_BODY_BYTES = 4096;
/** A seeded file's body can be as large as an upload. */
const SEED_FILE_MAX_BODY_BYTES = operation('uploadFile').maxBodyBytes ?? 8 << 20;

interface Route {
  /** Bytes of JSON body read at most (none: the route reads no body). */
  maxBody?: number;
  run(service: StubService, org: string, body: unknown): Result<unknown>;
}

const object = (body: unknown): Record<string, unknown> => (typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {});

/** method + path (after /__vaero) -> route. */
const ROUTES: Record<string, Route> = {
  'POST /fail-next': {
    maxBody: ADMIN_MAX_BODY_BYTES,
    run: (s, org, body) => {
      const b = object(body);
      const failure = mockFailure(typeof b.code === 'string' ? b.code : 'training_failed', typeof b.message === 'string' ? b.message : undefined);
      return mapped(s.control.failNext(org, failure), (f) => ({ armed: true, failure: f }));
    },
  },
  'DELETE /fail-next': { run: (s, org) => mapped(s.control.failNext(org, null), () => ({ armed: false, failure: null })) },
  'POST /reset': { run: (s, org) => s.control.reset(org) },
  'POST /jobs': { maxBody: 64 * 1024, run: (s, org, body) => s.control.seedJob(org, body as JobSeed) },
  'POST /files': { maxBody: SEED_FILE_MAX_BODY_BYTES, run: (s, org, body) => s.control.seedFile(org, body as FileSeed) },
  'POST /advance': { maxBody: ADMIN_MAX_BODY_BYTES, run: (s, org, body) => s.control.advance(org, object(body).ms as number) },
  'POST /latency': { maxBody: ADMIN_MAX_BODY_BYTES, run: (s, org, body) => s.control.setLatency(org, object(body) as unknown as Latency) },
  'DELETE /latency': { run: (s, org) => s.control.setLatency(org, null) },
  'GET /requests': { run: (s, org) => ok({ object: 'list', data: s.control.requests.entries(org) }) },
};

function mapped<T, U>(r: Result<T>, f: (v: T) => U): Result<U> {
  return r.ok ? ok(f(r.value)) : err(r.error);
}

export const isAdminPath = (url: string): boolean => url.startsWith(ADMIN_PREFIX);

export async function handleAdmin(req: IncomingMessage, service: StubService, answer: AdminResponder): Promise<void> {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q)).slice(ADMIN_PREFIX.length - 1);
  const route = ROUTES[`${req.method} ${path}`];
  if (!route) return answer.reject(violation(404, RULES.unknownRoute, 'route_not_found', `No route ${req.method} ${ADMIN_PREFIX.slice(0, -1)}${path}`));
  const bearer = readBearer(req.headers.authorization);
  const org = 'problem' in bearer ? err(authViolation(bearer.problem)) : service.authenticate(bearer.token);
  if (!org.ok) return answer.reject(org.error);
  let body: unknown;
  if (route.maxBody !== undefined) {
    // A blank body is an empty object: `curl -X POST …/reset` needs no body.
    const read = await readJson(req, route.maxBody, undefined, { empty: {} });
    if (!read.ok) return answer.refuse(read);
    body = read.value;
  }
  const result = route.run(service, org.value, body);
  await service.committed(); // with --state: answer only once the change is on disk
  if (!result.ok) return answer.reject(result.error);
  answer.send(200, result.value);
}
