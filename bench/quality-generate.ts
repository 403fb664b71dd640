/**
 * Generates the quality benchmark's table: the same deterministic rows as a Parquet file (DuckDB's
 * range() and COPY … TO (FORMAT parquet)), a SQLite file and a PostgreSQL table. Run it alone with
 * `node --import tsx bench/quality-generate.ts [rows]` to write bench/.data/quality-events.parquet.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import pg from 'pg';

export const benchDataDir = join(dirname(fileURLToPath(import.meta.url)), '.data');

/** Column expressions over the row number `i`, written once for DuckDB and PostgreSQL. */
const columns = (
  cast: (expr: string, type: string) => string,
  pick: (list: string[], n: string) => string,
) => [
  ['id', 'i'],
  ['user_id', '(i % 100000)'],
  ['session_id', `CASE WHEN i % 997 = 0 THEN NULL ELSE 's' || ${cast('(i % 2000000)', 'text')} END`],
  ['amount', `CASE WHEN i % 1009 = 0 THEN NULL ELSE ${cast('(i % 10000)', 'double')} / 100.0 END`],
  ['quantity', cast('(i % 20)', 'int')],
  ['status', pick(['new', 'paid', 'shipped', 'cancelled'], '(i % 4)')],
  [
    'country',
    pick(['NL', 'DE', 'BE', 'FR', 'GB', 'SE', 'XX'], 'CASE WHEN i % 100003 = 0 THEN 6 ELSE i % 6 END'),
  ],
  [
    'email',
    `CASE WHEN i % 1000 = 0 THEN NULL ELSE 'user' || ${cast('(i % 100000)', 'text')} || '@example.com' END`,
  ],
  ['sku', `'SKU-' || lpad(${cast('(i % 1000000)', 'text')}, 6, '0')`],
  ['created_at', 'CREATED'],
];

function pickCase(list: string[], n: string): string {
  return `CASE ${n} ${list.map((v, k) => `WHEN ${k} THEN '${v}'`).join(' ')} END`;
}

/** Rows end at `newest` (one second apart), so freshness is measurable. */
export async function generateParquet(file: string, rows: number, newest: Date): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  rmSync(file, { force: true });
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const cast = (e: string, t: string) =>
    `CAST(${e} AS ${t === 'text' ? 'VARCHAR' : t === 'int' ? 'INTEGER' : 'DOUBLE'})`;
  const start = new Date(newest.getTime() - (rows - 1) * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace('Z', '');
  const select = columns(cast, pickCase)
    .map(([name, expr]) =>
      name === 'created_at' ? `TIMESTAMP '${start}' + to_seconds(i) AS created_at` : `${expr} AS ${name}`,
    )
    .join(', ');
  await duck.run(`COPY (SELECT ${select} FROM range(${rows}) t(i)) TO '${file}' (FORMAT parquet)`);
  duck.closeSync();
}

export async function generateSqlite(file: string, rows: number, newest: Date): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  rmSync(file, { force: true });
  // DuckDB writes the rows; SQLite reads them from a CSV-free path: insert in batches from DuckDB.
  const parquet = `${file}.parquet`;
  await generateParquet(parquet, rows, newest);
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(`CREATE TABLE events (id INTEGER, user_id INTEGER, session_id TEXT, amount REAL, quantity INTEGER,
    status TEXT, country TEXT, email TEXT, sku TEXT, created_at TIMESTAMP)`);
  const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const batch = 100_000;
  for (let offset = 0; offset < rows; offset += batch) {
    const reader = await duck.runAndReadAll(
      `SELECT id, user_id, session_id, amount, quantity, status, country, email, sku, strftime(created_at, '%Y-%m-%d %H:%M:%S') AS created_at
       FROM '${parquet}' ORDER BY id LIMIT ${batch} OFFSET ${offset}`,
    );
    const tx = db.transaction((list: unknown[][]) => {
      for (const r of list) insert.run(...r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
    });
    tx(reader.getRows());
  }
  db.close();
  duck.closeSync();
  rmSync(parquet, { force: true });
}

export async function generatePostgres(
  url: string,
  schema: string,
  rows: number,
  newest: Date,
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.query(`CREATE SCHEMA ${schema}`);
    const cast = (e: string, t: string) =>
      `CAST(${e} AS ${t === 'text' ? 'text' : t === 'int' ? 'integer' : 'double precision'})`;
    const start = new Date(newest.getTime() - (rows - 1) * 1000).toISOString();
    const select = columns(cast, (list, n) => `(ARRAY[${list.map((v) => `'${v}'`).join(', ')}])[(${n}) + 1]`)
      .map(([name, expr]) =>
        name === 'created_at'
          ? `(TIMESTAMP '${start.replace('T', ' ').replace('Z', '')}' + make_interval(secs => i)) AS created_at`
          : `${expr} AS ${name}`,
      )
      .join(', ');
    await client.query(
      `CREATE TABLE ${schema}.events AS SELECT ${select} FROM generate_series(0, ${rows - 1}) AS g(i)`,
    );
    await client.query(`ANALYZE ${schema}.events`);
  } finally {
    await client.end();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = Number(process.argv[2] ?? 10_000_000);
  const file = join(benchDataDir, 'quality-events.parquet');
  const t = performance.now();
  await generateParquet(file, rows, new Date());
  console.log(
    `wrote ${rows} rows to ${file} in ${((performance.now() - t) / 1000).toFixed(1)} s (${existsSync(file)})`,
  );
}
