/**
 * The matchers in vitest, on purpose-built responses and on real ones: a fetch Response
 * (judged from a clone: the test still reads it), a supertest response and an axios response
 * from the stub and from a deliberately broken server; requests a client is about to send.
 * Each passes where nothing breaks and fails, naming the rule and side, where something does.
 */
import axios from 'axios';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStub, type RunningStub } from '../../mock/stub/index.js';
import { startBrokenServer, type BrokenServer } from '../../proxy/test/broken-server.js';
import { judgeVaeroExchange, judgeVaeroRequest, judgeVaeroResponse, vaeroMatchers, type JudgeOptions } from '../index.js';

declare module 'vitest' {
  interface Assertion<T> {
    toSatisfyVaeroContract(o?: JudgeOptions): Promise<T>;
    toBeValidVaeroRequest(o?: JudgeOptions): Promise<T>;
  }
}
expect.extend(vaeroMatchers);

let stub: RunningStub;
let broken: BrokenServer;
beforeAll(async () => {
  stub = await startStub({ port: 0, log: () => {} });
  broken = await startBrokenServer();
});
afterAll(async () => {
  await stub.close();
  await broken.close();
});

// Answers as the spec declares them: JSON, with the X-Request-Id every answer carries.
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'x-request-id': 'req_0123456789abcdef0123456789abcdef', ...headers } });
const list = { object: 'list', data: [], has_more: false };
const auth = { authorization: 'Bearer matcher-test' };

describe('purpose-built fetch Responses', () => {
  it('a valid answer passes; the test can still read it', async () => {
    const res = json(list);
    await expect(res).toSatisfyVaeroContract({ url: 'https://vaeroapi.com/v1/fine_tuning/jobs' });
    expect(await res.json()).toEqual(list);
  });

  it('a broken answer fails under its rule, with the side, and instance path as data', async () => {
    const res = json({ ...list, has_more: 'no' });
    await expect(res).not.toSatisfyVaeroContract({ url: 'https://vaeroapi.com/v1/fine_tuning/jobs' });
    await expect(expect(res).toSatisfyVaeroContract({ url: 'https://vaeroapi.com/v1/fine_tuning/jobs' })).rejects.toThrow(/server broke list\.shape at \/has_more/);
    expect(await judgeVaeroResponse(res, { url: 'https://vaeroapi.com/v1/fine_tuning/jobs' })).toEqual([expect.objectContaining({ ruleId: 'list.shape', side: 'server', instancePath: '/has_more', severity: 'error' })]);
  });

  it('an undeclared status and a wrong media type are the server\'s', async () => {
    const findings = await judgeVaeroResponse(new Response('{}', { status: 201, headers: { 'content-type': 'text/plain', 'x-request-id': 'req_0123456789abcdef0123456789abcdef' } }), { method: 'POST', url: 'https://vaeroapi.com/v1/fine_tuning/jobs' });
    expect(findings.map((f) => f.ruleId)).toContain('response.status-declared');
  });

  it('a 200 to a request that breaks the contract is the server\'s fault; the request is the client\'s', async () => {
    const job = { object: 'fine_tuning.job', id: 'ftjob-1', style_model: 'vaero-1', base_model: 'general', created_at: 1721764800, finished_at: null, fine_tuned_model: null, organization_id: 'org-1', status: 'queued', training_files: ['file-abc123'], error: null };
    const sent = { method: 'POST', url: 'https://vaeroapi.com/v1/fine_tuning/jobs', headers: auth, body: { training_files: ['file-abc123'], suffix: 'x'.repeat(17) } };
    const both = await judgeVaeroExchange(json(job), { request: sent });
    expect(both.map((f) => `${f.side} ${f.ruleId}`)).toEqual(['client create.suffix', 'server create.suffix']);
    await expect(json(job)).not.toSatisfyVaeroContract({ request: sent });
  });

  it('at reference level an inferred rule is a warning: the matcher passes', async () => {
    const res = json({ error: { message: 'x', type: 'invalid_request_error', param: 'suffix', code: 'nope' } }, 400);
    const o = { method: 'POST', url: 'https://vaeroapi.com/v1/fine_tuning/jobs' };
    expect((await judgeVaeroResponse(res, o)).map((f) => [f.ruleId, f.severity])).toEqual([['error.code', 'error']]);
    await expect(res).toSatisfyVaeroContract({ ...o, level: 'reference' });
  });

  it('a Response that is not from fetch and no URL given: fails saying so', async () => {
    await expect(expect(json(list)).toSatisfyVaeroContract()).rejects.toThrow(/give \{ method, url \}/);
  });
});

describe('requests a client is about to send', () => {
  it('valid passes, invalid fails under the rule of the field', async () => {
    await expect({ method: 'POST', url: 'http://127.0.0.1:8080/v1/fine_tuning/jobs', headers: auth, body: { training_files: ['file-abc123'] } }).toBeValidVaeroRequest();
    const bad = new Request('http://127.0.0.1:8080/v1/fine_tuning/jobs', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ training_files: ['file-abc123'], style_model: 'vaero-2' }) });
    await expect(bad).not.toBeValidVaeroRequest();
    expect(await judgeVaeroRequest(bad)).toEqual([expect.objectContaining({ ruleId: 'create.style_model', side: 'client', param: 'style_model' })]);
    expect(await bad.json()).toMatchObject({ style_model: 'vaero-2' });
  });
});

describe('real responses: fetch, supertest, axios', () => {
  it('from the stub they pass', async () => {
    const created = await fetch(stub.baseUrl + '/fine_tuning/jobs', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ training_files: ['file-abc123'] }) });
    await expect(created).toSatisfyVaeroContract({ method: 'POST' });
    const origin = stub.baseUrl.replace(/\/v1$/, '');
    const viaSupertest = await request(origin).post('/v1/fine_tuning/jobs').set(auth).send({ training_files: ['file-abc124'], suffix: 'st' });
    await expect(viaSupertest).toSatisfyVaeroContract();
    const viaAxios = await axios.get(stub.baseUrl + '/fine_tuning/jobs', { headers: auth, params: { limit: 3 } });
    await expect(viaAxios).toSatisfyVaeroContract();
  });

  it('from the broken server they fail under the rule it breaks', async () => {
    const origin = broken.baseUrl.replace(/\/v1$/, '');
    const viaSupertest = await request(origin).post('/v1/fine_tuning/jobs').set(auth).send({ training_files: ['file-abc123', 'file-abc124'] });
    await expect(expect(viaSupertest).toSatisfyVaeroContract()).rejects.toThrow(/server broke job\.echo at \/training_files/);
    const viaAxios = await axios.post(broken.baseUrl + '/fine_tuning/jobs', { training_files: ['file-abc123', 'file-abc124'] }, { headers: auth });
    expect((await judgeVaeroResponse(viaAxios)).map((f) => f.ruleId)).toEqual(['job.echo']);
    const files = await axios.get(broken.baseUrl + '/files', { headers: auth });
    await expect(files).not.toSatisfyVaeroContract();
  });
});
