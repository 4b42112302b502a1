/**
 * The official `openai` SDK (6.x) as a first-class client of the stub, end to end: files
 * (create, list with auto-pagination, retrieve, content, delete), jobs (create, retrieve,
 * list with auto-pagination over several pages, cancel, listEvents), typed errors carrying
 * code/param/type, a 429 retried per Retry-After, an oversized upload answered once with
 * a readable 413 (not retried as a connection error), and requestID on successes and errors.
 *
 * The API follows OpenAI's paths, lists and errors; its create body is Vaero's own
 * (style_model, base_model, training_files), so it goes through the SDK with a cast.
 */
import OpenAI, { APIError, toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreateFineTuningJobRequest, type FineTuningJob, type FineTuningJobEvent } from '../../spec/index.js';
import { logLines, type TestStub } from '../../mock/stub/test/helpers.js';
import { MOCK_STATUS_HEADER } from '../../mock/stub/http/headers.js';
import { sampleJobId } from '../../mock/stub/service/sample-job.js';
import { startClientStub } from './workspace.js';

const KEY = 'sk-openai-sdk';
const REQUEST_ID = /^req_[0-9a-f]{32}$/;
let stub: TestStub;
let baseURL: string;
let client: OpenAI;

beforeAll(async () => {
  ({ stub, baseUrl: baseURL } = await startClientStub({ tokens: [KEY, 'sk-other'], checkAnswers: false }));
  client = new OpenAI({ apiKey: KEY, baseURL, maxRetries: 2 });
});
afterAll(() => stub.close());

/** Vaero's create body, through the SDK's OpenAI-typed create. */
const vaero = (body: CreateFineTuningJobRequest) => body as unknown as OpenAI.FineTuning.JobCreateParams;
const asJob = (job: OpenAI.FineTuning.FineTuningJob) => job as unknown as FineTuningJob;
const upload = async (text: string, name = 'train.txt') => client.files.create({ file: await toFile(Buffer.from(text), name, { type: 'text/plain' }), purpose: 'fine-tune' });
/** The log lines written since `before` that match a request line. */
const requestsSince = async (before: number, pattern: RegExp) => (await logLines(stub)).slice(before).filter((l) => pattern.test(l));

