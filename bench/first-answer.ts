/**
 * Command to first answer, as a user waits for it: from typing the command to the first HTTP
 * answer on its port, for `npm start`, `npm run mock` and `npx vaero stub` on a built checkout,
 * against `npm exec -- node` of a bare node:http server (npm's own start-up included in both).
 * Median of BENCH_START_RUNS (5). Targets: npm start <= 2x the baseline, npm run mock <= 3x.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, type Figure } from './figures.js';
import { packageRoot } from './start-command.js';

const runs = Number(process.env.BENCH_START_RUNS ?? 5);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/fine_tuning/jobs', headers: { authorization: 'Bearer bench' }, timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Spawn the command, poll its port every 10 ms, and return the ms to the first answer. */
async function timeToFirstAnswer(cmd: string, args: (port: number) => string[]): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(cmd, args(port), { cwd: packageRoot, stdio: 'ignore', detached: true });
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error(`${cmd} ${args(port).join(' ')} exited before answering`);
      if (await answers(port)) return performance.now() - t0;
      if (performance.now() - t0 > 60_000) throw new Error(`${cmd} ${args(port).join(' ')}: no answer within 60 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    // The whole group: npm, its shell and what it started.
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {}
    await new Promise((r) => (exited ? r(undefined) : child.once('exit', r)));
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function firstAnswerFigures(): Promise<Figure[]> {
  const bare = join(tmpdir(), `vaero-bench-bare-${process.pid}.cjs`);
  writeFileSync(bare, "require('http').createServer((q,s)=>s.end('{}')).listen(Number(process.argv[2]),'127.0.0.1')\n");
  const commands: Array<[string, string, (p: number) => string[]]> = [
    ['npm exec -- node (bare node:http)', 'npm', (p) => ['exec', '--', 'node', bare, String(p)]],
    ['npm start', 'npm', (p) => ['start', '--', '--port', String(p)]],
    ['npm run mock', 'npm', (p) => ['run', 'mock', '--', '--port', String(p)]],
    ['npx vaero stub', 'npx', (p) => ['vaero', 'stub', '--port', String(p)]],
  ];
  const times = new Map<string, number[]>(commands.map(([n]) => [n, []]));
  // Interleaved, so a slow moment of the machine falls on every command alike.
  for (let i = 0; i < runs; i++) {
    for (const [name, cmd, args] of commands) {
      process.stderr.write(`first answer: ${name} (${i + 1}/${runs})\n`);
      times.get(name)!.push(await timeToFirstAnswer(cmd, args));
    }
  }
  const m = (n: string) => median(times.get(n)!);
  const baseline = { name: 'npm exec -- node bare', value: m('npm exec -- node (bare node:http)') };
  return [
    { name: 'npm exec -- node bare node:http to first answer', value: baseline.value, unit: 'ms' },
    { name: 'npm start to first answer', value: m('npm start'), unit: 'ms', baseline, target: { on: 'ratio', op: '<=', limit: 2 } },
    { name: 'npm run mock to first answer', value: m('npm run mock'), unit: 'ms', baseline, target: { on: 'ratio', op: '<=', limit: 3 }, note: 'starts Prism' },
    { name: 'npx vaero stub to first answer', value: m('npx vaero stub'), unit: 'ms', baseline },
  ];
}
