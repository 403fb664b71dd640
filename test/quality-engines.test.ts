/**
 * One check suite, every engine: the same rows in a CSV and a Parquet file (DuckDB), a SQLite file
 * and a PostgreSQL table must give the same statuses and the same measured values. The engines'
 * own read-only layers are tested under the guard, by sending them writes directly.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbCheckEngine } from '../src/quality/engines/duckdb-engine.js';
import { PostgresCheckEngine } from '../src/quality/engines/postgres-engine.js';
import { SqliteCheckEngine } from '../src/quality/engines/sqlite-engine.js';
import type { CheckResult } from '../src/quality/quality-types.js';
import { runContractChecks } from '../src/quality/run-checks.js';
import { createPostgresDatabase, postgresAvailable } from './support/stores.js';

const ROWS: [number, string | null, number | null, string, string, string, string][] = [
  [1, 'a@x.io', 10, 'paid', '2024-01-01 10:00:00', '001', '2024-01-01 10:30:00'],
  [2, 'b@x.io', 20.5, 'paid', '2024-01-02 10:00:00', '002', '2024-01-02 10:05:00'],
  [3, null, 30, 'shipped', '2024-01-03 10:00:00', '003', '2024-01-03 11:00:00'],
  [4, 'bad-email', -5, 'unknown', '2024-01-04 10:00:00', '004', '2024-01-04 10:00:00'],
  // The one late arrival: loaded 3 hours after it happened.
  [5, 'e@x.io', 150, 'paid', '2024-01-05 10:00:00', '005', '2024-01-05 13:00:00'],
  [5, 'f@x.io', 60, 'N/A', '2024-01-06 10:00:00', '006', '2024-01-06 10:01:00'],
  [7, 'g@x.io', null, 'paid', '2024-01-07 10:00:00', '007', '2024-01-07 10:20:00'],
  [8, 'h@x.io', 70, 'cancelled', '2024-01-08 10:00:00', '008', '2024-01-08 10:10:00'],
];
const NOW = new Date('2024-01-08T12:00:00Z');

function contract(server: Record<string, unknown>) {
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: 'orders',
    version: '1.0.0',
    status: 'active',
    servers: [server],
    schema: [
      {
        name: 'orders',
        properties: [
          { name: 'order_id', logicalType: 'integer', required: true, unique: true },
          {
            name: 'customer_email',
            logicalType: 'string',
            required: true,
            classification: 'confidential',
            logicalTypeOptions: { pattern: '^[^@]+@[^@]+$' },
          },
          {
            name: 'amount',
            logicalType: 'number',
            logicalTypeOptions: { minimum: 0, maximum: 100 },
            quality: [
              { id: 'amount-nulls', metric: 'nullValues', mustBeLessOrEqualTo: 12.5, unit: 'percent' },
            ],
          },
          {
            name: 'status',
            logicalType: 'string',
            classification: 'internal',
            quality: [
              {
                id: 'status-valid',
                metric: 'invalidValues',
                arguments: { validValues: ['paid', 'shipped', 'cancelled'] },
                mustBe: 0,
              },
              {
                id: 'status-valid-percent',
                metric: 'invalidValues',
                arguments: { validValues: ['paid', 'shipped', 'cancelled'] },
                mustBeLessThan: 30,
                unit: 'percent',
              },
              {
                id: 'status-missing',
                metric: 'missingValues',
                arguments: { missingValues: [null, '', 'N/A'] },
                mustNotBe: 0,
              },
            ],
          },
          { name: 'created_at', logicalType: 'timestamp', required: true },
          {
            name: 'code',
            logicalType: 'string',
            logicalTypeOptions: { maxLength: 3, pattern: '^[0-9]{3}$' },
          },
          { name: 'loaded_at', logicalType: 'timestamp' },
        ],
        quality: [
          { id: 'rows-exact', metric: 'rowCount', mustBeBetween: [8, 8] },
          { id: 'rows-outside', metric: 'rowCount', mustNotBeBetween: [1, 7] },
          {
            id: 'id-status-unique',
            metric: 'duplicateValues',
            arguments: { properties: ['order_id', 'status'] },
            mustBe: 0,
          },
          {
            id: 'big-amounts',
            type: 'sql',
            query: 'SELECT COUNT(*) FROM {object} WHERE amount > 100',
            mustBe: 1,
          },
          // biome-ignore lint/suspicious/noTemplateCurlyInString: an ODCS placeholder, not a template
          { id: 'max-amount', type: 'sql', query: 'SELECT MAX(amount) FROM ${table}', mustBeLessThan: 100 },
          { id: 'sneaky', type: 'sql', query: 'SELECT 1; DROP TABLE orders', mustBe: 1 },
          { id: 'human', type: 'text', description: 'Amounts look plausible' },
          { id: 'soda', type: 'custom', engine: 'soda', implementation: 'checks for orders: []' },
        ],
      },
    ],
    slaProperties: [
      { property: 'freshness', value: 3, unit: 'h', element: 'orders.created_at' },
      { property: 'retention', value: 'P1Y', element: 'orders.created_at' },
      { property: 'latency', value: 2, unit: 'h', element: 'orders.created_at, orders.loaded_at' },
      { property: 'frequency', value: 1, unit: 'd', element: 'orders.loaded_at' },
    ],
  };
}

/** What every engine must report: status and measured value per check. */
const EXPECTED: Record<string, [CheckResult['status'], number | null]> = {
  'orders.order_id.present': ['passed', 1],
  'orders.order_id.required': ['passed', 0],
  'orders.order_id.unique': ['failed', 1],
  'orders.customer_email.required': ['failed', 1],
  'orders.customer_email.pattern': ['failed', 1],
  'orders.amount.minimum': ['failed', 1],
  'orders.amount.maximum': ['failed', 1],
  'amount-nulls': ['passed', 12.5],
  'status-valid': ['failed', 2],
  'status-valid-percent': ['passed', 25],
  'status-missing': ['passed', 1],
  'orders.created_at.required': ['passed', 0],
  'orders.code.maxLength': ['passed', 0],
  'orders.code.pattern': ['passed', 0],
  'rows-exact': ['passed', 8],
  'rows-outside': ['passed', 8],
  'id-status-unique': ['passed', 0],
  'big-amounts': ['passed', 1],
  'max-amount': ['failed', 150],
  sneaky: ['error', null],
  human: ['skipped', null],
  soda: ['skipped', null],
  'sla.freshness': ['passed', 7200],
  'sla.retention[1]': ['passed', 612000],
  'sla.latency[2]': ['failed', 10800],
  'sla.frequency[3]': ['skipped', null],
};

