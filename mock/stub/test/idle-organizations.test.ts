/**
 * Which organizations the stub forgets, and when (service/tenancy.ts): one that owns nothing
 * (no jobs, no files of its own, no armed failure), has no latency set and made no request
 * for IDLE_MS is dropped; one that owns something, or is steered, is kept however long it
 * is quiet. Seen through the API: a dropped organization's request log is gone; a kept one's
 * is still there.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../service/clock.js';
import { createRequestLogBook } from '../service/request-log.js';
import { createStore } from '../service/store.js';
import { createTenancy, IDLE_MS, SWEEP_EVERY_MS } from '../service/tenancy.js';
import { ADMIN_PREFIX } from '../http/app.js';
import { bearer, referenceBody, startTestStub, v1, withoutSample, type TestStub } from './helpers.js';

describe('idle organizations (tenancy, on its own)', () => {
  const setup = () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1), 0);
    const store = createStore(clock);
    const requests = createRequestLogBook(() => clock.now());
    const latency = new Set<string>();
    const tenancy = createTenancy({ store, requests, hasLatency: (o) => latency.has(o), now: () => clock.now() });
    const log = (org: string) => requests.record(org, { method: 'GET', path: '/v1/files', status: 200, rule: null, param: null, time: '', request_id: null });
    return { clock, store, requests, latency, tenancy, log };
  };

  it('drops an organization that owns nothing once its last request is IDLE_MS old, not before', () => {
    const { clock, store, requests, tenancy, log } = setup();
    store.addFile({ org: 'org-i', id: 'file-1', createdMs: clock.now(), filename: 'a', purpose: 'fine-tune', content: 'a' });
    store.deleteFile('org-i', 'file-1');
    log('org-i');
    clock.advance(IDLE_MS - 1);
    expect(tenancy.dropIfIdle('org-i')).toBe(false);
    expect([...store.organizations()]).toContain('org-i');
    clock.advance(1);
    expect(tenancy.dropIfIdle('org-i')).toBe(true);
    expect([...store.organizations()]).not.toContain('org-i');
    expect(requests.entries('org-i')).toEqual([]);
  });

  it('keeps one with a job, a file of its own, an armed failure or latency, however long it is quiet', () => {
    const { clock, store, latency, tenancy, log } = setup();
    store.addJob({ org: 'org-j', id: 'ftjob-1', createdMs: clock.now(), style_model: 'vaero-1', base_model: 'general', training_files: [], suffix: null, fineTunedModel: 'm', failure: null });
    store.addFile({ org: 'org-f', id: 'file-1', createdMs: clock.now(), filename: 'a', purpose: 'fine-tune', content: 'a' });
    store.orgFor('org-a').failNext = { code: 'x', message: 'y', param: null };
    latency.add('org-l');
    for (const o of ['org-j', 'org-f', 'org-a', 'org-l']) log(o);
    clock.advance(24 * 3600_000);
    tenancy.sweep();
    for (const o of ['org-j', 'org-f', 'org-a', 'org-l']) expect(tenancy.dropIfIdle(o), o).toBe(false);
    expect([...store.organizations()].sort()).toEqual(['org-a', 'org-f', 'org-j']);
  });

  it('sweeps at most every SWEEP_EVERY_MS', () => {
    const { clock, requests, latency, tenancy, log } = setup();
    latency.add('org-l');
    log('org-l');
    clock.advance(IDLE_MS);
    tenancy.sweepSometimes();
    expect(requests.entries('org-l'), 'kept: it has latency').toHaveLength(1);
    latency.delete('org-l'); // idle from now on, but the last sweep was just now
    clock.advance(SWEEP_EVERY_MS - 1);
    tenancy.sweepSometimes();
    expect(requests.entries('org-l')).toHaveLength(1);
    clock.advance(1);
    tenancy.sweepSometimes();
    expect(requests.entries('org-l')).toEqual([]);
  });
});

describe('idle organizations (through the stub)', () => {
  let stub: TestStub;
  beforeEach(async () => {
    stub = await startTestStub({ clock: new ManualClock(Date.now(), 0) });
  });
  afterEach(() => stub.close());
  const requestsOf = async (token: string) => (await stub.http.get(`${ADMIN_PREFIX}requests`).set('authorization', bearer(token))).body.data as unknown[];

  it('a visitor that only read is forgotten after IDLE_MS; one that created a job is not', async () => {
    await stub.http.get(v1('/fine_tuning/jobs')).set('authorization', bearer('visitor'));
    await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', bearer('builder')).send(referenceBody);
    stub.clock.advance(IDLE_MS - 1_000);
    await stub.http.get(v1('/files')).set('authorization', bearer('someone-else')); // a request: the stub looks for idle organizations
    expect(await requestsOf('visitor')).toHaveLength(1);
    stub.clock.advance(SWEEP_EVERY_MS); // the next look: the visitor's request is now older than IDLE_MS
    await stub.http.get(v1('/files')).set('authorization', bearer('someone-else'));
    expect(await requestsOf('visitor'), 'forgotten').toEqual([]);
    expect(await requestsOf('builder'), 'kept: it owns a job').toHaveLength(1);
    expect(withoutSample((await stub.http.get(v1('/fine_tuning/jobs')).set('authorization', bearer('builder'))).body.data as { id: string }[])).toHaveLength(1);
  });

  it('an organization whose file was deleted, and that set and removed latency, is forgotten once quiet', async () => {
    const up = await stub.http.post(v1('/files')).set('authorization', bearer('tidy')).field('purpose', 'fine-tune').attach('file', Buffer.from('x\n'), 'x.txt');
    await stub.http.delete(v1(`/files/${up.body.id}`)).set('authorization', bearer('tidy'));
    await stub.http.post(`${ADMIN_PREFIX}latency`).set('authorization', bearer('tidy')).send({ ms: 0 });
    stub.clock.advance(IDLE_MS + 1);
    await stub.http.get(v1('/files')).set('authorization', bearer('someone-else'));
    expect(await requestsOf('tidy')).toEqual([]);
  });

  it('latency keeps a quiet organization', async () => {
    await stub.http.post(`${ADMIN_PREFIX}latency`).set('authorization', bearer('slow')).send({ ms: 1, operations: ['listFiles'] });
    await stub.http.get(v1('/fine_tuning/jobs')).set('authorization', bearer('slow'));
    stub.clock.advance(IDLE_MS + 1);
    await stub.http.get(v1('/files')).set('authorization', bearer('someone-else'));
    expect(await requestsOf('slow')).toHaveLength(1);
  });
});
