/**
 * Child-process entry for the benchmarks: starts one server on a free loopback port and
 * prints `READY <baseUrl>`. Each target runs in its own process so the load generator
 * (in the parent) never competes with it for the event loop.
 *
 *   node dist/bench/targets.js node-http|express|stub|prism|prism-front|proxy <upstream>
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { operation } from '../spec/index.js';

const name = process.argv[2];

// A fixed job, taken from the spec's own example, so the baselines answer what the stub answers.
const fixedJob = JSON.stringify(operation('createFineTuningJob').responses.get(200)?.examples.created);

function ready(server: Server): void {
  const { port } = server.address() as AddressInfo;
  console.log(`READY http://127.0.0.1:${port}/v1`);
}

switch (name) {
  case 'node-http': {
    // The floor: read the body, answer the fixed job.
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(fixedJob);
      });
    });
    server.listen(0, '127.0.0.1', () => ready(server));
    break;
  }
  case 'express': {
    // The bare Express 5 app of issue 3: parse the JSON body, answer the fixed job.
    const app = express();
    app.use(express.json());
    app.post('/v1/fine_tuning/jobs', (_req, res) => {
      res.type('application/json').send(fixedJob);
    });
    const server = app.listen(0, '127.0.0.1', () => ready(server));
    break;
  }
  case 'stub': {
    // In-process, without npm start's node flags (the benches start the stub as npm start does: bench/child.ts).
    const { startStub } = await import('../mock/stub/index.js');
    const stub = await startStub({ port: 0, host: '127.0.0.1', speed: 0, log: false });
    console.log(`READY ${stub.baseUrl}`);
    break;
  }
  case 'prism': {
    // Prism alone, as its users run it: the pinned CLI on the spec, at its default log level,
    // its log to a terminal-like sink (here: dropped). Not through mock/prism/prism-process.ts,
    // whose quiet Prism is part of what the front does to cost less (README, Performance).
    // Prism serves the spec's paths without the /v1 prefix.
    const { spawn } = await import('node:child_process');
    const { specPath } = await import('../spec/index.js');
    const { prismBin } = await import('../mock/prism/prism-process.js');
    const prism = spawn(process.execPath, [prismBin(), 'mock', specPath, '--host', '127.0.0.1', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /Prism is listening on (http:\/\/\S+?)\/?\s/.exec(seen);
      if (!m) return;
      prism.stdout.off('data', onData).resume();
      console.log(`READY ${m[1]}`);
    };
    prism.stdout.on('data', onData);
    prism.once('exit', (code) => process.exit(code ?? 1));
    process.on('SIGTERM', () => {
      prism.removeAllListeners('exit').once('exit', () => process.exit(0));
      prism.kill('SIGTERM');
    });
    break;
  }
  case 'prism-front': {
    // What `npm run mock` serves: our front (order of checks, envelope) over Prism.
    const { startPrismMock } = await import('../mock/prism/index.js');
    const mock = await startPrismMock({ port: 0, host: '127.0.0.1' });
    console.log(`READY ${mock.baseUrl}`);
    process.on('SIGTERM', () => void mock.close().then(() => process.exit(0)));
    break;
  }
  case 'proxy': {
    // vaero proxy (pass-through, as `vaero proxy --upstream URL` runs it) in front of argv[3].
    const { startProxy } = await import('../proxy/server.js');
    const proxy = await startProxy({ upstream: process.argv[3]!, log: () => {} });
    console.log(`READY ${proxy.url}`);
    process.on('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
    break;
  }
  default:
    console.error(`unknown target ${String(name)}: node-http | express | stub | prism | prism-front | proxy <upstream>`);
    process.exit(2);
}
