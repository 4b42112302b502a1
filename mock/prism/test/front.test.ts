/**
 * The front on its own, in front of a fake Prism: what it forwards, what it keeps from
 * Prism, and how it turns Prism's violations and failures into the spec's envelope.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operation, validateResponse } from '../../../spec/index.js';
import { FLUSH_MS } from '../../http/log.js';
import { createFront } from '../front.js';
import { translateViolations, type PrismViolation } from '../translate.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
let seen: Seen[] = [];
let reply: { status: number; headers?: Record<string, string>; body: string } = { status: 200, body: '{}' };
let fakePrism: Server;
const fronts: Server[] = [];

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}
const logged: string[] = [];
async function front(judge: 'spec' | 'prism', prismUrl?: string): Promise<string> {
  const server = createServer(createFront({ prismUrl: prismUrl ?? (await prismUrlOf()), judge, log: (l) => logged.push(l) }));
  fronts.push(server);
  return (await listen(server)) + '/v1';
}
let prismUrlOf: () => Promise<string>;

beforeAll(async () => {
  fakePrism = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (reply.status === 0) {
        // Prism dies in the middle of an answer.
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' }).write('{"obj');
        setTimeout(() => res.destroy(), 10);
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body);
    });
  });
  const url = await listen(fakePrism);
  prismUrlOf = async () => url;
});
beforeEach(() => {
  seen = [];
  reply = { status: 200, body: JSON.stringify(operation('createFineTuningJob').responses.get(200)!.examples.created) };
});
afterAll(async () => {
  for (const s of [fakePrism, ...fronts]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('what the front forwards to Prism', () => {
  it('the path without /v1, the query, the body, and a Bearer scheme word Prism understands', async () => {
    const base = await front('spec');
    const res = await fetch(`${base}/fine_tuning/jobs`, {
      method: 'POST',
      headers: { authorization: 'bEaReR tok-1', 'content-type': 'application/json', accept: 'application/xml' },
      body: '{"training_files":["file-abc123"]}',
    });
    expect(res.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/fine_tuning/jobs', body: '{"training_files":["file-abc123"]}' });
    expect(seen[0]!.headers.authorization).toBe('Bearer tok-1');
    expect(seen[0]!.headers.accept).not.toBe('application/xml');
  });

  it('no body for an operation that declares none (cancel)', async () => {
    const base = await front('spec');
    await fetch(`${base}/fine_tuning/jobs/ftjob-1/cancel`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'text/plain' }, body: 'x' });
    expect(seen[0]).toMatchObject({ url: '/fine_tuning/jobs/ftjob-1/cancel', body: '' });
    expect(seen[0]!.headers['content-type']).toBeUndefined();
  });

  it('a body in a content coding the spec does not declare (gzip) is 415, not decoded', async () => {
    const base = await front('spec');
    const { gzipSync } = await import('node:zlib');
    const res = await fetch(`${base}/fine_tuning/jobs`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: new Uint8Array(gzipSync('{"training_files":["file-abc123"]}')),
    });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe('content-encoding');
    expect(seen).toHaveLength(0);
  });

  it('nothing at all for a request the spec module rejects (judge spec)', async () => {
    const base = await front('spec');
    const res = await fetch(`${base}/fine_tuning/jobs?x=1`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{"training_files":[]}' });
    expect(res.status).toBe(400);
    expect(seen).toHaveLength(0);
  });
});

describe("Prism's own answers", () => {
  it("a violation list is translated into the spec's envelope, the param chosen by the spec's order (judge prism)", async () => {
    const base = await front('prism');
    const violations: PrismViolation[] = [
      { location: ['request', 'body'], severity: 'Error', code: 'additionalProperties', message: "Request body must NOT have additional properties; found 'sufix'" },
      { location: ['request', 'body', 'base_model'], severity: 'Error', code: 'enum', message: 'Request body property base_model must be equal to one of the allowed values: gpt-4o-2024-08-06, claude-3-5-sonnet-20240620, general' },
      { location: ['request', 'body', 'suffix'], severity: 'Error', code: 'maxLength', message: 'Request body property suffix must NOT have more than 16 characters' },
    ];
    reply = { status: 400, headers: { 'sl-violations': JSON.stringify(violations) }, body: '{"error":{"message":"fixed example","type":"invalid_request_error","param":"suffix","code":"x"}}' };
    const res = await fetch(`${base}/fine_tuning/jobs`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{}' });
    const body = (await res.json()) as { error: { param: string; code: string; message: string } };
    expect(res.status).toBe(400);
    expect(body.error).toMatchObject({ param: 'base_model', code: 'invalid_value' });
    expect(body.error.message).toMatch(/base_model/);
    expect(validateResponse(operation('createFineTuningJob'), 400, body)).toEqual({ ok: true });
  });

  it('a rejection only Prism makes (judge spec) is answered, and its log line says so', async () => {
    const base = await front('spec');
    reply = {
      status: 400,
      headers: { 'sl-violations': JSON.stringify([{ location: ['request', 'body', 'suffix'], severity: 'Error', code: 'maxLength', message: 'Request body property suffix must NOT have more than 16 characters' }]) },
      body: '{}',
    };
    const res = await fetch(`${base}/fine_tuning/jobs`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{"training_files":["file-abc123"],"suffix":"ok"}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe('suffix');
    await new Promise((r) => setTimeout(r, FLUSH_MS + 10)); // the log is written in batches
    expect(logged.at(-1)).toMatch(/^\d\d:\d\d:\d\d\.\d{3} POST \/v1\/fine_tuning\/jobs 400 \d+\.\dms req_[0-9a-f]{32} rule=create\.suffix param=suffix \(Prism only\)$/);
  });

  it.each([
    ['retrieveFineTuningJob', '/fine_tuning/jobs/ftjob-1', 404, 404],
    ['createFineTuningJob', '/fine_tuning/jobs', 404, 500],
  ] as const)('a failure of Prism itself on %s is the spec envelope, in a status the operation declares', async (id, path, prismStatus, status) => {
    const base = await front('spec');
    reply = { status: prismStatus, headers: { 'content-type': 'application/problem+json' }, body: '{"type":"x","title":"Route not resolved","status":404,"detail":"No path matched"}' };
    const isCreate = id === 'createFineTuningJob';
    const res = await fetch(base + path, {
      method: isCreate ? 'POST' : 'GET',
      headers: { authorization: 'Bearer t', ...(isCreate ? { 'content-type': 'application/json' } : {}) },
      body: isCreate ? '{"training_files":["file-abc123"]}' : undefined,
    });
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(validateResponse(operation(id), status, body)).toEqual({ ok: true });
    expect(JSON.stringify(body)).toMatch(/No path matched/);
  });

  it('an answer Prism breaks off is a 500 in the envelope, not an HTML page with a stack', async () => {
    const base = await front('spec');
    reply = { status: 0, body: '' };
    const res = await fetch(`${base}/files`, { headers: { authorization: 'Bearer t' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(validateResponse(operation('listFiles'), 500, JSON.parse(text))).toEqual({ ok: true });
    expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('an unreachable Prism is a 500 in the envelope', async () => {
    const closed = createServer();
    const url = await listen(closed);
    await new Promise((r) => closed.close(r));
    const base = await front('spec', url);
    const res = await fetch(`${base}/files`, { headers: { authorization: 'Bearer t' } });
    expect(res.status).toBe(500);
    expect(validateResponse(operation('listFiles'), 500, await res.json())).toEqual({ ok: true });
  });
});

describe('translateViolations', () => {
  const create = operation('createFineTuningJob');
  const list = operation('listFiles');
  const v = (location: (string | number)[], code: string | number, message: string): PrismViolation => ({ location, severity: 'Error', code, message });

  it('names a missing required field and an unknown one from their messages', () => {
    expect(translateViolations(create, [v(['request', 'body'], 'required', "Request body must have required property 'training_files'")])).toMatchObject({
      param: 'training_files',
      code: 'missing_required_parameter',
      ruleId: 'create.training_files.array',
    });
    expect(translateViolations(create, [v(['request', 'body'], 'additionalProperties', "Request body must NOT have additional properties; found 'model'")])).toMatchObject({
      param: 'model',
      code: 'unknown_parameter',
      ruleId: 'create.body',
    });
  });

  it('a missing body is about the request as a whole; a nested error names the top-level field', () => {
    expect(translateViolations(create, [v(['request'], 'required', 'Body parameter is required')])).toMatchObject({ status: 400, param: null });
    expect(translateViolations(create, [v(['request', 'body', 'training_files', '1'], 'type', 'Request body property training_files.1 must be string')])).toMatchObject({
      param: 'training_files',
      code: 'invalid_type',
    });
  });

  it('query violations come before body ones, and name the parameter', () => {
    expect(
      translateViolations(list, [v(['request', 'query', 'limit'], 'maximum', 'Request query parameter limit must be <= 100')]),
    ).toMatchObject({ status: 400, param: 'limit', ruleId: 'list.limit' });
  });

  it('ignores warnings, and says nothing when there is no error', () => {
    expect(translateViolations(create, [])).toBeUndefined();
    expect(translateViolations(create, [{ ...v(['request', 'body', 'suffix'], 'maxLength', 'x'), severity: 'Warning' }])).toBeUndefined();
  });
});
