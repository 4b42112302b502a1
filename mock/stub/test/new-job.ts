/** A job as the store takes it and the journal records it (tests of the store and of replay). */
import type { NewJob } from '../service/store.js';

export const newJob = (org: string, id: string, createdMs: number, failure = false): NewJob => ({
  org,
  id,
  createdMs,
  style_model: 'vaero-1',
  base_model: 'general',
  training_files: ['file-abc123'],
  suffix: null,
  fineTunedModel: `ftm-${id}`,
  failure: failure ? { code: 'boom', message: 'Boom', param: null } : null,
});
