/**
 * Verdicts mean what they say, tried on purpose-built servers: a naive server (creates
 * answered 201, one organization for every key, no events) gets none of the rules its
 * faults hide reported held; jobs that never move, or a server that answers only 429,
 * end inconclusive (exit 3) naming what went unjudged; a base URL serving HTML or `{}` is
 * no API (exit 2 before any check); a server killed mid-run is named, and the rules after
 * it are not judged rather than broken; a failure's script reproduces it in a fresh shell.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStub } from '../../mock/stub/index.js';
import { NotTheApi, runContractSuite } from '../index.js';
import { exitCodeOf } from '../cli.js';
import { mutants } from './mutants/catalogue.js';
import { startMutant, type Mutant } from './mutants/front.js';
import { ensureBuilt } from './build.js';

const tokens = { token: 'verdict-org-a', tokenB: 'verdict-org-b' };
const byName = (name: string) => mutants.find((m) => m.name === name)!;

/** A loopback server answering every request with `handler`. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ baseUrl: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, server };
}

const stop = (s: Server) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });

describe('a naive server: creates answered 201, one organization, no events', () => {
  it('none of the rules its faults hide is reported held', async () => {
    const faults = ['create-answers-201', 'one-organization-for-every-token', 'jobs-emit-no-events'].map(byName);
    const naive: Mutant = {
      name: 'naive-201-server',
      fault: faults.map((f) => f.fault).join(' '),
      breaks: 'job.create-status',
      request: (r) => faults.reduce<ReturnType<NonNullable<Mutant['request']>>>((acc, f) => (f.request && !('status' in acc) ? f.request(acc) : acc), r),
      response: (r, res) => faults.reduce((acc, f) => (f.response ? f.response(r, acc) : acc), res),
    };
    const target = await startMutant(naive);
    try {
      const r = await runContractSuite({ baseUrl: target.baseUrl, ...tokens, profile: 'full', seed: 3, jobTimeoutMs: 3_000 });
      expect(r.outcome).toBe('nonconform');
      expect(r.summary.brokenRules).toContain('job.create-status');
      for (const id of ['tenancy.isolation', 'list.order-and-cursor', 'job.lifecycle', 'event.shape', 'job.defaults', 'job.created_at.now']) {
        const rule = r.rules.find((x) => x.id === id)!;
        expect(['broken', 'not-judged'], `${id}: ${rule.verdict}`).toContain(rule.verdict);
        if (rule.verdict === 'not-judged') expect(rule.notJudged.length, id).toBeGreaterThan(0);
      }
    } finally {
      await target.close();
    }
  });
});

describe('inconclusive runs (exit 3)', () => {
  it('jobs that never move: the post-success rules are named not judged, with the reason', async () => {
    const stub = await startStub({ port: 0, host: '127.0.0.1', speed: 0, log: false });
    try {
      const r = await runContractSuite({ baseUrl: stub.baseUrl, ...tokens, profile: 'full', seed: 4, jobTimeoutMs: 1_000 });
      expect(r.outcome).toBe('inconclusive');
      expect(exitCodeOf(r.outcome)).toBe(3);
      expect(exitCodeOf(r.outcome, true)).toBe(0);
      expect(r.summary.notJudgedRules).toEqual(expect.arrayContaining(['job.fine_tuned_model.suffix', 'job.cancel']));
      expect(r.inconclusiveBecause.join('\n')).toMatch(/still validating_files after --job-timeout 1000 ms/);
      expect(r.summary.brokenRules).toEqual([]);
    } finally {
      await stub.close();
    }
  });

  it('--job naming no job of the organization is a usage error (exit 2), not a finding', async () => {
    const stub = await startStub({ port: 0, host: '127.0.0.1', speed: 0, log: false });
    try {
      const frozen = await runContractSuite({ baseUrl: stub.baseUrl, ...tokens, profile: 'full', seed: 4, jobTimeoutMs: 500, jobId: 'ftjob-none' }).catch((e: Error) => e);
      expect(frozen).toBeInstanceOf(NotTheApi);
      expect(String(frozen)).toMatch(/--job ftjob-none/);
    } finally {
      await stub.close();
    }
  });

  it('--job names a succeeded job: the post-success rules are judged on it and the run concludes', async () => {
    const stub = await startStub({ port: 0, host: '127.0.0.1', speed: 0, log: false });
    try {
      // A job of organization A's that finished long ago (seeded, as the real service's would have).
      const seeded = await fetch(`${new URL(stub.baseUrl).origin}/__vaero/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'succeeded', suffix: 'seeded' }),
      });
      expect(seeded.status).toBe(200);
      const job = (await seeded.json()) as { id: string };
      const r = await runContractSuite({ baseUrl: stub.baseUrl, ...tokens, profile: 'full', seed: 4, jobTimeoutMs: 500, jobId: job.id });
      expect(r.outcome, r.inconclusiveBecause.join('\n')).toBe('conform');
      for (const id of ['job.lifecycle', 'event.shape', 'job.cancel']) expect(r.rules.find((x) => x.id === id)?.verdict, id).toBe('held');
      // The suffix of a job the run did not create is unknown: that part is skipped, by the user's choice.
      const model = r.rules.find((x) => x.id === 'job.fine_tuned_model.suffix')!;
      expect(model.verdict).toBe('skipped');
      expect(model.notJudged[0]?.reason).toMatch(new RegExp(`--job ${job.id}`));
    } finally {
      await stub.close();
    }
  });

  it('a server that answers only 429 ends inconclusive within --max-wait', async () => {
    const { baseUrl, server } = await serve((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } }));
    });
    try {
      const r = await runContractSuite({ baseUrl, ...tokens, profile: 'full', seed: 5, maxWaitMs: 3_000 });
      expect(r.outcome).toBe('inconclusive');
      expect(r.waited.ms).toBeLessThanOrEqual(3_000);
      expect(r.rules.filter((x) => x.verdict === 'held')).toEqual([]);
      expect(r.inconclusiveBecause.join('\n')).toMatch(/429/);
    } finally {
      await stop(server);
    }
  });
});

describe('a base URL that is not the API (exit 2 after the probe)', () => {
  for (const [what, type, body] of [
    ['an HTML page', 'text/html', '<!doctype html><title>Directory listing</title>'],
    ['{}', 'application/json', '{}'],
  ] as const) {
    it(`${what} for everything`, async () => {
      const { baseUrl, server } = await serve((_req, res) => {
        res.writeHead(200, { 'content-type': type });
        res.end(body);
      });
      try {
        const err = await runContractSuite({ baseUrl, ...tokens, profile: 'full', seed: 6 }).catch((e: Error) => e);
        expect(err).toBeInstanceOf(NotTheApi);
        expect((err as Error).message).toMatch(/is not the Vaero API: GET \/fine_tuning\/jobs\?limit=1 answered 200/);
      } finally {
        await stop(server);
      }
    });
  }
});

describe('a server killed mid-run', () => {
  it('is named with the last request it answered and the one it did not; the rules after it are not judged', async () => {
    const stub = await startStub({ port: 0, host: '127.0.0.1', speed: 50, log: false });
    let killed = false;
    const r = await runContractSuite({
      baseUrl: stub.baseUrl,
      ...tokens,
      profile: 'full',
      seed: 7,
      onProgress: (p) => {
        if (!killed && p.current === 'generated-valid-bodies') {
          killed = true;
          void stub.close();
        }
      },
    });
    expect(killed).toBe(true);
    expect(r.interruption).toBeDefined();
    expect(r.interruption!.lastAnswered!.seq).toBeLessThan(r.interruption!.unanswered.seq);
    expect(r.interruption!.notJudgedAfter.length).toBeGreaterThan(5);
    // Silence is no finding: nothing broke, the rest is not judged, and the run is inconclusive.
    expect(r.summary.brokenRules).toEqual([]);
    expect(r.outcome).toBe('inconclusive');
    expect(r.rules.find((x) => x.id === 'tenancy.isolation')?.verdict).toBe('not-judged');
    expect(r.cleanup.problems.join()).toMatch(/stopped answering/);
  });
});

describe('reproducible failures', () => {
  let target: Awaited<ReturnType<typeof startMutant>>;
  beforeAll(async () => {
    ensureBuilt();
    target = await startMutant(byName('forgets-the-base-model-default'));
  });
  afterAll(async () => {
    await target?.close();
  });

  it("a failure's script re-uploads the file the create names, with its bytes, and replays in a fresh shell", async () => {
    const r = await runContractSuite({ baseUrl: target.baseUrl, ...tokens, profile: 'full', seed: 8, jobTimeoutMs: 5_000 });
    const failure = r.checks.flatMap((c) => c.failures).find((f) => f.ruleId === 'job.base_model.echo' && f.exchange?.request.body?.includes('file-'))!;
    expect(failure.reproduce).toMatch(/printf '%s' '.*' > 'vaero-contract-a\.txt'/s);
    expect(failure.reproduce).toMatch(/FILE_1=\$\(curl --silent --show-error --request POST/);
    expect(failure.reproduce).toContain(`"$FILE_1"`);
    const dir = (await import('node:fs')).mkdtempSync(`${(await import('node:os')).tmpdir()}/vaero-repro-`);
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile('sh', ['-c', failure.reproduce!], { cwd: dir, env: { PATH: process.env.PATH!, VAERO_TOKEN: tokens.token } }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr })),
    );
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    // The replayed create shows the same fault: base_model is not the default.
    expect(out.stdout).toMatch(/"base_model":"(?!general)/);
  });
});
