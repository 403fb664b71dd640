/**
 * Schema migrations, run on start by Kysely's migrator (which takes a lock, so several servers can
 * start against one PostgreSQL at once). What differs per database comes from the dialect.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as catalog from './migrations/0001-catalog.js';
import * as policy from './migrations/0002-policy.js';
import * as quality from './migrations/0003-quality.js';
import * as lineage from './migrations/0004-lineage.js';
import * as access from './migrations/0005-access.js';
import * as ai from './migrations/0006-ai.js';
import * as lineageBodies from './migrations/0007-lineage-bodies.js';
import * as qualityScope from './migrations/0008-quality-scope.js';
import * as scanSuggestions from './migrations/0009-scan-suggestions.js';
import * as fieldsFromDocuments from './migrations/0010-fields-from-documents.js';
import * as searchVectors from './migrations/0011-search-vectors.js';
import * as searchTitles from './migrations/0012-search-titles.js';
import * as fieldEdgeAuthority from './migrations/0013-field-edge-authority.js';
import type { Database } from './schema.js';
import type { SqlDialect } from './sql-dialect.js';

/** Every migration in order; a capability adds its tables as the next file in migrations/. */
const steps: { name: string; up: (db: Kysely<any>, dialect: SqlDialect) => Promise<void> }[] = [
  { name: '0001_catalog', up: catalog.up },
  { name: '0002_policy', up: policy.up },
  { name: '0003_quality', up: quality.up },
  { name: '0004_lineage', up: lineage.up },
  { name: '0005_access', up: access.up },
  { name: '0006_ai', up: ai.up },
  { name: '0007_lineage_bodies', up: lineageBodies.up },
  { name: '0008_quality_scope', up: qualityScope.up },
  { name: '0009_scan_suggestions', up: scanSuggestions.up },
  { name: '0010_fields_from_documents', up: fieldsFromDocuments.up },
  { name: '0011_search_vectors', up: searchVectors.up },
  { name: '0012_search_titles', up: searchTitles.up },
  { name: '0013_field_edge_authority', up: fieldEdgeAuthority.up },
];

function migrations(dialect: SqlDialect): Record<string, Migration> {
  return Object.fromEntries(steps.map((s) => [s.name, { up: (db: Kysely<any>) => s.up(db, dialect) }]));
}

export async function migrate(db: Kysely<Database>, dialect: SqlDialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  // Capabilities land in any order; each migration is independent of the ones numbered after it.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const message = (error as Error).message ?? String(error);
    throw new Error(failed ? `migration ${failed.migrationName} failed: ${message}` : message);
  }
}
