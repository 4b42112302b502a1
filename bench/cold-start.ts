/**
 * Cold start of the stub's own process (built JS on node, no npm): `npm start`'s command
 * (package.json scripts.start: same entry, same node flags) run directly, timed from spawn
 * to the line that prints its base URL, against a bare node:http server in the same run.
 * Target (issue 3): under 300 ms.
 */
import { spawn } from 'node:child_process';
import { loadedFrom } from '../spec/index.js';
import { npmStartCommand, packageRoot } from './start-command.js';

const runs = Number(process.env.BENCH_RUNS ?? 7);
const stubCommand = npmStartCommand(['--port', '0']);
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const base: number[] = [];
const stub: number[] = [];
for (let i = 0; i < runs; i++) {
  base.push(await timeToUrl(['-e', bare]));
  stub.push(await timeToUrl(stubCommand.args));
}
const b = median(base);
const s = median(stub);
console.log(`\ncold start, median of ${runs}: bare node:http ${b.toFixed(0)} ms, stub ("${stubCommand.script}") ${s.toFixed(0)} ms`);
console.log(`stub / bare node ${(s / b).toFixed(2)}x; stub ${s.toFixed(0)} ms (target < 300 ms) ${s < 300 ? 'ok' : 'ABOVE TARGET'}`);
// The spec module's compiled cache (written by npm run build) is most of the difference; say if it was not used.
console.log(
  loadedFrom === 'cache'
    ? 'spec module loaded from its compiled cache (dist/spec/compiled.cjs)'
    : 'warning: the spec module compiled at load (no matching dist/spec/compiled.cjs: run npm run build); the stub started the same way',
);
