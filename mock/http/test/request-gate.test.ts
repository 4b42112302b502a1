/**
 * The request gate on its own, behind a bare node:http server that answers what the
 * gate decided: every error path of steps 1–6 (status, param, code, rule), what an
 * admitted request carries, and how an oversized body is drained before its 413.
 */
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operation } from '../../../spec/index.js';
import { closeLingering, DRAIN_IDLE_MS, DRAIN_MAX_BYTES } from '../body.js';
import { admit, type GateOptions } from '../request-gate.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  json: {
    violation?: { status: number; param: string | null; code: string; ruleId: string; message: string };
    close?: boolean;
    request?: { operationId: string; pathParams: Record<string, string>; token: string; query: Record<string, unknown>; body?: unknown; form?: Record<string, string>; file?: { filename: string; text: string }; raw?: string };
  };
}

let server: Server;
let port = 0;
/** Per request, the gate's options come in a test-only header. */
const OPTIONS_HEADER = 'x-gate-options';
const aborted: string[] = [];
/** A keep-alive agent, so that whether the server keeps or closes the connection shows. */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const options = JSON.parse((req.headers[OPTIONS_HEADER] as string | undefined) ?? '{}') as GateOptions;
    const gate = await admit(req, options);
    let json: Answer['json'];
    if (!gate.ok && 'aborted' in gate) {
      aborted.push(req.url ?? '');
      return void res.destroy();
    }
    if (!gate.ok) {
      json = { violation: gate.violation, close: gate.close };
      if (gate.close) closeLingering(req, res);
    } else {
      const r = gate.request;
      json = {
        request: {
          operationId: r.operation.operationId,
          pathParams: r.pathParams,
          token: r.token,
          query: r.query,
          body: r.body,
          form: r.form,
          file: r.file && { filename: r.file.filename, text: Buffer.from(r.file.data).toString('utf8') },
          raw: r.raw && Buffer.from(r.raw).toString('utf8'),
        },
      };
    }
    res.writeHead(gate.ok ? 200 : gate.violation.status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  agent.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const AUTH = { authorization: 'Bearer tok-1' };
const JSON_CT = { 'content-type': 'application/json' };

async function call(method: string, path: string, headers: Record<string, string> = {}, body?: string | Uint8Array<ArrayBuffer>, options?: GateOptions): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { ...headers, ...(options ? { [OPTIONS_HEADER]: JSON.stringify(options) } : {}) },
    // bytes, so that fetch adds no Content-Type of its own
    body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
  });
  return { status: res.status, headers: Object.fromEntries(res.headers), json: (await res.json()) as Answer['json'] };
}

/** The violation answered, as the parts a client sees and the rule named. */
const verdict = (a: Answer) => ({ status: a.status, param: a.json.violation?.param, code: a.json.violation?.code, ruleId: a.json.violation?.ruleId });

describe('1. route', () => {
  it.each([
    ['GET', '/v1/nothing/here'],
    ['GET', '/fine_tuning/jobs'], // not under the base path
    ['DELETE', '/v1/fine_tuning/jobs'], // a path the spec has, with a method it does not declare
    ['GET', '/v1/fine_tuning/jobs/%E0%A4%A'], // a path that does not decode
  ])('%s %s is 404 in the envelope, param null, even without auth', async (method, path) => {
    const a = await call(method, path);
    expect(verdict(a)).toEqual({ status: 404, param: null, code: 'route_not_found', ruleId: 'request.unknown-route' });
    expect(a.json.violation?.message).toContain(path.split('?')[0]);
  });
});

describe('2. auth', () => {
  it.each([
    [undefined, 'missing_authorization', 'auth.bearer'],
    ['', 'missing_authorization', 'auth.bearer'],
    ['Basic dXNlcjpwYXNzd29yZA==', 'invalid_authorization', 'auth.bearer'],
    ['Bearer', 'invalid_authorization', 'auth.bearer'],
    ['tok-1', 'invalid_authorization', 'auth.bearer'],
    // Bearer spelt in a way the spec's x-vaero-credentials-pattern refuses: rule auth.bearer.shape.
    ['Bearer a b', 'invalid_authorization', 'auth.bearer.shape'],
    ['Bearer\ttok-1', 'invalid_authorization', 'auth.bearer.shape'],
    ['Bearer t\u00f6k', 'invalid_authorization', 'auth.bearer.shape'],
  ])('Authorization %j is 401 param authorization, code %s, rule %s', async (header, code, ruleId) => {
    const a = await call('GET', '/v1/fine_tuning/jobs', header === undefined ? {} : { authorization: header });
    expect(verdict(a)).toEqual({ status: 401, param: 'authorization', code, ruleId });
  });

  it('is checked after the route and before the body: no auth and a broken body is 401', async () => {
    const a = await call('POST', '/v1/fine_tuning/jobs', { 'content-type': 'text/plain', 'content-encoding': 'gzip' }, '{');
    expect(verdict(a).status).toBe(401);
  });

  it('the scheme word in any case, the token as sent', async () => {
    const a = await call('GET', '/v1/fine_tuning/jobs', { authorization: 'bEaReR  tok-Z9 ' });
    expect(a.status).toBe(200);
    expect(a.json.request?.token).toBe('tok-Z9');
  });
});

