/**
 * What `--state` costs, and what keeps the stub small (issue 16), each against its target:
 * part `state`:
 * - this disk's fdatasync time (the throughput targets apply where it is <= 1 ms);
 * - create throughput and p99 at 10 connections with --state against in memory, same run:
 *   >= 0.8x, p99 <= in-memory p99 + 2 ms (group commit: one fdatasync per batch); the two
 *   alternate for BENCH_STATE_ROUNDS rounds (default 5) of BENCH_STATE_SECONDS (default 5) each,
 *   and each side's figure is the median of its rounds;
 * - restart with 100,000 jobs in the state file: spawn to first answer <= 1 s (median of 5, each
 *   beside a restart on an empty state, before the create rounds);
 * part `memory`:
 * - RSS right after 200 x 1 MB uploaded and deleted, and after 40,000 new tokens: <= +64 MB each.
 *
 *   BENCH_PARTS=state,memory npm run bench   (sizes: BENCH_JOBS, BENCH_UPLOADS, BENCH_TOKENS,
 *   BENCH_STATE_ROUNDS, BENCH_STATE_SECONDS)
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { snapshotText } from '../mock/stub/service/journal.js';
import type { JournalRecord } from '../mock/stub/service/journal-records.js';
import { alternate } from './alternating.js';
import { startNpmStartStub } from './child.js';
import { connections, createLoad, type CreateLoadResult } from './create-load.js';
import { median, rssMb, type Figure } from './figures.js';

const jobs = Number(process.env.BENCH_JOBS ?? 100_000);
const tokens = Number(process.env.BENCH_TOKENS ?? 40_000);
const uploads = Number(process.env.BENCH_UPLOADS ?? 200);
const MB = 1024 * 1024;
const stateRounds = Number(process.env.BENCH_STATE_ROUNDS ?? 5);
const stateSeconds = Number(process.env.BENCH_STATE_SECONDS ?? 5);
/** Restarts timed on each state file (large and empty, alternating). */
const RESTARTS = 5;

/** Median fdatasync of a small append on the disk the state file is on. */
function fdatasyncMs(dir: string): number {
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
  return median(times);
}

async function measureCreates(extra: string[]): Promise<CreateLoadResult> {
  const stub = await startNpmStartStub(30_000, ['--speed', '0', '--quiet', ...extra]);
  try {
    return await createLoad(stub.baseUrl, stateSeconds);
  } finally {
    await stub.stop();
  }
}

/** Creates in memory and with --state (a new state file each round), alternating; medians of each side. */
async function stateAgainstMemory(dir: string) {
  process.stderr.write(`state: creates in memory and with --state, alternating, ${stateRounds} rounds of ${stateSeconds}s each\n`);
  const { a: memory, b: state } = await alternate(
    stateRounds,
    () => measureCreates([]),
    (round) => measureCreates(['--state', join(dir, `bench-state-${round}.jsonl`)]),
  );
  const ratios = state.map((s, i) => s.rps / memory[i]!.rps);
  return {
    memory: { rps: median(memory.map((r) => r.rps)), p99: median(memory.map((r) => r.p99)) },
    state: { rps: median(state.map((r) => r.rps)), p99: median(state.map((r) => r.p99)) },
    non2xx: [...memory, ...state].reduce((n, r) => n + r.non2xx, 0),
    rounds: `medians of ${stateRounds} alternating rounds of ${stateSeconds} s; per-round ratios ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`,
  };
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

/** Spawn `npm start --state path` and time one start to its first answer (a job list). */
async function restartMs(path: string): Promise<number> {
  const t0 = performance.now();
  const stub = await startNpmStartStub(60_000, ['--state', path, '--quiet']);
  try {
    const res = await fetch(`${stub.baseUrl}/fine_tuning/jobs?limit=1`, { headers: { authorization: 'Bearer bench' } });
    if (res.status !== 200) throw new Error(`first answer ${res.status}`);
    return performance.now() - t0;
  } finally {
    await stub.stop();
  }
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

export async function stateFigures(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vaero-bench-state-'));
  try {
    const sync = fdatasyncMs(dir);
    // The throughput targets assume a disk that syncs in about 0.3 ms; on a slower one they are information.
    const applies = sync <= 1;
    const note = applies ? undefined : `no target: this disk's fdatasync takes ${sync.toFixed(2)} ms (> 1 ms)`;
    // Restarts first, alternating large and empty: the create rounds' state files would still be
    // written back to the disk while a restart reads its file.
    process.stderr.write(`state: a state file of ${jobs} jobs, restarted on\n`);
    const big = join(dir, 'big-state.jsonl');
    stateWithJobs(big, jobs);
    const empty = join(dir, 'empty-state.jsonl');
    stateWithJobs(empty, 0);
    const { a: bareTimes, b: restartTimes } = await alternate(RESTARTS, () => restartMs(empty), () => restartMs(big));
    const bare = median(bareTimes);
    const restart = median(restartTimes);
    const { memory, state, non2xx, rounds } = await stateAgainstMemory(dir);
    return [
      { name: "this disk's fdatasync (median of 200 appends)", value: sync, unit: 'ms', note: 'the --state throughput targets apply where <= 1 ms' },
      {
        name: `creates with --state, ${connections} connections (median of ${stateRounds} rounds)`,
        value: state.rps,
        unit: 'req/s',
        baseline: { name: 'in memory', value: memory.rps },
        ...(applies ? { target: { on: 'ratio' as const, op: '>=' as const, limit: 0.8 } } : {}),
        note: [note, rounds, non2xx ? `${non2xx} non-2xx answers` : ''].filter(Boolean).join('; '),
      },
      {
        name: `create p99 with --state, ${connections} connections (median of ${stateRounds} rounds)`,
        value: state.p99,
        unit: 'ms',
        baseline: { name: 'in memory', value: memory.p99 },
        ...(applies ? { target: { on: 'value' as const, op: '<=' as const, limit: memory.p99 + 2 } } : {}),
        note: [note ?? 'target: in-memory p99 + 2 ms', rounds].join('; '),
      },
      {
        name: `restart on ${jobs} jobs: spawn to first answer`,
        value: restart,
        unit: 'ms',
        baseline: { name: 'on an empty state', value: bare },
        target: { on: 'value', op: '<=', limit: 1000 },
        note: `median of ${RESTARTS}, alternating with the baseline: the start itself (node, the modules, listening)`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function memoryFigures(): Promise<Figure[]> {
  process.stderr.write(`memory: ${uploads} x 1 MB uploaded and deleted\n`);
  const up = await uploadsRss();
  process.stderr.write(`memory: ${tokens} requests, each with a new token\n`);
  const tk = await tokensRss();
  return [
    { name: `RSS growth after ${uploads} x 1 MB uploaded and deleted`, value: up.after - up.before, unit: 'MB', target: { on: 'value', op: '<=', limit: 64 }, note: `${up.before.toFixed(0)} -> ${up.after.toFixed(0)} MB` },
    { name: `RSS growth after ${tokens} new tokens`, value: tk.after - tk.before, unit: 'MB', target: { on: 'value', op: '<=', limit: 64 }, note: `${tk.before.toFixed(0)} -> ${tk.after.toFixed(0)} MB` },
  ];
}
