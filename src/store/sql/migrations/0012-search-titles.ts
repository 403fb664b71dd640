/**
 * PostgreSQL's search index gets a vector of names and titles alone, which a broad query ranks
 * first (as SQLite's FTS5 columns allow), for stores that ran migration 0011 before it had one.
 * A no-op where 0011 already added it, and on SQLite.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SqlDialect } from '../sql-dialect.js';

export async function up(db: Kysely<Database>, dialect: SqlDialect): Promise<void> {
  await dialect.reindexSearch?.(db);
}
