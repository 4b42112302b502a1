/**
 * Throughput of POST /v1/fine_tuning/jobs: the stub exactly as `npm start` runs it (its
 * node flags, its request log) against Prism (alone, and behind our front as `npm run mock`
 * serves it), a bare Express 5 app and bare node:http, all measured in this one run and
 * reported as ratios beside issue 3's targets: stub >= 4x Prism, >= 0.75x bare Express,
 * p99 <= 5 ms at 10 connections.
 *
 *   npm run bench            (or: BENCH_SECONDS=10 npm run bench)
 */
import autocannon from 'autocannon';
import { fixture } from '../fixtures/index.js';
import { startNpmStartStub, startTarget, type RunningTarget } from './child.js';
import { npmStartCommand } from './start-command.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = 10;
const body = JSON.stringify(fixture('create-reference-curl').body);
const { script, nodeFlags } = npmStartCommand();

interface Result {
  name: string;
  rps: number;
  p99: number;
  non2xx: number;
}

async function measure(name: string, start: () => Promise<RunningTarget>): Promise<Result> {
  process.stderr.write(`measuring ${name} (${seconds}s)...\n`);
  const target = await start();
  try {
    const opts = {
      url: `${target.baseUrl}/fine_tuning/jobs`,
      method: 'POST' as const,
      headers: { authorization: 'Bearer bench-token', 'content-type': 'application/json' },
      body,
      connections,
    };
    await autocannon({ ...opts, duration: 1 }); // warm-up: JIT, lazy validators
    const r = await autocannon({ ...opts, duration: seconds });
    return { name, rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx + r.errors };
  } finally {
    await target.stop();
  }
}

const FLAGGED = 'express+flags';
const results: Result[] = [];
for (const name of ['node-http', 'express', 'prism', 'prism-front']) results.push(await measure(name, () => startTarget(name)));
// The same bare Express under the stub's node flags: shows what the flags alone do (information, no target).
if (nodeFlags.length) results.push(await measure(FLAGGED, () => startTarget('express', nodeFlags)));
results.push(await measure('stub', () => startNpmStartStub()));

const by = Object.fromEntries(results.map((r) => [r.name, r])) as Record<string, Result>;
const stub = by.stub!;

console.log(`\nPOST /v1/fine_tuning/jobs, ${connections} connections, ${seconds}s each, loopback`);
console.log(`stub: npm start's command, "${script}"${nodeFlags.length ? `; ${FLAGGED}: bare Express under ${nodeFlags.join(' ')}` : ''}\n`);
console.log('target          req/s   p99 ms  non-2xx');
for (const r of results) {
  console.log(`${r.name.padEnd(13)} ${r.rps.toFixed(0).padStart(7)}  ${String(r.p99).padStart(7)}  ${String(r.non2xx).padStart(7)}`);
}
const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
const lines: Array<[string, number, number]> = [
  ['stub / prism', ratio(stub.rps, by.prism!.rps), 4],
  ['stub / prism-front', ratio(stub.rps, by['prism-front']!.rps), 0],
  ['stub / bare express', ratio(stub.rps, by.express!.rps), 0.75],
  ...(by[FLAGGED] ? [[`stub / ${FLAGGED}`, ratio(stub.rps, by[FLAGGED].rps), 0] as [string, number, number]] : []),
  ['stub / bare node:http', ratio(stub.rps, by['node-http']!.rps), 0],
];
console.log('\nratio                      value   target');
for (const [label, value, target] of lines) {
  const mark = target === 0 ? '' : value >= target ? 'ok' : 'BELOW TARGET';
  console.log(`${label.padEnd(24)} ${value.toFixed(2).padStart(7)}   ${target ? '>= ' + target : '(info)'} ${mark}`);
}
console.log(
  `stub p99 ${stub.p99} ms (target <= 5 ms) ${stub.p99 <= 5 ? 'ok' : 'ABOVE TARGET'}; in this run bare express p99 ${by.express!.p99} ms${by[FLAGGED] ? `, ${FLAGGED} ${by[FLAGGED].p99} ms` : ''}`,
);
if (stub.non2xx > 0) console.log(`warning: the stub answered ${stub.non2xx} requests with a non-2xx status or error`);
