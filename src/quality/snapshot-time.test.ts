import { describe, expect, it } from 'vitest';
import { snapshotTime } from './run-checks.js';

describe('snapshotTime', () => {
  it('reads the moment a server declares its data describes', () => {
    expect(
      snapshotTime({ customProperties: [{ property: 'snapshotAt', value: '2026-11-01T06:00:00Z' }] }),
    ).toEqual(new Date('2026-11-01T06:00:00Z'));
  });
  it('ignores servers that declare none or declare something that is not a time', () => {
    expect(snapshotTime({})).toBeUndefined();
    expect(
      snapshotTime({ customProperties: [{ property: 'snapshotAt', value: 'yesterday' }] }),
    ).toBeUndefined();
    expect(snapshotTime(undefined)).toBeUndefined();
  });
});
