/**
 * One set of steering headers for both servers (README, "Steering headers"): the stub and the
 * Prism mock, side by side, answer `Vaero-Mock-Status: N` and `Prefer: code=N` alike, for
 * every operation and every error status it declares: that status, the spec's example for it,
 * a 429 with Retry-After: 1, whatever the body; both ignore (serve as if not asked) a status the
 * operation does not declare; Prism's own `example=` and `dynamic=true` reach Prism.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations, validateResponse, type Operation } from '../../../spec/index.js';
import { startPrismMock, type PrismMock } from '../../prism/index.js';
import { startStub, type RunningStub } from '../../stub/server.js';
import { MOCK_STATUS_HEADER, PREFER_HEADER } from '../header-names.js';
import { sampleJobId } from '../../stub/service/sample-job.js';

let stub: RunningStub;
let mock: PrismMock;
beforeAll(async () => {
  [stub, mock] = await Promise.all([startStub({ port: 0, log: false }), startPrismMock({ port: 0 })]);
}, 60_000);
afterAll(async () => {
  await Promise.all([stub?.close(), mock?.close()]);
});

const servers = () => [
  ['stub', stub.baseUrl],
  ['mock', mock.baseUrl],
] as const;

const pathOf = (op: Operation) => op.path.replace('{fine_tuning_job_id}', 'ftjob-abc123').replace('{file_id}', 'file-abc123');

async function call(baseUrl: string, op: Operation, headers: Record<string, string>, body?: string) {
  const res = await fetch(baseUrl + pathOf(op), {
    method: op.method.toUpperCase(),
    headers: { authorization: 'Bearer steer', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text };
}

const ASKED = operations.flatMap((op) =>
  [...op.responses.keys()].filter((s) => s >= 400).flatMap((status) => [
    [op.operationId, status, { [MOCK_STATUS_HEADER]: String(status) }],
    [op.operationId, status, { [PREFER_HEADER]: `code=${status}` }],
  ] as const),
);

describe('an error status asked for', () => {
  it.each(ASKED)('%s %i via %j: both servers answer it with the spec example, alike', async (opId, status, headers) => {
    const op = operations.find((o) => o.operationId === opId)!;
    // A body that breaks the contract: the asked status comes first.
    const body = op.requestMediaTypes.includes('application/json') ? '{"suffix": 5' : undefined;
    const [fromStub, fromMock] = await Promise.all(servers().map(([, url]) => call(url, op, headers, body)));
    expect(fromStub!.status).toBe(status);
    expect(fromMock).toEqual(fromStub);
    expect(fromStub!.body).toEqual(Object.values(op.responses.get(status)!.examples)[0]);
    expect(validateResponse(op, status, fromStub!.body)).toEqual({ ok: true });
    expect(fromStub!.retryAfter).toBe(status === 429 ? '1' : null);
  });

  it.each(['stub', 'mock'])('%s: route and auth come first (401 without a token)', async (name) => {
    const url = servers().find(([n]) => n === name)![1];
    const res = await fetch(`${url}/files`, { headers: { [PREFER_HEADER]: 'code=429' } });
    expect(res.status).toBe(401);
  });
});

describe('what cannot be answered is ignored (served as if not asked), on both', () => {
  const listFiles = operations.find((o) => o.operationId === 'listFiles')!;
  it.each([
    [{ [PREFER_HEADER]: 'code=418' }],
    [{ [PREFER_HEADER]: 'code=soon' }],
    [{ [MOCK_STATUS_HEADER]: '418' }],
    [{ [MOCK_STATUS_HEADER]: '418', [PREFER_HEADER]: 'code=429' }],
    [{ [PREFER_HEADER]: 'example=nope' }],
  ])('%j', async (headers) => {
    expect([...listFiles.responses.keys()]).not.toContain(418);
    for (const [name, url] of servers()) {
      const res = await call(url, listFiles, headers);
      expect([name, res.status, res.body.object]).toEqual([name, 200, 'list']);
    }
  });
});

describe("Prism's own preferences reach Prism through the mock", () => {
  const retrieve = operations.find((o) => o.operationId === 'retrieveFineTuningJob')!;
  const list = operations.find((o) => o.operationId === 'listFineTuningJobs')!;

  it('Prefer: example=NAME answers that example of the success response', async () => {
    for (const [name, value] of Object.entries(retrieve.responses.get(200)!.examples)) {
      const res = await call(mock.baseUrl, retrieve, { [PREFER_HEADER]: `example=${name}` });
      expect(res).toMatchObject({ status: 200, body: value });
    }
  });

  it('Prefer: dynamic=true answers a generated body that validates (not the static example)', async () => {
    const bodies = await Promise.all([1, 2, 3].map(() => call(mock.baseUrl, list, { [PREFER_HEADER]: 'dynamic=true' })));
    for (const res of bodies) {
      expect(res.status).toBe(200);
      expect(validateResponse(list, 200, res.body)).toEqual({ ok: true });
    }
    const example = Object.values(list.responses.get(200)!.examples)[0];
    expect(bodies.some((r) => JSON.stringify(r.body) !== JSON.stringify(example))).toBe(true);
  });

  it('the stub answers from its state whatever Prefer: example= or dynamic=true say', async () => {
    const res = await call(stub.baseUrl, list, { [PREFER_HEADER]: 'dynamic=true, example=page' });
    // Its state: a fresh organization lists only the shared sample job (with its own organization id), not the example page.
    expect(res).toMatchObject({ status: 200, body: { object: 'list', data: [{ id: sampleJobId, organization_id: expect.not.stringMatching(/^org-123$/) }], has_more: false } });
  });
});
