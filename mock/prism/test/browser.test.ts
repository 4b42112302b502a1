/**
 * A frontend on another origin calls the mock from a real browser (Debian's Chromium,
 * driven by playwright-core): the preflight passes, and the page can read the job, an
 * error envelope and a 401, because every answer carries CORS headers.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../fixtures/index.js';
import { startPrismMock, type PrismMock } from '../index.js';
import { FLUSH_MS } from '../../http/log.js';

const CHROMIUM = '/usr/bin/chromium';
let browser: Browser;
let mock: PrismMock;
let page: Server;
let pageUrl: string;
const seen: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  mock = await startPrismMock({ port: 0, log: (l) => seen.push(l) });
  // The frontend's own origin: another host name and port than the mock's.
  page = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>frontend</title>'));
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', () => r()));
  pageUrl = `http://localhost:${(page.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  page?.closeAllConnections();
  await new Promise((r) => page?.close(r));
  await mock?.close();
});

describe('the mock called from a browser page on another origin', () => {
  it('lets the page create a job, and read a 400 envelope and a 401', async () => {
    const tab = await browser.newPage();
    await tab.goto(pageUrl);
    const results = await tab.evaluate(
      async ({ baseUrl, good, bad }) => {
        const call = async (body: unknown, auth: boolean) => {
          const headers: Record<string, string> = { 'Content-Type': 'application/json' };
          if (auth) headers.Authorization = 'Bearer browser-token';
          const res = await fetch(`${baseUrl}/fine_tuning/jobs`, { method: 'POST', headers, body: JSON.stringify(body) });
          return { status: res.status, body: (await res.json()) as Record<string, unknown> };
        };
        return [await call(good, true), await call(bad, true), await call(good, false)];
      },
      { baseUrl: mock.baseUrl, good: fixture('create-reference-curl').body, bad: fixture('create-suffix-17-astral').body },
    );
    expect(results[0]).toMatchObject({ status: 200, body: { object: 'fine_tuning.job' } });
    expect(results[1]).toMatchObject({ status: 400, body: { error: { param: 'suffix', type: 'invalid_request_error' } } });
    expect(results[2]).toMatchObject({ status: 401, body: { error: { param: 'authorization' } } });
    // The browser sent a preflight first (a JSON POST with Authorization is not a simple request).
    await new Promise((r) => setTimeout(r, FLUSH_MS + 10)); // the log is written in batches
    expect(seen.some((l) => / OPTIONS \/v1\/fine_tuning\/jobs 204 /.test(l))).toBe(true);
    await tab.close();
  });
});
