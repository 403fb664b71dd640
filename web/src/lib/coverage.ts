/**
 * Governance coverage computed from the manifests themselves, with the scorecards' definitions:
 * an asset is covered for ownership when it has an owner and a steward (declared, or inherited from
 * its domain chain), described when its description is not empty, and a dataset is classified when
 * every field carries a classification. Used when the server has no scorecards endpoint and the
 * catalog is small enough to read in the browser.
 */
import type { Json } from '../api/types';
import { chainOf, type Org } from './org';

export interface Gaps {
  ref: string;
  title: string;
  kind: 'DataContract' | 'DataProduct';
  domain: string;
  owner: boolean;
  steward: boolean;
  described: boolean;
  /** Datasets: fields without a classification (null for products). */
  unclassified: string[] | null;
  fields: number;
}

export interface CoverageRow {
  domain: string;
  assets: number;
  datasets: number;
  withOwnerAndSteward: number;
  described: number;
  classified: number;
}

const list = (v: unknown): Json[] =>
  Array.isArray(v) ? v.filter((x): x is Json => !!x && typeof x === 'object') : [];

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Members still in the team with the given ownership role (ODCS `team.members`, ODPS `team.members`). */
function members(doc: Json, role: string): string[] {
  const team = doc.team as Json | undefined;
  return list(team?.members)
    .filter((m) => !m.dateOut && typeof m.role === 'string')
    .filter((m) => {
      const r = String(m.role)
        .toLowerCase()
        .replace(/^data /, '');
      return r === role;
    })
    .map((m) => String(m.username ?? ''));
}

function descriptionOf(doc: Json): string {
  const d = doc.description;
  if (typeof d === 'string') return d;
  if (!d || typeof d !== 'object') return '';
  const x = d as Json;
  return [x.purpose, x.usage, x.limitations].filter((v) => typeof v === 'string').join(' ');
}

function fieldsOf(doc: Json): { path: string; classification?: string }[] {
  const out: { path: string; classification?: string }[] = [];
  const walk = (props: unknown, prefix: string) => {
    for (const p of list(props)) {
      const path = `${prefix}.${String(p.name ?? '?')}`;
      out.push(typeof p.classification === 'string' ? { path, classification: p.classification } : { path });
      walk(p.properties, path);
      const items = p.items as Json | undefined;
      if (items && typeof items === 'object') walk(items.properties, `${path}[]`);
    }
  };
  for (const o of list(doc.schema)) walk(o.properties, String(o.name ?? '?'));
  return out;
}

export function gapsOf(org: Org, doc: Json): Gaps {
  const kind = doc.kind === 'DataProduct' ? 'DataProduct' : 'DataContract';
  const domain = String(doc.domain ?? '');
  const name = slug(String(doc.name ?? doc.id ?? ''));
  const chain = chainOf(org, domain);
  const inherit = (key: 'owners' | 'stewards') => chain.find((d) => d[key].length)?.[key] ?? [];
  const owners = members(doc, 'owner');
  const stewards = members(doc, 'steward');
  const fields = kind === 'DataContract' ? fieldsOf(doc) : [];
  return {
    ref: `${kind === 'DataContract' ? 'dataset' : 'product'}:${domain}/${name}`,
    title: String(doc.name ?? name),
    kind,
    domain,
    owner: (owners.length ? owners : inherit('owners')).length > 0,
    steward: (stewards.length ? stewards : inherit('stewards')).length > 0,
    described: descriptionOf(doc).trim().length > 0,
    unclassified: kind === 'DataContract' ? fields.filter((f) => !f.classification).map((f) => f.path) : null,
    fields: fields.length,
  };
}

export function coverageByDomain(all: Gaps[]): Map<string, CoverageRow> {
  const rows = new Map<string, CoverageRow>();
  for (const g of all) {
    const row = rows.get(g.domain) ?? {
      domain: g.domain,
      assets: 0,
      datasets: 0,
      withOwnerAndSteward: 0,
      described: 0,
      classified: 0,
    };
    row.assets += 1;
    if (g.owner && g.steward) row.withOwnerAndSteward += 1;
    if (g.described) row.described += 1;
    if (g.kind === 'DataContract') {
      row.datasets += 1;
      if (g.fields > 0 && g.unclassified?.length === 0) row.classified += 1;
    }
    rows.set(g.domain, row);
  }
  return rows;
}
