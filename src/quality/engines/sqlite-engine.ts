/**
 * SQLite database files, opened read-only with better-sqlite3. better-sqlite3 blocks the thread it
 * runs on, so a session runs its statements in a worker thread: a statement that outlives the
 * timeout is stopped by ending the worker, and the server stays responsive meanwhile.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
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
import { resolveDataPath } from './duckdb-engine.js';

export const sqliteFlavor: SqlFlavor = {
  quote: quoteIdent,
  literal: quoteLiteral,
  text: (e) => `CAST(${e} AS TEXT)`,
  // `regexp` is a JavaScript RegExp registered on the read-only connection.
  matches: (t, pattern) => `regexp(${quoteLiteral(pattern)}, ${t})`,
  number: (e) => `(CASE WHEN typeof(${e}) IN ('integer', 'real') THEN ${e} END)`,
  temporal: (e, as) => (as === 'date' ? `date(${e})` : `datetime(${e})`),
  temporalLiteral: (v, as) => (as === 'date' ? `date(${quoteLiteral(v)})` : `datetime(${quoteLiteral(v)})`),
  epochOf: (e, of) => `((${of === 'newest' ? 'MAX' : 'MIN'}(julianday(${e})) - 2440587.5) * 86400.0)`,
  epoch: (e) => `((julianday(${e}) - 2440587.5) * 86400.0)`,
};

// CommonJS, evaluated in the worker; the driver's path comes in workerData.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
const cache = new Map();
db.function('regexp', { deterministic: true }, (pattern, value) => {
  if (value === null || value === undefined) return null;
  let re = cache.get(pattern);
  if (!re) { re = new RegExp(pattern, 'u'); cache.set(pattern, re); }
  return re.test(String(value)) ? 1 : 0;
});
parentPort.on('message', ({ id, op, sql, params }) => {
  try {
    const stmt = db.prepare(sql);
    if (op === 'inspect') {
      parentPort.postMessage({ id, result: { readonly: stmt.readonly, reader: stmt.reader } });
      return;
    }
    // Non-readers run too, so that the read-only connection (not this wrapper) is what refuses a write.
    const rows = stmt.reader ? stmt.all(...(params || [])) : (stmt.run(...(params || [])), []);
    for (const row of rows) for (const k in row) if (typeof row[k] === 'bigint') row[k] = Number(row[k]);
    parentPort.postMessage({ id, result: rows });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});
parentPort.postMessage({ id: 0, result: 'ready' });
`;

const driver = createRequire(import.meta.url).resolve('better-sqlite3');

class SqliteWorker {
  private readonly worker: Worker;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<void>;

  constructor(file: string) {
    this.worker = new Worker(WORKER, { eval: true, workerData: { file, driver } });
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(0, { resolve: () => resolve(), reject });
    });
    this.worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new StatementError(m.error));
      else p.resolve(m.result);
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', () => this.failAll(new StatementError('the SQLite worker stopped')));
  }

  private failAll(error: Error) {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  call<T>(op: 'all' | 'inspect', sql: string, params: unknown[], timeoutMs: number): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new StatementError(`the statement timed out after ${timeoutMs / 1000} s`));
        void this.worker.terminate();
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.worker.postMessage({ id, op, sql, params });
    });
  }

  terminate() {
    return this.worker.terminate();
  }
}

function fileOf(server: ServerSpec): string | undefined {
  for (const key of ['path', 'database', 'location'] as const) {
    const v = server[key];
    if (typeof v === 'string' && v) return v;
  }
  return undefined;
}

export class SqliteCheckEngine implements CheckEngine {
  readonly name = 'sqlite';

  /** `type: local` (or `custom`) with `format: sqlite` and the database file as `path`. */
  supports(server: ServerSpec): boolean {
    const type = String(server.type ?? '').toLowerCase();
    const format = String(server.format ?? '').toLowerCase();
    return (
      (type === 'sqlite' || ((type === 'local' || type === 'custom') && format === 'sqlite')) &&
      fileOf(server) !== undefined
    );
  }

  async open(
    server: ServerSpec,
    _tables: readonly TableSource[],
    options: SessionOptions,
  ): Promise<EngineSession> {
    const written = fileOf(server)!;
    const file = resolveDataPath(written, options.dataRoot, undefined, options.confined);
    if (!existsSync(file))
      throw new DataUnreachableError(`the SQLite file '${written}' does not exist (looked for ${file})`);
    const session = new SqliteSession(file, options.timeoutMs);
    try {
      await session.start();
    } catch (error) {
      await session.close();
      throw new DataUnreachableError(
        `the SQLite file '${written}' could not be opened: ${(error as Error).message}`,
      );
    }
    return session;
  }
}

class SqliteSession implements EngineSession {
  readonly engine = 'sqlite';
  readonly flavor = sqliteFlavor;
  readonly names = { schema: 'main' };
  readonly allowedPaths: readonly string[] = [];
  private worker: SqliteWorker | undefined;

  constructor(
    private readonly file: string,
    private readonly timeoutMs: number,
  ) {}

  async start() {
    this.worker = new SqliteWorker(this.file);
    await this.worker.ready;
  }

  /** A worker ended by a timeout is replaced before the next statement. */
  private async live(): Promise<SqliteWorker> {
    if (!this.worker) await this.start();
    return this.worker!;
  }

  private async call<T>(op: 'all' | 'inspect', sql: string, params: unknown[] = []): Promise<T> {
    const worker = await this.live();
    try {
      return await worker.call<T>(op, sql, params, this.timeoutMs);
    } catch (error) {
      if (/timed out|worker stopped/.test((error as Error).message)) this.worker = undefined;
      throw error;
    }
  }

  async relation(table: TableSource) {
    return quoteIdent(table.physicalName);
  }

  async columns(table: TableSource): Promise<ColumnInfo[] | undefined> {
    const rows = await this.call<{ name: string; type: string }[]>(
      'all',
      'SELECT name, type FROM pragma_table_info(?)',
      [table.physicalName],
    );
    return rows.length ? rows.map((r) => ({ name: r.name, type: String(r.type).toUpperCase() })) : undefined;
  }

  query(sql: string) {
    return this.call<Record<string, unknown>[]>('all', sql);
  }

  async userSqlProblem(sql: string): Promise<string | undefined> {
    try {
      const info = await this.call<{ readonly: boolean; reader: boolean }>('inspect', sql);
      if (!info.readonly) return 'SQLite reports that the query writes';
      if (!info.reader) return 'the query returns no rows; a rule must be a SELECT';
    } catch (error) {
      const message = (error as Error).message;
      if (/more than one statement/i.test(message))
        return 'the query holds several statements; a rule must be one SELECT';
    }
    return undefined;
  }

  async close() {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
