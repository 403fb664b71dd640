/**
 * Differences between two versions of an asset: field-level for contracts (added, removed,
 * changed fields with type and classification changes) and path-level for everything else.
 */
import { contractFields } from '../model/kinds/data-contract-kind.js';
import type { FieldInfo } from '../model/kinds/kind.js';
import type { OdcsContract } from '../model/odcs/odcs.js';
import { formatPath } from '../model/validation.js';

export interface FieldChange {
  field: string;
  change: 'added' | 'removed' | 'changed';
  /** For changed fields: attribute → [before, after]. */
  attributes?: Record<string, [unknown, unknown]>;
  typeChanged?: boolean;
  classificationChanged?: boolean;
}

export interface PathChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export interface VersionDiff {
  ref: string;
  from: number;
  to: number;
  fields: FieldChange[];
  changes: PathChange[];
}

const fieldAttributes = [
  'logicalType',
  'physicalType',
  'classification',
  'required',
  'description',
  'tags',
  'terms',
] as const;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function diffFields(before: FieldInfo[], after: FieldInfo[]): FieldChange[] {
  const old = new Map(before.map((f) => [f.path, f]));
  const now = new Map(after.map((f) => [f.path, f]));
  const out: FieldChange[] = [];
  for (const [path, f] of now) {
    const prev = old.get(path);
    if (!prev) {
      out.push({ field: path, change: 'added' });
      continue;
    }
    const attributes: Record<string, [unknown, unknown]> = {};
    for (const attr of fieldAttributes) {
      if (!same(prev[attr], f[attr])) attributes[attr] = [prev[attr] ?? null, f[attr] ?? null];
    }
    if (Object.keys(attributes).length) {
      out.push({
        field: path,
        change: 'changed',
        attributes,
        typeChanged: 'logicalType' in attributes || 'physicalType' in attributes,
        classificationChanged: 'classification' in attributes,
      });
    }
  }
  for (const path of old.keys()) if (!now.has(path)) out.push({ field: path, change: 'removed' });
  return out;
}

/** Structural diff of two JSON values; arrays are compared by position. */
export function diffPaths(
  before: unknown,
  after: unknown,
  skip: (path: (string | number)[]) => boolean = () => false,
): PathChange[] {
  const out: PathChange[] = [];
  const walk = (a: unknown, b: unknown, path: (string | number)[]) => {
    if (skip(path)) return;
    if (same(a, b)) return;
    const isObj = (v: unknown) => v !== null && typeof v === 'object';
    if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
      const keys = Array.isArray(a)
        ? [...Array(Math.max(a.length, (b as unknown[]).length)).keys()]
        : [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])];
      for (const key of keys) {
        const av = (a as Record<string | number, unknown>)[key];
        const bv = (b as Record<string | number, unknown>)[key];
        if (av === undefined) out.push({ path: formatPath([...path, key]), change: 'added', after: bv });
        else if (bv === undefined)
          out.push({ path: formatPath([...path, key]), change: 'removed', before: av });
        else walk(av, bv, [...path, key]);
      }
      return;
    }
    out.push({ path: formatPath(path), change: 'changed', before: a, after: b });
  };
  walk(before, after, []);
  return out;
}

export function diffDocuments(
  kind: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
) {
  if (kind === 'DataContract') {
    const fields = diffFields(
      before ? contractFields(before as unknown as OdcsContract) : [],
      after ? contractFields(after as unknown as OdcsContract) : [],
    );
    // Field changes are reported field by field; the path diff covers everything else.
    const changes = diffPaths(
      before ?? {},
      after ?? {},
      (p) => p.length >= 3 && p[0] === 'schema' && p[2] === 'properties',
    );
    return { fields, changes };
  }
  return { fields: [], changes: diffPaths(before ?? {}, after ?? {}) };
}
