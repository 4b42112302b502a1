/**
 * The stub's admin endpoints, under /__vaero/ (outside the API's base path, so never
 * mistaken for part of it): thin routes over the service's control (service/control.ts),
 * as one step of the request core. Each takes the caller's bearer token as the organization
 * it steers, reads a JSON body through the request gate's readJsonWith (same 413 and 400 as
 * the API), and answers the control's Result.
 */
import { operation } from '../../../spec/index.js';
import { violation } from '../../errors/answer-policy.js';
import { readBearer } from '../../http/bearer.js';
import { authViolation, readJsonWith, type RequestReader } from '../../http/gate-pipeline.js';
import { ABORTED, rejection, type Answer, type Step } from '../../core/exchange.js';
import type { FileSeed, JobSeed, Latency } from '../service/control.js';
import { err, ok, type Result } from '../service/result.js';
import { RULES } from '../service/rules.js';
import type { StubService } from '../service/service.js';
import { mockFailure } from '../service/dispatch.js';
import { ADMIN_PREFIX } from './headers.js';

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

/** The admin endpoints as a step: a request under /__vaero/ is answered here, any other passes on. */
export function admin(service: StubService): Step {
  return (x) => (isAdminPath(x.reader.url) ? answerAdmin(service, x.reader) : undefined);
}

async function answerAdmin(service: StubService, req: RequestReader): Promise<Answer> {
  const url = req.url;
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q)).slice(ADMIN_PREFIX.length - 1);
  const route = ROUTES[`${req.method} ${path}`];
  if (!route) return rejection(violation(404, RULES.unknownRoute, 'route_not_found', `No route ${req.method} ${ADMIN_PREFIX.slice(0, -1)}${path}`));
  const bearer = readBearer(req.header('authorization'));
  const org = 'problem' in bearer ? err(authViolation(bearer.problem, bearer.ruleId)) : service.authenticate(bearer.token);
  if (!org.ok) return rejection(org.error);
  let body: unknown;
  if (route.maxBody !== undefined) {
    // A blank body is an empty object: `curl -X POST …/reset` needs no body.
    const read = await readJsonWith(req, route.maxBody, undefined, { empty: {} });
    if (!read.ok) return 'aborted' in read ? ABORTED : rejection(read.violation, read.close);
    body = read.value;
  }
  const result = route.run(service, org.value, body);
  await service.committed(); // with --state: answered only once the change is on disk
  return result.ok ? { status: 200, body: result.value } : rejection(result.error);
}
