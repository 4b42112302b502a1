/**
 * A deliberately broken server behind the proxy: every rule it breaks is reported on the
 * server's side under that rule (one log line each), the client's own mistake on the
 * client's side, and --strict stops both: the bad request never reaches the server, the
 * bad answer never reaches the client. What --strict replaced with a 502 is recorded as the
 * client got it (the 502), and reported as judged (the upstream's answer) with the 502 named.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { judgeHar } from '../../traffic/judge-har.js';
import { startProxy, type ProxyOptions, type VaeroProxy } from '../server.js';
import { startBrokenServer, type BrokenServer } from './broken-server.js';

let upstream: BrokenServer;
let proxy: VaeroProxy;
let lines: string[];

async function start(o: Partial<ProxyOptions> = {}) {
  upstream = await startBrokenServer();
  lines = [];
  proxy = await startProxy({ upstream: upstream.baseUrl, log: (l) => lines.push(l), ...o });
}
afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

const auth = { authorization: 'Bearer broken-test' };
const post = (path: string, json: unknown) => fetch(proxy.url + path, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(json) });
const get = (path: string) => fetch(proxy.url + path, { headers: auth });

/** "side rule" of each finding line, in order. */
const sideAndRule = () => lines.map((l) => l.split(' ').slice(1, 3).join(' '));

describe('a broken server through the proxy', () => {
  beforeEach(() => start());

  it('each broken rule is the server\'s, under that rule; the client\'s mistake is the client\'s', async () => {
    const job = (await (await post('/fine_tuning/jobs', { training_files: ['file-abc123', 'file-abc124'] })).json()) as { id: string };
    await post('/fine_tuning/jobs', { training_files: ['file-abc123'], suffix: 'x'.repeat(17) });
    await get(`/fine_tuning/jobs/${job.id}`);
    await get(`/fine_tuning/jobs/${job.id}`);
    await get('/fine_tuning/jobs');
    await post(`/fine_tuning/jobs/${job.id}/cancel`, {});
    await get('/files');
    await get('/files/file-abc123');
    const report = await proxy.report();
    expect(sideAndRule()).toEqual([
      'server job.echo',
      'client create.suffix',
      'server create.suffix',
      'server job.retrieve.stable',
      'server job.lifecycle',
      'server list.order-and-cursor',
      // The list shows the job queued after a retrieve showed it running: the lifecycle again.
      'server job.lifecycle',
      'server job.cancel',
      // JSON sent as text/plain: the media type, and (as vaero test judges it) a body that is not the declared JSON.
      'server response.content-type',
      'server response.schema',
      // A file without its required `bytes`: the rule of the file object.
      'server file.shape',
    ]);
    expect(lines[2]).toContain('a request that breaks create.suffix (suffix: must NOT have more than 16 characters) was accepted with 200; the spec answers 400 with param "suffix"');
    expect(lines.at(-1)).toContain('at /bytes');
    expect(proxy.violations).toEqual({ client: 1, server: 10 });
    const server = report.checks.find((c) => c.id === 'traffic-server')!;
    expect(server.status).toBe('failed');
    expect(new Set(server.failures.map((f) => f.ruleId))).toEqual(new Set(['job.echo', 'create.suffix', 'job.retrieve.stable', 'job.lifecycle', 'list.order-and-cursor', 'job.cancel', 'response.content-type', 'response.schema', 'file.shape']));
    expect(report.outcome).toBe('nonconform');
  });

  it('at reference level an inferred rule broken is a warning, a reference rule still an error', async () => {
    const report = await (async () => {
      await proxy.close();
      await upstream.close();
      await start({ level: 'reference' });
      await post('/fine_tuning/jobs', { training_files: ['file-abc123', 'file-abc124'] }); // job.echo: reference
      const job = (await (await post('/fine_tuning/jobs', { training_files: ['file-abc123'] })).json()) as { id: string };
      await post(`/fine_tuning/jobs/${job.id}/cancel`, {}); // job.cancel: inferred
      return proxy.report();
    })();
    expect(report.summary.brokenRules).toEqual(['job.echo']);
    expect(report.summary.warnedRules).toEqual(['job.cancel']);
    expect(proxy.violations).toEqual({ client: 0, server: 1 });
  });
});

