/**
 * The server's side of an exchange. The answer is judged by the suite's own conformance
 * judge (status declared, media type, schema: contract-tests/checks/conformance.ts); then
 * against the request: a request that breaks the contract must get the answer of the first
 * rule it breaks (status and param, as the suite's expectRejected judges a fixture), never
 * a 2xx; a request that keeps it must not be refused for a rule it kept (the suite's
 * ruleOfRejection names that rule); a created job echoes what was asked (job.echo,
 * job.defaults, job.base_model.echo) and starts in a status the lifecycle allows.
 */
import { createDefaults, lifecycle, operation, ruleAt, type FineTuningJob } from '../spec/index.js';
import { judgeExchange, NOT_A_SERVER_ERROR, SCHEMA_CONFORMANCE } from '../contract-tests/checks/conformance.js';
import { codeOf, expectRejected, paramOf, ruleOfRejection } from '../contract-tests/checks/expectations.js';
import type { CheckContext, FailureInput } from '../contract-tests/checks/types.js';
import type { Exchange } from '../contract-tests/http/exchange.js';
import { emptyVerdict, type Finding, type TrafficExchange, type Verdict } from './message.js';
import type { RequestJudgement, Violation } from './request-judge.js';

/** Rules whose text states the error code of their answer (spec: x-vaero-rules' why). */
const CODE_STATED = new Set(['request.malformed-json', 'request.json-utf8', 'request.malformed-multipart', 'request.content-type', 'request.json-charset']);

const server = (ruleId: string, message: string, extra: Partial<Finding> = {}): Finding => ({ side: 'server', ruleId, message, ...extra });

/** The instance path of the first schema error a rule is blamed for (the spec module's rule of an error, as validateResponse finds it). */
function instancePathOf(ex: Exchange, ruleId: string, declared: unknown): string | undefined {
  const op = ex.operationId ? operation(ex.operationId) : undefined;
  const schema = op?.responses.get(ex.response?.status ?? 0)?.schema;
  if (!schema || !Array.isArray(declared)) return undefined;
  for (const e of declared as { at: string; keyword: string; params: Record<string, unknown> }[]) {
    const at = e.at === '/' ? '' : e.at;
    const id = (e.keyword === 'required' ? ruleAt(schema, `${at}/${String(e.params.missingProperty)}`) : ruleAt(schema, at, e.keyword))?.id ?? 'response.schema';
    if (id === ruleId) return e.keyword === 'required' ? `${at}/${String(e.params.missingProperty)}` : at;
  }
  return undefined;
}

/** Status, media type and schema of the answer (the body's rules only when the whole body is known). */
function conformance(ex: TrafficExchange, suite: Exchange, req: RequestJudgement): Verdict {
  const out = emptyVerdict();
  // A HEAD answer has no body by definition: its status and headers are judged, not a body.
  const head = ex.request.method === 'HEAD';
  const bodyKnown = !head && ex.response?.body !== undefined && !ex.response.body.truncated;
  const v = judgeExchange(suite);
  const badInput = req.violations.length > 0;
  for (const f of v.findings) {
    // A 5xx or no answer is the server's fault on bad input (the rule); on a valid request it may be an outage.
    if (f.checkId === NOT_A_SERVER_ERROR && !badInput) continue;
    if (f.checkId === SCHEMA_CONFORMANCE && !bodyKnown) continue;
    const instancePath = f.checkId === SCHEMA_CONFORMANCE ? instancePathOf(suite, f.ruleId, f.declared) : undefined;
    out.findings.push(server(f.ruleId, f.message, { declared: f.declared, received: f.received, ...(instancePath !== undefined ? { instancePath } : {}) }));
  }
  for (const h of v.held) {
    if (h.checkId === NOT_A_SERVER_ERROR && !badInput) continue;
    // A body not known is not judged either way: what its schema's rules would hold on is not the answer's body.
    if (h.checkId === SCHEMA_CONFORMANCE && !bodyKnown) continue;
    out.held.push(h.ruleId);
  }
  if (!bodyKnown && !head && ex.response && suite.operationId) {
    const why = ex.response.body ? `only the first ${ex.response.body.bytes.length} of its ${ex.response.body.length} bytes were kept` : 'the record holds no response body';
    out.notJudged.push({ ruleId: 'response.schema', reason: `the answer's body: ${why}` });
  }
  return out;
}

/**
 * The suite's own CheckContext, reduced to what its expectations call (pass, fail): their
 * verdict on one exchange, recorded instead of reported.
 */
function recording(): { ctx: CheckContext; held: string[]; failures: FailureInput[] } {
  const held: string[] = [];
  const failures: FailureInput[] = [];
  const ctx = { pass: (ruleId?: string) => void held.push(ruleId ?? 'request.schema'), fail: (f: FailureInput) => void failures.push(f) } as Pick<CheckContext, 'pass' | 'fail'>;
  // expectRejected calls only pass and fail.
  return { ctx: ctx as CheckContext, held, failures };
}

/**
 * A request that breaks the contract gets the answer of the first rule it breaks, judged by
 * the suite's expectRejected (never a 2xx; the status, param and, where the rule states it,
 * code). Which of several faults is named first is the order's matter: an answer naming a
 * later fault breaks request.check-order, one naming another unknown field
 * request.unknown-field-order.
 */
