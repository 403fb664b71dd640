/**
 * The organisation as the UI needs it on many pages: the charter (levels, data office), the domain
 * tree with owners and stewards, and team members. Small whatever the catalog's size: it never
 * reads datasets.
 */
import { useEffect, useState } from 'react';
import { type ApiError, apiPath, cachedGet } from '../api/client';
import type { Json } from '../api/types';

export interface DomainInfo {
  name: string;
  ref: string;
  title: string;
  description: string;
  parent: string | null;
  owners: string[];
  stewards: string[];
  labels: Record<string, string>;
  /** Depth in the tree (0 = top level). */
  depth: number;
}

export interface Org {
  charter: Json | null;
  dataOffice: string[];
  levels: string[];
  domains: Map<string, DomainInfo>;
  /** Domains in tree order: each parent followed by its sub-domains. */
  tree: DomainInfo[];
  teams: Map<string, string[]>;
}

const TTL = 60_000;
const exportPath = (kind: string) => apiPath('/export', { kind, format: 'json' });

const arr = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export function buildOrg(charterDocs: Json[], domainDocs: Json[], teamDocs: Json[]): Org {
  const charter = charterDocs[0] ?? null;
  const spec = (charter?.spec ?? {}) as Json;
  const domains = new Map<string, DomainInfo>();
  for (const doc of domainDocs) {
    const meta = (doc.metadata ?? {}) as Json;
    const s = (doc.spec ?? {}) as Json;
    const name = String(meta.name);
    domains.set(name, {
      name,
      ref: `domain:${name}`,
      title: typeof s.title === 'string' ? s.title : name,
      description: typeof s.description === 'string' ? s.description : '',
      parent: typeof meta.parent === 'string' ? meta.parent : null,
      owners: arr(s.owners),
      stewards: arr(s.stewards),
      labels: (meta.labels ?? {}) as Record<string, string>,
      depth: 0,
    });
  }
  const children = new Map<string | null, DomainInfo[]>();
  for (const d of domains.values()) {
    const parent = d.parent && domains.has(d.parent) ? d.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), d]);
  }
  const tree: DomainInfo[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const d of (children.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name))) {
      if (tree.includes(d)) continue;
      d.depth = depth;
      tree.push(d);
      walk(d.name, depth + 1);
    }
  };
  walk(null, 0);
  const teams = new Map<string, string[]>();
  for (const doc of teamDocs) {
    const meta = (doc.metadata ?? {}) as Json;
    teams.set(`team:${meta.domain}/${meta.name}`, arr(((doc.spec ?? {}) as Json).members));
  }
  return {
    charter,
    dataOffice: arr(spec.dataOffice),
    levels: Array.isArray(spec.classificationLevels)
      ? (spec.classificationLevels as Json[]).map((l) => String(l.name))
      : [],
    domains,
    tree,
    teams,
  };
}

export async function loadOrg(): Promise<Org> {
  const [charter, domains, teams] = await Promise.all(
    ['charter', 'domains', 'teams'].map((kind) =>
      cachedGet<{ documents: Json[] }>(exportPath(kind), TTL).then((r) => r.documents),
    ),
  );
  return buildOrg(charter!, domains!, teams!);
}

export function useOrg(): { org?: Org; error?: ApiError } {
  const [state, setState] = useState<{ org?: Org; error?: ApiError }>({});
  useEffect(() => {
    let live = true;
    loadOrg().then(
      (org) => live && setState({ org }),
      (error: ApiError) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/** The domain and its ancestors, nearest first. */
export function chainOf(org: Org, domain: string | null): DomainInfo[] {
  const out: DomainInfo[] = [];
  let current = domain ? org.domains.get(domain) : undefined;
  while (current && !out.includes(current) && out.length < 64) {
    out.push(current);
    current = current.parent ? org.domains.get(current.parent) : undefined;
  }
  return out;
}

/** The domain and every domain below it. */
export function subtreeOf(org: Org, domain: string): string[] {
  const out = [domain];
  for (let i = 0; i < out.length; i++) {
    for (const d of org.domains.values()) if (d.parent === out[i] && !out.includes(d.name)) out.push(d.name);
  }
  return out;
}

/** Whether `who` is one of the principals, directly or through a team. */
export function isAmong(org: Org, who: string, principals: readonly string[]): boolean {
  return principals.some(
    (p) => p === who || (p.startsWith('team:') && (org.teams.get(p) ?? []).includes(who)),
  );
}
