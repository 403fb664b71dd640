/**
 * PostgreSQL (node-postgres pool): the production store. Full-text search is a table with a
 * weighted, generated tsvector and a GIN index, ranked with ts_rank.
 */
import {
  CompiledQuery,
  type CreateTableBuilder,
  type Kysely,
  PostgresDialect as KyselyPostgresDialect,
  type RawBuilder,
  sql,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { InputError, UnavailableError } from '../../../../model/errors.js';
import type { ReadConnection, SearchHit, SearchQuery } from '../../../catalog-store.js';
import { accountableClause, readableClause } from '../../readable.js';
import type { Database as Schema } from '../../schema.js';
import { matchExcerpt, RANKED_MATCHES, strongestFirst, toRankedMatches } from '../../search-match.js';
import type { SearchRow, SqlDialect } from '../../sql-dialect.js';
import { indexable, tsqueryText, tsvectorText } from './tsvector.js';

// Integer columns (counts, bigint ids) come back as numbers; our values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/** A row's search vector: name and title weigh most, then tags, field names and descriptions, the description. */
function searchVector(r: SearchRow): string {
  return tsvectorText([
    [r.name, 'A'],
    [r.title, 'A'],
    [r.tags, 'B'],
    [r.fields, 'C'],
    [r.description, 'D'],
  ]);
}

/** Name and title alone: what a broad query ranks first. */
function titleVector(r: SearchRow): string {
  return tsvectorText([
    [r.name, 'A'],
    [r.title, 'A'],
  ]);
}

/** SQLSTATE classes and codes that mean the connection, not the statement, failed. */
const LOST = /^(08|57P0[123])/;
const LOST_MESSAGE = /^(Connection terminated|Client has encountered a connection error)/;
const LOST_CODE = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/**
 * A query that failed because the database went away (restarted, an administrator ended the
 * connection) is unavailability the caller may retry, not a bug: said without the URL.
 */
function translated(error: unknown, connecting = false): unknown {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  if (LOST.test(code) || LOST_CODE.has(code) || LOST_MESSAGE.test(String(e?.message ?? '')))
    return new UnavailableError(
      connecting
        ? `PostgreSQL could not be reached (${code || 'connection ended'}); try again`
        : 'The connection to PostgreSQL was lost during the request; try again',
    );
  return error;
}

export class PostgresDialect implements SqlDialect {
  readonly name = 'postgres' as const;
  readonly maxParameters = 60_000;
  readonly skipLocked = true;
  readonly pool: pg.Pool;

  constructor(
    private readonly url: string,
    options: { max?: number } = {},
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => {});
    // Nor may a checked-out one (the database restarted, an administrator ended the connection):
    // pg emits 'error' on the client, and the pool listens for it only while the client is idle.
    // The query in flight fails with the error; the pool drops the client when it is released.
    this.pool.on('connect', (client) => client.on('error', () => {}));
  }

  createKyselyDialect() {
    const pool = this.pool;
    // PostgreSQL cannot hold a NUL character in text: one sent anyway (a search filter, an id, a
    // lineage name) is the caller's input to refuse, not a server error. In a write the
    // transaction rolls back as for any other refusal.
    const refuseNul = (parameters: unknown) => {
      if (Array.isArray(parameters) && parameters.some((p) => typeof p === 'string' && p.includes('\u0000')))
        throw new InputError('Text may not contain a NUL character (\\u0000)');
    };
    return new KyselyPostgresDialect({
      pool: {
        connect: async () => {
          const client = await pool.connect().catch((error: unknown) => {
            throw translated(error, true);
          });
          const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
          return {
            query: ((text: unknown, parameters?: unknown) => {
              refuseNul(parameters);
              return (parameters === undefined ? query(text) : query(text, parameters)).catch(
                (error: unknown) => {
                  throw translated(error);
                },
              );
            }) as unknown as pg.PoolClient['query'],
            release: () => client.release(),
          };
        },
        end: () => pool.end(),
      },
    });
  }

  addIdColumn<T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'> {
    return table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity());
  }

  async prepare(): Promise<void> {}

  readConnection(): ReadConnection {
    return { dialect: 'postgres', url: this.url };
  }

  /**
   * `INSERT … VALUES ($1, …), (…)` for a chunk of rows, as text and parameters built here: the query
   * builder would make and walk an operation tree of every value (tens of thousands a statement in
   * a bulk apply) only to print the same text.
   */
  private insertText(table: string, columns: readonly string[], part: readonly unknown[][]) {
    const parameters: unknown[] = [];
    const tuples: string[] = [];
    for (const row of part) {
      const marks: string[] = [];
      for (const value of row) {
        parameters.push(value);
        marks.push(`$${parameters.length}`);
      }
      tuples.push(`(${marks.join(', ')})`);
    }
    const names = columns.map((c) => `"${c}"`).join(', ');
    return { text: `INSERT INTO "${table}" (${names}) VALUES ${tuples.join(', ')}`, parameters };
  }

  async insertRows(
    trx: Transaction<Schema>,
    table: string,
    columns: readonly string[],
    rows: readonly unknown[][],
  ) {
    const chunk = Math.max(1, Math.floor(this.maxParameters / columns.length));
    for (let i = 0; i < rows.length; i += chunk) {
      const { text, parameters } = this.insertText(table, columns, rows.slice(i, i + chunk));
      await trx.executeQuery(CompiledQuery.raw(text, parameters));
    }
  }

  async upsertRows(
    trx: Transaction<Schema>,
    table: string,
    columns: readonly string[],
    rows: readonly unknown[][],
    conflict: readonly string[],
    set: string,
    returning?: string,
  ) {
    const out: Record<string, unknown>[] = [];
    const chunk = Math.max(1, Math.floor(this.maxParameters / columns.length));
    const keys = conflict.map((c) => `"${c}"`).join(', ');
    for (let i = 0; i < rows.length; i += chunk) {
      const { text, parameters } = this.insertText(table, columns, rows.slice(i, i + chunk));
      const result = await trx.executeQuery<Record<string, unknown>>(
        CompiledQuery.raw(
          `${text} ON CONFLICT (${keys}) DO UPDATE SET ${set}${returning ? ` RETURNING ${returning}` : ''}`,
          parameters,
        ),
      );
      if (returning) out.push(...result.rows);
    }
    return out;
  }

  async createSearchIndex(db: Kysely<Schema>): Promise<void> {
    // `tsv` is written with each row (`searchVector`); see `reindexSearch` for stores made before.
    await sql`CREATE TABLE search_docs (
      id bigint PRIMARY KEY,
      name text NOT NULL, title text NOT NULL, description text NOT NULL, fields text NOT NULL, tags text NOT NULL,
      tsv tsvector NOT NULL, tsv_title tsvector NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv)`.execute(db);
    await sql`CREATE INDEX search_docs_tsv_title ON search_docs USING gin (tsv_title)`.execute(db);
  }

  /**
   * Stores made before migration 0011 computed `tsv` in the database (a generated column over
   * `to_tsvector('simple', …)`, which kept accents and split words differently from the queries)
   * and had no `tsv_title` (name and title alone, which a broad query ranks first): the column
   * becomes a plain one, the other is added, and every row's vectors are written anew.
   */
  async reindexSearch(db: Kysely<Schema>): Promise<void> {
    const { rows: columns } = await sql<{ column_name: string; is_generated: string }>`
      SELECT column_name, is_generated FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'search_docs'`.execute(db);
    const generated = columns.some((c) => c.column_name === 'tsv' && c.is_generated === 'ALWAYS');
    const titled = columns.some((c) => c.column_name === 'tsv_title');
    if (!generated && titled) return;
    if (generated) await sql`ALTER TABLE search_docs ALTER COLUMN tsv DROP EXPRESSION`.execute(db);
    if (!titled) await sql`ALTER TABLE search_docs ADD COLUMN tsv_title tsvector`.execute(db);
    for (let after = -1; ; ) {
      const { rows } = await sql<SearchRow>`
        SELECT id, name, title, description, fields, tags FROM search_docs
        WHERE id > ${after} ORDER BY id LIMIT 1000`.execute(db);
      if (!rows.length) break;
      const values = rows.map((r) => sql`(${Number(r.id)}::bigint, ${searchVector(r)}, ${titleVector(r)})`);
      await sql`UPDATE search_docs s SET tsv = v.tsv::tsvector, tsv_title = v.tsv_title::tsvector
        FROM (VALUES ${sql.join(values)}) AS v (id, tsv, tsv_title)
        WHERE s.id = v.id`.execute(db);
      after = Number(rows[rows.length - 1]!.id);
    }
    if (!titled) {
      await sql`ALTER TABLE search_docs ALTER COLUMN tsv_title SET NOT NULL`.execute(db);
      await sql`CREATE INDEX search_docs_tsv_title ON search_docs USING gin (tsv_title)`.execute(db);
    }
  }

  async indexSearch(trx: Transaction<Schema>, rows: readonly SearchRow[]): Promise<void> {
    await this.insertRows(
      trx,
      'search_docs',
      ['id', 'name', 'title', 'description', 'fields', 'tags', 'tsv', 'tsv_title'],
      rows.map((r) => [
        r.id,
        r.name,
        r.title,
        r.description,
        r.fields,
        r.tags,
        searchVector(r),
        titleVector(r),
      ]),
    );
  }

  async unindexSearch(trx: Transaction<Schema>, ids: readonly number[]): Promise<void> {
    const chunk = this.maxParameters;
    for (let i = 0; i < ids.length; i += chunk) {
      await sql`DELETE FROM search_docs WHERE id IN (${sql.join(ids.slice(i, i + chunk))})`.execute(trx);
    }
  }

  /** Matches ranked per query; a property so tests can make "broad" small. */
  rankedMatches = RANKED_MATCHES;

  /**
   * As on SQLite: the best `limit` of the first `rankedMatches` matches of `vector` (the whole text,
   * or name and title alone) by `ts_rank` on the whole text, plus a marker when more matched.
   * Ranking every match of a broad query reads every matching row's vector.
   */
  private async rank(db: Kysely<Schema>, query: SearchQuery, tsquery: string, vector: RawBuilder<unknown>) {
    const bound = this.rankedMatches;
    const filters = [sql`${vector} @@ q`];
    if (query.kind) filters.push(sql`a.kind = ${query.kind}`);
    if (query.domain) filters.push(sql`a.domain = ${query.domain}`);
    if (query.readableDomains) filters.push(readableClause(query.readableDomains));
    if (query.accountable) filters.push(accountableClause(query.accountable));
    const join = filters.length > 1 ? sql`JOIN assets a ON a.id = s.id` : sql``;
    const { rows } = await sql<{ id: number; score: number; n: number }>`
      SELECT id, score, count(*) OVER () AS n FROM (
        SELECT s.id, ts_rank(s.tsv, q) AS score FROM search_docs s ${join}, CAST(${tsquery} AS tsquery) q
        WHERE ${sql.join(filters, sql` AND `)} LIMIT ${bound + 1}
      ) m ORDER BY score DESC, id LIMIT ${query.limit}`.execute(db);
    return toRankedMatches(rows, bound);
  }

  async search(db: Kysely<Schema>, query: SearchQuery, terms: readonly string[]): Promise<SearchHit[]> {
    // A word longer than any vector keeps matches nothing (PostgreSQL would refuse the query).
    if (!terms.every(indexable)) return [];
    const tsquery = tsqueryText(terms);
    const top = await strongestFirst(
      await this.rank(db, query, tsquery, sql`s.tsv`),
      () => this.rank(db, query, tsquery, sql`s.tsv_title`),
      query.limit,
    );
    if (!top.length) return [];
    const { rows } = await sql<SearchRow & { a_title: string; a_description: string }>`
      SELECT a.id, a.ref, a.kind, a.domain, a.title AS a_title, a.description AS a_description,
             s.name, s.title, s.fields, s.tags, s.description
      FROM assets a JOIN search_docs s ON s.id = a.id
      WHERE a.id IN (${sql.join(top.map((t) => t.id))})`.execute(db);
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    return top.flatMap((t) => {
      const r = byId.get(Number(t.id));
      if (!r) return [];
      return [
        {
          ref: r.ref,
          kind: r.kind,
          domain: r.domain,
          title: r.a_title,
          description: r.a_description,
          score: Number(t.score),
          match: matchExcerpt(r, terms),
        },
      ];
    });
  }
}
