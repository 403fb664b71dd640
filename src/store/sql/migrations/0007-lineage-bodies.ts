/**
 * Lineage: a batch keeps the events as they were sent, compressed together (they repeat keys,
 * namespaces and facets, so a batch shrinks about 25×); event rows then point into it.
 */
import { type Kysely, sql } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';

export async function up(db: Kysely<any>, _dialect: SqlDialect): Promise<void> {
  await db.schema.alterTable('lineage_batches').addColumn('body', 'text').execute();
  await sql`select 1`.execute(db);
}
