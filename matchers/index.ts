/**
 * The contract in a team's own tests (vitest or jest), with the judge of the proxy
 * (traffic/): plain functions that return findings as data, and two matchers.
 *
 *   import { vaeroMatchers } from 'vaero-contract/matchers';
 *   expect.extend(vaeroMatchers);
 *   await expect(await fetch(url)).toSatisfyVaeroContract();               // the server's side
 *   await expect({ method: 'POST', url, headers, body }).toBeValidVaeroRequest(); // the client's side
 *
 * jest on Node 20 loads CommonJS by default: `require('vaero-contract/matchers')` gets the
 * CommonJS build (dist/matchers/index.cjs, the same code bundled by matchers/build.ts).
 */
import { severityAt, type Level } from '../contract-tests/level.js';
import { rule } from '../spec/index.js';
import { TrafficJudge } from '../traffic/judge.js';
import type { Finding, Side } from '../traffic/message.js';
import { judgeRequest } from '../traffic/request-judge.js';
import { exchangeOf, NotJudgeable, requestOf, type RequestLike, type Where } from './adapters.js';

export { NotJudgeable, type RequestLike, type Where };

/** One rule broken: its id, the side at fault, the field (`param`), where in the body, what, and how much it counts at the level. */
export interface VaeroFinding {
  ruleId: string;
  side: Side;
  param?: string | null;
  instancePath?: string;
  message: string;
  severity: 'error' | 'warn';
}

export interface JudgeOptions extends Where {
  /** reference: only what Vaero's API reference states is an error; contract (default): every rule. */
  level?: Level;
  /** Judge a create's echo of what was asked (default true; false against a static mock). */
  stateful?: boolean;
}

const asFinding = (f: Finding, level: Level): VaeroFinding => ({
  ruleId: f.ruleId,
  side: f.side,
  ...(f.param !== undefined ? { param: f.param } : {}),
  ...(f.instancePath !== undefined ? { instancePath: f.instancePath } : {}),
  message: f.message,
  severity: severityAt(rule(f.ruleId), level),
});

/** What a request breaks (the client's side), in the contract's order of checks. */
export async function judgeVaeroRequest(request: RequestLike, o: JudgeOptions = {}): Promise<VaeroFinding[]> {
  const judged = await judgeRequest(await requestOf(request, o));
  return judged.findings.map((f) => asFinding(f, o.level ?? 'contract'));
}

/**
 * What an exchange breaks, both sides: the response (a fetch Response, supertest or axios
 * response) and the request it answers, as far as it is known.
 */
export async function judgeVaeroExchange(response: unknown, o: JudgeOptions = {}): Promise<VaeroFinding[]> {
  const judged = await new TrafficJudge({ stateful: o.stateful ?? true }).judge(await exchangeOf(response, o));
  return judged.findings.map((f) => asFinding(f, o.level ?? 'contract'));
}

/** What a response breaks: the server's side of the exchange. */
export async function judgeVaeroResponse(response: unknown, o: JudgeOptions = {}): Promise<VaeroFinding[]> {
  return (await judgeVaeroExchange(response, o)).filter((f) => f.side === 'server');
}

/** One line per finding, for a failure message. */
export function formatFindings(findings: readonly VaeroFinding[]): string {
  return findings.map((f) => `  - ${f.side} broke ${f.ruleId}${f.param !== undefined ? ` (param ${f.param})` : ''}${f.instancePath ? ` at ${f.instancePath}` : ''}: ${f.message}${f.severity === 'warn' ? ' [warning]' : ''}`).join('\n');
}

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** A matcher's answer: pass when no finding of severity error at the level; a value it cannot judge fails with why. */
async function verdict(what: string, find: () => Promise<VaeroFinding[]>): Promise<MatcherResult> {
  let findings: VaeroFinding[];
  try {
    findings = await find();
  } catch (err) {
    if (err instanceof NotJudgeable) return { pass: false, message: () => err.message };
    throw err;
  }
  const errors = findings.filter((f) => f.severity === 'error');
  return {
    pass: errors.length === 0,
    message: () => (errors.length ? `expected ${what} to satisfy the Vaero contract, but:\n${formatFindings(findings)}` : `expected ${what} not to satisfy the Vaero contract, but it does${findings.length ? ` (warnings only:\n${formatFindings(findings)})` : ''}`),
  };
}

/** expect.extend(vaeroMatchers): the same object works for vitest and jest. */
export const vaeroMatchers = {
  /** The response (and the exchange it ends) breaks no rule on the server's side. */
  toSatisfyVaeroContract(received: unknown, o: JudgeOptions = {}): Promise<MatcherResult> {
    return verdict('the response', () => judgeVaeroResponse(received, o));
  },
  /** The request breaks no rule of the contract (what a client is about to send). */
  toBeValidVaeroRequest(received: RequestLike, o: JudgeOptions = {}): Promise<MatcherResult> {
    return verdict('the request', () => judgeVaeroRequest(received, o));
  },
};

/** For TypeScript users: `interface Assertion<T> extends VaeroMatchers<T> {}` in a declaration of vitest's or jest's module. */
export interface VaeroMatchers<R = unknown> {
  toSatisfyVaeroContract(o?: JudgeOptions): Promise<R>;
  toBeValidVaeroRequest(o?: JudgeOptions): Promise<R>;
}
