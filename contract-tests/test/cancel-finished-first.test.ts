/**
 * every-operation-answers excuses a 400 to its cancel when the job had already finished (a
 * fast implementation), but still judges that refusal against the labelled situation
 * cancel-succeeded-job: a 400 with another code is a broken job.cancel, not a pass.
 */
import { describe, expect, it } from 'vitest';
import { runContractSuite } from '../index.js';
import { everyOperationAnswers } from '../checks/routes.js';
import { json, startMutant, withJson, type FrontRequest, type FrontResponse, type Mutant } from './mutants/front.js';

const isCancel = (r: FrontRequest) => r.method === 'POST' && /^\/fine_tuning\/jobs\/[^/]+\/cancel$/.test(r.path);
const isRetrieve = (r: FrontRequest) => r.method === 'GET' && /^\/fine_tuning\/jobs\/[^/]+$/.test(r.path);

/** The stub, whose cancel is refused 400 with `code` and whose jobs read back as succeeded. */
function refusesCancelWith(code: string | null): Mutant {
  return {
    name: `cancel-refused-${code}`,
    fault: 'A cancel is refused 400 as if the job had finished.',
    breaks: 'job.cancel',
    speed: 0,
    request: (r) =>
      isCancel(r)
        ? ({ status: 400, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ error: { message: 'finished', type: 'invalid_request_error', param: null, code } })) } satisfies FrontResponse)
        : r,
    response: (r, res) => {
      const job = json(res) as Record<string, unknown> | undefined;
      return isRetrieve(r) && res.status === 200 && job ? withJson(res, { ...job, status: 'succeeded', finished_at: job.created_at }) : res;
    },
  };
}

async function cancelFailures(code: string | null): Promise<string[]> {
  const target = await startMutant(refusesCancelWith(code));
  try {
    const r = await runContractSuite({ baseUrl: target.baseUrl, token: 'gate-org-a', profile: 'core', seed: 7, checks: [everyOperationAnswers] });
    return r.checks.filter((c) => c.id === everyOperationAnswers.id).flatMap((c) => c.failures.filter((f) => f.ruleId === 'job.cancel').map((f) => f.message));
  } finally {
    await target.close();
  }
}

describe('a cancel refused because the job finished first is judged', () => {
  it('a 400 with a code other than the labelled one breaks job.cancel', async () => {
    expect(await cancelFailures('wrong_code')).toEqual([expect.stringContaining('job_not_cancellable')]);
  });

  it('the labelled refusal (400, param null, job_not_cancellable) is no failure', async () => {
    expect(await cancelFailures('job_not_cancellable')).toEqual([]);
  });
});
