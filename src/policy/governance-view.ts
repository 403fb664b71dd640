/**
 * What policy evaluation needs to know about the organisation, loaded once per apply or sweep:
 * the charter, the domain tree with owners and stewards, users' e-mails, every policy and every
 * active waiver. A batch being applied overlays the stored state, so an apply is judged by the
 * standards it will live under.
 */
import type { AdmissionBatch } from '../catalog/plugin.js';
import { type CharterDoc, charterKind, REQUIRED_OWNERSHIP_TYPES } from '../model/kinds/charter-kind.js';
import type { DomainDoc } from '../model/kinds/domain-kind.js';
import type { PolicyDoc } from '../model/kinds/policy-kind.js';
import type { TeamDoc } from '../model/kinds/team-kind.js';
import type { UserDoc } from '../model/kinds/user-kind.js';
import type { WaiverDoc } from '../model/kinds/waiver-kind.js';
import type { AssetWithDoc, CatalogStore } from '../store/catalog-store.js';

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

async function scanAll(store: CatalogStore, kind: string): Promise<AssetWithDoc[]> {
  const out: AssetWithDoc[] = [];
  for (let offset = 0; ; offset += 2000) {
    const page = await store.scanAssets({ kind, limit: 2000, offset });
    out.push(...page);
    if (page.length < 2000) return out;
  }
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
  const docs = new Map<string, { kind: string; doc: Record<string, unknown> }>();
  for (const kind of ['Charter', 'Domain', 'Team', 'User', 'Policy', 'Waiver']) {
    for (const a of await scanAll(store, kind)) docs.set(a.ref, { kind, doc: a.doc });
  }
  for (const [ref, d] of batch?.docs ?? []) {
    if (['Charter', 'Domain', 'Team', 'User', 'Policy', 'Waiver'].includes(d.kind))
      docs.set(ref, { kind: d.kind, doc: d.doc });
  }
  let charter: CharterDoc | undefined;
  const domains = new Map<string, DomainInfo>();
  const teams = new Map<string, string[]>();
  const usersByEmail = new Map<string, string>();
  const policies = new Map<string, PolicyDoc>();
  const waiverDocs: [string, WaiverDoc][] = [];
  for (const [ref, { kind, doc }] of docs) {
    if (kind === 'Charter') charter = charterKind.normalize(doc);
    else if (kind === 'Domain')
      domains.set((doc as unknown as DomainDoc).metadata.name, domainInfo(doc as unknown as DomainDoc));
    else if (kind === 'Team') teams.set(ref, (doc as unknown as TeamDoc).spec.members ?? []);
    else if (kind === 'User') {
      const email = (doc as unknown as UserDoc).spec.email;
      if (email) usersByEmail.set(email.toLowerCase(), ref);
    } else if (kind === 'Policy') policies.set(ref, doc as unknown as PolicyDoc);
    else if (kind === 'Waiver') waiverDocs.push([ref, doc as unknown as WaiverDoc]);
  }
  // A waiver counts once the data office approved its current version, until it expires.
  const approved = new Set(
    (await store.approvals({ type: 'waiver', state: 'approved', limit: 100_000 })).map(
      (a) => `${a.ref}@${a.version}`,
    ),
  );
  const waivers: ActiveWaiver[] = [];
  if (waiverDocs.length) {
    const rows = await store.getAssets(waiverDocs.map(([ref]) => ref));
    const versions = new Map(rows.map((r) => [r.ref, r.version]));
    for (const [ref, doc] of waiverDocs) {
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
    usersByEmail,
    policies,
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
