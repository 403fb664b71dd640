/** Approvals: pending changes and waivers waiting for someone allowed to decide them. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('approvals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('domain', 'text')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('approver_role', 'text', (c) => c.notNull())
    .addColumn('violations', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('reason', 'text')
    .addColumn('write', 'text')
    .execute();
  await db.schema.createIndex('approvals_state').on('approvals').columns(['state', 'requested_at']).execute();
  await db.schema.createIndex('approvals_ref').on('approvals').columns(['ref', 'version']).execute();
}
