#!/usr/bin/env node
/**
 * `vaero`: the command line. It only parses flags; each subcommand lives with the
 * part of the product it runs (mock/prism, mock/stub, contract-tests, proxy, traffic).
 */
import { createRequire } from 'node:module';
import { Command } from 'commander';
import { registerMockCommand } from '../mock/prism/cli.js';
import { registerStubCommand } from '../mock/stub/cli.js';
import { registerTestCommand } from '../contract-tests/cli.js';
import { registerProxyCommand } from '../proxy/cli.js';
import { registerJudgeCommand } from '../traffic/cli.js';
import { stopWithParent } from './stop-with-parent.js';

stopWithParent();

// The package's own package.json, by self-reference (the same from the sources and from dist/).
const { version } = createRequire(import.meta.url)('vaero-contract/package.json') as { version: string };

const program = new Command('vaero')
  .description('Mock server, stateful stub and contract tests for the Vaero fine-tuning jobs API (unofficial)')
  .version(version, '-V, --version', 'print the version')
  .showHelpAfterError()
  // Set before the subcommands are added, so they inherit it: help and version exit 0, every
  // usage error (unknown option or command, bad or missing value) exits 2, as `vaero test`'s do.
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

registerMockCommand(program);
registerStubCommand(program);
registerTestCommand(program);
registerProxyCommand(program);
registerJudgeCommand(program);

await program.parseAsync(process.argv);
