/**
 * The catalog service: applies manifests and answers reads (get, describe, history, diff, search,
 * audit, export/import) over a CatalogStore. The server and the local CLI both call it.
 */
import { verifyStore } from '../audit/verify-store.js';
import { ConflictError, InputError, NotFoundError } from '../model/errors.js';
import { kindListNames, kindOf, kindOfRef, resolveKindName } from '../model/kinds/index.js';
import { relationInverse } from '../model/kinds/kind.js';
import { parseRef, tryParseRef } from '../model/ref.js';
import type {
  AccountableFilter,
  AssetRow,
  AssetWithDoc,
  CatalogStore,
  FieldRow,
  RelationRow,
} from '../store/catalog-store.js';
import type { AccessGuard, GuardTarget } from './access-guard.js';
import { type ApplyResult, applyDocuments, deleteAsset } from './apply.js';
import type {
  ApplyRequest,
  AssetListItem,
  CatalogApi,
  CatalogBackup,
  Description,
  DiffResult,
  ExportOptions,
  ListOptions,
  PrincipalRef,
  RelationView,
} from './catalog-api.js';
import { diffDocuments } from './diff.js';
import { checkListFilters, domainName, type ListFilter } from './list-filters.js';
import { nearestPeople } from './ownership.js';
import type { CatalogPlugin } from './plugin.js';
import { restoreBackup } from './restore.js';

export interface CatalogOptions {
  actor: string;
  /** Progress of a long apply, by stage (`checking documents`, `storing`). */
  onProgress?: (done: number, total: number, stage?: string) => void;
  /** Capabilities that validate and admit changes (the policy engine). */
  plugins?: readonly CatalogPlugin[];
  /** Access control for the caller; absent for the local administrator and in-process tools. */
  guard?: AccessGuard;
  /** The clock versions and audit records are stamped with (default: the system's). */
  now?: () => Date;
}

const kindLabel = (kind: string) =>
  kind === 'DataContract' ? 'Dataset' : kind === 'DataProduct' ? 'Data product' : kind;

/** What a ref names as access control sees it, by the domain the ref carries (undefined: not a ref). */
export function refTarget(ref: string): GuardTarget | undefined {
  const parsed = tryParseRef(ref);
  if (!parsed) return undefined;
  return { ref, kind: kindOfRef(parsed.kind)?.kind ?? parsed.kind, domain: parsed.domain ?? null };
}

export class Catalog implements CatalogApi {
  constructor(
    readonly store: CatalogStore,
    readonly options: CatalogOptions,
  ) {}

  /** A catalog acting for another actor (the server creates one per request). */
  as(actor: string, guard?: AccessGuard): Catalog {
    const options: CatalogOptions = { ...this.options, actor };
    if (guard) options.guard = guard;
    else delete options.guard;
    return new Catalog(this.store, options);
  }

  get guard(): AccessGuard | undefined {
    return this.options.guard;
  }

  /** The asset as access control sees it (its domain; a Domain's parent). */
  private target(asset: { ref: string; kind: string; domain: string | null }): GuardTarget {
    return { ref: asset.ref, kind: asset.kind, domain: asset.domain };
  }

  /** Whether the caller may read what a ref names, by the domain the ref carries. */
  mayRead(ref: string): boolean {
    const target = refTarget(ref);
    return !this.options.guard || !target || this.options.guard.canRead(target);
  }

  /** Throws NotAllowedError (naming the role it needs) when the caller may not read what a ref names. */
  requireRead(ref: string): void {
    const target = refTarget(ref);
    if (target) this.options.guard?.requireRead(target);
  }

  /** Whether the caller may write what a ref names (the role its domain asks of writers). */
  mayWrite(ref: string): boolean {
    const target = refTarget(ref);
    if (!this.options.guard) return true;
    return target !== undefined && this.options.guard.canWrite(target);
  }

  /** Store filters that keep what the caller may not read out of lists and searches. */
  private readable(): string[] | undefined {
    const domains = this.options.guard?.readableDomains();
    return domains ? [...domains] : undefined;
  }

  /** Checks that a list's filters name something the catalog has, as this caller (see list-filters.ts). */
  checkFilters(filters: readonly ListFilter[]): Promise<void> {
    return checkListFilters(
      { store: this.store, guard: this.options.guard, actor: this.options.actor },
      filters,
    );
  }

