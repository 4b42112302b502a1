/**
 * The suite's own machinery: checks tied to real rules, generators that keep (or break
 * exactly one constraint of) the spec, a client that hides tokens, waits out 429s and
 * keeps to its budget, jobs that do not finish in time reported skipped, warn-severity
 * rules reported as warnings, and seeded runs that replay.
 */
import { plannedRules } from '../runner.js';
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startStub } from '../../mock/stub/index.js';
import { operation, rules, validateBody } from '../../spec/index.js';
import { allChecks } from '../checks/index.js';
import { breaksOnly, mutations, singleRuleMutants, validBody } from '../checks/arbitraries.js';
import { NoFit } from '../checks/fitting.js';
import { BudgetExhausted, HttpClient } from '../http/client.js';
import { nodeTransport } from '../http/transport.js';
import { runContractSuite } from '../index.js';
import { json, startMutant, withJson, TEST_SPEED } from './mutants/front.js';
import { toHtml } from '../reports/html.js';
import { toJUnit } from '../reports/junit.js';
import { mutants } from './mutants/catalogue.js';

const create = operation('createFineTuningJob');

describe('the catalogue of checks', () => {
  it('has unique stable ids, each tied to rules that exist in the spec', () => {
    const ids = allChecks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of allChecks) {
      expect(c.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(rules.has(c.ruleId), `${c.id} -> ${c.ruleId}`).toBe(true);
      for (const profile of ['core', 'full'] as const) for (const r of plannedRules(c, profile)) expect(rules.has(r), `${c.id} -> ${r}`).toBe(true);
      expect(c.profiles.length).toBeGreaterThan(0);
    }
  });
});

describe('generators', () => {
  const ids = ['file-x1', 'file-x2'];
  it('valid bodies pass the spec module\'s validator', () => {
    for (const body of fc.sample(validBody(create, ids), { seed: 1, numRuns: 300 })) expect(validateBody(create, body)).toMatchObject({ ok: true });
  });

  it('each mutation knows what it broke: the field it names, the rule of that field, and mostly nothing else', () => {
    const ms = mutations(create);
    for (const name of ['max-length-ascii:suffix', 'max-length-astral:suffix', 'enum:style_model', 'enum:base_model', 'missing-required:training_files', 'extra-field', 'unique-items:training_files', 'min-items:training_files', 'not-an-object']) {
      expect(ms.map((m) => m.name)).toContain(name);
    }
    for (const m of ms) {
      const field = m.name.split(':')[1];
      const made = fc.sample(validBody(create, ids).chain((b) => m.mutate(b)), { seed: 2, numRuns: 30 });
      for (const { body, broke } of made) {
        if (field) expect(broke.param, m.name).toBe(field);
        if (m.name === 'extra-field') expect(Object.keys(body as object)).toContain(broke.param);
        if (m.name === 'not-an-object') expect(broke.param).toBeNull();
        expect(rules.has(broke.ruleId), broke.ruleId).toBe(true);
      }
      // Most of what it makes breaks exactly what it says: the operator is not a no-op, and the filter keeps most cases.
      const single = made.filter((x) => {
        const r = validateBody(create, x.body);
        return !r.ok && breaksOnly(r.errors, x.broke);
      }).length;
      expect(single, m.name).toBeGreaterThan(15);
      const fitted = fc.sample(singleRuleMutants(create, m, validBody(create, ids)), { seed: 3, numRuns: 5 });
      expect(fitted.filter((x) => !(x instanceof NoFit)), m.name).toHaveLength(5);
    }
  });

  it('the rule a mutation names is the field\'s own rule in the spec, or the body\'s for unknown fields', () => {
    const by = (name: string) => fc.sample(validBody(create, ids).chain((b) => mutations(create).find((m) => m.name === name)!.mutate(b)), { seed: 5, numRuns: 1 })[0]!.broke;
    expect(by('max-length-astral:suffix')).toEqual({ keyword: 'maxLength', param: 'suffix', ruleId: 'create.suffix' });
    expect(by('missing-required:training_files')).toMatchObject({ param: 'training_files', ruleId: 'create.training_files.array' });
    expect(by('min-items:training_files')).toMatchObject({ param: 'training_files', ruleId: 'create.training_files' });
    expect(by('min-length:suffix')).toMatchObject({ keyword: 'minLength', ruleId: 'create.suffix.not-empty' });
    expect(by('extra-field')).toMatchObject({ keyword: 'additionalProperties', ruleId: 'create.body' });
  });

  it('17 astral characters are 34 UTF-16 units but one too many code points', () => {
    const m = mutations(create).find((x) => x.name === 'max-length-astral:suffix')!;
    const [body] = fc.sample(validBody(create, ids).chain((b) => m.mutate(b)).map((x) => x.body), { seed: 4, numRuns: 1 }) as { suffix: string }[];
    expect([...body!.suffix].length).toBeGreaterThanOrEqual(17);
    expect(body!.suffix.length).toBe(2 * [...body!.suffix].length);
  });
});

