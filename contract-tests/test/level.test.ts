/**
 * `--level reference|contract`: a full implementation whose job objects carry exactly
 * the fields Vaero documents (the real stub behind a thin front that strips finished_at
 * and error) conforms at reference level (`vaero test --level reference --profile full`
 * exits 0) and is reported at contract level under inferred rules only. So does a
 * stand-in built only from Vaero's pages (mutants/stand-in.ts: no list, cancel or events,
 * 401 with param null, an unknown field named before a 17-character suffix): a failure
 * whose cause is only an inferred choice is judged under that choice's rule
 * (auth.bearer.param, request.check-order, error.code), never under a reference rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rule, type FineTuningJob, type FineTuningJobList } from '../../spec/index.js';
import { exitCodeOf } from '../cli.js';
import { runContractSuite, type Report } from '../index.js';
import { atLevel, severityAt } from '../level.js';
import { ensureBuilt, runVaero } from './build.js';
import { json, startMutant, withJson, type FrontResponse, type RunningTarget } from './mutants/front.js';
import { referenceStandIn } from './mutants/stand-in.js';

/** Only the fields the reference lists for a job: this contract's finished_at and error removed. */
function referenceJob(job: Record<string, unknown>): Record<string, unknown> {
  const { finished_at: _f, error: _e, ...rest } = job;
  return rest;
}
const isJob = (v: unknown): v is FineTuningJob => (v as { object?: unknown } | null)?.object === 'fine_tuning.job';

function stripContractFields(res: FrontResponse): FrontResponse {
  const body = json(res);
  if (isJob(body)) return withJson(res, referenceJob(body as unknown as Record<string, unknown>));
  const list = body as FineTuningJobList | undefined;
  if (list && Array.isArray(list.data) && list.data.some(isJob)) return withJson(res, { ...list, data: list.data.map((j) => referenceJob(j as unknown as Record<string, unknown>)) });
  return res;
}

let target: RunningTarget;
beforeAll(async () => {
  ensureBuilt();
  target = await startMutant({
    name: 'reference-fields-only',
    fault: 'none the reference states: job objects carry exactly the fields Vaero documents (no finished_at, no error)',
    breaks: 'job.finished_at',
    response: (_r, res) => stripContractFields(res),
  });
}, 120_000);
afterAll(async () => {
  await target?.close();
});

const tokens = { token: 'level-org-a', tokenB: 'level-org-b' };
const SEED = 4242;

describe('a level re-weighs verdicts by provenance', () => {
  it('at reference level an inferred rule is a warning; a reference rule keeps its severity', () => {
    expect(severityAt(rule('job.finished_at'), 'reference')).toBe('warn');
    expect(severityAt(rule('job.finished_at'), 'contract')).toBe('error');
    expect(severityAt(rule('create.suffix'), 'reference')).toBe('error');
    expect(severityAt(rule('list.unknown-cursor'), 'contract')).toBe('warn');
  });
});

describe('a full implementation with only the reference\'s job fields', () => {
  let contract: Report;

  it('fails at contract level, naming only inferred rules (finished_at and error among them)', async () => {
    contract = await runContractSuite({ baseUrl: target.baseUrl, ...tokens, profile: 'full', seed: SEED, jobTimeoutMs: 10_000 });
    expect(contract.level).toBe('contract');
    expect(contract.outcome).toBe('nonconform');
    expect(contract.summary.brokenRules).toEqual(expect.arrayContaining(['job.finished_at', 'job.error']));
    expect(contract.summary.brokenRules.filter((id) => rule(id).source === 'reference')).toEqual([]);
    // The report names the page of the reference a reference rule comes from.
    expect(contract.rules.find((r) => r.id === 'create.suffix')?.page).toBe('https://docs.vaero.co/api-reference/fine-tuning/create-fine-tuning-job');
    expect(contract.rules.find((r) => r.id === 'job.finished_at')?.page).toBeUndefined();
  });

  it('the same findings at reference level are warnings: it conforms', () => {
    const reference = atLevel(contract, 'reference');
    expect(reference.outcome).toBe('conform');
    expect(reference.summary.brokenRules).toEqual([]);
    expect(reference.summary.warnedRules).toEqual(expect.arrayContaining(['job.finished_at', 'job.error']));
    expect(reference.rules.find((r) => r.id === 'job.finished_at')).toMatchObject({ verdict: 'broken', severity: 'warn', source: 'inferred' });
  });

  it('`vaero test --level reference --profile full` exits 0 and says the level', async () => {
    const run = await runVaero(
      ['test', '--base-url', target.baseUrl, '--level', 'reference', '--profile', 'full', '--seed', String(SEED), '--job-timeout', '10000', '--no-progress'],
      { env: { VAERO_TOKEN: tokens.token, VAERO_TOKEN_B: tokens.tokenB } },
    );
    expect(run.stdout).toContain('level reference');
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
  });

  it('`--level` takes only reference or contract', async () => {
    const { code } = await runVaero(['test', '--base-url', target.baseUrl, '--level', 'strict'], { timeout: 30_000 });
    expect(code).toBe(2);
  });
});

describe("a stand-in written only from Vaero's pages", () => {
  let standIn: RunningTarget;
  let contract: Report;
  beforeAll(async () => {
    standIn = await startMutant(referenceStandIn);
  });
  afterAll(async () => {
    await standIn?.close();
  });

  it('at contract level fails under inferred rules only: the 401 param, the order of checks, the missing routes and fields', async () => {
    contract = await runContractSuite({ baseUrl: standIn.baseUrl, ...tokens, profile: 'full', seed: SEED, jobTimeoutMs: 10_000 });
    expect(contract.outcome).toBe('nonconform');
    const broken = contract.summary.brokenRules;
    expect(broken).toEqual(expect.arrayContaining(['auth.bearer.param', 'request.check-order', 'job.finished_at']));
    expect(broken.filter((id) => rule(id).source === 'reference'), JSON.stringify(broken)).toEqual([]);
    // The reference rules the stand-in's choices touched are judged on what the reference says, and held.
    for (const id of ['auth.bearer', 'create.suffix']) expect(contract.rules.find((r) => r.id === id)?.verdict, id).toBe('held');
    // A 401 with param null is reported under auth.bearer.param, naming the answer.
    const param = contract.checks.flatMap((c) => c.failures).find((f) => f.ruleId === 'auth.bearer.param');
    expect(param?.exchange?.response?.status).toBe(401);
  });

  it('at reference level it conforms and `vaero test --level reference` exits 0; at contract level its exit code is 1', async () => {
    // The contract-level exit code follows from the in-process outcome; one CLI run proves the --level flag.
    expect(exitCodeOf(contract.outcome)).toBe(1);
    const reference = atLevel(contract, 'reference');
    expect(reference.summary.brokenRules).toEqual([]);
    expect(reference.outcome, reference.inconclusiveBecause.join('\n')).toBe('conform');
    const env = { VAERO_TOKEN: 'standin-org-a', VAERO_TOKEN_B: 'standin-org-b' };
    const ref = await runVaero(['test', '--base-url', standIn.baseUrl, '--profile', 'full', '--seed', String(SEED), '--job-timeout', '10000', '--no-progress', '--level', 'reference'], { env });
    expect(ref.code, ref.stdout.slice(-2000)).toBe(0);
  });
});
