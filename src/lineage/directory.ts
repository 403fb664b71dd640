/**
 * What trace, impact and scorecards need to know about every accountable asset, held in memory:
 * effective owners and stewards (declared, else the nearest domain's), domain, version,
 * classification, latest quality status and open incidents, the OpenLineage names of contracts,
 * and the dataset links of models and applications. It follows the store through the audit log
 * (every change, quality run and incident is an audit record), so a refresh reads only what changed.
 */

import { nearestPeople } from '../catalog/ownership.js';
import type { AiApplicationDoc, ModelLink } from '../model/kinds/ai-application-kind.js';
import { type CharterDoc, charterKind, REQUIRED_OWNERSHIP_TYPES } from '../model/kinds/charter-kind.js';
import { contractFields } from '../model/kinds/data-contract-kind.js';
import type { DomainDoc } from '../model/kinds/domain-kind.js';
import { kindOf } from '../model/kinds/index.js';
import type { DatasetLink } from '../model/kinds/model-kind.js';
import type { UserDoc } from '../model/kinds/user-kind.js';
import type { OdcsContract } from '../model/odcs/odcs.js';
import type { AssetWithDoc, CatalogStore } from '../store/catalog-store.js';
import type { QualityStore } from '../store/quality-store.js';
import { contractDatasetNames, NameIndex } from './naming.js';

export const DEFAULT_LEVELS = ['public', 'internal', 'confidential', 'restricted'];

/** The kinds that carry accountability (owners, stewards) in scorecards and traces. */
export const ACCOUNTABLE_KINDS = ['DataContract', 'DataProduct', 'Model', 'AiApplication'] as const;
const LOADED_KINDS = ['Charter', 'Domain', 'User', 'Team', ...ACCOUNTABLE_KINDS];

export interface QualityStatus {
  status: 'passed' | 'failed' | 'error' | null;
  checkedAt: string | null;
  score: number | null;
}

export interface AssetInfo {
  ref: string;
  kind: string;
  domain: string | null;
  title: string;
  description: string;
  version: number;
  owners: string[];
  stewards: string[];
  /** `declared`, or the domain ref they are inherited from. */
  ownersFrom: string | null;
  stewardsFrom: string | null;
  /** Highest classification among a contract's fields (charter order). */
  classification: string | null;
  fields: number;
  classifiedFields: number;
  quality: QualityStatus;
  openIncidents: number;
  /** Models and applications. */
  stage?: string;
  systemVersion?: string;
  links?: DatasetLink[];
  models?: ModelLink[];
}

interface DomainEntry {
  name: string;
  parent: string | null;
  owners: string[];
  stewards: string[];
}

const NO_QUALITY: QualityStatus = { status: null, checkedAt: null, score: null };

/** Highest level among these by the charter's order (unknown levels rank below known ones). */
export function highestLevel(
  levels: readonly string[],
  values: Iterable<string | null | undefined>,
): string | null {
  let best: string | null = null;
  let bestRank = -2;
  for (const v of values) {
    if (!v) continue;
    const rank = levels.indexOf(v);
    if (rank > bestRank) {
      best = v;
      bestRank = rank;
    }
  }
  return best;
}

export class Directory {
  levels: string[] = [...DEFAULT_LEVELS];
  names = new NameIndex();
  /** Bumped whenever contract names, models or applications change (the graph remaps then). */
  generation = 0;
  /**
   * Bumped whenever anything this directory holds may have changed (any asset, owner, domain,
   * quality run or incident): what is derived from it and cached elsewhere is stale then.
   */
  revision = 0;
  private assets = new Map<string, AssetInfo>();
  private docs = new Map<string, AssetWithDoc>();
  private domains = new Map<string, DomainEntry>();
  private users = new Map<string, string>();
  private titles = new Map<string, string>();
  private ownershipTypes: string[] = [...REQUIRED_OWNERSHIP_TYPES];
  private auditSeq = -1;
  private loading: Promise<void> | undefined;
  private versionClassifications = new Map<string, string | null>();