const dir = mkdtempSync(join(tmpdir(), 'charter-quality-'));
const csv = `order_id,customer_email,amount,status,created_at,code,loaded_at\n${ROWS.map((r) =>
  r.map((v) => (v === null ? '' : String(v))).join(','),
).join('\n')}\n`;

interface Target {
  name: string;
  server: () => Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  available: () => boolean;
}

let pgDb: { url: string; drop: () => Promise<void> } | undefined;
let pgReady = false;

const targets: Target[] = [
  {
    name: 'duckdb (csv)',
    server: () => ({ server: 'files', type: 'local', format: 'csv', path: 'orders.csv' }),
    available: () => true,
  },
  {
    name: 'duckdb (parquet)',
    server: () => ({ server: 'files', type: 'local', format: 'parquet', path: 'orders.parquet' }),
    available: () => true,
  },
  {
    name: 'sqlite',
    server: () => ({ server: 'lite', type: 'local', format: 'sqlite', path: 'orders.db' }),
    available: () => true,
  },
  {
    name: 'postgres',
    server: () => {
      const url = new URL(pgDb!.url);
      return {
        server: 'warehouse',
        type: 'postgres',
        host: url.hostname,
        port: Number(url.port || 5432),
        database: url.pathname.slice(1),
        schema: 'shop',
      };
    },
    available: () => pgReady,
  },
];

