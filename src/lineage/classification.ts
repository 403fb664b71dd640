/**
 * Classification propagation along column lineage: a field inherits the highest classification of
 * the upstream fields its values come from, unless the edge (or the downstream contract) declares a
 * protecting transformation — masking, tokenisation, pseudonymisation, anonymisation, aggregation.
 * Indirect edges (joins, filters, sorts) carry no values and pass nothing on. A contract field
 * declaring less than it inherits is a conflict.
 */
import type { FieldEdgeRow, NodeRow } from '../store/lineage-store.js';
import { highestLevel } from './directory.js';
import type { Match, NameIndex } from './naming.js';
import { carriesValues } from './openlineage.js';

type Json = Record<string, unknown>;

/** What propagation reads: inside a write transaction (ingest) or from the store (describe, admission). */
export interface FieldLineageReader {
  fieldEdgesInto(nodeIds: readonly number[]): Promise<FieldEdgeRow[]>;
  nodesById(ids: readonly number[]): Promise<NodeRow[]>;
  fieldClassifications(refs: readonly string[]): Promise<Map<string, Map<string, string | null>>>;
}

export interface FieldClassification {
  /** `table.column` of the contract. */
  path: string;
  declared: string | null;
  inherited: string | null;
  /** Upstream fields the inherited level comes from: `ref#table.column` or `namespace/name#field`. */
  from: string[];
  /** Upstream fields whose level was not passed on, and why. */
  protectedBy: { from: string; protection: string }[];
  /** A protection the contract itself declares for the field. */
  declaredProtection?: string;
  /** The contract declares less than the field inherits (and declares no protection). */
  conflict: boolean;
}

const list = (v: unknown): Json[] =>
  Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null) : [];

const PROTECTION_PROPERTIES = new Set(['protection', 'x-charter-protection']);

/**
 * Protections a contract declares per field: a property's `customProperties` entry `protection`
 * (masking, tokenisation, pseudonymisation, anonymisation, aggregation), or its AI section's
 * `personalData.fields[].protection` other than `none`.
 */
export function declaredProtections(doc: Json | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!doc) return out;
  for (const object of list(doc.schema)) {
    const table = typeof object.name === 'string' ? object.name : '';
    for (const prop of list(object.properties)) {
      for (const p of list(prop.customProperties)) {
        if (
          typeof p.property === 'string' &&
          PROTECTION_PROPERTIES.has(p.property) &&
          typeof p.value === 'string'
        )
          out.set(`${table}.${prop.name}`, p.value);
      }
    }
  }
  for (const p of list(doc.customProperties)) {
    if (p.property !== 'x-charter-ai' || typeof p.value !== 'object' || p.value === null) continue;
    const fields = list(((p.value as Json).personalData as Json | undefined)?.fields);
    for (const f of fields)
      if (typeof f.path === 'string' && typeof f.protection === 'string' && f.protection !== 'none')
        out.set(f.path, f.protection);
  }
  return out;
}

export interface PropagationContext {
  levels: readonly string[];
  names: NameIndex;
  /** A contract's current document (for its declared protections). */
  doc(ref: string): Json | undefined;
}

export interface Target {
  ref: string;
  /** The lineage nodes the contract answers to, with their schema object. */
  nodes: { id: number; table: string }[];
  /** Every field path of the contract (so unmapped fields show too). */
  fields: string[];
  /** Declared levels to use instead of the stored ones (a contract being applied). */
  declared?: Map<string, string | null>;
  protections?: Map<string, string>;
}

const rankOf = (levels: readonly string[], level: string | null) => (level ? levels.indexOf(level) : -1);

