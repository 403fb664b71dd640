/**
 * DuckDB for files (CSV, Parquet, JSON/NDJSON, globs) and DuckDB database files. Each session is a
 * fresh in-memory DuckDB with one view per table over the dataset's files; before any rule runs, the
 * session is sandboxed: only those files may be read, nothing may be written, no extension may be
 * installed or loaded, and the configuration is locked.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** DuckDB's library (about 35 MB resident) is loaded the first time a check needs it, not at start. */
const duckdb = () => import('@duckdb/node-api');

import {
  type CheckEngine,
  type ColumnInfo,
  DataUnreachableError,
  type EngineSession,
  quoteIdent,
  quoteLiteral,
  type ServerSpec,
  type SessionOptions,
  type SqlFlavor,
  StatementError,
  type TableSource,
} from './check-engine.js';

const FILE_FORMATS = new Set(['csv', 'parquet', 'json', 'ndjson', 'jsonl']);
const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

export const duckDbFlavor: SqlFlavor = {
  quote: quoteIdent,
  literal: quoteLiteral,
  text: (e) => `CAST(${e} AS VARCHAR)`,
  matches: (t, pattern) => `regexp_matches(${t}, ${quoteLiteral(pattern)})`,
  number: (e, type?: string) => (type && NUMERIC.test(type) ? e : `TRY_CAST(${e} AS DOUBLE)`),
  temporal: (e, as) => `TRY_CAST(${e} AS ${as === 'date' ? 'DATE' : 'TIMESTAMP'})`,
  temporalLiteral: (v, as) => `CAST(${quoteLiteral(v)} AS ${as === 'date' ? 'DATE' : 'TIMESTAMP'})`,
  epochOf: (e, of) => `epoch(${of === 'newest' ? 'MAX' : 'MIN'}(TRY_CAST(${e} AS TIMESTAMP)))`,
  epoch: (e) => `epoch(TRY_CAST(${e} AS TIMESTAMP))`,
};

const hasGlob = (path: string) => /[*?[]/.test(path);

function formatOf(server: ServerSpec): string {
  return String(server.format ?? '').toLowerCase();
}

/**
 * Resolves a contract path against the data root; `{model}` names the table. `confined` refuses a
 * path that ends up outside the data root (`../`, an absolute path).
 */
export function resolveDataPath(path: string, dataRoot: string, table?: string, confined = false): string {
  const p = table ? path.replace(/\{model\}/g, table) : path;
  const full = isAbsolute(p) ? p : resolve(dataRoot, p);
  if (confined) {
    const inside = relative(resolve(dataRoot), full);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside))
      throw new DataUnreachableError(
        `the path '${path}' is outside the data root; this server reads data files under its CHARTER_DATA_ROOT only`,
      );
  }
  return full;
}

async function run(
  connection: DuckDBConnection,
  sql: string,
  timeoutMs: number,
): Promise<Record<string, unknown>[]> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, timeoutMs);
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } catch (error) {
    if (timedOut) throw new StatementError(`the statement timed out after ${timeoutMs / 1000} s`);
    throw new StatementError(firstLine((error as Error).message));
  } finally {
    clearTimeout(timer);
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

export class DuckDbCheckEngine implements CheckEngine {
  readonly name = 'duckdb';

  supports(server: ServerSpec): boolean {
    const type = String(server.type ?? '').toLowerCase();
    if (type === 'duckdb') return typeof server.database === 'string';
    // s3://, gs://, az://, https:// … need the httpfs or azure extension, which is never downloaded.
    return (
      type === 'local' &&
      FILE_FORMATS.has(formatOf(server)) &&
      typeof server.path === 'string' &&
      !/^[a-z][a-z0-9+.-]*:\/\//i.test(server.path.replace(/^file:\/\//i, '/'))
    );
  }

  async open(
    server: ServerSpec,
    tables: readonly TableSource[],
    options: SessionOptions,
  ): Promise<EngineSession> {
    const type = String(server.type ?? '').toLowerCase();
    const config = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    };
    if (type === 'duckdb') {
      const file = resolveDataPath(String(server.database), options.dataRoot, undefined, options.confined);
      if (!existsSync(file))
        throw new DataUnreachableError(
          `the DuckDB file '${server.database}' does not exist (looked in ${file})`,
        );
      const instance = await (await duckdb()).DuckDBInstance.create(file, {
        ...config,
        access_mode: 'READ_ONLY',
      });
      const connection = await instance.connect();
      await lock(connection, []);
      const schema = typeof server.schema === 'string' ? server.schema : 'main';
      return new DuckDbSession(instance, connection, options.timeoutMs, [], { schema }, (t) =>
        Promise.resolve(`${quoteIdent(schema)}.${quoteIdent(t.physicalName)}`),
      );
    }

    const instance = await (await duckdb()).DuckDBInstance.create(':memory:', config);
    const connection = await instance.connect();
    const format = formatOf(server);
    const written = String(server.path);
    const allowedFiles: string[] = [];
    const allowedDirs: string[] = [];
    const views = new Map<string, string>();
    try {
      for (const table of tables) {
        const path = resolveDataPath(written, options.dataRoot, table.name, options.confined);
        if (hasGlob(path)) {
          const rows = await run(
            connection,
            `SELECT count(*) AS n FROM glob(${quoteLiteral(path)})`,
            options.timeoutMs,
          );
          if (!Number(rows[0]?.n))
            throw new DataUnreachableError(`no file matches '${written}' (looked for ${path})`);
          allowedDirs.push(`${dirname(path.slice(0, path.search(/[*?[]/) + 1))}/`);
        } else {
          if (!existsSync(path))
            throw new DataUnreachableError(`the file '${written}' does not exist (looked for ${path})`);
          allowedFiles.push(path);
        }
        const reader = await readerSql(connection, path, format, server, table, options.timeoutMs);
        const view = quoteIdent(table.name);
        await run(connection, `CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${reader}`, options.timeoutMs);
        views.set(table.name, view);
      }
      await lock(connection, allowedFiles, allowedDirs);
    } catch (error) {
      connection.closeSync();
      instance.closeSync();
      if (error instanceof DataUnreachableError) throw error;
      throw new DataUnreachableError(
        `the ${format} data at '${written}' could not be read: ${firstLine((error as Error).message)}`,
      );
    }
    return new DuckDbSession(
      instance,
      connection,
      options.timeoutMs,
      [written, ...allowedFiles],
      { schema: 'main' },
      async (t) => views.get(t.name) ?? quoteIdent(t.name),
    );
  }
}

