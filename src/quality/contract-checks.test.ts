import { describe, expect, it } from 'vitest';
import { compileContract, describeExpectation, durationSeconds, meets } from './contract-checks.js';

describe('meets', () => {
  it.each([
    ['mustBe', 0, 0, true],
    ['mustBe', 0, 1, false],
    ['mustNotBe', 0, 1, true],
    ['mustBeGreaterThan', 5, 5, false],
    ['mustBeGreaterThan', 5, 6, true],
    ['mustBeGreaterOrEqualTo', 5, 5, true],
    ['mustBeLessThan', 5, 5, false],
    ['mustBeLessOrEqualTo', 5, 5, true],
    // Inclusive at both ends, as datacontract-cli evaluates it.
    ['mustBeBetween', [1, 3], 1, true],
    ['mustBeBetween', [1, 3], 3, true],
    ['mustBeBetween', [1, 3], 4, false],
    ['mustNotBeBetween', [1, 3], 3, false],
    ['mustNotBeBetween', [1, 3], 0, true],
  ] as const)('%s %j with %d → %s', (operator, value, measured, expected) => {
    expect(meets(measured, { operator, value: value as never })).toBe(expected);
  });

  it('compares strings for mustBe', () => {
    expect(meets('EUR', { operator: 'mustBe', value: 'EUR' })).toBe(true);
  });
});

describe('compileContract', () => {
  const doc = {
    schema: [
      {
        name: 'orders',
        properties: [
          {
            name: 'id',
            logicalType: 'integer',
            required: true,
            unique: true,
            quality: [{ metric: 'nullValues', mustBeLessThan: 5, unit: 'percent', severity: 'warning' }],
          },
          { name: 'email', logicalType: 'string', logicalTypeOptions: { format: 'email', maxLength: 50 } },
        ],
        quality: [
          { id: 'rows', metric: 'rowCount', mustBeBetween: [10, 20] },
          { metric: 'rowCount', mustBeGreaterThan: 1, mustBeLessThan: 9 },
          { type: 'text', description: 'Looks right' },
          { type: 'custom', engine: 'soda', implementation: 'x' },
          { type: 'sql', query: 'SELECT 1' },
          { metric: 'duplicateValues', arguments: { properties: ['id', 'email'] }, mustBe: 0 },
        ],
      },
    ],
    slaProperties: [
      { property: 'freshness', value: 2, unit: 'h', element: 'orders.created_at' },
      { property: 'retention', value: 'P1Y', element: 'orders.created_at' },
      { property: 'frequency', value: 1, unit: 'd' },
      { property: 'latency', value: 30, unit: 'm', element: 'orders.created_at, orders.loaded_at' },
      { property: 'latency', value: 4, unit: 'd', element: 'orders.created_at' },
      { property: 'endOfLife', value: '2042-05-12T09:30:10-08:00' },
    ],
  };

  const plan = compileContract(doc);
  const byId = new Map(plan.tables[0]!.checks.map((c) => [c.id, c]));

  it('turns properties into schema checks', () => {
    expect(
      [...byId.keys()].filter((id) => id.startsWith('orders.id.') || id.startsWith('orders.email.')),
    ).toEqual([
      'orders.id.present',
      'orders.id.type',
      'orders.id.required',
      'orders.id.unique',
      'orders.id.nullValues',
      'orders.email.present',
      'orders.email.type',
      'orders.email.maxLength',
      'orders.email.format',
    ]);
    expect(byId.get('orders.id.nullValues')).toMatchObject({ unit: 'percent', severity: 'warning' });
  });

  it('records text rules and skips custom engines, never passing them', () => {
    expect(byId.get('orders.text[2]')?.measure).toMatchObject({ kind: 'notExecutable', status: 'skipped' });
    expect(byId.get('orders.custom[3]')?.measure).toMatchObject({
      kind: 'notExecutable',
      status: 'skipped',
      reason: expect.stringContaining("custom engine 'soda'"),
    });
  });

  it('reports malformed rules as errors', () => {
    expect(byId.get('orders.rowCount')?.measure).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('has 2 operators'),
    });
    expect(byId.get('orders.sql[4]')?.measure).toMatchObject({
      status: 'error',
      reason: expect.stringContaining('needs an operator'),
    });
  });

  it('compiles multi-column duplicates and SLA freshness, retention and two-column latency', () => {
    expect(byId.get('orders.duplicateValues')?.measure).toEqual({
      kind: 'duplicates',
      columns: ['id', 'email'],
    });
    expect(byId.get('sla.freshness')?.expectation).toEqual({ operator: 'mustBeLessThan', value: 7200 });
    expect(byId.get('sla.retention[1]')?.expectation).toEqual({
      operator: 'mustBeLessThan',
      value: 31536000,
    });
    expect(byId.get('sla.latency[3]')).toMatchObject({
      field: 'created_at',
      expectation: { operator: 'mustBeLessOrEqualTo', value: 1800 },
      measure: { kind: 'lag', from: 'created_at', to: 'loaded_at' },
    });
  });

  it('reports the SLA properties it cannot measure as skipped, with the reason', () => {
    expect(byId.get('sla.frequency[2]')?.measure).toMatchObject({
      kind: 'notExecutable',
      status: 'skipped',
      reason: expect.stringContaining('one look at the data cannot tell when it was updated'),
    });
    expect(byId.get('sla.latency[4]')?.measure).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('between two timestamp columns'),
    });
    expect(byId.get('sla.endOfLife[5]')?.measure).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('not a property of the data'),
    });
  });

  it('describes expectations', () => {
    expect(describeExpectation({ operator: 'mustBeBetween', value: [10, 20] }, 'rows')).toBe(
      'between 10 and 20 rows (inclusive)',
    );
    expect(describeExpectation({ operator: 'mustBeLessThan', value: 5 }, 'percent')).toBe('< 5%');
  });
});

describe('durationSeconds', () => {
  it('reads units and ISO-8601 durations; m is minutes for freshness, months for retention', () => {
    expect(durationSeconds(1, 'h', 'freshness')).toBe(3600);
    expect(durationSeconds(30, 'm', 'freshness')).toBe(1800);
    expect(durationSeconds(1, 'm', 'retention')).toBe(2592000);
    expect(durationSeconds('PT36H', undefined, 'freshness')).toBe(129600);
    expect(durationSeconds(10, 'y', 'retention')).toBe(315360000);
    expect(durationSeconds('soon', undefined, 'freshness')).toBeUndefined();
  });
});
