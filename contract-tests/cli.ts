/**
 * `vaero test`: run the contract suite against a base URL and print a report rule by
 * rule. Exit 0: conforms; 1: a rule of severity error broke; 2: usage error, the server
 * cannot be reached or is not the API (a clear message, no stack trace); 3: inconclusive
 * (a rule the profile requires could not be judged; --allow-inconclusive makes it 0).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { byteSize, parseLevel, parseProfile, positiveInt } from './cli-options.js';
import { DEFAULTS } from './defaults.js';
import { escapeUnsafe } from './escape.js';
import type { ContractSuiteOptions, Progress } from './index.js';
import type { Profile, Report } from './report.js';

interface TestFlags {
  baseUrl?: string;
  token?: string;
  tokenB?: string;
  profile: Profile;
  level: 'reference' | 'contract';
  seed?: number;
  maxRequests: number;
  jobTimeout: number;
  numRuns: number;
  junit?: string;
  json?: string;
  html?: string;
  progress?: boolean;
  maxWait: number;
  requestTimeout: number;
  serverRequestTimeout?: number;
  deadline: number;
  maxResponseBytes: number;
  job?: string;
  allowInconclusive?: boolean;
}

/** Exit code of a run's outcome. */
export function exitCodeOf(outcome: Report['outcome'], allowInconclusive = false): number {
  if (outcome === 'conform') return 0;
  if (outcome === 'nonconform') return 1;
  return allowInconclusive ? 0 : 3;
}

/** 120000, 120s, 2m: milliseconds. */
function duration(name: string, min = 0) {
  return (v: string): number => {
    const m = /^(\d+)(ms|s|m)?$/.exec(v.trim());
    if (!m) throw new InvalidArgumentError(`${name} must be a duration: milliseconds (120000) or with a unit (120s, 2m)`);
    const ms = Number(m[1]) * (m[2] === 'm' ? 60_000 : m[2] === 's' ? 1000 : 1);
    if (ms < min) throw new InvalidArgumentError(`${name} must be at least ${min} ms`);
    return ms;
  };
}

function usage(message: string): never {
  process.stderr.write(escapeUnsafe(`vaero test: ${message}\nRun "vaero test --help" for the options.\n`));
  process.exit(2);
}

function progressPrinter(stream: NodeJS.WriteStream): { update: (p: Progress) => void; end: () => void } {
  let last = '';
  return {
    update(p) {
      const line = escapeUnsafe(`[${p.done}/${p.total}] ${p.current} · ${p.requests} requests · ${p.failures} failures`);
      if (stream.isTTY) stream.write(`\r${line.padEnd(last.length)}`);
      else if (p.current !== last.split(' ')[1]) stream.write(line + '\n');
      last = line;
    },
    end() {
      if (stream.isTTY && last) stream.write('\n');
    },
  };
}

const VERDICT_LINE: Record<Report['outcome'], string> = { conform: 'CONFORMS', nonconform: 'DOES NOT CONFORM', inconclusive: 'INCONCLUSIVE' };

/**
 * The human summary on stdout: broken rules with their first failure as a script that
 * reproduces it, then what was not judged and why. A server's control and bidi characters
 * are shown escaped: they would drive the terminal (set its title, clear it) or reorder text.
 */
export function formatSummary(report: Report): string {
  return escapeUnsafe(summaryText(report));
}