  apply(request: ApplyRequest): Promise<ApplyResult> {
    const options: Parameters<typeof applyDocuments>[3] = { actor: this.options.actor };
    if (this.options.now) options.time = this.options.now().toISOString();
    if (request.dryRun) options.dryRun = true;
    if (request.defaultDomain) options.defaultDomain = request.defaultDomain;
    if (request.expectedVersions) options.expectedVersions = request.expectedVersions;
    if (this.options.onProgress) options.onProgress = this.options.onProgress;
    if (this.options.plugins) options.plugins = this.options.plugins;
    const guard = this.options.guard;
    if (guard) {
      options.authorize = (targets) => guard.requireWrite(targets);
      options.mayRead = (ref) => this.mayRead(ref);
    }
    return applyDocuments(this.store, request.docs, request.problems ?? [], options);
  }

  async list(kind: string, options: ListOptions): Promise<AssetListItem[]> {
    const def = resolveKindName(kind);
    if (!def) throw new InputError(`'${kind}' is not a kind; expected one of ${kindListNames}`);
    await this.checkFilters([
      { name: 'domain', value: options.domain, names: 'domain' },
      { name: 'owner', value: options.owner, names: 'principal' },
    ]);
    const filter: Parameters<CatalogStore['listAssets']>[0] = { kind: def.kind, limit: options.limit ?? 500 };
    if (options.domain) filter.domain = domainName(options.domain);
    if (options.name) filter.name = options.name;
    if (options.offset) filter.offset = options.offset;
    if (options.owner) filter.accountable = await this.accountable(options.owner);
    const readable = this.readable();
    if (readable) filter.readableDomains = readable;
    return this.withPeople(await this.store.listAssets(filter));
  }

  /**
   * What a principal answers for, as a store filter: they are named on an asset, or the asset names
   * no one of that kind and they are among its domain's owners (stewards), declared on it or up its
   * chain. The domains are worked out here (they are few); the assets in the store's query.
   */
  private async accountable(principal: string): Promise<AccountableFilter> {
    const domains = await this.withPeople(await this.store.listAssets({ kind: 'Domain', limit: 1_000_000 }));
    return {
      principal,
      ownerDomains: domains.filter((d) => d.owners.includes(principal)).map((d) => d.name),
      stewardDomains: domains.filter((d) => d.stewards.includes(principal)).map((d) => d.name),
    };
  }

  /**
   * The assets with their owners and stewards, by the rule `describe` follows: declared on the
   * asset, else those of the nearest domain up its chain (a domain's own first) that declares them.
   * Two or three reads whatever the number of assets: their relations, then their domains' chains.
   */
  private async withPeople(rows: readonly AssetRow[]): Promise<AssetListItem[]> {
    if (!rows.length) return [];
    const types = ['ownedBy', 'stewardedBy', 'childOf'];
    const relations = new Map<string, { ownedBy: string[]; stewardedBy: string[]; parent?: string }>();
    const load = async (refs: string[]) => {
      for (const ref of refs) relations.set(ref, { ownedBy: [], stewardedBy: [] });
      for (const r of await this.store.relationsOf(refs, types)) {
        const entry = relations.get(r.source)!;
        if (r.type === 'childOf') entry.parent = r.target;
        else if (r.type === 'ownedBy' || r.type === 'stewardedBy') entry[r.type].push(r.target);
      }
    };
    await load(rows.map((r) => r.ref));
    // Up the domains' chains, a level per read (a domain tree is shallow), until every one is known.
    const domainOf = (r: AssetRow) => (r.kind === 'Domain' ? r.ref : r.domain ? `domain:${r.domain}` : null);
    let missing = [...new Set(rows.map(domainOf))].filter((d): d is string => !!d && !relations.has(d));
    for (let depth = 0; missing.length && depth < 64; depth++) {
      await load(missing);
      missing = [...new Set(missing.map((d) => relations.get(d)!.parent))].filter(
        (d): d is string => !!d && !relations.has(d),
      );
    }
    return rows.map((r) => {
      // The domain refs up from the asset's (a domain's: from its parent), nearest first.
      const chain: string[] = [];
      const first = r.kind === 'Domain' ? (relations.get(r.ref)!.parent ?? null) : domainOf(r);
      for (let d = first; d && d !== r.ref && !chain.includes(d); d = relations.get(d)?.parent ?? null)
        chain.push(d);
      const people = (type: 'ownedBy' | 'stewardedBy') =>
        nearestPeople(relations.get(r.ref)![type], chain, (d) => relations.get(d)?.[type]).people;
      return { ...r, owners: people('ownedBy'), stewards: people('stewardedBy') };
    });
  }

