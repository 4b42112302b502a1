/** Start a bench target (bench/targets.ts) in its own process and wait for its base URL. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface RunningTarget {
  baseUrl: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startTarget(name: string, timeoutMs = 30_000): Promise<RunningTarget> {
  const entry = fileURLToPath(new URL('./targets.js', import.meta.url));
  const child = spawn(process.execPath, [entry, name], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in ${timeoutMs} ms`)), timeoutMs);
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const m = /READY (\S+)/.exec(seen);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        baseUrl: m[1] as string,
        child,
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
  });
}
