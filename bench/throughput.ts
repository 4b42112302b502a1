/**
 * Throughput of POST /v1/fine_tuning/jobs: the stub exactly as `npm start` runs it (its
 * node flags, its request log) against Prism (alone, and behind our front as `npm run mock`
 * serves it), a bare Express 5 app and bare node:http, all measured in this one run and
 * reported as ratios beside issue 3's targets: stub >= 4x Prism, >= 0.75x bare Express,
 * p99 <= 5 ms at 10 connections.
 *
 *   npm run bench            (or: BENCH_SECONDS=10 npm run bench)
 */
import { startNpmStartStub, startTarget, type RunningTarget } from './child.js';
import { connections, createLoad, seconds } from './create-load.js';
import type { Figure } from './figures.js';
import { npmStartCommand } from './start-command.js';

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
    return { name, ...(await createLoad(target.baseUrl)) };
  } finally {
    await target.stop();
  }
}

const FLAGGED = 'express+flags';

export async function throughputFigures(): Promise<Figure[]> {
  const results: Result[] = [];
  for (const name of ['node-http', 'express', 'prism', 'prism-front']) results.push(await measure(name, () => startTarget(name)));
  // The same bare Express under the stub's node flags: shows what the flags alone do (information, no target).
  if (nodeFlags.length) results.push(await measure(FLAGGED, () => startTarget('express', nodeFlags)));
  results.push(await measure('stub', () => startNpmStartStub()));
  const by = Object.fromEntries(results.map((r) => [r.name, r])) as Record<string, Result>;
  const stub = by.stub!;
  const prism = by.prism!;
  const front = by['prism-front']!;
  const express = by.express!;
  const creates = `POST creates, ${connections} connections`;
  const figures: Figure[] = [
    { name: `bare node:http ${creates}`, value: by['node-http']!.rps, unit: 'req/s', note: `p99 ${by['node-http']!.p99} ms` },
    { name: `stub (${script}) ${creates}`, value: stub.rps, unit: 'req/s', baseline: { name: 'Prism alone', value: prism.rps }, target: { on: 'ratio', op: '>=', limit: 4 } },
    { name: `stub ${creates}, against bare Express`, value: stub.rps, unit: 'req/s', baseline: { name: 'bare Express 5', value: express.rps }, target: { on: 'ratio', op: '>=', limit: 0.75 } },
    { name: 'stub create p99', value: stub.p99, unit: 'ms', baseline: { name: 'bare Express p99', value: express.p99 }, target: { on: 'value', op: '<=', limit: 5 } },
    { name: `npm run mock (front + Prism) ${creates}`, value: front.rps, unit: 'req/s', baseline: { name: 'Prism alone', value: prism.rps }, target: { on: 'ratio', op: '>=', limit: 0.8 } },
    { name: 'npm run mock create p99', value: front.p99, unit: 'ms', baseline: { name: 'Prism alone p99', value: prism.p99 }, target: { on: 'ratio', op: '<=', limit: 1.25 } },
  ];
  if (by[FLAGGED]) figures.push({ name: `bare Express under ${nodeFlags.join(' ')} ${creates}`, value: by[FLAGGED].rps, unit: 'req/s', note: 'what the stub\'s node flags alone do' });
  for (const r of results) if (r.non2xx > 0) figures.push({ name: `${r.name}: non-2xx answers or errors`, value: r.non2xx, unit: 'answers', target: { on: 'value', op: '<=', limit: 0 } });
  return figures;
}
