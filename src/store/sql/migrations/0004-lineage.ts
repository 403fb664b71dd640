/**
 * Lineage and accountability: OpenLineage batches, events, dataset and job nodes, dataset-level and
 * column-level edges, reported facets, classification conflicts, AI outcomes, and the webhook
 * outbox with its deliveries.
 */
import { type Kysely, sql } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';

export async function up(db: Kysely<any>, _dialect: SqlDialect): Promise<void> {
  // One row per accepted ingest transaction; its seq orders everything written with it.
  await db.schema
    .createTable('lineage_batches')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .execute();

  // Datasets and jobs as OpenLineage names them; ids are assigned by the writer under the write lock.
  await db.schema
    .createTable('lineage_nodes')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('first_seq', 'integer', (c) => c.notNull())
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .addUniqueConstraint('lineage_nodes_key', ['kind', 'namespace', 'name'])
    .execute();

  await db.schema
    .createTable('lineage_events')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('event_kind', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text')
    .addColumn('event_time', 'text', (c) => c.notNull())
    .addColumn('run_id', 'text')
    .addColumn('job_id', 'integer')
    .addColumn('dataset_id', 'integer')
    .addColumn('producer', 'text')
    .addColumn('notes', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lineage_events_run').on('lineage_events').columns(['run_id', 'id']).execute();
  await db.schema.createIndex('lineage_events_job').on('lineage_events').columns(['job_id', 'id']).execute();
  await db.schema
    .createIndex('lineage_events_dataset')
    .on('lineage_events')
    .columns(['dataset_id', 'id'])
    .execute();

  // dataset → job (input) and job → dataset (output); one row per pair, the last report wins.
  await db.schema
    .createTable('lineage_edges')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('src', 'integer', (c) => c.notNull())
    .addColumn('dst', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('role', 'text')
    .addColumn('version', 'text')
    .addColumn('run_id', 'text')
    .addColumn('first_seq', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addUniqueConstraint('lineage_edges_pair', ['src', 'dst'])
    .execute();
  await db.schema.createIndex('lineage_edges_dst').on('lineage_edges').column('dst').execute();
  await db.schema.createIndex('lineage_edges_seq').on('lineage_edges').column('seq').execute();

  // Column lineage: an output field derived from an input field, with how (transformations).
  await db.schema
    .createTable('lineage_field_edges')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('dst', 'integer', (c) => c.notNull())
    .addColumn('dst_field', 'text', (c) => c.notNull())
    .addColumn('src', 'integer', (c) => c.notNull())
    .addColumn('src_field', 'text', (c) => c.notNull())
    .addColumn('job_id', 'integer')
    .addColumn('transformations', 'text', (c) => c.notNull())
    .addColumn('protection', 'text')
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addUniqueConstraint('lineage_field_edges_pair', ['dst', 'dst_field', 'src', 'src_field'])
    .execute();
  await db.schema
    .createIndex('lineage_field_edges_src')
    .on('lineage_field_edges')
    .columns(['src', 'src_field'])
    .execute();
  await db.schema.createIndex('lineage_field_edges_seq').on('lineage_field_edges').column('seq').execute();

  // The latest value of each facet reported for a node (schema, ownership, data quality …).
  await db.schema
    .createTable('lineage_facets')
    .addColumn('node_id', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('lineage_facets_pk', ['node_id', 'name'])
    .execute();

  // Contract fields declaring a lower classification than they inherit along column lineage.
  await db.schema
    .createTable('lineage_conflicts')
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('declared', 'text')
    .addColumn('inherited', 'text', (c) => c.notNull())
    .addColumn('sources', 'text', (c) => c.notNull())
    .addColumn('detected_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('lineage_conflicts_pk', ['ref', 'field'])
    .execute();

  await db.schema
    .createTable('outcomes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('domain', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .addColumn('run_id', 'text')
    .addColumn('trace_id', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('accountable', 'text', (c) => c.notNull())
    .addColumn('domains', 'text', (c) => c.notNull())
    .addColumn('trace', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('outcomes_subject')
    .on('outcomes')
    .columns(['subject', 'recorded_at'])
    .execute();
  await db.schema.createIndex('outcomes_recorded').on('outcomes').column('recorded_at').execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('domain', 'text')
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();

  // The outbox: written by the audit tap in the transaction of the change it reports.
  await db.schema
    .createTable('outbox_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('audit_seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('domains', 'text', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_events_seq').on('outbox_events').column('audit_seq').execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['state', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_event')
    .on('webhook_deliveries')
    .columns(['event_id', 'webhook_id'])
    .unique()
    .execute();
  await sql`select 1`.execute(db);
}
