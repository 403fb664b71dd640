/**
 * A field edge records whether its sender may write the dataset it leads into: only such edges
 * decide what a contract's fields inherit. Edges stored before count as they did (authorised).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export async function up(db: Kysely<Database>): Promise<void> {
  await db.schema
    .alterTable('lineage_field_edges')
    .addColumn('authorised', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}
