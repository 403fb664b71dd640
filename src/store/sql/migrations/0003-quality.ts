/** Data quality: runs, their per-check results, incidents and the schedule leases. */
import { type Kysely, sql } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';

export async function up(db: Kysely<any>, _dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable('quality_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('domain', 'text')
    .addColumn('contract_version', 'integer', (c) => c.notNull())
    .addColumn('server', 'text')
    .addColumn('server_type', 'text')
    .addColumn('engine', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .addColumn('skipped', 'integer', (c) => c.notNull())
    .addColumn('score', 'double precision')
    .addColumn('owners', 'text', (c) => c.notNull())
    .addColumn('stewards', 'text', (c) => c.notNull())
    .addColumn('statements', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('quality_runs_ref').on('quality_runs').columns(['ref', 'started_at']).execute();

  await db.schema
    .createTable('quality_results')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('check_id', 'text', (c) => c.notNull())
    .addColumn('table_name', 'text', (c) => c.notNull())
    .addColumn('field', 'text')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('dimension', 'text')
    .addColumn('severity', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('measured', 'text')
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('expected', 'text', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('engine', 'text', (c) => c.notNull())
    .addColumn('samples', 'text')
    .addPrimaryKeyConstraint('quality_results_pk', ['run_id', 'position'])
    .execute();

  await db.schema
    .createTable('quality_incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('domain', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('assignees', 'text', (c) => c.notNull())
    .addColumn('failing', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('last_run_id', 'text', (c) => c.notNull())
    .addColumn('runs', 'integer', (c) => c.notNull())
    .addColumn('timeline', 'text', (c) => c.notNull())
    .execute();
  // At most one open incident per dataset, enforced by the database too.
  await db.schema
    .createIndex('quality_incidents_one_open')
    .on('quality_incidents')
    .column('ref')
    .unique()
    .where(sql.ref('state'), '=', 'open')
    .execute();
  await db.schema
    .createIndex('quality_incidents_state')
    .on('quality_incidents')
    .columns(['state', 'domain', 'updated_at'])
    .execute();

  await db.schema
    .createTable('quality_schedules')
    .addColumn('ref', 'text', (c) => c.primaryKey())
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('next_due', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('last_run_at', 'text')
    .execute();
  await db.schema.createIndex('quality_schedules_due').on('quality_schedules').column('next_due').execute();
}
