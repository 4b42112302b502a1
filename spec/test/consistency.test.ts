/**
 * The spec agrees with itself: what a create accepts leads to jobs its response schema
 * accepts. (A conforming implementation cannot be asked to answer what the spec forbids.)
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  baseModels,
  createDefaults,
  document,
  fineTunedModelPattern,
  jobStatuses,
  lifecycle,
  listLimits,
  operation,
  operations,
  styleModels,
  validateBody,
  validateResponse,
} from '../index.js';

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

type Schema = { enum?: string[]; pattern?: string; items?: Schema; properties?: Record<string, Schema>; minimum?: number; maximum?: number };
const schemas = document.components!.schemas as Record<string, Schema>;
const job = schemas.FineTuningJob!.properties!;
const request = (document.components!.requestBodies!.CreateFineTuningJobRequest as { content: Record<string, { schema: Schema }> }).content['application/json']!.schema.properties!;

describe('the figures agree', () => {
  it('every option and default a create accepts is a value a job may carry', () => {
    for (const m of styleModels) expect(job.style_model!.enum).toContain(m);
    for (const m of baseModels) expect(job.base_model!.enum).toContain(m);
    expect(styleModels).toContain(createDefaults.style_model);
    expect(baseModels).toContain(createDefaults.base_model);
  });

  it('a file id the API hands out is one a create and a job accept', () => {
    const filePattern = schemas.FileObject!.properties!.id!.pattern;
    expect(request.training_files!.items!.pattern).toBe(filePattern);
    expect(job.training_files!.items!.pattern).toBe(filePattern);
    expect(schemas.DeletedFile!.properties!.id!.pattern).toBe(filePattern);
  });

  it('the lifecycle names exactly the statuses of the enum, starts unfinished and ends finished', () => {
    expect(Object.keys(lifecycle.next).sort()).toEqual([...jobStatuses].sort());
    for (const s of [...lifecycle.initial, ...lifecycle.finished, ...Object.values(lifecycle.next).flat()]) expect(jobStatuses).toContain(s);
    expect(jobStatuses).toContain('queued'); // the reference's example
    expect(lifecycle.initial).toContain('queued');
  });

  it('the default page size is within the limits', () => {
    const limit = (document.components!.parameters!.Limit as { schema: Schema }).schema;
    expect(listLimits.default).toBeGreaterThanOrEqual(limit.minimum!);
    expect(listLimits.default).toBeLessThanOrEqual(listLimits.max);
  });
});
