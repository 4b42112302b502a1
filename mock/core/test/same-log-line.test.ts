/**
 * One log line format: the stub and the Prism mock, given the same requests that break the
 * contract, write the same line for each (method, path, status, rule, param), as both render
 * their answers through the request core. Only the time, the duration and the request id differ.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFixtures, toHttpRequest } from '../../../fixtures/index.js';
import { FLUSH_MS } from '../../http/log.js';
import { startPrismMock, type PrismMock } from '../../prism/index.js';
import { startStub, type RunningStub } from '../../stub/server.js';

let stub: RunningStub;
let mock: PrismMock;
const stubLines: string[] = [];
const mockLines: string[] = [];
beforeAll(async () => {
  [stub, mock] = await Promise.all([startStub({ port: 0, log: (l) => stubLines.push(l) }), startPrismMock({ port: 0, log: (l) => mockLines.push(l) })]);
}, 60_000);
afterAll(async () => {
  await Promise.all([stub?.close(), mock?.close()]);
});

// What differs from one answer to the next: the time, the duration, the request id.
const TIME_DURATION_ID = /^\d\d:\d\d:\d\d\.\d{3} (\S+ \S+ \d{3}) \d+\.\dms req_[0-9a-f]{32}(.*)$/;
const normalised = (line: string) => line.replace(TIME_DURATION_ID, '$1 …$2');

// Requests that break the contract in every way the spec alone decides: route, auth, content type and charset, size, syntax, schema.
const broken = requestFixtures.filter((f) => !f.valid && f.layer === 'schema');

async function send(baseUrl: string, f: (typeof broken)[number]): Promise<void> {
  const req = await toHttpRequest(f);
  const res = await fetch(baseUrl + req.path, { method: req.method, headers: req.headers, body: req.body ? new Uint8Array(req.body) : undefined });
  await res.arrayBuffer();
}

describe('the same violation gives the same log line on the stub and the mock', () => {
  it('line for line, every schema-layer violation of the fixtures', async () => {
    for (const f of broken) await send(stub.baseUrl, f);
    for (const f of broken) await send(mock.baseUrl, f);
    await new Promise((r) => setTimeout(r, FLUSH_MS + 10)); // the log is written in batches
    expect(stubLines).toHaveLength(broken.length);
    for (const line of [...stubLines, ...mockLines]) expect(line).toMatch(TIME_DURATION_ID);
    expect(mockLines.map(normalised)).toEqual(stubLines.map(normalised));
    // Each names the rule the fixture is labelled with.
    for (const [i, f] of broken.entries()) if (f.expect.ruleId) expect(stubLines[i], f.name).toContain(` rule=${f.expect.ruleId}`);
  });
});
