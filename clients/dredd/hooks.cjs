/**
 * Dredd 14.1 hooks for running spec/openapi.yaml against the stub (clients/test/dredd.test.ts).
 * CommonJS: Dredd loads hook files with require().
 *
 * - Every request carries a bearer token (the spec's security; Dredd adds none itself).
 * - Error statuses: Dredd sends the same valid request for every status an operation declares;
 *   each error transaction asks the stub for its status with `Vaero-Mock-Status` (the steering
 *   header the stub and the mock share), and the answer is checked against that status's schema.
 * - Content-Type: the stub answers `application/json; charset=utf-8`; Dredd compares the header
 *   whole against the spec's media type `application/json`. A media type's parameters do not change
 *   it (RFC 9110 8.3.1), so before validation the real header is cut to its media type when that
 *   equals the expected one; any other media type is left as it came and still fails.
 * - 2xx transactions that change state get their own objects first (a hook creates the job to
 *   cancel and uploads the file to delete), because the path examples name shared, read-only
 *   samples: a shared sample cannot be cancelled (it has succeeded) or deleted (403).
 *
 * Skipped transactions, each with its reason: clients/dredd/skipped.cjs (at most five).
 */
const hooks = require('hooks');

const token = process.env.VAERO_DREDD_TOKEN || 'dredd';
const auth = `Bearer ${token}`;

/** Transactions not run, with why: clients/dredd/skipped.cjs. */
const { SKIPPED } = require('./skipped.cjs');

const statusOf = (t) => Number(t.expected.statusCode);
const mediaType = (value) => String(value || '').split(';')[0].trim().toLowerCase();

/** The base URL the stub serves (Dredd's endpoint plus the spec's path prefix, as Dredd sends it). */
function baseOf(t) {
  return `${t.protocol}//${t.host}:${t.port}`;
}

async function api(t, method, path, init = {}) {
  const res = await fetch(`${baseOf(t)}${path}`, { method, ...init, headers: { Authorization: auth, ...(init.headers || {}) } });
  const body = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** The path prefix of the endpoint (e.g. /v1): Dredd puts it before every path it sends. */
const prefixOf = (t) => t.fullPath.slice(0, t.fullPath.length - t.request.uri.length) || '';

hooks.beforeEach((t) => {
  const reason = SKIPPED[t.name];
  if (reason) {
    t.skip = true;
    return;
  }
  t.request.headers.Authorization = auth;
  const status = statusOf(t);
  if (status >= 300) t.request.headers['Vaero-Mock-Status'] = String(status);
});

hooks.beforeEachValidation((t) => {
  const real = t.real && t.real.headers && t.real.headers['content-type'];
  const expected = t.expected.headers && t.expected.headers['Content-Type'];
  if (real && expected && mediaType(real) === mediaType(expected)) t.real.headers['content-type'] = expected;
});

/** A multipart upload of a small text file, as a form client sends it. */
function uploadBody() {
  const boundary = 'vaero-dredd-boundary';
  const body = [
    `--${boundary}`,
    'Content-Disposition: form-data; name="purpose"',
    '',
    'fine-tune',
    `--${boundary}`,
    'Content-Disposition: form-data; name="file"; filename="training.txt"',
    'Content-Type: text/plain',
    '',
    'The first training document.',
    '***',
    'The second training document.',
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

hooks.before('/files > Upload a training file > 200 > application/json', (t) => {
  const { body, contentType } = uploadBody();
  t.request.body = body;
  t.request.headers['Content-Type'] = contentType;
});

/** Dredd awaits a hook only when it takes `done`; a rejected step fails the transaction. */
const withDone = (step) => (t, done) => step(t).then(() => done(), (err) => { t.fail = String(err); done(); });

hooks.before('/fine_tuning/jobs/{fine_tuning_job_id}/cancel > Cancel a fine-tuning job > 200 > application/json', withDone(async (t) => {
  const prefix = prefixOf(t);
  const job = await api(t, 'POST', `${prefix}/fine_tuning/jobs`, {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ training_files: ['file-abc123'] }),
  });
  t.request.uri = t.request.uri.replace('ftjob-abc123', job.id);
  t.fullPath = t.fullPath.replace('ftjob-abc123', job.id);
}));

hooks.before('/files/{file_id} > Delete a file > 200 > application/json', withDone(async (t) => {
  const prefix = prefixOf(t);
  const { body, contentType } = uploadBody();
  const file = await api(t, 'POST', `${prefix}/files`, { headers: { 'Content-Type': contentType }, body });
  t.request.uri = t.request.uri.replace('file-abc123', file.id);
  t.fullPath = t.fullPath.replace('file-abc123', file.id);
}));

