/**
 * The proxy's added latency (issue 20): 2,000 sequential creates against the stub, each
 * timed with hrtime, directly and through `vaero proxy` (pass-through, each in its own
 * process); the figure is the median through the proxy minus the median direct.
 */
import http from 'node:http';
import { fixture } from '../fixtures/index.js';
import { startTarget } from './child.js';
import { median, type Figure } from './figures.js';

const CREATES = 2000;
const WARM_UP = 200;
const body = JSON.stringify(fixture('create-reference-curl').body);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function create(baseUrl: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(`${baseUrl}/fine_tuning/jobs`, { method: 'POST', agent, headers: { authorization: 'Bearer bench-proxy', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`create answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function medianOf(baseUrl: string): Promise<number> {
  for (let i = 0; i < WARM_UP; i++) await create(baseUrl);
  const times: number[] = [];
  for (let i = 0; i < CREATES; i++) times.push(await create(baseUrl));
  return median(times);
}

export async function proxyOverheadFigures(): Promise<Figure[]> {
  const stub = await startTarget('stub');
  try {
    const proxy = await startTarget('proxy', [], 30_000, [stub.baseUrl]);
    try {
      process.stderr.write(`proxy: ${CREATES} sequential creates direct, then through the proxy\n`);
      const direct = await medianOf(stub.baseUrl);
      const through = await medianOf(proxy.baseUrl);
      return [
        {
          name: `vaero proxy added latency (median of ${CREATES} sequential creates, through minus direct)`,
          value: through - direct,
          unit: 'ms',
          baseline: { name: 'direct median', value: direct },
          target: { on: 'value', op: '<=', limit: 1.0 },
          note: `through the proxy: median ${through.toFixed(3)} ms`,
        },
      ];
    } finally {
      await proxy.stop();
    }
  } finally {
    await stub.stop();
    agent.destroy();
  }
}
