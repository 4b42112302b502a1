/**
 * Reading HAR: what is not HAR is refused (NotHar: the CLI's exit 2), entries outside the
 * base URL are counted and left out, and an entry saved without its credentials or its
 * body (devtools' sanitized export) leaves what needs them not judged, never passed; a
 * `vaero proxy --strict` recording is judged by the upstream's answer it replaced.
 */
import { describe, expect, it } from 'vitest';
import { NotHar, readHar } from '../har.js';
import { judgeHar } from '../judge-har.js';

const base = 'https://api.example.test/v1';
const job = { object: 'fine_tuning.job', id: 'ftjob-1', style_model: 'vaero-1', base_model: 'general', created_at: 1721764800, finished_at: null, fine_tuned_model: null, organization_id: 'org-1', status: 'queued', training_files: ['file-abc123'], error: null };

function entry(o: { method?: string; url: string; headers?: Record<string, string>; postData?: string; status?: number; text?: string; size?: number }) {
  return {
    startedDateTime: '2026-01-01T00:00:00.000Z',
    time: 1,
    request: { method: o.method ?? 'GET', url: o.url, headers: Object.entries(o.headers ?? {}).map(([name, value]) => ({ name, value })), bodySize: o.postData ? o.postData.length : 0, ...(o.postData ? { postData: { mimeType: 'application/json', text: o.postData } } : {}) },
    response: { status: o.status ?? 200, headers: [{ name: 'content-type', value: 'application/json' }, { name: 'x-request-id', value: 'req_0123456789abcdef0123456789abcdef' }], content: { size: o.size ?? o.text?.length ?? 0, mimeType: 'application/json', ...(o.text !== undefined ? { text: o.text } : {}) } },
  };
}
const har = (entries: unknown[]) => JSON.stringify({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries } });
const auth = { authorization: 'Bearer t', 'content-type': 'application/json' };

describe('readHar', () => {
  it('refuses what is not HAR', () => {
    expect(() => readHar('not json')).toThrow(NotHar);
    expect(() => readHar('{"log": {}}')).toThrow(/no log.entries array/);
    expect(() => readHar('{"log": {"entries": [{"request": {}}]}}')).toThrow(NotHar);
  });

  it('counts entries outside the base URL and leaves them out; finds the base URL when none is given', () => {
    const read = readHar(har([entry({ url: 'https://app.example.test/' }), entry({ url: `${base}/files`, headers: auth, text: '{"object":"list","data":[],"has_more":false}' }), entry({ url: 'https://api.example.test/v10/files' })]));
    expect(read.baseUrl).toBe(base);
    expect(read.outside).toBe(2);
    expect(read.exchanges.map((e) => e.request.path)).toEqual(['/files']);
  });
  it('a strict proxy\'s replaced answer: judged by _vaeroUpstreamResponse, the 502 the client got kept as delivered', () => {
    const replaced = { ...entry({ url: `${base}/files`, headers: auth, status: 502, text: '{"error":{"code":"contract_violation"}}' }), _vaeroUpstreamResponse: entry({ url: '', text: '{"object":"list"}' }).response };
    const [ex] = readHar(har([replaced])).exchanges;
    expect(ex!.response!.status).toBe(200);
    expect(Buffer.from(ex!.response!.body!.bytes).toString()).toBe('{"object":"list"}');
    expect(ex!.delivered!.status).toBe(502);
    // Without it (any other HAR), the entry's response is what is judged.
    expect(readHar(har([entry({ url: `${base}/files`, headers: auth, status: 502 })])).exchanges[0]).not.toHaveProperty('delivered');
  });

  // HAR's bodySize -1 is "not available": only a bodySize of 0 says the request had no body.
  it.each([[-1, false], [undefined, false], [0, true]])('a request without postData and bodySize %s: body known %s', (bodySize, known) => {
    const e = entry({ method: 'POST', url: `${base}/fine_tuning/jobs`, headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, status: 200, text: JSON.stringify(job) });
    const request = bodySize === undefined ? (({ bodySize: _, ...r }) => r)(e.request) : { ...e.request, bodySize };
    const [ex] = readHar(har([{ ...e, request }])).exchanges;
    if (known) expect(ex!.request.body?.length).toBe(0);
    else expect(ex!.request).not.toHaveProperty('body');
  });
});

describe('judgeHar on a sanitized export', () => {
  it('an entry without credentials or body: auth and the body are not judged; what it holds still is', async () => {
    const create = entry({ method: 'POST', url: `${base}/fine_tuning/jobs`, headers: { 'content-type': 'application/json', 'content-length': '40' }, text: JSON.stringify(job) });
    const list = entry({ url: `${base}/fine_tuning/jobs?limit=0`, headers: {}, status: 200, size: 120 });
    const { report, lines } = await judgeHar(har([create, list]), { level: 'contract' });
    // limit=0 is still the client's: the query is in the record.
    expect(lines.map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual(['client list.limit', 'server list.limit']);
    const verdict = (id: string) => report.rules.find((r) => r.id === id)!;
    expect(verdict('auth.bearer').verdict).toBe('not-judged');
    expect(verdict('auth.bearer').notJudged.map((n) => n.reason)).toEqual(['the record holds no credentials']);
    expect(verdict('request.schema').verdict).toBe('not-judged');
    expect(verdict('job.shape').verdict).toBe('held');
    expect(verdict('response.schema').notJudged.map((n) => n.reason)).toEqual(["the answer's body: the record holds no response body"]);
  });

  it('a create whose body is "not available" (bodySize -1): its body rules are not judged, not held on nothing nor broken', async () => {
    const create = entry({ method: 'POST', url: `${base}/fine_tuning/jobs`, headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, text: JSON.stringify(job) });
    const { report, lines } = await judgeHar(har([{ ...create, request: { ...create.request, bodySize: -1 } }]), { level: 'contract' });
    expect(lines.map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual([]);
    const verdict = (id: string) => report.rules.find((r) => r.id === id)!;
    expect(verdict('request.body-size').verdict).not.toBe('held');
    expect(verdict('request.malformed-json').verdict).toBe('not-judged');
    expect(verdict('request.malformed-json').notJudged.map((n) => n.reason)).toEqual(['the record holds no request body']);
  });
});
