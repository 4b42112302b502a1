/** Start a bench server in its own process and wait for its base URL. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { npmStartCommand, packageRoot } from './start-command.js';

export interface RunningTarget {
  baseUrl: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawn node with `args` and resolve when its stdout shows `ready` (group 1: the base URL). */
function startProcess(label: string, args: string[], ready: RegExp, timeoutMs: number): Promise<RunningTarget> {
  const child = spawn(process.execPath, args, { cwd: packageRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} did not start in ${timeoutMs} ms`)), timeoutMs);
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const m = ready.exec(seen);
      if (!m) return;
      clearTimeout(timer);
      // Keep reading (and dropping) what it prints: its request log must not back up.
      child.stdout!.off('data', onData).resume();
      resolve({
        baseUrl: m[1] as string,
        child,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${label} exited with ${code} before it was ready`)));
  });
}

/** A baseline of bench/targets.ts, optionally under extra node flags (`args`: the target's own, e.g. the proxy's upstream). */
export function startTarget(name: string, nodeFlags: readonly string[] = [], timeoutMs = 30_000, args: readonly string[] = []): Promise<RunningTarget> {
  const entry = fileURLToPath(new URL('./targets.js', import.meta.url));
  return startProcess(name, [...nodeFlags, entry, name, ...args], /READY (\S+)/, timeoutMs);
}

/** The stub as `npm start` runs it (same entry, same node flags, request log on), on a free port. */
export function startNpmStartStub(timeoutMs = 30_000, extra: readonly string[] = []): Promise<RunningTarget> {
  const { args } = npmStartCommand(['--port', '0', ...extra]);
  return startProcess('stub (npm start)', args, /listening at (http:\/\/\S+)/, timeoutMs);
}
