/**
 * Charter's checks on the datacontract-cli fixtures that carry data. Each test asserts what the
 * fixture's data implies; where a fixture uses something Charter does not (the Data Contract
 * Specification format, the CLI's --filter), the test says what Charter does instead.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CheckResult, ContractRunResult } from '../src/quality/quality-types.js';
import { runContractChecks } from '../src/quality/run-checks.js';
import { referenceDir, referencePath } from './support/reference.js';

const present = referenceDir() !== undefined;
const tests = referencePath('standards', 'datacontract-cli-fixtures', 'tests');
const fixture = (path: string) =>
  parse(
    readFileSync(referencePath('standards', 'datacontract-cli-fixtures', 'tests', 'fixtures', path), 'utf8'),
  );

/** The fixtures' server paths (`./fixtures/…`) are relative to the tests folder. */
const run = (doc: Record<string, unknown>, server?: string) =>
  runContractChecks(doc, { dataRoot: tests, ...(server ? { server } : {}) });

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

describe.skipIf(!present)('datacontract-cli fixtures', () => {
  it('diagnostics: finds the duplicate id, the bad email, the too-long email and the two out-of-range amounts', async () => {
    const r = await run(dcsToOdcs(fixture('diagnostics/datacontract.yaml')));
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
    expect(r.checks.filter((c) => c.status === 'error')).toEqual([]);
  });

  it('quality-id: the rule keeps its id and passes on 5 rows', async () => {
    const r = await run(fixture('quality-id/datacontract.yaml'));
    // Charter runs every rule; selecting rules by id (the CLI's --quality-id) is not offered.
    expect(byId(r, 'orders_not_empty')).toMatchObject({
      status: 'passed',
      measured: 5,
      expected: '> 1 rows',
    });
    expect(r.status).toBe('passed');
  });

  it('quality-dimensions: the rowCount rule passes and records its dimension', async () => {
    const r = await run(fixture('quality-dimensions/datacontract.yaml'));
    expect(byId(r, 'orders.rowCount')).toMatchObject({
      status: 'passed',
      measured: 5,
      dimension: 'completeness',
    });
    expect(r.status).toBe('passed');
  });

  it('row-filter: without a row filter the 5 rows fail "mustBe: 3"', async () => {
    // datacontract-cli passes this contract only with --filter restricting the rows to three;
    // Charter checks the whole dataset and has no row filter, so the rule fails with 5.
    const r = await run(fixture('row-filter/datacontract.yaml'));
    expect(failing(r)).toEqual([['orders.rowCount', 5]]);
    expect(byId(r, 'orders.amount.type')).toMatchObject({ status: 'passed', measured: 'BIGINT' });
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
