/**
 * Test helpers: a stub listening on 127.0.0.1:0 with a manual clock and a captured
 * request log, and a check that a response is what the spec declares for its
 * operation and status (media type and schema).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import request from 'supertest';
import { expect } from 'vitest';
import { basePath, matchOperation, operation, validateResponse, type OperationId } from '../../../spec/index.js';
import { ManualClock } from '../service/clock.js';
import { sampleJobId } from '../service/sample-job.js';
import { createService, type ServiceOptions, type StubService } from '../service/service.js';
import { createApp, type StubOptions } from '../http/app.js';
import { FLUSH_MS } from '../../http/log.js';

export interface TestStub {
  server: Server;
  service: StubService;
  clock: ManualClock;
  /** The request log, one line per answered request. */
  lines: string[];
  /** supertest bound to the running server. */
  http: request.Agent;
  close(): Promise<void>;
}

/** Responses of any test stub that broke the spec (see `expectEveryAnswerConformed`). */
const problems: string[] = [];

/**
 * Every answer a test stub gives is checked against the spec as it arrives (status declared
 * for the operation, media type, schema); call this after each test so that no answer, even
 * one a test does not look at closely, escapes the check.
 */
export function expectEveryAnswerConformed(): void {
  const found = problems.splice(0);
  expect(found, 'answers that break the spec').toEqual([]);
}

export async function startTestStub(options: StubOptions & ServiceOptions & { checkAnswers?: boolean } = {}): Promise<TestStub> {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock();
  const service = options.service ?? createService({ ...options, clock });
  const lines: string[] = [];
  const app = createApp({ ...options, service, log: (l) => lines.push(l) });
  const server = createServer(app);
  server.on('clientError', app.locals.onClientError as (err: Error, socket: Duplex) => void);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    service,
    clock,
    lines,
    http: (() => {
      const agent = request.agent(`http://127.0.0.1:${port}`);
      if (options.checkAnswers !== false) {
        agent.use((req: { method: string; url: string; on(event: 'response', listener: (res: request.Response) => void): unknown }) => {
          req.on('response', (res: request.Response) => {
            const p = conformanceProblem(res);
            if (p) problems.push(`${req.method} ${req.url}: ${p}`);
          });
        });
      }
      return agent;
    })(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        // The service's journal closes (its last write, the lock released) before the next start on its file.
        server.close(() => void service.close().then(resolve, reject));
        server.closeAllConnections();
      }),
  };
}

export const v1 = (path: string): string => basePath + path;

/**
 * A job list without the shared sample job every organization lists (service/sample-job.ts):
 * the jobs a test made. Tests tolerate what they did not create, as on a real service.
 */
export const withoutSample = <T extends { id: string }>(items: readonly T[]): T[] => items.filter((j) => j.id !== sampleJobId);
export const bearer = (token: string): string => `Bearer ${token}`;

/** The log lines written so far, once the log (flushed in batches) has caught up. */
export async function logLines(stub: TestStub): Promise<string[]> {
  await new Promise((r) => setTimeout(r, FLUSH_MS + 10));
  return stub.lines;
}

/** Why a response is not one the spec declares, or undefined if it is (answers outside the base path are not the API's). */
function conformanceProblem(res: request.Response): string | undefined {
  const url = new URL(res.request.url);
  // CORS preflights are not API operations; answers outside the base path (the admin endpoint) are not the API's.
  if (res.request.method === 'OPTIONS') return undefined;
  if (!url.pathname.startsWith(basePath + '/') && res.status !== 404) return undefined;
  const head = res.request.method === 'HEAD'; // GET's operation, answered without a body
  let op = operation('retrieveFineTuningJob'); // an unknown route is checked against the 404 envelope
  try {
    op = matchOperation(head ? 'GET' : res.request.method, url.pathname.slice(basePath.length))?.operation ?? op;
  } catch {
    // a path that does not decode addresses no operation
  }
  const declared = op.responses.get(res.status);
  if (!declared) return `${op.operationId} does not declare status ${res.status}`;
  const media = res.headers['content-type']?.split(';')[0];
  if (media !== declared.mediaType) return `media type ${media}, declared ${declared.mediaType}`;
  if (head) return res.text ? 'a body in the answer to HEAD' : undefined;
  const check = validateResponse(op, res.status, declared.mediaType.startsWith('text/') ? res.text : res.body);
  if (!check.ok) return `${res.status} body breaks the spec: ${JSON.stringify(check).slice(0, 300)}`;
  if (/\n\s+at .+:\d+:\d+/.test(res.text ?? '')) return 'a stack trace in the answer';
  return undefined;
}

/**
 * Assert that a response is one the spec declares: its status is declared for the
 * operation the request addressed, its media type is the declared one, and its body
 * validates against the declared schema. Unknown routes are checked against the error
 * envelope of a 404. Returns the body for further assertions.
 */
export function conforms(res: request.Response, operationId?: OperationId): unknown {
  const url = new URL(res.request.url);
  const op = operationId
    ? operation(operationId)
    : matchOperation(res.request.method, url.pathname.slice(basePath.length))?.operation ?? operation('retrieveFineTuningJob');
  const declared = op.responses.get(res.status);
  expect(declared, `${op.operationId} does not declare status ${res.status}`).toBeDefined();
  expect(res.headers['content-type']?.split(';')[0]).toBe(declared!.mediaType);
  const body: unknown = declared!.mediaType.startsWith('text/') ? res.text : res.body;
  const check = validateResponse(op, res.status, body);
  expect(check, `${op.operationId} ${res.status} body ${JSON.stringify(body)?.slice(0, 300)}`).toEqual({ ok: true });
  expect(res.text).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace, ever
  return body;
}

/** A create body naming only the shared sample files. */
export const referenceBody = {
  style_model: 'vaero-1',
  base_model: 'general',
  training_files: ['file-abc123', 'file-abc124'],
  suffix: 'custom-name',
};
