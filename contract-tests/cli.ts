/**
 * `vaero test`: run the contract suite against a base URL and print a report rule by
 * rule. Exit 0: conforms; 1: a rule of severity error broke; 2: usage error or the
 * server cannot be reached (a clear message, no stack trace).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULTS } from './defaults.js';
import type { ContractSuiteOptions, Progress } from './index.js';
import type { Profile, Report } from './report.js';

interface TestFlags {
  baseUrl?: string;
  token?: string;
  tokenB?: string;
  profile: Profile;
  seed?: number;
  maxRequests: number;
  jobTimeout: number;
  numRuns: number;
  junit?: string;
  json?: string;
  html?: string;
  progress?: boolean;
}

function positiveInt(name: string, min = 0) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`${name} must be a whole number${min ? ` of at least ${min}` : ''}`);
    return Number(v);
  };
}

function usage(message: string): never {
  process.stderr.write(`vaero test: ${message}\nRun "vaero test --help" for the options.\n`);
  process.exit(2);
}

function progressPrinter(stream: NodeJS.WriteStream): { update: (p: Progress) => void; end: () => void } {
  let last = '';
  return {
    update(p) {
      const line = `[${p.done}/${p.total}] ${p.current} · ${p.requests} requests · ${p.failures} failures`;
      if (stream.isTTY) stream.write(`\r${line.padEnd(last.length)}`);
      else if (p.current !== last.split(' ')[1]) stream.write(line + '\n');
      last = line;
    },
    end() {
      if (stream.isTTY && last) stream.write('\n');
    },
  };
}

/** The human summary on stdout: broken rules with their first failure as a curl command. */
export function formatSummary(report: Report): string {
  const out: string[] = [];
  out.push(`vaero test ${report.baseUrl} · profile ${report.profile} · seed ${report.seed} (replay: --seed ${report.seed}) · ${report.requests.sent} requests · ${(report.durationMs / 1000).toFixed(1)} s`);
  const failuresByRule = new Map<string, { checkId: string; message: string; curl?: string; status?: number }[]>();
  for (const c of report.checks) for (const f of c.failures) {
    const list = failuresByRule.get(f.ruleId) ?? [];
    list.push({ checkId: c.id, message: f.message, ...(f.exchange ? { curl: f.exchange.curl, status: f.exchange.response?.status } : {}) });
    failuresByRule.set(f.ruleId, list);
  }
  for (const r of report.rules.filter((x) => x.status === 'failed' || x.status === 'warned')) {
    const fs = failuresByRule.get(r.id) ?? [];
    out.push('', `${r.status === 'failed' ? 'FAIL' : 'WARN'} ${r.id} (${r.source}, ${r.severity}; ${r.location}): ${fs.length} failure${fs.length === 1 ? '' : 's'}`);
    for (const f of fs.slice(0, 3)) out.push(`  - [${f.checkId}] ${f.message}`);
    const first = fs.find((f) => f.curl);
    if (first?.curl) out.push('    ' + first.curl.split('\n').join('\n    ') + (first.status !== undefined ? `\n    # answered ${first.status}` : ''));
    if (fs.length > 3) out.push(`  … and ${fs.length - 3} more (see --html/--json)`);
  }
  const skipped = report.checks.filter((c) => c.status === 'skipped');
  if (skipped.length) {
    out.push('', 'Skipped:');
    for (const c of skipped) out.push(`  - ${c.id}: ${c.skipReason}`);
  }
  const s = report.summary;
  out.push(
    '',
    `${report.outcome === 'conform' ? 'CONFORMS' : 'DOES NOT CONFORM'}: rules ${s.rules.failed} broken, ${s.rules.warned} warned, ${s.rules.passed} held, ${s.rules.skipped} skipped, ${s.rules['not-checked']} not checked · checks ${s.checks.failed} failed, ${s.checks.warned} warned, ${s.checks.passed} passed, ${s.checks.skipped} skipped`,
  );
  if (report.cleanup.problems.length) out.push(`Cleanup problems: ${report.cleanup.problems.join('; ')}`);
  return out.join('\n') + '\n';
}

function write(path: string, text: string): void {
  const abs = resolve(path);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
}

