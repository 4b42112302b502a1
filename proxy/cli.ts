/**
 * `vaero proxy --upstream URL`: the command line over startProxy. It runs until SIGINT or
 * SIGTERM, then writes the reports `vaero test` writes and exits 1 if a violation at its
 * level was seen (either side), 0 otherwise; 2 for a usage error.
 */
import type { Command } from 'commander';
import { byteSize, parseLevel, parseProfile, positiveInt } from '../contract-tests/cli-options.js';
import { corsOriginsOption } from '../cors/option.js';
// Types only: `vaero stub` starts without loading the spec or the judge.
import type { Level } from '../contract-tests/level.js';
import type { ReportFiles } from '../traffic/output.js';


interface ProxyFlags extends ReportFiles {
  upstream?: string;
  host: string;
  port: number;
  strict?: boolean;
  level: Level;
  profile: 'core' | 'full';
  maxBodyBytes?: number;
  maxResponseBytes?: number;
  record?: string;
  corsOrigins?: string[];
}

function usage(message: string): never {
  process.stderr.write(`vaero proxy: ${message}\nRun "vaero proxy --help" for the options.\n`);
  process.exit(2);
}

export function registerProxyCommand(program: Command): void {
  program
    .command('proxy')
    .description('A validating proxy: forwards /v1/X to UPSTREAM/X and judges every exchange against the contract, both sides')
    .option('--upstream <url>', 'the implementation\'s base URL (the URL under which /fine_tuning/jobs lives), e.g. http://127.0.0.1:8080/v1')
    .option('--host <host>', 'the address to listen on', '127.0.0.1')
    .option('--port <n>', 'the port to listen on (0: any free port)', positiveInt('--port', 0, 65535), 8099)
    .option('--strict', 'buffer and judge first: answer a contract-breaking request with the contract\'s error instead of forwarding it; replace a contract-breaking answer with a 502 that says why')
    .option('--level <level>', 'reference: only what Vaero\'s API reference states counts as an error; contract: every rule', parseLevel, 'contract')
    .option('--profile <profile>', 'full: a stateful implementation (echo of creates, rules across exchanges); core: a static mock', parseProfile, 'full')
    .option('--max-body-bytes <size>', 'the most bytes of a request body kept for the judge (and buffered with --strict): 8388609, 512KiB, 8MiB; default: the largest body the contract accepts, plus one', byteSize('--max-body-bytes'))
    .option('--max-response-bytes <size>', 'the most bytes of an answer kept for the judge (and buffered with --strict): 16777216, 512KiB, 16MiB; a longer answer breaks response.size (default 16MiB, as vaero test)', byteSize('--max-response-bytes'))
    .addOption(corsOriginsOption())
    .option('--record <file.har>', 'write the traffic to a HAR file (credentials redacted)')
    .option('--junit <file>', 'on exit, write a JUnit XML report')
    .option('--json <file>', 'on exit, write the JSON report')
    .option('--html <file>', 'on exit, write a self-contained HTML report')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (flags: ProxyFlags) => {
      if (!flags.upstream) usage('--upstream is required (the URL under which /fine_tuning/jobs lives, e.g. http://127.0.0.1:8080/v1)');
      try {
        new URL(flags.upstream);
      } catch {
        usage(`--upstream ${flags.upstream} is not a URL`);
      }
      const [{ startProxy }, { summary, writeReports }] = await Promise.all([import('./server.js'), import('../traffic/output.js')]);
      let proxy: Awaited<ReturnType<typeof startProxy>>;
      try {
        proxy = await startProxy({
          upstream: flags.upstream,
          host: flags.host,
          port: flags.port,
          strict: !!flags.strict,
          level: flags.level,
          stateful: flags.profile === 'full',
          ...(flags.maxBodyBytes ? { maxBodyBytes: flags.maxBodyBytes } : {}),
          ...(flags.maxResponseBytes ? { maxResponseBytes: flags.maxResponseBytes } : {}),
          ...(flags.record ? { record: flags.record } : {}),
          ...(flags.corsOrigins ? { corsOrigins: flags.corsOrigins } : {}),
        });
      } catch (err) {
        usage((err as Error).message);
      }
      const stop = async () => {
        const report = await proxy.close();
        process.stdout.write(summary('vaero proxy', report));
        writeReports(report, flags);
        process.exit(proxy.violations.client + proxy.violations.server > 0 ? 1 : 0);
      };
      // Listening for the signals before the URL is printed: a caller may stop it as soon as it reads the URL.
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      process.stdout.write(`vaero proxy: ${proxy.url} -> ${flags.upstream}${flags.strict ? ' (strict)' : ''} · level ${flags.level} · one line per violation on stderr; Ctrl-C for the report\n`);
    });
}
