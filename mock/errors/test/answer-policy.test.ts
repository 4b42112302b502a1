/**
 * The servers' answer policy: from the spec validators' errors to the one answer a server
 * gives (status, param, code and rule), the order of checks inside a body, the envelope.
 */
import { describe, expect, it } from 'vitest';
import { createDefaults, document, listLimits, operation, operations, rule, schemaValidator, validateResponse, type SchemaObject } from '../../../spec/index.js';
import { admitBody as validateBody, admitForm as validateForm, admitQuery as validateQuery, errorBody, errorTypeFor, firstViolation, violation } from '../answer-policy.js';

const create = operation('createFineTuningJob');
const list = operation('listFineTuningJobs');

function rejected(body: unknown) {
  const r = validateBody(create, body);
  if (r.ok) throw new Error(`accepted ${JSON.stringify(body)}`);
  const { status, param, code, ruleId } = r.violation;
  return { status, param, code, ruleId };
}

describe('admitBody on the create body', () => {
  it('applies the defaults to a copy and leaves the caller object alone', () => {
    const body = { training_files: ['file-x1'] };
    const r = validateBody(create, body);
    expect(r).toEqual({ ok: true, value: { training_files: ['file-x1'], style_model: 'vaero-1', base_model: 'general' } });
    expect(body).toEqual({ training_files: ['file-x1'] });
    expect(createDefaults).toEqual({ style_model: 'vaero-1', base_model: 'general' });
  });

  it('counts suffix length in code points: 16 emoji pass, 17 do not', () => {
    expect(validateBody(create, { training_files: ['file-a'], suffix: '🦊'.repeat(16) }).ok).toBe(true);
    expect(rejected({ training_files: ['file-a'], suffix: '🦊'.repeat(17) })).toEqual({
      status: 400,
      param: 'suffix',
      code: 'invalid_value',
      ruleId: 'create.suffix',
    });
  });

  it('names a missing field, an unknown field and a wrong type with their codes', () => {
    expect(rejected({})).toEqual({ status: 400, param: 'training_files', code: 'missing_required_parameter', ruleId: 'create.training_files.array' });
    expect(rejected({ training_files: ['file-a'], extra: 1 })).toEqual({ status: 400, param: 'extra', code: 'unknown_parameter', ruleId: 'create.body' });
    expect(rejected({ training_files: 'file-a' })).toEqual({ status: 400, param: 'training_files', code: 'invalid_type', ruleId: 'create.training_files.array' });
    expect(rejected({ training_files: [] })).toMatchObject({ param: 'training_files', ruleId: 'create.training_files' });
    expect(rejected({ training_files: ['file-a'], base_model: 'gpt-4o' })).toEqual({ status: 400, param: 'base_model', code: 'invalid_value', ruleId: 'create.base_model' });
  });

  it('a body that is not an object is about the request as a whole (param null)', () => {
    for (const body of [[], 'x', 3, null, true]) expect(rejected(body).param, JSON.stringify(body)).toBeNull();
  });

  it('an error inside the array names the top-level field', () => {
    expect(rejected({ training_files: ['file-a', 7] }).param).toBe('training_files');
  });

  it('keeps the order of checks inside a body: declared fields in schema order, then unknown ones', () => {
    expect(rejected({ zzz: 1, suffix: '' }).param).toBe('training_files');
    expect(rejected({ zzz: 1, training_files: ['file-a'], suffix: '' }).param).toBe('suffix');
    expect(rejected({ suffix: '', base_model: 'x', style_model: 'y', training_files: [] }).param).toBe('training_files');
    expect(rejected({ suffix: '', base_model: 'x', style_model: 'y', training_files: ['file-a'] }).param).toBe('style_model');
    expect(rejected({ suffix: '', base_model: 'x', training_files: ['file-a'] }).param).toBe('base_model');
    expect(rejected({ aaa: 1, training_files: ['file-a'] }).param).toBe('aaa');
  });

  it('gives an error message that names the field', () => {
    const r = validateBody(create, { training_files: ['file-a'], suffix: 'x'.repeat(17) });
    expect(!r.ok && r.violation.message).toMatch(/suffix/);
  });
});

