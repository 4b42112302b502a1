/** The files a job trains on: each one of the organization's files (or a shared sample), uploaded for fine-tuning. */
import { violation } from '../../errors/answer-policy.js';
import { err, ok, type Result } from './result.js';
import { RULES } from './rules.js';
import type { Store } from './store.js';

/** The files' own id strings (the job keeps those, not the request's copies), or the 400 naming the first unusable one. */
export function trainingFilesOf(store: Store, org: string, ids: readonly string[]): Result<string[]> {
  const out: string[] = [];
  for (const id of ids) {
    const f = store.findFile(org, id);
    if (!f) return err(violation(400, RULES.trainingFiles, 'file_not_found', `training_files: no file with id ${id}`, 'training_files'));
    if (f.purpose !== 'fine-tune') {
      return err(violation(400, RULES.trainingFiles, 'invalid_file_format', `training_files: file ${id} was not uploaded with purpose fine-tune`, 'training_files'));
    }
    out.push(f.id);
  }
  return ok(out);
}
