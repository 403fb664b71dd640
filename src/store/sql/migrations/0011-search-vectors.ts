/**
 * PostgreSQL's search vectors are written by Charter with each row instead of computed by the
 * database (see `tsvector.ts`): existing rows get theirs. Nothing changes on SQLite.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SqlDialect } from '../sql-dialect.js';

export async function up(db: Kysely<Database>, dialect: SqlDialect): Promise<void> {
  await dialect.reindexSearch?.(db);
}
