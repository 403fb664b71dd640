/**
 * `npm run bench:quality`: Charter's `check` against its own generated SQL run directly through
 * the engine (Charter's overhead; target ≤ 1.25×) and against one query per check (the naive way;
 * target ≥ 5× slower than Charter), on a 10,000,000-row Parquet file (DuckDB) and on 1,000,000 rows
 * in SQLite and PostgreSQL, 20 checks each. Prints the figures and rewrites the "Data quality"
 * section of docs/benchmarks.md. Never fails on timing.
 *
 * BENCH_QUALITY_ROWS (10000000), BENCH_QUALITY_DB_ROWS (1000000), BENCH_QUALITY_REPEAT (3),
 * BENCH_POSTGRES=0 to skip PostgreSQL, BENCH_DATABASE_URL for its admin URL.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Catalog } from '../src/catalog/catalog.js';
import { QualityService } from '../src/quality/quality-service.js';
import { openStore } from '../src/store/open-store.js';
import { qualityStoreFor } from '../src/store/sql/sql-quality-store.js';
import { benchDataDir, generateParquet, generatePostgres, generateSqlite } from './quality-generate.js';

const ROWS = Number(process.env.BENCH_QUALITY_ROWS ?? 10_000_000);
const DB_ROWS = Number(process.env.BENCH_QUALITY_DB_ROWS ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_QUALITY_REPEAT ?? 3);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NEWEST = new Date();

/** The 20 checks: what the issue lists, as a contract would declare them. */
function contract(server: Record<string, unknown>) {
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: 'bench-events',
    name: 'events',
    version: '1.0.0',
    status: 'active',
    domain: 'bench',
    servers: [server],
    schema: [
      {
        name: 'events',
        properties: [
          { name: 'id', logicalType: 'integer', unique: true }, // 1 duplicate check
          { name: 'user_id', logicalType: 'integer', quality: [{ metric: 'nullValues', mustBe: 0 }] },
          {
            name: 'session_id',
            logicalType: 'string',
            quality: [
              { metric: 'nullValues', mustBeLessThan: 1, unit: 'percent' },
              { metric: 'duplicateValues', mustBeGreaterThan: 0 },
            ],
          },
          {
            name: 'amount',
            logicalType: 'number',
            logicalTypeOptions: { minimum: 0, maximum: 100 },
            quality: [{ metric: 'nullValues', mustBeLessThan: 1, unit: 'percent' }],
          },
          { name: 'quantity', logicalType: 'integer', logicalTypeOptions: { maximum: 19 } },
          {
            name: 'status',
            logicalType: 'string',
            quality: [
              { metric: 'nullValues', mustBe: 0 },
              {
                metric: 'invalidValues',
                arguments: { validValues: ['new', 'paid', 'shipped', 'cancelled'] },
                mustBe: 0,
              },
            ],
          },
          {
            name: 'country',
            logicalType: 'string',
            quality: [
              {
                metric: 'invalidValues',
                arguments: { validValues: ['NL', 'DE', 'BE', 'FR', 'GB', 'SE'] },
                mustBe: 0,
              },
              { metric: 'missingValues', arguments: { missingValues: [null, '', 'N/A'] }, mustBe: 0 },
            ],
          },
          {
            name: 'email',
            logicalType: 'string',
            logicalTypeOptions: { pattern: '^[a-z0-9.]+@[a-z0-9.]+$' },
            quality: [{ metric: 'nullValues', mustBeLessThan: 1, unit: 'percent' }],
          },
          {
            name: 'sku',
            logicalType: 'string',
            logicalTypeOptions: { pattern: '^SKU-[0-9]{6}$' },
            quality: [{ metric: 'duplicateValues', mustBeGreaterThan: 0 }],
          },
          { name: 'created_at', logicalType: 'timestamp' },
        ],
        quality: [
          { metric: 'rowCount', mustBeGreaterThan: 0 },
          {
            metric: 'duplicateValues',
            arguments: { properties: ['session_id', 'quantity'] },
            mustBeGreaterThan: 0,
          },
          {
            type: 'sql',
            query: "SELECT COUNT(*) FROM {object} WHERE status = 'cancelled' AND amount > 99",
            mustBeGreaterThan: 0,
          },
        ],
      },
    ],
    slaProperties: [{ property: 'freshness', value: 1, unit: 'd', element: 'events.created_at' }],
  };
}

