/**
 * SQLite (better-sqlite3) in WAL mode: the embedded store. Full-text search is an FTS5 table
 * whose rowid is the asset's id, ranked with bm25.
 */
import Database from 'better-sqlite3';
import {
  type CreateTableBuilder,
  type Kysely,
  SqliteDialect as KyselySqliteDialect,
  sql,
  type Transaction,
} from 'kysely';
import type { ReadConnection, SearchHit, SearchQuery } from '../../../catalog-store.js';
import { accountableClause, readableClause } from '../../readable.js';
import type { Database as Schema } from '../../schema.js';
import { matchExcerpt, RANKED_MATCHES, strongestFirst, toRankedMatches } from '../../search-match.js';
import type { SearchRow, SqlDialect } from '../../sql-dialect.js';
import { Checkpointer } from './checkpointer.js';

/** Page size of a new database file. */
export const PAGE_SIZE = 16_384;

/** Prepared statements kept per connection; the oldest is dropped beyond this. */
const STATEMENT_CACHE_SIZE = 1000;

export class SqliteDialect implements SqlDialect {
  readonly name = 'sqlite' as const;
  readonly maxParameters = 30_000;
  readonly skipLocked = false;
  readonly database: Database.Database;
  /** WAL checkpoints on a worker thread (file stores only). */
  readonly checkpointer: Checkpointer | undefined;

  /**
   * `reader`: a read-only connection to a file another connection keeps (a worker thread's): it
   * leaves the journal mode and the checkpoints to that connection.
   */
  constructor(
    private readonly file: string,
    options: { reader?: boolean } = {},
  ) {
    if (options.reader) {
      this.database = new Database(file, { readonly: true, fileMustExist: true });
      this.database.pragma('busy_timeout = 10000');
      this.database.pragma('cache_size = -65536');
      return;
    }
    this.database = new Database(file);
    // A new database gets 16 KiB pages (SQLite's default is 4 KiB): a contract's document and its
    // search rows fit in fewer pages, and a bulk apply writes about a third faster. An existing file
    // keeps the page size it was made with.
    this.database.pragma(`page_size = ${PAGE_SIZE}`);
    this.database.pragma('journal_mode = WAL');
    this.database.pragma('synchronous = NORMAL');
    this.database.pragma('busy_timeout = 10000');
    this.database.pragma('cache_size = -65536');
    if (file !== ':memory:') this.checkpointer = new Checkpointer(this.database, file);
  }

  readConnection(): ReadConnection | undefined {
    // An in-memory database lives in this connection alone: no other thread can open it.
    return this.file === ':memory:' || this.file === '' ? undefined : { dialect: 'sqlite', file: this.file };
  }

  createKyselyDialect() {
    // Kysely prepares every query it runs; compiling the SQL again costs more than running a small
    // query. Statements are kept by their SQL text (bounded): queries built by Kysely repeat it.
    const database = this.database;
    const cache = new Map<string, Database.Statement>();
    return new KyselySqliteDialect({
      database: {
        close: () => {
          this.checkpointer?.stop();
          database.close();
        },
        prepare: (text: string) => {
          let statement = cache.get(text);
          if (!statement) {
            statement = database.prepare(text);
            if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
            cache.set(text, statement);
          }
          return statement;
        },
      },
    });
  }