describe('the HTTP client', () => {
  const token = 'sk-secret-unit-token';
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

  it('never records the token: headers, URL, answers and curl say $VAERO_TOKEN', async () => {
    const client = new HttpClient({ baseUrl: `http://example.test/v1`, token, maxRequests: 10, fetch: async () => answer(401, { error: { message: `bad token ${token}` } }) });
    const raw = await client.send({ method: 'get', path: '/fine_tuning/jobs', query: { after: token } });
    // The answer is judged as sent; what is reported is redacted.
    expect(raw.response?.body).toContain(token);
    const ex = client.redactDeep(raw);
    expect(JSON.stringify(ex)).not.toContain(token);
    expect(ex.request.headers.authorization).toBe('Bearer $VAERO_TOKEN');
    expect(ex.curl).toContain('"Authorization: Bearer $VAERO_TOKEN"');
    expect(ex.response?.body).toContain('bad token $VAERO_TOKEN');
  });

  it('waits out a 429 as Retry-After says, then retries', async () => {
    const waits: number[] = [];
    let calls = 0;
    const client = new HttpClient({
      baseUrl: 'http://example.test/v1',
      token,
      maxRequests: 10,
      sleep: async (ms) => void waits.push(ms),
      fetch: async () => (++calls === 1 ? answer(429, { error: {} }, { 'retry-after': '2' }) : answer(200, { object: 'list', data: [], has_more: false })),
    });
    const ex = await client.send({ method: 'get', path: '/fine_tuning/jobs' });
    expect(ex.response?.status).toBe(200);
    expect(waits).toEqual([2000]);
    expect(client.used).toBe(2);
  });

  it('keeps to --max-requests', async () => {
    const client = new HttpClient({ baseUrl: 'http://example.test/v1', token, maxRequests: 2, fetch: async () => answer(200, {}) });
    await client.send({ method: 'get', path: '/files' });
    await client.send({ method: 'get', path: '/files' });
    await expect(client.send({ method: 'get', path: '/files' })).rejects.toBeInstanceOf(BudgetExhausted);
    // Cleanup of what a run created may go over it.
    await expect(client.send({ method: 'get', path: '/files', exempt: true })).resolves.toBeTruthy();
  });
});

describe('the default transport', () => {
  it('keeps an early answer to a large body (413 on the declared length, then close), from another process', async () => {
    // A server in its own process, as a real one is: it answers from the headers and never reads the body.
    const child = spawn(process.execPath, ['-e', `
      const http = require('node:http');
      const s = http.createServer((req, res) => { res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }); res.end('{"error":{}}'); });
      s.listen(0, '127.0.0.1', () => console.log(s.address().port));
    `]);
    try {
      const port = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
      const big = Buffer.alloc(8 * 1024 * 1024, 0x78);
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await nodeTransport(`http://127.0.0.1:${port}/v1/files`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: big });
        statuses.push(res.status);
      }
      expect(statuses).toEqual(Array(20).fill(413));
    } finally {
      child.kill();
    }
  });
});