export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .description('Run the contract suite against an implementation of the Vaero API at a base URL')
    .option('--base-url <url>', 'the URL under which /fine_tuning/jobs lives, e.g. http://127.0.0.1:8080/v1')
    .option('--token <token>', "organization A's API key (default: $VAERO_TOKEN; prefer the variable, it stays out of logs)")
    .option('--token-b <token>', "a second organization's API key, for the isolation checks (default: $VAERO_TOKEN_B)")
    .option('--profile <profile>', 'core: what a stateless mock can meet; full: a stateful implementation', (v: string) => {
      if (v !== 'core' && v !== 'full') throw new InvalidArgumentError('must be core or full');
      return v;
    }, DEFAULTS.profile)
    .option('--seed <n>', 'seed of the generated cases (printed in every report, to replay a run)', positiveInt('--seed'))
    .option('--max-requests <n>', 'stop sending after this many requests (what the run created is still cleaned up)', positiveInt('--max-requests', 1), DEFAULTS.maxRequests)
    .option('--job-timeout <ms>', 'how long to wait for a job to finish before the checks that need it are skipped', positiveInt('--job-timeout'), DEFAULTS.jobTimeoutMs)
    .option('--num-runs <n>', 'generated cases per property', positiveInt('--num-runs', 1), DEFAULTS.numRuns)
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--json <file>', 'write the JSON report')
    .option('--html <file>', 'write a self-contained HTML report')
    .option('--no-progress', 'no progress line on stderr')
    .exitOverride((err) => {
      // Help and version exit 0; every usage error exits 2 (commander already printed why).
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .action(async (flags: TestFlags) => {
      let token = flags.token ?? process.env.VAERO_TOKEN;
      let tokenB = flags.tokenB ?? process.env.VAERO_TOKEN_B;
      if (!flags.baseUrl) usage('--base-url is required (the URL under which /fine_tuning/jobs lives, e.g. http://127.0.0.1:8080/v1)');
      let url: URL;
      try {
        url = new URL(flags.baseUrl);
      } catch {
        usage(`--base-url ${flags.baseUrl} is not a URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') usage(`--base-url must be http or https, not ${url.protocol}`);
      if (!token && !tokenB) {
        // No keys at all: two throwaway tokens, which the stub and the mock accept (each its own
        // organization). A real service refuses them at the probe, and the run stops with exit 2.
        token = `vaero-test-a-${randomUUID()}`;
        tokenB = `vaero-test-b-${randomUUID()}`;
        process.stderr.write('vaero test: no --token or VAERO_TOKEN: using two generated tokens (the stub and the mock accept any)\n');
      }
      if (!token) usage('no token: pass --token or set VAERO_TOKEN (--token-b alone is not enough)');
      if (tokenB && tokenB === token) usage('--token-b must belong to another organization than --token');

      const progress = flags.progress === false ? undefined : progressPrinter(process.stderr);
      const options: ContractSuiteOptions = {
        baseUrl: flags.baseUrl,
        token,
        ...(tokenB ? { tokenB } : {}),
        profile: flags.profile,
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        maxRequests: flags.maxRequests,
        jobTimeoutMs: flags.jobTimeout,
        numRuns: flags.numRuns,
        ...(progress ? { onProgress: progress.update } : {}),
      };
      // The suite and its reporters load when the subcommand runs: `vaero stub` starts without them.
      const [{ runContractSuite, NotTheApi, Unreachable }, { toHtml }, { toJUnit }, { toJson }] = await Promise.all([
        import('./index.js'),
        import('./reports/html.js'),
        import('./reports/junit.js'),
        import('./reports/json.js'),
      ]);
      let report: Report;
      try {
        report = await runContractSuite(options);
      } catch (err) {
        progress?.end();
        if (err instanceof Unreachable) {
          process.stderr.write(`vaero test: ${err.message}\nIs the server running, and is --base-url the URL under which /fine_tuning/jobs lives (e.g. http://127.0.0.1:8080/v1)?\n`);
          process.exit(2);
        }
        if (err instanceof NotTheApi) {
          process.stderr.write(`vaero test: ${err.message}\n`);
          process.exit(2);
        }
        process.stderr.write(`vaero test: the suite stopped: ${(err as Error).message}\n`);
        process.exit(2);
      }
      progress?.end();
      process.stdout.write(formatSummary(report));
      if (flags.junit) write(flags.junit, toJUnit(report));
      if (flags.json) write(flags.json, toJson(report));
      if (flags.html) write(flags.html, toHtml(report));
      process.exitCode = report.outcome === 'conform' ? 0 : 1;
    });
}
