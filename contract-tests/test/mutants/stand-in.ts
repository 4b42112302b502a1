/**
 * A stand-in written only from Vaero's public pages: what the reference documents and no
 * choice of this contract's where the reference is silent. It is the real stub behind a
 * thin front that takes away, one by one, what only this contract promises:
 * - file upload, retrieve, delete and job create, retrieve are there; list, cancel and a
 *   job's events are not (the reference documents none of them): 404, as an unknown route;
 * - jobs carry exactly the fields the reference lists (no finished_at, no error);
 * - a 401 says `param: null` (the reference requires Bearer auth, not a param);
 * - a create body with an unknown field is answered 400 naming that field first, even when
 *   a declared field (a 17-character suffix) is also wrong (the contract names the declared
 *   field first: its inferred order of checks).
 * At reference level it conforms; at contract level it breaks inferred rules only.
 */
import { operation, type FineTuningJob, type FineTuningJobList } from '../../../spec/index.js';
import { json, withJson, type FrontRequest, type FrontResponse, type Mutant } from './front.js';

const create = operation('createFineTuningJob');
const declared = Object.keys(create.requestSchema?.properties ?? {});
const isJob = (v: unknown): v is FineTuningJob => (v as { object?: unknown } | null)?.object === 'fine_tuning.job';

/** Routes the reference does not document: list jobs, cancel, a job's events. */
const undocumented = [
  (r: FrontRequest) => r.method === 'GET' && r.path === operation('listFineTuningJobs').path,
  (r: FrontRequest) => r.method === 'POST' && /^\/fine_tuning\/jobs\/[^/]+\/cancel$/.test(r.path),
  (r: FrontRequest) => r.method === 'GET' && /^\/fine_tuning\/jobs\/[^/]+\/events$/.test(r.path),
];

function answer(status: number, error: { message: string; type: string; param: string | null; code: string | null }): FrontResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': `req_standin${Date.now()}` }, body: Buffer.from(JSON.stringify({ error })) };
}

/** The first unknown field of a create body that passed auth, content type and size, if any. */
function firstUnknownField(r: FrontRequest): string | undefined {
  if (r.method !== 'POST' || r.path !== create.path) return undefined;
  if (!/^bearer +\S+$/i.test(r.headers.authorization ?? '') || !/^application\/json\s*(;|$)/i.test(r.headers['content-type'] ?? '')) return undefined;
  if (r.headers['content-encoding'] || r.body.length > (create.maxBodyBytes ?? Infinity)) return undefined;
  try {
    const body = JSON.parse(r.body.toString('utf8')) as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
    return Object.keys(body).find((k) => !declared.includes(k));
  } catch {
    return undefined;
  }
}

/** Only the fields the reference lists for a job. */
function referenceJob(job: FineTuningJob): Omit<FineTuningJob, 'finished_at' | 'error'> {
  const { finished_at: _f, error: _e, ...rest } = job;
  return rest;
}

export const referenceStandIn: Mutant = {
  name: 'reference-stand-in',
  fault: 'none the reference states: only what Vaero documents (no list, cancel, events; no finished_at, error; 401 param null; unknown fields named first)',
  breaks: 'auth.bearer.param',
  request: (r) => {
    if (undocumented.some((is) => is(r)) && /^bearer +\S+$/i.test(r.headers.authorization ?? '')) {
      return answer(404, { message: `No route ${r.method} ${r.path}`, type: 'invalid_request_error', param: null, code: null });
    }
    const unknown = firstUnknownField(r);
    return unknown ? answer(400, { message: `Unrecognized request argument supplied: ${unknown}`, type: 'invalid_request_error', param: unknown, code: null }) : r;
  },
  response: (_r, res) => {
    const body = json(res);
    if (res.status === 401 && (body as { error?: object } | undefined)?.error) return withJson(res, { error: { ...(body as { error: object }).error, param: null } });
    if (isJob(body)) return withJson(res, referenceJob(body));
    const list = body as FineTuningJobList | undefined;
    if (list && Array.isArray(list.data) && list.data.some(isJob)) return withJson(res, { ...list, data: list.data.map(referenceJob) });
    return res;
  },
};