/** The same 20 checks, one query each: what a tool without a planner runs. */
function naiveQueries(rel: string, re: (col: string, pattern: string) => string, epoch: string): string[] {
  const dup = (cols: string) =>
    `SELECT COALESCE(SUM(n), 0) - COUNT(*) FROM (SELECT COUNT(*) AS n FROM ${rel} WHERE ${cols
      .split(', ')
      .map((c) => `${c} IS NOT NULL`)
      .join(' AND ')} GROUP BY ${cols}) g`;
  return [
    `SELECT COUNT(*) FROM ${rel}`,
    `SELECT COUNT(*) FROM ${rel} WHERE user_id IS NULL`,
    `SELECT COUNT(*) FROM ${rel} WHERE session_id IS NULL`,
    `SELECT COUNT(*) FROM ${rel} WHERE amount IS NULL`,
    `SELECT COUNT(*) FROM ${rel} WHERE status IS NULL`,
    `SELECT COUNT(*) FROM ${rel} WHERE email IS NULL`,
    dup('id'),
    dup('session_id'),
    dup('sku'),
    `SELECT COUNT(*) FROM ${rel} WHERE amount < 0`,
    `SELECT COUNT(*) FROM ${rel} WHERE amount > 100`,
    `SELECT COUNT(*) FROM ${rel} WHERE quantity > 19`,
    `SELECT COUNT(*) FROM ${rel} WHERE email IS NOT NULL AND NOT ${re('email', '^[a-z0-9.]+@[a-z0-9.]+$')}`,
    `SELECT COUNT(*) FROM ${rel} WHERE NOT ${re('sku', '^SKU-[0-9]{6}$')}`,
    `SELECT COUNT(*) FROM ${rel} WHERE status NOT IN ('new', 'paid', 'shipped', 'cancelled')`,
    `SELECT COUNT(*) FROM ${rel} WHERE country NOT IN ('NL', 'DE', 'BE', 'FR', 'GB', 'SE')`,
    `SELECT COUNT(*) FROM ${rel} WHERE country IS NULL OR country IN ('', 'N/A')`,
    epoch,
    dup('session_id, quantity'),
    `SELECT COUNT(*) FROM ${rel} WHERE status = 'cancelled' AND amount > 99`,
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

interface Figures {
  engine: string;
  rows: number;
  checks: number;
  statements: number;
  charter: number;
  direct: number;
  naive: number;
  /** The aggregate checks alone: Charter's one scan, and one query per check. */
  scanOne: number;
  scanNaive: number;
}

/** Indexes of the naive list that are aggregate (not grouped, not sql) checks. */
const SCAN_CHECKS = [0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 15, 16, 17];

/** Medians of the generated statements, the naive list, and their aggregate-only parts. */
async function measure(run: (list: string[]) => Promise<void>, statements: string[], naiveList: string[]) {
  const direct: number[] = [];
  const naive: number[] = [];
  const scanOne: number[] = [];
  const scanNaive: number[] = [];
  const scan = statements.filter((s) => s.includes('AS "row_count"'));
  const scanList = SCAN_CHECKS.map((i) => naiveList[i]!);
  for (let i = 0; i < REPEAT; i++) {
    direct.push(await time(() => run(statements)));
    naive.push(await time(() => run(naiveList)));
    scanOne.push(await time(() => run(scan)));
    scanNaive.push(await time(() => run(scanList)));
  }
  return {
    direct: median(direct),
    naive: median(naive),
    scanOne: median(scanOne),
    scanNaive: median(scanNaive),
  };
}

/** Charter end to end: contract → checks → SQL on the engine → results stored with audit. */
async function charterCheck(server: Record<string, unknown>, env: NodeJS.ProcessEnv, dataRoot: string) {
  const store = await openStore({ memory: true });
  const catalog = new Catalog(store, { actor: 'user:bench' });
  const domain = {
    apiVersion: 'charter/v1',
    kind: 'Domain',
    metadata: { name: 'bench' },
    spec: { title: 'Bench' },
  };
  const applied = await catalog.apply({
    docs: [domain, contract(server)].map((doc, index) => ({ source: 'bench', index, doc })),
  });
  if (!applied.applied) throw new Error(JSON.stringify(applied.results));
  const service = new QualityService(catalog, qualityStoreFor(store), { actor: 'user:bench', dataRoot, env });
  try {
    const times: number[] = [];
    let run: Awaited<ReturnType<QualityService['checkDataset']>> | undefined;
    for (let i = 0; i < REPEAT; i++) {
      times.push(
        await time(async () => {
          run = await service.checkDataset('dataset:bench/events');
        }),
      );
    }
    const data = run!.checks.filter((c) => c.category !== 'schema' || !['present', 'type'].includes(c.type));
    const broken = data.filter((c) => c.status === 'error');
    if (broken.length)
      throw new Error(`checks errored: ${broken.map((c) => `${c.id}: ${c.message}`).join('; ')}`);
    return { ms: median(times), statements: run!.statements, checks: data.length };
  } finally {
    await store.close();
  }
}

async function benchDuckDb(): Promise<Figures> {
  const file = join(benchDataDir, `quality-events-${ROWS}.parquet`);
  if (!existsSync(file)) {
    console.log(`generating ${ROWS.toLocaleString()} rows → ${file}`);
    await generateParquet(file, ROWS, NEWEST);
  }
  const server = { server: 'files', type: 'local', format: 'parquet', path: file };
  const c = await charterCheck(server, {}, benchDataDir);
  const duck = await (await DuckDBInstance.create(':memory:')).connect();
  await duck.run(`CREATE VIEW events AS SELECT * FROM read_parquet('${file}')`);
  const run = async (list: string[]) => {
    for (const s of list) await duck.runAndReadAll(s);
  };
  const naiveList = naiveQueries(
    'events',
    (col, p) => `regexp_matches(${col}, '${p}')`,
    'SELECT epoch(MAX(created_at)) FROM events',
  );
  const m = await measure(run, c.statements, naiveList);
  duck.closeSync();
  return {
    engine: 'DuckDB (Parquet)',
    rows: ROWS,
    checks: c.checks,
    statements: c.statements.length,
    charter: c.ms,
    ...m,
  };
}

async function benchSqlite(): Promise<Figures> {
  const file = join(benchDataDir, `quality-events-${DB_ROWS}.db`);
  if (!existsSync(file)) {
    console.log(`generating ${DB_ROWS.toLocaleString()} rows → ${file}`);
    await generateSqlite(file, DB_ROWS, NEWEST);
  }
  const server = { server: 'lite', type: 'local', format: 'sqlite', path: file };
  const c = await charterCheck(server, {}, benchDataDir);
  const db = new Database(file, { readonly: true });
  const cache = new Map<string, RegExp>();
  db.function('regexp', { deterministic: true }, (p, v) => {
    if (v === null) return null;
    let re = cache.get(String(p));
    if (!re) {
      re = new RegExp(String(p), 'u');
      cache.set(String(p), re);
    }
    return re.test(String(v)) ? 1 : 0;
  });
  const run = async (list: string[]) => {
    for (const s of list) db.prepare(s).all();
  };
  const naiveList = naiveQueries(
    'events',
    (col, p) => `regexp('${p}', ${col})`,
    'SELECT (MAX(julianday(created_at)) - 2440587.5) * 86400.0 FROM events',
  );
  const m = await measure(run, c.statements, naiveList);
  db.close();
  return {
    engine: 'SQLite',
    rows: DB_ROWS,
    checks: c.checks,
    statements: c.statements.length,
    charter: c.ms,
    ...m,
  };
}

async function benchPostgres(): Promise<Figures | undefined> {
  if (process.env.BENCH_POSTGRES === '0') return undefined;
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    console.log(`PostgreSQL at ${ADMIN_URL} is unreachable (${(error as Error).message}); skipped`);
    return undefined;
  }
  const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'charter_quality_bench'`);
  if (!exists.rowCount) await admin.query('CREATE DATABASE charter_quality_bench');
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = '/charter_quality_bench';
  const probe = new pg.Client({ connectionString: url.toString() });
  await probe.connect();
  const have = await probe
    .query('SELECT COUNT(*)::int AS n FROM bench.events')
    .then((r) => r.rows[0].n as number)
    .catch(() => 0);
  await probe.end();
  if (have !== DB_ROWS) {
    console.log(`generating ${DB_ROWS.toLocaleString()} rows → PostgreSQL bench.events`);
    await generatePostgres(url.toString(), 'bench', DB_ROWS, NEWEST);
  }
  const server = {
    server: 'bench-pg',
    type: 'postgres',
    host: url.hostname,
    port: Number(url.port || 5432),
    database: 'charter_quality_bench',
    schema: 'bench',
  };
  const env = {
    CHARTER_SECRET_BENCH_PG_USER: decodeURIComponent(url.username || 'postgres'),
    ...(url.password ? { CHARTER_SECRET_BENCH_PG_PASSWORD: decodeURIComponent(url.password) } : {}),
  };
  const c = await charterCheck(server, env, benchDataDir);
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query('SET search_path = bench');
  const run = async (list: string[]) => {
    for (const s of list) await client.query(s);
  };
  const naiveList = naiveQueries(
    'events',
    (col, p) => `(${col} ~ '${p}')`,
    'SELECT EXTRACT(EPOCH FROM MAX(created_at)) FROM events',
  );
  const m = await measure(run, c.statements, naiveList);
  await client.end();
  return {
    engine: 'PostgreSQL',
    rows: DB_ROWS,
    checks: c.checks,
    statements: c.statements.length,
    charter: c.ms,
    ...m,
  };
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function table(figures: Figures[]): string {
  const lines = [
    '| engine | rows | checks | statements | Charter `check` | its SQL run directly | overhead (target ≤ 1.25×) | one query per check | naive ÷ Charter (target ≥ 5×) | 15 aggregate checks: one scan | … one query each | ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const f of figures) {
    const overhead = f.charter / f.direct;
    const speedup = f.naive / f.charter;
    lines.push(
      `| ${f.engine} | ${f.rows.toLocaleString('en')} | ${f.checks} | ${f.statements} | ${sec(f.charter)} | ${sec(f.direct)} | ${overhead.toFixed(2)}× ${overhead <= 1.25 ? '✓' : '✗'} | ${sec(f.naive)} | ${speedup.toFixed(2)}× ${speedup >= 5 ? '✓' : '✗'} | ${sec(f.scanOne)} | ${sec(f.scanNaive)} | ${(f.scanNaive / f.scanOne).toFixed(2)}× |`,
    );
  }
  return lines.join('\n');
}

function writeSection(body: string) {
  const docs = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks.md');
  const start = '<!-- bench:quality -->';
  const end = '<!-- /bench:quality -->';
  const section = `${start}\n${body}\n${end}`;
  const text = existsSync(docs) ? readFileSync(docs, 'utf8') : '# Benchmarks\n';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  const next =
    a >= 0 && b > a
      ? `${text.slice(0, a)}${section}${text.slice(b + end.length)}`
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(docs, next);
}

const figures: Figures[] = [];
for (const bench of [benchDuckDb, benchSqlite, benchPostgres]) {
  const f = await bench();
  if (!f) continue;
  figures.push(f);
  console.log(
    `${f.engine}: ${f.rows.toLocaleString('en')} rows, ${f.checks} checks in ${f.statements} statements — Charter ${sec(f.charter)}, direct ${sec(f.direct)} (${(f.charter / f.direct).toFixed(2)}×), naive ${sec(f.naive)} (${(f.naive / f.charter).toFixed(2)}× slower)`,
  );
}
const vars = ['BENCH_QUALITY_ROWS', 'BENCH_QUALITY_DB_ROWS', 'BENCH_QUALITY_REPEAT', 'BENCH_POSTGRES']
  .filter((v) => process.env[v] !== undefined)
  .map((v) => `${v}=${process.env[v]} `)
  .join('');
const cpu = cpus();
writeSection(`## Data quality

Command: \`${vars}npm run bench:quality\`  
Machine: ${cpu.length} CPUs (${cpu[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GB RAM, ${process.platform} ${process.arch}, Node ${process.version}  
Date: ${new Date().toISOString().slice(0, 10)}; median of ${REPEAT} runs each, all in the same run.

The 20 checks: row count; nulls on 5 columns; 3 duplicate checks (\`id\` unique, \`session_id\`, \`sku\`);
3 ranges (\`amount\` ≥ 0, \`amount\` ≤ 100, \`quantity\` ≤ 19); 2 patterns (\`email\`, \`sku\`); 2 valid-value
lists (\`status\`, \`country\`); freshness of \`created_at\`; one multi-column uniqueness
(\`session_id\`, \`quantity\`); one \`sql\` rule; plus a \`missingValues\` check on \`country\` to make 20 (the
column-present checks read metadata only and are not counted). Charter runs them as one aggregate scan,
one grouped statement per uniqueness key and the \`sql\` rule as written.

- **Charter \`check\`**: \`QualityService.checkDataset\` end to end — compile the contract, open the
  engine's sandboxed read-only session, run the statements, store the run and its audit record.
- **its SQL run directly**: the same statements Charter generated, run on a plain connection.
- **one query per check**: 20 statements, one per check, on the same connection.

${table(figures)}

Why "naive ÷ Charter" stays far below 5× in this suite: four of the 20 checks are uniqueness checks,
and a uniqueness check is a grouped statement (a hash aggregation over up to 10 million keys) whatever
the approach; those four statements are most of the time in both columns. The one scan replaces the
other 15 aggregate checks, and the last three columns time exactly that: one statement against 15.
PostgreSQL and SQLite read the table once instead of 15 times; on Parquet, DuckDB answers simple
separate filters such as \`amount < 0\` from row-group statistics without reading the column, which one
aggregate statement cannot, and the two regular expressions dominate the scan either way. The machine
has 2 CPUs shared with other work: across three full runs the DuckDB figures moved by up to 2× (the
first two ran beside another benchmark), so an overhead below 1× means "within the noise", not faster.

The data is generated by \`bench/quality-generate.ts\` (DuckDB \`range()\` + \`COPY … TO (FORMAT parquet)\`;
the same formulas in PostgreSQL with \`generate_series\`, and copied into SQLite) under \`bench/.data/\`.`);
console.log(`\n${table(figures)}\n\nWrote the "Data quality" section of docs/benchmarks.md.`);
