/**
 * A deliberately broken implementation for the proxy's tests: each route breaks one rule
 * the traffic can show, and nothing else (its answers start from the spec's own examples).
 *   create: accepts any body (a 17-character suffix too) and lists training_files reversed (job.echo);
 *   retrieve: the first time running, then queued with another created_at (job.lifecycle, job.retrieve.stable);
 *   list jobs: oldest first (list.order-and-cursor); cancel: answers the job still running (job.cancel);
 *   list files: as text/plain (response.content-type); retrieve a file: without `bytes` (file.shape).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { operation, type FineTuningJob } from '../../spec/index.js';

export interface BrokenServer {
  baseUrl: string;
  /** Requests that reached it. */
  hits: string[];
  close(): Promise<void>;
}

const exampleJob = operation('createFineTuningJob').responses.get(200)!.examples.created as FineTuningJob;
const exampleFile = operation('retrieveFile').responses.get(200)!.examples.file as Record<string, unknown>;
const exampleFiles = operation('listFiles').responses.get(200)!.examples.page as Record<string, unknown>;

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

export async function startBrokenServer(): Promise<BrokenServer> {
  const jobs: FineTuningJob[] = [];
  const retrieved = new Map<string, number>();
  const hits: string[] = [];
  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => res.writeHead(status, { 'content-type': type, 'x-request-id': `req_${'0'.repeat(32)}` }).end(JSON.stringify(body));

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.push(`${req.method} ${url.pathname}`);
    const path = url.pathname.replace(/^\/v1/, '');
    const byId = /^\/fine_tuning\/jobs\/([^/]+)(\/cancel)?$/.exec(path);
    if (req.method === 'POST' && path === '/fine_tuning/jobs') {
      const body = ((await bodyOf(req)) ?? {}) as { training_files?: string[]; style_model?: string; base_model?: string };
      const job: FineTuningJob = { ...exampleJob, id: `ftjob-broken${jobs.length + 1}`, created_at: 1_721_764_800 + jobs.length, style_model: 'vaero-1', base_model: (body.base_model ?? 'general') as FineTuningJob['base_model'], training_files: [...(body.training_files ?? [])].reverse() };
      jobs.push(job);
      return send(res, 200, job);
    }
    if (req.method === 'GET' && path === '/fine_tuning/jobs') return send(res, 200, { object: 'list', data: [...jobs], has_more: false });
    if (byId && req.method === 'GET' && !byId[2]) {
      const job = jobs.find((j) => j.id === byId[1]);
      if (!job) return send(res, 404, { error: { message: 'no such job', type: 'not_found_error', param: null, code: 'not_found' } });
      const n = (retrieved.get(job.id) ?? 0) + 1;
      retrieved.set(job.id, n);
      return send(res, 200, n === 1 ? { ...job, status: 'running' } : { ...job, status: 'queued', created_at: job.created_at + 1 });
    }
    if (byId && req.method === 'POST' && byId[2]) {
      const job = jobs.find((j) => j.id === byId[1]);
      return job ? send(res, 200, { ...job, status: 'running' }) : send(res, 404, { error: { message: 'no such job', type: 'not_found_error', param: null, code: 'not_found' } });
    }
    if (req.method === 'GET' && path === '/files') return send(res, 200, exampleFiles, 'text/plain');
    if (req.method === 'GET' && /^\/files\/[^/]+$/.test(path)) {
      const { bytes: _dropped, ...withoutBytes } = exampleFile;
      return send(res, 200, withoutBytes);
    }
    send(res, 404, { error: { message: 'no such route', type: 'not_found_error', param: null, code: 'route_not_found' } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
