/**
 * Property-based cases, generated from the create request's schema with fast-check:
 * seeded (the run's --seed), reproducible and shrunk to the smallest failing body.
 * Positive: valid bodies are accepted with 200 and a valid job. Negative: each
 * single-constraint mutation is rejected with 400 naming the field the mutation broke
 * (its expected answer comes from the mutation, see arbitraries.ts), never a 2xx or 5xx.
 */
import fc from 'fast-check';
import { checkStepNamed, createDefaults, operation, operations, schemaRuleAt, validateBody, validateQuery, type FineTuningJob } from '../../spec/index.js';
import { requestFixtures } from '../../fixtures/index.js';
import { BudgetExhausted, DeadlineReached, ServerGone, WaitExhausted } from '../http/client.js';
import type { Exchange } from '../http/exchange.js';
import { breaksOnly, fieldOfError, invalidQueryValue, malformedJson, mutations, singleRuleMutants, undeclaredMediaType, undeclaredName, validBody } from './arbitraries.js';
import { fitting, NoFit } from './fitting.js';
import { expectAccepted, expectRejected, type ExpectedRejection } from './expectations.js';
import { lendableJob } from './jobs.js';
import type { Check, CheckContext, FailureInput } from './types.js';

const create = operation('createFineTuningJob');
/** The spec answers a request that breaks its schema 400 (rule request.schema and the fields' own rules). */
const SCHEMA_STATUS = 400;

