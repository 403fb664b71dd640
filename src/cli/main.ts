/**
 * The `charter` command line: kubectl-like verbs over the catalog, on the embedded store, on
 * PostgreSQL, or against a running server. Errors become exit codes in one place.
 */
import { Command, CommanderError } from 'commander';
import { isCharterError } from '../model/errors.js';
import { registerAiCommands } from './commands/ai-commands.js';
import { registerAuditCommands } from './commands/audit-commands.js';
import { registerCatalogCommands } from './commands/catalog-commands.js';
import { registerIoCommands } from './commands/io-commands.js';
import { registerLineageCommands } from './commands/lineage-commands.js';
import { registerMcpCommands } from './commands/mcp-commands.js';
import { registerPolicyCommands } from './commands/policy-commands.js';
import { registerQualityCommands } from './commands/quality-commands.js';
import { registerServeCommands } from './commands/serve-commands.js';
import { registerTokenCommands } from './commands/token-commands.js';
import { EXIT, exitCodeOf } from './exit-codes.js';

export const VERSION = '0.1.0';

export function buildProgram(): Command {
  const program = new Command('charter')
    .description('Federated, domain-driven data governance for GenAI')
    .version(VERSION)
    .option('--home <dir>', 'folder of the embedded store (env CHARTER_HOME; default ./.charter)')
    .option('--database <url>', 'PostgreSQL URL instead of the embedded store (env CHARTER_DATABASE_URL)')
    .option('--server <url>', 'talk to a running Charter server (env CHARTER_SERVER)')
    .option('--token <token>', 'API token for --server (env CHARTER_TOKEN)')
    .option(
      '--as <user>',
      'actor recorded for writes, e.g. user:alice (env CHARTER_ACTOR; default user:local)',
    )
    .option('-o, --output <format>', 'json, yaml or table', 'table')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Refs name everything: dataset:payments/transactions, domain:payments, user:alice.
Exit codes: 0 success; 1 the answer is "no" (refused, conflict, tampering found);
            2 bad input or usage; 3 the platform could not do the work.

Examples:
  charter demo                                   load the demo organisation and serve it
  charter apply -f examples/org                  apply a folder of manifests
  charter get datasets --domain payments
  charter describe dataset:payments/transactions
  charter search customer email
  charter audit verify`,
    );
  registerCatalogCommands(program);
  registerAuditCommands(program);
  registerIoCommands(program);
  registerPolicyCommands(program);
  registerTokenCommands(program);
  registerQualityCommands(program);
  registerLineageCommands(program);
  registerAiCommands(program);
  registerServeCommands(program);
  registerMcpCommands(program);
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/**
 * A reader that stops early (`charter get datasets | head`) closes the pipe: that ends the output,
 * it is not an error of Charter's.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  if (stream.listenerCount('error')) return;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe(process.stdout);
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeOf(error);
    if (isCharterError(error)) {
      process.stderr.write(`Error: ${error.message}\n`);
    } else {
      process.stderr.write(
        `Error: something went wrong inside Charter: ${(error as Error)?.stack ?? error}\n`,
      );
    }
    return exitCodeOf(error);
  }
}
