/**
 * A snapshot of the organisation's structure — the charter, domains, teams, users, policies and
 * waivers — read in one pass. The policy engine and access control both judge against it; an
 * apply in progress can overlay its own documents.
 */

import { type AuditFeed, auditFeedOf } from '../audit/audit-feed.js';
import { type CharterDoc, charterKind } from '../model/kinds/charter-kind.js';
import type { DomainDoc } from '../model/kinds/domain-kind.js';
import { kindOf } from '../model/kinds/index.js';
import type { PolicyDoc } from '../model/kinds/policy-kind.js';
import type { TeamDoc } from '../model/kinds/team-kind.js';
import type { UserDoc } from '../model/kinds/user-kind.js';
import type { WaiverDoc } from '../model/kinds/waiver-kind.js';
import type { AssetWithDoc, CatalogStore } from '../store/catalog-store.js';

export const STRUCTURE_KINDS = ['Charter', 'Domain', 'Team', 'User', 'Policy', 'Waiver'] as const;

export interface Organisation {
  charter: CharterDoc | undefined;
  /** by domain name */
  domains: Map<string, DomainDoc>;
  /** by team ref */
  teams: Map<string, TeamDoc>;
  /** by user ref */
  users: Map<string, UserDoc>;
  /** e-mail (lower case) → user ref */
  usersByEmail: Map<string, string>;
  /** by policy ref */
  policies: Map<string, PolicyDoc>;
  /** by waiver ref */
  waivers: Map<string, WaiverDoc>;
}

async function scanAll(store: CatalogStore, kind: string): Promise<AssetWithDoc[]> {
  const out: AssetWithDoc[] = [];
  for (let offset = 0; ; offset += 2000) {
    const page = await store.scanAssets({ kind, limit: 2000, offset });
    out.push(...page);
    if (page.length < 2000) return out;
  }
}

export async function loadOrganisation(
  store: CatalogStore,
  overlay?: ReadonlyMap<string, { kind: string; doc: Record<string, unknown> }>,
): Promise<Organisation> {
  const docs = new Map<string, { kind: string; doc: Record<string, unknown> }>();
  for (const kind of STRUCTURE_KINDS) {
    for (const a of await scanAll(store, kind)) docs.set(a.ref, { kind, doc: a.doc });
  }
  for (const [ref, d] of overlay ?? []) {
    if ((STRUCTURE_KINDS as readonly string[]).includes(d.kind)) docs.set(ref, { kind: d.kind, doc: d.doc });
  }
  const org: Organisation = {
    charter: undefined,
    domains: new Map(),
    teams: new Map(),
    users: new Map(),
    usersByEmail: new Map(),
    policies: new Map(),
    waivers: new Map(),
  };
  for (const [ref, { kind, doc }] of docs) {
    if (kind === 'Charter') org.charter = charterKind.normalize(doc);
    else if (kind === 'Domain')
      org.domains.set((doc as unknown as DomainDoc).metadata.name, doc as unknown as DomainDoc);
    else if (kind === 'Team') org.teams.set(ref, doc as unknown as TeamDoc);
    else if (kind === 'User') {
      const user = doc as unknown as UserDoc;
      org.users.set(ref, user);
      if (user.spec.email) org.usersByEmail.set(user.spec.email.toLowerCase(), ref);
    } else if (kind === 'Policy') org.policies.set(ref, doc as unknown as PolicyDoc);
    else if (kind === 'Waiver') org.waivers.set(ref, doc as unknown as WaiverDoc);
  }
  return org;
}

const STRUCTURE_REF_KINDS = new Set<string>(STRUCTURE_KINDS.flatMap((k) => kindOf(k)?.refKind ?? []));

/** Whether an audited change to `ref` may change the organisation's structure. */
export function isStructureRef(ref: string): boolean {
  return STRUCTURE_REF_KINDS.has(ref.slice(0, ref.indexOf(':')));
}

/**
 * A value worked out from the organisation's structure (roles, policies, the charter), kept while
 * the audit log shows no structural change since it was read. Every change to the store is audited
 * in the transaction that makes it, so this holds whichever process sharing the store wrote; the
 * store's audit feed reads only the records written since, and one such read serves every cache.
 */
export class StructureCache<T> {
  private cached: { value: T; generation: number } | undefined;
  private loading: { promise: Promise<T>; generation: number } | undefined;
  /** Counts structural changes seen; a value loaded in an older generation is stale. */
  private generation = 0;
  private readonly feed: AuditFeed;

  constructor(
    store: CatalogStore,
    private readonly load: () => Promise<T>,
  ) {
    this.feed = auditFeedOf(store);
    this.feed.subscribe((change) => {
      if (change === 'everything' || [...change.refs].some(isStructureRef)) this.generation += 1;
    });
  }

  /**
   * The kept value, or a fresh one; `stillValid` may refuse a kept value for its own reasons.
   * `since` (the feed's mark when a request began) lets one request's reads share one look at the
   * audit log.
   */
  async get(stillValid?: (value: T) => boolean, since?: number): Promise<T> {
    await this.feed.catchUp(since);
    const cached = this.cached;
    if (cached && cached.generation === this.generation && (!stillValid || stillValid(cached.value)))
      return cached.value;
    if (this.loading?.generation === this.generation && !stillValid) return this.loading.promise;
    // A change seen while loading leaves the value in an old generation: it is loaded again next time.
    const generation = this.generation;
    const promise = this.load();
    this.loading = { promise, generation };
    try {
      const value = await promise;
      if (!this.cached || this.cached.generation <= generation) this.cached = { value, generation };
      return value;
    } finally {
      if (this.loading?.promise === promise) this.loading = undefined;
    }
  }
}
