import type { Command } from 'commander';

// Scaffolding: replaced by the real subcommand in its own issue.
export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .description('Run the contract suite against a base URL (not built yet)')
    .action(() => {
      console.error('vaero test: not built yet');
      process.exitCode = 2;
    });
}
