import { InvalidArgumentError, type Command } from 'commander';
import { corsOriginsOption } from '../../cors/option.js';
import { requestTimeoutOption } from '../http/request-timeout-option.js';
import type { startPrismMock } from './index.js';

/** The reference's curl example, pointed at a base URL. */
export function referenceCurl(baseUrl: string): string {
  return [
    `curl --request POST \\`,
    `  --url ${baseUrl}/fine_tuning/jobs \\`,
    `  --header 'Authorization: Bearer <token>' \\`,
    `  --header 'Content-Type: application/json' \\`,
    `  --data '{`,
    `  "style_model": "vaero-1",`,
    `  "base_model": "general",`,
    `  "training_files": [`,
    `    "file-abc123",`,
    `    "file-abc124"`,
    `  ],`,
    `  "suffix": "custom-name"`,
    `}'`,
  ].join('\n');
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('a port is a number from 0 to 65535.');
  return n;
}

/** `vaero mock [--port N] [--host H] [--verbose]`: the Prism mock behind the contract's front. */
export function registerMockCommand(program: Command): void {
  program
    .command('mock')
    .description('Start the Prism mock of the API: stateless, answers from the spec, rejects what breaks the contract')
    .option('-p, --port <port>', 'port to listen on (0: any free port)', port, 4010)
    .option('-H, --host <host>', 'host to listen on', '127.0.0.1')
    .option('--verbose', "also print Prism's own log lines", false)
    .addOption(corsOriginsOption())
    .addOption(requestTimeoutOption())
    .action(async (opts: { port: number; host: string; verbose: boolean; corsOrigins?: string[]; requestTimeout: number }) => {
      const log = (line: string) => process.stdout.write(line + '\n');
      let mock: Awaited<ReturnType<typeof startPrismMock>> | undefined;
      try {
        // Loaded when the subcommand runs: `vaero stub` and `vaero test` do not pay for it.
        const { startPrismMock } = await import('./index.js');
        mock = await startPrismMock({
          port: opts.port,
          host: opts.host,
          verbose: opts.verbose,
          corsOrigins: opts.corsOrigins,
          requestTimeoutMs: opts.requestTimeout,
          log,
          // Without Prism the mock can only answer 500: better to stop and say why.
          onPrismExit: (why) => {
            process.stderr.write(`vaero mock: ${why}; stopping\n`);
            void mock?.close().then(() => process.exit(1));
          },
        });
      } catch (e) {
        const inUse = (e as NodeJS.ErrnoException).code === 'EADDRINUSE';
        process.stderr.write(`vaero mock: ${inUse ? `port ${opts.port} on ${opts.host} is in use; choose another with --port` : (e as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      log(`Vaero Prism mock (unofficial) listening; base URL: ${mock.baseUrl}`);
      const { docsLine } = await import('../docs/index.js'); // loaded with the front already
      log(`API reference: ${docsLine(new URL(mock.baseUrl).origin)}`);
      log(`Try the reference's example:\n\n${referenceCurl(mock.baseUrl)}\n`);
      // Ctrl-C reaches us twice (from the terminal and forwarded by npm): the second must not cut the close (and Prism's stop) short.
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) return;
        stopping = true;
        log(`${signal}: stopping`);
        void mock.close().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
