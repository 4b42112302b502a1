/**
 * The control client in a browser: `import { createStubControl } from 'vaero-contract/stub'`
 * bundles with esbuild for the browser platform (the `browser` export condition gives the
 * control client alone, so no Node built-in is reached), and the bundle, on a page of another
 * origin in headless Chromium, steers a running stub: reset, seed a failed job, see it listed,
 * read the request log, and a refused control surfaces as StubControlError with its param.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPath } from '../../../spec/index.js';
import { startStub, type RunningStub } from '../server.js';

const CHROMIUM = '/usr/bin/chromium';
const root = join(specPath, '..', '..');

/** What a page's test code does with the control client (the page exposes it as window.steer). */
const PAGE_SCRIPT = `
import { createStubControl } from 'vaero-contract/stub';
window.steer = async (baseUrl, token) => {
  const stub = createStubControl(baseUrl, token);
  await stub.reset();
  const failed = await stub.seedJob({ status: 'failed', error: { code: 'invalid_training_file', message: 'Line 3 is empty' } });
  const list = await (await fetch(baseUrl + '/fine_tuning/jobs', { headers: { Authorization: 'Bearer ' + token } })).json();
  const log = await stub.requests();
  let refused;
  try {
    await stub.advance(-1);
  } catch (e) {
    refused = [e.name, e.status, e.error.param];
  }
  return {
    seeded: [failed.status, failed.error.code],
    listed: list.data.map((j) => [j.id === failed.id, j.status]),
    log: log.map((e) => e.method + ' ' + e.path + ' ' + e.status),
    refused,
  };
};
`;

let bundle: { text: string; metafile: Metafile; warnings: number };
let browser: Browser;
let page: Server;
let pageOrigin: string;
let stub: RunningStub;

/** The page's script, bundled as an app's bundler would, from node_modules/vaero-contract (a link to this package). */
async function bundlePageScript(): Promise<typeof bundle> {
  const app = mkdtempSync(join(tmpdir(), 'vaero-browser-app-'));
  try {
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(root, join(app, 'node_modules', 'vaero-contract'), 'dir');
    const out = await build({
      stdin: { contents: PAGE_SCRIPT, resolveDir: app, loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    return { text: out.outputFiles[0]!.text, metafile: out.metafile, warnings: out.warnings.length };
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  bundle = await bundlePageScript();
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>steer</title></head><body><script type="module" src="/app.js"></script></body></html>';
  page = createServer((req, res) => {
    if (req.url === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle.text);
    res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((r) => page.listen(0, '127.0.0.1', r));
  pageOrigin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
  [stub, browser] = await Promise.all([
    startStub({ port: 0, log: false }),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    }),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([browser?.close(), stub?.close()]);
  if (page) {
    page.closeAllConnections();
    await new Promise((r) => page.close(r));
  }
});

describe("createStubControl from 'vaero-contract/stub' in a browser", () => {
  it('bundles for the browser platform from the control client alone, without a warning', () => {
    const inputs = Object.keys(bundle.metafile.inputs);
    expect(inputs.some((i) => i.endsWith('dist/mock/stub/browser.js'))).toBe(true);
    expect(inputs.some((i) => i.endsWith('dist/mock/stub/control-client.js'))).toBe(true);
    expect(inputs.filter((i) => i.includes('node_modules/') && !i.includes('node_modules/vaero-contract/'))).toEqual([]);
    expect(bundle.text).not.toMatch(/["']node:/);
    expect(bundle.warnings).toBe(0);
  });

  it('steers a running stub from a page of another origin in Chromium', async () => {
    const tab = await browser.newPage();
    try {
      await tab.goto(`${pageOrigin}/`);
      await tab.waitForFunction(() => typeof (window as unknown as { steer?: unknown }).steer === 'function');
      const result = await tab.evaluate(([baseUrl, token]) => (window as unknown as { steer: (b: string, t: string) => Promise<unknown> }).steer(baseUrl, token), [stub.baseUrl, 'browser-steer'] as const);
      expect(result).toEqual({
        seeded: ['failed', 'invalid_training_file'],
        listed: [[true, 'failed']],
        log: ['GET /v1/fine_tuning/jobs 200'],
        refused: ['StubControlError', 400, 'ms'],
      });
    } finally {
      await tab.close();
    }
  });
});
