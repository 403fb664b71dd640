/** The tracer's per-asset facts: reason lists per suffix, built once and found again. */
import { describe, expect, it } from 'vitest';
import { FactTable } from './trace.js';

const asset = {
  ref: 'dataset:cards/transactions',
  kind: 'DataContract',
  title: 'Transactions',
  domain: 'cards',
  owners: ['team:cards'],
  stewards: ['user:ada', 'user:lin'],
  version: 3,
};

describe('FactTable', () => {
  it('keeps an asset’s reasons per suffix, past the three kept inline, and finds each again', () => {
    const t = new FactTable();
    t.add({ ...asset, ref: 'dataset:other/x' }, 0, [9]);
    const f = t.add(asset, 1, [0, 1, 2]);
    // Role codes 1 and 2 at depths 1 to 3: six suffixes, three inline and three further.
    const keys = [1, 2].flatMap((role) => [1, 2, 3].map((depth) => [role, depth] as const));
    const starts = keys.map(([role, depth]) => t.reasons(f, role, depth));
    expect(new Set(starts).size).toBe(6);
    expect(keys.map(([role, depth]) => t.reasons(f, role, depth))).toEqual(starts);
    const list = (start: number) => t.pool.slice(start, start + 6);
    expect(list(starts[1]!)).toEqual([
      0,
      'owner of dataset:cards/transactions (training, 2 hops upstream)',
      1,
      'steward of dataset:cards/transactions (training, 2 hops upstream)',
      2,
      'steward of dataset:cards/transactions (training, 2 hops upstream)',
    ]);
    expect(list(starts[5]!)[1]).toBe('owner of dataset:cards/transactions (fine_tuning, 3 hops upstream)');
    // Depth 0 and 1 read the same (no hops shown below 2); role 0 has no suffix at all.
    expect(t.reasons(f, 1, 0)).toBe(starts[0]);
    expect(list(t.reasons(f, 0, 5))[1]).toBe('owner of dataset:cards/transactions');
  });
});