  constructor(
    private readonly store: CatalogStore,
    private readonly quality?: QualityStore,
  ) {}

  get(ref: string): AssetInfo | undefined {
    return this.assets.get(ref);
  }

  /** The live document of an asset this directory tracks. */
  doc(ref: string): Record<string, unknown> | undefined {
    return this.docs.get(ref)?.doc;
  }

  all(): IterableIterator<AssetInfo> {
    return this.assets.values();
  }

  /** A user's or team's display name (the ref when unknown). */
  title(ref: string): string {
    return this.titles.get(ref) ?? ref;
  }

  /** The domain and its ancestors, nearest first. */
  domainChain(domain: string | null): string[] {
    const out: string[] = [];
    for (let d = domain; d && out.length < 64 && !out.includes(d); d = this.domains.get(d)?.parent ?? null)
      out.push(d);
    return out;
  }

  domainNames(): string[] {
    return [...this.domains.keys()].sort();
  }

  /** The owners or stewards a domain (by ref) names itself. */
  private domainList(ref: string, key: 'owners' | 'stewards'): string[] | undefined {
    return this.domains.get(ref.slice('domain:'.length))?.[key];
  }

  /** Owners and stewards of a domain as declared on it or inherited from an ancestor. */
  domainPeople(domain: string): { owners: string[]; stewards: string[] } {
    const chain = this.domainChain(domain).map((d) => `domain:${d}`);
    const pick = (key: 'owners' | 'stewards') =>
      nearestPeople([], chain, (d) => this.domainList(d, key)).people;
    return { owners: pick('owners'), stewards: pick('stewards') };
  }

