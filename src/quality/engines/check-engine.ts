/**
 * The seam between the check runner and a database that holds the data: one `CheckEngine` per kind
 * of server (DuckDB for files, SQLite files, PostgreSQL). An engine opens a read-only session, names
 * each table as SQL, reports its columns, and runs statements with a timeout. What differs in SQL
 * text between engines is the `SqlFlavor`.
 */

/** An ODCS `servers[]` entry as written in the contract. */
export interface ServerSpec {
  server?: string;
  type?: string;
  format?: string;
  path?: string;
  delimiter?: string;
  host?: string;
  port?: number;
  database?: string;
  schema?: string;
  location?: string;
  customProperties?: { property: string; value: unknown }[];
  [key: string]: unknown;
}

export interface TableSource {
  /** The schema object's name: what `{object}` and rules refer to. */
  name: string;
  physicalName: string;
  /** Declared string columns (CSV readers keep them as text, so leading zeros survive). */
  textColumns: string[];
}

export interface SessionOptions {
  /** Folder that relative `path`s of local servers are resolved against. */
  dataRoot: string;
  /** Statement timeout in milliseconds. */
  timeoutMs: number;
  /** Environment to read credentials from (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Refuse local paths that resolve outside `dataRoot`. The server sets it: a contract's author
   * must not read the server's own files (its secrets file, its store) through a check.
   */
  confined?: boolean;
}

export interface ColumnInfo {
  name: string;
  /** The engine's type name, upper-cased: BIGINT, VARCHAR, TIMESTAMP, STRUCT(a INTEGER), INTEGER[] … */
  type: string;
}

/** A failure to reach the data (missing file, refused connection, timeout): the run errors. */
export class DataUnreachableError extends Error {
  override readonly name = 'DataUnreachableError';
}

/** A statement the engine refused or failed to run: the check errors, the run goes on. */
export class StatementError extends Error {
  override readonly name = 'StatementError';
}

export interface SqlFlavor {
  quote(identifier: string): string;
  literal(value: string | number | boolean): string;
  /** The value as text. */
  text(expr: string): string;
  /** Whether the text matches a regular expression anywhere (ECMA-262 / RE2-compatible subset). */
  matches(textExpr: string, pattern: string): string;
  /** The value as a number, or NULL when it is not one; `type` is the column's engine type. */
  number(expr: string, type?: string): string;
  /** The value comparable with a date/timestamp literal, and that literal. */
  temporal(expr: string, as: 'date' | 'timestamp', type?: string): string;
  temporalLiteral(value: string, as: 'date' | 'timestamp'): string;
  /** Seconds since 1970 of the newest or oldest timestamp in a column (an aggregate). */
  epochOf(expr: string, of: 'newest' | 'oldest'): string;
  /** Seconds since 1970 of one row's timestamp (NULL when it is not one). */
  epoch(expr: string): string;
}

export interface EngineSession {
  readonly engine: string;
  readonly flavor: SqlFlavor;
  /** Placeholders that name the schema and database (`{schema}`, `{database}`). */
  readonly names: { schema?: string; database?: string };
  /** SQL that names the table (a view over files, or a qualified table). */
  relation(table: TableSource): Promise<string>;
  /** The table's columns, or undefined when the table or file does not exist. */
  columns(table: TableSource): Promise<ColumnInfo[] | undefined>;
  /** Runs one statement with the session's timeout; values come back as numbers, strings or null. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** A parser-level check of a user's SQL rule, where the engine has one (undefined: acceptable). */
  userSqlProblem?(sql: string): Promise<string | undefined>;
  /** Paths a rule may name with read_*() (the dataset's own files). */
  readonly allowedPaths: readonly string[];
  close(): Promise<void>;
}

export interface CheckEngine {
  readonly name: string;
  supports(server: ServerSpec): boolean;
  open(server: ServerSpec, tables: readonly TableSource[], options: SessionOptions): Promise<EngineSession>;
}

/** Double-quoted identifier, the SQL standard way (DuckDB, SQLite and PostgreSQL accept it). */
export function quoteIdent(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string | number | boolean): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return `'${value.replace(/'/g, "''")}'`;
}

/** A number from what a driver returns (bigint, decimal string, number). */
export function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  const n = Number(String(value));
  return Number.isFinite(n) ? n : null;
}
