/**
 * Recorded traffic: a Playwright session in headless Chromium (a page on one origin calling
 * the stub on another, CORS) saved as HAR judges clean, with the page's own requests counted
 * outside the base URL; the same HAR edited so the stub's answer breaks a rule is reported
 * under that rule, on the server's side.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStub, type RunningStub } from '../../mock/stub/index.js';
import { judgeHar } from '../judge-har.js';

const CHROMIUM = '/usr/bin/chromium';
let stub: RunningStub;
let page: Server;
let harText: string;

/** What the page does: the calls a frontend makes, with the token it holds. */
async function session(base: string): Promise<number[]> {
  const auth = { authorization: 'Bearer har-session' };
  const statuses: number[] = [];
  const form = new FormData();
  form.append('purpose', 'fine-tune');
  form.append('file', new Blob(['One training document.\n'], { type: 'text/plain' }), 'train.txt');
  const file = await fetch(base + '/files', { method: 'POST', headers: auth, body: form });
  statuses.push(file.status);
  const { id: fileId } = (await file.json()) as { id: string };
  const created = await fetch(base + '/fine_tuning/jobs', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ training_files: [fileId], suffix: 'har' }) });
  statuses.push(created.status);
  const { id } = (await created.json()) as { id: string };
  // Each answer read to its end, as an app does: the browser keeps the bodies it delivered.
  const read = async (r: Promise<Response>) => {
    const res = await r;
    await res.text();
    statuses.push(res.status);
  };
  for (const path of [`/fine_tuning/jobs/${id}`, '/fine_tuning/jobs?limit=10', `/fine_tuning/jobs/${id}/events`, '/files']) await read(fetch(base + path, { headers: auth }));
  await read(fetch(`${base}/fine_tuning/jobs/${id}/cancel`, { method: 'POST', headers: auth }));
  return statuses;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  stub = await startStub({ port: 0, log: () => {} });
  page = createServer((req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>'));
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
  const har = join(mkdtempSync(join(tmpdir(), 'vaero-har-')), 'session.har');
  try {
    const context = await browser.newContext({ recordHar: { path: har, content: 'embed' } });
    const tab = await context.newPage();
    await tab.goto(`http://127.0.0.1:${(page.address() as AddressInfo).port}/`);
    expect(await tab.evaluate(session, stub.baseUrl)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    await context.close(); // writes the HAR
  } finally {
    await browser.close();
  }
  harText = readFileSync(har, 'utf8');
}, 120_000);
afterAll(async () => {
  await stub?.close();
  page?.closeAllConnections();
  await new Promise((r) => page?.close(r));
});

describe('a HAR recorded by Playwright in Chromium', () => {
  it('judges clean; the page itself is outside the base URL', async () => {
    const { report, lines } = await judgeHar(harText, { level: 'contract' });
    expect(lines).toEqual([]);
    expect(report.baseUrl).toBe(stub.baseUrl);
    expect(report.traffic?.exchanges).toBe(7);
    expect(report.traffic?.outsideBase).toBeGreaterThanOrEqual(1);
    expect(report.summary.brokenRules).toEqual([]);
    const held = report.rules.filter((r) => r.verdict === 'held').map((r) => r.id);
    expect(held).toEqual(expect.arrayContaining(['auth.bearer', 'job.echo', 'job.retrieve.stable', 'response.schema', 'file.shape', 'job.cancel']));
  });

  it('edited so the job list\'s has_more is text, it is reported under list.shape, the server\'s', async () => {
    const doc = JSON.parse(harText) as { log: { entries: { request: { method: string; url: string }; response: { content: { text?: string } } }[] } };
    const list = doc.log.entries.find((e) => e.request.method === 'GET' && e.request.url.endsWith('/fine_tuning/jobs?limit=10'))!;
    const page = JSON.parse(list.response.content.text!) as Record<string, unknown>;
    list.response.content.text = JSON.stringify({ ...page, has_more: 'no' });
    const { report, lines } = await judgeHar(JSON.stringify(doc), { level: 'contract' });
    expect(lines.map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual(['server list.shape']);
    expect(lines[0]).toContain('at /has_more');
    expect(report.summary.brokenRules).toEqual(['list.shape']);
  });

  it('the upload Playwright kept without its body leaves its body\'s rules not judged, never held by it', async () => {
    const { report } = await judgeHar(harText, { level: 'contract' });
    const schema = report.rules.find((r) => r.id === 'request.schema')!;
    expect(schema.notJudged.map((n) => n.reason)).toContain('the record holds no request body');
  });
});
