/**
 * The steering headers (mock/http/steering-headers.ts: Vaero-Mock-Status, Prefer), read after
 * route and auth and before the body, as every server reads them. `steering` reads them (what
 * the operation cannot answer is ignored, and the log line says so); `simulate` answers an
 * error status asked for from the spec's example (the stub, the MSW handlers; the Prism front
 * has Prism answer it instead, through `askedAnswer` too).
 */
import { asksForError, exampleAnswer, readSteering, SIMULATED_RETRY_AFTER, type Steering } from '../../http/steering-headers.js';
import { rejection, type Answer, type Step } from '../exchange.js';

export const steering: Step = (x): Answer | undefined => {
  const read = readSteering(x.reader.header, x.head!.operation);
  if (!read.ok) return rejection(read.violation);
  x.steering = read.steering;
  if (read.steering.ignored) x.note = read.steering.ignored;
  return undefined;
};

const RETRY_AFTER = { 'retry-after': SIMULATED_RETRY_AFTER };

/** The answer to a status asked for, with its body: a 429 says when to retry. `headers`: what else it carries (a forwarded content type). */
export function askedAnswer(asked: Steering & { status: number }, body: unknown, headers?: Record<string, string>): Answer {
  const all = asked.status === 429 ? (headers ? { ...headers, ...RETRY_AFTER } : RETRY_AFTER) : headers;
  return { status: asked.status, body, headers: all, note: `simulated by ${asked.askedBy}` };
}

/** An error status asked for, answered whatever the body: the spec's example for it. */
export const simulate: Step = (x): Answer | undefined => {
  const s = x.steering!;
  return asksForError(s) ? askedAnswer(s, exampleAnswer(x.head!.operation, s)) : undefined;
};
