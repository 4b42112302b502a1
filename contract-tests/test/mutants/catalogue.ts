/**
 * The catalogue of deliberately broken implementations: each is the real stub with ONE
 * fault, and names the rule the contract suite must report broken.
 */
import { baseModels, createDefaults, maxHeaderBytes, operation, type FineTuningJob, type FineTuningJobList } from '../../../spec/index.js';
import { admitBody, errorBody, violation } from '../../../mock/errors/answer-policy.js';
import type { StubService } from '../../../mock/stub/index.js';
import { json, withJson, type FrontRequest, type FrontResponse, type Mutant } from './front.js';
import { gateMutants } from './gate.js';

const createPath = operation('createFineTuningJob').path;
const isCreate = (r: FrontRequest) => r.method === 'POST' && r.path === createPath;
const isJob = (v: unknown): v is FineTuningJob => (v as { object?: unknown } | null)?.object === 'fine_tuning.job';

/** Apply a change to every job in an answer (a job, or a list of jobs). */
function patchJobs(res: FrontResponse, change: (job: Record<string, unknown>) => Record<string, unknown>): FrontResponse {
  const body = json(res);
  if (isJob(body)) return withJson(res, change({ ...body }));
  const list = body as FineTuningJobList | undefined;
  if (list && Array.isArray(list.data) && list.data.some(isJob)) return withJson(res, { ...list, data: list.data.map((j) => change({ ...j })) });
  return res;
}

function jsonAnswer(status: number, value: unknown): FrontResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(value)) };
}

const codePoints = (s: string) => [...s].length;

/** Wrap one method of the service, keeping the others as they are. */
function wrap<K extends keyof StubService>(name: K, replace: (original: StubService[K], s: StubService) => StubService[K]): (s: StubService) => StubService {
  return (s) => {
    const wrapped = Object.create(s) as StubService;
    const original = ((...args: unknown[]) => (s[name] as unknown as (...a: unknown[]) => unknown).apply(s, args)) as unknown as StubService[K];
    (wrapped as unknown as Record<string, unknown>)[name] = replace(original, s);
    return wrapped;
  };
}

/** The last path segment (a job or file id). */
const idIn = (path: string) => path.split('/')[3] ?? '';
const retrievePath = /^\/fine_tuning\/jobs\/[^/]+$/;
const eventsPath = /^\/fine_tuning\/jobs\/[^/]+\/events$/;

/** An answer patch: a 400 whose error carries `code` answers code null instead. */
function withoutCode(code: string): NonNullable<Mutant['response']> {
  return (_r, res) => {
    const body = json(res) as { error?: { code?: unknown } } | undefined;
    return res.status === 400 && body?.error?.code === code ? withJson(res, { error: { ...body.error, code: null } }) : res;
  };
}

/** Each job as retrieve first showed it (the frozen-retrieve mutant answers with these). */
const firstSeen = new Map<string, Buffer>();

