/**
 * One way to steer, everywhere: the same page code, `createStubControl(baseUrl, token)` from
 * 'vaero-contract/stub' plus a fetch of the API, runs in headless Chromium against a running
 * stub (on another origin) and against the MSW handlers in the page's service worker, and
 * gets the same results. Its import bundles with esbuild for the browser platform (the
 * `browser` export condition gives the control client alone: no Node built-in is reached).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPath } from '../../../spec/index.js';
import { buildBrowserBundle, browserBundlePath } from '../../../msw/build.js';
import { startStub, type RunningStub } from '../server.js';

const CHROMIUM = '/usr/bin/chromium';
const root = join(specPath, '..', '..');

/** The steering snippet a page's tests run (exposed as window.steer), the same against the stub and under MSW. */
const STEER = `
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
/** The same page under MSW: the handlers (default base URL /v1 on the page's origin) in msw's service worker. */
const WITH_MSW = `
import { setupWorker } from 'msw/browser';
import { createVaeroHandlers } from 'vaero-contract/msw';
${STEER}
window.ready = setupWorker(...createVaeroHandlers().handlers).start({ serviceWorker: { url: '/mockServiceWorker.js' }, onUnhandledRequest: 'bypass', quiet: true });
`;

interface Bundle {
  text: string;
  metafile: Metafile;
  warnings: number;
}
let steerOnly: Bundle;
let withMsw: Bundle;
let browser: Browser;
let pages: Server;
let pageOrigin: string;
let stub: RunningStub;
const reachedPageServer: string[] = [];

/** A page script, bundled as an app's bundler would, from node_modules/vaero-contract (a link to this package). */
async function bundleForBrowser(contents: string): Promise<Bundle> {
  const app = mkdtempSync(join(tmpdir(), 'vaero-browser-app-'));
  try {
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(root, join(app, 'node_modules', 'vaero-contract'), 'dir');
    symlinkSync(join(root, 'node_modules', 'msw'), join(app, 'node_modules', 'msw'), 'dir');
    const out = await build({ stdin: { contents, resolveDir: app, loader: 'js' }, bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent' });
    return { text: out.outputFiles[0]!.text, metafile: out.metafile, warnings: out.warnings.length };
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  if (!existsSync(browserBundlePath)) await buildBrowserBundle(); // `npm test` builds first; a lone vitest run may not have
  [steerOnly, withMsw] = await Promise.all([bundleForBrowser(STEER), bundleForBrowser(WITH_MSW)]);
  const worker = readFileSync(createRequire(import.meta.url).resolve('msw/mockServiceWorker.js'));
  const html = (script: string) => `<!doctype html><html><head><meta charset="utf-8"><title>steer</title></head><body><script type="module" src="${script}"></script></body></html>`;
  const files: Record<string, [string, string | Buffer]> = {
    '/': ['text/html', html('/app.js')],
    '/app.js': ['text/javascript', steerOnly.text],
    '/msw': ['text/html', html('/msw-app.js')],
    '/msw-app.js': ['text/javascript', withMsw.text],
    '/mockServiceWorker.js': ['text/javascript', worker],
  };
  pages = createServer((req, res) => {
    const file = files[(req.url ?? '/').split('?')[0]!];
    if (file) return void res.writeHead(200, { 'content-type': file[0] }).end(file[1]);
    reachedPageServer.push(`${req.method} ${req.url}`); // under MSW, the API and /__vaero never get here
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => pages.listen(0, '127.0.0.1', r));
  pageOrigin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
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
  if (pages) {
    pages.closeAllConnections();
    await new Promise((r) => pages.close(r));
  }
});

/** Open `path` of the page server in a fresh context, wait for `ready` if the page has one, and run the snippet. */
async function steerFrom(path: string, baseUrl: string, token: string): Promise<unknown> {
  const tab = await browser.newPage();
  try {
    await tab.goto(`${pageOrigin}${path}`);
    await tab.waitForFunction(() => typeof (window as unknown as { steer?: unknown }).steer === 'function');
    await tab.evaluate(() => (window as unknown as { ready?: Promise<unknown> }).ready);
    return await tab.evaluate(([b, t]) => (window as unknown as { steer: (b: string, t: string) => Promise<unknown> }).steer(b, t), [baseUrl, token] as const);
  } finally {
    await tab.close();
  }
}

/** What the snippet sees when steering works: nothing here is specific to the stub or to MSW. */
const STEERED = {
  seeded: ['failed', 'invalid_training_file'],
  listed: [[true, 'failed'], [false, 'succeeded']], // then the shared sample job every organization lists as its oldest
  log: ['GET /v1/fine_tuning/jobs 200'],
  refused: ['StubControlError', 400, 'ms'],
};

describe("createStubControl from 'vaero-contract/stub' in a browser", () => {
  it('bundles for the browser platform from the control client alone, without a warning', () => {
    const inputs = Object.keys(steerOnly.metafile.inputs);
    expect(inputs.some((i) => i.endsWith('dist/mock/stub/browser.js'))).toBe(true);
    expect(inputs.some((i) => i.endsWith('dist/mock/stub/control-client.js'))).toBe(true);
    expect(inputs.filter((i) => i.includes('node_modules/') && !i.includes('node_modules/vaero-contract/'))).toEqual([]);
    expect(steerOnly.text).not.toMatch(/["']node:/);
    expect(steerOnly.warnings).toBe(0);
  });

  it('steers a running stub from a page of another origin in Chromium', async () => {
    expect(await steerFrom('/', stub.baseUrl, 'browser-steer')).toEqual(STEERED);
  });

  it("reads the stub's answers with credentials: 'include' (a loopback page origin is echoed, not *)", async () => {
    const tab = await browser.newPage();
    try {
      await tab.goto(`${pageOrigin}/`);
      const read = await tab.evaluate(async (url) => {
        const res = await fetch(url, { credentials: 'include', headers: { Authorization: 'Bearer browser-credentials' } });
        return [res.status, ((await res.json()) as { object: string }).object];
      }, `${stub.baseUrl}/fine_tuning/jobs`);
      expect(read).toEqual([200, 'list']);
    } finally {
      await tab.close();
    }
  });

  it('steers the MSW handlers the same way, at the origin of their base URL', async () => {
    expect(withMsw.warnings).toBe(0);
    expect(await steerFrom('/msw', `${pageOrigin}/v1`, 'browser-steer')).toEqual(STEERED);
    expect(reachedPageServer.filter((r) => / \/(v1|__vaero)\//.test(r))).toEqual([]); // all answered in the page
  });
});