describe('--strict', () => {
  beforeEach(() => start({ strict: true }));

  it('answers a contract-breaking request with the contract\'s own error and does not forward it', async () => {
    const res = await post('/fine_tuning/jobs', { training_files: ['file-abc123'], suffix: 'x'.repeat(17) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({ type: 'invalid_request_error', param: 'suffix', code: 'invalid_value' });
    const noAuth = await fetch(proxy.url + '/files');
    expect(noAuth.status).toBe(401);
    expect(((await noAuth.json()) as { error: unknown }).error).toMatchObject({ type: 'authentication_error', param: 'authorization', code: 'missing_authorization' });
    expect(upstream.hits).toEqual([]);
    await proxy.report();
    expect(sideAndRule()).toEqual(['client create.suffix', 'client auth.bearer']);
  });

  it('replaces a contract-breaking answer with a 502 that says why, and passes a good one on', async () => {
    const echo = await post('/fine_tuning/jobs', { training_files: ['file-abc123', 'file-abc124'] });
    expect(echo.status).toBe(502);
    expect(echo.headers.get('vaero-proxy-violations')).toBe('job.echo');
    expect(((await echo.json()) as { error: { message: string } }).error.message).toMatch(/job\.echo at \/training_files/);
    const fine = await post('/fine_tuning/jobs', { training_files: ['file-abc123'] });
    expect(fine.status).toBe(200);
    expect(((await fine.json()) as { training_files: string[] }).training_files).toEqual(['file-abc123']);
    expect(fine.headers.get('x-request-id')).toBe(`req_${'0'.repeat(32)}`);
    expect(upstream.hits).toEqual(['POST /v1/fine_tuning/jobs', 'POST /v1/fine_tuning/jobs']);
    const files = await get('/files');
    expect(files.status).toBe(502);
    expect(files.headers.get('vaero-proxy-violations')).toBe('response.content-type, response.schema');
  });
});

describe('--strict --record: an answer replaced with a 502', () => {
  const har = join(mkdtempSync(join(tmpdir(), 'vaero-strict-har-')), 'strict.har');
  beforeEach(() => start({ strict: true, record: har }));

  /** A create the broken server answers reversed (job.echo): replaced; one it answers right: passed on. */
  async function replacedAndPassed() {
    expect((await post('/fine_tuning/jobs', { training_files: ['file-abc123', 'file-abc124'] })).status).toBe(502);
    expect((await post('/fine_tuning/jobs', { training_files: ['file-abc123'] })).status).toBe(200);
    return proxy.close();
  }

  it('the report judges the upstream\'s answer and says the client got the 502', async () => {
    const report = await replacedAndPassed();
    expect(report.traffic).toMatchObject({ exchanges: 2, findings: { client: 0, server: 1 }, replaced: 1 });
    const [failure, ...more] = report.checks.find((c) => c.id === 'traffic-server')!.failures;
    expect(more).toEqual([]);
    expect(failure!.ruleId).toBe('job.echo');
    // What was judged: the upstream's 200 with the training files reversed.
    expect(failure!.exchange!.response!.status).toBe(200);
    expect((failure!.exchange!.response!.json as { training_files: string[] }).training_files).toEqual(['file-abc124', 'file-abc123']);
    expect(failure!.message).toMatch(/the client got 502 instead: vaero proxy --strict replaced this answer/);
    expect(lines).toEqual([expect.stringMatching(/server job\.echo POST \/v1\/fine_tuning\/jobs -> 200 \(client got 502\) /)]);
  });

  it('the HAR holds the 502 the client got, the upstream\'s answer beside it; judged offline, the same verdicts', async () => {
    await replacedAndPassed();
    const text = readFileSync(har, 'utf8');
    type Res = { status: number; headers: { name: string; value: string }[]; content: { text?: string } };
    const [replaced, passed] = (JSON.parse(text) as { log: { entries: { response: Res; _vaeroUpstreamResponse?: Res; comment?: string }[] } }).log.entries;
    expect(replaced!.response.status).toBe(502);
    expect(replaced!.response.headers).toContainEqual({ name: 'vaero-proxy-violations', value: 'job.echo' });
    expect(JSON.parse(replaced!.response.content.text!)).toMatchObject({ error: { code: 'contract_violation' } });
    expect(replaced!._vaeroUpstreamResponse!.status).toBe(200);
    expect(JSON.parse(replaced!._vaeroUpstreamResponse!.content.text!)).toMatchObject({ training_files: ['file-abc124', 'file-abc123'] });
    expect(replaced!.comment).toMatch(/answered 502 instead of the upstream's 200/);
    expect(passed!.response.status).toBe(200);
    expect(passed!._vaeroUpstreamResponse).toBeUndefined();
    const offline = await judgeHar(text, { level: 'contract' });
    expect(offline.report.traffic).toMatchObject({ source: 'har', exchanges: 2, findings: { client: 0, server: 1 }, replaced: 1 });
    expect(offline.report.summary.brokenRules).toEqual(['job.echo']);
  });
});

describe('--strict at reference level', () => {
  beforeEach(() => start({ strict: true, level: 'reference' }));

  it('forwards what breaks only this contract\'s own rules (warnings there) and stops what breaks the reference\'s', async () => {
    const empty = await post('/fine_tuning/jobs', { training_files: ['file-abc123'], suffix: '' });
    expect(empty.status).toBe(200); // create.suffix.not-empty is inferred: a warning at reference level
    const refused = await post('/fine_tuning/jobs', { training_files: ['file-abc123'], suffix: '', style_model: 'vaero-2' });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { param: string } }).error.param).toBe('style_model');
    expect(upstream.hits).toEqual(['POST /v1/fine_tuning/jobs']);
    await proxy.report();
    expect(proxy.violations).toEqual({ client: 1, server: 0 });
  });
});
