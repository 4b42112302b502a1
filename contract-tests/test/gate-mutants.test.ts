/**
 * Faults inside the shared request gate (mutants/gate.ts: order of checks, `param`
 * choice, error `type` by status) are caught by the suite's generated checks on their
 * own: run without the two fixture checks, the suite still reports each mutant failing
 * under the rule it breaks. (The proof of power runs them with every check, like the
 * other mutants.)
 */
import { describe, expect, it } from 'vitest';
import { checks } from '../checks/index.js';
import { runContractSuite } from '../index.js';
import { gateMutants } from './mutants/gate.js';
import { startMutant } from './mutants/front.js';

/** The check that must catch each: a generated one, or the conformance check judging the answers to generated cases. */
const CAUGHT_BY: Record<string, string> = {
  'gate-ranks-unknown-fields-first': 'generated-check-order',
  'gate-ranks-fields-alphabetically': 'generated-check-order',
  'gate-syntax-before-content-type': 'generated-check-order',
  'gate-unknown-field-param-null': 'generated-invalid-bodies',
  'gate-param-is-item-path': 'generated-invalid-bodies',
  'gate-error-type-table-lost': 'response-schema-conformance',
};
const FIXTURE_CHECKS = ['valid-fixtures-accepted', 'invalid-fixtures-rejected'];
const withoutFixtures = checks.filter((c) => !FIXTURE_CHECKS.includes(c.id));

describe('gate mutants are caught by generated checks, not only by the labelled fixtures', () => {
  it('the fixture checks are really left out', () => {
    expect(withoutFixtures.length).toBe(checks.length - FIXTURE_CHECKS.length);
  });

  it.each(gateMutants.map((m) => [m.name, m] as const))('%s', async (_, m) => {
    const target = await startMutant(m);
    try {
      const r = await runContractSuite({ baseUrl: target.baseUrl, token: 'gate-org-a', profile: 'core', seed: 31, checks: withoutFixtures });
      expect(r.checks.map((c) => c.id)).not.toContain('invalid-fixtures-rejected');
      expect(r.summary.brokenRules).toContain(m.breaks);
      const caughtBy = r.checks.filter((c) => c.failures.some((f) => f.ruleId === m.breaks)).map((c) => c.id);
      expect(caughtBy).toContain(CAUGHT_BY[m.name]);
    } finally {
      await target.close();
    }
  });
});
