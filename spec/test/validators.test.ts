/**
 * The spec module's validators return errors as data (which one a server answers is the
 * servers' answer policy, mock/errors/answer-policy.ts); routing, figures and the rule a
 * schema location falls under are the contract's data.
 */
import { describe, expect, it } from 'vitest';
import { basePath, lifecycle, matchOperation, operation, schemaRuleAt, validateBody, validateForm, validateQuery } from '../index.js';

const create = operation('createFineTuningJob');
const list = operation('listFineTuningJobs');

describe('validators: errors as data', () => {
  it('a valid body comes back with its defaults applied to a copy', () => {
    const body = { training_files: ['file-x1'] };
    expect(validateBody(create, body)).toEqual({ ok: true, value: { training_files: ['file-x1'], style_model: 'vaero-1', base_model: 'general' } });
    expect(body).toEqual({ training_files: ['file-x1'] });
  });

  it('an invalid body comes back with every ajv error, not one chosen answer', () => {
    const r = validateBody(create, { suffix: '', zzz: 1 });
    expect(r.ok).toBe(false);
    const keywords = r.ok ? [] : r.errors.map((e) => e.keyword).sort();
    expect(keywords).toEqual(['additionalProperties', 'minLength', 'required']);
  });

  it('queries are coerced and defaulted; forms are checked as objects of text', () => {
    expect(validateQuery(list, { limit: '5' })).toEqual({ ok: true, value: { limit: 5 } });
    expect(validateQuery(list, { limit: '0' }).ok).toBe(false);
    expect(validateForm(operation('uploadFile'), { file: 'x' }).ok).toBe(false);
    expect(validateForm(operation('uploadFile'), { file: 'x', purpose: 'fine-tune' }).ok).toBe(true);
  });

  it('the rule of a schema location is the nearest x-vaero-rule, else request.schema', () => {
    expect(schemaRuleAt(create.requestSchema, '/suffix').id).toBe('create.suffix');
    expect(schemaRuleAt(create.requestSchema, '/training_files').id).toBe('create.training_files.array');
    expect(schemaRuleAt(create.requestSchema, '/training_files/0').id).toBe('create.training_files.array');
    // Provenance per keyword: the keywords this contract adds have their own rule.
    expect(schemaRuleAt(create.requestSchema, '/training_files', 'minItems').id).toBe('create.training_files');
    expect(schemaRuleAt(create.requestSchema, '/training_files/0', 'pattern').id).toBe('create.training_files');
    expect(schemaRuleAt(create.requestSchema, '/suffix', 'maxLength').id).toBe('create.suffix');
    expect(schemaRuleAt(create.requestSchema, '/suffix', 'minLength').id).toBe('create.suffix.not-empty');
    expect(schemaRuleAt(list.querySchema, '/limit').id).toBe('list.limit');
    expect(schemaRuleAt({ type: 'object', properties: { n: { type: 'integer' } } }, '/n').id).toBe('request.schema');
  });
});

describe('routing and figures', () => {
  it('matches paths relative to the base URL and decodes path parameters', () => {
    const m = matchOperation('GET', '/fine_tuning/jobs/ftjob-a%2Db/events');
    expect(m?.operation.operationId).toBe('listFineTuningEvents');
    expect(m?.pathParams).toEqual({ fine_tuning_job_id: 'ftjob-a-b' });
    expect(matchOperation('post', '/fine_tuning/jobs')?.operation.operationId).toBe('createFineTuningJob');
    expect(matchOperation('PUT', '/fine_tuning/jobs')).toBeUndefined();
    expect(matchOperation('GET', '/fine_tuning/jobs/a/b')).toBeUndefined();
    expect(basePath).toBe('/v1');
  });

  it('the lifecycle starts unfinished and finished statuses go nowhere', () => {
    for (const s of lifecycle.initial) expect(lifecycle.finished).not.toContain(s);
    for (const s of lifecycle.finished) expect(lifecycle.next[s]).toEqual([]);
    for (const s of Object.keys(lifecycle.next) as (keyof typeof lifecycle.next)[]) {
      if (!lifecycle.finished.includes(s)) expect(lifecycle.next[s]).toContain('cancelled');
    }
  });
});

