import { describe, expect, it } from 'vitest';
import { copyJson } from './json-copy.js';

describe('copyJson', () => {
  it('copies every object and array, so changing the copy leaves the original as it was', () => {
    const original = { a: [{ b: 1 }, 'x', null], c: { d: { e: true } } };
    const copy = copyJson(original);
    expect(copy).toEqual(original);
    copy.a.push('y');
    (copy.a[0] as { b: number }).b = 2;
    copy.c.d.e = false;
    expect(original).toEqual({ a: [{ b: 1 }, 'x', null], c: { d: { e: true } } });
  });
  it('keeps a parsed __proto__ key as an own member without touching the prototype', () => {
    const copy = copyJson(JSON.parse('{"__proto__":{"polluted":1},"k":2}')) as Record<string, unknown>;
    expect(Object.keys(copy)).toEqual(['__proto__', 'k']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: number }).polluted).toBeUndefined();
  });
  it('copies values that are not plain data with structuredClone', () => {
    const when = new Date('2026-01-01T00:00:00Z');
    const copy = copyJson({ when });
    expect(copy.when).toBeInstanceOf(Date);
    expect(copy.when).not.toBe(when);
    expect(copy.when.getTime()).toBe(when.getTime());
  });
});