function rejection(suite: Exchange, violations: readonly Violation[]): Verdict {
  const out = emptyVerdict();
  const want = violations[0]!;
  const status = suite.response?.status;
  if (status === undefined) return out;
  const param = paramOf(suite);
  const asWanted = status === want.status && param === want.param;
  const misnamed = asWanted ? undefined : violations.slice(1).find((v) => v.status === status && v.param === param);
  if (misnamed) {
    const rule = want.code === 'unknown_parameter' && misnamed.code === 'unknown_parameter' ? 'request.unknown-field-order' : 'request.check-order';
    out.findings.push(server(rule, `answered ${status} param ${JSON.stringify(param)} (${misnamed.ruleId}) a request that first breaks ${want.ruleId}; the contract names ${JSON.stringify(want.param)}`, { param: want.param, declared: { status: want.status, param: want.param }, received: { status, param } }));
    return out;
  }
  const r = recording();
  const passed = expectRejected(r.ctx, suite, { status: want.status, param: want.param, ruleId: want.ruleId, ...(CODE_STATED.has(want.ruleId) ? { code: want.code } : {}) }, `a request that breaks ${want.ruleId} (${want.message})`);
  out.held.push(...r.held);
  for (const f of r.failures) out.findings.push(server(f.ruleId ?? want.ruleId, f.message, { param: want.param, declared: f.declared, received: f.received }));
  if (passed && violations.length > 1) out.held.push('request.check-order');
  return out;
}

/** Query parameters and body fields whose rejection depends on state (an unknown cursor, files the caller cannot use). */
const STATEFUL_PARAMS = new Set(['after', 'training_files']);

/** A request that keeps the contract must not be refused under a rule it kept. */
function wrongRefusal(suite: Exchange): Verdict {
  const out = emptyVerdict();
  const status = suite.response?.status ?? 0;
  const param = paramOf(suite);
  const code = codeOf(suite);
  const opId = suite.operationId!;
  const blamed =
    status === 413 || status === 415
      ? ruleOfRejection(opId, suite, 'request.schema')
      : status === 400 && code === 'invalid_json'
        ? 'request.malformed-json'
        : status === 400 && code === 'invalid_multipart'
          ? 'request.malformed-multipart'
          : status === 400 && typeof param === 'string' && !STATEFUL_PARAMS.has(param)
            ? ruleOfRejection(opId, suite, 'request.schema')
            : undefined;
  if (blamed) out.findings.push(server(blamed, `refused with ${status}${param ? ` param ${param}` : ''} a request that keeps ${blamed}`, { param: param ?? null, declared: 'an answer to a request that keeps the contract', received: { status, param: param ?? null, code: code ?? null } }));
  return out;
}

/** A created job shows what was asked: the files in order, the models asked for or the defaults; and it starts as the lifecycle allows. */
function createdJob(suite: Exchange, body: Record<string, unknown>): Verdict {
  const out = emptyVerdict();
  const job = suite.response?.json as FineTuningJob | undefined;
  if (!job || typeof job !== 'object') return out;
  const want = { ...createDefaults, ...body } as Record<string, unknown>;
  const compare = (field: 'style_model' | 'base_model' | 'training_files', ruleId: string) => {
    if (JSON.stringify(job[field]) !== JSON.stringify(want[field])) out.findings.push(server(ruleId, `${field} is ${JSON.stringify(job[field])}, not ${JSON.stringify(want[field])} as asked${body[field] === undefined ? ' (the default)' : ''}`, { instancePath: `/${field}`, declared: want[field], received: job[field] }));
    else out.held.push(ruleId);
  };
  compare('style_model', body.style_model === undefined ? 'job.defaults' : 'job.echo');
  compare('base_model', 'job.base_model.echo');
  compare('training_files', 'job.echo');
  if (!lifecycle.initial.includes(job.status)) out.findings.push(server('job.lifecycle', `a new job is ${JSON.stringify(job.status)}; it starts as ${lifecycle.initial.join(' or ')}`, { instancePath: '/status', declared: lifecycle.initial, received: job.status }));
  else out.held.push('job.lifecycle');
  return out;
}

export interface ResponseJudgeOptions {
  /** Judge what only a stateful implementation shows (echo of a create): false for a static mock. */
  stateful: boolean;
}

export function judgeResponse(ex: TrafficExchange, suite: Exchange, req: RequestJudgement, o: ResponseJudgeOptions): Verdict {
  const out = conformance(ex, suite, req);
  const res = ex.response;
  if (!res) return out;
  const add = (v: Verdict) => {
    out.findings.push(...v.findings);
    out.held.push(...v.held);
    out.notJudged.push(...v.notJudged);
  };
  if (req.violations.length) add(rejection(suite, req.violations));
  else if (!req.complete) {
    if (res.status >= 400 && res.status < 500 && res.status !== 404) out.notJudged.push({ ruleId: 'request.check-order', reason: `a ${res.status} to a request the record does not hold whole` });
  } else if (suite.operationId && res.status >= 400) add(wrongRefusal(suite));
  else if (suite.operationId === 'createFineTuningJob' && res.status < 300) {
    // The reference answers a create 200, not 201 (the suite's expectAccepted blames the same rule).
    if (res.status !== 200) out.findings.push(server('job.create-status', `a create was answered ${res.status}; the reference answers 200`, { declared: 200, received: res.status }));
    else {
      out.held.push('job.create-status');
      if (o.stateful && req.json && typeof req.json === 'object') add(createdJob(suite, req.json as Record<string, unknown>));
    }
  }
  return out;
}
