/** The bench's one create load: POST /v1/fine_tuning/jobs (the reference's curl body) at 10 connections, after a 1 s warm-up. */
import autocannon from 'autocannon';
import { fixture } from '../fixtures/index.js';

export const seconds = Number(process.env.BENCH_SECONDS ?? 5);
export const connections = 10;
const body = JSON.stringify(fixture('create-reference-curl').body);

export interface CreateLoadResult {
  rps: number;
  p99: number;
  non2xx: number;
}

/** Creates against `baseUrl` for `duration` seconds (default BENCH_SECONDS), after a 1 s warm-up. */
export async function createLoad(baseUrl: string, duration: number = seconds): Promise<CreateLoadResult> {
  const opts = {
    url: `${baseUrl}/fine_tuning/jobs`,
    method: 'POST' as const,
    headers: { authorization: 'Bearer bench-token', 'content-type': 'application/json' },
    body,
    connections,
  };
  await autocannon({ ...opts, duration: 1 }); // warm-up: JIT, lazy validators
  const r = await autocannon({ ...opts, duration });
  return { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx + r.errors };
}