  private async live(ref: string) {
    parseRef(ref);
    const asset = await this.store.getAsset(ref);
    if (asset?.state !== 'live') {
      const kind = kindOf(asset?.kind ?? '')?.kind ?? ref.split(':')[0] ?? 'Asset';
      throw new NotFoundError(
        `${kindLabel(kind === 'dataset' ? 'Dataset' : kind)} '${ref}' not found${asset ? ' (it was deleted; see its history)' : ''}`,
        { ref },
      );
    }
    return asset;
  }

  async get(ref: string) {
    const { doc, ...asset } = await this.live(ref);
    this.options.guard?.requireRead(this.target(asset));
    return { asset, doc };
  }

  private async principals(refs: string[], source: string): Promise<PrincipalRef[]> {
    if (!refs.length) return [];
    const found = new Map((await this.store.getAssets(refs)).map((a) => [a.ref, a.title]));
    return refs.map((ref) => ({ ref, title: found.get(ref) ?? ref, source }));
  }

  /** The domain and its ancestors, nearest first. */
  async domainPath(domain: string | null): Promise<string[]> {
    const path: string[] = [];
    let current = domain ? `domain:${domain}` : null;
    while (current && path.length < 64 && !path.includes(current)) {
      path.push(current);
      const rels = await this.store.relationsFrom(current);
      current = rels.find((r) => r.type === 'childOf')?.target ?? null;
    }
    return path;
  }

  async describe(ref: string): Promise<Description> {
    const asset = await this.live(ref);
    this.options.guard?.requireRead(this.target(asset));
    const { doc, ...row } = asset;
    const from = await this.store.relationsFrom(ref);
    const to = await this.store.relationsTo(ref);
    const chainStart = asset.kind === 'Domain' ? ref : asset.domain ? `domain:${asset.domain}` : null;
    const domainPath = chainStart ? await this.domainPath(chainStart.slice('domain:'.length)) : [];
    const declared = (type: string, role?: string) =>
      from.filter((r) => r.type === type && (role === undefined || r.role === role)).map((r) => r.target);
    // Owners and stewards not declared on the asset come from the nearest domain that declares them.
    const chain = domainPath.filter((d) => d !== ref);
    const named = new Map<string, RelationRow[]>();
    if (!declared('ownedBy').length || !declared('stewardedBy').length)
      for (const r of await this.store.relationsOf(chain, ['ownedBy', 'stewardedBy']))
        named.set(r.source, [...(named.get(r.source) ?? []), r]);
    const inherit = async (type: string): Promise<PrincipalRef[]> => {
      const { people, from } = nearestPeople(declared(type), chain, (d) =>
        named
          .get(d)
          ?.filter((r) => r.type === type)
          .map((r) => r.target),
      );
      return from ? this.principals(people, from) : [];
    };
    const roles: Record<string, PrincipalRef[]> = {};
    for (const r of from.filter((r) => r.type === 'hasRole')) {
      const list = roles[r.role ?? 'role'] ?? [];
      list.push(...(await this.principals([r.target], 'declared')));
      roles[r.role ?? 'role'] = list;
    }
    const termRefs = [...new Set(from.filter((r) => r.type === 'usesTerm').map((r) => r.target))];
    const terms = await this.store.getAssets(termRefs);
    const relations: RelationView[] = [
      ...from.map((r) => ({ type: r.type, ref: r.target, ...(r.role ? { role: r.role } : {}) })),
      ...to.map((r) => ({
        type: relationInverse[r.type as keyof typeof relationInverse] ?? `${r.type}-of`,
        ref: r.source,
        ...(r.role ? { role: r.role } : {}),
      })),
    ];
    const description: Description = {
      asset: row,
      doc,
      owners: await inherit('ownedBy'),
      stewards: await inherit('stewardedBy'),
      roles,
      domainPath,
      fields: fieldsOf(asset),
      glossary: terms.map((t) => ({
        ref: t.ref,
        title: t.title,
        definition: String((t.doc.spec as Record<string, unknown> | undefined)?.definition ?? ''),
      })),
      // A domain names only the assets in it the caller may read (the domain tree itself is public).
      relations: asset.kind === 'Domain' ? relations.filter((r) => this.mayRead(r.ref)) : relations,
      versions: await this.store.versions(ref),
    };
    // Capabilities add what they know about the asset (lineage: inherited classifications).
    for (const plugin of this.options.plugins ?? [])
      Object.assign(description, (await plugin.describe?.(description, this.options.guard)) ?? {});
    return description;
  }