/** Inherited classification of every field of one contract. */
export async function classifyFields(
  reader: FieldLineageReader,
  ctx: PropagationContext,
  target: Target,
): Promise<FieldClassification[]> {
  const edgesInto = new Map<number, FieldEdgeRow[]>();
  const visited = new Set<number>();
  let frontier = [...new Set(target.nodes.map((n) => n.id))];
  for (let level = 0; frontier.length && level < 32; level++) {
    for (const id of frontier) visited.add(id);
    const rows = await reader.fieldEdgesInto(frontier);
    const next = new Set<number>();
    for (const r of rows) {
      // Reported by a sender who may not write the dataset it leads into: lineage, not inheritance.
      if (!r.authorised) continue;
      const list = edgesInto.get(r.dst) ?? [];
      list.push(r);
      edgesInto.set(r.dst, list);
      if (!visited.has(r.src)) next.add(r.src);
    }
    frontier = [...next];
  }
  const matches = new Map<number, Match | undefined>();
  const labels = new Map<number, string>();
  const own = new Map(target.nodes.map((n) => [n.id, n.table]));
  const others = [...visited].filter((id) => !own.has(id));
  for (const row of others.length ? await reader.nodesById(others) : []) {
    const m = ctx.names.match(row.namespace, row.name);
    matches.set(row.id, m?.table ? m : undefined);
    labels.set(
      row.id,
      row.name.startsWith('/') ? `${row.namespace}:${row.name}` : `${row.namespace}/${row.name}`,
    );
  }
  for (const [id, table] of own) matches.set(id, { ref: target.ref, table });
  const refs = [...new Set([...matches.values()].filter((m): m is Match => !!m).map((m) => m.ref))].filter(
    (r) => r !== target.ref || !target.declared,
  );
  const declared = refs.length ? await reader.fieldClassifications(refs) : new Map();
  if (target.declared) declared.set(target.ref, target.declared);
  const protections = new Map<string, Map<string, string>>();
  const protectionOf = (ref: string, path: string) => {
    let p = protections.get(ref);
    if (!p) {
      p = ref === target.ref && target.protections ? target.protections : declaredProtections(ctx.doc(ref));
      protections.set(ref, p);
    }
    return p.get(path);
  };

  const nameOf = (id: number, field: string) => {
    const m = matches.get(id);
    return m ? `${m.ref}#${m.table}.${field}` : `${labels.get(id) ?? `node ${id}`}#${field}`;
  };
  type Level = { level: string | null; from: string[]; protectedBy: { from: string; protection: string }[] };
  const memo = new Map<string, Level>();
  const inProgress = new Set<string>();
  const inherited = (id: number, field: string): Level => {
    const key = `${id}\u0000${field}`;
    const known = memo.get(key);
    if (known) return known;
    if (inProgress.has(key)) return { level: null, from: [], protectedBy: [] }; // a cycle: cut
    inProgress.add(key);
    let best: string | null = null;
    let from: string[] = [];
    const protectedBy: Level['protectedBy'] = [];
    for (const e of edgesInto.get(id) ?? []) {
      if (e.dstField !== field || !carriesValues(e.transformations)) continue;
      const upstream = effective(e.src, e.srcField);
      if (!upstream) continue;
      if (e.protection) {
        protectedBy.push({ from: nameOf(e.src, e.srcField), protection: e.protection });
        continue;
      }
      const r = rankOf(ctx.levels, upstream);
      const b = rankOf(ctx.levels, best);
      if (best === null || r > b) {
        best = upstream;
        from = [nameOf(e.src, e.srcField)];
      } else if (r === b) from.push(nameOf(e.src, e.srcField));
    }
    inProgress.delete(key);
    const result = { level: best, from, protectedBy };
    memo.set(key, result);
    return result;
  };
  /** The level a field passes on: what its contract declares, or more if it inherits more. */
  const effective = (id: number, field: string): string | null => {
    const m = matches.get(id);
    const path = m ? `${m.table}.${field}` : field;
    const own = m ? (declared.get(m.ref)?.get(path) ?? null) : null;
    if (m && protectionOf(m.ref, path)) return own;
    return highestLevel(ctx.levels, [own, inherited(id, field).level]);
  };

  const out = new Map<string, FieldClassification>();
  const ownDeclared = declared.get(target.ref) as Map<string, string | null> | undefined;
  for (const path of target.fields) {
    out.set(path, {
      path,
      declared: ownDeclared?.get(path) ?? null,
      inherited: null,
      from: [],
      protectedBy: [],
      conflict: false,
    });
  }
  for (const [id, table] of own) {
    const fields = new Set((edgesInto.get(id) ?? []).map((e) => e.dstField));
    for (const field of fields) {
      const path = `${table}.${field}`;
      const inh = inherited(id, field);
      const entry = out.get(path) ?? {
        path,
        declared: ownDeclared?.get(path) ?? null,
        inherited: null,
        from: [],
        protectedBy: [],
        conflict: false,
      };
      if (inh.level && rankOf(ctx.levels, inh.level) >= rankOf(ctx.levels, entry.inherited)) {
        if (entry.inherited === inh.level) entry.from.push(...inh.from);
        else entry.from = [...inh.from];
        entry.inherited = inh.level;
      }
      entry.protectedBy.push(...inh.protectedBy);
      out.set(path, entry);
    }
  }
  for (const entry of out.values()) {
    const protection = protectionOf(target.ref, entry.path);
    if (protection) entry.declaredProtection = protection;
    entry.conflict =
      !protection &&
      entry.inherited !== null &&
      rankOf(ctx.levels, entry.declared) < rankOf(ctx.levels, entry.inherited);
  }
  return [...out.values()];
}