describe('the openai SDK against the stub', () => {
  it('files: create, list (auto-paginated), retrieve, content, delete', async () => {
    const text = 'The first training document.\n***\nThe second.\n';
    const file = await upload(text);
    expect(file).toMatchObject({ object: 'file', purpose: 'fine-tune', filename: 'train.txt', bytes: Buffer.byteLength(text) });
    expect(file._request_id).toMatch(REQUEST_ID);
    const more = await Promise.all([1, 2, 3].map((i) => upload(`document ${i}\n`, `more-${i}.txt`)));

    const listed: string[] = [];
    for await (const f of client.files.list({ limit: 2 })) listed.push(f.id);
    for (const f of [file, ...more]) expect(listed).toContain(f.id);
    expect(listed).toContain('file-abc123'); // the shared samples too
    expect(new Set(listed).size).toBe(listed.length);

    const got = await client.files.retrieve(file.id);
    expect(got).toMatchObject({ id: file.id, bytes: file.bytes });
    expect(got._request_id).toMatch(REQUEST_ID);
    expect(got._request_id).not.toBe(file._request_id);
    expect(await (await client.files.content(file.id)).text()).toBe(text);

    const deleted = await client.files.delete(file.id);
    expect(deleted).toEqual({ id: file.id, object: 'file', deleted: true });
    await expect(client.files.retrieve(file.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('jobs: create, retrieve, list auto-paginated over several pages, cancel, listEvents', async () => {
    const file = await upload('A training document.\n');
    const created: FineTuningJob[] = [];
    for (let i = 0; i < 5; i++) created.push(asJob(await client.fineTuning.jobs.create(vaero({ training_files: [file.id], suffix: `sdk-${i}` }))));
    expect(created[0]).toMatchObject({ object: 'fine_tuning.job', style_model: 'vaero-1', base_model: 'general', training_files: [file.id] });

    const got = asJob(await client.fineTuning.jobs.retrieve(created[0]!.id));
    expect(got.id).toBe(created[0]!.id);

    const before = (await logLines(stub)).length;
    const listed: string[] = [];
    for await (const job of client.fineTuning.jobs.list({ limit: 2 })) listed.push(job.id);
    // Newest first, none skipped or repeated; then the shared sample job every organization lists as its oldest.
    expect(listed).toEqual([...created.map((j) => j.id).reverse(), sampleJobId]);
    expect((await requestsSince(before, /GET \/v1\/fine_tuning\/jobs\?/)).length).toBeGreaterThanOrEqual(3);

    const cancelled = asJob(await client.fineTuning.jobs.cancel(created[1]!.id));
    expect(cancelled).toMatchObject({ id: created[1]!.id, status: 'cancelled' });
    expect(cancelled.finished_at).toEqual(expect.any(Number));

    const events: FineTuningJobEvent[] = [];
    for await (const e of client.fineTuning.jobs.listEvents(created[1]!.id, { limit: 1 })) events.push(e as unknown as FineTuningJobEvent);
    expect(events.length).toBeGreaterThanOrEqual(2);
    for (const e of events) expect(e).toMatchObject({ object: 'fine_tuning.job.event', level: expect.any(String) });
    expect(events[0]!.message).toMatch(/cancel/i);

    const page = await client.fineTuning.jobs.list({ limit: 1 }).withResponse();
    expect(page.request_id).toMatch(REQUEST_ID);
  });

  it('errors are typed, carry code, param and type, and a requestID', async () => {
    const bad = await client.fineTuning.jobs.create(vaero({ training_files: ['file-abc123'], suffix: '' })).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
    expect(bad).toMatchObject({ status: 400, code: 'invalid_value', param: 'suffix', type: 'invalid_request_error' });
    expect((bad as APIError).requestID).toMatch(REQUEST_ID);

    const missing = await client.fineTuning.jobs.retrieve('ftjob-nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found', param: null, type: 'not_found_error' });

    const stranger = new OpenAI({ apiKey: 'sk-not-accepted', baseURL, maxRetries: 0 });
    const refused = await stranger.files.list().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(refused).toMatchObject({ status: 401, param: 'authorization', type: 'authentication_error' });
    expect((refused as APIError).requestID).toMatch(REQUEST_ID);

    const sample = await client.files.delete('file-abc123').catch((e: unknown) => e);
    expect(sample).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(sample).toMatchObject({ status: 403, code: 'file_not_deletable' });
  });

  it('retries a 429 after its Retry-After and then succeeds', async () => {
    let attempts = 0;
    // The first attempt asks the stub for a 429 (Vaero-Mock-Status); the SDK's retry does not.
    const flaky = new OpenAI({
      apiKey: KEY,
      baseURL,
      maxRetries: 2,
      fetch: (url, init) => {
        const headers = new Headers(init?.headers);
        if (attempts++ === 0) headers.set(MOCK_STATUS_HEADER, '429');
        return fetch(url, { ...init, headers });
      },
    });
    const started = Date.now();
    const files = await flaky.files.list({ limit: 1 }).withResponse();
    expect(attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950); // Retry-After: 1
    expect(files.response.status).toBe(200);
    expect(files.request_id).toMatch(REQUEST_ID);
  });

  it('a 429 that persists ends in a RateLimitError after the retries, with its requestID', async () => {
    const limited = new OpenAI({ apiKey: KEY, baseURL, maxRetries: 1, defaultHeaders: { [MOCK_STATUS_HEADER]: '429' } });
    const before = (await logLines(stub)).length;
    const started = Date.now();
    const err = await limited.fineTuning.jobs.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'rate_limit_error' });
    expect((err as APIError).requestID).toMatch(REQUEST_ID);
    expect((err as APIError).headers?.get('retry-after')).toBe('1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(await requestsSince(before, /GET \/v1\/fine_tuning\/jobs 429 /)).toHaveLength(2);
  });

  it('an upload over the limit (20 MiB) is one request answered 413 the SDK reads, not a connection error retried', async () => {
    const before = (await logLines(stub)).length;
    const err = await client.files
      .create({ file: await toFile(Buffer.alloc(20 * 1024 * 1024, 0x61), 'big.txt', { type: 'text/plain' }), purpose: 'fine-tune' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err).not.toBeInstanceOf(OpenAI.APIConnectionError);
    expect(err).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect((err as APIError).requestID).toMatch(REQUEST_ID);
    expect(await requestsSince(before, /POST \/v1\/files /)).toHaveLength(1);
  });
});