function pgEnv(): NodeJS.ProcessEnv {
  const url = new URL(pgDb!.url);
  return {
    CHARTER_SECRET_WAREHOUSE_USER: decodeURIComponent(url.username || 'postgres'),
    ...(url.password ? { CHARTER_SECRET_WAREHOUSE_PASSWORD: decodeURIComponent(url.password) } : {}),
  };
}

beforeAll(async () => {
  writeFileSync(join(dir, 'orders.csv'), csv);
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  await duck.run(
    `COPY (SELECT order_id::INTEGER AS order_id, customer_email, amount::DECIMAL(10,2) AS amount, status,
            created_at::TIMESTAMP AS created_at, code, loaded_at::TIMESTAMP AS loaded_at
          FROM read_csv('${join(dir, 'orders.csv')}', types = {'code': 'VARCHAR'}))
     TO '${join(dir, 'orders.parquet')}' (FORMAT parquet)`,
  );
  duck.closeSync();
  const lite = new Database(join(dir, 'orders.db'));
  lite.exec(
    'CREATE TABLE orders (order_id INTEGER, customer_email TEXT, amount DECIMAL(10,2), status TEXT, created_at TIMESTAMP, code TEXT, loaded_at TIMESTAMP)',
  );
  const insert = lite.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (const r of ROWS) insert.run(...r);
  lite.close();
  if (await postgresAvailable()) {
    pgDb = await createPostgresDatabase();
    const client = new pg.Client({ connectionString: pgDb.url });
    await client.connect();
    await client.query('CREATE SCHEMA shop');
    await client.query(
      'CREATE TABLE shop.orders (order_id integer, customer_email text, amount numeric(10,2), status text, created_at timestamp, code text, loaded_at timestamp)',
    );
    for (const r of ROWS)
      await client.query('INSERT INTO shop.orders VALUES ($1, $2, $3, $4, $5, $6, $7)', r);
    await client.end();
    pgReady = true;
  }
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await pgDb?.drop();
});

