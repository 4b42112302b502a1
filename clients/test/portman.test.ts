/**
 * Portman 1.33 turns spec/openapi.yaml into a Postman collection with contract tests (status 2xx,
 * content type, JSON body, schema) and runs it with newman against the stub, with the committed
 * chaining config (clients/portman/portman-config.json): the created job is the one cancelled,
 * the uploaded file the one deleted; retrieve and events use the path examples as they are.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations, specPath } from '../../spec/index.js';
import type { TestStub } from '../../mock/stub/test/helpers.js';
import { root, startClientStub } from './workspace.js';

const run = promisify(execFile);

/** What newman's json reporter writes, as far as this test reads it. */
interface NewmanReport {
  run: {
    stats: { requests: { total: number; failed: number }; assertions: { total: number; failed: number } };
    executions: { item: { name: string }; request: { method: string; url: { path: string[] } }; response?: { code: number }; assertions?: { assertion: string; error?: { message: string } }[] }[];
    failures: { error: { message: string }; source?: { name?: string } }[];
  };
}

let dir: string;
let stub: TestStub;
let report: NewmanReport;
let exitCode = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vaero-portman-'));
  const started = await startClientStub({ checkAnswers: false });
  stub = started.stub;
  const { baseUrl } = started;
  const newmanOptions = {
    workingDir: root, // the upload's file is a path in the repository
    abortOnFailure: false, // Portman's default stops at the first failure; run all, report all
    reporters: ['json'],
    reporter: { json: { export: join(dir, 'newman.json') } },
  };
  try {
    // Portman writes scratch files under its cwd: the temp folder.
    await run(
      process.execPath,
      [
        join(root, 'node_modules', '@apideck', 'portman', 'bin', 'portman'),
        '--local', specPath,
        '--baseUrl', baseUrl,
        '--portmanConfigFile', join(root, 'clients', 'portman', 'portman-config.json'),
        '--output', join(dir, 'collection.json'),
        '--runNewman',
        '--newmanRunOptions', JSON.stringify(newmanOptions),
      ],
      { cwd: dir, maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (err) {
    exitCode = Number((err as { code?: number }).code ?? 1);
  }
  report = JSON.parse(readFileSync(join(dir, 'newman.json'), 'utf8')) as NewmanReport;
}, 180_000);

afterAll(async () => {
  await stub?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Portman 1.33 + newman against the stub', () => {
  it('runs one request per operation of the spec, each answered 2xx', () => {
    const ran = report.run.executions.map((e) => `${e.request.method} ${e.item.name}: ${e.response?.code}`);
    expect(ran).toHaveLength(operations.length);
    expect(report.run.executions.every((e) => (e.response?.code ?? 0) >= 200 && (e.response?.code ?? 0) < 300), ran.join('\n')).toBe(true);
  });

  it("every contract test passes (status, content type, JSON body, schema), and newman's exit is 0", () => {
    const failed = report.run.executions.flatMap((e) => (e.assertions ?? []).filter((a) => a.error).map((a) => `${a.assertion}: ${a.error!.message}`));
    expect(failed).toEqual([]);
    expect(report.run.failures.map((f) => `${f.source?.name}: ${f.error.message}`)).toEqual([]);
    expect(report.run.stats.assertions.total).toBeGreaterThanOrEqual(operations.length * 2); // the tests were injected
    expect(exitCode).toBe(0);
  });

  it('the chaining holds: the cancelled job is the created one, the deleted file the uploaded one', () => {
    const path = (name: string) => report.run.executions.find((e) => e.item.name === name)!.request.url.path.join('/');
    expect(path('Cancel a fine-tuning job')).toMatch(/fine_tuning\/jobs\/ftjob-[0-9a-f]+\/cancel$/);
    expect(path('Cancel a fine-tuning job')).not.toContain('ftjob-abc123');
    expect(path('Delete a file')).toMatch(/files\/file-[0-9a-f]+$/);
    expect(path('Delete a file')).not.toContain('file-abc123');
    expect(path('Retrieve a fine-tuning job')).toMatch(/ftjob-abc123$/); // the path example, as it stands: the shared sample job
    expect(path("List a job's events")).toMatch(/ftjob-abc123\/events$/);
  });
});
