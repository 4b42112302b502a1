/**
 * The server's side against the request: purpose-built answers to requests that break the
 * contract (or keep it), each judged under the rule the contract gives that mistake.
 */
import { describe, expect, it } from 'vitest';
import { TrafficJudge } from '../judge.js';
import { trafficRequest } from '../message.js';

const job = { object: 'fine_tuning.job', id: 'ftjob-1', style_model: 'vaero-1', base_model: 'general', created_at: 1721764800, finished_at: null, fine_tuned_model: null, organization_id: 'org-1', status: 'queued', training_files: ['file-abc123'], error: null };
const error = (status: number, type: string, param: string | null, code: string) => ({ status, body: { error: { message: 'm', type, param, code } } });

async function judge(req: { headers?: Record<string, string>; body?: string }, res: { status: number; body: unknown }) {
  const request = trafficRequest({ method: 'POST', target: '/fine_tuning/jobs', headers: { 'content-type': 'application/json', ...req.headers }, ...(req.body !== undefined ? { body: new TextEncoder().encode(req.body) } : {}) });
  const response = { status: res.status, headers: { 'content-type': 'application/json', 'x-request-id': 'req_1' }, body: { bytes: new TextEncoder().encode(JSON.stringify(res.body)), length: JSON.stringify(res.body).length, truncated: false } };
  const j = await new TrafficJudge().judge({ seq: 1, request, response });
  return { server: j.findings.filter((f) => f.side === 'server').map((f) => f.ruleId), client: j.findings.filter((f) => f.side === 'client').map((f) => f.ruleId), held: j.held };
}
const auth = { authorization: 'Bearer t' };

describe('the answer to a request that breaks the contract', () => {
  it('the first rule\'s answer holds it, and the order', async () => {
    const r = await judge({ body: JSON.stringify({ training_files: ['file-abc123'], suffix: 'x'.repeat(17) }) }, error(401, 'authentication_error', 'authorization', 'missing_authorization'));
    expect(r.client).toEqual(['auth.bearer', 'create.suffix']);
    expect(r.server).toEqual([]);
    expect(r.held).toEqual(expect.arrayContaining(['auth.bearer', 'request.check-order']));
  });

  it('naming a later fault first is request.check-order', async () => {
    const r = await judge({ body: JSON.stringify({ training_files: ['file-abc123'], suffix: 'x'.repeat(17) }) }, error(400, 'invalid_request_error', 'suffix', 'invalid_value'));
    expect(r.server).toEqual(['request.check-order']);
  });

  it('naming the second of two unknown fields is request.unknown-field-order', async () => {
    const r = await judge({ headers: auth, body: '{"training_files":["file-abc123"],"zeta":1,"alpha":2}' }, error(400, 'invalid_request_error', 'alpha', 'unknown_parameter'));
    expect(r.server).toEqual(['request.unknown-field-order']);
  });

  it('malformed JSON answered without its invalid_json code breaks request.malformed-json', async () => {
    const r = await judge({ headers: auth, body: '{"training_files": [' }, error(400, 'invalid_request_error', null, 'invalid_value'));
    expect(r.client).toEqual(['request.malformed-json']);
    expect(r.server).toEqual(['request.malformed-json']);
  });
});

describe('the answer to a request that keeps it', () => {
  it('refused with 415 is the server breaking request.content-type', async () => {
    const r = await judge({ headers: auth, body: '{"training_files":["file-abc123"]}' }, error(415, 'invalid_request_error', 'content-type', 'unsupported_media_type'));
    expect(r.client).toEqual([]);
    expect(r.server).toEqual(['request.content-type']);
  });

  it('refused naming training_files (a file it cannot use) is not judged a fault: that is state', async () => {
    const r = await judge({ headers: auth, body: '{"training_files":["file-zzz"]}' }, error(400, 'invalid_request_error', 'training_files', 'file_not_found'));
    expect(r.server).toEqual([]);
  });

  it('a create answered 201 breaks job.create-status; 200 with the files reordered, job.echo', async () => {
    expect((await judge({ headers: auth, body: '{"training_files":["file-abc123"]}' }, { status: 201, body: job })).server).toContain('response.status-declared');
    const reordered = await judge({ headers: auth, body: '{"training_files":["file-abc124","file-abc123"]}' }, { status: 200, body: { ...job, training_files: ['file-abc123', 'file-abc124'] } });
    expect(reordered.server).toEqual(['job.echo']);
  });
});

describe('an answer whose body the record does not hold', () => {
  // A text/plain answer's schema (a string) would pass on the empty string that stands for "no body": not judged, never held.
  it('response.schema is not judged, neither broken nor held', async () => {
    const request = trafficRequest({ method: 'GET', target: '/files/file-abc123/content', headers: auth });
    const response = { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-request-id': 'req_0123456789abcdef0123456789abcdef' } };
    const j = await new TrafficJudge().judge({ seq: 1, request, response });
    expect(j.findings).toEqual([]);
    expect(j.held).toContain('response.content-type');
    expect(j.held).not.toContain('response.schema');
    expect(j.notJudged).toEqual(expect.arrayContaining([{ ruleId: 'response.schema', reason: "the answer's body: the record holds no response body" }]));
  });
});
