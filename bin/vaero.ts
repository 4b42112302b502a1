#!/usr/bin/env node
/**
 * `vaero`: the command line. It only parses flags; each subcommand lives with the
 * part of the product it runs (mock/prism, mock/stub, contract-tests, proxy, traffic).
 */
import { Command } from 'commander';
import { registerMockCommand } from '../mock/prism/cli.js';
import { registerStubCommand } from '../mock/stub/cli.js';
import { registerTestCommand } from '../contract-tests/cli.js';
import { registerProxyCommand } from '../proxy/cli.js';
import { registerJudgeCommand } from '../traffic/cli.js';
import { stopWithParent } from './stop-with-parent.js';

stopWithParent();

const program = new Command('vaero')
  .description('Mock server, stateful stub and contract tests for the Vaero fine-tuning jobs API (unofficial)')
  .showHelpAfterError();

registerMockCommand(program);
registerStubCommand(program);
registerTestCommand(program);
registerProxyCommand(program);
registerJudgeCommand(program);

await program.parseAsync(process.argv);
