/**
 * The HTML report as a person sees it, in headless Chromium (Debian's package, driven by
 * playwright-core): the verdict at the top, failed checks first, a failure expands to
 * the rule, the request as curl and the response, and the token is nowhere on the page.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runContractSuite } from '../index.js';
import { toHtml } from '../reports/html.js';
import { mutants } from './mutants/catalogue.js';
import { startMutant } from './mutants/front.js';

const CHROMIUM = '/usr/bin/chromium';
const TOKEN = 'sk-html-secret-token-5x8w';

let browser: Browser;
let dir: string;
let file: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  dir = mkdtempSync(join(tmpdir(), 'vaero-html-'));
  const target = await startMutant(mutants.find((m) => m.name === 'accepts-17-character-suffix')!);
  try {
    const report = await runContractSuite({ baseUrl: target.baseUrl, token: TOKEN, profile: 'full', seed: 9, jobTimeoutMs: 10_000 });
    file = join(dir, 'report.html');
    writeFileSync(file, toHtml(report));
  } finally {
    await target.close();
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the HTML report in a browser', () => {
  it('shows the verdict first, failures first, and expands a failure to rule, curl and response', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);

    // Summary at the top: the verdict and the broken rule.
    const summary = page.locator('#summary');
    await expect(summary.locator('h1').innerText()).resolves.toMatch(/^Does not conform/);
    await expect(summary.innerText()).resolves.toContain('create.suffix');
    const summaryBox = await summary.boundingBox();
    const checksBox = await page.locator('#checks').boundingBox();
    expect(summaryBox!.y).toBeLessThan(checksBox!.y);

    // Failed checks come first.
    const statuses = await page.locator('#checks > details.check').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(statuses[0]).toBe('failed');
    expect(statuses.lastIndexOf('failed')).toBeLessThan(statuses.indexOf('passed'));

    // Collapsed at first: the curl command is not visible until the person expands it.
    const check = page.locator('#checks > details.check[data-status="failed"]').filter({ has: page.locator('details.failure[data-rule="create.suffix"]') }).first();
    const failure = check.locator('details.failure[data-rule="create.suffix"]').first();
    const curl = failure.locator('pre.curl');
    await expect(curl.isVisible()).resolves.toBe(false);
    await check.locator('summary').first().click();
    await failure.locator('summary').click();
    await expect(curl.isVisible()).resolves.toBe(true);
    const curlText = await curl.innerText();
    expect(curlText).toMatch(/^curl --request POST --url 'http:\/\/127\.0\.0\.1:\d+\/v1\/fine_tuning\/jobs'/);
    expect(curlText).toContain('Authorization: Bearer $VAERO_TOKEN');
    await expect(failure.locator('pre.response').innerText()).resolves.toMatch(/^HTTP 200/);
    await expect(failure.locator('p.rule').innerText()).resolves.toMatch(/create\.suffix.*reference.*#\/components\/requestBodies\/CreateFineTuningJobRequest/);

    // Nothing of the token, anywhere; and the page fetched nothing (self-contained).
    expect(await page.content()).not.toContain(TOKEN);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    await page.close();
  });
});
