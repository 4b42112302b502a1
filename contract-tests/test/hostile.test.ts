/**
 * The judge survives any server: each hostile server of the catalogue (mutants/hostile.ts)
 * is judged by the built CLI, which ends with the server's declared exit code, naming its
 * rule, within the run's deadline; the 500 MB case under the memory bound; the escape
 * sequences case with every output free of raw control and bidi characters and a JUnit
 * file that is well-formed XML 1.0.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convert } from 'xmlbuilder2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../index.js';
import { ensureBuilt, runVaero, type VaeroRun } from './build.js';
import { startMutant } from './mutants/front.js';
import { ESCAPES, hostile } from './mutants/hostile.js';

const TOKEN = 'sk-hostile-token-a-1x9';
const TOKEN_B = 'sk-hostile-token-b-7q3';
/** Peak RSS allowed to the CLI against any server. */
const MAX_RSS_MB = 300;

interface Run extends VaeroRun {
  /** The CLI's own peak RSS in MB (reported by the child at exit). */
  maxRssMb: number;
}

/** Reports the child's peak RSS at exit, on a line of its own on stderr. */
const REPORT_RSS = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\nvaero-max-rss-kb '+process.resourceUsage().maxRSS+'\\n'))`;

async function vaero(args: string[]): Promise<Run> {
  const run = await runVaero(['test', ...args], { env: { VAERO_TOKEN: TOKEN, VAERO_TOKEN_B: TOKEN_B }, nodeArgs: ['--import', REPORT_RSS] });
  const kb = Number(/vaero-max-rss-kb (\d+)/.exec(run.stderr)?.[1] ?? NaN);
  return { ...run, stderr: run.stderr.replace(/\nvaero-max-rss-kb \d+\n/, ''), maxRssMb: kb / 1024 };
}

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'vaero-hostile-'));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Raw terminal control, C1 controls, bidi controls: none may reach an output. Tab, newline are fine. */
const RAW_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** What XML 1.0's Char production does not allow. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

describe('hostile servers: each ends with its declared exit code, naming its rule, within the deadline', () => {
  for (const h of hostile) {
    it(`${h.name} exits ${h.exit} (${h.breaks}): ${h.fault}`, async () => {
      const target = await startMutant(h);
      const files = { junit: join(dir, `${h.name}.xml`), json: join(dir, `${h.name}.json`), html: join(dir, `${h.name}.html`) };
      try {
        const run = await vaero(['--base-url', target.baseUrl, '--profile', 'full', '--seed', '13', '--job-timeout', '3000', '--deadline', '90s', '--no-progress', '--junit', files.junit, '--json', files.json, '--html', files.html, ...h.args]);
        expect(run.code, run.stdout + run.stderr).toBe(h.exit);
        const report = JSON.parse(readFileSync(files.json, 'utf8')) as Report;
        if (h.exit === 1) expect(report.summary.brokenRules).toContain(h.breaks);
        else {
          expect(report.interruption, 'named as a server that stopped answering').toBeDefined();
          expect(report.rules.find((r) => r.id === h.breaks)?.verdict).toBe('not-judged');
          expect(report.summary.brokenRules).toEqual([]);
        }
        // Every output of every case: no raw control or bidi character, JUnit well-formed XML 1.0.
        const junit = readFileSync(files.junit, 'utf8');
        for (const [what, text] of Object.entries({ stdout: run.stdout, stderr: run.stderr, junit, json: readFileSync(files.json, 'utf8'), html: readFileSync(files.html, 'utf8') })) {
          expect(RAW_UNSAFE.test(text), `raw control or bidi character in ${what}`).toBe(false);
        }
        expect(NOT_XML_CHAR.test(junit)).toBe(false);
        expect(() => convert(junit, { format: 'object' })).not.toThrow();
        if (h.name === 'answers-500-mb') {
          expect(report.rules.find((r) => r.id === 'response.size')?.verdict).toBe('broken');
          expect(run.maxRssMb, 'peak RSS of the CLI').toBeLessThanOrEqual(MAX_RSS_MB);
          console.log(`answers-500-mb: peak RSS of the CLI ${Math.round(run.maxRssMb)} MB`);
        }
        if (h.name === 'file-ids-off-pattern') {
          // Generation did not spin: the cases no value fitted left their rules not judged, saying so.
          expect(report.rules.flatMap((r) => r.notJudged.map((n) => n.reason)).join('\n')).toMatch(/no generated case that breaks only \S+ in 1,000 draws/);
        }
        if (h.name === 'escape-sequences-in-fields') {
          // Shown escaped, as data; the JSON report parses back to what the server sent.
          expect(run.stdout).toContain('\\u001b]0;owned\\u0007');
          expect(JSON.stringify(report)).toContain(JSON.stringify(ESCAPES).slice(1, -1));
        }
      } finally {
        await target.close();
      }
    }, 150_000);
  }
});
