/**
 * The situations the judge makes from uploads (fixtures/situations/, `needs: { files: N }`):
 * it uploads the files, sends the `before` steps in order (each must be 200), then the
 * labelled request, and judges its status, param and `expect.listed` (ids a page lists in
 * order, ids it must not list). A server that answers a deleted cursor 400, restarts from the
 * top or skips what came after it breaks the situation's rule. `full` only: a stateless mock
 * holds no files. (The succeeded-job situation is the cancel check's, in jobs.ts.)
 */
import { rules } from '../../spec/index.js';
import { listedProblems, resolveSituation, situationFileCount, situationFixtures, stepFixture, type RequestFixture } from '../../fixtures/index.js';
import { expectAccepted, expectRejected } from './expectations.js';
import { uploadOwnFile } from './files.js';
import { fixtureRequest, type Substitutions } from './fixture-requests.js';
import type { Check, CheckContext } from './types.js';

/** The situations this check makes: those built from uploaded files. */
const fileSituations = situationFixtures.filter((f) => situationFileCount(f) > 0);

/** Ids are the run's own already (the placeholders were replaced): nothing to substitute. */
const asIs: Substitutions = { ids: new Map() };

async function runSituation(ctx: CheckContext, f: RequestFixture): Promise<void> {
  const fileIds: string[] = [];
  for (let i = 0; i < situationFileCount(f); i++) {
    const file = await uploadOwnFile(ctx, `vaero-contract-situation-${f.name}-${i}.txt`);
    if (!file) return ctx.notJudged(f.expect.ruleId ?? 'list.order-and-cursor', `situation ${f.name}: an upload it needs failed (see upload-training-file)`, 'blocked');
    fileIds.push(file.id);
  }
  const { before, request } = resolveSituation(f, fileIds);
  const steps = [];
  for (const [i, step] of before.entries()) {
    const ex = await ctx.send(fixtureRequest(stepFixture(f, step, i), asIs));
    steps.push(ex);
    if (!expectAccepted(ctx, step.operationId, ex, `situation ${f.name}, step ${i + 1} (${step.operationId})`, 'response.status-declared')) {
      return ctx.notJudged(f.expect.ruleId ?? 'list.order-and-cursor', `situation ${f.name}: step ${i + 1} (${step.operationId}) was not answered 200`, 'blocked');
    }
    if (step.operationId === 'deleteFile') ctx.state.createdFiles.delete(step.pathParams?.file_id ?? '');
  }
  const ex = await ctx.send(fixtureRequest(request, asIs));
  const ruleId = f.expect.ruleId ?? 'response.status-declared';
  if (!f.valid) {
    expectRejected(ctx, ex, { status: f.expect.status, param: f.expect.param, ...(f.expect.code ? { code: f.expect.code } : {}), ruleId }, `situation ${f.name}`);
    return;
  }
  // The situation's own rule is the one broken by a refusal (a deleted cursor answered 400 is no list.after fault).
  if (!expectAccepted(ctx, f.operationId, ex, `situation ${f.name}`, ruleId, { ruleId, steps })) return;
  const problems = listedProblems(request, ex.response?.json);
  if (problems.length) ctx.fail({ ruleId, message: `situation ${f.name}: ${problems.join('; ')}`, declared: request.expect.listed, received: ((ex.response?.json as { data?: { id: string }[] } | undefined)?.data ?? []).map((x) => x.id), exchange: ex, steps });
  else if (request.expect.listed) ctx.pass(ruleId);
}

export const situationsHold: Check = {
  id: 'situations-hold',
  title: 'Every situation made from uploads (files uploaded, then its steps) gets its labelled answer',
  ruleId: 'list.order-and-cursor',
  alsoVerifies: [...new Set(fileSituations.map((f) => f.expect.ruleId).filter((id): id is string => !!id && rules.has(id)))],
  profiles: ['full'],
  async run(ctx) {
    for (const f of fileSituations) await runSituation(ctx, f);
  },
};
