/**
 * The README's code blocks that claim to run do run, as written. A block claims it with an
 * HTML comment on the line before its fence (invisible on GitHub):
 *
 *   <!-- snippet: vitest -->                  a test file, run by vitest in its default setup
 *                                             (no globals) in an app that has the package
 *   <!-- snippet: node, against the stub -->  a module (TypeScript stripped), run by node
 *   <!-- snippet: sh, against the stub -->    a shell script
 *
 * "Against the stub": the README's http://127.0.0.1:8080/v1 is replaced by the base URL of a
 * stub this test started. The app is a temp folder whose node_modules links this package (as
 * vaero-contract) and the packages the snippets import.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specPath } from '../spec/index.js';
import { startStub, type RunningStub } from '../mock/stub/server.js';

const run = promisify(execFile);
const root = join(specPath, '..', '..');
const README_BASE_URL = 'http://127.0.0.1:8080/v1';
/** What the snippets import, linked into the app's node_modules from this repository's. */
const LINKED = ['msw', 'openai', 'vitest'];

interface Snippet {
  kind: string;
  lang: string;
  code: string;
  /** The README line of the fence, to name the snippet. */
  line: number;
}

function readmeSnippets(): { snippets: Snippet[]; markers: number } {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const snippets = [...readme.matchAll(/^<!-- snippet: ([^>]+?) -->\n```(\w+)\n([\s\S]*?)\n```/gm)].map((m) => ({
    kind: m[1]!,
    lang: m[2]!,
    code: m[3]!,
    line: readme.slice(0, m.index).split('\n').length + 1,
  }));
  return { snippets, markers: readme.match(/^<!-- snippet:/gm)?.length ?? 0 };
}

const { snippets, markers } = readmeSnippets();
let app: string;
let stub: RunningStub;

beforeAll(async () => {
  app = mkdtempSync(join(tmpdir(), 'vaero-readme-'));
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(root, join(app, 'node_modules', 'vaero-contract'), 'dir');
  for (const name of LINKED) symlinkSync(join(root, 'node_modules', name), join(app, 'node_modules', name), 'dir');
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  stub = await startStub({ port: 0, log: false });
});
afterAll(async () => {
  await stub?.close();
  if (app) rmSync(app, { recursive: true, force: true });
});

/** Run a command in the app; its output, or a failure that shows it. */
async function inApp(file: string, args: string[]): Promise<string> {
  const { stdout } = await run(file, args, { cwd: app, timeout: 60_000, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }).catch((e: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  });
  return stdout;
}

const runners: Record<string, (s: Snippet) => Promise<string>> = {
  vitest: async (s) => {
    const file = `readme-${s.line}.test.${s.lang}`;
    writeFileSync(join(app, file), s.code);
    const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
    return inApp(process.execPath, [vitest, 'run', file, '--root', app, '--reporter', 'verbose']);
  },
  'node, against the stub': async (s) => {
    const code = s.code.replaceAll(README_BASE_URL, stub.baseUrl);
    const js = s.lang === 'ts' ? (await transform(code, { loader: 'ts', format: 'esm' })).code : code;
    const file = join(app, `readme-${s.line}.mjs`);
    writeFileSync(file, js);
    return inApp(process.execPath, [file]);
  },
  'sh, against the stub': (s) => inApp('sh', ['-e', '-c', s.code.replaceAll(README_BASE_URL, stub.baseUrl)]),
};

describe('the README', () => {
  it('marks its runnable blocks, each right before its fence, with a kind this test runs', () => {
    expect(snippets.length).toBe(markers);
    expect(snippets.map((s) => s.kind).filter((k) => !runners[k])).toEqual([]);
    // The blocks a reader copies first: the MSW test, the stub's steering, the SDK, the reference's curl.
    expect(new Set(snippets.map((s) => s.kind))).toEqual(new Set(Object.keys(runners)));
  });

  it.each(snippets.map((s) => [`line ${s.line} (${s.kind})`, s] as const))('snippet at %s runs as written', async (_, snippet) => {
    const out = await runners[snippet.kind]!(snippet);
    if (snippet.kind === 'vitest') expect(out).toMatch(/Tests\s+\d+ passed/);
    if (snippet.kind.startsWith('sh')) expect(out).toContain('"object":"fine_tuning.job"');
  }, 90_000);
});

