/**
 * Reads, as a UI polls them: GET retrieve and GET list (first page of 20) at 10 and 50
 * connections against the stub as `npm start` runs it, beside bare node:http answering a fixed
 * job in the same run; then the stub's RSS and one list page's time (median of 200 in a row)
 * with 100 and with 100,000 jobs in the organization.
 */
import { request } from 'node:http';
import autocannon from 'autocannon';
import { fixture } from '../fixtures/index.js';
import { startNpmStartStub, startTarget } from './child.js';
import { median, rssMb, type Figure } from './figures.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const auth = { authorization: 'Bearer bench-reads' };
const createBody = JSON.stringify(fixture('create-reference-curl').body);

async function rps(url: string, connections: number): Promise<{ rps: number; p99: number }> {
  await autocannon({ url, headers: auth, connections, duration: 1 });
  const r = await autocannon({ url, headers: auth, connections, duration: seconds });
  return { rps: r.requests.average, p99: r.latency.p99 };
}

async function createJobs(baseUrl: string, amount: number): Promise<void> {
  await autocannon({ url: `${baseUrl}/fine_tuning/jobs`, method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: createBody, connections: 10, amount });
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers: auth }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

async function listPageMs(baseUrl: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    const r = await get(`${baseUrl}/fine_tuning/jobs?limit=20`);
    if (r.status !== 200) throw new Error(`list answered ${r.status}`);
    times.push(performance.now() - t0);
  }
  return median(times);
}


export async function readFigures(): Promise<Figure[]> {
  const figures: Figure[] = [];
  process.stderr.write('reads: bare node:http\n');
  const bare = await startTarget('node-http');
  const bareRps = new Map<number, number>();
  try {
    for (const c of [10, 50]) bareRps.set(c, (await rps(`${bare.baseUrl}/fine_tuning/jobs`, c)).rps);
  } finally {
    await bare.stop();
  }
  process.stderr.write('reads: stub (npm start)\n');
  const stub = await startNpmStartStub(30_000, ['--speed', '0']);
  try {
    await createJobs(stub.baseUrl, 100);
    const id = (JSON.parse((await get(`${stub.baseUrl}/fine_tuning/jobs?limit=1`)).body) as { data: Array<{ id: string }> }).data[0]!.id;
    for (const c of [10, 50]) {
      const baseline = { name: 'bare node:http', value: bareRps.get(c)! };
      const retrieve = await rps(`${stub.baseUrl}/fine_tuning/jobs/${id}`, c);
      figures.push({ name: `GET retrieve, ${c} connections`, value: retrieve.rps, unit: 'req/s', baseline, note: `p99 ${retrieve.p99} ms` });
      const list = await rps(`${stub.baseUrl}/fine_tuning/jobs?limit=20`, c);
      figures.push({ name: `GET list (20 per page), ${c} connections`, value: list.rps, unit: 'req/s', baseline, note: `p99 ${list.p99} ms` });
    }
    const small = { page: await listPageMs(stub.baseUrl), rss: rssMb(stub.child.pid!) };
    process.stderr.write('reads: creating 100,000 jobs\n');
    await createJobs(stub.baseUrl, 100_000 - 100);
    const large = { page: await listPageMs(stub.baseUrl), rss: rssMb(stub.child.pid!) };
    figures.push(
      { name: 'list page with 100 jobs', value: small.page, unit: 'ms' },
      { name: 'list page with 100,000 jobs', value: large.page, unit: 'ms', baseline: { name: 'with 100 jobs', value: small.page }, target: { on: 'ratio', op: '<=', limit: 2 }, note: 'cursor by index: a page costs the same however long the list' },
      { name: 'stub RSS with 100 jobs', value: small.rss, unit: 'MiB' },
      { name: 'stub RSS with 100,000 jobs', value: large.rss, unit: 'MiB', baseline: { name: 'with 100 jobs', value: small.rss } },
    );
  } finally {
    await stub.stop();
  }
  return figures;
}
