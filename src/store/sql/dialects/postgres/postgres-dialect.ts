/**
 * PostgreSQL (node-postgres pool): the production store. Full-text search is a table with a
 * weighted, generated tsvector and a GIN index, ranked with ts_rank.
 */
import {
  type CreateTableBuilder,
  type Kysely,
  PostgresDialect as KyselyPostgresDialect,
  sql,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { SearchHit, SearchQuery } from '../../../catalog-store.js';
import type { Database as Schema } from '../../schema.js';
import type { SearchRow, SqlDialect } from '../../sql-dialect.js';

// Integer columns (counts, bigint ids) come back as numbers; our values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export class PostgresDialect implements SqlDialect {
  readonly name = 'postgres' as const;
  readonly maxParameters = 60_000;
  readonly pool: pg.Pool;

  constructor(url: string, options: { max?: number } = {}) {
    this.pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
  }

  createKyselyDialect() {
    return new KyselyPostgresDialect({ pool: this.pool });
  }

  addIdColumn<T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'> {
    return table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity());
  }

  async prepare(): Promise<void> {}

  async createSearchIndex(db: Kysely<Schema>): Promise<void> {
    await sql`CREATE TABLE search_docs (
      id bigint PRIMARY KEY,
      name text NOT NULL, title text NOT NULL, description text NOT NULL, fields text NOT NULL, tags text NOT NULL,
      tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', translate(name, '_.-', '   ')), 'A') ||
        setweight(to_tsvector('simple', translate(title, '_.-', '   ')), 'A') ||
        setweight(to_tsvector('simple', translate(tags, '_.-:', '    ')), 'B') ||
        setweight(to_tsvector('simple', translate(fields, '_.-', '   ')), 'C') ||
        setweight(to_tsvector('simple', description), 'D')
      ) STORED
    )`.execute(db);
    await sql`CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv)`.execute(db);
  }

  async indexSearch(trx: Transaction<Schema>, rows: readonly SearchRow[]): Promise<void> {
    const chunk = Math.floor(this.maxParameters / 6);
    for (let i = 0; i < rows.length; i += chunk) {
      const part = rows.slice(i, i + chunk);
      await sql`INSERT INTO search_docs (id, name, title, description, fields, tags) VALUES ${sql.join(
        part.map((r) => sql`(${r.id}, ${r.name}, ${r.title}, ${r.description}, ${r.fields}, ${r.tags})`),
      )}`.execute(trx);
    }
  }

  async unindexSearch(trx: Transaction<Schema>, ids: readonly number[]): Promise<void> {
    const chunk = this.maxParameters;
    for (let i = 0; i < ids.length; i += chunk) {
      await sql`DELETE FROM search_docs WHERE id IN (${sql.join(ids.slice(i, i + chunk))})`.execute(trx);
    }
  }

  async search(db: Kysely<Schema>, query: SearchQuery, terms: readonly string[]): Promise<SearchHit[]> {
    const tsquery = terms.map((t, i) => `${t}${i === terms.length - 1 ? ':*' : ''}`).join(' & ');
    const filters = [sql`a.state = 'live'`];
    if (query.kind) filters.push(sql`a.kind = ${query.kind}`);
    if (query.domain) filters.push(sql`a.domain = ${query.domain}`);
    const { rows } = await sql<SearchHit>`
      WITH q AS (SELECT to_tsquery('simple', ${tsquery}) AS q),
      top AS (
        SELECT a.ref, a.kind, a.domain, a.title, a.description, s.name, s.title AS s_title, s.fields, s.tags,
               ts_rank(s.tsv, q.q) AS score
        FROM search_docs s JOIN assets a ON a.id = s.id, q
        WHERE s.tsv @@ q.q AND ${sql.join(filters, sql` AND `)}
        ORDER BY score DESC, a.ref
        LIMIT ${query.limit}
      )
      SELECT ref, kind, domain, title, description, score,
             ts_headline('simple', translate(concat_ws(' ', name, s_title, fields, tags), '_', ' '), q.q,
               'StartSel=«, StopSel=», MaxWords=14, MinWords=4, MaxFragments=1') AS match
      FROM top, q ORDER BY score DESC, ref`.execute(db);
    return rows.map((r) => ({ ...r, score: Number(r.score) }));
  }
}
