/**
 * What `--state` costs, and what keeps the stub small (issue 16), each against its target:
 * - this disk's fdatasync time (the targets below apply where it is <= 1 ms);
 * - create throughput and p99 at 10 connections with --state against in memory, same run:
 *   >= 0.8x, p99 <= in-memory p99 + 2 ms (group commit: one fdatasync per batch);
 * - restart with 100,000 jobs in the state file: spawn to first answer <= 1 s;
 * - RSS right after 200 x 1 MB uploaded and deleted, and after 40,000 new tokens: <= +64 MB each.
 *
 *   npm run bench   (or: BENCH_SECONDS=10 BENCH_JOBS=100000 BENCH_TOKENS=40000 BENCH_UPLOADS=200 node dist/bench/state.js)
 *   BENCH_PARTS=creates,restart,uploads,tokens picks parts (default: all)
 */
import { execFileSync } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { fixture } from '../fixtures/index.js';
import { snapshotText } from '../mock/stub/service/journal.js';
import type { JournalRecord } from '../mock/stub/service/journal-records.js';
import { startNpmStartStub, type RunningTarget } from './child.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const jobs = Number(process.env.BENCH_JOBS ?? 100_000);
const tokens = Number(process.env.BENCH_TOKENS ?? 40_000);
const uploads = Number(process.env.BENCH_UPLOADS ?? 200);
const parts = new Set((process.env.BENCH_PARTS ?? 'creates,restart,uploads,tokens').split(','));
const connections = 10;
const dir = mkdtempSync(join(tmpdir(), 'vaero-bench-state-'));
const body = JSON.stringify(fixture('create-reference-curl').body);
const MB = 1024 * 1024;

const verdict = (ok: boolean, applies = true) => (!applies ? '(target applies on a disk with fdatasync <= 1 ms)' : ok ? 'ok' : 'MISSES TARGET');

/** Median fdatasync of a small append on the disk the state file is on. */
function fdatasyncMs(): number {
  const fd = openSync(join(dir, 'fsync-probe'), 'a');
  const times: number[] = [];
  try {
    for (let i = 0; i < 200; i++) {
      writeSync(fd, `{"probe":${i}}\n`);
      const t = performance.now();
      fdatasyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

async function createLoad(target: RunningTarget): Promise<{ rps: number; p99: number; non2xx: number }> {
  const opts = {
    url: `${target.baseUrl}/fine_tuning/jobs`,
    method: 'POST' as const,
    headers: { authorization: 'Bearer bench-token', 'content-type': 'application/json' },
    body,
    connections,
  };
  await autocannon({ ...opts, duration: 1 });
  const r = await autocannon({ ...opts, duration: seconds });
  return { rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx + r.errors };
}

async function measureCreates(extra: string[]) {
  const stub = await startNpmStartStub(30_000, ['--speed', '0', '--quiet', ...extra]);
  try {
    return await createLoad(stub);
  } finally {
    await stub.stop();
  }
}

/** A state file with `n` jobs over 10 organizations, as a compaction writes it. */
function stateWithJobs(path: string, n: number): void {
  const t = Date.now() - 3_600_000;
  function* records(): Generator<JournalRecord> {
    yield { op: 'session', atMs: t, speed: 1 };
    for (let i = 0; i < n; i++) {
      yield {
        op: 'job',
        org: `org-bench${i % 10}`,
        id: `ftjob-bench${i}`,
        createdMs: t + i,
        style_model: 'vaero-1',
        base_model: 'general',
        training_files: ['file-abc123'],
        suffix: null,
        fineTunedModel: `ftm-bench-${i}`,
        failure: null,
      };
    }
  }
  writeFileSync(path, snapshotText(records()));
}

/** Spawn `npm start --state path` and time to its first answer (a job list), median of `runs`. */
async function restartMs(path: string, runs = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const stub = await startNpmStartStub(60_000, ['--state', path, '--quiet']);
    try {
      const res = await fetch(`${stub.baseUrl}/fine_tuning/jobs?limit=1`, { headers: { authorization: 'Bearer bench' } });
      if (res.status !== 200) throw new Error(`first answer ${res.status}`);
      times.push(performance.now() - t0);
    } finally {
      await stub.stop();
    }
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
}

/** The process's resident set in MB (Linux /proc, else ps). */
function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: ask ps
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 500));
}

