/**
 * The filters of a list that name something in the catalog (a domain, an owner, an asset), checked
 * before the list is read: a typo is an error naming what is not there, not an empty list that reads
 * as "nothing there". A filter naming something the catalog has (or had: its history stays) but that
 * matches nothing still gives an empty list. The lists of the API, the CLI and the MCP server check
 * their filters here, through the service each calls.
 */
import { InputError, NotFoundError } from '../model/errors.js';
import { kindOfRef } from '../model/kinds/index.js';
import { isValidName, type RefKind, tryParseRef } from '../model/ref.js';
import type { CatalogStore } from '../store/catalog-store.js';
import type { AccessGuard } from './access-guard.js';

/** What a filter names: a domain (NAME or domain:NAME), a user or team, or an asset of these ref kinds (none: any). */
export type FilterTarget = 'domain' | 'principal' | readonly RefKind[];

export interface ListFilter {
  /** The parameter as the caller gave it (`domain`, `owner`): the message names it. */
  name: string;
  value: string | undefined;
  names: FilterTarget;
  /** Only what is there now, not what was deleted: a draft or a subscription is for a live domain. */
  live?: boolean;
}

export interface FilterScope {
  store: Pick<CatalogStore, 'getAsset' | 'listAssets'>;
  guard?: AccessGuard | undefined;
  /** The caller, who may filter by themselves though the catalog does not hold them (a token's principal). */
  actor?: string | undefined;
}

/** Domains the message lists in full; beyond, it says how many more there are and how to list them. */
const DOMAINS_LISTED = 20;

const LABELS: Partial<Record<RefKind, string>> = {
  dataset: 'Dataset',
  product: 'Data product',
  app: 'AI application',
  glossary: 'Glossary term',
};

const EXAMPLES: Partial<Record<RefKind, string>> = {
  dataset: 'dataset:payments/transactions',
  product: 'product:payments/settlements',
  model: 'model:risk/fraud-scorer',
  app: 'app:support/assistant',
  user: 'user:alice',
  team: 'team:payments/analysts',
};

/** A domain filter's name: `payments` for `payments` or `domain:payments`. */
export function domainName(value: string): string {
  return value.replace(/^domain:/, '');
}

/** How a message names what a ref of this kind is: Dataset, Data product, Team … */
export function refLabel(kind: RefKind): string {
  return LABELS[kind] ?? kindOfRef(kind)?.kind ?? kind;
}

/** The known domains, for the message about one that is not: listed, or counted with how to list them. */
async function knownDomains(store: FilterScope['store']): Promise<string> {
  const names = (await store.listAssets({ kind: 'Domain', limit: 10_000 })).map((d) => d.name).sort();
  if (!names.length) return 'the catalog has no domains yet';
  if (names.length <= DOMAINS_LISTED) return `known domains: ${names.join(', ')}`;
  return `known domains: ${names.slice(0, DOMAINS_LISTED).join(', ')} and ${names.length - DOMAINS_LISTED} more (charter get domains, or GET /api/v1/assets?kind=domains, lists them)`;
}

async function checkDomain(scope: FilterScope, filter: ListFilter, value: string): Promise<void> {
  const name = domainName(value);
  if (!isValidName(name))
    throw new InputError(`${filter.name} must be a domain name such as payments (got '${value}')`);
  const ref = `domain:${name}`;
  const asset = await scope.store.getAsset(ref);
  if (!asset || (filter.live && asset.state !== 'live'))
    throw new NotFoundError(
      `Domain '${ref}' ${asset ? 'was deleted' : 'not found'}; ${await knownDomains(scope.store)}`,
      { ref },
    );
}

async function checkPrincipal(scope: FilterScope, filter: ListFilter, value: string): Promise<void> {
  const ref = tryParseRef(value);
  if (!ref || (ref.kind !== 'user' && ref.kind !== 'team'))
    throw new InputError(`${filter.name} must be a user or team ref such as user:alice (got '${value}')`);
  if (value === scope.actor) return;
  if (!(await scope.store.getAsset(value)))
    throw new NotFoundError(`${refLabel(ref.kind)} '${value}' not found`, { ref: value });
}

async function checkAsset(
  scope: FilterScope,
  filter: ListFilter,
  value: string,
  kinds: readonly RefKind[],
): Promise<void> {
  const ref = tryParseRef(value);
  if (!ref || (kinds.length && !kinds.includes(ref.kind))) {
    const what = kinds.length ? `a ${kinds.join(' or ')} ref` : 'a ref';
    const example = EXAMPLES[kinds[0] ?? 'dataset'] ?? `${kinds[0]}:NAME`;
    throw new InputError(`${filter.name} must be ${what} such as ${example} (got '${value}')`);
  }
  // Refused by the ref's own domain before looking: the answer does not tell whether it exists.
  scope.guard?.requireRead({
    ref: value,
    kind: kindOfRef(ref.kind)?.kind ?? ref.kind,
    domain: ref.domain ?? null,
  });
  if (!(await scope.store.getAsset(value)))
    throw new NotFoundError(`${refLabel(ref.kind)} '${value}' not found`, { ref: value });
}

/**
 * Checks each given filter (those without a value are not given): a malformed one is an InputError
 * (400, exit 2), one naming nothing the catalog has or had a NotFoundError (404, exit 2) naming it;
 * an asset in a domain the caller may not read is refused (403) whether or not it exists.
 */
export async function checkListFilters(scope: FilterScope, filters: readonly ListFilter[]): Promise<void> {
  for (const filter of filters) {
    const value = filter.value;
    if (value === undefined || value === '') continue;
    if (filter.names === 'domain') await checkDomain(scope, filter, value);
    else if (filter.names === 'principal') await checkPrincipal(scope, filter, value);
    else await checkAsset(scope, filter, value, filter.names);
  }
}
