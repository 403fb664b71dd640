/**
 * Charter's checks on the datacontract-cli fixtures that carry data. Each test asserts what the
 * fixture's data implies; where a fixture relies on something outside ODCS (the older Data Contract
 * Specification format, the CLI's --filter and --quality-id options), the test says what Charter
 * does with it. The fixtures over `diagnostics/data/orders.csv` run on every engine: DuckDB reads
 * the CSV itself, and the same rows are loaded into a SQLite file and a PostgreSQL table.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CheckResult, ContractRunResult } from '../src/quality/quality-types.js';
import { type RunOptions, runContractChecks } from '../src/quality/run-checks.js';
import { referenceDir, referencePath } from './support/reference.js';
import { createPostgresDatabase, postgresAvailable } from './support/stores.js';

const present = referenceDir() !== undefined;
const tests = referencePath('standards', 'datacontract-cli-fixtures', 'tests');
const fixture = (path: string) =>
  parse(
    readFileSync(referencePath('standards', 'datacontract-cli-fixtures', 'tests', 'fixtures', path), 'utf8'),
  );

/** The fixtures' server paths (`./fixtures/…`) are relative to the tests folder. */
const run = (doc: Record<string, unknown>, server?: string, options: RunOptions = {}) =>
  runContractChecks(doc, { dataRoot: tests, ...(server ? { server } : {}), ...options });

const failing = (r: ContractRunResult) =>
  r.checks.filter((c) => c.status === 'failed').map((c) => [c.id, c.measured]);
