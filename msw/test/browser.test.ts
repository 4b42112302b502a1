/**
 * The MSW handlers in a browser, with the service worker: headless Chromium opens a page this
 * test makes, served from a tiny loopback server (no dev server), whose script (bundled here
 * by esbuild from msw/browser and the package's browser build, dist/msw/browser.js) starts
 * msw's worker with createVaeroHandlers. The page's requests to /v1 are answered in the
 * browser: the loopback server must see none of them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPath } from '../../spec/index.js';
import { buildBrowserBundle, browserBundlePath } from '../build.js';

const CHROMIUM = '/usr/bin/chromium';
const root = join(specPath, '..', '..');

/** The page's script: msw's worker with the Vaero handlers, and a few helpers the test calls. */
const APP = `
import { setupWorker } from 'msw/browser';
import { createVaeroHandlers } from ${JSON.stringify(browserBundlePath)};
const vaero = createVaeroHandlers();
const worker = setupWorker(...vaero.handlers);
window.steer = (token) => vaero.control(token);
window.ready = worker.start({ serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledRequest: 'bypass', quiet: true }).then(() => true);
`;

let browser: Browser;
let server: Server;
let origin: string;
const reachedServer: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  if (!existsSync(browserBundlePath)) await buildBrowserBundle(); // `npm test` builds first; a lone vitest run may not have
  const bundled = await build({
    stdin: { contents: APP, resolveDir: root, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'warning',
  });
  const app = bundled.outputFiles[0]!.text;
  const worker = readFileSync(createRequire(import.meta.url).resolve('msw/mockServiceWorker.js'));
  const page = '<!doctype html><html><head><meta charset="utf-8"><title>vaero msw</title></head><body><script type="module" src="/app.js"></script></body></html>';
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    if (path === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(app);
    if (path === '/mockServiceWorker.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(worker);
    reachedServer.push(`${req.method} ${req.url}`);
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

describe('the MSW handlers in Chromium, through the service worker', () => {
  it('answer the API as the stub does: create, read, upload, refusals with param, steering headers and controls', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => (window as unknown as { ready?: Promise<boolean> }).ready, undefined, { timeout: 30_000 });
      await page.evaluate(() => (window as unknown as { ready: Promise<boolean> }).ready);
      const results = await page.evaluate(async () => {
        const auth = { authorization: 'Bearer browser-token' };
        const json = async (r: Response) => ({ status: r.status, body: await r.json(), requestId: r.headers.get('x-request-id'), retryAfter: r.headers.get('retry-after') });
        const created = await json(await fetch('/v1/fine_tuning/jobs', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ training_files: ['file-abc123'], suffix: 'in-browser' }) }));
        const read = await json(await fetch(`/v1/fine_tuning/jobs/${created.body.id}`, { headers: auth }));
        const form = new FormData();
        form.append('purpose', 'fine-tune');
        form.append('file', new Blob(['a\n***\nb\n'], { type: 'text/plain' }), 'train.txt');
        const uploaded = await json(await fetch('/v1/files', { method: 'POST', headers: auth, body: form }));
        const tooLong = await json(await fetch('/v1/fine_tuning/jobs', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ training_files: ['file-abc123'], suffix: 'x'.repeat(17) }) }));
        const noAuth = await json(await fetch('/v1/files'));
        const limited = await json(await fetch('/v1/files', { headers: { ...auth, prefer: 'code=429' } }));
        const steer = (window as unknown as { steer(t: string): { seedJob(s: object): Promise<{ id: string; status: string; error: unknown }>; requests(): Promise<{ path: string }[]> } }).steer('browser-token');
        const seeded = await steer.seedJob({ status: 'failed', error: { code: 'invalid_training_file', message: 'Line 3 is empty' } });
        const seededRead = await json(await fetch(`/v1/fine_tuning/jobs/${seeded.id}`, { headers: auth }));
        const log = await steer.requests();
        return { created, read, uploaded, tooLong, noAuth, limited, seededRead, log: log.map((e) => e.path) };
      });
      expect(results.created).toMatchObject({ status: 200, body: { object: 'fine_tuning.job', status: 'validating_files' } });
      expect(results.created.requestId).toMatch(/^req_/);
      expect(results.read).toMatchObject({ status: 200, body: { id: results.created.body.id } });
      expect(results.uploaded).toMatchObject({ status: 200, body: { object: 'file', filename: 'train.txt', bytes: 8 } });
      expect(results.tooLong).toMatchObject({ status: 400, body: { error: { param: 'suffix', type: 'invalid_request_error' } } });
      expect(results.noAuth).toMatchObject({ status: 401, body: { error: { param: 'authorization' } } });
      expect(results.limited).toMatchObject({ status: 429, retryAfter: '1', body: { error: { code: 'rate_limit_exceeded' } } });
      expect(results.seededRead).toMatchObject({ status: 200, body: { status: 'failed', error: { code: 'invalid_training_file', message: 'Line 3 is empty', param: null } } });
      expect(results.log).toContain('/v1/fine_tuning/jobs');
      // Answered in the browser: none of it reached the loopback server.
      expect(reachedServer.filter((r) => r.includes('/v1/'))).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);
});