function summaryText(report: Report): string {
  const out: string[] = [];
  out.push(`vaero test ${report.baseUrl} · profile ${report.profile} · level ${report.level ?? 'contract'} · seed ${report.seed} (replay: --seed ${report.seed}) · ${report.requests.sent} requests · ${(report.durationMs / 1000).toFixed(1)} s`);
  if (report.interruption) {
    const i = report.interruption;
    out.push('', `SERVER STOPPED ANSWERING at request #${i.unanswered.seq}: ${i.unanswered.method} ${i.unanswered.url} (${i.unanswered.error})`);
    if (i.lastAnswered) out.push(`  last answered: #${i.lastAnswered.seq} ${i.lastAnswered.method} ${i.lastAnswered.url} -> ${i.lastAnswered.status}`);
    out.push('  the request it did not answer:', '    ' + i.unanswered.curl.split('\n').join('\n    '), `  ${i.notJudgedAfter.length} rules after it were not judged.`);
  }
  const failuresByRule = new Map<string, { checkId: string; message: string; script?: string }[]>();
  for (const c of report.checks) for (const f of c.failures) {
    const list = failuresByRule.get(f.ruleId) ?? [];
    list.push({ checkId: c.id, message: f.message, ...(f.reproduce ? { script: f.reproduce } : {}) });
    failuresByRule.set(f.ruleId, list);
  }
  for (const r of report.rules.filter((x) => x.verdict === 'broken')) {
    const fs = failuresByRule.get(r.id) ?? [];
    out.push('', `${r.severity === 'error' ? 'BROKEN' : 'WARN'} ${r.id} (${r.source}, ${r.severity}; ${r.location}): ${fs.length} failure${fs.length === 1 ? '' : 's'}`);
    for (const f of fs.slice(0, 3)) out.push(`  - [${f.checkId}] ${f.message}`);
    const first = fs.find((f) => f.script);
    if (first?.script) out.push('    ' + first.script.trimEnd().split('\n').filter((l) => !l.startsWith('#!')).join('\n    '));
    if (fs.length > 3) out.push(`  … and ${fs.length - 3} more (see --html/--json)`);
  }
  const unjudged = report.rules.filter((r) => r.verdict === 'not-judged');
  if (unjudged.length) {
    out.push('', 'NOT JUDGED (no assertion about them could be evaluated, or part of them could not):');
    for (const r of unjudged) out.push(`  - ${r.id}${r.required && r.severity === 'error' ? '' : ' (a warning: does not make the run inconclusive)'}: ${r.notJudged.filter((n) => n.cause !== 'configuration').map((n) => `${n.reason}${n.checkId ? ` [${n.checkId}]` : ''}`).join('; ')}`);
  }
  const skipped = report.rules.filter((r) => r.verdict === 'skipped');
  if (skipped.length) {
    out.push('', 'SKIPPED by configuration:');
    const byReason = new Map<string, string[]>();
    for (const r of skipped) {
      const why = r.notJudged[0]?.reason ?? 'not in this profile';
      byReason.set(why, [...(byReason.get(why) ?? []), r.id]);
    }
    for (const [why, ids] of byReason) out.push(`  - ${ids.join(', ')}: ${why}`);
  }
  const unprovoked = report.coverage.filter((c) => c.required && !c.answers);
  if (unprovoked.length) out.push('', `Declared statuses not provoked: ${unprovoked.map((c) => `${c.operationId} ${c.status}`).join(', ')}`);
  const s = report.summary;
  if (report.outcome === 'inconclusive') out.push('', 'Inconclusive because:', ...report.inconclusiveBecause.map((x) => `  - ${x}`));
  out.push(
    '',
    `${VERDICT_LINE[report.outcome]}: rules ${s.rules.held} held, ${s.rules.broken} broken (${s.warnedRules.length} of them warnings), ${s.rules['not-judged']} not judged, ${s.rules.skipped} skipped · checks ${s.checks.passed} passed, ${s.checks.failed} failed, ${s.checks.warned} warned, ${s.checks.skipped} skipped · coverage ${report.coverage.filter((c) => c.answers).length}/${report.coverage.length} declared statuses provoked`,
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
    .option('--profile <profile>', 'core: what a stateless mock can meet; full: a stateful implementation', parseProfile, DEFAULTS.profile)
    .option('--level <level>', 'reference: only what Vaero\'s API reference states counts as an error (for the real service and third parties); contract: every rule of this contract', parseLevel, DEFAULTS.level)
    .option('--seed <n>', 'seed of the generated cases (printed in every report, to replay a run)', positiveInt('--seed'))
    .option('--max-requests <n>', 'stop sending after this many requests (what the run created is still cleaned up)', positiveInt('--max-requests', 1), DEFAULTS.maxRequests)
    .option('--job-timeout <ms>', 'how long to wait for a job to finish before the checks that need it are skipped', positiveInt('--job-timeout'), DEFAULTS.jobTimeoutMs)
    .option('--num-runs <n>', 'generated cases per property', positiveInt('--num-runs', 1), DEFAULTS.numRuns)
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--json <file>', 'write the JSON report')
    .option('--html <file>', 'write a self-contained HTML report')
    .option('--max-wait <duration>', 'total time to wait out 429s (Retry-After) before the run ends inconclusive: ms, or 120s, 2m', duration('--max-wait'), DEFAULTS.maxWaitMs)
    .option('--request-timeout <duration>', 'how long one answer may take, body included; 3 requests in a row unanswered within it and the server is taken for gone: ms, or 30s', duration('--request-timeout', 1), DEFAULTS.requestTimeoutMs)
    .option('--server-request-timeout <duration>', "the server's own request timeout: given, a request stalled halfway is judged 408 (request.timeout), waiting at most this plus --request-timeout; without it that rule is skipped: ms, or 30s", duration('--server-request-timeout', 1))
    .option('--deadline <duration>', 'the whole run\'s time: what is left after it is not judged (deadline), and cleanup gets one more --request-timeout: ms, or 600s, 10m', duration('--deadline', 1), DEFAULTS.deadlineMs)
    .option('--max-response-bytes <size>', 'how much of one answer is read: a longer answer breaks response.size and is judged as far as it was read (16777216, 512KiB, 16MiB)', byteSize('--max-response-bytes'), DEFAULTS.maxResponseBytes)
    .option('--job <id>', "an existing succeeded job of organization A's: the post-success rules are judged on it when the run's own jobs do not finish within --job-timeout (a service whose jobs take hours)")
    .option('--allow-inconclusive', 'exit 0 instead of 3 when the run is inconclusive (it still says which rules went unjudged)')
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
      const generatedTokens = !token && !tokenB;
      if (!token && !tokenB) {
        // No keys at all: two throwaway tokens, which the stub and the mock accept (each its own
        // organization). A real service refuses them at the probe, and the run stops with exit 2.
        token = `vaero-test-a-${randomUUID()}`;
        tokenB = `vaero-test-b-${randomUUID()}`;
        // Printed once, as values: the reproduction scripts need them in a fresh shell.
        process.stderr.write(`vaero test: no --token or VAERO_TOKEN: using two generated tokens (the stub and the mock accept any); to replay a failure's script:\n  export VAERO_TOKEN=${token}\n  export VAERO_TOKEN_B=${tokenB}\n`);
      }
      if (!token) usage('no token: pass --token or set VAERO_TOKEN (--token-b alone is not enough)');
      if (tokenB && tokenB === token) usage('--token-b must belong to another organization than --token');

      const progress = flags.progress === false ? undefined : progressPrinter(process.stderr);
      const options: ContractSuiteOptions = {
        baseUrl: flags.baseUrl,
        token,
        ...(tokenB ? { tokenB } : {}),
        profile: flags.profile,
        level: flags.level,
        ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
        maxRequests: flags.maxRequests,
        jobTimeoutMs: flags.jobTimeout,
        numRuns: flags.numRuns,
        maxWaitMs: flags.maxWait,
        requestTimeoutMs: flags.requestTimeout,
        ...(flags.serverRequestTimeout !== undefined ? { serverRequestTimeoutMs: flags.serverRequestTimeout } : {}),
        deadlineMs: flags.deadline,
        maxResponseBytes: flags.maxResponseBytes,
        ...(flags.job ? { jobId: flags.job } : {}),
        ...(generatedTokens ? { generatedTokens: true } : {}),
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
          process.stderr.write(escapeUnsafe(`vaero test: ${err.message}\nIs the server running, and is --base-url the URL under which /fine_tuning/jobs lives (e.g. http://127.0.0.1:8080/v1)?\n`));
          process.exit(2);
        }
        if (err instanceof NotTheApi) {
          process.stderr.write(escapeUnsafe(`vaero test: ${err.message}\n`));
          process.exit(2);
        }
        process.stderr.write(escapeUnsafe(`vaero test: the suite stopped: ${(err as Error).message}\n`));
        process.exit(2);
      }
      progress?.end();
      process.stdout.write(formatSummary(report));
      if (flags.junit) write(flags.junit, toJUnit(report, { allowInconclusive: Boolean(flags.allowInconclusive) }));
      if (flags.json) write(flags.json, toJson(report));
      if (flags.html) write(flags.html, toHtml(report));
      process.exitCode = exitCodeOf(report.outcome, flags.allowInconclusive);
    });
}