describe('3. content type and content coding', () => {
  it.each([
    [{ 'content-type': 'text/plain' }, /Content-Type text\/plain/],
    [{}, /without a Content-Type/],
    [{ 'content-type': 'application/x-www-form-urlencoded' }, /application\/json/],
  ])('a create body sent with %j is 415 param content-type', async (headers, message) => {
    const a = await call('POST', '/v1/fine_tuning/jobs', { ...AUTH, ...headers }, '{"training_files":["file-abc123"]}');
    expect(verdict(a)).toEqual({ status: 415, param: 'content-type', code: 'unsupported_media_type', ruleId: 'request.content-type' });
    expect(a.json.violation?.message).toMatch(message);
  });

  it.each(['gzip', 'deflate', 'br', 'GZIP'])('a body with Content-Encoding %s is 415 param content-encoding (the header at fault), not decoded', async (coding) => {
    const a = await call('POST', '/v1/fine_tuning/jobs', { ...AUTH, ...JSON_CT, 'content-encoding': coding }, new Uint8Array(gzipSync('{"training_files":["file-abc123"]}')));
    expect(verdict(a)).toEqual({ status: 415, param: 'content-encoding', code: 'unsupported_media_type', ruleId: 'request.content-type' });
    expect(a.json.violation?.message).toContain(`Content-Encoding ${coding}`);
  });

  it('an upload with Content-Encoding gzip is 415 too', async () => {
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file', new Blob(['hello']), 'a.txt');
    const encoded = new Request('http://x.invalid/', { method: 'POST', body: form });
    const a = await call('POST', '/v1/files', { ...AUTH, 'content-type': encoded.headers.get('content-type')!, 'content-encoding': 'gzip' }, new Uint8Array(await encoded.arrayBuffer()));
    expect(verdict(a)).toMatchObject({ status: 415, param: 'content-encoding' });
  });

  it('Content-Encoding identity is no coding: admitted', async () => {
    const a = await call('POST', '/v1/fine_tuning/jobs', { ...AUTH, ...JSON_CT, 'content-encoding': 'identity' }, '{"training_files":["file-abc123"]}');
    expect(a.status).toBe(200);
  });

  it('an operation that declares no body ignores one sent, whatever its type and coding', async () => {
    const a = await call('POST', '/v1/fine_tuning/jobs/ftjob-1/cancel', { ...AUTH, 'content-type': 'text/plain', 'content-encoding': 'gzip' }, 'x');
    expect(a.status).toBe(200);
    expect(a.json.request).toMatchObject({ operationId: 'cancelFineTuningJob', pathParams: { fine_tuning_job_id: 'ftjob-1' } });
  });

  it('the content type is checked before the coding, the size and the syntax', async () => {
    const max = operation('createFineTuningJob').maxBodyBytes!;
    const a = await call('POST', '/v1/fine_tuning/jobs', { ...AUTH, 'content-type': 'text/plain', 'content-encoding': 'gzip' }, '{'.repeat(max + 1));
    expect(verdict(a)).toMatchObject({ status: 415, param: 'content-type' });
    expect(a.json.violation?.message).toMatch(/Content-Type text\/plain/);
  });
});

/** A raw HTTP exchange: headers, then the body in chunks, reading the answer whenever it comes. */
function exchange(
  path: string,
  headers: Record<string, string>,
  chunks: Iterable<Buffer>,
  options: { stopWritingOnAnswer?: boolean } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string; writeError?: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    let writeError: string | undefined;
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, headers, agent }, (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, writeError, sent }));
    });
    req.on('error', (e) => {
      if (answered) writeError = (e as NodeJS.ErrnoException).code ?? e.message;
      else reject(e);
    });
    const it = chunks[Symbol.iterator]();
    const pump = () => {
      for (;;) {
        if (answered && options.stopWritingOnAnswer) return void req.destroy();
        const next = it.next();
        if (next.done) return void req.end();
        sent += next.value.length;
        if (!req.write(next.value)) return void req.once('drain', pump);
      }
    };
    pump();
  });
}

