/**
 * The admin endpoint's own body (it is not an operation of the spec, but its body is
 * read by the same gate): blank is the default failure, malformed JSON 400, too large 413.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_FAIL_NEXT_PATH } from '../http/app.js';
import { startTestStub, type TestStub } from './helpers.js';

let stub: TestStub;
beforeAll(async () => {
  stub = await startTestStub({ checkAnswers: false });
});
afterAll(() => stub.close());

const auth = 'Bearer admin-body-test';

describe(`POST ${ADMIN_FAIL_NEXT_PATH} body`, () => {
  it('a blank body arms the default failure', async () => {
    const res = await stub.http.post(ADMIN_FAIL_NEXT_PATH).set('authorization', auth).set('content-type', 'application/json').send('  ');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ armed: true, failure: { code: 'training_failed' } });
  });

  it('malformed JSON is 400 invalid_json, param null', async () => {
    const res = await stub.http.post(ADMIN_FAIL_NEXT_PATH).set('authorization', auth).set('content-type', 'application/json').send('{"code":');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_json', param: null, type: 'invalid_request_error' });
  });

  it('a body over 4096 bytes is 413', async () => {
    const res = await stub.http.post(ADMIN_FAIL_NEXT_PATH).set('authorization', auth).set('content-type', 'application/json').send(JSON.stringify({ code: 'x', message: 'm'.repeat(5000) }));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'payload_too_large', param: null });
    expect(res.body.error.message).toContain('4096');
  });

  it('without auth is 401 before the body is read', async () => {
    const res = await stub.http.post(ADMIN_FAIL_NEXT_PATH).set('content-type', 'application/json').send('{');
    expect(res.status).toBe(401);
    expect(res.body.error.param).toBe('authorization');
  });
});
