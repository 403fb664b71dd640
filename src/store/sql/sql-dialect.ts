/**
 * The narrow seam between the shared SQL store and one database: how to connect, how full-text
 * search is indexed and queried, and a few capability numbers. Nothing else differs per database.
 */
import type { CreateTableBuilder, Dialect, Kysely, Transaction } from 'kysely';
import type { ReadConnection, SearchHit, SearchQuery } from '../catalog-store.js';
import type { Database } from './schema.js';

export interface SearchRow {
  id: number;
  ref: string;
  kind: string;
  domain: string | null;
  name: string;
  title: string;
  description: string;
  fields: string;
  tags: string;
}

export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Most bind parameters one statement may carry. */
  readonly maxParameters: number;
  /** Whether `SELECT … FOR UPDATE SKIP LOCKED` is available (row leases across servers). */
  readonly skipLocked: boolean;
  createKyselyDialect(): Dialect;
  /** Adds the auto-generated integer primary key `id`. */
  addIdColumn<T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, 'id'>;
  /** Statements that create the search index (run by the first migration). */
  createSearchIndex(db: Kysely<Database>): Promise<void>;
  /** Brings a search index made by an earlier version up to this one's (migration 0011), if needed. */
  reindexSearch?(db: Kysely<Database>): Promise<void>;
  indexSearch(trx: Transaction<Database>, rows: readonly SearchRow[]): Promise<void>;
  unindexSearch(trx: Transaction<Database>, ids: readonly number[]): Promise<void>;
  search(db: Kysely<Database>, query: SearchQuery, terms: readonly string[]): Promise<SearchHit[]>;
  /**
   * Inserts many rows into one table inside the current transaction, the fastest way this database
   * allows (the bulk path of apply). Column order follows `columns`.
   */
  insertRows(
    trx: Transaction<Database>,
    table: keyof Database,
    columns: readonly string[],
    rows: readonly unknown[][],
  ): Promise<void>;
  /**
   * Inserts rows, updating the existing row on a conflict of `conflict` columns with `set` (SQL both
   * databases accept, e.g. `seq = excluded.seq`), the fastest way this database allows. Rows must
   * not repeat a conflict key within one call. With `returning` (column names, e.g. `id, ref`), the
   * row each input row became, one per input row, in no particular order.
   */
  upsertRows(
    trx: Transaction<Database>,
    table: keyof Database,
    columns: readonly string[],
    rows: readonly unknown[][],
    conflict: readonly string[],
    set: string,
    returning?: string,
  ): Promise<Record<string, unknown>[]>;
  /** Called once after connecting (pragmas, session settings). */
  prepare(db: Kysely<Database>): Promise<void>;
  /** How another thread connects to the same database; undefined when it cannot (in memory). */
  readConnection(): ReadConnection | undefined;
}
