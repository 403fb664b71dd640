/**
 * A snapshot of the organisation's structure — the charter, domains, teams, users, policies and
 * waivers — read in one pass. The policy engine and access control both judge against it; an
 * apply in progress can overlay its own documents.
 */
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
 * check reads only the audit records written since, so a busy log of other changes costs little.
 */
export class StructureCache<T> {
  private cached: { value: T; seq: number } | undefined;

  constructor(
    private readonly store: CatalogStore,
    private readonly load: () => Promise<T>,
  ) {}

  /** The kept value, or a fresh one; `stillValid` may refuse a kept value for its own reasons. */
  async get(stillValid?: (value: T) => boolean): Promise<T> {
    const cached = this.cached;
    if (cached && (!stillValid || stillValid(cached.value))) {
      const since = await this.store.auditRefs({ afterSeq: cached.seq, limit: 100 });
      if (since.length < 100 && !since.some((r) => isStructureRef(r.ref))) {
        if (since.length) cached.seq = Math.max(cached.seq, since[since.length - 1]!.seq);
        return cached.value;
      }
    }
    // The head first: a change landing meanwhile is in the value, or seen as a change next time.
    const { seq } = await this.store.auditHead();
    const value = await this.load();
    this.cached = { value, seq };
    return value;
  }
}
