/**
 * The contract's own error answer to a request that breaks it: the status and `param` of
 * the first rule broken (request-judge.ts), in the error envelope with the `type` the spec
 * fixes for that status and a code among those it declares there. Read from the spec's
 * error responses, so the answer validates against the schema the contract declares.
 */
import { operations, type ErrorBody, type Operation } from '../spec/index.js';
import type { Violation } from './request-judge.js';

type Node = { allOf?: Node[]; properties?: Record<string, Node>; const?: unknown; enum?: unknown[] };

/** The error object's `type` const and `code` enum an error response declares (walking its allOf). */
function declared(schema: Node | undefined): { type?: string; codes: string[] } {
  const out: { type?: string; codes: string[] } = { codes: [] };
  const visit = (n: Node | undefined) => {
    if (!n) return;
    n.allOf?.forEach(visit);
    const err = n.properties?.error?.properties;
    if (typeof err?.type?.const === 'string') out.type = err.type.const;
    if (err?.code?.enum) out.codes.push(...(err.code.enum.filter((c) => typeof c === 'string') as string[]));
  };
  visit(schema);
  return out;
}

/** The response an operation (or, for an unknown route, any operation) declares for a status. */
function errorSchema(op: Operation | undefined, status: number): Node | undefined {
  const from = op ? [op] : operations;
  for (const o of from) {
    const r = o.responses.get(status);
    if (r) return r.schema as Node;
  }
  return undefined;
}

export function contractError(v: Violation, op: Operation | undefined): { status: number; body: ErrorBody } {
  const d = declared(errorSchema(op, v.status));
  const code = d.codes.includes(v.code) ? v.code : (d.codes[0] ?? v.code);
  return {
    status: v.status,
    body: { error: { message: v.message, type: (d.type ?? 'invalid_request_error') as ErrorBody['error']['type'], param: v.param, code } },
  };
}
