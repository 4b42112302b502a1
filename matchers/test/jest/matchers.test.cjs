/**
 * The matchers under jest 30 with its default configuration (CommonJS, no transform set,
 * no ESM flags): `require('vaero-contract/matchers')` resolves through the package's
 * exports map to the CommonJS build. Run by matchers/test/jest.test.ts.
 */
const { vaeroMatchers, judgeVaeroRequest, judgeVaeroResponse } = require('vaero-contract/matchers');

expect.extend(vaeroMatchers);

const url = 'https://vaeroapi.com/v1/fine_tuning/jobs';
// Answers as the spec declares them: JSON, with the X-Request-Id every answer carries.
const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'x-request-id': 'req_0123456789abcdef0123456789abcdef' } });
const list = { object: 'list', data: [], has_more: false };

test('a valid answer satisfies the contract, and stays readable', async () => {
  const res = json(list);
  await expect(res).toSatisfyVaeroContract({ url });
  expect(await res.json()).toEqual(list);
});

test('a broken answer does not, under its rule and side', async () => {
  const res = json({ ...list, has_more: 'no' });
  await expect(res).not.toSatisfyVaeroContract({ url });
  await expect(expect(res).toSatisfyVaeroContract({ url })).rejects.toThrow(/server broke list\.shape at \/has_more/);
  expect(await judgeVaeroResponse(res, { url })).toEqual([expect.objectContaining({ ruleId: 'list.shape', side: 'server', instancePath: '/has_more' })]);
});

test('requests: valid passes, invalid fails under the rule of the field', async () => {
  const headers = { authorization: 'Bearer jest' };
  await expect({ method: 'POST', url, headers, body: { training_files: ['file-abc123'] } }).toBeValidVaeroRequest();
  await expect({ method: 'POST', url, headers, body: { training_files: ['file-abc123'], suffix: '' } }).not.toBeValidVaeroRequest();
  expect(await judgeVaeroRequest({ method: 'GET', url: `${url}?limit=0` })).toEqual([
    expect.objectContaining({ ruleId: 'auth.bearer', side: 'client', param: 'authorization' }),
    expect.objectContaining({ ruleId: 'list.limit', side: 'client', param: 'limit' }),
  ]);
});