describe.each(targets)('check suite on $name', (target) => {
  it('finds exactly the rows the data implies', async (ctx) => {
    if (!target.available()) return ctx.skip();
    const result = await runContractChecks(contract(target.server()), {
      dataRoot: dir,
      now: () => NOW,
      env: target.name === 'postgres' ? pgEnv() : {},
    });
    const got = Object.fromEntries(
      result.checks
        .filter((c) => c.id in EXPECTED)
        .map((c) => [c.id, [c.status, typeof c.measured === 'string' ? Number(c.measured) : c.measured]]),
    );
    expect(got).toEqual(EXPECTED);
    expect(result.status).toBe('failed');
    // Type conformance is checked against the engine's own column types.
    expect(result.checks.filter((c) => c.type === 'type').map((c) => [c.field, c.status])).toEqual([
      ['order_id', 'passed'],
      ['customer_email', 'passed'],
      ['amount', 'passed'],
      ['status', 'passed'],
      ['created_at', 'passed'],
      ['code', 'passed'],
      ['loaded_at', 'passed'],
    ]);
    const sneaky = result.checks.find((c) => c.id === 'sneaky')!;
    expect(sneaky.message).toMatch(/refused: .*several statements/);
    // One scan for every aggregate check, one grouped statement per uniqueness key, one per sql rule.
    const scans = result.statements.filter((s) => s.startsWith('SELECT COUNT(*) AS "row_count"'));
    expect(scans).toHaveLength(1);
    expect(result.statements.filter((s) => s.includes('GROUP BY'))).toHaveLength(2);
    expect(result.statements).toHaveLength(5);
  });

  it('checks only the rows a filter keeps, in the same one scan', async (ctx) => {
    if (!target.available()) return ctx.skip();
    const result = await runContractChecks(contract(target.server()), {
      dataRoot: dir,
      now: () => NOW,
      filter: "status = 'paid'",
      samples: 5,
      env: target.name === 'postgres' ? pgEnv() : {},
    });
    const got = (id: string) => {
      const c = result.checks.find((x) => x.id === id)!;
      return [c.status, typeof c.measured === 'string' ? Number(c.measured) : c.measured];
    };
    // The paid rows: ids 1, 2, 5 and 7.
    expect(got('rows-exact')).toEqual(['failed', 4]);
    expect(got('orders.customer_email.required')).toEqual(['passed', 0]);
    expect(got('orders.amount.maximum')).toEqual(['failed', 1]); // 150
    expect(got('amount-nulls')).toEqual(['failed', 25]); // id 7 of 4 rows
    expect(got('sla.latency[2]')).toEqual(['failed', 10800]);
    // Id 5 is paid once and 'N/A' once: the copy outside the window still counts.
    expect(got('orders.order_id.unique')).toEqual(['failed', 1]);
    const unique = result.checks.find((c) => c.id === 'orders.order_id.unique')!;
    expect(unique.samples?.map((s) => [Number(s.order_id), Number(s.copies)])).toEqual([[5, 2]]);
    const maximum = result.checks.find((c) => c.id === 'orders.amount.maximum')!;
    expect(maximum.samples?.map((s) => s.status)).toEqual(['paid']);
    // A sql rule is the author's own query: not rewritten, so not run.
    expect(result.checks.find((c) => c.id === 'big-amounts')).toMatchObject({
      status: 'skipped',
      message: expect.stringMatching(/not run under a row filter/),
    });
    expect(result.scope).toEqual({ filters: { orders: "status = 'paid'" } });
    const scans = result.statements.filter((s) => s.startsWith('SELECT COUNT(*) AS "row_count"'));
    expect(scans).toHaveLength(1);
  });

  it('samples failing rows with confidential columns masked', async (ctx) => {
    if (!target.available()) return ctx.skip();
    const result = await runContractChecks(contract(target.server()), {
      dataRoot: dir,
      now: () => NOW,
      samples: 5,
      env: target.name === 'postgres' ? pgEnv() : {},
    });
    const invalid = result.checks.find((c) => c.id === 'status-valid')!;
    expect(invalid.samples?.map((s) => [s.status, s.customer_email])).toEqual([
      ['unknown', '***'],
      ['N/A', '***'],
    ]);
    const unique = result.checks.find((c) => c.id === 'orders.order_id.unique')!;
    expect(unique.samples?.map((s) => [Number(s.order_id), Number(s.copies)])).toEqual([[5, 2]]);
    const passed = result.checks.find((c) => c.id === 'rows-exact')!;
    expect(passed.samples).toBeUndefined();
  });

  it('stops a statement at the timeout and reports it as an error of that check', async (ctx) => {
    if (!target.available()) return ctx.skip();
    const slow =
      target.name === 'postgres'
        ? 'SELECT COUNT(*) FROM generate_series(1, 1000000000)'
        : target.name === 'sqlite'
          ? 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c'
          : 'SELECT SUM(a.range * b.range) FROM range(1000000) a, range(1000000) b';
    const doc = contract(target.server());
    doc.schema[0]!.quality = [{ id: 'slow', type: 'sql', query: slow, mustBe: 0 } as never];
    const result = await runContractChecks(doc, {
      dataRoot: dir,
      now: () => NOW,
      timeoutMs: 300,
      env: target.name === 'postgres' ? pgEnv() : {},
    });
    const check = result.checks.find((c) => c.id === 'slow')!;
    expect(check.status).toBe('error');
    expect(check.message).toMatch(/timed out after 0.3 s/);
  });

  it('refuses writes in the engine itself, beneath the guard', async (ctx) => {
    if (!target.available()) return ctx.skip();
    const engines = {
      duckdb: new DuckDbCheckEngine(),
      sqlite: new SqliteCheckEngine(),
      postgres: new PostgresCheckEngine(),
    };
    const server = target.server();
    const engine = Object.values(engines).find((e) => e.supports(server))!;
    const session = await engine.open(
      server,
      [{ name: 'orders', physicalName: 'orders', textColumns: ['code'] }],
      {
        dataRoot: dir,
        timeoutMs: 5000,
        env: target.name === 'postgres' ? pgEnv() : {},
      },
    );
    try {
      const relation = await session.relation({ name: 'orders', physicalName: 'orders', textColumns: [] });
      const write =
        session.engine === 'duckdb'
          ? `COPY (SELECT 1) TO '${join(dir, 'leak.csv')}'`
          : `INSERT INTO ${relation} (order_id) VALUES (99)`;
      await expect(session.query(write)).rejects.toThrow(/disabled|read-only|readonly/i);
      if (session.engine === 'duckdb') {
        const own = String(server.path);
        await expect(session.query(`SELECT * FROM '${join(dir, own)}'`)).resolves.toHaveLength(8);
        const other = own.endsWith('.csv') ? 'orders.parquet' : 'orders.csv';
        await expect(session.query(`SELECT * FROM '${join(dir, other)}'`)).rejects.toThrow(/disabled/);
        await expect(session.query("SELECT * FROM read_text('/etc/hostname')")).rejects.toThrow(/disabled/);
      }
      const [row] = await session.query(`SELECT COUNT(*) AS n FROM ${relation}`);
      expect(Number(row?.n)).toBe(8);
    } finally {
      await session.close();
    }
  });
});

