/**
 * `Authorization: Bearer <token>`, read with the spec's one pattern (spec/index.ts
 * readCredentials: securitySchemes.bearerAuth's x-vaero-credentials-pattern). What the
 * servers answer a bad one (the code, the rule) is their policy, here.
 */
import { readCredentials } from '../../spec/index.js';

export type BearerProblem = 'missing_authorization' | 'invalid_authorization';
export type BearerResult = { token: string } | { problem: BearerProblem; ruleId: string };

export function readBearer(header: string | undefined): BearerResult {
  const r = readCredentials(header);
  if ('token' in r) return { token: r.token };
  return { problem: r.problem === 'missing' ? 'missing_authorization' : 'invalid_authorization', ruleId: r.ruleId };
}

/** The Authorization value a server forwards for a token read from a header: the canonical spelling. */
export const canonicalAuthorization = (token: string): string => `Bearer ${token}`;


