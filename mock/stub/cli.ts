/** `vaero stub`: start the stateful stub (flags, or VAERO_* environment variables). */
import { Command, InvalidArgumentError, Option } from 'commander';
import { corsOriginsOption } from '../../cors/option.js';
import { requestTimeoutOption } from '../http/request-timeout-option.js';
import { ADMIN_FAIL_NEXT_PATH, ADMIN_PREFIX, MOCK_FAIL_HEADER, MOCK_FAIL_MESSAGE_HEADER, MOCK_STATUS_HEADER } from './http/headers.js';

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is an integer from 0 to 65535');
  return n;
}

function speedFactor(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('speed is a number >= 0 (1: about ten seconds per job, 0: frozen)');
  return n;
}

function tokenList(value: string): string[] {
  const list = value.split(',').map((t) => t.trim()).filter(Boolean);
  if (!list.length) throw new InvalidArgumentError('give at least one token, separated by commas');
  return list;
}

interface StubFlags {
  port: number;
  host: string;
  speed: number;
  state?: string;
  tokens?: string[];
  debug?: boolean;
  quiet?: boolean;
  corsOrigins?: string[];
  requestTimeout: number;
}

export function registerStubCommand(program: Command): void {
  program
    .command('stub')
    .description('Start the stateful stub of the Vaero API: jobs move through their lifecycle, state per organization (token)')
    .addOption(new Option('-p, --port <n>', 'port to listen on (0: any free port)').env('VAERO_PORT').default(8080).argParser(portNumber))
    .addOption(new Option('-H, --host <host>', 'interface to listen on').env('VAERO_HOST').default('127.0.0.1'))
    .addOption(
      new Option('--speed <factor>', 'lifecycle pace: 1 = about ten seconds from created to succeeded, 10 = ten times faster, 0 = frozen')
        .env('VAERO_SPEED')
        .default(1)
        .argParser(speedFactor),
    )
    .addOption(new Option('--state <file>', 'keep state across restarts in this journal file').env('VAERO_STATE'))
    .addOption(new Option('--tokens <a,b>', 'accept only these bearer tokens (default: any token)').env('VAERO_TOKENS').argParser(tokenList))
    .addOption(new Option('--debug', 'validate every response against the spec and log violations').env('VAERO_DEBUG'))
    .addOption(new Option('-q, --quiet', 'no request log').env('VAERO_QUIET'))
    .addOption(corsOriginsOption())
    .addOption(requestTimeoutOption())
    .addHelpText(
      'after',
      [
        '',
        'Error states on demand:',
        `  ${MOCK_FAIL_HEADER}: <code>           on a create: that job ends failed with this error code`,
        `  ${MOCK_FAIL_MESSAGE_HEADER}: <text>   (optional) the failed job's error message`,
        `  ${MOCK_STATUS_HEADER}: 429|500        on any request: answer that status (after route and auth)`,
        `  POST ${ADMIN_FAIL_NEXT_PATH} {"code","message"} with your bearer token: your next job fails; DELETE disarms`,
        '',
        `Steering from tests (with your bearer token; see mock/stub/README.md):`,
        ...[
          ['POST', 'reset', "forget your organization's jobs, files and settings"],
          ['POST', 'jobs {"status","error"?,…}', 'seed a job in any status'],
          ['POST', 'files {"filename","content"}', 'seed a file'],
          ['POST', 'advance {"ms"}', 'move your jobs ms further through their lifecycle'],
          ['POST', 'latency {"ms","operations"?}', 'answer later (DELETE removes it)'],
          ['GET', 'requests', 'the API requests you made'],
        ].map(([method, what, why]) => `  ${method!.padEnd(5)}${`${ADMIN_PREFIX}${what}`.padEnd(40)}${why}`),
      ].join('\n'),
    )
    .action(async (flags: StubFlags) => {
      let stub;
      try {
        // Loaded here, not at registration: other subcommands should not pay for the stub's start-up.
        const { startStub } = await import('./server.js');
        stub = await startStub({
          port: flags.port,
          host: flags.host,
          speed: flags.speed,
          statePath: flags.state,
          tokens: flags.tokens,
          debug: flags.debug ?? false,
          log: flags.quiet ? false : undefined,
          corsOrigins: flags.corsOrigins,
          requestTimeoutMs: flags.requestTimeout,
        });
      } catch (e) {
        const error = e as NodeJS.ErrnoException;
        const why =
          error.code === 'EADDRINUSE'
            ? `port ${flags.port} on ${flags.host} is already in use (try --port 0 or another port)`
            : error.code === 'EACCES'
              ? `not allowed to listen on ${flags.host}:${flags.port}`
              : error.message;
        process.stderr.write(`vaero stub: ${why}\n`);
        process.exitCode = 1;
        return;
      }
      // A literal token, so the example runs as pasted (any token is its own organization).
      const token = flags.tokens?.[0] ?? 'dev-token';
      const { docsLine } = await import('../docs/index.js'); // loaded with the server already
      process.stdout.write(
        [
          `Vaero stub listening at ${stub.baseUrl}`,
          `  speed ${flags.speed}${flags.speed === 0 ? ' (frozen)' : ''}${flags.state ? `, state in ${flags.state}` : ', state in memory'}${flags.tokens ? `, ${flags.tokens.length} accepted token(s)` : ', any bearer token'}${flags.debug ? ', debug' : ''}`,
          `  API reference: ${docsLine(new URL(stub.baseUrl).origin)}`,
          '',
          'Try:',
          `  curl --request POST --url ${stub.baseUrl}/fine_tuning/jobs \\`,
          `    --header 'Authorization: Bearer ${token}' --header 'Content-Type: application/json' \\`,
          `    --data '{"style_model": "vaero-1", "base_model": "general", "training_files": ["file-abc123", "file-abc124"], "suffix": "custom-name"}'`,
          '',
        ].join('\n'),
      );
      // Ctrl-C reaches us twice (from the terminal and forwarded by npm): the second must not cut the close short.
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        void stub.close().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}
