import { describe, expect, expectTypeOf, it } from 'vitest';
import { parse } from 'yaml';
import { type OdcsContract, type OdcsServerType, upgradeOdcs, validateOdcs } from './odcs.js';
import type { ServerTypeV31 } from './odcs-schema-parts.js';

const yaml = (text: string) => parse(text, { version: '1.2', schema: 'core' }) as Record<string, unknown>;

const header = (apiVersion = 'v3.1.0') => `
apiVersion: ${apiVersion}
kind: DataContract
id: 53581432-6c55-4ba2-a65f-72344a91553a
version: 1.0.0
status: active
`;

const orders = (apiVersion = 'v3.1.0') =>
  yaml(`${header(apiVersion)}
name: orders
schema:
  - name: orders
    physicalType: table
    properties:
      - name: order_id
        logicalType: string
        logicalTypeOptions: { maxLength: 36 }
        required: true
      - name: amount
        logicalType: number
      - name: placed_at
        logicalType: date
servers:
  - server: prod
    type: postgres
    host: db.example.com
    port: 5432
    database: sales
    schema: public
`);

describe('validateOdcs', () => {
  it('accepts a valid v3.1.0 contract and a valid v3.0.2 one', () => {
    expect(validateOdcs(orders())).toEqual([]);
    expect(validateOdcs(orders('v3.0.2'))).toEqual([]);
  });

  it('reports an unknown top-level key by name', () => {
    const doc = { ...orders(), owner: 'alice' };
    expect(validateOdcs(doc)).toEqual([{ path: 'owner', message: 'is not a known property here' }]);
  });

  it('reports a misspelled logicalType once, with the allowed values', () => {
    const doc = orders();
    const properties = (doc.schema as { properties: Record<string, unknown>[] }[])[0]!.properties;
    properties[1]!.logicalType = 'strin';
    expect(validateOdcs(doc)).toEqual([
      {
        path: 'schema[0].properties[1].logicalType',
        message:
          'must be one of: "string", "integer", "number", "boolean", "date", "timestamp", "time", "object", "array"',
      },
    ]);
  });

  it('reports a quality rule with two operators as one issue on the rule', () => {
    const doc = yaml(`${header()}
schema:
  - name: orders
    quality:
      - metric: rowCount
        mustBeGreaterThan: 100
        mustBeLessThan: 1000
`);
    expect(validateOdcs(doc)).toEqual([
      {
        path: 'schema[0].quality[0]',
        message: 'has 2 operators (mustBeGreaterThan, mustBeLessThan); a quality rule takes exactly one',
      },
    ]);
  });

  it('reports a library rule without an operator as one issue', () => {
    const doc = yaml(`${header()}
schema:
  - name: orders
    quality:
      - type: library
        metric: rowCount
`);
    expect(validateOdcs(doc)).toEqual([
      {
        path: 'schema[0].quality[0]',
        message:
          'needs an operator: one of mustBe, mustNotBe, mustBeGreaterThan, mustBeGreaterOrEqualTo, mustBeLessThan, mustBeLessOrEqualTo, mustBeBetween, mustNotBeBetween',
      },
    ]);
  });

  it('says an operator needs a metric or a query when the rule has neither', () => {
    const doc = yaml(`${header()}
schema:
  - name: orders
    quality:
      - description: at least one row
        mustBeGreaterThan: 0
`);
    expect(validateOdcs(doc)).toEqual([
      {
        path: 'schema[0].quality[0].mustBeGreaterThan',
        message:
          'is an operator, which only a library rule (with a metric) or an sql rule (with a query) takes',
      },
    ]);
  });

  it('reports a postgres server missing host at the missing field', () => {
    const doc = orders();
    delete (doc.servers as Record<string, unknown>[])[0]!.host;
    expect(validateOdcs(doc)).toEqual([
      { path: 'servers[0].host', message: 'is required for postgres servers' },
    ]);
  });

  it('reports a field that belongs to another server type', () => {
    const doc = orders();
    (doc.servers as Record<string, unknown>[])[0]!.warehouse = 'COMPUTE_WH';
    expect(validateOdcs(doc)).toEqual([
      { path: 'servers[0].warehouse', message: 'is not a field of postgres servers' },
    ]);
  });

  it('hints to quote a version that YAML read as a number', () => {
    const doc = yaml(header().replace('version: 1.0.0', 'version: 1.0'));
    expect(doc.version).toBe(1);
    expect(validateOdcs(doc)).toEqual([
      {
        path: 'version',
        message: 'must be string, not a number (quote it: YAML reads an unquoted 1.0 as a number)',
      },
    ]);
  });

  it("names the options a property's logical type allows", () => {
    const doc = orders();
    const properties = (doc.schema as { properties: Record<string, unknown>[] }[])[0]!.properties;
    properties[0]!.logicalTypeOptions = { maxLength: 36, minimum: 1 };
    properties[2]!.logicalTypeOptions = { format: 'yyyy-MM-dd' };
    delete properties[2]!.logicalType;
    expect(validateOdcs(doc)).toEqual([
      {
        path: 'schema[0].properties[0].logicalTypeOptions.minimum',
        message:
          'is not an option of logicalType string; its options are: minLength, maxLength, pattern, format',
      },
      {
        path: 'schema[0].properties[2].logicalTypeOptions.format',
        message: 'is not allowed without a logicalType (the options depend on it)',
      },
    ]);
  });

  it('refuses a source on a property-level relationship', () => {
    const doc = yaml(`${header()}
schema:
  - name: orders
    properties:
      - name: customer_id
        relationships:
          - from: orders.customer_id
            to: customers.id
`);
    expect(validateOdcs(doc)).toEqual([
      {
        path: 'schema[0].properties[0].relationships[0].from',
        message: "is not allowed on a property's relationship: the property is the source, so give only 'to'",
      },
    ]);
  });

  it('explains that v3.1.0 library rules name a metric, not a rule', () => {
    const doc = yaml(`${header()}
schema:
  - name: orders
    quality:
      - type: library
        rule: rowCount
        mustBeGreaterThan: 0
`);
    expect(validateOdcs(doc)).toEqual([
      {
        path: 'schema[0].quality[0].metric',
        message:
          'is required: since v3.1.0 a library rule names its metric (the v3.0 key rule is deprecated)',
      },
    ]);
  });

  it('applies the v3.0.x rules to v3.0.x contracts', () => {
    const doc = yaml(`${header('v3.0.2')}
schema:
  - name: orders
    quality:
      - rule: duplicateCount
        mustBeLessThan: 10
        mustBeGreaterOrEqualTo: 0
        validValues: [a, b]
support:
  - channel: '#data'
`);
    expect(validateOdcs(doc)).toEqual([{ path: 'support[0].url', message: 'is required' }]);
  });

  it('suggests v3.1.0 when a contract labelled v3.0.x passes only the v3.1.0 rules', () => {
    const doc = yaml(`${header('v3.0.2')}
team:
  name: sales
  members:
    - username: alice
`);
    expect(validateOdcs(doc)).toEqual([
      {
        path: 'apiVersion',
        message:
          'is v3.0.2, but the contract uses v3.1.0 features and passes the v3.1.0 rules; declare apiVersion: v3.1.0',
      },
      { path: 'team', message: 'must be array, not an object' },
    ]);
  });

  it('refuses other apiVersions with one issue naming the supported ones', () => {
    const supported = 'v3.1.0, v3.0.2, v3.0.1, v3.0.0';
    const withVersion = (apiVersion: unknown) => ({ ...orders(), apiVersion });
    expect(validateOdcs(withVersion('v2.2.2'))).toEqual([
      {
        path: 'apiVersion',
        message: `names ODCS v2, which is not supported; convert the contract to v3 (supported versions: ${supported})`,
      },
    ]);
    expect(validateOdcs(withVersion('v3.2.0'))).toEqual([
      {
        path: 'apiVersion',
        message: `names ODCS v3.2, which is not released yet; supported versions: ${supported}`,
      },
    ]);
    expect(validateOdcs(withVersion('v4.0.0'))).toEqual([
      { path: 'apiVersion', message: `must be one of the supported versions: ${supported}` },
    ]);
    expect(validateOdcs(withVersion(3.1))).toEqual([
      { path: 'apiVersion', message: `must be a version string; supported versions: ${supported}` },
    ]);
    const { apiVersion: _dropped, ...unversioned } = orders();
    expect(validateOdcs(unversioned)).toEqual([
      { path: 'apiVersion', message: `is required; supported versions: ${supported}` },
    ]);
  });

  it('refuses a document that is not an object', () => {
    expect(validateOdcs('apiVersion: v3.1.0')).toEqual([
      { path: '', message: 'must be an object (an ODCS data contract)' },
    ]);
    expect(validateOdcs([])).toEqual([{ path: '', message: 'must be an object (an ODCS data contract)' }]);
  });
});

