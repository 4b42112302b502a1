/**
 * Runs the pinned Prism CLI (`prism mock spec/openapi.yaml`) as a child process on an
 * internal loopback port chosen by the OS, and stops it again.
 *
 * Why a child process and not Prism's library packages in-process: the CLI is Prism's
 * public interface (the @stoplight/prism-http library API is internal, fp-ts based and
 * changes between releases), Prism's own dependencies (its draft-07 ajv, pino logger,
 * json-schema-faker) stay out of our process, its output cannot interleave with our log
 * lines, and what we test is exactly what `prism mock` users run. The price is a second
 * process, which is why every way out (close, SIGINT, SIGTERM, exit) kills it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { specPath } from '../../spec/index.js';
import { resolvePeer, type Resolve } from '../optional-peer.js';

export interface PrismProcess {
  /** Where Prism listens, e.g. http://127.0.0.1:40123 (the spec's paths sit right under it). */
  url: string;
  /** Prism's process id. */
  pid: number;
  /** Kill Prism and wait until it has exited. */
  stop(): Promise<void>;
}

export interface PrismProcessOptions {
  /** Forward Prism's own output, line by line, to this function (otherwise it is dropped). */
  verbose?: (line: string) => void;
  /** How long Prism may take to start (ms). */
  startTimeoutMs?: number;
  /** Called if Prism exits after it started without stop() having been called (it crashed or was killed). */
  onUnexpectedExit?: (why: string) => void;
  /** How the Prism CLI's package is found (default: Node's resolution; tests simulate its absence). */
  resolve?: Resolve;
}

/** The pinned Prism CLI's entry point, from its package.json (an optional peer: MissingPeerError without it). */
export function prismBin(resolve?: Resolve): string {
  const pkgPath = resolvePeer('@stoplight/prism-cli', '@stoplight/prism-cli/package.json', 'the Prism mock', resolve);
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin.prism as string);
  return join(dirname(pkgPath), bin);
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** Children still running, killed if this process exits without closing them. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** The child's entry (its watchdog, readiness message and English-only faker): mock/prism/prism-child.cjs. */
const CHILD = fileURLToPath(new URL('./prism-child.cjs', import.meta.url));

/** The message the child sends once Prism's server is bound. */
interface ListeningMessage {
  prismListening: { address: string; port: number };
}

export function startPrismProcess(options: PrismProcessOptions = {}): Promise<PrismProcess> {
  // Prism's own log is read only when it is shown: otherwise it logs warnings and errors only
  // (a line per request at its default level costs Prism ~40% of its time per create).
  // Readiness comes from the child over IPC (mock/prism/prism-child.cjs), not from a log line.
  const level = options.verbose ? 'info' : 'warn';
  const args = [prismBin(options.resolve), 'mock', specPath, '--host', '127.0.0.1', '--port', '0', '--verboseLevel', level];
  const child = spawn(process.execPath, [CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Its own process group: a terminal's Ctrl-C reaches us, not Prism, so Prism stops when we stop it
    // (not first, on its own, which would read as a crash). The watchdog still ends it if we die.
    detached: true,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  running.add(child);
  // The channel is only a lifeline: it must not keep this process alive.
  (child.channel as { unref(): void } | null | undefined)?.unref();
  const exited = new Promise<void>((resolve) => child.once('exit', () => (running.delete(child), resolve())));
  let stopping = false;
  let started = false;
  child.once('exit', (code, signal) => {
    if (started && !stopping) options.onUnexpectedExit?.(`Prism exited unexpectedly (${signal ?? `code ${code}`})`);
  });
  const stop = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  return new Promise<PrismProcess>((resolve, reject) => {
    const recent: string[] = [];
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      void stop().then(() => reject(new Error(`Prism did not start: ${why}\n${recent.join('\n')}`)));
    };
    const timer = setTimeout(() => fail('timed out'), options.startTimeoutMs ?? 30_000);
    const onLine = (raw: string) => {
      const line = raw.replace(ANSI, '').trimEnd();
      if (!line) return;
      options.verbose?.(`[prism] ${line}`);
      recent.push(line);
      if (recent.length > 20) recent.shift();
      // Shown, Prism's own start line comes before the mock's (it follows the bind by a moment).
      if (/Prism is listening on/.test(line)) (startLineSeen = true), ready();
    };
    let port: number | undefined;
    let startLineSeen = !options.verbose;
    const ready = () => {
      if (settled || port === undefined || !startLineSeen) return;
      settled = true;
      started = true;
      clearTimeout(timer);
      resolve({ url: `http://127.0.0.1:${port}`, pid: child.pid as number, stop });
    };
    // The child says where Prism's server listens as soon as it is bound.
    child.on('message', (m: Partial<ListeningMessage>) => {
      if (m.prismListening) (port = m.prismListening.port), ready();
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
    child.once('error', (e) => (clearTimeout(timer), fail(e.message)));
    child.once('exit', (code, signal) => (clearTimeout(timer), fail(`exited with ${signal ?? code}`)));
  });
}