  /** Loads everything on first use, then reads only what the audit log says changed. */
  async refresh(): Promise<void> {
    if (this.loading) return this.loading;
    this.loading = (this.auditSeq < 0 ? this.load() : this.follow()).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async scan(kind: string): Promise<AssetWithDoc[]> {
    const out: AssetWithDoc[] = [];
    for (let offset = 0; ; offset += 2000) {
      const page = await this.store.scanAssets({ kind, limit: 2000, offset });
      out.push(...page);
      if (page.length < 2000) return out;
    }
  }

  private async load(): Promise<void> {
    const head = await this.store.auditHead();
    const docs = new Map<string, AssetWithDoc>();
    for (const kind of LOADED_KINDS) for (const a of await this.scan(kind)) docs.set(a.ref, a);
    this.docs = docs;
    this.rebuild();
    const qualities = new Map<string, QualityStatus>();
    const incidents = new Map<string, number>();
    if (this.quality) {
      for (const run of await this.quality.latestRuns())
        qualities.set(run.ref, { status: run.status, checkedAt: run.finishedAt, score: run.score });
      for (const i of await this.quality.incidents({ state: 'open', limit: 100_000 }))
        incidents.set(i.ref, (incidents.get(i.ref) ?? 0) + 1);
    }
    for (const info of this.assets.values()) {
      info.quality = qualities.get(info.ref) ?? { ...NO_QUALITY };
      info.openIncidents = incidents.get(info.ref) ?? 0;
    }
    this.auditSeq = head.seq;
    this.revision += 1;
  }

  private async follow(): Promise<void> {
    const head = await this.store.auditHead();
    if (head.seq === this.auditSeq) return;
    const changed = new Set<string>();
    const qualities: { ref: string; q: QualityStatus }[] = [];
    const incidents: { ref: string; delta: number }[] = [];
    let after = this.auditSeq;
    for (;;) {
      const page = await this.store.auditRecords({ afterSeq: after, limit: 5000 });
      for (const r of page) {
        const d = r.details ?? {};
        if (r.action === 'quality.run')
          qualities.push({
            ref: r.ref,
            q: {
              status: (d.status as QualityStatus['status']) ?? null,
              checkedAt: r.time,
              score: typeof d.score === 'number' ? d.score : null,
            },
          });
        else if (r.action === 'incident.open') incidents.push({ ref: r.ref, delta: 1 });
        else if (r.action === 'incident.resolve') incidents.push({ ref: r.ref, delta: -1 });
        else if (r.version !== null || r.action === 'delete' || r.action === 'restore') changed.add(r.ref);
      }
      if (page.length < 5000) break;
      after = page[page.length - 1]!.seq;
    }
    const tracked = [...changed].filter((ref) =>
      /^(charter|domain|user|team|dataset|product|model|app):/.test(ref),
    );
    if (tracked.some((ref) => /^(charter|domain|user|team):/.test(ref)) || tracked.length > 5000) {
      const kept = new Map([...this.assets].map(([ref, a]) => [ref, { q: a.quality, i: a.openIncidents }]));
      const docs = new Map<string, AssetWithDoc>();
      for (const kind of LOADED_KINDS) for (const a of await this.scan(kind)) docs.set(a.ref, a);
      this.docs = docs;
      this.rebuild();
      for (const [ref, k] of kept) {
        const info = this.assets.get(ref);
        if (info) {
          info.quality = k.q;
          info.openIncidents = k.i;
        }
      }
    } else if (tracked.length) {
      const fresh = new Map((await this.store.getAssets(tracked)).map((a) => [a.ref, a]));
      let names = false;
      for (const ref of tracked) {
        const a = fresh.get(ref);
        const before = this.assets.get(ref);
        if (a && a.state === 'live') this.docs.set(ref, a);
        else this.docs.delete(ref);
        if (/^(dataset|model|app):/.test(ref)) names = true;
        const info = a && a.state === 'live' ? this.infoOf(a) : undefined;
        if (info) {
          info.quality = before?.quality ?? { ...NO_QUALITY };
          info.openIncidents = before?.openIncidents ?? 0;
          this.assets.set(ref, info);
        } else this.assets.delete(ref);
      }
      if (names) this.rebuildNames();
    }
    for (const { ref, q } of qualities) {
      const info = this.assets.get(ref);
      if (info) info.quality = q;
    }
    for (const { ref, delta } of incidents) {
      const info = this.assets.get(ref);
      if (info) info.openIncidents = Math.max(0, info.openIncidents + delta);
    }
    this.auditSeq = head.seq;
    this.revision += 1;
  }

  /** Recomputes everything derived from the documents (after a charter, domain, user or team change). */
  private rebuild(): void {
    this.domains.clear();
    this.users.clear();
    this.titles.clear();
    let charter: CharterDoc | undefined;
    for (const a of this.docs.values()) {
      if (a.kind === 'Charter') charter = charterKind.normalize(a.doc);
      else if (a.kind === 'Domain') {
        const d = a.doc as unknown as DomainDoc;
        this.domains.set(d.metadata.name, {
          name: d.metadata.name,
          parent: d.metadata.parent ?? null,
          owners: d.spec.owners ?? [],
          stewards: d.spec.stewards ?? [],
        });
      } else if (a.kind === 'User') {
        const email = (a.doc as unknown as UserDoc).spec?.email;
        if (email) this.users.set(email.toLowerCase(), a.ref);
        this.titles.set(a.ref, a.title || a.ref);
      } else if (a.kind === 'Team') this.titles.set(a.ref, a.title || a.ref);
    }
    this.levels = charter?.spec.classificationLevels.map((l) => l.name) ?? [...DEFAULT_LEVELS];
    this.ownershipTypes = charter?.spec.ownershipTypes?.map((t) => t.name) ?? [...REQUIRED_OWNERSHIP_TYPES];
    this.versionClassifications.clear();
    this.assets.clear();
    for (const a of this.docs.values()) {
      const info = this.infoOf(a);
      if (info) this.assets.set(a.ref, info);
    }
    this.rebuildNames();
  }

  private rebuildNames(): void {
    this.names = new NameIndex();
    for (const a of this.docs.values())
      if (a.kind === 'DataContract') this.names.add(a.ref, contractDatasetNames(a.doc));
    this.generation += 1;
  }

  /** Highest classification of a contract document's fields. */
  classificationOf(doc: Record<string, unknown>): {
    level: string | null;
    fields: number;
    classified: number;
  } {
    const fields = contractFields(doc as unknown as OdcsContract);
    return {
      level: highestLevel(
        this.levels,
        fields.map((f) => f.classification),
      ),
      fields: fields.length,
      classified: fields.filter((f) => f.classification).length,
    };
  }

  /**
   * The quality status of these datasets as known at a time: each one's newest complete run that had
   * finished by then (a dataset no run had checked by then is left out).
   */
  async qualityAt(refs: readonly string[], time: string): Promise<Map<string, QualityStatus>> {
    const out = new Map<string, QualityStatus>();
    if (!this.quality || !refs.length) return out;
    for (const run of await this.quality.latestRuns(refs, { finishedBy: time }))
      out.set(run.ref, { status: run.status, checkedAt: run.finishedAt, score: run.score });
    return out;
  }

  /**
   * The version of each of these assets in effect at a time: its newest version stored by then, or
   * for one that waited for approval, approved by then (an asset not in effect yet, or deleted then,
   * is left out).
   */
  async versionsAt(refs: readonly string[], time: string): Promise<Map<string, number>> {
    return refs.length ? this.store.versionsAt(refs, new Date(time).toISOString()) : new Map();
  }

  /** The classification of one version of a contract (versions never change, so it is cached). */
  async classificationAtVersion(ref: string, version: number): Promise<string | null> {
    const key = `${ref}@${version}`;
    if (this.versionClassifications.has(key)) return this.versionClassifications.get(key)!;
    const v = await this.store.version(ref, version);
    const level = v?.doc ? this.classificationOf(v.doc).level : null;
    this.versionClassifications.set(key, level);
    return level;
  }

  private infoOf(a: AssetWithDoc): AssetInfo | undefined {
    if (!(ACCOUNTABLE_KINDS as readonly string[]).includes(a.kind) || a.state !== 'live') return undefined;
    const def = kindOf(a.kind);
    const relations = def?.relations(a.doc as never, { ownershipTypes: this.ownershipTypes }) ?? [];
    const resolve = (t: string) => (t.startsWith('id:') ? (this.users.get(t.slice(3)) ?? t.slice(3)) : t);
    const declared = (type: string) => relations.filter((r) => r.type === type).map((r) => resolve(r.target));
    const chain = this.domainChain(a.domain).map((d) => `domain:${d}`);
    const effective = (type: string, key: 'owners' | 'stewards'): [string[], string | null] => {
      const { people, from } = nearestPeople(declared(type), chain, (d) => this.domainList(d, key));
      return [people, from];
    };
    const [owners, ownersFrom] = effective('ownedBy', 'owners');
    const [stewards, stewardsFrom] = effective('stewardedBy', 'stewards');
    const info: AssetInfo = {
      ref: a.ref,
      kind: a.kind,
      domain: a.domain,
      title: a.title,
      description: a.description,
      version: a.version,
      owners,
      stewards,
      ownersFrom,
      stewardsFrom,
      classification: null,
      fields: 0,
      classifiedFields: 0,
      quality: { ...NO_QUALITY },
      openIncidents: 0,
    };
    if (a.kind === 'DataContract') {
      const c = this.classificationOf(a.doc);
      info.classification = c.level;
      info.fields = c.fields;
      info.classifiedFields = c.classified;
    }
    if (a.kind === 'Model' || a.kind === 'AiApplication') {
      const spec = (a.doc as unknown as AiApplicationDoc).spec;
      info.stage = spec.stage;
      info.systemVersion = spec.version;
      info.links = spec.inputs ?? [];
      if (a.kind === 'AiApplication') info.models = spec.models ?? [];
    }
    return info;
  }
}
