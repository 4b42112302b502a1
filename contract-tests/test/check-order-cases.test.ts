/**
 * The "declared fields in the schema's order" case of generated-check-order judges only
 * bodies with two faults: the labelled one and the one added on a later field. A mutation
 * that lands on a valid value leaves one fault, which tests no order: such a body is redrawn.
 */
import { describe, expect, it } from 'vitest';
import { operation } from '../../spec/index.js';
import { requestFixtures } from '../../fixtures/index.js';
import { holdsBothFaults } from '../checks/generated.js';

const declared = Object.keys(operation('createFineTuningJob').requestSchema?.properties ?? {});
const labelled = requestFixtures.find((f) => f.name === 'create-training-files-empty')!;

describe('holdsBothFaults (the later-field case of generated-check-order)', () => {
  it('the fixture breaks a field the schema lists before suffix', () => {
    expect(labelled.expect.param).toBe('training_files');
    expect(declared.indexOf('suffix')).toBeGreaterThan(declared.indexOf('training_files'));
  });

  it('a body whose added field landed on a valid value is not a case (one fault, no order)', () => {
    const body = { ...(labelled.body as Record<string, unknown>), suffix: 'ok' };
    expect(holdsBothFaults(body, 'training_files', 'suffix')).toBe(false);
  });

  it('a body with both faults is a case', () => {
    const body = { ...(labelled.body as Record<string, unknown>), suffix: 12 };
    expect(holdsBothFaults(body, 'training_files', 'suffix')).toBe(true);
  });

  it('a body whose labelled fault was undone is not a case', () => {
    expect(holdsBothFaults({ training_files: ['file-abc123'], suffix: 12 }, 'training_files', 'suffix')).toBe(false);
  });
});
