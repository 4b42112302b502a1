/**
 * Cold start of the stub's own process (built JS on node, no npm): `npm start`'s command
 * (package.json scripts.start: same entry, same node flags) run directly, timed from spawn
 * to the line that prints its base URL, against a bare node:http server in the same run.
 * Target (issue 3): under 300 ms. When issue 3 was resolved, bare node started in 63 ms on the
 * machine of that time; this machine's bare node takes about 106 ms. So the target is held as
 * a ratio to bare node in the same run (this bench's way: machines differ): 300/63 = 4.76x.
 */
import { spawn } from 'node:child_process';
import { loadedFrom } from '../spec/index.js';
import { median, type Figure } from './figures.js';
import { npmStartCommand, packageRoot } from './start-command.js';

const runs = Number(process.env.BENCH_RUNS ?? 7);
const stubCommand = npmStartCommand(['--port', '0']);
/** Issue 3's 300 ms against the 63 ms bare node took when it was resolved: the same multiple of a bare start. */
const ISSUE_3_RATIO = Math.floor((300 / 63) * 100) / 100;
const bare = `require('http').createServer().listen(0,'127.0.0.1',function(){console.log('http://127.0.0.1:'+this.address().port+'/v1')})`;

function timeToUrl(args: string[]): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: packageRoot, stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (/http:\/\/\S+\/v1/.test(out)) {
        const ms = performance.now() - t0;
        child.kill('SIGTERM');
        resolve(ms);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing its URL: ${out}`)));
  }).finally(() => child.kill('SIGKILL')) as Promise<number>;
}


export async function coldStartFigures(): Promise<Figure[]> {
  const base: number[] = [];
  const stub: number[] = [];
  for (let i = 0; i < runs; i++) {
    base.push(await timeToUrl(['-e', bare]));
    stub.push(await timeToUrl(stubCommand.args));
  }
  // The spec module's compiled cache (written by npm run build) is most of the difference; say if it was not used.
  const note = loadedFrom === 'cache' ? 'spec module from its compiled cache' : 'WARNING: the spec module compiled at load (no matching dist/spec/compiled.cjs)';
  return [{ name: `stub process start to printed URL (node ${stubCommand.args.join(' ')}, no npm)`, value: median(stub), unit: 'ms', baseline: { name: 'bare node', value: median(base) }, target: { on: 'ratio', op: '<=', limit: ISSUE_3_RATIO }, note: `${note}; issue 3's target, 300 ms, held as a ratio: bare node took 63 ms when it was resolved` }];
}
