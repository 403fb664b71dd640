/**
 * Quality: a run narrowed to some checks or some rows keeps what it covered (JSON), so scores and
 * "latest run" answers read only complete runs.
 */
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../sql-dialect.js';

export async function up(db: Kysely<any>, _dialect: SqlDialect): Promise<void> {
  await db.schema.alterTable('quality_runs').addColumn('scope', 'text').execute();
}