/** A seed per property, derived from the run's seed and the property's name (stable across runs). */
function seedFor(seed: number, name: string): number {
  let h = seed | 0;
  for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

/**
 * Runs one async property; the failures it records are those of the smallest
 * counterexample fast-check ends with. Budget exhaustion stops the property quietly
 * (a case not sent is not a failure) and is re-thrown afterwards.
 */
/** Where one generated case's findings go: its failures, and the rules its passed assertions were about. */
type Recorder = ((f: FailureInput) => void) & { held: string[] };

/**
 * `serves`: the rules a case of this property judges. A case for which no value fitted in
 * MAX_DRAWS draws (see fitting.ts) leaves them not judged, with that reason.
 */
async function runProperty<T>(ctx: CheckContext, name: string, arb: fc.Arbitrary<T | NoFit>, serves: readonly string[], judge: (value: T, record: Recorder) => Promise<void>): Promise<void> {
  const seed = seedFor(ctx.seed, name);
  let budget: Error | undefined;
  const lastFailures = new Map<string, FailureInput[]>();
  const details = await fc.check(
    fc.asyncProperty(arb, async (value) => {
      if (budget) return true;
      if (value instanceof NoFit) {
        for (const ruleId of serves) ctx.notJudged(ruleId, `${name}: ${value.reason}`);
        return true;
      }
      const found: FailureInput[] = [];
      const record: Recorder = Object.assign((f: FailureInput) => void found.push(f), { held: [] as string[] });
      try {
        await judge(value, record);
      } catch (err) {
        // The run cannot go on (budget, 429s past --max-wait, server gone): not this case's failure.
        if (err instanceof BudgetExhausted || err instanceof WaitExhausted || err instanceof ServerGone || err instanceof DeadlineReached) {
          budget = err;
          return true;
        }
        throw err;
      }
      if (found.length) lastFailures.set(JSON.stringify(value), found);
      else if (record.held.length) for (const id of record.held) ctx.pass(id || undefined);
      else ctx.pass();
      return found.length === 0;
    }),
    { seed, numRuns: ctx.numRuns, endOnFailure: false, maxSkipsPerRun: 100 },
  );
  if (details.failed && details.counterexample) {
    const [value] = details.counterexample;
    const found = lastFailures.get(JSON.stringify(value)) ?? [];
    for (const f of found) {
      ctx.fail({ ...f, message: `${name}: ${f.message}`, replay: { seed: details.seed, path: details.counterexamplePath ?? undefined, counterexample: value } });
    }
    if (!found.length) ctx.fail({ message: `${name}: property failed: ${String(details.errorInstance)}`, replay: { seed: details.seed, path: details.counterexamplePath ?? undefined, counterexample: value } });
  }
  if (budget) throw budget;
}

/** A recording ctx whose fail() and pass() go to the property's case instead of the report. */
function recorder(ctx: CheckContext, record: Recorder): CheckContext {
  return { ...ctx, fail: record, pass: (ruleId) => void record.held.push(ruleId ?? '') };
}

function jobOf(ex: Exchange): FineTuningJob | undefined {
  return ex.response?.status === 200 ? (ex.response.json as FineTuningJob) : undefined;
}

function ids(ctx: CheckContext): string[] {
  return ctx.state.fileIds;
}

export const generatedValidBodies: Check = {
  id: 'generated-valid-bodies',
  title: 'Generated valid create bodies are accepted with 200 and a job that echoes them',
  ruleId: 'job.create-status',
  // A static mock answers with its example: echo is judged only against stateful implementations.
  alsoVerifies: (profile) => ['create.suffix', ...(profile === 'full' ? ['job.echo', 'job.defaults', 'job.base_model.echo'] : [])],
  profiles: ['core', 'full'],
  async run(ctx) {
    if (!ids(ctx).length) ctx.skip('no training file to name (see upload-training-file)', 'blocked');
    await runProperty(ctx, 'valid-body', validBody(create, ids(ctx)), [], async (body, record) => {
      const r = recorder(ctx, record);
      const ex = await ctx.send({ method: 'post', path: create.path, json: body });
      if (!expectAccepted(r, 'createFineTuningJob', ex, 'generated valid body', 'job.create-status')) return;
      const job = jobOf(ex);
      if (job?.id) ctx.state.createdJobs.add(job.id);
      // A static mock answers with its example: echo is judged only against stateful implementations.
      if (ctx.profile !== 'full' || !job) return;
      const want = { ...createDefaults, ...body };
      for (const [field, ruleId] of [
        ['style_model', body.style_model === undefined ? 'job.defaults' : 'job.echo'],
        // The reference's own example echoes base_model as gpt-4o: showing the value used is this contract's rule.
        ['base_model', 'job.base_model.echo'],
      ] as const) {
        if (job[field] !== want[field]) record({ ruleId, message: `${field} is ${JSON.stringify(job[field])}, not ${JSON.stringify(want[field])}`, declared: want[field], received: job[field], exchange: ex });
        else r.pass(ruleId);
      }
      if (JSON.stringify(job.training_files) !== JSON.stringify(body.training_files)) {
        record({ ruleId: 'job.echo', message: 'training_files are not the ones requested, in order', declared: body.training_files, received: job.training_files, exchange: ex });
      } else r.pass('job.echo');
    });
  },
};

/** The expected answer to a body broken below the schema layer, as the fixtures label it. */
function labelled(ruleId: string): ExpectedRejection {
  const f = requestFixtures.find((x) => x.operationId === create.operationId && !x.valid && x.expect.ruleId === ruleId && !x.headers);
  if (!f) throw new Error(`contract suite: no fixture labels ${ruleId} for ${create.operationId}`);
  return { status: f.expect.status, param: f.expect.param, ...(f.expect.code ? { code: f.expect.code } : {}), ruleId };
}

export const generatedInvalidBodies: Check = {
  id: 'generated-invalid-bodies',
  title: 'Generated bodies that each break one constraint are rejected with the spec\'s 4xx and param',
  ruleId: 'request.no-5xx-on-bad-input',
  alsoVerifies: ['create.body', 'create.suffix', 'create.style_model', 'create.base_model', 'create.training_files', 'request.malformed-json', 'request.content-type', 'request.schema'],
  profiles: ['core', 'full'],
  async run(ctx) {
    const files = ids(ctx).length ? ids(ctx) : ['file-none'];
    const base = validBody(create, files);
    for (const m of mutations(create)) {
      await runProperty(ctx, `mutation ${m.name}`, singleRuleMutants(create, m, base), [m.ruleId, 'request.schema'], async ({ body, broke }, record) => {
        const ex = await ctx.send({ method: 'post', path: create.path, json: body });
        if (expectRejected(recorder(ctx, record), ex, { status: SCHEMA_STATUS, param: broke.param, ruleId: broke.ruleId }, `body ${JSON.stringify(body).slice(0, 120)} (breaks ${broke.keyword} of ${broke.param ?? 'the body'})`)) record.held.push('request.schema');
      });
    }
    const malformed = labelled('request.malformed-json');
    await runProperty(ctx, 'mutation malformed-json', base.chain(malformedJson), [], async (text, record) => {
      const ex = await ctx.send({ method: 'post', path: create.path, raw: text, headers: { 'content-type': 'application/json' } });
      expectRejected(recorder(ctx, record), ex, malformed, `malformed JSON ${JSON.stringify(text.slice(0, 80))}`);
    });
    const wrongType = labelled('request.content-type');
    await runProperty(ctx, 'mutation wrong-content-type', fc.tuple(base, undeclaredMediaType(create)), [], async ([body, type], record) => {
      const ex = await ctx.send({ method: 'post', path: create.path, raw: JSON.stringify(body), headers: { 'content-type': type } });
      expectRejected(recorder(ctx, record), ex, wrongType, `a JSON body sent as ${type}`);
    });
  },
};

/** The answer the fixtures label for a request without credentials. */
function unauthenticated(): ExpectedRejection {
  const f = requestFixtures.find((x) => !x.valid && x.expect.ruleId === 'auth.bearer' && x.headers?.authorization === null);
  if (!f) throw new Error('contract suite: no fixture labels a request without Authorization');
  return { status: f.expect.status, param: f.expect.param, ruleId: 'request.check-order' };
}

/**
 * Create bodies the fixtures label as breaking one declared field (400 naming it), with
 * that field's place in the schema's order of properties.
 */
function labelledFieldFaults(): { name: string; body: Record<string, unknown>; param: string; rank: number }[] {
  const declared = Object.keys(create.requestSchema?.properties ?? {});
  return requestFixtures.flatMap((f) => {
    const param = f.expect.param;
    const body = f.body;
    if (f.operationId !== create.operationId || f.valid || f.layer !== 'schema' || f.headers || f.rawBody !== undefined || f.contentType) return [];
    if (f.expect.status !== SCHEMA_STATUS || typeof param !== 'string' || !declared.includes(param)) return [];
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
    return [{ name: f.name, body: body as Record<string, unknown>, param, rank: declared.indexOf(param) }];
  });
}

/**
 * Whether a body for the "declared fields in the schema's order" case breaks both fields:
 * the labelled one (not undone by the mutation) and the added one (a mutation can land on a
 * valid value, leaving one fault and no order to test). Other bodies are redrawn, never counted.
 */
export function holdsBothFaults(body: unknown, labelled: string, added: string | null): boolean {
  const r = validateBody(create, body);
  return !r.ok && r.errors.some((e) => fieldOfError(e) === labelled) && r.errors.some((e) => fieldOfError(e) === added);
}

export const generatedCheckOrder: Check = {
  id: 'generated-check-order',
  title: 'A request that breaks several rules gets the answer of the first in the spec\'s order (x-vaero-check-order: auth, content type, syntax, schema; in the body, declared fields in order, then unknown ones)',
  ruleId: 'request.check-order',
  profiles: ['core', 'full'],
  async run(ctx) {
    const files = ids(ctx).length ? ids(ctx) : ['file-none'];
    const ms = mutations(create);
    // A body broken in the schema layer, with one fault of an earlier layer on top.
    const mutated = fc
      .tuple(validBody(create, files), fc.constantFrom(...ms))
      .chain(([valid, m]) => m.mutate(valid))
      .map((x) => x.body);
    const schemaBroken = <T>(arb: fc.Arbitrary<[unknown, T]>) => fitting(arb, ([b]) => !validateBody(create, b).ok, 'with a body that breaks the schema');
    // On top of the schema fault, faults of earlier steps (any non-empty set of them); the
    // expected answer is the labelled answer of the step the spec's x-vaero-check-order puts first.
    const answers: Record<string, ExpectedRejection> = { auth: unauthenticated(), 'content-type': labelled('request.content-type'), syntax: labelled('request.malformed-json') };
    const earlyFaults = fc
      .record({ auth: fc.boolean(), type: fc.option(undeclaredMediaType(create), { nil: undefined }), malformed: fc.boolean() })
      .filter((c) => c.auth || c.type !== undefined || c.malformed);
    await runProperty(ctx, 'the first step of the spec\'s order decides', schemaBroken(fc.tuple(mutated, earlyFaults)), ['request.check-order'], async ([body, c], record) => {
      const steps = [...(c.auth ? ['auth'] : []), ...(c.type ? ['content-type'] : []), ...(c.malformed ? ['syntax'] : [])];
      const first = steps.reduce((a, b) => (checkStepNamed(b) < checkStepNamed(a) ? b : a));
      const raw = c.malformed ? JSON.stringify(body).slice(0, -1) + ',' : JSON.stringify(body);
      const ex = await ctx.send({ method: 'post', path: create.path, raw, ...(c.auth ? { as: 'none' as const } : {}), headers: { 'content-type': c.type ?? 'application/json' } });
      expectRejected(recorder(ctx, record), ex, { ...answers[first]!, ruleId: 'request.check-order' }, `a schema-breaking body with faults of ${steps.join(', ')}${c.type ? ` (sent as ${c.type})` : ''}: ${first} comes first`);
    });

    // Inside the body: a fixture's labelled fault on a declared field keeps its answer when
    // a generated fault is added that the spec ranks later (an unknown field, or a field
    // the schema lists after it). The expected answer is the fixture's label.
    const faults = labelledFieldFaults();
    if (!faults.length) throw new Error('contract suite: no fixture labels a fault on a declared create field');
    const props = create.requestSchema?.properties ?? {};
    const declared = Object.keys(props);
    const unknownName = undeclaredName(props, fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_'.split('')));
    await runProperty(ctx, 'declared field before unknown fields', fc.tuple(fc.constantFrom(...faults), unknownName, fc.oneof(fc.integer(), fc.string({ maxLength: 6 }), fc.boolean())), ['request.check-order'], async ([f, k, v], record) => {
      const body = { ...f.body, [k]: v };
      const ex = await ctx.send({ method: 'post', path: create.path, json: body });
      expectRejected(recorder(ctx, record), ex, { status: SCHEMA_STATUS, param: f.param, ruleId: 'request.check-order' }, `fixture ${f.name} (${f.param}) plus an unknown field ${k}`);
    });
    const later = fitting(
      fc
        .constantFrom(...faults.filter((f) => f.rank < declared.length - 1))
        .chain((f) =>
          fc
            .constantFrom(...mutations(create).filter((m) => declared.indexOf(m.name.split(':')[1] ?? '') > f.rank))
            .chain((m) => m.mutate(f.body))
            .map((x) => ({ f, body: x.body, added: x.broke.param })),
        ),
      ({ f, body, added }) => holdsBothFaults(body, f.param, added),
      'with a labelled fault and a later one',
    );
    await runProperty(ctx, 'declared fields in the schema\'s order', later, ['request.check-order'], async ({ f, body, added }, record) => {
      const ex = await ctx.send({ method: 'post', path: create.path, json: body });
      expectRejected(recorder(ctx, record), ex, { status: SCHEMA_STATUS, param: f.param, ruleId: 'request.check-order' }, `fixture ${f.name} (${f.param}) plus a fault on ${added}, which the schema lists later`);
    });
  },
};

export const generatedInvalidQueries: Check = {
  id: 'generated-invalid-queries',
  title: 'Generated query values that each break one constraint (limit, after) are rejected with 400 naming the parameter',
  ruleId: 'list.limit',
  alsoVerifies: ['list.after', 'request.schema'],
  profiles: ['core', 'full'],
  async run(ctx) {
    for (const op of operations.filter((o) => o.queryParams.length)) {
      // A path id the implementation knows (the query is judged before the id anyway).
      const values: Record<string, string | undefined> = { fine_tuning_job_id: lendableJob(ctx.state) ?? requestFixtures.find((f) => f.pathParams?.fine_tuning_job_id)?.pathParams?.fine_tuning_job_id };
      if (op.pathParams.some((p) => !values[p])) continue;
      const path = op.path.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(values[n]!));
      for (const param of op.queryParams) {
        const arb = invalidQueryValue(param.schema as Parameters<typeof invalidQueryValue>[0]);
        if (!arb) continue;
        // What the value breaks is that parameter: 400 naming it, under the rule of its schema.
        const broke = { keyword: 'query', param: param.name, ruleId: schemaRuleAt(op.querySchema, '/' + param.name).id };
        const invalid = fitting(
          arb,
          (v) => {
            const r = validateQuery(op, { [param.name]: v });
            return !r.ok && breaksOnly(r.errors, broke);
          },
          `of ${param.name} that breaks only it`,
        );
        await runProperty(ctx, `${op.operationId} ${param.name}`, invalid, [broke.ruleId, 'request.schema'], async (value, record) => {
          const ex = await ctx.send({ method: op.method, path, query: { [param.name]: value } });
          if (expectRejected(recorder(ctx, record), ex, { status: SCHEMA_STATUS, param: broke.param, ruleId: broke.ruleId }, `${op.operationId} with ${param.name}=${JSON.stringify(value)}`)) record.held.push('request.schema');
        });
      }
    }
  },
};
