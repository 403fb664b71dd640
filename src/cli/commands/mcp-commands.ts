/** `mcp`: the MCP server on stdin/stdout, over the local store or bridged to a running server. */
import type { Command } from 'commander';
import type { Catalog } from '../../catalog/catalog.js';
import { MCP_RESOURCE_TEMPLATES, MCP_TOOLS } from '../../mcp/mcp-names.js';
import { InputError } from '../../model/errors.js';
import type { Platform } from '../../server/platform.js';
import { describeStore } from '../../store/open-store.js';
import { actorOf, type GlobalOptions, openLocal, serverOf, storeOptions, tokenOf } from '../context.js';
import { packageVersion } from './serve-commands.js';

/**
 * Who the local MCP server answers as: the user a local API token names, the user `--as` names
 * (with that user's roles), or else the local administrator, as every other local command.
 */
export async function localCaller(
  platform: Platform,
  globals: GlobalOptions,
): Promise<{ actor: string; catalog: Catalog; who: string }> {
  const token = tokenOf(globals);
  const { access, catalog } = platform;
  if (token) {
    const principal = await access.authenticate(`Bearer ${token}`);
    const guard = await access.authorizer(principal);
    return {
      actor: principal.ref,
      catalog: catalog.as(principal.ref, guard),
      who: `${principal.ref} (the token's user, with their roles)`,
    };
  }
  if (globals.as ?? process.env.CHARTER_ACTOR) {
    const actor = actorOf(globals);
    if (!(await access.view()).users.has(actor))
      throw new InputError(`--as ${actor}: no such user in the catalog; name a user such as user:alice`);
    const guard = await access.authorizer({ ref: actor });
    return { actor, catalog: catalog.as(actor, guard), who: `${actor} (with their roles)` };
  }
  const actor = actorOf(globals);
  return { actor, catalog: catalog.as(actor), who: `${actor}, the local administrator` };
}

export function registerMcpCommands(program: Command) {
  const mcp = program
    .command('mcp')
    .description('Serve the MCP server on stdin/stdout for an AI assistant or agent')
    .addHelpText(
      'after',
      `
Tools: ${MCP_TOOLS.join(', ')}.
Resources: ${MCP_RESOURCE_TEMPLATES.join(', ')}.

Who it answers as:
  on the local store (--home, --database)   the local administrator (sees and may do everything);
    --as user:NAME                          that user, with their roles (what they may not read stays hidden)
    --token TOKEN                           the user a local API token names, with their roles
  --server URL --token TOKEN                relays to URL/mcp; the server authenticates the token
AI-use decisions and recorded outcomes land in the audit log with that user as actor. Logs go to stderr;
stdout carries only the protocol.

A client configuration (Claude Desktop, VS Code, Cursor …):
  {"mcpServers": {"charter": {"command": "charter",
     "args": ["--home", "/path/to/.charter", "mcp", "--as", "user:grace"]}}}
Over HTTP, charter serve answers MCP at http://HOST:PORT/mcp (Authorization: Bearer TOKEN).
See docs/mcp.md.`,
    );
  mcp.action(async () => {
    const globals = mcp.optsWithGlobals() as GlobalOptions;
    const server = serverOf(globals);
    // The MCP SDK is loaded by the command that uses it, not by every command of the CLI.
    const { bridgeStdio, serveStdio } = await import('../../mcp/mcp-transports.js');
    const { mcpServices } = await import('../../mcp/mcp-server.js');
    if (server) {
      process.stderr.write(`Charter MCP on stdio, relaying to ${server}/mcp\n`);
      await bridgeStdio(server, tokenOf(globals));
      return;
    }
    const platform = await openLocal(globals);
    try {
      const caller = await localCaller(platform, globals);
      const services = mcpServices(platform.catalog, platform.lineage, {
        version: packageVersion(),
        onError: (error) =>
          process.stderr.write(`charter mcp: unexpected error: ${(error as Error)?.stack ?? error}\n`),
      });
      process.stderr.write(
        `Charter MCP on stdio: ${describeStore(storeOptions(globals))}, answering as ${caller.who}\n`,
      );
      await serveStdio(services, { actor: caller.actor, catalog: caller.catalog });
    } finally {
      await platform.store.close();
    }
  });
}
