/**
 * Tenant isolation: each token is its own organization, which never sees, lists,
 * cancels, reads or trains on another's jobs or files (404 in the path and 400
 * training_files in a body, exactly as for an unknown id). And --tokens.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { trainingFiles } from '../../../fixtures/index.js';
import type { ErrorBody, FileObjectList, FineTuningJob, FineTuningJobList, VaeroFile } from '../../../spec/index.js';
import { bearer, conforms, referenceBody, startTestStub, v1, expectEveryAnswerConformed, type TestStub } from './helpers.js';

// Every answer any stub in this file gives is checked against the spec, not only those a test inspects.
afterEach(expectEveryAnswerConformed);

const A = bearer('tenant-a');
const B = bearer('tenant-b');
let stub: TestStub;
let jobA: FineTuningJob;
let fileA: VaeroFile;

const shape = (res: { status: number; body: ErrorBody }) => ({ status: res.status, type: res.body.error.type, param: res.body.error.param, code: res.body.error.code });

beforeAll(async () => {
  stub = await startTestStub();
  const up = await stub.http.post(v1('/files')).set('authorization', A).field('purpose', 'fine-tune').attach('file', readFileSync(trainingFiles.text), 'a.txt');
  fileA = conforms(up) as VaeroFile;
  const res = await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', A).send({ training_files: [fileA.id, 'file-abc123'] });
  expect(res.status, res.text).toBe(200);
  jobA = conforms(res) as FineTuningJob;
});
afterAll(() => stub.close());

describe('one organization per token', () => {
  it('derives a stable organization_id from the token, different per token', async () => {
    const again = await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', A).send(referenceBody);
    expect(again.body.organization_id).toBe(jobA.organization_id);
    expect(jobA.organization_id).toMatch(/^org-/);
    const other = await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', B).send(referenceBody);
    expect(other.body.organization_id).not.toBe(jobA.organization_id);
    // The same token on a fresh stub is the same organization.
    const fresh = await startTestStub();
    try {
      const res = await fresh.http.post(v1('/fine_tuning/jobs')).set('authorization', A).send(referenceBody);
      expect(res.body.organization_id).toBe(jobA.organization_id);
    } finally {
      await fresh.close();
    }
  });

  it.each([
    ['retrieve', 'get', (id: string) => `/fine_tuning/jobs/${id}`],
    ['cancel', 'post', (id: string) => `/fine_tuning/jobs/${id}/cancel`],
    ['events', 'get', (id: string) => `/fine_tuning/jobs/${id}/events`],
  ] as const)("another organization's job is 404 to %s, exactly like an unknown id", async (_n, method, path) => {
    const foreign = await stub.http[method](v1(path(jobA.id))).set('authorization', B);
    const unknown = await stub.http[method](v1(path('ftjob-doesnotexist'))).set('authorization', B);
    conforms(foreign);
    expect(shape(foreign)).toEqual({ status: 404, type: 'not_found_error', param: null, code: 'not_found' });
    expect(shape(foreign)).toEqual(shape(unknown));
    // ...and the owner still sees it, not cancelled.
    const own = await stub.http.get(v1(`/fine_tuning/jobs/${jobA.id}`)).set('authorization', A);
    expect(own.body.status).not.toBe('cancelled');
  });

  it("another organization's jobs are not in its list, and its job id is not a cursor there", async () => {
    const list = await stub.http.get(v1('/fine_tuning/jobs?limit=100')).set('authorization', B);
    conforms(list);
    const ids = (list.body as FineTuningJobList).data.map((j) => j.id);
    expect(ids).not.toContain(jobA.id);
    expect((list.body as FineTuningJobList).data.every((j) => j.organization_id !== jobA.organization_id)).toBe(true);
    const cursor = await stub.http.get(v1(`/fine_tuning/jobs?after=${jobA.id}`)).set('authorization', B);
    conforms(cursor);
    expect(shape(cursor)).toMatchObject({ status: 400, param: 'after' });
  });

  it.each([
    ['retrieve', 'get', (id: string) => `/files/${id}`],
    ['download', 'get', (id: string) => `/files/${id}/content`],
    ['delete', 'delete', (id: string) => `/files/${id}`],
  ] as const)("another organization's file is 404 to %s, exactly like an unknown id", async (_n, method, path) => {
    const foreign = await stub.http[method](v1(path(fileA.id))).set('authorization', B);
    const unknown = await stub.http[method](v1(path('file-doesnotexist'))).set('authorization', B);
    conforms(foreign);
    expect(shape(foreign)).toEqual({ status: 404, type: 'not_found_error', param: null, code: 'not_found' });
    expect(shape(foreign)).toEqual(shape(unknown));
    expect((await stub.http.get(v1(`/files/${fileA.id}`)).set('authorization', A)).status).toBe(200);
  });

  it("training on another organization's file is 400 training_files naming it, like an unknown file", async () => {
    const foreign = await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', B).send({ training_files: ['file-abc123', fileA.id] });
    const unknown = await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', B).send({ training_files: ['file-abc123', 'file-doesnotexist'] });
    conforms(foreign);
    expect(shape(foreign)).toEqual({ status: 400, type: 'invalid_request_error', param: 'training_files', code: 'file_not_found' });
    expect(shape(foreign)).toEqual(shape(unknown));
    expect(foreign.body.error.message).toContain(fileA.id);
  });

  it('both see the shared samples in their file lists, and only their own uploads', async () => {
    const listA = conforms(await stub.http.get(v1('/files')).set('authorization', A)) as FileObjectList;
    const listB = conforms(await stub.http.get(v1('/files')).set('authorization', B)) as FileObjectList;
    expect(listA.data.map((f) => f.id)).toEqual([fileA.id, 'file-abc124', 'file-abc123']);
    expect(listB.data.map((f) => f.id)).toEqual(['file-abc124', 'file-abc123']);
  });

  it('no organization can delete a shared sample (403), and it stays for everyone', async () => {
    for (const token of [A, B]) {
      const res = await stub.http.delete(v1('/files/file-abc124')).set('authorization', token);
      conforms(res);
      expect(shape(res)).toEqual({ status: 403, type: 'permission_error', param: null, code: 'file_not_deletable' });
    }
    expect((await stub.http.get(v1('/files/file-abc124/content')).set('authorization', B)).status).toBe(200);
  });

  it('deleting its own file: {id, object, deleted}; then gone from list, retrieval and new jobs', async () => {
    const up = await stub.http.post(v1('/files')).set('authorization', B).field('purpose', 'fine-tune').attach('file', Buffer.from('one\n***\ntwo\n'), 'b.txt');
    const id = (conforms(up) as VaeroFile).id;
    const del = await stub.http.delete(v1(`/files/${id}`)).set('authorization', B);
    expect(conforms(del)).toEqual({ id, object: 'file', deleted: true });
    expect((await stub.http.get(v1(`/files/${id}`)).set('authorization', B)).status).toBe(404);
    expect((await stub.http.delete(v1(`/files/${id}`)).set('authorization', B)).status).toBe(404);
    const list = conforms(await stub.http.get(v1('/files')).set('authorization', B)) as FileObjectList;
    expect(list.data.map((f) => f.id)).not.toContain(id);
    const job = await stub.http.post(v1('/fine_tuning/jobs')).set('authorization', B).send({ training_files: [id] });
    expect(shape(job)).toMatchObject({ status: 400, param: 'training_files' });
  });
});

describe('--tokens restricts the accepted tokens', () => {
  it('accepts listed tokens and answers 401 param authorization to others', async () => {
    const restricted = await startTestStub({ tokens: ['alpha', 'beta'] });
    try {
      for (const t of ['alpha', 'beta']) {
        const ok = await restricted.http.post(v1('/fine_tuning/jobs')).set('authorization', bearer(t)).send(referenceBody);
        expect(ok.status).toBe(200);
      }
      const denied = await restricted.http.post(v1('/fine_tuning/jobs')).set('authorization', bearer('gamma')).send(referenceBody);
      conforms(denied);
      expect(shape(denied)).toEqual({ status: 401, type: 'authentication_error', param: 'authorization', code: 'invalid_authorization' });
      const list = await restricted.http.get(v1('/files')).set('authorization', bearer('alphabeta'));
      expect(list.status).toBe(401);
    } finally {
      await restricted.close();
    }
  });
});
