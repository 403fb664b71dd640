/**
 * Connects a command to the catalog: a running server (`--server`), PostgreSQL (`--database`) or
 * the embedded store in `--home`. Global options and environment variables are read here once.
 */
import type { ApplyResult } from '../catalog/apply.js';
import type { CatalogApi } from '../catalog/catalog-api.js';
import { parseSources, placeIssues, sourceTexts } from '../catalog/parse.js';
import { InputError } from '../model/errors.js';
import { tryParseRef } from '../model/ref.js';
import type { GovernanceApi } from '../policy/governance-api.js';
import { createPlatform, type Platform, type PlatformOptions } from '../server/platform.js';
import { openStore, type StoreOptions } from '../store/open-store.js';
import type { ManifestFile } from './files.js';
import { HttpCatalogClient, HttpGovernanceClient, ServerConnection } from './http-client.js';
import type { OutputFormat } from './output.js';
import { progress } from './output.js';

export interface GlobalOptions {
  token?: string;
  home?: string;
  database?: string;
  server?: string;
  as?: string;
  output?: string;
}

export interface CliContext {
  api: CatalogApi;
  governance: GovernanceApi;
  actor: string;
  format: OutputFormat;
  applyFiles(files: ManifestFile[], options: { dryRun?: boolean; domain?: string }): Promise<ApplyResult>;
  close(): Promise<void>;
}

export function storeOptions(options: GlobalOptions): StoreOptions {
  const databaseUrl = options.database ?? process.env.CHARTER_DATABASE_URL;
  if (databaseUrl) return { databaseUrl };
  return { home: options.home ?? process.env.CHARTER_HOME ?? '.charter' };
}

export function actorOf(options: GlobalOptions): string {
  const actor = options.as ?? (process.env.CHARTER_ACTOR || 'user:local');
  const ref = tryParseRef(actor);
  if (!ref || (ref.kind !== 'user' && ref.kind !== 'team')) {
    throw new InputError(`--as must be a user ref such as user:alice (got '${actor}')`);
  }
  return actor;
}

export function formatOf(
  options: GlobalOptions,
  allowed: OutputFormat[] = ['json', 'yaml', 'table'],
): OutputFormat {
  const format = (options.output ?? 'table') as OutputFormat;
  if (!allowed.includes(format))
    throw new InputError(`-o must be one of ${allowed.join(', ')} (got '${options.output}')`);
  return format;
}

export async function openLocal(
  options: GlobalOptions,
  extra: Pick<PlatformOptions, 'onComplianceChange'> = {},
): Promise<Platform> {
  const store = await openStore(storeOptions(options));
  return createPlatform(store, { actor: actorOf(options), onProgress: progress('Applying'), ...extra });
}

/** How a principal option says "the caller": `--owner me`, `--assignee me`, `--accountable me`. */
export const ME = 'me';

/**
 * A principal option's value, with `me` read as the caller: with --server the user the server
 * knows the caller as (its token's, asked of /api/v1/whoami), on a store of its own the actor
 * (--as or CHARTER_ACTOR, which `me` then needs). Any other value as given.
 */
export async function principalOf(
  value: string | undefined,
  options: GlobalOptions,
  option: string,
): Promise<string | undefined> {
  if (value !== ME) return value;
  const server = serverOf(options);
  if (server)
    return (
      await new ServerConnection(server, actorOf(options), tokenOf(options)).call<{ actor: string }>(
        'GET',
        '/api/v1/whoami',
      )
    ).actor;
  if (options.as === undefined && !process.env.CHARTER_ACTOR)
    throw new InputError(
      `${option} me stands for the caller: on this store name yourself with --as user:NAME (or CHARTER_ACTOR)`,
    );
  return actorOf(options);
}

/** The API token for a server (`--token`, else CHARTER_TOKEN); none: the actor header is sent. */
export function tokenOf(options: GlobalOptions): string | undefined {
  return options.token ?? (process.env.CHARTER_TOKEN || undefined);
}

/** The server to talk to (`--server`, else CHARTER_SERVER), checked to be an http(s) URL; none: local. */
export function serverOf(options: GlobalOptions): string | undefined {
  const server = options.server ?? (process.env.CHARTER_SERVER || undefined);
  if (server === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(server);
  } catch {}
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new InputError(
      `--server (or CHARTER_SERVER) must be the server's http(s) URL, such as http://localhost:8080 (got '${server}')`,
    );
  return server;
}

export async function connect(options: GlobalOptions): Promise<CliContext> {
  const actor = actorOf(options);
  const format = formatOf(options);
  const server = serverOf(options);
  if (server) {
    const client = new HttpCatalogClient(server, actor, tokenOf(options));
    return {
      api: client,
      governance: new HttpGovernanceClient(client),
      actor,
      format,
      applyFiles: (files, o) => client.applyFiles(files, o),
      close: async () => {},
    };
  }
  const { store, catalog, governance } = await openLocal(options);
  return {
    api: catalog,
    governance,
    actor,
    format,
    applyFiles: async (files, o) => {
      const result = await catalog.apply({
        ...parseSources(files, progress('Applying')),
        ...(o.dryRun ? { dryRun: true } : {}),
        ...(o.domain ? { defaultDomain: o.domain } : {}),
      });
      placeIssues(result.results, sourceTexts(files));
      return result;
    },
    close: () => store.close(),
  };
}
