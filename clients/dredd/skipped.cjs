/**
 * Dredd transactions the hooks skip, by Dredd's transaction name, each with why (at most five;
 * clients/test/dredd.test.ts checks that exactly these are skipped). A skip is not a pass.
 */
module.exports.SKIPPED = {
  '/fine_tuning/jobs/{fine_tuning_job_id} > Retrieve a fine-tuning job > 200 > application/json':
    'the path example ftjob-abc123 names no job on the stub yet (the shared sample job is to come)',
  "/fine_tuning/jobs/{fine_tuning_job_id}/events > List a job's events > 200 > application/json":
    'the path example ftjob-abc123 names no job on the stub yet (the shared sample job is to come)',
};
