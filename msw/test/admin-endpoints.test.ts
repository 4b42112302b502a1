/**
 * The MSW handlers serve the stub's admin endpoints (/__vaero/*) at the origin of their base URL,
 * so steering code written for `npm start` (createStubControl, or plain HTTP) runs unchanged
 * under MSW: here under msw/node, for a base URL with a path, one with a prefix, and one
 * without a path. (mock/stub/test/control-browser.test.ts runs the same page code against the
 * stub and under MSW's service worker in Chromium.)
 */
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStubControl, StubControlError } from '../../mock/stub/control-client.js';
import { sampleJobId } from '../../mock/stub/service/sample-job.js';
import { createVaeroHandlers } from '../index.js';

const BASES = ['https://vaero.test/v1', 'https://example.test/api/vaero/v1', 'https://bare.test'];
const server = setupServer(...BASES.flatMap((baseUrl) => createVaeroHandlers({ baseUrl }).handlers));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

describe.each(BASES)('under MSW with baseUrl %s', (baseUrl) => {
  const origin = new URL(baseUrl).origin;

  it('createStubControl steers the handlers over HTTP, as it steers the stub', async () => {
    const steer = createStubControl(baseUrl, 'msw-admin');
    await steer.reset();
    const job = await steer.seedJob({ status: 'failed', error: { code: 'invalid_training_file', message: 'Line 3 is empty' } });
    const list = (await (await fetch(`${baseUrl}/fine_tuning/jobs`, { headers: { authorization: 'Bearer msw-admin' } })).json()) as { data: { id: string; status: string }[] };
    // The stub's shared sample job (ftjob-abc123) is listed in every organization: only the seeded one is ours.
    expect(list.data.filter((j) => j.id !== sampleJobId).map((j) => [j.id, j.status])).toEqual([[job.id, 'failed']]);
    expect((await steer.requests()).map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200']);
    await steer.reset();
    expect(await steer.requests()).toEqual([]);
  });

  it('refuses a bad control with the envelope and its param, as the stub does', async () => {
    const refused = await createStubControl(baseUrl, 'msw-admin').advance(-1).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StubControlError);
    expect(refused).toMatchObject({ status: 400, error: { param: 'ms' } });
  });

  it('answers an unknown admin route 404 and a missing token 401, in the envelope', async () => {
    const unknown = await fetch(`${origin}/__vaero/nope`, { method: 'POST', headers: { authorization: 'Bearer t' } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
    const anonymous = await fetch(`${origin}/__vaero/reset`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { param: string } }).error.param).toBe('authorization');
  });
});
