/**
 * Dredd 14.1 reads spec/openapi.yaml and runs it against the stub: a dry run is clean (every path
 * parameter has an example Dredd can read), and with the committed hooks (clients/dredd/hooks.cjs)
 * every transaction the spec declares (each operation × each status) passes; error statuses are
 * asked for with `Vaero-Mock-Status`, and only the hooks' listed skips are skipped.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations, specPath } from '../../spec/index.js';
import type { TestStub } from '../../mock/stub/test/helpers.js';
import { root, startClientStub } from './workspace.js';

const dredd = join(root, 'node_modules', 'dredd', 'bin', 'dredd');
const hookfile = join(root, 'clients', 'dredd', 'hooks.cjs');

interface DreddRun {
  code: number;
  output: string;
  /** Transaction titles ("GET (200) /files") by outcome. */
  pass: string[];
  fail: string[];
  skip: string[];
  errors: string[];
  /** Transaction title → Dredd's transaction name (the hooks' key), as `--names` lists them: "info: <name>" then "skip: <title>". */
  names: Map<string, string>;
}

function runDredd(args: string[], env: Record<string, string> = {}): Promise<DreddRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [dredd, specPath, ...args, '--color', 'false'],
      { cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const output = `${stdout}\n${stderr}`;
        const lines = (kind: string) =>
          // Unique: Dredd lists a failure again in its summary.
          [...new Set([...output.matchAll(new RegExp(`^${kind}: (\\S+ \\(\\d+\\) \\S+)`, 'gm'))].map((m) => m[1]!))];
        resolve({
          code: err ? Number((err as { code?: number }).code ?? 1) : 0,
          output,
          pass: lines('pass'),
          fail: lines('fail'),
          skip: lines('skip'),
          errors: output.split('\n').filter((l) => /^error:/.test(l)),
          names: new Map([...output.matchAll(/^info: (.+)\nskip: (\S+ \(\d+\) \S+)$/gm)].map((m) => [m[2]!, m[1]!])),
        });
      },
    );
  });
}

/** Every transaction the spec declares: one per operation and declared status, as Dredd titles them. */
const declared = operations.flatMap((op) =>
  [...op.responses.keys()].map((status) => `${op.method.toUpperCase()} (${status}) ${op.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'file_id' ? 'file-abc123' : 'ftjob-abc123'))}`),
);

let stub: TestStub;
let endpoint: string;

beforeAll(async () => {
  ({ stub, baseUrl: endpoint } = await startClientStub({ checkAnswers: false }));
});

afterAll(async () => {
  await stub?.close();
});

describe('Dredd 14.1 against the stub', () => {
  it('--dry-run reads the spec without an error (every path parameter has an example)', async () => {
    const r = await runDredd(['http://127.0.0.1:9', '--dry-run']);
    expect(r.errors).toEqual([]);
    expect(r.output).not.toMatch(/has no example or default value/);
    expect(r.code).toBe(0);
    expect(r.skip.sort()).toEqual([...declared].sort()); // a dry run lists every transaction, sending none
  }, 120_000);

  it('with the committed hooks every declared transaction passes, but for the listed skips (at most 5)', async () => {
    const { SKIPPED } = createRequire(import.meta.url)(hookfile.replace('hooks.cjs', 'skipped.cjs')) as { SKIPPED: Record<string, string> };
    const r = await runDredd([endpoint, '--hookfiles', hookfile], { VAERO_DREDD_TOKEN: 'dredd-test' });
    expect(r.fail, r.output.slice(-4000)).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(Object.keys(SKIPPED).length).toBeLessThanOrEqual(5);
    // The skipped transactions are exactly the listed ones: SKIPPED is keyed by Dredd's transaction name, the run reports titles.
    const { names } = await runDredd([endpoint, '--names']);
    expect([...names.keys()].sort()).toEqual([...declared].sort());
    expect(r.skip.map((title) => names.get(title)).sort()).toEqual(Object.keys(SKIPPED).sort());
    expect(r.pass.length + r.skip.length).toBe(declared.length);
    const twoXX = (ts: string[]) => ts.filter((t) => / \(2\d\d\) /.test(t)).length;
    expect(twoXX(r.pass)).toBe(twoXX(declared)); // every 2xx ran and passed: none skipped
    expect(r.code).toBe(0);
  }, 180_000);
});