function* pieces(total: number, size = 16384): Generator<Buffer> {
  for (let left = total; left > 0; left -= size) yield Buffer.alloc(Math.min(size, left), 0x61);
}

describe('4. size', () => {
  const max = operation('createFineTuningJob').maxBodyBytes!;
  const sizeVerdict = { status: 413, param: null, code: 'payload_too_large', ruleId: 'request.body-size' };

  it('a declared Content-Length over the limit is 413 after the body is drained: the client writing it reads the answer, the connection stays usable', async () => {
    const total = max * 3;
    const r = await exchange('/v1/fine_tuning/jobs', { ...AUTH, ...JSON_CT, 'content-length': String(total) }, pieces(total));
    expect(r.writeError).toBeUndefined();
    expect(r.sent).toBe(total);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).violation).toMatchObject({ param: null, code: 'payload_too_large', ruleId: 'request.body-size' });
    expect(JSON.parse(r.body).violation.message).toContain(String(max));
    expect(r.headers.connection).toBe('keep-alive');
  });

  it('a streamed (chunked) body is 413 once it passes the limit, also drained before the answer', async () => {
    const total = max + 100_000;
    const r = await exchange('/v1/fine_tuning/jobs', { ...AUTH, ...JSON_CT, 'transfer-encoding': 'chunked' }, pieces(total));
    expect(r.writeError).toBeUndefined();
    expect(r.sent).toBe(total);
    expect(r.status).toBe(413);
    expect(r.headers.connection).toBe('keep-alive');
  });

  it('one byte over the limit is 413, the limit itself is read (and then judged on its syntax)', async () => {
    const over = await call('POST', '/v1/fine_tuning/jobs', { ...AUTH, ...JSON_CT }, 'a'.repeat(max + 1));
    expect(verdict(over)).toEqual(sizeVerdict);
    const at = await call('POST', '/v1/fine_tuning/jobs', { ...AUTH, ...JSON_CT }, 'a'.repeat(max));
    expect(verdict(at)).toMatchObject({ status: 400, code: 'invalid_json' });
  });

  it('a body past the drain bound (64 MiB) gets its 413 once 64 MiB were read and dropped, closing the connection', async () => {
    const total = DRAIN_MAX_BYTES * 2;
    const r = await exchange('/v1/fine_tuning/jobs', { ...AUTH, ...JSON_CT, 'content-length': String(total) }, pieces(total, 1 << 20), { stopWritingOnAnswer: true });
    expect(r.status).toBe(413);
    expect(r.headers.connection).toBe('close');
    expect(JSON.parse(r.body).violation).toMatchObject({ code: 'payload_too_large' });
    expect(r.sent).toBeGreaterThanOrEqual(DRAIN_MAX_BYTES);
    expect(r.sent).toBeLessThan(total);
  });

  it('a client that keeps streaming (chunked) past the drain bound gets its 413 and the connection is closed', async () => {
    const total = DRAIN_MAX_BYTES * 2;
    const r = await exchange('/v1/fine_tuning/jobs', { ...AUTH, ...JSON_CT, 'transfer-encoding': 'chunked' }, pieces(total, 1 << 20), { stopWritingOnAnswer: true });
    expect(r.status).toBe(413);
    expect(r.headers.connection).toBe('close');
    expect(r.sent).toBeLessThan(total);
  });

  it('a 20 MiB upload with a declared length is read to its end and answered 413 the client reads, connection kept', async () => {
    const total = 20 * 1024 * 1024;
    const r = await exchange('/v1/files', { ...AUTH, 'content-type': 'multipart/form-data; boundary=b', 'content-length': String(total) }, pieces(total, 1 << 20));
    expect(r.writeError).toBeUndefined();
    expect(r.sent).toBe(total);
    expect(r.status).toBe(413);
    expect(r.headers.connection).toBe('keep-alive');
  });

  it('a client that stalls mid-body after declaring too much gets its 413 after a short wait, and the connection is closed', async () => {
    const started = Date.now();
    const r = await new Promise<{ status: number; connection?: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/fine_tuning/jobs', headers: { ...AUTH, ...JSON_CT, 'content-length': String(max + 10) }, agent }, (res) => {
        res.resume().on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
      });
      req.on('error', reject);
      req.write('{"training_files":'); // and then nothing more
    });
    expect(r).toEqual({ status: 413, connection: 'close' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(DRAIN_IDLE_MS - 50);
  });

  it('an upload has its own, larger limit', async () => {
    const upload = operation('uploadFile').maxBodyBytes!;
    expect(upload).toBeGreaterThan(max);
    const total = upload + 1;
    const r = await exchange('/v1/files', { ...AUTH, 'content-type': 'multipart/form-data; boundary=b', 'content-length': String(total) }, pieces(total, 65536));
    expect(r.status).toBe(413);
    expect(r.writeError).toBeUndefined();
    expect(JSON.parse(r.body).violation.message).toContain(String(upload));
  });
});

