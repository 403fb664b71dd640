/**
 * PostgreSQL servers: one connection per session, one READ ONLY transaction with a statement
 * timeout, UTC, and the contract's schema first on the search path. Each statement runs under a
 * savepoint, so a failing rule does not abort the checks after it.
 */
import pg from 'pg';
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
import { type Credentials, credentialsFor, redact, secretEnvName, secretName } from './secrets.js';

const NUMERIC =
  /^(SMALLINT|INTEGER|BIGINT|REAL|DOUBLE PRECISION|NUMERIC|DECIMAL|INT2|INT4|INT8|FLOAT4|FLOAT8)/;
const TEMPORAL = /^(DATE|TIMESTAMP)/;

export const postgresFlavor: SqlFlavor = {
  quote: quoteIdent,
  literal: quoteLiteral,
  text: (e) => `CAST(${e} AS text)`,
  matches: (t, pattern) => `(${t} ~ ${quoteLiteral(pattern)})`,
  number: (e, type) =>
    type && NUMERIC.test(type)
      ? e
      : `(CASE WHEN CAST(${e} AS text) ~ '^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$' THEN CAST(CAST(${e} AS text) AS double precision) END)`,
  temporal: (e, as, type) =>
    type && TEMPORAL.test(type) ? e : `CAST(${e} AS ${as === 'date' ? 'date' : 'timestamp'})`,
  temporalLiteral: (v, as) => `CAST(${quoteLiteral(v)} AS ${as === 'date' ? 'date' : 'timestamp'})`,
  epochOf: (e, of) => `EXTRACT(EPOCH FROM ${of === 'newest' ? 'MAX' : 'MIN'}(CAST(${e} AS timestamptz)))`,
  epoch: (e) => `EXTRACT(EPOCH FROM CAST(${e} AS timestamptz))`,
};

export class PostgresCheckEngine implements CheckEngine {
  readonly name = 'postgres';

  supports(server: ServerSpec): boolean {
    const type = String(server.type ?? '').toLowerCase();
    return (type === 'postgres' || type === 'postgresql') && typeof server.database === 'string';
  }

  async open(
    server: ServerSpec,
    _tables: readonly TableSource[],
    options: SessionOptions,
  ): Promise<EngineSession> {
    const credentials = credentialsFor(server, options.env ?? process.env);
    const host = typeof server.host === 'string' ? server.host : 'localhost';
    const port = typeof server.port === 'number' ? server.port : Number(server.port ?? 5432);
    const where = `${host}:${port}/${server.database}`;
    const client = new pg.Client({
      host,
      port,
      database: String(server.database),
      ...(credentials.user !== undefined ? { user: credentials.user } : {}),
      ...(credentials.password !== undefined ? { password: credentials.password } : {}),
      connectionTimeoutMillis: Math.min(options.timeoutMs, 30_000),
      query_timeout: options.timeoutMs + 5_000,
      application_name: 'charter-quality',
    });
    client.on('error', () => {});
    const schema = typeof server.schema === 'string' && server.schema ? server.schema : 'public';
    try {
      await client.connect();
      await client.query('BEGIN TRANSACTION READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(options.timeoutMs))}`);
      await client.query(`SET LOCAL TimeZone = 'UTC'`);
      await client.query(`SET LOCAL search_path = ${quoteIdent(schema)}`);
    } catch (error) {
      await client.end().catch(() => {});
      const name = secretName(server);
      const hint =
        (error as { code?: string }).code === '28P01' || (error as { code?: string }).code === '28000'
          ? name
            ? `; set CHARTER_SECRET_${secretEnvName(name)}_USER and _PASSWORD, or CHARTER_SECRETS_FILE`
            : ''
          : '';
      throw new DataUnreachableError(
        `PostgreSQL server '${server.server ?? where}' (${where}) could not be reached: ${redact((error as Error).message, credentials)}${hint}`,
      );
    }
    return new PostgresSession(client, schema, String(server.database), credentials, options.timeoutMs);
  }
}

class PostgresSession implements EngineSession {
  readonly engine = 'postgres';
  readonly flavor = postgresFlavor;
  readonly allowedPaths: readonly string[] = [];
  readonly names: { schema: string; database: string };

  constructor(
    private readonly client: pg.Client,
    private readonly schema: string,
    database: string,
    private readonly credentials: Credentials,
    private readonly timeoutMs: number,
  ) {
    this.names = { schema: quoteIdent(schema), database: quoteIdent(database) };
  }

  async relation(table: TableSource) {
    return `${quoteIdent(this.schema)}.${quoteIdent(table.physicalName)}`;
  }

  async columns(table: TableSource): Promise<ColumnInfo[] | undefined> {
    const rows = await this.query(
      `SELECT column_name AS name, data_type AS type FROM information_schema.columns
       WHERE table_schema = ${quoteLiteral(this.schema)} AND table_name = ${quoteLiteral(table.physicalName)}
       ORDER BY ordinal_position`,
    );
    return rows.length
      ? rows.map((r) => ({ name: String(r.name), type: String(r.type).toUpperCase() }))
      : undefined;
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    await this.client.query('SAVEPOINT charter_check');
    try {
      const result = await this.client.query(sql);
      await this.client.query('RELEASE SAVEPOINT charter_check');
      return result.rows;
    } catch (error) {
      await this.client.query('ROLLBACK TO SAVEPOINT charter_check').catch(() => {});
      const e = error as { code?: string; message: string };
      if (e.code === '57014')
        throw new StatementError(`the statement timed out after ${this.timeoutMs / 1000} s`);
      if (e.code === '25006')
        throw new StatementError('PostgreSQL refused the statement in a read-only transaction');
      throw new StatementError(redact(e.message, this.credentials));
    }
  }

  async close() {
    await this.client.query('ROLLBACK').catch(() => {});
    await this.client.end().catch(() => {});
  }
}
