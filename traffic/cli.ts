/**
 * `vaero judge FILE.har`: judge recorded traffic offline, with the verdicts and reports of
 * the proxy. Entries outside the base URL are counted and left out; what an entry does not
 * hold (its body, its credentials) leaves the rules that need it not judged. Exit 0: no
 * violation at the level; 1: one or more (the reports say which side); 2: usage error, a
 * file that cannot be read or is not HAR.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseLevel, parseProfile } from '../contract-tests/cli-options.js';
// Types only: `vaero stub` starts without loading the spec or the judge.
import type { Level } from '../contract-tests/level.js';
import type { ReportFiles } from './output.js';

interface JudgeFlags extends ReportFiles {
  baseUrl?: string;
  level: Level;
  profile: 'core' | 'full';
}

function fail(message: string): never {
  process.stderr.write(`vaero judge: ${message}\n`);
  process.exit(2);
}

export function registerJudgeCommand(program: Command): void {
  program
    .command('judge')
    .description('Judge the exchanges of a HAR file (as Chromium devtools and Playwright save it) against the contract, both sides')
    .argument('<file.har>', 'the HAR file')
    .option('--base-url <url>', 'the URL under which /fine_tuning/jobs lives in the recording (default: found from the first API request)')
    .option('--level <level>', "reference: only what Vaero's API reference states counts as an error; contract: every rule", parseLevel, 'contract')
    .option('--profile <profile>', 'full: a stateful implementation (echo of creates, rules across exchanges); core: a static mock', parseProfile, 'full')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--json <file>', 'write the JSON report')
    .option('--html <file>', 'write a self-contained HTML report')
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .action(async (file: string, flags: JudgeFlags) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        fail(`cannot read ${file}: ${(err as Error).message}`);
      }
      const { judgeHar } = await import('./judge-har.js');
      const { NotHar } = await import('./har.js');
      const { summary, writeReports } = await import('./output.js');
      try {
        const { report, lines } = await judgeHar(text, { level: flags.level, stateful: flags.profile === 'full', ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}) });
        for (const line of lines) process.stderr.write(line + '\n');
        process.stdout.write(summary('vaero judge', report));
        writeReports(report, flags);
        process.exitCode = report.summary.brokenRules.length ? 1 : 0;
      } catch (err) {
        if (err instanceof NotHar) fail(`${file}: ${err.message}`);
        throw err;
      }
    });
}
