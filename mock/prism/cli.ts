import type { Command } from 'commander';

// Scaffolding: replaced by the real subcommand in its own issue.
export function registerMockCommand(program: Command): void {
  program
    .command('mock')
    .description('Start the Prism mock (not built yet)')
    .action(() => {
      console.error('vaero mock: not built yet');
      process.exitCode = 2;
    });
}
