/**
 * How long a user waits for `vaero test`, the command as typed (process start to exit):
 * `--profile full` against the stub at its default pace, beside the lifecycle it waits
 * for, measured in the same run on the same stub (a job created and polled every 20 ms
 * until it succeeded); and `--profile core` against the mock. Median of BENCH_SUITE_RUNS
 * (3), interleaved so a slow moment falls on each alike. Targets (issue 18): full within
 * the lifecycle + 2 s; core against the mock within 2 s.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { operation } from '../spec/index.js';
import { startNpmStartStub, startTarget } from './child.js';
import { median, type Figure } from './figures.js';
import { packageRoot } from './start-command.js';

const runs = Number(process.env.BENCH_SUITE_RUNS ?? 3);
const vaero = fileURLToPath(new URL('../bin/vaero.js', import.meta.url));

/** Run `vaero test` as a user does; ms from spawn to exit. A run that does not conform is no figure. */
function timeSuite(baseUrl: string, profile: 'full' | 'core', token: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [vaero, 'test', '--base-url', baseUrl, '--profile', profile, '--no-progress'], { cwd: packageRoot, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, VAERO_TOKEN: token, VAERO_TOKEN_B: `${token}-b` } });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()).length > 4096 && (err = err.slice(-4096)));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`vaero test --profile ${profile} ${baseUrl} exited ${code}: ${err.trim()}`)))),
  );
}

/** The lifecycle on its own: from sending a create to the first retrieve that shows the job finished. */
async function timeLifecycle(baseUrl: string, token: string): Promise<number> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const t0 = performance.now();
  const created = await fetch(`${baseUrl}${operation('createFineTuningJob').path}`, { method: 'POST', headers, body: JSON.stringify({ training_files: ['file-abc123'] }) });
  const { id } = (await created.json()) as { id: string };
  const url = `${baseUrl}${operation('retrieveFineTuningJob').path.replace(/\{[^}]+\}/, id)}`;
  for (;;) {
    const job = (await (await fetch(url, { headers })).json()) as { status: string };
    if (job.status === 'succeeded') return performance.now() - t0;
    if (job.status === 'failed' || job.status === 'cancelled') throw new Error(`bench: the lifecycle's job ended ${job.status}`);
    if (performance.now() - t0 > 120_000) throw new Error('bench: the lifecycle took over 2 minutes');
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function suiteWallFigures(): Promise<Figure[]> {
  const stub = await startNpmStartStub();
  const mock = await startTarget('prism-front');
  const lifecycle: number[] = [];
  const full: number[] = [];
  const core: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      process.stderr.write(`suite: lifecycle, full against the stub, core against the mock (${i + 1}/${runs})\n`);
      // Each run its own organizations: no run lists another's jobs.
      lifecycle.push(await timeLifecycle(stub.baseUrl, `bench-lifecycle-${i}`));
      full.push(await timeSuite(stub.baseUrl, 'full', `bench-full-${i}`));
      core.push(await timeSuite(mock.baseUrl, 'core', `bench-core-${i}`));
    }
  } finally {
    await Promise.all([stub.stop(), mock.stop()]);
  }
  const life = median(lifecycle);
  return [
    {
      name: '`vaero test --profile full` against `npm start` (default pace), command to exit',
      value: median(full),
      unit: 'ms',
      baseline: { name: 'the lifecycle alone', value: life },
      target: { on: 'difference', op: '<=', limit: 2000 },
      note: `median of ${runs}; lifecycle: a job created and polled every 20 ms to succeeded`,
    },
    {
      name: '`vaero test --profile core` against `npm run mock`, command to exit',
      value: median(core),
      unit: 'ms',
      target: { on: 'value', op: '<=', limit: 2000 },
      note: `median of ${runs}`,
    },
  ];
}
