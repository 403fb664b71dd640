import { describe, expect, it } from 'vitest';
import { canonicalJson, digestOf } from './digest.js';

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined members and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, undefined, { z: 1, y: 'x' }], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[3,null,{"y":"x","z":1}]},"b":1}',
    );
  });
  it('gives one digest whatever the key order', () => {
    expect(digestOf({ x: 1, y: [1, 2] })).toBe(digestOf({ y: [1, 2], x: 1 }));
    expect(digestOf({ x: 1 })).not.toBe(digestOf({ x: 2 }));
  });
});
