/**
 * The composition root for storage: picks PostgreSQL when a database URL is given, otherwise the
 * embedded SQLite store in the Charter home folder.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UnavailableError } from '../model/errors.js';
import type { CatalogStore, ReadConnection } from './catalog-store.js';
import { SqliteDialect } from './sql/dialects/sqlite/sqlite-dialect.js';
import { SqlStore } from './sql/sql-store.js';

export interface StoreOptions {
  /** Folder of the embedded store (`CHARTER_HOME`, default `./.charter`). */
  home?: string;
  /** A `postgres://` URL (`CHARTER_DATABASE_URL`). */
  databaseUrl?: string;
  /** `:memory:` keeps an embedded store in memory (tests, benchmarks). */
  memory?: boolean;
}

export function describeStore(options: StoreOptions): string {
  if (options.databaseUrl) return `PostgreSQL ${redactUrl(options.databaseUrl)}`;
  return options.memory
    ? 'SQLite (in memory)'
    : `SQLite ${join(resolve(options.home ?? '.charter'), 'charter.db')}`;
}

/** Hides the password of a database URL before it is printed or logged. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

export async function openStore(options: StoreOptions): Promise<CatalogStore> {
  if (options.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(options.databaseUrl)) {
      throw new UnavailableError(
        `The database URL must start with postgres:// (got ${redactUrl(options.databaseUrl)})`,
      );
    }
    // Loaded on demand: the embedded store never pays for the PostgreSQL driver.
    const { PostgresDialect } = await import('./sql/dialects/postgres/postgres-dialect.js');
    return SqlStore.open(new PostgresDialect(options.databaseUrl), redactUrl(options.databaseUrl));
  }
  if (options.memory) return SqlStore.open(new SqliteDialect(':memory:'), 'in memory');
  const home = resolve(options.home ?? '.charter');
  try {
    mkdirSync(home, { recursive: true });
  } catch (error) {
    throw new UnavailableError(`The Charter home ${home} could not be created: ${(error as Error).message}`);
  }
  const file = join(home, 'charter.db');
  let dialect: SqliteDialect;
  try {
    dialect = new SqliteDialect(file);
  } catch (error) {
    throw new UnavailableError(`The SQLite store ${file} could not be opened: ${(error as Error).message}`);
  }
  return SqlStore.open(dialect, file);
}

/**
 * A connection of its own to a database another thread has opened (`store.readConnection`), for a
 * worker thread that reads it: no migration, and on SQLite read-only beside the owner's connection.
 * Errors name the database without its password.
 */
export async function openReader(
  connection: ReadConnection,
  options: { max?: number } = {},
): Promise<CatalogStore> {
  if (connection.dialect === 'postgres') {
    const { PostgresDialect } = await import('./sql/dialects/postgres/postgres-dialect.js');
    return SqlStore.open(
      new PostgresDialect(connection.url, { max: options.max ?? 2 }),
      redactUrl(connection.url),
      {
        migrate: false,
      },
    );
  }
  let dialect: SqliteDialect;
  try {
    dialect = new SqliteDialect(connection.file, { reader: true });
  } catch (error) {
    throw new UnavailableError(
      `The SQLite store ${connection.file} could not be opened: ${(error as Error).message}`,
    );
  }
  return SqlStore.open(dialect, connection.file, { migrate: false });
}
