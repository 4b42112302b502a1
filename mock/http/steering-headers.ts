/**
 * The steering headers both servers take, so a frontend switches between the stub and the
 * mock without changing its requests (table in README.md, "Steering headers"):
 *
 *   Vaero-Mock-Status: N   and   Prefer: code=N   (the same thing; Vaero-Mock-Status wins)
 *       answer status N, which the operation must declare; an error status comes with the
 *       spec's example for it (Prefer: example=NAME picks another), a 429 with Retry-After.
 *   Prefer: example=NAME   the mock answers that example (Prism's own); the stub answers from its state
 *   Prefer: dynamic=true   the mock generates the answer from the schema (Prism's own); the stub ignores it
 *
 * Read after route and auth (steps 1-2 of the gate), before the body: a request that asks
 * for an error status gets it whatever its body. A header asking for something the
 * operation cannot answer (a status it does not declare, an example it does not have) is
 * ignored: the request is served as if unasked, and `ignored` says why for the log line.
 */
import parsePreferHeader from 'parse-prefer-header';
import type { Operation } from '../../spec/index.js';
import { errorBody, type Violation } from '../errors/answer-policy.js';
import { MOCK_STATUS_HEADER, PREFER_HEADER } from './header-names.js';

export { MOCK_STATUS_HEADER, PREFER_HEADER };
/** Seconds a simulated 429 asks the client to wait (the spec's example for Retry-After). */
export const SIMULATED_RETRY_AFTER = '1';

export interface Steering {
  /** The status asked for (declared by the operation), if any. */
  status?: number;
  /** The header that asked for it. */
  askedBy?: typeof MOCK_STATUS_HEADER | typeof PREFER_HEADER;
  /** The named example asked for (of `status`'s response, or of the success response). */
  example?: string;
  /** Prefer: dynamic=true (the mock's Prism generates the answer). */
  dynamic?: boolean;
  /** The Prefer header to hand to Prism: code, example and dynamic, as read. */
  prefer?: string;
  /** What was asked for and ignored (the operation cannot answer it), for the log line. */
  ignored?: string;
}

/** Reads a request header by its lower-case name (several values joined, as Node and Fetch do). */
export type HeaderReader = (name: string) => string | undefined;

export function readSteering(header: HeaderReader, op: Operation): { ok: true; steering: Steering } | { ok: false; violation: Violation } {
  const mockStatus = header(MOCK_STATUS_HEADER)?.trim();
  const prefer = parsePreferHeader(header(PREFER_HEADER));
  const steering: Steering = {};
  const asked = mockStatus ?? (typeof prefer.code === 'string' ? prefer.code.trim() : prefer.code === true ? '' : undefined);
  const askedBy = mockStatus !== undefined ? MOCK_STATUS_HEADER : PREFER_HEADER;
  const ignored: string[] = [];
  if (asked !== undefined) {
    const status = Number(asked);
    if (!/^\d{3}$/.test(asked) || !op.responses.has(status)) {
      const declared = [...op.responses.keys()].join(', ');
      ignored.push(`${askedBy === MOCK_STATUS_HEADER ? `${MOCK_STATUS_HEADER}=` : 'prefer: code='}${JSON.stringify(asked)} ignored: ${op.operationId} declares only ${declared}`);
    } else {
      steering.status = status;
      steering.askedBy = askedBy;
    }
  }
  if (prefer.example !== undefined) {
    const of = op.responses.get(steering.status ?? successStatus(op));
    const names = Object.keys(of?.examples ?? {});
    if (typeof prefer.example !== 'string' || !names.includes(prefer.example)) {
      ignored.push(`prefer: example=${JSON.stringify(prefer.example)} ignored: the ${of?.status ?? ''} answer of ${op.operationId} has only ${names.join(', ') || 'no examples'}`);
    } else {
      steering.example = prefer.example;
    }
  }
  if (ignored.length) steering.ignored = ignored.join('; ');
  if (prefer.dynamic === 'true' || prefer.dynamic === true) steering.dynamic = true;
  const parts = [
    steering.status !== undefined ? `code=${steering.status}` : '',
    steering.example !== undefined ? `example=${JSON.stringify(steering.example)}` : '',
    steering.dynamic ? 'dynamic=true' : '',
  ].filter(Boolean);
  if (parts.length) steering.prefer = parts.join(', ');
  return { ok: true, steering };
}

/** The status of an operation's success answer (its lowest 2xx). */
export function successStatus(op: Operation): number {
  return Math.min(...[...op.responses.keys()].filter((s) => s >= 200 && s < 300));
}

/** Whether the steering asks for an error answer in place of the operation's own. */
export const asksForError = (s: Steering): s is Steering & { status: number } => s.status !== undefined && s.status >= 400;

/** The body of an asked-for error answer: the spec's example for that status (the one named, else the first). */
export function exampleAnswer(op: Operation, s: Steering & { status: number }): unknown {
  const examples = op.responses.get(s.status)?.examples ?? {};
  const name = s.example ?? Object.keys(examples)[0];
  if (name !== undefined) return examples[name];
  return errorBody({ status: s.status, param: null, code: s.status === 429 ? 'rate_limit_exceeded' : 'simulated_error', message: `Status ${s.status}, as asked for` });
}