describe('upgradeOdcs', () => {
  const v30 = () =>
    yaml(`${header('v3.0.2')}
schema:
  - name: orders
    properties:
      - name: status
        logicalType: string
        quality:
          - rule: validValues
            validValues: [open, closed]
            mustBe: 0
          - rule: nullValues
      - name: amount
        logicalType: number
        logicalTypeOptions: { minimum: 0, exclusiveMinimum: true, maximum: 100, exclusiveMaximum: false }
    quality:
      - type: library
        rule: duplicateCount
        mustBe: 0
        dimension: uniqueness
      - rule: rowCount
        mustBeGreaterThan: 100
        mustBeLessThan: 1000
        id: volume
      - type: sql
        query: SELECT COUNT(*) FROM orders WHERE amount < 0
        mustBe: 0
        engineHint: duckdb
servers:
  - server: local
    type: duckdb
    database: sales.duckdb
    schema: 1
team:
  - username: alice
    role: owner
  - name: Bob
    role: steward
price:
  priceAmount: 1
  billing: monthly
`);

  it('returns a v3.1.0 contract that passes the v3.1.0 rules, without touching its input', () => {
    const input = v30();
    const before = JSON.stringify(input);
    const upgraded = upgradeOdcs(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(upgraded.apiVersion).toBe('v3.1.0');
    expect(validateOdcs(upgraded)).toEqual([]);
    expectTypeOf(upgraded).toEqualTypeOf<OdcsContract>();
  });

  it('turns the team list into a team object', () => {
    expect(upgradeOdcs(v30()).team).toEqual({
      members: [
        { username: 'alice', role: 'owner' },
        { username: 'Bob', name: 'Bob', role: 'steward' },
      ],
    });
  });

  it('renames library rules to metrics and moves top-level validValues into arguments', () => {
    const [object] = upgradeOdcs(v30()).schema!;
    expect(object!.properties![0]!.quality).toEqual([
      { metric: 'invalidValues', arguments: { validValues: ['open', 'closed'] }, mustBe: 0 },
      { metric: 'nullValues', mustBe: 0 },
    ]);
    expect(object!.quality![0]).toEqual({
      type: 'library',
      metric: 'duplicateValues',
      mustBe: 0,
      dimension: 'uniqueness',
    });
  });

  it('splits a rule with several operators into one rule per operator', () => {
    const quality = upgradeOdcs(v30()).schema![0]!.quality!;
    expect(quality.slice(1, 3)).toEqual([
      { metric: 'rowCount', mustBeGreaterThan: 100, id: 'volume' },
      { metric: 'rowCount', mustBeLessThan: 1000, id: 'volume-2' },
    ]);
  });

  it('keeps keys v3.1.0 has no place for in the nearest customProperties', () => {
    const upgraded = upgradeOdcs(v30());
    expect(upgraded.schema![0]!.quality![3]).toEqual({
      type: 'sql',
      query: 'SELECT COUNT(*) FROM orders WHERE amount < 0',
      mustBe: 0,
      customProperties: [{ property: 'engineHint', value: 'duckdb' }],
    });
    expect(upgraded.price).toEqual({ priceAmount: 1 });
    expect(upgraded.customProperties).toEqual([{ property: 'price.billing', value: 'monthly' }]);
  });

  it('turns exclusive-bound flags into bound values and names the duckdb schema', () => {
    const upgraded = upgradeOdcs(v30());
    expect(upgraded.schema![0]!.properties![1]!.logicalTypeOptions).toEqual({
      exclusiveMinimum: 0,
      maximum: 100,
    });
    expect(upgraded.servers![0]).toEqual({
      server: 'local',
      type: 'duckdb',
      database: 'sales.duckdb',
      schema: '1',
    });
  });

  it('keeps a library rule v3.1.0 has no metric for as a text rule, its settings kept', () => {
    const doc = yaml(`${header('v3.0.2')}
schema:
  - name: orders
    quality:
      - rule: freshness
        mustBeLessThan: 24
        description: loaded daily
`);
    expect(validateOdcs(doc)).toEqual([]);
    const upgraded = upgradeOdcs(doc);
    expect(upgraded.schema![0]!.quality).toEqual([
      {
        type: 'text',
        description: 'loaded daily',
        customProperties: [
          { property: 'rule', value: 'freshness' },
          { property: 'mustBeLessThan', value: 24 },
        ],
      },
    ]);
    expect(validateOdcs(upgraded)).toEqual([]);
  });

  it('converts the deprecated team list of a v3.1.0 contract too', () => {
    const doc = { ...orders(), team: [{ username: 'alice' }] };
    expect(upgradeOdcs(doc).team).toEqual({ members: [{ username: 'alice' }] });
  });

  it('refuses what it cannot upgrade', () => {
    expect(() => upgradeOdcs('x')).toThrow('An ODCS contract must be an object');
    expect(() => upgradeOdcs({ ...orders(), apiVersion: 'v2.2.2' })).toThrow(
      'An ODCS contract can be upgraded from apiVersion v3.0.0, v3.0.1, v3.0.2, v3.1.0 only',
    );
  });
});

describe('OdcsServer', () => {
  it('has one variant per server type of the schema', () => {
    expectTypeOf<OdcsServerType>().toEqualTypeOf<ServerTypeV31>();
  });
});
