/** The SQL condition access control adds to lists and searches (the assets table is aliased `a`). */
import { sql } from 'kysely';

/** Assets a caller may read: in one of their domains, org-wide, or a domain itself. */
export function readableClause(domains: readonly string[]) {
  return sql<boolean>`(a.domain IS NULL OR a.kind = 'Domain'${
    domains.length ? sql` OR a.domain IN (${sql.join(domains)})` : sql``
  })`;
}
