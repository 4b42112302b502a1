/**
 * The request judge against the labelled fixtures: every fixture of the schema layer (and
 * the text-only uploads) gets, as its first violation, the status and param its label says;
 * every valid fixture breaks nothing. The labels are the contract's, written by hand.
 */
import { describe, expect, it } from 'vitest';
import { jsonCharsets } from '../../spec/index.js';
import { requestFixtures } from '../../fixtures/index.js';
import { toHttpRequest } from '../../fixtures/http.js';
import { trafficRequest } from '../message.js';
import { judgeRequest } from '../request-judge.js';

async function judged(f: (typeof requestFixtures)[number]) {
  const http = await toHttpRequest(f);
  return judgeRequest(trafficRequest({ method: http.method, target: http.path, headers: http.headers, ...(http.body ? { body: new Uint8Array(http.body) } : {}) }));
}

describe('judgeRequest on the labelled fixtures', () => {
  const invalid = requestFixtures.filter((f) => !f.valid && (f.layer === 'schema' || f.expect.ruleId === 'files.text-only'));
  const valid = requestFixtures.filter((f) => f.valid);

  it.each(invalid.map((f) => [f.name, f] as const))('%s: the first violation is the labelled answer', async (_name, f) => {
    const j = await judged(f);
    expect(j.violations.length).toBeGreaterThan(0);
    const first = j.violations[0]!;
    expect({ status: first.status, param: first.param }).toEqual({ status: f.expect.status, param: f.expect.param });
    if (f.expect.code) expect(first.code).toBe(f.expect.code);
    // Two unknown fields break create.body; which one is named is request.unknown-field-order's matter.
    const rule = f.expect.ruleId === 'request.unknown-field-order' ? 'create.body' : f.expect.ruleId;
    if (rule) expect(first.ruleId).toBe(rule);
    expect(j.findings.every((x) => x.side === 'client')).toBe(true);
  });

  it.each(valid.map((f) => [f.name, f] as const))('%s: a valid request breaks nothing', async (_name, f) => {
    const j = await judged(f);
    expect(j.violations).toEqual([]);
    expect(j.complete).toBe(true);
  });

  it.each([...jsonCharsets].map((name) => [name.toUpperCase()]))('charset=%s is a name of UTF-8 the spec lists (x-vaero-json-charsets)', async (name) => {
    const body = new TextEncoder().encode('{"training_files": ["file-abc123"]}');
    const j = await judgeRequest(trafficRequest({ method: 'POST', target: '/fine_tuning/jobs', headers: { authorization: 'Bearer t', 'content-type': `application/json; charset=${name}` }, body }));
    expect(j.violations).toEqual([]);
  });

  it('an unknown route is request.unknown-route, 404', async () => {
    const j = await judgeRequest(trafficRequest({ method: 'GET', target: '/fine_tuning/nothing', headers: { authorization: 'Bearer t' } }));
    expect(j.violations.map((v) => [v.ruleId, v.status])).toEqual([['request.unknown-route', 404]]);
  });

  it('a body cut at the capture cap leaves syntax and schema not judged, never passed', async () => {
    const body = { bytes: new TextEncoder().encode('{"training_fi'), length: 200, truncated: true };
    const j = await judgeRequest(trafficRequest({ method: 'POST', target: '/fine_tuning/jobs', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body }));
    expect(j.violations).toEqual([]);
    expect(j.complete).toBe(false);
    expect(j.notJudged.map((n) => n.ruleId)).toContain('request.schema');
    expect(j.held).not.toContain('request.schema');
  });

  it('a record without credentials leaves auth not judged', async () => {
    const j = await judgeRequest(trafficRequest({ method: 'GET', target: '/files', headers: {}, credentialsUnknown: true }));
    expect(j.violations).toEqual([]);
    expect(j.notJudged.map((n) => n.ruleId)).toEqual(['auth.bearer']);
  });
});
