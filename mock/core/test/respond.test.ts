/**
 * The request core on its own: steps run in the order a server lists them and the first answer
 * ends the request; the one rendering of an answer (envelope, content type, request id, CORS,
 * log record and line); the CORS preflight; the one simulated answer with its Retry-After.
 */
import { describe, expect, it } from 'vitest';
import { operation } from '../../../spec/index.js';
import { violation } from '../../errors/answer-policy.js';
import type { RequestReader } from '../../http/gate-pipeline.js';
import { newExchange, rejection, type Answer, type Exchange, type Step } from '../exchange.js';
import { formatLine } from '../log-line.js';
import { composeRespond } from '../respond.js';
import { preflight } from '../steps/cors.js';
import { askedAnswer } from '../steps/steering.js';

function reader(method: string, url: string, headers: Record<string, string> = {}): RequestReader {
  const none = () => Promise.reject(new Error('no body in these tests'));
  return { method, url, header: (name) => headers[name], declaredLength: () => undefined, drain: none, readBody: none, readMultipart: none };
}
const exchange = (method = 'GET', url = '/v1/files', headers?: Record<string, string>): Exchange => newExchange(reader(method, url, headers), 'req_test', 0);

describe('composeRespond', () => {
  it('runs the steps in order until one answers; the later ones do not run', async () => {
    const ran: string[] = [];
    const pass = (name: string): Step => () => void ran.push(name);
    const answer: Step = () => (ran.push('answer'), { status: 200, body: { ok: true } });
    const respond = composeRespond([pass('a'), async () => void ran.push('b (async)'), answer, pass('never')]);
    const a = await respond(exchange());
    expect(ran).toEqual(['a', 'b (async)', 'answer']);
    expect([a.status, a.payload]).toEqual([200, '{"ok":true}']);
  });

  it('runs the finishers on the rendered answer, not on an aborted one', async () => {
    const finished: number[] = [];
    const finisher = (_x: Exchange, a: Answer) => void finished.push(a.status);
    await composeRespond([() => ({ status: 201, body: {} })], [finisher])(exchange());
    const aborted = await composeRespond([() => ({ status: 0, body: null, aborted: true })], [finisher])(exchange());
    expect(finished).toEqual([201]);
    expect(aborted.rendered).toBeUndefined();
  });

  it('throws when no step answers (a server whose list has no last step is a bug, answered 500 by its adapter)', async () => {
    await expect(composeRespond([() => undefined])(exchange('GET', '/v1/nowhere'))).rejects.toThrow(/no step answered GET \/v1\/nowhere/);
  });
});

describe('the rendering of an answer', () => {
  it('a violation: the envelope as JSON, the request id, CORS, and a log record with its rule and param', async () => {
    const v = violation(400, 'create.suffix', 'invalid_value', 'suffix is too long', 'suffix');
    const x = exchange('POST', '/v1/fine_tuning/jobs');
    const a = await composeRespond([() => rejection(v)])(x);
    expect(JSON.parse(a.payload as string)).toEqual({ error: { message: 'suffix is too long', type: 'invalid_request_error', param: 'suffix', code: 'invalid_value' } });
    expect(a.rendered).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'req_test', 'access-control-allow-origin': '*' });
    expect(a.rendered!['access-control-expose-headers']).toMatch(/Retry-After/);
    expect(formatLine(a.log!, 1.25)).toBe('POST /v1/fine_tuning/jobs 400 1.3ms req_test rule=create.suffix param=suffix');
  });

  it('a text answer of an operation that declares text/*: its media type, the text as it is', async () => {
    const x = exchange('GET', '/v1/files/file-abc123/content');
    x.operation = operation('downloadFileContent');
    const a = await composeRespond([() => ({ status: 200, body: 'line one\n' })])(x);
    expect([a.rendered!['content-type'], a.payload]).toEqual([`${operation('downloadFileContent').responses.get(200)!.mediaType}; charset=utf-8`, 'line one\n']);
  });

  it('bytes passed on as they came, with the headers their step set; notes of the request and the answer in the log line', async () => {
    const x = exchange('POST', '/v1/fine_tuning/jobs');
    x.note = 'prefer: example="x" ignored';
    const bytes = new TextEncoder().encode('{"a":1}');
    const a = await composeRespond([() => ({ status: 200, body: bytes, headers: { 'content-type': 'application/json' }, note: '(Prism only)' })])(x);
    expect([a.payload, a.rendered!['content-type']]).toEqual([bytes, 'application/json']);
    expect(formatLine(a.log!, 0)).toBe('POST /v1/fine_tuning/jobs 200 0.0ms req_test prefer: example="x" ignored (Prism only)');
  });
});

describe('the steps every server shares', () => {
  it('preflight: an OPTIONS is 204 with no body, allowing the methods and the headers the browser asked for', async () => {
    const a = await composeRespond([preflight])(exchange('OPTIONS', '/v1/fine_tuning/jobs', { 'access-control-request-headers': 'authorization, content-type' }));
    expect([a.status, a.payload]).toEqual([204, null]);
    expect(a.rendered).toMatchObject({ 'access-control-allow-origin': '*', 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '600' });
    expect(a.rendered!['access-control-allow-methods']).toContain('POST');
    expect(await preflight(exchange('GET'))).toBeUndefined();
  });

  it('askedAnswer: a simulated 429 says when to retry, another status does not; the log line says who asked', () => {
    const r429 = askedAnswer({ status: 429, askedBy: 'vaero-mock-status' }, {}, { 'content-type': 'application/json' });
    expect(r429.headers).toEqual({ 'content-type': 'application/json', 'retry-after': '1' });
    expect(r429.note).toBe('simulated by vaero-mock-status');
    expect(askedAnswer({ status: 500, askedBy: 'prefer' }, {}).headers).toBeUndefined();
  });
});
