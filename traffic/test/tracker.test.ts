/** The rules across exchanges remember at most maxJobs jobs, the least recently seen forgotten first. */
import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../contract-tests/http/exchange.js';
import { JobTracker } from '../tracker.js';

const job = (id: string, status: string, created_at = 1721764800) => ({ object: 'fine_tuning.job', id, style_model: 'vaero-1', base_model: 'general', created_at, finished_at: null, fine_tuned_model: null, organization_id: 'org-1', status, training_files: ['file-abc123'], error: null });
let seq = 0;
const retrieve = (body: unknown): Exchange => ({ seq: ++seq, operationId: 'retrieveFineTuningJob', request: { method: 'GET', url: 'http://x/v1/fine_tuning/jobs/j', path: '/fine_tuning/jobs/j', headers: {} }, response: { status: 200, headers: {}, body: '', json: body }, durationMs: 0, curl: '' });

describe('JobTracker', () => {
  it('judges a status that goes back and a stable field that changes', () => {
    const t = new JobTracker();
    expect(t.observe(retrieve(job('ftjob-a', 'running'))).findings).toEqual([]);
    const back = t.observe(retrieve(job('ftjob-a', 'queued', 1721764801)));
    expect(back.findings.map((f) => [f.ruleId, f.instancePath])).toEqual([
      ['job.retrieve.stable', '/created_at'],
      ['job.lifecycle', '/status'],
    ]);
  });

  it('an answer to an earlier request may show an earlier status (answers end in any order)', () => {
    const t = new JobTracker();
    const at = (n: number, body: unknown) => ({ ...retrieve(body), seq: n });
    expect(t.observe(at(10, job('ftjob-o', 'running'))).findings).toEqual([]);
    expect(t.observe(at(9, job('ftjob-o', 'queued'))).findings).toEqual([]);
    expect(t.observe(at(8, job('ftjob-o', 'succeeded'))).findings.map((f) => f.ruleId)).toEqual(['job.lifecycle']);
  });

  it('is bounded: past maxJobs the least recently seen job is forgotten (and judged afresh)', () => {
    const t = new JobTracker(2);
    t.observe(retrieve(job('ftjob-1', 'running')));
    t.observe(retrieve(job('ftjob-2', 'running')));
    t.observe(retrieve(job('ftjob-1', 'running'))); // ftjob-1 is now the most recently seen
    t.observe(retrieve(job('ftjob-3', 'running')));
    expect(t.size).toBe(2);
    // ftjob-1 (seen again) was kept: a status that goes back is judged.
    expect(t.observe(retrieve(job('ftjob-1', 'queued'))).findings.map((f) => f.ruleId)).toEqual(['job.lifecycle']);
    // ftjob-2 was forgotten: a status that would go back is a first sighting again.
    expect(t.observe(retrieve(job('ftjob-2', 'queued'))).findings).toEqual([]);
  });
});
