/**
 * The spec agrees with itself: what a create accepts leads to jobs its response schema
 * accepts. (A conforming implementation cannot be asked to answer what the spec forbids.)
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fineTunedModelPattern, operation, validateBody, validateResponse } from '../index.js';

const create = operation('createFineTuningJob');
const retrieve = operation('retrieveFineTuningJob');
const succeeded = operation('retrieveFineTuningJob').responses.get(200)!.examples.succeeded as Record<string, unknown>;

describe('create and job agree', () => {
  it('every suffix a create accepts gives a model name ftm-{suffix}-{uuid} the job schema accepts', () => {
    // Any code points, line terminators and astral characters included, around the length limit.
    const suffix = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 17 }),
      fc.string({ unit: fc.constantFrom('a', '-', '\n', '\r', '\u2028', '\u2029', '😀', 'e\u0301'), minLength: 1, maxLength: 17 }),
    );
    fc.assert(
      fc.property(suffix, (s) => {
        fc.pre(validateBody(create, { training_files: ['file-abc123'], suffix: s }).ok);
        const name = `ftm-${s}-${randomUUID()}`;
        expect(fineTunedModelPattern.test(name), JSON.stringify(name)).toBe(true);
        expect(validateResponse(retrieve, 200, { ...succeeded, fine_tuned_model: name })).toEqual({ ok: true });
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('without a suffix the model name ftm-{uuid} is accepted too', () => {
    expect(validateResponse(retrieve, 200, { ...succeeded, fine_tuned_model: `ftm-${randomUUID()}` })).toEqual({ ok: true });
  });
});
