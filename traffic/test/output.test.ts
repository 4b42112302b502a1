/** A violation's log line shows a server's bytes as data: control and bidi characters escaped, on one line. */
import { describe, expect, it } from 'vitest';
import type { ExchangeJudgement } from '../judge.js';
import { findingLine } from '../output.js';

describe('findingLine', () => {
  it('escapes what came from a server and stays one line', () => {
    const j = { exchange: { request: { method: 'GET', url: 'http://127.0.0.1:1/v1/fine_tuning/jobs/ftjob-1', path: '/fine_tuning/jobs/ftjob-1' }, response: { status: 200 } } } as unknown as ExchangeJudgement;
    const line = findingLine(j, { side: 'server', ruleId: 'job.status', instancePath: '/status', message: 'status is "\u001b]0;pwned\u0007\u001b[2J\u202e" and\nmore' }, new Date('2026-01-01T09:25:53.497Z'));
    expect(line).toBe('09:25:53.497 server job.status GET /v1/fine_tuning/jobs/ftjob-1 -> 200 at /status: status is "\\u001b]0;pwned\\u0007\\u001b[2J\\u202e" and\\nmore');
  });
});
