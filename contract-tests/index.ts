/**
 * The contract suite as a library: `runContractSuite(options)` judges the implementation
 * at `baseUrl` against spec/openapi.yaml and returns a report rule by rule.
 * `vaero test` (contract-tests/cli.ts) is a thin command line over it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { operation, specPath } from '../spec/index.js';
import { sharedFileIds } from '../fixtures/index.js';
import { checks, type Check } from './checks/index.js';
import { HttpClient, NotTheApi, Unreachable, type FetchLike } from './http/client.js';
import type { Profile, Report } from './report.js';
import { runChecks, type Progress } from './runner.js';

export interface ContractSuiteOptions {
  /** The URL under which /fine_tuning/jobs lives, e.g. http://127.0.0.1:8080/v1. */
  baseUrl: string;
  /** Organization A's API key. */
  token: string;
  /** A second organization's key: enables the isolation checks. */
  tokenB?: string;
  /** core: what a stateless mock can meet; full: a stateful implementation (default full). */
  profile?: Profile;
  /** Seed of the generated cases (default: random, printed in the report). */
  seed?: number;
  /** Cap on requests sent (cleanup of what the run created may go a little over). Default 5000. */
  maxRequests?: number;
  /** How long a check waits for a job to finish before it reports itself skipped. Default 30000 ms. */
  jobTimeoutMs?: number;
  /** Generated cases per property (default 8). */
  numRuns?: number;
  onProgress?: (p: Progress) => void;
  /** Injectable fetch (tests). */
  fetch?: FetchLike;
  /** Per-request timeout (default 30000 ms). */
  requestTimeoutMs?: number;
  /** The checks to run (default: every check; tests run a part, e.g. without the fixture checks). */
  checks?: readonly Check[];
}

import { DEFAULTS } from './defaults.js';

export { DEFAULTS };

const toolVersion = (JSON.parse(readFileSync(join(dirname(specPath), '..', 'package.json'), 'utf8')) as { version: string }).version;

export { NotTheApi, Unreachable } from './http/client.js';
export type * from './report.js';
export type { Progress } from './runner.js';
export { checks, allChecks } from './checks/index.js';

/**
 * One request per token first: an unreachable server, a base URL under which the API is
 * not, or a token the server refuses are usage problems (exit 2), not findings.
 */
async function probe(client: HttpClient, options: ContractSuiteOptions): Promise<void> {
  const list = operation('listFineTuningJobs');
  for (const as of options.tokenB ? (['a', 'b'] as const) : (['a'] as const)) {
    let ex;
    try {
      ex = await client.send({ method: list.method, path: list.path, query: { limit: '1' }, as, exempt: true });
    } catch (err) {
      if (err instanceof Unreachable) throw err;
      throw new Unreachable(client.redact(options.baseUrl), (err as Error).message);
    }
    const flag = as === 'a' ? '--token (VAERO_TOKEN)' : '--token-b (VAERO_TOKEN_B)';
    const status = ex.response?.status;
    if (status === 401) throw new NotTheApi(`${client.redact(options.baseUrl)} refused ${flag}: GET ${list.path} answered 401. Check the token.`);
    if (status === 404) {
      throw new NotTheApi(`${client.redact(options.baseUrl)} answered 404 to GET ${list.path}: is --base-url the URL under which /fine_tuning/jobs lives (e.g. http://127.0.0.1:8080/v1, with the /v1)?`);
    }
  }
  client.used = 0;
}

export async function runContractSuite(options: ContractSuiteOptions): Promise<Report> {
  const profile = options.profile ?? DEFAULTS.profile;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const client = new HttpClient({
    baseUrl: options.baseUrl,
    token: options.token,
    ...(options.tokenB ? { tokenB: options.tokenB } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    maxRequests: options.maxRequests ?? DEFAULTS.maxRequests,
    timeoutMs: options.requestTimeoutMs ?? 30_000,
  });

  await probe(client, options);

  return runChecks(
    options.checks ?? checks,
    client,
    {
      profile,
      seed,
      jobTimeoutMs: options.jobTimeoutMs ?? DEFAULTS.jobTimeoutMs,
      numRuns: options.numRuns ?? DEFAULTS.numRuns,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      toolVersion,
      // A stateless mock trains on the shared samples; a stateful run uploads its own.
      initialFileIds: profile === 'core' ? [...sharedFileIds] : [],
    },
    async (ctx) => {
      const done: Report['cleanup'] = { cancelledJobs: [], deletedFiles: [], problems: [] };
      for (const id of ctx.state.createdJobs) {
        try {
          const ex = await client.send({ method: 'post', path: operation('cancelFineTuningJob').path.replace(/\{[^}]+\}/, encodeURIComponent(id)), exempt: true });
          // 200: cancelled (or already); 400: already finished; both leave nothing running.
          if (ex.response?.status === 200) done.cancelledJobs.push(id);
          else if (ex.response?.status !== 400) done.problems.push(`cancel ${id}: ${ex.response?.status ?? ex.error}`);
        } catch (err) {
          done.problems.push(`cancel ${id}: ${(err as Error).message}`);
        }
      }
      for (const id of ctx.state.createdFiles) {
        try {
          const ex = await client.send({ method: 'delete', path: operation('deleteFile').path.replace(/\{[^}]+\}/, encodeURIComponent(id)), exempt: true });
          if (ex.response?.status === 200) done.deletedFiles.push(id);
          else done.problems.push(`delete ${id}: ${ex.response?.status ?? ex.error}`);
        } catch (err) {
          done.problems.push(`delete ${id}: ${(err as Error).message}`);
        }
      }
      return done;
    },
  );
}
