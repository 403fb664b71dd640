/**
 * Roles come from the catalog itself: the charter's `dataOffice`, and each domain's `owners`
 * (domain-owner), `stewards`, `contributors` and `viewers`, granted to users or teams and inherited
 * down sub-domains. Granting a role is applying a manifest, so it is versioned and audited.
 */
import type { ClearanceRules } from './clearance.js';

export const ROLES = ['viewer', 'contributor', 'steward', 'domain-owner'] as const;
export type DomainRole = (typeof ROLES)[number];

export interface DomainGrants {
  name: string;
  parent: string | null;
  owners: string[];
  stewards: string[];
  contributors: string[];
  viewers: string[];
}

/** The organisation as access control sees it. */
export interface AccessView {
  dataOffice: string[];
  /** Which classification levels each role may see values of; the defaults when absent. */
  clearance?: ClearanceRules;
  domains: Map<string, DomainGrants>;
  /** team ref → member user refs */
  teams: Map<string, string[]>;
}

export function strength(role: DomainRole | undefined): number {
  return role ? ROLES.indexOf(role) + 1 : 0;
}

/** The principal itself and every team it belongs to. */
export function identities(view: AccessView, principal: string): Set<string> {
  const out = new Set([principal]);
  for (const [team, members] of view.teams) if (members.includes(principal)) out.add(team);
  return out;
}

export function isDataOffice(view: AccessView, principal: string): boolean {
  const ids = identities(view, principal);
  return view.dataOffice.some((p) => ids.has(p));
}

/** The strongest role a principal holds on a domain, directly or through an ancestor. */
export function roleIn(
  view: AccessView,
  principal: string,
  domain: string | null,
  ids = identities(view, principal),
): DomainRole | undefined {
  let best: DomainRole | undefined;
  const seen = new Set<string>();
  let current = domain ? view.domains.get(domain) : undefined;
  while (current && !seen.has(current.name)) {
    seen.add(current.name);
    const grants: [DomainRole, string[]][] = [
      ['domain-owner', current.owners],
      ['steward', current.stewards],
      ['contributor', current.contributors],
      ['viewer', current.viewers],
    ];
    for (const [role, list] of grants) {
      if (strength(role) > strength(best) && list.some((p) => ids.has(p))) best = role;
    }
    current = current.parent ? view.domains.get(current.parent) : undefined;
  }
  return best;
}

/** Domains where the principal holds at least `min` (sub-domains included). */
export function domainsWith(view: AccessView, principal: string, min: DomainRole): Set<string> {
  const ids = identities(view, principal);
  const out = new Set<string>();
  for (const name of view.domains.keys())
    if (strength(roleIn(view, principal, name, ids)) >= strength(min)) out.add(name);
  return out;
}