  /**
   * Why the caller may not see a dataset's data values (failing-row samples), or undefined when it
   * may: every classification its live document and the given versions carry (on the contract, its
   * tables and fields, its AI section, or inherited along lineage) must be within the caller's
   * clearance. Without a guard (the local administrator) nothing is withheld.
   */
  async valuesWithheld(ref: string, versions: readonly number[] = []): Promise<string | undefined> {
    const guard = this.options.guard;
    if (!guard || guard.isAdmin) return undefined;
    const found = new Set<string>();
    const asset = await this.store.getAsset(ref);
    if (asset?.state === 'live') {
      const d = await this.describe(ref);
      collectClassifications(d.doc, found);
      for (const f of d.classification ?? []) if (f.inherited) found.add(f.inherited);
    }
    for (const v of new Set(versions)) {
      if (asset?.state === 'live' && v === asset.version) continue;
      const old = await this.store.version(ref, v);
      if (old?.doc) collectClassifications(old.doc, found);
    }
    return guard.valuesWithheld({
      ref,
      domain: asset?.domain ?? parseRef(ref).domain ?? null,
      classifications: [...found],
    });
  }

  async history(ref: string) {
    const parsed = parseRef(ref);
    const versions = await this.store.versions(ref);
    if (!versions.length) throw new NotFoundError(`'${ref}' not found: it has no history`, { ref });
    this.options.guard?.requireRead({ ref, kind: versions[0]!.kind, domain: parsed.domain ?? null });
    return versions;
  }

  async diff(ref: string, from?: number, to?: number): Promise<DiffResult> {
    const versions = await this.history(ref);
    const latest = versions[versions.length - 1]!.version;
    const target = to ?? latest;
    const base = from ?? target - 1;
    if (base < 1)
      throw new InputError(`'${ref}' has only version ${latest}; there is nothing to compare it with`);
    const [a, b] = await Promise.all([this.store.version(ref, base), this.store.version(ref, target)]);
    if (!a) throw new NotFoundError(`Version ${base} of '${ref}' not found; it has versions 1 to ${latest}`);
    if (!b)
      throw new NotFoundError(`Version ${target} of '${ref}' not found; it has versions 1 to ${latest}`);
    return { ref, from: base, to: target, ...diffDocuments(b.kind, a.doc, b.doc) };
  }

  async remove(ref: string) {
    const asset = await this.live(ref);
    this.options.guard?.requireWrite([{ ...this.target(asset), parent: parentOf(asset.doc) }]);
    const result = await deleteAsset(this.store, ref, {
      actor: this.options.actor,
      ...(this.options.now ? { time: this.options.now().toISOString() } : {}),
    });
    if (!result) throw new NotFoundError(`'${ref}' not found`, { ref });
    if ('blockedBy' in result) {
      const shown = result.blockedBy.slice(0, 5).join(', ');
      const more = result.blockedBy.length > 5 ? ` and ${result.blockedBy.length - 5} more` : '';
      throw new ConflictError(
        `'${ref}' is still referred to by ${shown}${more}; change or delete those first`,
        {
          referrers: result.blockedBy,
        },
      );
    }
    // A deleted policy no longer counts in compliance, a deleted contract no longer in lineage.
    for (const plugin of this.options.plugins ?? [])
      await plugin.afterApply?.([{ ref, kind: asset.kind }], { actor: this.options.actor });
    return result;
  }

  async search(query: string, options: { kind?: string; domain?: string; owner?: string; limit?: number }) {
    if (!query.trim()) throw new InputError('The search query is empty; give one or more words');
    const q: Parameters<CatalogStore['search']>[0] = {
      text: query,
      limit: Math.min(options.limit ?? 20, 200),
    };
    if (options.kind) {
      const def = resolveKindName(options.kind);
      if (!def) throw new InputError(`'${options.kind}' is not a kind`);
      q.kind = def.kind;
    }
    await this.checkFilters([
      { name: 'domain', value: options.domain, names: 'domain' },
      { name: 'owner', value: options.owner, names: 'principal' },
    ]);
    if (options.domain) q.domain = domainName(options.domain);
    if (options.owner) q.accountable = await this.accountable(options.owner);
    const readable = this.readable();
    if (readable) q.readableDomains = readable;
    return this.store.search(q);
  }

