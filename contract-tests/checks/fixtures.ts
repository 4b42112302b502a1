/**
 * The fixtures (fixtures/index.ts) sent as they are: every valid one is accepted with
 * 200, every invalid one gets exactly its labelled status and param. `core` sends the
 * schema layer (what a stateless mock can decide); `full` sends the semantic layer too.
 */
import { rules } from '../../spec/index.js';
import { requestFixtures, sharedFileIds, type RequestFixture } from '../../fixtures/index.js';
import { expectAccepted, expectRejected } from './expectations.js';
import { fixtureRequest, namesSharedFile, type Substitutions } from './fixture-requests.js';
import { lendableJob } from './jobs.js';
import type { Profile } from '../report.js';
import type { Check, CheckContext } from './types.js';

/** The rules the fixtures of one kind that a profile sends are labelled with. */
function labelledRules(valid: boolean, profile: Profile): string[] {
  return [...new Set(selectedFor(profile, valid).filter((f) => f.expect.ruleId && rules.has(f.expect.ruleId)).map((f) => f.expect.ruleId!))];
}

function substitutions(ctx: CheckContext): Substitutions {
  const ids = new Map<string, string>();
  if (ctx.profile === 'full') {
    sharedFileIds.forEach((id, i) => {
      const own = ctx.state.fileIds[i] ?? ctx.state.fileIds[0];
      if (own) ids.set(id, own);
    });
    const job = lendableJob(ctx.state);
    if (job) ids.set('ftjob-abc123', job);
  }
  return { ids };
}

function selected(ctx: CheckContext, valid: boolean): RequestFixture[] {
  return selectedFor(ctx.profile, valid);
}

function selectedFor(profile: Profile, valid: boolean): RequestFixture[] {
  return requestFixtures.filter(
    (f) =>
      f.valid === valid &&
      (f.layer === 'schema' || profile === 'full') &&
      // The shared samples are the stub's; a real service's answer for them is its own business.
      (valid || f.layer === 'schema' || !namesSharedFile(f)),
  );
}

export const validFixturesAccepted: Check = {
  id: 'valid-fixtures-accepted',
  title: 'Every valid fixture is accepted with 200 and a valid answer',
  ruleId: 'job.create-status',
  alsoVerifies: (profile) => [...new Set(['create.suffix', 'create.base_model', 'create.style_model', 'create.training_files', 'auth.bearer', ...labelledRules(true, profile)])],
  profiles: ['core', 'full'],
  async run(ctx) {
    if (ctx.profile === 'full' && !ctx.state.fileIds.length) return ctx.skip('no training file could be uploaded (see upload-training-file)', 'blocked');
    const subs = substitutions(ctx);
    for (const f of selected(ctx, true)) {
      const ex = await ctx.send(fixtureRequest(f, subs));
      if (f.operationId === 'createFineTuningJob' && ex.response?.status === 200) {
        const id = (ex.response.json as { id?: string } | undefined)?.id;
        if (id) ctx.state.createdJobs.add(id);
      }
      if (f.operationId === 'uploadFile' && ex.response?.status === 200) {
        const id = (ex.response.json as { id?: string } | undefined)?.id;
        if (id) ctx.state.createdFiles.add(id);
      }
      // A valid fixture that names a rule (a decision such as ignoring unknown query parameters) is judged under it.
      expectAccepted(ctx, f.operationId, ex, `fixture ${f.name}`, f.expect.ruleId ?? (f.operationId === 'createFineTuningJob' ? 'job.create-status' : 'response.status-declared'), f.expect.ruleId ? { ruleId: f.expect.ruleId } : {});
    }
  },
};

export const invalidFixturesRejected: Check = {
  id: 'invalid-fixtures-rejected',
  title: 'Every invalid fixture gets its labelled 4xx and param',
  ruleId: 'request.no-5xx-on-bad-input',
  alsoVerifies: (profile) => ['request.check-order', ...labelledRules(false, profile)],
  profiles: ['core', 'full'],
  async run(ctx) {
    const subs = substitutions(ctx);
    for (const f of selected(ctx, false)) {
      const ex = await ctx.send(fixtureRequest(f, subs));
      expectRejected(ctx, ex, { status: f.expect.status, param: f.expect.param, ...(f.expect.code ? { code: f.expect.code } : {}), ruleId: f.expect.ruleId ?? 'request.no-5xx-on-bad-input' }, `fixture ${f.name}`);
    }
  },
};
