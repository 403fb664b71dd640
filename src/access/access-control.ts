/**
 * Access control as one service: who is calling (API token or OIDC JWT), and an Authorizer over
 * the organisation's current roles. The roles snapshot is reloaded only when the audit log shows a
 * change to the charter, a domain, team or user since it was read, and a verified API token is kept
 * until the log shows a change to its principal (creating or revoking one of its tokens is audited
 * on that ref), so several servers on one database agree within one request.
 */
import { hash } from 'node:crypto';
import { type AuditFeed, auditFeedOf } from '../audit/audit-feed.js';
import { loadOrganisation, StructureCache } from '../catalog/organisation.js';
import { AuthenticationError } from '../model/errors.js';
import { slugify } from '../model/ref.js';
import type { CatalogStore } from '../store/catalog-store.js';
import { Authorizer, type Principal } from './authorizer.js';
import { clearanceRules } from './clearance.js';
import type { OidcVerifier } from './oidc.js';
import type { AccessView } from './roles.js';
import { looksLikeToken, type Tokens, type VerifiedToken } from './tokens.js';

export async function loadAccessView(
  store: CatalogStore,
): Promise<AccessView & { usersByEmail: Map<string, string>; users: Set<string> }> {
  const org = await loadOrganisation(store);
  return {
    dataOffice: org.charter?.spec.dataOffice ?? [],
    clearance: clearanceRules(org.charter?.spec),
    domains: new Map(
      [...org.domains].map(([name, d]) => [
        name,
        {
          name,
          parent: d.metadata.parent ?? null,
          owners: d.spec.owners ?? [],
          stewards: d.spec.stewards ?? [],
          contributors: d.spec.contributors ?? [],
          viewers: d.spec.viewers ?? [],
        },
      ]),
    ),
    teams: new Map([...org.teams].map(([ref, t]) => [ref, t.spec.members ?? []])),
    usersByEmail: org.usersByEmail,
    users: new Set(org.users.keys()),
  };
}

/** Verified API tokens kept at most; past it the oldest is verified again at its next use. */
const KEPT_TOKENS = 10_000;

export class AccessControl {
  private readonly kept: StructureCache<Awaited<ReturnType<typeof loadAccessView>>>;
  private readonly feed: AuditFeed;
  /** SHA-256 of a presented API token → what verifying it found (never the token itself). */
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(
    store: CatalogStore,
    readonly tokens: Tokens,
    readonly oidc?: OidcVerifier,
  ) {
    this.kept = new StructureCache(store, () => loadAccessView(store));
    this.feed = auditFeedOf(store);
    this.feed.subscribe((change) => {
      if (change === 'everything') return this.verified.clear();
      if (![...change.refs].some((ref) => ref.startsWith('user:') || ref.startsWith('team:'))) return;
      for (const [key, token] of this.verified)
        if (change.refs.has(token.principal)) this.verified.delete(key);
    });
  }

  /**
   * The roles snapshot, reloaded when the audit log shows a structural change since it was read.
   * `since` (the audit feed's mark when a request began) shares the request's one look at the log.
   */
  view(since?: number) {
    return this.kept.get(undefined, since);
  }

  async authorizer(principal: Principal, since?: number): Promise<Authorizer> {
    return new Authorizer(await this.view(since), principal);
  }

  /** Resolves the `Authorization` header to a principal, or throws an AuthenticationError. */
  async authenticate(header: string | undefined, since?: number): Promise<Principal> {
    if (!header)
      throw new AuthenticationError(
        'Sign in: send Authorization: Bearer <token> (an API token or an OIDC JWT)',
      );
    const m = header.match(/^Bearer\s+(\S+)$/i);
    if (!m) throw new AuthenticationError('The Authorization header must be "Bearer <token>"');
    const presented = m[1]!;
    if (looksLikeToken(presented)) return { ref: (await this.verifyToken(presented, since)).principal };
    if (!this.oidc)
      throw new AuthenticationError(
        'The bearer token is not a Charter token, and no OIDC issuer is configured',
      );
    const payload = await this.oidc.verify(presented);
    const subject = this.oidc.subject(payload);
    if (!subject)
      throw new AuthenticationError(
        `The token has no ${this.oidc.config.claim ?? 'email'} claim to name the user`,
      );
    const view = await this.view(since);
    const ref = subject.includes('@')
      ? view.usersByEmail.get(subject.toLowerCase())
      : `user:${slugify(subject)}`;
    if (!ref || !view.users.has(ref))
      throw new AuthenticationError(
        `No Charter user matches the token's ${this.oidc.config.claim ?? 'email'}`,
      );
    return { ref };
  }

  /**
   * An API token verified against the store once, then kept by its hash until the audit log shows
   * a change to its principal (a token created or revoked, by any process); its expiry is checked
   * at every use.
   */
  private async verifyToken(presented: string, since?: number): Promise<VerifiedToken> {
    await this.feed.catchUp(since);
    const key = hash('sha256', presented);
    const kept = this.verified.get(key);
    if (kept && !this.tokens.expired(kept.expiresAt)) return kept;
    if (kept) this.verified.delete(key);
    // Expired, unknown or dropped: the store answers (and words the refusal).
    const position = this.feed.position;
    const token = await this.tokens.verify(presented);
    // A change delivered while verifying may be this token's revocation: keep nothing then.
    if (this.feed.position === position) {
      if (this.verified.size >= KEPT_TOKENS) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(key, token);
    }
    return token;
  }
}
