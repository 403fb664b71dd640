/** AI-use decisions: every answer of the AI-use gate, with its reasons (the audit log holds its digest). */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('ai_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('dataset_version', 'integer')
    .addColumn('use', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('purpose', 'text')
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('audit_seq', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ai_decisions_dataset')
    .on('ai_decisions')
    .columns(['dataset', 'time'])
    .execute();
  await db.schema.createIndex('ai_decisions_time').on('ai_decisions').column('time').execute();
}