const byId = (r: ContractRunResult, id: string): CheckResult => {
  const c = r.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id} in ${r.checks.map((x) => x.id).join(', ')}`);
  return c;
};

/**
 * Charter accepts ODCS only. The `diagnostics` contract is written in the older Data Contract
 * Specification (DCS 1.2.1); this test-only translation maps its fields to the ODCS properties a
 * user would write, so the same expectations run through Charter's compiler.
 */
// biome-ignore lint/suspicious/noExplicitAny: DCS documents are untyped YAML read in a test
type Loose = any;

function dcsToOdcs(dcs: Record<string, Loose>): Record<string, unknown> {
  const servers = Object.entries(dcs.servers ?? {}).map(([server, s]) => ({ server, ...(s as object) }));
  const schema = Object.entries(dcs.models ?? {}).map(([name, model]: [string, Loose]) => ({
    name,
    properties: Object.entries(model.fields ?? {}).map(([field, f]: [string, Loose]) => {
      const options: Record<string, unknown> = {};
      for (const k of ['minLength', 'maxLength', 'pattern', 'minimum', 'maximum'])
        if (f[k] !== undefined) options[k] = f[k];
      return {
        name: field,
        logicalType: f.type === 'varchar' ? 'string' : f.type,
        ...(f.required ? { required: true } : {}),
        ...(f.unique ? { unique: true } : {}),
        ...(Object.keys(options).length ? { logicalTypeOptions: options } : {}),
      };
    }),
  }));
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: dcs.id,
    version: dcs.info?.version,
    status: 'active',
    servers,
    schema,
  };
}

/** The rows of `diagnostics/data/orders.csv` (no quoted fields), for loading into the databases. */
function ordersRows(): [number, string, number][] {
  const [, ...lines] = readFileSync(
    referencePath(
      'standards',
      'datacontract-cli-fixtures',
      'tests',
      'fixtures',
      'diagnostics',
      'data',
      'orders.csv',
    ),
    'utf8',
  )
    .trim()
    .split('\n');
  return lines.map((line) => {
    const [id, email, amount] = line.split(',');
    return [Number(id), email!, Number(amount)];
  });
}

interface Engine {
  name: 'duckdb' | 'sqlite' | 'postgres';
  /** Points a fixture at this engine's copy of orders.csv (DuckDB keeps the fixture's own server). */
  retarget: (doc: Record<string, unknown>) => Record<string, unknown>;
  options: () => RunOptions;
  available: () => boolean;
}

const dir = mkdtempSync(join(tmpdir(), 'charter-conformance-'));
let pgDb: { url: string; drop: () => Promise<void> } | undefined;

const engines: Engine[] = [
  { name: 'duckdb', retarget: (d) => d, options: () => ({ dataRoot: tests }), available: () => true },
  {
    name: 'sqlite',
    retarget: (d) => ({
      ...d,
      servers: [{ server: 'lite', type: 'local', format: 'sqlite', path: 'orders.db' }],
    }),
    options: () => ({ dataRoot: dir }),
    available: () => true,
  },
  {
    name: 'postgres',
    retarget: (d) => {
      const url = new URL(pgDb!.url);
      return {
        ...d,
        servers: [
          {
            server: 'warehouse',
            type: 'postgres',
            host: url.hostname,
            port: Number(url.port || 5432),
            database: url.pathname.slice(1),
            schema: 'fixtures',
          },
        ],
      };
    },
    options: () => {
      const url = new URL(pgDb!.url);
      return {
        env: {
          CHARTER_SECRET_WAREHOUSE_USER: decodeURIComponent(url.username || 'postgres'),
          ...(url.password ? { CHARTER_SECRET_WAREHOUSE_PASSWORD: decodeURIComponent(url.password) } : {}),
        },
      };
    },
    available: () => pgDb !== undefined,
  },
];

beforeAll(async () => {
  if (!present) return;
  const rows = ordersRows();
  const lite = new Database(join(dir, 'orders.db'));
  lite.exec('CREATE TABLE orders (order_id INTEGER, email TEXT, amount INTEGER)');
  const insert = lite.prepare('INSERT INTO orders VALUES (?, ?, ?)');
  for (const r of rows) insert.run(...r);
  lite.close();
  if (await postgresAvailable()) {
    pgDb = await createPostgresDatabase();
    const client = new pg.Client({ connectionString: pgDb.url });
    await client.connect();
    await client.query('CREATE SCHEMA fixtures');
    await client.query('CREATE TABLE fixtures.orders (order_id integer, email text, amount integer)');
    for (const r of rows) await client.query('INSERT INTO fixtures.orders VALUES ($1, $2, $3)', r);
    await client.end();
  }
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await pgDb?.drop();
});

describe.skipIf(!present)('datacontract-cli fixtures over orders.csv, on every engine', () => {
  describe.each(engines)('$name', (engine) => {
    const check = (path: string, options: RunOptions = {}) => {
      const raw = fixture(path);
      const doc = path.startsWith('diagnostics/') ? dcsToOdcs(raw) : raw;
      return runContractChecks(engine.retarget(doc), { ...engine.options(), ...options });
    };

    it('diagnostics: finds the duplicate id, the bad email, the too-long email and the two out-of-range amounts', async (ctx) => {
      if (!engine.available()) return ctx.skip();
      const r = await check('diagnostics/datacontract.yaml');
      expect(r.engine).toBe(engine.name);
      expect(r.status).toBe('failed');
      expect(failing(r)).toEqual([
        ['orders.order_id.unique', 1], // id 2 appears twice
        ['orders.email.maxLength', 1], // verylongaddress@example.com has 27 characters
        ['orders.email.pattern', 1], // no-at-sign
        ['orders.amount.minimum', 1], // -5
        ['orders.amount.maximum', 1], // 200
      ]);
      expect(byId(r, 'orders.order_id.required').status).toBe('passed');
      expect(byId(r, 'orders.email.required').status).toBe('passed');
      expect(byId(r, 'orders.email.minLength').status).toBe('passed');
      expect(r.checks.filter((c) => c.type === 'type').map((c) => [c.id, c.status])).toEqual([
        ['orders.order_id.type', 'passed'],
        ['orders.email.type', 'passed'],
        ['orders.amount.type', 'passed'],
      ]);
      expect(r.checks.filter((c) => c.status === 'error')).toEqual([]);
    });

    it('quality-id: the rule keeps its id and passes on 5 rows; --check by that id runs it alone', async (ctx) => {
      if (!engine.available()) return ctx.skip();
      const r = await check('quality-id/datacontract.yaml');
      expect(byId(r, 'orders_not_empty')).toMatchObject({
        status: 'passed',
        measured: 5,
        expected: '> 1 rows',
      });
      expect(r.status).toBe('passed');
      expect(r.scope).toBeUndefined();
      // datacontract-cli's --quality-id is Charter's selection by id (or by the rule's tags).
      const one = await check('quality-id/datacontract.yaml', { select: { checks: ['orders_not_empty'] } });
      expect(one.checks.map((c) => [c.id, c.status, c.measured])).toEqual([
        ['orders_not_empty', 'passed', 5],
      ]);
      expect(one.scope).toEqual({ checks: ['orders_not_empty'] });
      expect(one.statements).toHaveLength(1);
      const tagged = await check('quality-id/datacontract.yaml', { select: { tags: ['cheap'] } });
      expect(tagged.checks.map((c) => c.id)).toEqual(['orders_not_empty']);
      await expect(
        check('quality-id/datacontract.yaml', { select: { checks: ['orders_not_emtpy'] } }),
      ).rejects.toThrow(/No check of the contract matches --check orders_not_emtpy/);
    });

    it('quality-dimensions: the rowCount rule passes, records its dimension and is selected by it', async (ctx) => {
      if (!engine.available()) return ctx.skip();
      const r = await check('quality-dimensions/datacontract.yaml');
      expect(byId(r, 'orders.rowCount')).toMatchObject({
        status: 'passed',
        measured: 5,
        dimension: 'completeness',
      });
      expect(r.status).toBe('passed');
      const completeness = await check('quality-dimensions/datacontract.yaml', {
        select: { dimensions: ['completeness'] },
      });
      expect(completeness.checks.map((c) => [c.id, c.status])).toEqual([['orders.rowCount', 'passed']]);
      // The schema checks are conformity checks; they are not in this run.
      const conformity = await check('quality-dimensions/datacontract.yaml', {
        select: { dimensions: ['conformity'] },
      });
      expect(conformity.checks.map((c) => c.type)).toEqual(['present', 'type', 'present', 'type']);
    });

    describe('row-filter', () => {
      // The fixture asks for exactly 3 rows of the 5; datacontract-cli passes it with
      // --filter "order_id <= 2". Charter takes the same filter (an option of the run, not part
      // of the contract: ODCS has no row filter) and pushes it into the checks' WHERE.
      it('without a filter the 5 rows fail "mustBe: 3"', async (ctx) => {
        if (!engine.available()) return ctx.skip();
        const r = await check('row-filter/datacontract.yaml');
        expect(failing(r)).toEqual([['orders.rowCount', 5]]);
        expect(byId(r, 'orders.amount.type').status).toBe('passed');
        if (engine.name === 'duckdb') expect(byId(r, 'orders.amount.type').measured).toBe('BIGINT');
      });

      it.for<[string, RunOptions]>([
        ['filter', { filter: 'order_id <= 2' }],
        ['filters', { filters: { orders: 'order_id <= 2' } }],
      ])('with %s "order_id <= 2" the 3 rows pass', async ([, options], ctx) => {
        if (!engine.available()) return ctx.skip();
        const r = await check('row-filter/datacontract.yaml', options);
        expect(r.status).toBe('passed');
        expect(byId(r, 'orders.rowCount')).toMatchObject({ status: 'passed', measured: 3 });
        expect(r.scope).toEqual({ filters: { orders: 'order_id <= 2' } });
        const scans = r.statements.filter((s) => s.startsWith('SELECT COUNT(*) AS "row_count"'));
        expect(scans).toHaveLength(1);
        expect(scans[0]).toMatch(/WHERE \(order_id <= 2\)$/);
      });

      it.for<[string, [string, number][]]>([
        // Both id-2 rows are in the window.
        ['order_id <= 2', [['orders.order_id.unique', 1]]],
        // Bob's id 2 is in the window, Carol's copy is not: a duplicate across the edge is found.
        ["email = 'bob@test.com'", [['orders.order_id.unique', 1]]],
        // Id 1 occurs once in the table; the id-2 duplicate is none of this window's business.
        ['order_id = 1', []],
        [
          'order_id >= 3',
          [
            ['orders.email.maxLength', 1],
            ['orders.email.pattern', 1],
            ['orders.amount.minimum', 1],
            ['orders.amount.maximum', 1],
          ],
        ],
      ])(
        "diagnostics under the filter %s finds only that window's problems",
        async ([filter, expected], ctx) => {
          if (!engine.available()) return ctx.skip();
          const r = await check('diagnostics/datacontract.yaml', { filter });
          expect(failing(r)).toEqual(expected);
          expect(r.checks.filter((c) => c.status === 'error')).toEqual([]);
        },
      );

      it('a filter naming an unknown column is refused as bad input before any check runs', async (ctx) => {
        if (!engine.available()) return ctx.skip();
        await expect(
          check('row-filter/datacontract.yaml', { filter: 'no_such_column <= 2' }),
        ).rejects.toThrow(/The row filter for table 'orders' cannot be applied/);
      });
    });
  });
});

describe.skipIf(!present)('datacontract-cli fixtures', () => {
  it('row-filter: a filter must be a condition, and names a table the contract declares', async () => {
    const doc = fixture('row-filter/datacontract.yaml');
    await expect(run(doc, undefined, { filter: '1 = 1; DROP TABLE orders' })).rejects.toThrow(
      /The row filter for table 'orders' is refused: the filter holds a ";"/,
    );
    await expect(run(doc, undefined, { filters: { customers: 'order_id <= 2' } })).rejects.toThrow(
      /names table 'customers', which the contract's schema does not declare/,
    );
    const twoTables = {
      ...doc,
      schema: [...(doc.schema as object[]), { name: 'customers', properties: [] }],
    };
    await expect(run(twoTables, undefined, { filter: 'order_id <= 2' })).rejects.toThrow(
      /A single filter is ambiguous for a contract with 2 tables/,
    );
  });

  it('parquet: a DECIMAL column without precision is a number', async () => {
    const r = await run(fixture('parquet/datacontract_number_no_precision.odcs.yaml'));
    expect(r.status).toBe('passed');
    expect(byId(r, 'orders.decimal_field.type')).toMatchObject({
      status: 'passed',
      measured: 'DECIMAL(10,2)',
    });
  });

  it('parquet: nested logical types that contradict the data fail, member by member', async () => {
    const r = await run(fixture('parquet/datacontract_invalid_logical_types_example.yaml'));
    expect(failing(r)).toEqual([
      ['nested_data.values.type', 'BIGINT[]'],
      ['nested_data.metadata.type', 'STRUCT(active BOOLEAN, "name" VARCHAR)'],
    ]);
    expect(byId(r, 'nested_data.values.type').message).toBe('values[] is BIGINT, not string');
    expect(byId(r, 'nested_data.metadata.type').message).toBe(
      'metadata.name is VARCHAR, not integer; metadata.active is BOOLEAN, not integer',
    );
    expect(byId(r, 'nested_data.id.type').status).toBe('passed');
  });

  describe('schema-evolution', () => {
    const v1 = () => fixture('schema-evolution/odcs-datacontract-cities-version-1.yaml');
    const v2 = () => fixture('schema-evolution/odcs-datacontract-cities-version-2.yaml');
    const v3 = () => fixture('schema-evolution/odcs-datacontract-cities-version-3.yaml');

    it.each(['dev-csv', 'dev-parquet'])('v1 passes on v1 data (%s)', async (server) => {
      const r = await run(v1(), server);
      expect(r.status).toBe('passed');
      expect(byId(r, 'cities.city_id.unique').measured).toBe(0);
    });

    it.each([
      'historical-csv',
      'current-csv',
      'mixed-schema-csv',
      'historical-parquet',
      'current-parquet',
      'mixed-schema-parquet',
      'historical-json',
      'current-json',
      'mixed-schema-json',
    ])('v2 (optional population, 10000–5000000) passes on %s', async (server) => {
      const r = await run(v2(), server);
      expect(r.checks.filter((c) => c.status === 'failed' || c.status === 'error')).toEqual([]);
      expect(r.status).toBe('passed');
      // Old files lack the column: for an optional column that is reported, not failed.
      const presentCheck = byId(r, 'cities.population.present');
      expect(presentCheck.status).toBe(server.startsWith('historical') ? 'skipped' : 'passed');
    });

    it('v2 reads the mixed glob as one table of all files', async () => {
      const r = await run(v2(), 'mixed-schema-csv');
      // cities-version-1, -2 and -3.csv hold two rows each; invalid/ is not matched by *.csv.
      expect(r.statements[0]).toContain('FROM "cities"');
      expect(byId(r, 'cities.population.type').measured).toBe('BIGINT');
    });

    it.each(['current-csv-invalid', 'current-parquet-invalid'])(
      'v2 finds the population below 10000 (%s)',
      async (server) => {
        const r = await run(v2(), server);
        expect(failing(r)).toEqual([['cities.population.minimum', 1]]);
      },
    );

    it.each([
      ['current-csv', [['cities.population.required', 1]]],
      ['historical-csv', [['cities.population.present', 0]]],
      ['mixed-schema-csv', [['cities.population.required', 5]]],
      [
        'current-csv-invalid',
        [
          ['cities.population.required', 1],
          ['cities.population.minimum', 1],
        ],
      ],
      ['current-parquet', [['cities.population.required', 1]]],
      ['historical-parquet', [['cities.population.present', 0]]],
      // cities-version-1 (no population: 2 rows) and -2 (Milan's empty population) in one table.
      ['mixed-schema-parquet', [['cities.population.required', 3]]],
      [
        'current-parquet-invalid',
        [
          ['cities.population.required', 1],
          ['cities.population.minimum', 1],
        ],
      ],
    ])('v3 (population required) fails on %s', async (server, expected) => {
      const r = await run(v3(), server);
      expect(r.status).toBe('failed');
      expect(failing(r)).toEqual(expected);
    });
  });

  it('sodacl: a contract with no server is not supported, and custom soda rules are skipped', async () => {
    const r = await run(fixture('sodacl/datacontract.odcs.yaml'));
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/declares no server/);
    expect(r.checks.some((c) => c.status === 'passed')).toBe(false);
  });

  it('postgres/servicelevels: freshness in hours on field_three is compiled', async () => {
    const r = await runContractChecks(fixture('postgres/servicelevels.odcs.yaml'), {
      env: { CHARTER_SECRET_POSTGRES_USER: 'nobody' },
      timeoutMs: 2000,
      // The fixture points at localhost:5432/test, which the test must not depend on.
      engines: [],
    });
    expect(byId(r, 'sla.freshness')).toMatchObject({
      status: 'skipped',
      expected: '< 3600 s',
      field: 'field_three',
    });
  });
});