describe('5. syntax', () => {
  it.each([
    ['{"training_files": ', 'malformed'],
    ['', 'empty'],
    ["{'training_files': []}", 'single quotes'],
  ])('JSON body %j (%s) is 400 param null, invalid_json', async (body) => {
    const a = await call('POST', '/v1/fine_tuning/jobs', { ...AUTH, ...JSON_CT }, body);
    expect(verdict(a)).toEqual({ status: 400, param: null, code: 'invalid_json', ruleId: 'request.malformed-json' });
    expect(a.json.violation?.message).toMatch(/^The request body is not valid JSON/);
  });

  const multipart = (ct: string, body: string) => call('POST', '/v1/files', { ...AUTH, 'content-type': ct }, body);
  it.each([
    ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nfine-tune', 'truncated'],
    ['multipart/form-data', 'x', 'no boundary'],
    ['multipart/form-data; boundary=xyz', '', 'empty'],
  ])('a multipart body that does not parse (%s, %j: %s) is 400 param null', async (ct, body) => {
    const a = await multipart(ct, body);
    expect(verdict(a)).toEqual({ status: 400, param: null, code: 'invalid_multipart', ruleId: 'request.malformed-multipart' });
    expect(a.json.violation?.message).toMatch(/^The multipart body does not parse/);
  });

  it('a malformed multipart body over the limit is 413: size comes before syntax', async () => {
    const upload = operation('uploadFile').maxBodyBytes!;
    const r = await exchange('/v1/files', { ...AUTH, 'content-type': 'multipart/form-data', 'transfer-encoding': 'chunked' }, pieces(upload + 1, 65536));
    expect(r.status).toBe(413);
    expect(r.writeError).toBeUndefined();
  });
});