async function uploadsRss(): Promise<{ before: number; after: number }> {
  const stub = await startNpmStartStub(30_000, ['--quiet']);
  try {
    const headers = { authorization: 'Bearer bench-uploads' };
    const content = 'x'.repeat(MB - 1) + '\n';
    const upload = async () => {
      const form = new FormData();
      form.append('purpose', 'fine-tune');
      form.append('file', new Blob([content]), 'big.txt');
      const res = await fetch(`${stub.baseUrl}/files`, { method: 'POST', headers, body: form });
      const file = (await res.json()) as { id: string };
      await (await fetch(`${stub.baseUrl}/files/${file.id}`, { method: 'DELETE', headers })).arrayBuffer();
    };
    await upload(); // warm-up
    await settle();
    const before = rssMb(stub.child.pid!);
    for (let i = 0; i < uploads; i++) await upload();
    return { before, after: rssMb(stub.child.pid!) };
  } finally {
    await stub.stop();
  }
}

async function tokensRss(): Promise<{ before: number; after: number }> {
  const stub = await startNpmStartStub(30_000, ['--quiet']);
  try {
    await autocannon({ url: `${stub.baseUrl}/files`, headers: { authorization: 'Bearer warm' }, connections, amount: 2_000 });
    await settle();
    const before = rssMb(stub.child.pid!);
    let n = 0;
    await autocannon({
      url: `${stub.baseUrl}/files`,
      connections,
      amount: tokens,
      requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer bench-token-${n++}` } }) }],
    });
    return { before, after: rssMb(stub.child.pid!) };
  } finally {
    await stub.stop();
  }
}

try {
  const sync = fdatasyncMs();
  const applies = sync <= 1;
  console.log(`\n--state (issue 16), ${connections} connections, ${seconds}s each, loopback`);
  console.log(`this disk's fdatasync: ${sync.toFixed(3)} ms (median of 200 small appends; the throughput targets apply where <= 1 ms)`);

  if (parts.has('creates')) {
    process.stderr.write(`measuring creates in memory and with --state (${seconds}s each)...\n`);
    const memory = await measureCreates([]);
    const state = await measureCreates(['--state', join(dir, 'bench-state.jsonl')]);
    const ratio = state.rps / memory.rps;
    console.log(`creates: in memory ${memory.rps.toFixed(0)} req/s p99 ${memory.p99} ms; --state ${state.rps.toFixed(0)} req/s p99 ${state.p99} ms`);
    console.log(`--state / in memory ${ratio.toFixed(2)}x (target >= 0.8x) ${verdict(ratio >= 0.8, applies)}`);
    console.log(`--state p99 ${state.p99} ms (target <= in-memory p99 + 2 = ${memory.p99 + 2} ms) ${verdict(state.p99 <= memory.p99 + 2, applies)}`);
    if (memory.non2xx || state.non2xx) console.log(`warning: non-2xx answers: in memory ${memory.non2xx}, --state ${state.non2xx}`);
  }

  if (parts.has('restart')) {
    process.stderr.write(`writing a state file of ${jobs} jobs, restarting on it...\n`);
    const big = join(dir, 'big-state.jsonl');
    stateWithJobs(big, jobs);
    const restart = await restartMs(big);
    console.log(`restart with ${jobs} jobs: spawn to first answer ${restart.toFixed(0)} ms (target <= 1000 ms) ${verdict(restart <= 1000)}`);
  }

  if (parts.has('uploads')) {
    process.stderr.write(`uploading and deleting ${uploads} x 1 MB...\n`);
    const up = await uploadsRss();
    const growth = up.after - up.before;
    console.log(`RSS after ${uploads} x 1 MB uploaded and deleted: +${growth.toFixed(0)} MB (${up.before.toFixed(0)} -> ${up.after.toFixed(0)} MB; target <= +64 MB) ${verdict(growth <= 64)}`);
  }

  if (parts.has('tokens')) {
    process.stderr.write(`sending ${tokens} requests, each with a new token...\n`);
    const tk = await tokensRss();
    const growth = tk.after - tk.before;
    console.log(`RSS after ${tokens} new tokens: +${growth.toFixed(0)} MB (${tk.before.toFixed(0)} -> ${tk.after.toFixed(0)} MB; target <= +64 MB) ${verdict(growth <= 64)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
