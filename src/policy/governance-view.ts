/**
 * What policy evaluation needs to know about the organisation, loaded once per apply or sweep:
 * the charter, the domain tree with owners and stewards, users' e-mails, every policy and every
 * active waiver. A batch being applied overlays the stored state, so an apply is judged by the
 * standards it will live under.
 */

import { loadOrganisation } from '../catalog/organisation.js';
import type { AdmissionBatch } from '../catalog/plugin.js';
import { type CharterDoc, REQUIRED_OWNERSHIP_TYPES } from '../model/kinds/charter-kind.js';
import type { DomainDoc } from '../model/kinds/domain-kind.js';
import type { PolicyDoc } from '../model/kinds/policy-kind.js';
import type { CatalogStore } from '../store/catalog-store.js';

export interface DomainInfo {
  name: string;
  ref: string;
  parent: string | null;
  title: string;
  labels: Record<string, string>;
  owners: string[];
  stewards: string[];
}

export interface ActiveWaiver {
  ref: string;
  policy: string;
  asset: string;
  field?: string;
  expires: string;
}

export interface GovernanceView {
  charter: CharterDoc | undefined;
  levels: string[];
  ownershipTypes: string[];
  domains: Map<string, DomainInfo>;
  teams: Map<string, string[]>;
  usersByEmail: Map<string, string>;
  policies: Map<string, PolicyDoc>;
  waivers: ActiveWaiver[];
}

function domainInfo(doc: DomainDoc): DomainInfo {
  return {
    name: doc.metadata.name,
    ref: `domain:${doc.metadata.name}`,
    parent: doc.metadata.parent ?? null,
    title: doc.spec.title ?? doc.metadata.name,
    labels: doc.metadata.labels ?? {},
    owners: doc.spec.owners ?? [],
    stewards: doc.spec.stewards ?? [],
  };
}

export async function loadView(
  store: CatalogStore,
  batch?: AdmissionBatch,
  now = new Date(),
): Promise<GovernanceView> {
  const org = await loadOrganisation(store, batch?.docs);
  const { charter } = org;
  const domains = new Map([...org.domains].map(([name, doc]) => [name, domainInfo(doc)]));
  const teams = new Map([...org.teams].map(([ref, doc]) => [ref, doc.spec.members ?? []]));
  // A waiver counts once the data office approved its current version, until it expires.
  const approved = new Set(
    (await store.approvals({ type: 'waiver', state: 'approved', limit: 100_000 })).map(
      (a) => `${a.ref}@${a.version}`,
    ),
  );
  const waivers: ActiveWaiver[] = [];
  if (org.waivers.size) {
    const rows = await store.getAssets([...org.waivers.keys()]);
    const versions = new Map(rows.map((r) => [r.ref, r.version]));
    for (const [ref, doc] of org.waivers) {
      if (!approved.has(`${ref}@${versions.get(ref)}`)) continue;
      if (Date.parse(doc.spec.expires) <= now.getTime()) continue;
      const w: ActiveWaiver = {
        ref,
        policy: doc.spec.policy,
        asset: doc.spec.asset,
        expires: doc.spec.expires,
      };
      if (doc.spec.field) w.field = doc.spec.field;
      waivers.push(w);
    }
  }
  const types = charter?.spec.ownershipTypes?.map((t) => t.name) ?? [...REQUIRED_OWNERSHIP_TYPES];
  return {
    charter,
    levels: charter?.spec.classificationLevels.map((l) => l.name) ?? [],
    ownershipTypes: types,
    domains,
    teams,
    usersByEmail: org.usersByEmail,
    policies: org.policies,
    waivers,
  };
}

/** The domain and its ancestors, nearest first. */
export function domainChain(view: GovernanceView, domain: string | null): DomainInfo[] {
  const out: DomainInfo[] = [];
  let current = domain ? view.domains.get(domain) : undefined;
  while (current && out.length < 64 && !out.includes(current)) {
    out.push(current);
    current = current.parent ? view.domains.get(current.parent) : undefined;
  }
  return out;
}

/** Whether `actor` is one of the principals, directly or as a member of a listed team. */
export function isAmong(view: GovernanceView, actor: string, principals: readonly string[]): boolean {
  return principals.some(
    (p) => p === actor || (p.startsWith('team:') && (view.teams.get(p) ?? []).includes(actor)),
  );
}