export const mutants: Mutant[] = [
  {
    name: 'accepts-17-character-suffix',
    fault: 'A suffix of 17 characters is cut to 16 and accepted instead of rejected.',
    breaks: 'create.suffix',
    request: (r) => {
      const body = isCreate(r) ? (json(r) as Record<string, unknown> | undefined) : undefined;
      if (typeof body?.suffix === 'string' && codePoints(body.suffix) === 17) return withJson(r, { ...body, suffix: [...body.suffix].slice(0, 16).join('') });
      return r;
    },
  },
  {
    name: 'counts-suffix-in-utf16-units',
    fault: 'The suffix limit counts UTF-16 code units, so 16 emoji (32 units) are rejected.',
    breaks: 'create.suffix',
    request: (r) => {
      const body = isCreate(r) ? (json(r) as Record<string, unknown> | undefined) : undefined;
      if (typeof body?.suffix === 'string' && body.suffix.length > 16 && codePoints(body.suffix) <= 16) {
        return jsonAnswer(400, errorBody(violation(400, 'create.suffix', 'invalid_value', 'suffix must be at most 16 characters', 'suffix')));
      }
      return r;
    },
  },
  {
    name: 'forgets-the-base-model-default',
    fault: 'A create without base_model gets the first option instead of the default.',
    // Seen in the job's base_model, which only this contract promises to echo (the reference's example does not).
    breaks: 'job.base_model.echo',
    request: (r) => {
      const body = isCreate(r) ? json(r) : undefined;
      if (body && typeof body === 'object' && !Array.isArray(body) && !('base_model' in body)) {
        return withJson(r, { ...body, base_model: baseModels.find((m) => m !== createDefaults.base_model) });
      }
      return r;
    },
  },
  {
    name: 'create-answers-201',
    fault: 'A created job is answered 201 instead of 200.',
    breaks: 'job.create-status',
    response: (r, res) => (isCreate(r) && res.status === 200 ? { ...res, status: 201 } : res),
  },
  {
    name: 'skips-auth',
    fault: 'Requests without valid Bearer credentials are served as an anonymous organization.',
    breaks: 'auth.bearer',
    request: (r) => (/^bearer\s+\S+/i.test(r.headers.authorization ?? '') ? r : { ...r, headers: { ...r.headers, authorization: 'Bearer anonymous' } }),
  },
  {
    name: 'created-at-in-milliseconds',
    fault: 'created_at is answered in milliseconds.',
    breaks: 'job.created_at',
    response: (_r, res) => patchJobs(res, (j) => ({ ...j, created_at: (j.created_at as number) * 1000 })),
  },
  {
    name: 'leaks-jobs-across-organizations',
    fault: "Retrieving another organization's job by id returns it.",
    breaks: 'tenancy.isolation',
    wrapService: (() => {
      const owner = new Map<string, string>();
      return (s: StubService) =>
        wrap('retrieveJob', (orig) => (org, id) => {
          const mine = orig(org, id);
          return mine.ok || !owner.has(id) ? mine : orig(owner.get(id)!, id);
        })(
          wrap('createJob', (orig) => (org, input, options) => {
            const made = orig(org, input, options);
            if (made.ok) owner.set(made.value.id, org);
            return made;
          })(s),
        );
    })(),
  },
  {
    name: 'malformed-json-answered-500',
    fault: 'A JSON body that does not parse is answered 500 instead of 400.',
    breaks: 'request.malformed-json',
    response: (r, res) => {
      if (res.status !== 400 || !/json/.test(r.headers['content-type'] ?? '')) return res;
      try {
        JSON.parse(r.body.toString('utf8'));
        return res;
      } catch {
        return jsonAnswer(500, errorBody(violation(500, 'request.no-5xx-on-bad-input', 'internal_error', 'Unexpected token')));
      }
    },
  },
  {
    name: 'drops-fine-tuned-model',
    fault: 'Jobs are answered without the fine_tuned_model field while it is null.',
    breaks: 'job.fine_tuned_model',
    response: (_r, res) =>
      patchJobs(res, (j) => {
        if (j.fine_tuned_model === null) delete j.fine_tuned_model;
        return j;
      }),
  },
  {
    name: 'renames-object',
    fault: 'The job\'s "object" field is called "type".',
    breaks: 'job.object',
    response: (_r, res) =>
      patchJobs(res, ({ object, ...rest }) => ({ type: object, ...rest })),
  },
  {
    name: 'accepts-text-plain',
    fault: 'A create body sent as text/plain is read as JSON instead of answered 415.',
    breaks: 'request.content-type',
    request: (r) => (isCreate(r) && /^text\/plain/.test(r.headers['content-type'] ?? '') ? { ...r, headers: { ...r.headers, 'content-type': 'application/json' } } : r),
  },
  {
    name: 'ignores-unknown-fields',
    fault: 'Unknown fields of a create body are dropped silently instead of answered 400.',
    breaks: 'create.body',
    request: (r) => {
      const body = isCreate(r) ? json(r) : undefined;
      const known = Object.keys(operation('createFineTuningJob').requestSchema?.properties ?? {});
      if (!body || typeof body !== 'object' || Array.isArray(body)) return r;
      return withJson(r, Object.fromEntries(Object.entries(body).filter(([k]) => known.includes(k))));
    },
  },
  {
    name: 'foreign-job-answered-403',
    fault: "Another organization's job id is answered 403 instead of 404 (it reveals that the job exists).",
    breaks: 'tenancy.isolation',
    ...(() => {
      const everyJob = new Set<string>();
      return {
        response: (r: FrontRequest, res: FrontResponse) => {
          const body = json(res);
          if (isJob(body)) everyJob.add(body.id);
          const id = /^\/fine_tuning\/jobs\/([^/]+)/.exec(r.path)?.[1];
          if (res.status === 404 && id && everyJob.has(decodeURIComponent(id))) return jsonAnswer(403, errorBody(violation(403, 'tenancy.isolation', 'forbidden', 'This job belongs to another organization')));
          return res;
        },
      };
    })(),
  },
  {
    name: 'cancels-finished-job-with-200',
    fault: 'Cancelling a succeeded job answers 200 with the job instead of 400.',
    breaks: 'job.cancel',
    wrapService: wrap('cancelJob', (orig, s) => (org, id) => {
      const r = orig(org, id);
      return !r.ok && r.error.status === 400 ? s.retrieveJob(org, id) : r;
    }),
  },
  {
    name: 'list-repeats-the-cursor-item',
    fault: 'A page asked with after=X starts with X again (an inclusive cursor).',
    breaks: 'list.order-and-cursor',
    wrapService: wrap('listJobs', (orig, s) => (org, page) => {
      const r = orig(org, page);
      if (!r.ok || !page.after) return r;
      const cursor = s.retrieveJob(org, page.after);
      if (!cursor.ok) return r;
      return { ok: true, value: { ...r.value, data: [cursor.value, ...r.value.data].slice(0, page.limit) } };
    }),
  },
  {
    name: 'deleted-cursor-is-unknown',
    fault: 'A file list asked with after=X, X a file deleted while the client paged, is 400 unknown cursor instead of the page after where X was.',
    breaks: 'list.order-and-cursor',
    wrapService: wrap('listFiles', (orig, s) => (org, page) => {
      if (page.after && !s.retrieveFile(org, page.after).ok) return { ok: false, error: violation(400, 'list.unknown-cursor', 'invalid_value', `after: no file ${page.after}`, 'after') };
      return orig(org, page);
    }),
  },
  {
    name: 'repeated-query-last-value-counts',
    fault: 'A query parameter sent twice counts with its last value, so ?limit=0&limit=1 pages by 1 instead of being 400 (the first value, 0, is out of range).',
    breaks: 'list.limit',
    request: (r) => {
      const last = new URLSearchParams();
      for (const key of new Set(r.query.keys())) last.set(key, r.query.getAll(key).at(-1)!);
      return last.toString() === r.query.toString() ? r : { ...r, query: last };
    },
  },
  {
    name: 'headers-too-large-answered-500',
    fault: 'Headers longer than x-vaero-max-header-bytes crash the server: 500 instead of 431 headers_too_large.',
    breaks: 'request.no-5xx-on-bad-input',
    request: (r) =>
      Object.entries(r.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0) > maxHeaderBytes
        ? jsonAnswer(500, errorBody(violation(500, 'request.no-5xx-on-bad-input', 'internal_error', 'header buffer overflow')))
        : r,
  },
  {
    name: 'model-name-ignores-suffix',
    fault: 'A succeeded job is named ftm-{uuid} even when a suffix was asked for.',
    breaks: 'job.fine_tuned_model.suffix',
    response: (_r, res) =>
      patchJobs(res, (j) => (typeof j.fine_tuned_model === 'string' ? { ...j, fine_tuned_model: j.fine_tuned_model.replace(/^ftm-.+-([0-9a-f-]{36})$/, 'ftm-$1') } : j)),
  },
  {
    name: 'delete-keeps-the-file',
    fault: 'Deleting a file answers deleted: true but keeps it.',
    breaks: 'files.delete',
    wrapService: wrap('deleteFile', (orig, s) => (org, id) => {
      const f = s.retrieveFile(org, id);
      if (!f.ok) return orig(org, id);
      return { ok: true, value: { id, object: 'file', deleted: true } };
    }),
  },
  {
    name: 'json-answered-as-text',
    fault: 'JSON answers carry Content-Type text/plain.',
    breaks: 'response.content-type',
    response: (_r, res) => (/application\/json/.test(res.headers['content-type'] ?? '') ? { ...res, headers: { ...res.headers, 'content-type': 'text/plain; charset=utf-8' } } : res),
  },
  {
    name: 'empty-training-files-accepted',
    fault: 'An empty training_files list is filled with the shared sample instead of rejected.',
    breaks: 'create.training_files',
    request: (r) => {
      const body = isCreate(r) ? (json(r) as Record<string, unknown> | undefined) : undefined;
      if (Array.isArray(body?.training_files) && body.training_files.length === 0) return withJson(r, { ...body, training_files: ['file-abc123'] });
      return r;
    },
  },
  {
    name: 'job-never-finishes-cancelled',
    fault: 'A cancelled job is answered without finished_at.',
    breaks: 'job.cancel',
    response: (_r, res) => patchJobs(res, (j) => (j.status === 'cancelled' ? { ...j, finished_at: null } : j)),
  },
  {
    name: 'limit-0-answered-as-limit-1',
    fault: 'A page size of 0 is read as 1 instead of answered 400.',
    breaks: 'list.limit',
    request: (r) => {
      if (r.query.get('limit') !== '0') return r;
      const query = new URLSearchParams(r.query);
      query.set('limit', '1');
      return { ...r, query };
    },
  },
  {
    name: 'unknown-route-answered-200',
    fault: 'A path the spec does not declare is answered 200 with an HTML page.',
    breaks: 'request.unknown-route',
    response: (_r, res) => (res.status === 404 && json(res) && (json(res) as { error?: { code?: string } }).error?.code === 'route_not_found' ? { status: 200, headers: { 'content-type': 'text/html' }, body: Buffer.from('<h1>Welcome</h1>') } : res),
  },
  {
    name: 'auth-scheme-case-sensitive',
    fault: 'Only "Bearer" is accepted, not "bearer" (the scheme is case-insensitive).',
    breaks: 'auth.bearer',
    request: (r) => (/^Bearer /.test(r.headers.authorization ?? '') || !r.headers.authorization ? r : jsonAnswer(401, errorBody(violation(401, 'auth.bearer', 'invalid_authorization', 'Send Authorization: Bearer <token>', 'authorization')))),
  },
  {
    name: 'auth-tab-separator-accepted',
    fault: 'A tab between "Bearer" and the token is accepted (as Prism\'s own /^Bearer\\s.+$/ does); the spec\'s pattern takes spaces only.',
    breaks: 'auth.bearer.shape',
    request: (r) => {
      const tabbed = /^(bearer)\t+(\S+)$/i.exec(r.headers.authorization ?? '');
      return tabbed ? { ...r, headers: { ...r.headers, authorization: `${tabbed[1]} ${tabbed[2]}` } } : r;
    },
  },
  {
    name: 'oversized-body-parsed-anyway',
    fault: 'A create body over x-vaero-max-body-bytes is parsed and judged instead of answered 413.',
    breaks: 'request.body-size',
    request: (r) => {
      const max = operation('createFineTuningJob').maxBodyBytes ?? Infinity;
      if (!isCreate(r) || r.body.length <= max) return r;
      return jsonAnswer(400, errorBody(violation(400, 'request.malformed-json', 'invalid_json', 'The request body is not valid JSON')));
    },
  },
  {
    name: 'events-oldest-first',
    fault: "A page of a job's events lists them oldest first (the cursor still walks newest first).",
    breaks: 'list.order-and-cursor',
    wrapService: wrap('listEvents', (orig) => (org, id, page) => {
      const r = orig(org, id, page);
      return r.ok ? { ok: true, value: { ...r.value, data: [...r.value.data].reverse() } } : r;
    }),
  },
  {
    name: 'error-without-param',
    fault: 'Error answers leave out the param field.',
    breaks: 'error.envelope',
    response: (_r, res) => {
      const body = json(res) as { error?: Record<string, unknown> } | undefined;
      if (res.status < 400 || !body?.error) return res;
      const { param: _dropped, ...rest } = body.error;
      return withJson(res, { error: rest });
    },
  },
  {
    name: 'unknown-job-answered-500',
    fault: 'An unknown job id crashes the handler: 500 instead of 404.',
    breaks: 'path.not-found',
    response: (r, res) =>
      res.status === 404 && /^\/fine_tuning\/jobs\/[^/]+/.test(r.path) ? jsonAnswer(500, errorBody(violation(500, 'request.no-5xx-on-bad-input', 'internal_error', 'Cannot read properties of undefined'))) : res,
  },
  {
    name: 'created-at-frozen-in-the-past',
    fault: 'created_at is a fixed timestamp from 2020, not the server\'s now.',
    breaks: 'job.created_at.now',
    response: (_r, res) => patchJobs(res, (j) => ({ ...j, created_at: 1_600_000_000 })),
  },
  {
    name: 'binary-upload-accepted',
    fault: 'A file that is not text is stored (as its Latin-1 reading) instead of rejected.',
    breaks: 'files.text-only',
    wrapService: wrap('uploadFile', (orig) => (org, upload) => {
      const r = orig(org, upload);
      if (r.ok || r.error.param !== 'file' || !upload.content.length) return r;
      return orig(org, { ...upload, content: Buffer.from(Buffer.from(upload.content).toString('latin1').replace(/\0/g, ' '), 'utf8') });
    }),
  },
  {
    name: 'judges-the-body-before-auth',
    fault: 'A create body is validated before the credentials, so a bad body without auth gets 400, not 401.',
    breaks: 'request.check-order',
    request: (r) => {
      if (!isCreate(r) || /^bearer\s+\S/i.test(r.headers.authorization ?? '')) return r;
      let body: unknown;
      try {
        body = JSON.parse(r.body.toString('utf8'));
      } catch {
        return jsonAnswer(400, errorBody(violation(400, 'request.malformed-json', 'invalid_json', 'The request body is not valid JSON')));
      }
      const verdict = admitBody(operation('createFineTuningJob'), body);
      return verdict.ok ? r : jsonAnswer(400, errorBody(verdict.violation));
    },
  },
  {
    name: 'drops-request-id',
    fault: 'Answers come without the X-Request-Id header (the log line still has the id).',
    breaks: 'response.request-id',
    response: (_r, res) => {
      const { 'x-request-id': _dropped, ...headers } = res.headers;
      return { ...res, headers };
    },
  },
  // Faults inside the request gate the servers share (its answer policy): mutants/gate.ts.
  ...gateMutants,
  // ---- the naive 201 server's faults, one at a time, and faults that hide behaviour ----
  {
    name: 'one-organization-for-every-token',
    fault: 'Every token is the same organization: jobs and files are shared across keys.',
    breaks: 'tenancy.isolation',
    request: (r) => (/^bearer\s+\S+/i.test(r.headers.authorization ?? '') ? { ...r, headers: { ...r.headers, authorization: 'Bearer the-only-organization' } } : r),
  },
  {
    name: 'jobs-emit-no-events',
    fault: 'A job has no events: its event list is always empty.',
    breaks: 'event.shape',
    response: (r, res) => (r.method === 'GET' && eventsPath.test(r.path) && res.status === 200 ? withJson(res, { object: 'list', data: [], has_more: false }) : res),
  },
  {
    name: 'lifecycle-never-progresses',
    fault: 'Jobs never leave their first status (the stub at --speed 0).',
    breaks: 'job.fine_tuned_model.suffix',
    exit: 3,
    speed: 0,
  },
  {
    name: 'every-job-fails',
    fault: 'Every job fails at the end of training.',
    breaks: 'job.fine_tuned_model.suffix',
    exit: 3,
    request: (r) => (isCreate(r) ? { ...r, headers: { ...r.headers, 'vaero-mock-fail': 'training_failed' } } : r),
  },
  {
    name: 'retrieve-frozen-while-list-advances',
    fault: 'Retrieve keeps answering a job as it was first retrieved, while the list shows its progress.',
    breaks: 'job.retrieve.stable',
    response: (r, res) => {
      if (r.method !== 'GET' || !retrievePath.test(r.path) || res.status !== 200) return res;
      const id = idIn(r.path);
      if (!firstSeen.has(id)) firstSeen.set(id, res.body);
      return { ...res, body: firstSeen.get(id)! };
    },
  },
  {
    name: 'job-list-oldest-first',
    fault: 'The job list is served oldest first (the cursor still works).',
    breaks: 'list.order-and-cursor',
    wrapService: wrap('listJobs', (original) => (org, page) => {
      const all: FineTuningJob[] = [];
      for (let after: string | undefined; ; ) {
        const p = original(org, { limit: 100, ...(after ? { after } : {}) });
        if (!p.ok) return p;
        all.push(...p.value.data);
        if (!p.value.has_more) break;
        after = p.value.data[p.value.data.length - 1]!.id;
      }
      all.reverse();
      const start = page.after ? all.findIndex((j) => j.id === page.after) + 1 : 0;
      const data = all.slice(start, start + page.limit);
      return { ok: true, value: { object: 'list', data, has_more: start + page.limit < all.length } };
    }),
  },
  {
    name: 'shared-sample-deletable',
    fault: 'Deleting a shared sample file answers 200 deleted (and the sample stays).',
    breaks: 'files.delete',
    request: (r) => (r.method === 'DELETE' && /^\/files\/file-abc12[34]$/.test(r.path) ? jsonAnswer(200, { id: idIn(r.path) || r.path.split('/')[2], object: 'file', deleted: true }) : r),
  },
  {
    name: 'malformed-json-without-its-code',
    fault: 'Malformed JSON is answered 400 with code null instead of invalid_json.',
    breaks: 'request.malformed-json',
    response: withoutCode('invalid_json'),
  },
  {
    name: 'not-cancellable-without-its-code',
    fault: 'Cancelling a succeeded job is answered 400 with code null instead of job_not_cancellable.',
    breaks: 'job.cancel',
    response: withoutCode('job_not_cancellable'),
  },
];
