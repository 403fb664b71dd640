/** The catalog's tables: assets, versions, fields, relations, search index, audit log, meta. */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';
import type { SqlDialect } from '../sql-dialect.js';

export async function up(db: Kysely<any>, dialect: SqlDialect): Promise<void> {
  await dialect
    .addIdColumn(db.schema.createTable('assets'))
    .addColumn('ref', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('domain', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('uid', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('assets_kind_domain')
    .on('assets')
    .columns(['kind', 'domain', 'name'])
    .execute();
  await db.schema.createIndex('assets_uid').on('assets').column('uid').execute();

  await db.schema
    .createTable('versions')
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('doc', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('versions_pk', ['ref', 'version'])
    .execute();

  await db.schema
    .createTable('fields')
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('doc_path', 'text', (c) => c.notNull())
    .addColumn('table_name', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('logical_type', 'text')
    .addColumn('physical_type', 'text')
    .addColumn('classification', 'text')
    .addColumn('description', 'text')
    .addColumn('required', 'integer')
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('terms', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fields_pk', ['ref', 'position'])
    .execute();

  await db.schema
    .createTable('relations')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('relations_pk', ['source', 'type', 'target', 'role'])
    .execute();
  await db.schema.createIndex('relations_target').on('relations').columns(['target', 'type']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('version', 'integer')
    .addColumn('before_digest', 'text')
    .addColumn('after_digest', 'text')
    .addColumn('details', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_ref').on('audit_log').columns(['ref', 'seq']).execute();

  await db.schema
    .createTable('meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  // The write lock row: every write transaction updates it first, which serialises writers
  // on both databases and orders the audit chain.
  await db.insertInto('meta').values({ key: 'write-lock', value: '0' }).execute();
  await dialect.createSearchIndex(db as Kysely<Database>);
  await sql`select 1`.execute(db);
}
