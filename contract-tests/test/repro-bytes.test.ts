/**
 * A failure's reproduction script sends the bytes the suite sent: a body that is not UTF-8
 * text (a fixture's rawBodyEncoding latin1) or holds characters the suite shows escaped
 * (controls, bidi marks) goes through printf with octal escapes, not as quoted text. Each
 * case is sent by the suite's client to a loopback server that keeps the bytes, and the
 * generated script is run with sh against the same server.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../fixtures/index.js';
import { toSuiteExchange } from '../../traffic/suite-exchange.js';
import { HttpClient, type SendOptions } from '../http/client.js';

const token = 'sk-repro-bytes';
let server: Server;
let baseUrl = '';
/** The bodies the server received, in order. */
const received: Buffer[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(Buffer.concat(chunks));
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"no","type":"invalid_request_error","param":null,"code":"invalid_json"}}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function runScript(script: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) =>
    execFile('sh', ['-c', script], { env: { PATH: process.env.PATH!, VAERO_TOKEN: token }, timeout: 20_000 }, (e, _out, stderr) => resolve({ code: e ? 1 : 0, stderr })),
  );
}

/** The bytes the suite sent and the bytes its script sent, for one request. */
async function sentAndReplayed(o: SendOptions): Promise<{ sent: Buffer; replayed: Buffer; curl: string }> {
  const client = new HttpClient({ baseUrl, token, maxRequests: 5 });
  const ex = client.redactDeep(await client.send(o));
  const sent = received.at(-1)!;
  const run = await runScript(client.provenance.script([ex]));
  expect(run.code, run.stderr).toBe(0);
  return { sent, replayed: received.at(-1)!, curl: ex.curl };
}

const f = fixture('create-json-not-utf8');
const latin1: SendOptions = { method: 'post', path: '/fine_tuning/jobs', raw: f.rawBody!, rawEncoding: f.rawBodyEncoding!, headers: { 'content-type': 'application/json' } };

describe('reproduction scripts send the exact bytes', () => {
  it('a latin1 body (fixture create-json-not-utf8: the bytes FF FE) is sent from printf, byte for byte', async () => {
    expect(f.rawBodyEncoding).toBe('latin1');
    const { sent, replayed, curl } = await sentAndReplayed(latin1);
    expect([...sent.subarray(-4)]).toEqual([0xff, 0xfe, 0x22, 0x7d]);
    expect(curl).toMatch(/^printf '.*\\377\\376.*' \| curl --request POST/);
    expect(curl).toContain('--data-binary @-');
    expect(replayed.equals(sent)).toBe(true);
  });

  it('a UTF-8 body with controls, CR, bidi marks, a backslash and a percent sign: the same bytes', async () => {
    const raw = '{"suffix": "a\\u0001\r\n\u202e%s\\\\ \u00e9 \u{1f600}", \'q\'}\u0000';
    const { sent, replayed, curl } = await sentAndReplayed({ method: 'post', path: '/fine_tuning/jobs', raw, headers: { 'content-type': 'application/json' } });
    expect(sent.equals(Buffer.from(raw, 'utf8'))).toBe(true);
    expect(curl.startsWith('printf ')).toBe(true);
    expect(replayed.equals(sent)).toBe(true);
  });

  it('plain text (UTF-8, no control characters) stays readable quoted text, and is the same bytes too', async () => {
    const { sent, replayed, curl } = await sentAndReplayed({ method: 'post', path: '/fine_tuning/jobs', json: { suffix: "caf\u00e9 'x' $HOME" } });
    expect(curl.startsWith('curl ')).toBe(true);
    expect(curl).toContain('--data-binary \'{"suffix":"café \'\\\'\'x\'\\\'\' $HOME"}\'');
    expect(replayed.equals(sent)).toBe(true);
  });

  it('traffic (vaero proxy, vaero judge): a request body that is not UTF-8 is kept as its bytes, and its curl sends them; a tab after the scheme stays a tab', async () => {
    const raw = Buffer.from(f.rawBody!, 'latin1');
    const url = `${baseUrl}/fine_tuning/jobs`;
    const ex = toSuiteExchange(
      { seq: 1, request: { method: 'POST', path: '/fine_tuning/jobs', query: [], url, headers: { authorization: `Bearer\t${token}`, 'content-type': 'application/json' }, body: { bytes: raw, length: raw.length, truncated: false } } },
      'createFineTuningJob',
    );
    expect(ex.request.headers.authorization).toBe('Bearer\t$VAERO_TOKEN');
    const run = await runScript(ex.curl);
    expect(run.code, run.stderr).toBe(0);
    expect(received.at(-1)!.equals(raw)).toBe(true);
  });
});