describe('runs against the stub', () => {
  it('a job that does not finish within --job-timeout leaves its rules not judged, with the reason, and the run inconclusive', async () => {
    const stub = await startStub({ port: 0, host: '127.0.0.1', speed: 0, log: false });
    try {
      const r = await runContractSuite({ baseUrl: stub.baseUrl, token: 'org-frozen', profile: 'full', seed: 5, jobTimeoutMs: 300 });
      const lifecycle = r.checks.find((c) => c.id === 'job-succeeds-with-model-name')!;
      expect(lifecycle.failures).toEqual([]);
      const model = r.rules.find((x) => x.id === 'job.fine_tuned_model.suffix')!;
      expect(model.verdict).toBe('not-judged');
      expect(model.notJudged.map((n) => n.reason).join()).toMatch(/after --job-timeout 300 ms/);
      expect(r.outcome).toBe('inconclusive');
      expect(r.summary.notJudgedRules).toContain('job.fine_tuned_model.suffix');
    } finally {
      await stub.close();
    }
  });

  it('--max-requests caps the run: the rest is skipped with the reason, and what was created is still cleaned up', async () => {
    const stub = await startStub({ port: 0, host: '127.0.0.1', speed: TEST_SPEED, log: false });
    try {
      const r = await runContractSuite({ baseUrl: stub.baseUrl, token: 'org-budget', profile: 'full', seed: 5, maxRequests: 25 });
      expect(r.requests.sent).toBeLessThanOrEqual(25 + r.cleanup.cancelledJobs.length + r.cleanup.deletedFiles.length + 40);
      const skipped = r.checks.filter((c) => c.status === 'skipped');
      expect(skipped.length).toBeGreaterThan(0);
      expect(skipped.some((c) => /--max-requests 25/.test(c.skipReason ?? ''))).toBe(true);
      expect(r.cleanup.deletedFiles.length).toBeGreaterThan(0);
      expect(r.cleanup.problems).toEqual([]);
    } finally {
      await stub.close();
    }
  });

  it('a token the server echoes back (headers, bodies) never reaches the report', async () => {
    const token = 'sk-echoed-secret-4471';
    const target = await startMutant({
      name: 'echoes-the-token',
      fault: 'Answers 201 to a create, and echoes the Authorization header in a header and in error messages.',
      breaks: 'job.create-status',
      response: (r, res) => {
        const echoed = { ...res, headers: { ...res.headers, 'x-echo-authorization': r.headers.authorization ?? '' } };
        const body = json(res) as { error?: { message?: string } } | undefined;
        const patched = body?.error ? withJson(echoed, { error: { ...body.error, message: `${body.error.message} (you sent ${r.headers.authorization})` } }) : echoed;
        return r.method === 'POST' && r.path === '/fine_tuning/jobs' && res.status === 200 ? { ...patched, status: 201 } : patched;
      },
    });
    try {
      const r = await runContractSuite({ baseUrl: target.baseUrl, token, profile: 'full', seed: 5 });
      expect(r.summary.brokenRules).toContain('job.create-status');
      const text = JSON.stringify(r) + toHtml(r) + toJUnit(r);
      expect(text).toContain('$VAERO_TOKEN');
      expect(text).not.toContain(token);
    } finally {
      await target.close();
    }
  });

  it('a broken rule of severity warn is a warning: reported, but the run conforms', async () => {
    const warnRule = rules.get('list.unknown-cursor')!;
    expect(warnRule.severity).toBe('warn');
    // The real stub, answering an unknown cursor with an empty page instead of 400.
    const target = await startMutant({
      name: 'unknown-cursor-empty-page',
      fault: 'An unknown cursor gets an empty page.',
      breaks: warnRule.id,
      response: (r, res) => (r.query.get('after') && res.status === 400 ? { ...withJson(res, { object: 'list', data: [], has_more: false }), status: 200 } : res),
    });
    try {
      const r = await runContractSuite({ baseUrl: target.baseUrl, token: 'org-warn', profile: 'full', seed: 5 });
      expect(r.summary.warnedRules).toContain(warnRule.id);
      expect(r.rules.find((x) => x.id === warnRule.id)?.verdict).toBe('broken');
      expect(r.summary.brokenRules).toEqual([]);
      expect(r.outcome, r.inconclusiveBecause.join('\n')).toBe('conform');
    } finally {
      await target.close();
    }
  });

  it('the same seed replays the same generated cases; the smallest failing body is reported', async () => {
    const m = mutants.find((x) => x.name === 'ignores-unknown-fields')!;
    const cases: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const target = await startMutant(m);
      try {
        const r = await runContractSuite({ baseUrl: target.baseUrl, token: 'org-seed', profile: 'full', seed: 77 });
        const f = r.checks.find((c) => c.id === 'generated-invalid-bodies')!.failures.find((x) => x.ruleId === 'create.body')!;
        expect(f.replay?.seed).toBeTypeOf('number');
        // The run's own file ids differ between runs; everything generated is the same.
        // The counterexample is the mutant: its body and what it broke.
        const mutant = f.replay?.counterexample as { body: { training_files: string[] }; broke: { param: string; ruleId: string } };
        expect(mutant.broke.ruleId).toBe('create.body');
        expect(Object.keys(mutant.body)).toContain(mutant.broke.param);
        const { training_files, ...rest } = mutant.body;
        cases.push({ ...rest, training_files: training_files.length });
      } finally {
        await target.close();
      }
    }
    expect(cases[0]).toEqual(cases[1]);
    // Shrunk: one training file, one extra field, nothing else.
    const body = cases[0] as Record<string, unknown>;
    expect(Object.keys(body).length).toBe(2);
    expect(body.training_files).toBe(1);
  });
});