  async auditLog(options: { ref?: string; limit?: number; afterSeq?: number }) {
    const filter: Parameters<CatalogStore['auditRecords']>[0] = {
      limit: Math.min(options.limit ?? 100, 10_000),
    };
    if (options.ref) filter.ref = options.ref;
    if (options.afterSeq !== undefined) filter.afterSeq = options.afterSeq;
    const records = await this.store.auditRecords(filter);
    const guard = this.options.guard;
    if (!guard || guard.isAdmin) return records;
    // Records about what the caller may not read are left out.
    return records.filter((r) => {
      const ref = tryParseRef(r.ref);
      return (
        !ref ||
        guard.canRead({ ref: r.ref, kind: kindOfRef(ref.kind)?.kind ?? ref.kind, domain: ref.domain ?? null })
      );
    });
  }

  /** The hash chain, and every stored version against the record that wrote it. */
  auditVerify() {
    return verifyStore(this.store);
  }

  async exportDocs(options: ExportOptions): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    const filter: Parameters<CatalogStore['scanAssets']>[0] = { limit: 2000 };
    if (options.kind) {
      const def = resolveKindName(options.kind);
      if (!def) throw new InputError(`'${options.kind}' is not a kind`);
      filter.kind = def.kind;
    }
    await this.checkFilters([{ name: 'domain', value: options.domain, names: 'domain' }]);
    if (options.domain) filter.domain = domainName(options.domain);
    const readable = this.readable();
    if (readable) filter.readableDomains = readable;
    for (let offset = 0; ; offset += 2000) {
      const page = await this.store.scanAssets({ ...filter, offset });
      out.push(...page.map((a) => a.doc));
      if (page.length < 2000) break;
    }
    return out;
  }

  async exportBackup(): Promise<CatalogBackup> {
    this.options.guard?.requireDataOffice('export the whole catalog with its history');
    const versions: CatalogBackup['versions'] = [];
    for (let offset = 0; ; offset += 2000) {
      const page = await this.store.listAssets({ includeDeleted: true, limit: 2000, offset });
      for (const asset of page) {
        for (const v of await this.store.versions(asset.ref)) {
          const full = await this.store.version(asset.ref, v.version);
          versions.push({ ...v, domain: asset.domain, name: asset.name, doc: full?.doc ?? null });
        }
      }
      if (page.length < 2000) break;
    }
    const audit = [];
    for (let after = 0; ; ) {
      const page = await this.store.auditRecords({ afterSeq: after, limit: 5000 });
      audit.push(...page);
      if (page.length < 5000) break;
      after = page[page.length - 1]!.seq;
    }
    return {
      apiVersion: 'charter/v1',
      kind: 'CatalogBackup',
      exportedAt: new Date().toISOString(),
      versions,
      audit,
    };
  }

  importBackup(backup: CatalogBackup) {
    this.options.guard?.requireDataOffice('restore a backup');
    return restoreBackup(this.store, backup);
  }

  async stats() {
    const counts = await this.store.countAssets();
    const readable = this.options.guard?.readableDomains();
    return readable
      ? counts.filter((c) => !c.domain || c.kind === 'Domain' || readable.has(c.domain))
      : counts;
  }
}

/** The asset's fields as its kind reads them from the live document, in document order. */
function fieldsOf(asset: AssetWithDoc): FieldRow[] {
  const def = kindOf(asset.kind);
  if (!def) return [];
  return def.fields(asset.doc).map((f, position) => ({ ref: asset.ref, position, ...f }));
}

function parentOf(doc: Record<string, unknown>): string | null {
  const metadata = doc.metadata as { parent?: string } | undefined;
  return metadata?.parent ?? null;
}

/** Every `classification` a document declares, at any depth. */
function collectClassifications(doc: unknown, into: Set<string>): void {
  const stack: unknown[] = [doc];
  while (stack.length) {
    const value = stack.pop();
    if (Array.isArray(value)) stack.push(...value);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'classification' && typeof inner === 'string' && inner) into.add(inner);
        else stack.push(inner);
      }
    }
  }
}
