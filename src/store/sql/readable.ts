/** SQL conditions lists add (the assets table aliased `a`): what a caller may read, what a principal answers for. */
import { sql } from 'kysely';
import type { AccountableFilter } from '../catalog-store.js';

/**
 * Assets a principal owns or stewards (AccountableFilter): named on the asset, or inherited from
 * its domain where the asset names no one of that kind; a domain by its own chain.
 */
export function accountableClause(filter: AccountableFilter) {
  const names = (type: string) =>
    sql`EXISTS (SELECT 1 FROM relations o WHERE o.source = a.ref AND o.type = ${type})`;
  const inherited = (domains: readonly string[], type: string) =>
    domains.length
      ? sql` OR (a.kind <> 'Domain' AND a.domain IN (${sql.join(domains)}) AND NOT ${names(type)})
             OR (a.kind = 'Domain' AND a.name IN (${sql.join(domains)}))`
      : sql``;
  return sql<boolean>`(EXISTS (SELECT 1 FROM relations o WHERE o.source = a.ref
      AND o.type IN ('ownedBy', 'stewardedBy') AND o.target = ${filter.principal})${inherited(
        filter.ownerDomains,
        'ownedBy',
      )}${inherited(filter.stewardDomains, 'stewardedBy')})`;
}

/** Assets a caller may read: in one of their domains, org-wide, or a domain itself. */
export function readableClause(domains: readonly string[]) {
  return sql<boolean>`(a.domain IS NULL OR a.kind = 'Domain'${
    domains.length ? sql` OR a.domain IN (${sql.join(domains)})` : sql``
  })`;
}
