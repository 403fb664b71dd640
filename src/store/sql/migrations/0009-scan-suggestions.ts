/**
 * Scan suggestions: what `charter scan` proposed per field when it was not told to accept, for a
 * steward to accept (a new contract version through admission) or dismiss. Counts and rates only.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('scan_suggestions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('dataset_version', 'integer', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('proposed_classification', 'text')
    .addColumn('current_classification', 'text')
    .addColumn('proposed_tags', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('accepted_version', 'integer')
    .addColumn('audit_seq', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('scan_suggestions_ref')
    .on('scan_suggestions')
    .columns(['ref', 'state', 'path'])
    .execute();
  await db.schema.createIndex('scan_suggestions_time').on('scan_suggestions').column('time').execute();
}