describe('admitQuery', () => {
  it('coerces the text of a query string and applies the default limit', () => {
    expect(validateQuery(list, { limit: '5' })).toEqual({ ok: true, value: { limit: 5 } });
    expect(validateQuery(list, {})).toEqual({ ok: true, value: { limit: listLimits.default } });
    expect(listLimits).toEqual({ default: 20, max: 100 });
  });

  it('rejects out-of-range and non-integer limits and an empty cursor, naming the parameter', () => {
    for (const limit of ['0', '101', 'abc', '2.5', '']) {
      const r = validateQuery(list, { limit });
      expect(!r.ok && [r.violation.status, r.violation.param, r.violation.ruleId], limit).toEqual([400, 'limit', 'list.limit']);
    }
    const r = validateQuery(list, { after: '' });
    expect(!r.ok && [r.violation.param, r.violation.ruleId]).toEqual(['after', 'list.after']);
  });
});

describe('errors and responses', () => {
  it('fixes the error type by status and builds envelopes valid for that status', () => {
    expect([400, 401, 403, 404, 413, 415, 429, 500].map(errorTypeFor)).toEqual([
      'invalid_request_error',
      'authentication_error',
      'permission_error',
      'not_found_error',
      'invalid_request_error',
      'invalid_request_error',
      'rate_limit_error',
      'server_error',
    ]);
    const v = violation(401, 'auth.bearer', 'missing_authorization', 'No auth', 'authorization');
    expect(errorBody(v)).toEqual({ error: { message: 'No auth', type: 'authentication_error', param: 'authorization', code: 'missing_authorization' } });
    expect(validateResponse(create, 401, errorBody(v)).ok).toBe(true);
    expect(validateResponse(create, 400, errorBody(v)).ok).toBe(false);
  });

  it('every error status an operation declares has an error type the envelope allows', () => {
    const types = ((document.components!.schemas!.ErrorResponse as SchemaObject).properties!.error as SchemaObject).properties!.type as SchemaObject;
    for (const op of operations) for (const status of op.responses.keys()) if (status >= 400) expect(types.enum, `${op.operationId} ${status}`).toContain(errorTypeFor(status));
  });

  it('reports an undeclared status and names the rules a response breaks', () => {
    expect(validateResponse(create, 201, {})).toEqual({ ok: false, reason: 'undeclared-status' });
    const r = validateResponse(create, 200, { object: 'fine_tuning.job' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason === 'schema' && r.ruleIds).toContain('job.shape'); // a missing id: the job's shape, as the reference lists it
    expect(!r.ok && r.reason === 'schema' && r.ruleIds).toContain('job.finished_at'); // a missing finished_at: this contract's own field
  });
});

describe('the rule a schema violation names', () => {
  it('is the field\'s own rule where the field has one, on every kind of request part', () => {
    const upload = operation('uploadFile');
    const form = validateForm(upload, { file: 'some text' });
    expect(form.ok ? null : form.violation).toMatchObject({ status: 400, param: 'purpose', ruleId: 'upload.purpose' });
    const query = validateQuery(list, { limit: '0' });
    expect(query.ok ? null : query.violation).toMatchObject({ status: 400, param: 'limit', ruleId: 'list.limit' });
  });

  it('is request.schema where no narrower rule covers the field (a rule the spec declares)', () => {
    const schema = { type: 'object', properties: { n: { type: 'integer' } } } as const;
    const v = schemaValidator(schema);
    expect(v({ n: 'x' })).toBe(false);
    const picked = firstViolation(v.errors ?? [], schema as never);
    expect(picked).toMatchObject({ status: 400, param: 'n', ruleId: 'request.schema' });
    expect(rule('request.schema').source).toBe('inferred');
  });
});