describe('6. schema', () => {
  it('a query parameter that breaks its schema is 400 naming it', async () => {
    const a = await call('GET', '/v1/fine_tuning/jobs?limit=0', AUTH);
    expect(verdict(a)).toMatchObject({ status: 400, param: 'limit' });
  });

  it('the query is checked before the body', async () => {
    const a = await call('POST', '/v1/fine_tuning/jobs?limit=abc', { ...AUTH, ...JSON_CT }, '{"suffix":"x"}');
    expect(a.status).toBe(400);
    expect(a.json.violation?.param).toBe('training_files'); // create declares no query: unknown parameters are not judged
    const list = await call('GET', '/v1/files?limit=abc&limit=5', AUTH);
    expect(list.json.violation?.param).toBe('limit'); // the first value of a repeated parameter counts
  });

  it('a body that breaks its schema is 400 naming the field, the first one the schema lists', async () => {
    const a = await call('POST', '/v1/fine_tuning/jobs', { ...AUTH, ...JSON_CT }, '{"training_files":["file-abc123"],"suffix":"12345678901234567","base_model":"gpt-4o"}');
    expect(verdict(a)).toMatchObject({ status: 400, param: 'base_model', code: 'invalid_value' });
    const notObject = await call('POST', '/v1/fine_tuning/jobs', { ...AUTH, ...JSON_CT }, '[]');
    expect(verdict(notObject)).toMatchObject({ status: 400, param: null });
  });

  it('a deeply nested JSON body under the size limit is 400, never a 5xx (no copy of it recurses)', async () => {
    const n = 20_000; // 40 KB of brackets: under create's 64 KiB
    const arrays = '['.repeat(n) + ']'.repeat(n);
    const objects = '{"a":'.repeat(n / 4) + '1' + '}'.repeat(n / 4);
    const cases: [string, string | null][] = [
      [arrays, null],
      [`{"training_files":${arrays}}`, 'training_files'],
      [`{"training_files":["file-abc123"],"suffix":${objects}}`, 'suffix'],
      [`{"training_files":["file-abc123"],"extra":${arrays}}`, 'extra'],
    ];
    for (const [body, param] of cases) {
      expect(body.length).toBeLessThan(operation('createFineTuningJob').maxBodyBytes!);
      const a = await call('POST', '/v1/fine_tuning/jobs', { ...AUTH, ...JSON_CT }, body);
      expect(verdict(a), body.slice(0, 40)).toMatchObject({ status: 400, param });
    }
  });

  it('a form that breaks its schema is 400 naming the field', async () => {
    const form = new FormData();
    form.append('purpose', 'assistants');
    form.append('file', new Blob(['hello']), 'a.txt');
    const r = await fetch(`http://127.0.0.1:${port}/v1/files`, { method: 'POST', headers: AUTH, body: form });
    expect(r.status).toBe(400);
    expect(((await r.json()) as Answer['json']).violation).toMatchObject({ param: 'purpose', ruleId: 'upload.purpose' });
    const noFile = new FormData();
    noFile.append('purpose', 'fine-tune');
    const r2 = await fetch(`http://127.0.0.1:${port}/v1/files`, { method: 'POST', headers: AUTH, body: noFile });
    expect(((await r2.json()) as Answer['json']).violation).toMatchObject({ param: 'file', code: 'missing_required_parameter' });
  });

  it('an admitted request carries the typed, defaulted query and body', async () => {
    const list = await call('GET', '/v1/fine_tuning/jobs?limit=5&after=ftjob-9', AUTH);
    expect(list.json.request?.query).toEqual({ limit: 5, after: 'ftjob-9' });
    const defaulted = await call('GET', '/v1/fine_tuning/jobs', AUTH);
    expect(defaulted.json.request?.query).toEqual({ limit: 20 });
    const create = await call('POST', '/v1/fine_tuning/jobs', { ...AUTH, ...JSON_CT }, '{"training_files":["file-abc123"]}');
    expect(create.json.request?.body).toEqual({ training_files: ['file-abc123'], style_model: 'vaero-1', base_model: 'general' });
    expect(create.json.request?.raw).toBeUndefined();
  });

  it('an admitted upload carries its fields, its file part (bytes and name) and, when asked, the raw body', async () => {
    const form = new FormData();
    form.append('purpose', 'fine-tune');
    form.append('file', new Blob(['doc one\n***\ndoc two\n']), 'train.txt');
    const encoded = new Request('http://x.invalid/', { method: 'POST', body: form });
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    const a = await call('POST', '/v1/files', { ...AUTH, 'content-type': encoded.headers.get('content-type')! }, bytes, { rawBody: true });
    expect(a.status).toBe(200);
    expect(a.json.request?.form).toEqual({ purpose: 'fine-tune', file: 'doc one\n***\ndoc two\n' });
    expect(a.json.request?.file).toEqual({ filename: 'train.txt', text: 'doc one\n***\ndoc two\n' });
    expect(a.json.request?.raw).toBe(Buffer.from(bytes).toString('utf8'));
  });

  it('with schema: false (Prism judges), the schema step is skipped: nothing defaulted, nothing rejected; syntax still is', async () => {
    const body = '{"training_files":[],"base_model":"gpt-4o"}';
    const a = await call('POST', '/v1/fine_tuning/jobs?limit=abc', { ...AUTH, ...JSON_CT }, body, { schema: false, rawBody: true });
    expect(a.status).toBe(200);
    expect(a.json.request).toMatchObject({ query: { limit: 'abc' }, body: { training_files: [], base_model: 'gpt-4o' }, raw: body });
    const list = await call('GET', '/v1/fine_tuning/jobs?limit=0', AUTH, undefined, { schema: false });
    expect(list.json.request?.query).toEqual({ limit: '0' });
    const broken = await call('POST', '/v1/fine_tuning/jobs', { ...AUTH, ...JSON_CT }, '{', { schema: false });
    expect(verdict(broken)).toMatchObject({ status: 400, code: 'invalid_json' });
  });
});

describe('a client that goes away mid-body', () => {
  it('is not answered (the gate says aborted)', async () => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/fine_tuning/jobs?gone', headers: { ...AUTH, ...JSON_CT, 'content-length': '1000' }, agent: false });
    req.on('error', () => {});
    req.write('{"training_files":');
    await new Promise((r) => setTimeout(r, 50));
    req.destroy();
    for (let i = 0; i < 50 && !aborted.includes('/v1/fine_tuning/jobs?gone'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(aborted).toContain('/v1/fine_tuning/jobs?gone');
  });
});
