/**
 * Provenance audited: the reference's own example responses (the create page this
 * project started from, and Vaero's pages for the other operations) break no reference
 * rule of the spec; where the contract rejects them, only its inferred rules do (the
 * gpt-4o base_model, the finished_at and error fields it adds).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { operation, rule, specPath, validateResponse, type OperationId } from '../index.js';

/** The create page's response example, as the reference shows it. */
const createPageExample = {
  object: 'fine_tuning.job',
  id: 'ftjob-abc123',
  style_model: 'vaero-1',
  base_model: 'gpt-4o',
  created_at: 1721764800,
  fine_tuned_model: null,
  organization_id: 'org-123',
  status: 'queued',
  training_files: ['file-abc123', 'file-abc124'],
};
/** Where the seed text is at hand (next to the project's clone), the example above is checked against it. */
const seedPath = join(specPath, '..', '..', '..', 'shared', 'seed', 'fine-tuning-jobs-api.txt');
function seedExample(): unknown {
  if (!existsSync(seedPath)) return createPageExample;
  const text = readFileSync(seedPath, 'utf8');
  const start = text.indexOf('{\n  "object"');
  return JSON.parse(text.slice(start, text.indexOf('\n}', start) + 2));
}

const jobOfRetrievePage = {
  object: 'fine_tuning.job',
  id: 'ftjob-abc123',
  style_model: 'vaero-1',
  base_model: 'gpt-4o',
  created_at: 1721764800,
  fine_tuned_model: 'ftm-custom-name-0b5ace7e-ffb2-43cf-8a4d-0af17bc2b1d1',
  organization_id: 'org-123',
  status: 'succeeded',
  training_files: ['file-abc123', 'file-abc124'],
};
const fileOfFilePages = { id: 'file-abc123', object: 'file', bytes: 120000, created_at: 1677610602, filename: 'mydata.txt', purpose: 'fine-tune' };

/** [operation, status, the page's example] */
const examples: [OperationId, number, () => unknown, string][] = [
  ['createFineTuningJob', 200, () => createPageExample, 'create-fine-tuning-job (the seed)'],
  ['retrieveFineTuningJob', 200, () => jobOfRetrievePage, 'retrieve-fine-tuning-job'],
  ['uploadFile', 200, () => fileOfFilePages, 'upload-file'],
  ['retrieveFile', 200, () => fileOfFilePages, 'retrieve-file'],
  ['deleteFile', 200, () => ({ id: 'file-abc123', object: 'file', deleted: true }), 'delete-file'],
];

describe("the reference's own examples", () => {
  it.each(examples)('%s %i (%s page) breaks no reference rule', (op, status, example) => {
    const r = validateResponse(operation(op), status, example());
    const broken = r.ok ? [] : r.reason === 'schema' ? r.ruleIds : ['response.status-declared'];
    expect(broken.filter((id) => rule(id).source === 'reference')).toEqual([]);
  });

  it('the create example here is the seed text\'s', () => {
    expect(seedExample()).toEqual(createPageExample);
  });

  it('the create example breaks exactly the inferred rules this contract adds to a job', () => {
    const r = validateResponse(operation('createFineTuningJob'), 200, createPageExample);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason === 'schema' && [...r.ruleIds].sort()).toEqual(['job.base_model', 'job.error', 'job.finished_at']);
  });
});
