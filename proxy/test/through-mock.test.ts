/**
 * The Prism mock behind the proxy (profile core: a static mock answers with its examples,
 * so a create's echo and the rules across exchanges are not asked of it): its answers
 * judge clean, and what the client breaks is the client's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrismMock, type PrismMock } from '../../mock/prism/index.js';
import { startProxy, type VaeroProxy } from '../server.js';

let mock: PrismMock;
let proxy: VaeroProxy;
const lines: string[] = [];
const auth = { authorization: 'Bearer mock-test' };

beforeAll(async () => {
  mock = await startPrismMock({ port: 0 });
  proxy = await startProxy({ upstream: mock.baseUrl, stateful: false, log: (l) => lines.push(l) });
}, 60_000);
afterAll(async () => {
  await proxy?.close();
  await mock?.close();
});

describe('the Prism mock through the proxy', () => {
  it('valid requests judge clean on both sides; a broken one is the client\'s, and the mock\'s answer holds the rule', async () => {
    const create = (json: unknown) => fetch(proxy.url + '/fine_tuning/jobs', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(json) });
    expect((await create({ style_model: 'vaero-1', base_model: 'general', training_files: ['file-abc123', 'file-abc124'], suffix: 'custom-name' })).status).toBe(200);
    expect((await fetch(proxy.url + '/fine_tuning/jobs?limit=2', { headers: auth })).status).toBe(200);
    expect((await fetch(proxy.url + '/files/file-abc123', { headers: auth })).status).toBe(200);
    expect((await fetch(proxy.url + '/fine_tuning/jobs/ftjob-abc123/events', { headers: auth })).status).toBe(200);
    expect((await create({ training_files: ['file-abc123'], style_model: 'vaero-2' })).status).toBe(400);
    const report = await proxy.report();
    expect(lines.map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual(['client create.style_model']);
    expect(report.traffic?.findings).toEqual({ client: 1, server: 0 });
    expect(report.rules.find((r) => r.id === 'response.schema')?.verdict).toBe('held');
  });
});
