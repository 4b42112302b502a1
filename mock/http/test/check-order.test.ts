/**
 * The servers' order of checks agrees with the spec's (x-vaero-check-order, rule
 * request.check-order). The request gate (gate-pipeline.ts, run by the stub, the Prism
 * mock's front and the MSW handlers) keeps its own order in code; here every pair of steps
 * it judges is broken at once, and the rule of its answer must belong to the step the spec
 * puts first. The state step is the service's, after the gate: not here.
 */
import { describe, expect, it } from 'vitest';
import { basePath, checkOrder, checkStepIndex, checkStepNamed, operation } from '../../../spec/index.js';
import { fetchReader } from '../fetch-gate.js';
import { checkBodyWith, checkHeadWith } from '../gate-pipeline.js';

const create = operation('createFineTuningJob');
const max = create.maxBodyBytes!;

/** One fault per step the gate judges, as a change to a valid create. */
interface Draft {
  path: string;
  authorized: boolean;
  contentType: string;
  schemaBroken: boolean;
  malformed: boolean;
  oversized: boolean;
}
const FAULTS: Record<string, (d: Draft) => void> = {
  route: (d) => void (d.path = `${basePath}/fine_tuning/jobz`),
  auth: (d) => void (d.authorized = false),
  'content-type': (d) => void (d.contentType = 'text/plain'),
  size: (d) => void (d.oversized = true),
  syntax: (d) => void (d.malformed = true),
  schema: (d) => void (d.schemaBroken = true),
};

function request(d: Draft): Request {
  const body = (d.schemaBroken ? '{"training_files": []' : '{"training_files": ["file-abc123"]') + (d.malformed ? '' : '}') + (d.oversized ? ' '.repeat(max) : '');
  return new Request(`http://127.0.0.1${d.path}`, {
    method: 'POST',
    headers: { ...(d.authorized ? { authorization: 'Bearer tok-order' } : {}), 'content-type': d.contentType },
    body,
  });
}

/** The rule the gate answers a request with (undefined: admitted). */
async function gateRule(steps: readonly string[]): Promise<string | undefined> {
  const d: Draft = { path: basePath + create.path, authorized: true, contentType: 'application/json', schemaBroken: false, malformed: false, oversized: false };
  for (const s of steps) FAULTS[s]!(d);
  const reader = fetchReader(request(d));
  const head = checkHeadWith(reader);
  if (!head.ok) return head.violation.ruleId;
  const body = await checkBodyWith(reader, head.head);
  if (body.ok) return undefined;
  return 'violation' in body ? body.violation.ruleId : 'aborted';
}

const gateSteps = Object.keys(FAULTS);

describe("the request gate follows the spec's order of checks", () => {
  it('judges steps the spec names, in an order that leaves only the state step after them', () => {
    for (const s of gateSteps) expect(checkStepNamed(s), s).toBeGreaterThanOrEqual(0);
    expect(checkOrder.map((s) => s.step).filter((s) => !gateSteps.includes(s))).toEqual(['state']);
  });

  it('a valid create is admitted', async () => {
    expect(await gateRule([])).toBeUndefined();
  });

  it.each(gateSteps)('a request broken only at step %s is answered by a rule of that step', async (step) => {
    const rule = await gateRule([step]);
    expect(rule).toBeDefined();
    expect(checkOrder[checkStepIndex(rule!)]?.step).toBe(step);
  });

  const pairs = gateSteps.flatMap((a, i) => gateSteps.slice(i + 1).map((b) => [a, b] as const));
  it.each(pairs)('broken at %s and %s: the step the spec puts first decides', async (a, b) => {
    const first = checkStepNamed(a) < checkStepNamed(b) ? a : b;
    const rule = await gateRule([a, b]);
    expect(checkOrder[checkStepIndex(rule!)]?.step, `answered with ${rule}`).toBe(first);
  });
});
