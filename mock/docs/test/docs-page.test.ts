/**
 * The docs page (/docs) as a person uses it, in headless Chromium, on the stub and on the
 * Prism mock: every operation of the spec is listed, and "Test Request" then "Send" on the
 * create makes a create on the serving server itself (200, the job then exists on the stub).
 * Nothing leaves the loopback: any other request the page attempts fails the test.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { document, operations, type Operation } from '../../../spec/index.js';
import { startPrismMock, type PrismMock } from '../../prism/index.js';
import { startStub, type RunningStub } from '../../stub/server.js';

const CHROMIUM = '/usr/bin/chromium';
/** What the page lists an operation by: its summary in the spec. */
const summaryOf = (op: Operation): string => (document.paths![op.path] as Record<string, { summary: string }>)[op.method]!.summary;
let browser: Browser;
let stub: RunningStub;
let mock: PrismMock;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  [stub, mock, browser] = await Promise.all([
    startStub({ port: 0, log: false }),
    startPrismMock({ port: 0 }),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([browser?.close(), stub?.close(), mock?.close()]);
});

/** A page that refuses (and remembers) every request off the loopback. */
async function openDocs(origin: string): Promise<{ page: Page; offLoopback: string[] }> {
  const page = await browser.newPage();
  const offLoopback: string[] = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    offLoopback.push(url.href);
    return route.abort();
  });
  await page.goto(`${origin}/docs`);
  return { page, offLoopback };
}

const servers = { stub: () => stub.baseUrl, mock: () => mock.baseUrl };

describe.each(Object.keys(servers) as (keyof typeof servers)[])('/docs on the %s', (name) => {
  it('lists every operation of the spec', async () => {
    const origin = new URL(servers[name]()).origin;
    const { page, offLoopback } = await openDocs(origin);
    try {
      const sidebar = page.getByRole('navigation').first();
      await expect(sidebar.getByText(summaryOf(operations[0]!)).first().waitFor()).resolves.toBeUndefined();
      // Groups start closed: open each one.
      for (let open = page.getByRole('button', { name: /Open Group/ }); (await open.count()) > 0; ) await open.first().click();
      const listed = await sidebar.innerText();
      expect(operations.length).toBeGreaterThanOrEqual(10);
      for (const op of operations) expect(listed, op.operationId).toContain(summaryOf(op));
      expect(offLoopback).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);

  it('"Send Request" on the create calls this server directly and gets 200', async () => {
    const baseUrl = servers[name]();
    const { page, offLoopback } = await openDocs(new URL(baseUrl).origin);
    try {
      await page.getByRole('button', { name: /Test Request.*post \/fine_tuning\/jobs/i }).first().click();
      const answered = page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === `${baseUrl}/fine_tuning/jobs`);
      await page.getByRole('button', { name: /^Send Request/ }).first().click();
      const res = await answered;
      expect(res.status()).toBe(200);
      const job = (await res.json()) as { id: string; object: string };
      expect(job.object).toBe('fine_tuning.job');
      // The page shows the answer.
      await expect(page.getByRole('dialog').getByText('200', { exact: false }).first().waitFor()).resolves.toBeUndefined();
      if (name === 'stub') {
        // It was a real create on the stub, with the page's token.
        const read = await fetch(`${baseUrl}/fine_tuning/jobs/${job.id}`, { headers: { authorization: 'Bearer docs-token' } });
        expect(read.status).toBe(200);
      }
      expect(offLoopback).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);
});

describe('the docs resources', () => {
  it('the spec served points its servers at the origin it was asked from; the bundle is served from node_modules', async () => {
    const origin = new URL(stub.baseUrl).origin;
    const spec = (await (await fetch(`${origin}/docs/openapi.json`)).json()) as { servers: { url: string }[]; paths: object };
    expect(spec.servers).toEqual([{ url: stub.baseUrl, description: 'This server' }]);
    expect(Object.keys(spec.paths).length).toBeGreaterThan(0);
    const script = await fetch(`${origin}/docs/scalar.js`);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await script.text()).slice(0, 400)).toContain('@scalar/api-reference 1.46');
    expect((await fetch(`${origin}/docs`, { method: 'POST' })).status).toBe(405);
  });
});