  addIdColumn<T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'> {
    return table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  }

  async prepare(): Promise<void> {}

  private statements = new Map<string, Database.Statement>();

  /**
   * Kysely's SQLite driver runs everything on this one connection, so a statement run here directly
   * is part of the open transaction; a cached prepared statement per table avoids building SQL per row.
   */
  async insertRows(
    _trx: Transaction<Schema>,
    table: string,
    columns: readonly string[],
    rows: readonly unknown[][],
  ) {
    if (!rows.length) return;
    const statement = this.statement(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    for (const row of rows) statement.run(row);
  }

  async upsertRows(
    _trx: Transaction<Schema>,
    table: string,
    columns: readonly string[],
    rows: readonly unknown[][],
    conflict: readonly string[],
    set: string,
    returning?: string,
  ) {
    if (!rows.length) return [];
    // No RETURNING clause: SQLite runs such a statement in a statement transaction of its own and
    // collects its rows first, which made an asset's upsert cost about three times a plain insert
    // (and each one made FTS5 write out its pending search rows). The returned columns are read by
    // the conflict key afterwards, on the unique index.
    const upsert = this.statement(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT (${conflict.join(', ')}) DO UPDATE SET ${set}`,
    );
    for (const row of rows) upsert.run(row);
    if (!returning) return [];
    const read = this.statement(
      `SELECT ${returning} FROM ${table} WHERE ${conflict.map((c) => `${c} = ?`).join(' AND ')}`,
    );
    const keyAt = conflict.map((c) => columns.indexOf(c));
    return rows.map((row) => read.get(keyAt.map((i) => row[i])) as Record<string, unknown>);
  }

  /** A prepared statement kept for this connection's writes, by its SQL text. */
  private statement(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.database.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  async createSearchIndex(db: Kysely<Schema>): Promise<void> {
    await sql`CREATE VIRTUAL TABLE search_fts USING fts5(
      name, title, description, fields, tags,
      tokenize = 'unicode61 remove_diacritics 2'
    )`.execute(db);
  }

  async indexSearch(trx: Transaction<Schema>, rows: readonly SearchRow[]): Promise<void> {
    await this.insertRows(
      trx,
      'search_fts',
      ['rowid', 'name', 'title', 'description', 'fields', 'tags'],
      rows.map((r) => [r.id, r.name, r.title, r.description, r.fields, r.tags]),
    );
  }

  async unindexSearch(trx: Transaction<Schema>, ids: readonly number[]): Promise<void> {
    const chunk = this.maxParameters;
    for (let i = 0; i < ids.length; i += chunk) {
      await sql`DELETE FROM search_fts WHERE rowid IN (${sql.join(ids.slice(i, i + chunk))})`.execute(trx);
    }
  }

  async search(db: Kysely<Schema>, query: SearchQuery, terms: readonly string[]): Promise<SearchHit[]> {
    const match = terms.map((t, i) => `"${t}"${i === terms.length - 1 ? '*' : ''}`).join(' AND ');
    const top = await strongestFirst(
      await this.rank(db, query, match, this.rankedMatches),
      () => this.rank(db, query, `{name title} : (${match})`, this.rankedMatches),
      query.limit,
    );
    return this.hits(db, top, terms);
  }

  /**
   * The best `limit`-worth of the first `bound` matches by bm25 (name and title weigh most), plus
   * one more row when there were more than `bound` matches. Ranking every match of a broad query
   * costs bm25 on each; reading them in index order and ranking a bounded set keeps a query's cost
   * bounded whatever the catalog's size.
   */
  /** Matches ranked per query; a property so tests can make "broad" small. */
  rankedMatches = RANKED_MATCHES;

  private async rank(db: Kysely<Schema>, query: SearchQuery, match: string, bound: number) {
    const rank = sql`bm25(search_fts, 10.0, 6.0, 2.0, 3.0, 2.0)`;
    const filters = [];
    if (query.kind) filters.push(sql`a.kind = ${query.kind}`);
    if (query.domain) filters.push(sql`a.domain = ${query.domain}`);
    if (query.readableDomains) filters.push(readableClause(query.readableDomains));
    if (query.accountable) filters.push(accountableClause(query.accountable));
    const matches = filters.length
      ? sql`SELECT search_fts.rowid AS id, -${rank} AS score FROM search_fts JOIN assets a ON a.id = search_fts.rowid
            WHERE search_fts MATCH ${match} AND ${sql.join(filters, sql` AND `)} LIMIT ${bound + 1}`
      : sql`SELECT rowid AS id, -${rank} AS score FROM search_fts WHERE search_fts MATCH ${match} LIMIT ${bound + 1}`;
    const { rows } = await sql<{ id: number; score: number; n: number }>`
      SELECT id, score, count(*) OVER () AS n FROM (${matches}) ORDER BY score DESC, id LIMIT ${query.limit}`.execute(
      db,
    );
    return toRankedMatches(rows, bound);
  }

  private async hits(
    db: Kysely<Schema>,
    top: { id: number; score: number }[],
    terms: readonly string[],
  ): Promise<SearchHit[]> {
    if (!top.length) return [];
    const { rows } = await sql<
      SearchRow & { title: string; description: string; a_title: string; a_description: string }
    >`
      SELECT a.id AS id, a.ref AS ref, a.kind AS kind, a.domain AS domain, a.title AS a_title, a.description AS a_description,
             f.name AS name, f.title AS title, f.fields AS fields, f.tags AS tags, f.description AS description
      FROM assets a JOIN search_fts f ON f.rowid = a.id
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
