/**
 * Canonical JSON (keys sorted, no whitespace) and SHA-256 digests of it, so that the same document
 * always has the same digest whatever the key order it was written in.
 */
import { createHash } from 'node:crypto';

/** Marks a value holding a key that JSON.stringify would not keep in insertion order. */
const INDEX_KEY = Symbol('index key');

/**
 * A copy with every object's keys inserted in sorted order, for JSON.stringify to write. Keys that
 * look like array indices are ordered numerically by JavaScript whatever their insertion order, so a
 * value holding one is written by `canonicalText` instead.
 */
function sortedCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = sortedCopy(value[i]);
      if (v === INDEX_KEY) return INDEX_KEY;
      out[i] = v;
    }
    return out;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const code = key.charCodeAt(0);
    if ((code >= 48 && code <= 57) || key === '__proto__') return INDEX_KEY;
    const v = sortedCopy(record[key]);
    if (v === INDEX_KEY) return INDEX_KEY;
    out[key] = v;
  }
  return out;
}

function canonicalText(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i) out += ',';
      out += value[i] === undefined ? 'null' : canonicalText(value[i]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(key)}:${canonicalText(v)}`;
  }
  return `${out}}`;
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  const sorted = sortedCopy(value);
  return sorted === INDEX_KEY ? canonicalText(value) : JSON.stringify(sorted);
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function digestOf(value: unknown): string {
  return sha256(canonicalJson(value));
}