async function readerSql(
  connection: DuckDBConnection,
  path: string,
  format: string,
  server: ServerSpec,
  table: TableSource,
  timeoutMs: number,
): Promise<string> {
  const file = quoteLiteral(path);
  const union = hasGlob(path) ? ', union_by_name = true' : '';
  if (format === 'parquet') return `read_parquet(${file}${union})`;
  if (format === 'json' || format === 'ndjson' || format === 'jsonl') {
    const lines =
      format !== 'json' || String(server.delimiter ?? '').toLowerCase() === 'new_line'
        ? `format = 'newline_delimited'`
        : `format = 'auto'`;
    return `read_json(${file}, ${lines}${union})`;
  }
  const delimiter =
    typeof server.delimiter === 'string' && server.delimiter.length === 1
      ? `, delim = ${quoteLiteral(server.delimiter)}`
      : '';
  const base = `read_csv(${file}${union}${delimiter})`;
  if (!table.textColumns.length) return base;
  // Declared string columns stay text: the sniffer would turn "00042" into 42.
  const sniffed = await run(connection, `DESCRIBE SELECT * FROM ${base}`, timeoutMs);
  const present = new Set(sniffed.map((r) => String(r.column_name)));
  const text = table.textColumns.filter((c) => present.has(c));
  if (!text.length) return base;
  const types = text.map((c) => `${quoteLiteral(c)}: 'VARCHAR'`).join(', ');
  return `read_csv(${file}${union}${delimiter}, types = {${types}})`;
}

/** Only the dataset's files stay readable; nothing can be written, installed or reconfigured. */
async function lock(connection: DuckDBConnection, files: string[], dirs: string[] = []) {
  if (files.length) await connection.run(`SET allowed_paths = [${files.map(quoteLiteral).join(', ')}]`);
  if (dirs.length) await connection.run(`SET allowed_directories = [${dirs.map(quoteLiteral).join(', ')}]`);
  await connection.run('SET enable_external_access = false');
  await connection.run('SET lock_configuration = true');
}

class DuckDbSession implements EngineSession {
  readonly engine = 'duckdb';
  readonly flavor = duckDbFlavor;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly timeoutMs: number,
    readonly allowedPaths: readonly string[],
    readonly names: { schema?: string; database?: string },
    readonly relation: (table: TableSource) => Promise<string>,
  ) {}

  async columns(table: TableSource): Promise<ColumnInfo[] | undefined> {
    try {
      const rows = await run(
        this.connection,
        `DESCRIBE SELECT * FROM ${await this.relation(table)}`,
        this.timeoutMs,
      );
      return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    } catch {
      return undefined;
    }
  }

  query(sql: string) {
    return run(this.connection, sql, this.timeoutMs);
  }

  /** DuckDB's own parser: exactly one statement, and a SELECT. */
  async userSqlProblem(sql: string): Promise<string | undefined> {
    let extracted: Awaited<ReturnType<DuckDBConnection['extractStatements']>>;
    try {
      extracted = await this.connection.extractStatements(sql);
    } catch (error) {
      return `DuckDB cannot parse the query: ${firstLine((error as Error).message).replace(/^Failed to extract statements: /, '')}`;
    }
    if (extracted.count !== 1)
      return `the query holds ${extracted.count} statements; a rule must be one SELECT`;
    try {
      const prepared = await extracted.prepare(0);
      if (prepared.statementType !== (await duckdb()).StatementType.SELECT)
        return 'the query is not a SELECT';
    } catch {
      // A binding error (an unknown column …) is reported when the rule runs.
    }
    return undefined;
  }

  async close() {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
