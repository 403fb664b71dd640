/** `token create|list|revoke`: API tokens, on the embedded store (as its administrator) or through a server. */
import type { Command } from 'commander';
import { parseExpiry, type TokenView } from '../../access/tokens.js';
import { connect, type GlobalOptions, openLocal } from '../context.js';
import { EXIT } from '../exit-codes.js';
import type { HttpCatalogClient } from '../http-client.js';
import { formatTable, printData } from '../output.js';

interface TokensApi {
  create(
    principal: string,
    name: string,
    expires: string | undefined,
  ): Promise<{ token: string; info: TokenView }>;
  list(principal?: string): Promise<TokenView[]>;
  revoke(id: string): Promise<TokenView>;
}

async function tokensApi(
  globals: GlobalOptions,
): Promise<{ api: TokensApi; close: () => Promise<void>; format: string }> {
  const ctx = await connect(globals);
  const http = (ctx.api as Partial<HttpCatalogClient>).call?.bind(ctx.api);
  if (http) {
    return {
      format: ctx.format,
      close: ctx.close,
      api: {
        create: (principal, name, expires) =>
          http('POST', '/api/v1/tokens', { for: principal, name, ...(expires ? { expires } : {}) }),
        list: async (principal) =>
          (
            await http<{ tokens: TokenView[] }>(
              'GET',
              `/api/v1/tokens${principal ? `?for=${encodeURIComponent(principal)}` : ''}`,
            )
          ).tokens,
        revoke: (id) => http('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`),
      },
    };
  }
  await ctx.close();
  const platform = await openLocal(globals);
  const tokens = platform.access.tokens;
  return {
    format: ctx.format,
    close: () => platform.store.close(),
    api: {
      create: (principal, name, expires) =>
        tokens.create({
          principal,
          name,
          expiresAt: expires ? parseExpiry(expires, new Date()) : null,
          actor: ctx.actor,
        }),
      list: (principal) => tokens.list(principal),
      revoke: (id) => tokens.revoke(id, ctx.actor),
    },
  };
}

export function registerTokenCommands(program: Command) {
  const token = program
    .command('token')
    .description('API tokens for the server (shown once, stored hashed, revocable)');

  const create = token
    .command('create')
    .description('Create a token acting for a user or team; the secret is printed once')
    .requiredOption('--for <ref>', 'the user (or team) the token acts for, e.g. user:ada')
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--expires <when>', 'a duration (30d, 12h, 90m) or a date; default: never');
  create.action(async () => {
    const o = create.opts() as { for: string; name: string; expires?: string };
    const { api, close, format } = await tokensApi(create.optsWithGlobals() as GlobalOptions);
    try {
      const { token: secret, info } = await api.create(o.for, o.name, o.expires);
      if (format === 'json') process.stdout.write(`${JSON.stringify({ token: secret, info }, null, 2)}\n`);
      else {
        process.stdout.write(`${secret}\n`);
        process.stderr.write(
          `Token ${info.id} for ${info.principal}${info.expiresAt ? `, expires ${info.expiresAt}` : ''}. It is shown only now: keep it secret.\n`,
        );
      }
      process.exitCode = EXIT.ok;
    } finally {
      await close();
    }
  });

  const list = token
    .command('list')
    .description('Tokens, never their secrets')
    .option('--for <ref>', 'only this principal');
  list.action(async () => {
    const o = list.opts() as { for?: string };
    const { api, close, format } = await tokensApi(list.optsWithGlobals() as GlobalOptions);
    try {
      const rows = await api.list(o.for);
      printData(rows, format as 'json', () =>
        rows.length
          ? formatTable(rows, [
              { header: 'id', value: (t) => t.id, min: 12 },
              { header: 'for', value: (t) => t.principal },
              { header: 'name', value: (t) => t.name },
              { header: 'expires', value: (t) => t.expiresAt?.slice(0, 10) ?? 'never', min: 10 },
              {
                header: 'state',
                value: (t) =>
                  t.revokedAt
                    ? 'revoked'
                    : t.expiresAt && Date.parse(t.expiresAt) < Date.now()
                      ? 'expired'
                      : 'active',
                min: 7,
              },
            ])
          : 'No tokens.',
      );
    } finally {
      await close();
    }
  });

  const revoke = token.command('revoke').description('Revoke a token by id').argument('<id>');
  revoke.action(async (id: string) => {
    const { api, close, format } = await tokensApi(revoke.optsWithGlobals() as GlobalOptions);
    try {
      const t = await api.revoke(id);
      printData(t, format as 'json', () => `revoked   token ${t.id} of ${t.principal}`);
    } finally {
      await close();
    }
  });
}
