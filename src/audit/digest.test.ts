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
  it('orders keys that look like array indices as text, like every other key', () => {
    // JavaScript keeps such keys in numeric order; the canonical order is the code-unit order.
    expect(canonicalJson({ b: { '10': 'x', '2': 'y', a: 1 }, a: [{ '1': true }] })).toBe(
      '{"a":[{"1":true}],"b":{"10":"x","2":"y","a":1}}',
    );
  });
  it('keeps a parsed __proto__ key as a member and escapes keys and text', () => {
    const parsed = JSON.parse('{"z":"a\\"b","__proto__":{"k":1},"é\\n":2}');
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"k":1},"z":"a\\"b","é\\n":2}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson([undefined, Number.NaN, 'x'])).toBe('[null,null,"x"]');
  });
});
