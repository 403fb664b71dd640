/**
 * Fields are read from the live version's document (the kind's `fields`), not kept as rows of their
 * own: every field row repeated what the document already holds, and writing ten of them per contract
 * cost about as much as the rest of an asset's rows together.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('fields').execute();
}
