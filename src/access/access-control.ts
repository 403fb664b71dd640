/**
 * Access control as one service: who is calling (API token or OIDC JWT), and an Authorizer over
 * the organisation's current roles. The roles snapshot is reloaded only when the audit log shows a
 * change to the charter, a domain, team or user since it was read, so several servers on one
 * database agree within one request.
 */
import { loadOrganisation, StructureCache } from '../catalog/organisation.js';
import { AuthenticationError } from '../model/errors.js';
import { slugify } from '../model/ref.js';
import type { CatalogStore } from '../store/catalog-store.js';
import { Authorizer, type Principal } from './authorizer.js';
import { clearanceRules } from './clearance.js';
import type { OidcVerifier } from './oidc.js';
import type { AccessView } from './roles.js';
import { looksLikeToken, type Tokens } from './tokens.js';

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

export class AccessControl {
  private readonly kept: StructureCache<Awaited<ReturnType<typeof loadAccessView>>>;

  constructor(
    store: CatalogStore,
    readonly tokens: Tokens,
    readonly oidc?: OidcVerifier,
  ) {
    this.kept = new StructureCache(store, () => loadAccessView(store));
  }

  /** The roles snapshot, reloaded when the audit log shows a structural change since it was read. */
  view() {
    return this.kept.get();
  }

  async authorizer(principal: Principal): Promise<Authorizer> {
    return new Authorizer(await this.view(), principal);
  }

  /** Resolves the `Authorization` header to a principal, or throws an AuthenticationError. */
  async authenticate(header: string | undefined): Promise<Principal> {
    if (!header)
      throw new AuthenticationError(
        'Sign in: send Authorization: Bearer <token> (an API token or an OIDC JWT)',
      );
    const m = header.match(/^Bearer\s+(\S+)$/i);
    if (!m) throw new AuthenticationError('The Authorization header must be "Bearer <token>"');
    const presented = m[1]!;
    if (looksLikeToken(presented)) return { ref: (await this.tokens.verify(presented)).principal };
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
    const view = await this.view();
    const ref = subject.includes('@')
      ? view.usersByEmail.get(subject.toLowerCase())
      : `user:${slugify(subject)}`;
    if (!ref || !view.users.has(ref))
      throw new AuthenticationError(
        `No Charter user matches the token's ${this.oidc.config.claim ?? 'email'}`,
      );
    return { ref };
  }
}