describe('unreachable and unsupported data', () => {
  it('reports a missing file as an error of the run, never a pass', async () => {
    const result = await runContractChecks(
      contract({ server: 'files', type: 'local', format: 'csv', path: 'missing.csv' }),
      { dataRoot: dir },
    );
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/the file 'missing.csv' does not exist/);
    expect(new Set(result.checks.map((c) => c.status))).toEqual(new Set(['error']));
  });

  it('reports an unsupported server type as not supported, never a pass', async () => {
    const result = await runContractChecks(
      contract({ server: 'wh', type: 'snowflake', account: 'x', database: 'd', schema: 's' }),
      { dataRoot: dir },
    );
    expect(result.status).toBe('error');
    expect(result.message).toMatch(/Not supported: server 'wh' of type 'snowflake' is not supported/);
    expect(result.checks.every((c) => c.status === 'skipped' && /not supported/.test(c.message ?? ''))).toBe(
      true,
    );
  });

  it.each([
    [{ server: 'lake', type: 's3', location: 's3://bucket/orders/*.csv', format: 'csv' }, "'s3://'"],
    [{ server: 'lake', type: 'local', format: 'csv', path: 's3://bucket/orders.csv' }, "'s3://'"],
    [{ server: 'lake', type: 'gcs', location: 'gs://bucket/orders.parquet', format: 'parquet' }, "'gs://'"],
    [
      { server: 'lake', type: 'azure', location: 'az://container/orders.parquet', format: 'parquet' },
      "'az://'",
    ],
    [{ server: 'lake', type: 's3', format: 'parquet' }, 'object storage'],
  ])('reports object storage (%o) as not supported in this installation', async (server, reads) => {
    const result = await runContractChecks(contract(server), { dataRoot: dir });
    expect(result.status).toBe('error');
    expect(result.engine).toBe('none');
    expect(result.message).toContain(`reads ${reads}, which is not supported in this installation`);
    expect(result.message).toMatch(/httpfs or azure extension, which is not installed/);
    expect(result.checks.every((c) => c.status === 'skipped' && /not supported/.test(c.message ?? ''))).toBe(
      true,
    );
  });

  it('never puts a password in a message', async (ctx) => {
    if (!pgReady) return ctx.skip();
    const url = new URL(pgDb!.url);
    const result = await runContractChecks(
      contract({
        server: 'warehouse',
        type: 'postgres',
        host: url.hostname,
        port: Number(url.port || 5432),
        database: 'no_such_database_here',
        schema: 'shop',
      }),
      {
        env: {
          CHARTER_SECRET_WAREHOUSE_USER: 'postgres',
          CHARTER_SECRET_WAREHOUSE_PASSWORD: 'hunter2-secret',
        },
      },
    );
    expect(result.status).toBe('error');
    expect(JSON.stringify(result)).not.toContain('hunter2-secret');
    expect(result.message).toMatch(/PostgreSQL server 'warehouse' .* could not be reached/);
  });
});
