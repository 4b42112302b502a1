import type { Command } from 'commander';

// Scaffolding: replaced by the real subcommand in its own issue.
export function registerStubCommand(program: Command): void {
  program
    .command('stub')
    .description('Start the stateful stub (not built yet)')
    .action(() => {
      console.error('vaero stub: not built yet');
      process.exitCode = 2;
    });
}
