/**
 * Lineage and accountability as a service over the stores: OpenLineage ingestion (one transaction
 * per batch, with its audit record and any classification conflict it causes), the datasets it
 * reported (managed or waiting for adoption), classification propagation, trace and impact, AI
 * outcomes, scorecards and webhook subscriptions. The server and the local CLI both call it.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type AuditEntry, appendEntries } from '../audit/audit-chain.js';
import type { AccessGuard, GuardTarget } from '../catalog/access-guard.js';
import { checkListFilters, domainName, type ListFilter } from '../catalog/list-filters.js';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '../model/errors.js';
import { contractFields } from '../model/kinds/data-contract-kind.js';
import { kindOfRef } from '../model/kinds/index.js';
import type { OdcsContract } from '../model/odcs/odcs.js';
import { parseRef, tryParseRef } from '../model/ref.js';
import type { CatalogStore } from '../store/catalog-store.js';
import {
  type ConflictRow,
  type DeliveryState,
  type DeliveryView,
  type EdgeWrite,
  type FacetRow,
  type FieldEdgeRow,
  type LineageStore,
  type LineageWriter,
  type NodeKey,
  nodeKeyString,
  type OutcomeRow,
} from '../store/lineage-store.js';
import type { QualityStore } from '../store/quality-store.js';
import {
  classifyFields,
  declaredProtections,
  type FieldClassification,
  type FieldLineageReader,
  type Target,
} from './classification.js';
import { type AssetInfo, Directory } from './directory.js';
import { GraphIndex, type IndexOptions } from './graph-index.js';
import {
  type DatasetDetail,
  type FieldConflict,
  type IngestItem,
  type IngestOptions,
  type IngestResult,
  type LineageApi,
  type LineageDataset,
  OUTCOME_TYPES,
  type Outcome,
  type OutcomeInput,
  type OutcomeWithTrace,
  SEVERITIES,
  type WebhookInput,
  type WebhookView,
} from './lineage-api.js';
import { CHARTER_NAMESPACE, contractDatasetNames, NameIndex } from './naming.js';
import {
  type LineageEvent,
  linkRoleOf,
  type OlDataset,
  protectionOf,
  readEvent,
  timeOf,
  versionOf,
} from './openlineage.js';
import { type RedactionContext, redactImpact, redactTrace } from './redaction.js';
import { scorecards } from './scorecards.js';
import { type ImpactReport, type TraceReport, Tracer } from './trace.js';
import { EVENT_TYPES, outboxEventOf, refusedReceiverUrl } from './webhooks.js';

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

export interface LineageOptions {
  actor: string;
  now?: () => Date;
  /** Largest single event accepted (default 1 MB). */
  maxEventBytes?: number;
  index?: IndexOptions;
  /**
   * The caller's access (the server passes it per request): trace, impact and outcomes then start
   * only from what it may read and show what it may not as restricted nodes (redaction.ts). Absent
   * for the local administrator and in-process tools, which see everything.
   */
  guard?: AccessGuard;
}

type Json = Record<string, unknown>;

type NodeFinder = Pick<LineageWriter, 'nodesNamed' | 'findFileNodes'>;

/** The shared state of one store: the directory, the graph index and the tracer (one per process). */
interface Shared {
  directory: Directory;
  graph: GraphIndex;
  tracer: Tracer;
}

const sharedByStore = new WeakMap<LineageStore, Shared>();

const datasetKey = (namespace: string, name: string): NodeKey => ({ kind: 'dataset', namespace, name });

function labelOf(namespace: string, name: string) {
  return name.startsWith('/') ? `${namespace}:${name}` : `${namespace}/${name}`;
}

export class LineageService implements LineageApi {
  readonly directory: Directory;
  readonly graph: GraphIndex;
  readonly tracer: Tracer;

  constructor(
    readonly catalogStore: CatalogStore,
    readonly store: LineageStore,
    readonly quality: QualityStore | undefined,
    private readonly options: LineageOptions,
  ) {
    let shared = sharedByStore.get(store);
    if (!shared) {
      const directory = new Directory(catalogStore, quality);
      const graph = new GraphIndex(store, directory, options.index ?? {});
      shared = { directory, graph, tracer: new Tracer(graph) };
      sharedByStore.set(store, shared);
      store.setOutboxMapper(outboxEventOf);
    }
    this.directory = shared.directory;
    this.graph = shared.graph;
    this.tracer = shared.tracer;
  }

  /** The same service acting for another actor, with their access (the server makes one per request). */
  as(actor: string, guard?: AccessGuard): LineageService {
    const options: LineageOptions = { ...this.options, actor };
    if (guard) options.guard = guard;
    else delete options.guard;
    return new LineageService(this.catalogStore, this.store, this.quality, options);
  }

  /** Checks that a list's filters name something the catalog has, as this caller (see list-filters.ts). */
  private checkFilters(filters: readonly ListFilter[]): Promise<void> {
    return checkListFilters(
      { store: this.catalogStore, guard: this.options.guard, actor: this.options.actor },
      filters,
    );
  }

  /** The same service, same actor, seeing as this guard allows (none: everything). */
  withGuard(guard: AccessGuard | undefined): LineageService {
    return guard === this.options.guard ? this : this.as(this.options.actor, guard);
  }

  /** The guard when it restricts anything (the data office and the local administrator see all). */
  private get restricting(): AccessGuard | undefined {
    const guard = this.options.guard;
    return guard && !guard.isAdmin ? guard : undefined;
  }

  /**
   * The sender may write the contract describing this reported dataset (any sender, when no
   * contract does): its column lineage into the dataset then decides what the fields inherit.
   */
  private mayWriteDataset(key: NodeKey): boolean {
    const guard = this.options.guard;
    if (!guard || guard.isAdmin || key.kind !== 'dataset') return true;
    const m = this.directory.names.match(key.namespace, key.name);
    const target = m && this.guardTarget(m.ref);
    return !target || guard.canWrite(target);
  }

  /** The asset a ref names, as access control sees it. */
  private guardTarget(ref: string): GuardTarget | undefined {
    const parsed = tryParseRef(ref);
    if (!parsed) return undefined;
    return {
      ref,
      kind: kindOfRef(parsed.kind)?.kind ?? parsed.kind,
      domain: this.directory.get(ref)?.domain ?? parsed.domain ?? null,
    };
  }

  /** Throws NotAllowedError (naming the missing role) when the caller may not read the asset. */
  private requireRead(ref: string): void {
    const guard = this.restricting;
    const target = guard && this.guardTarget(ref);
    if (guard && target) guard.requireRead(target);
  }

  private readable(ref: string): boolean {
    const guard = this.restricting;
    const target = guard && this.guardTarget(ref);
    return !guard || !target || guard.canRead(target);
  }

  private redaction(guard: AccessGuard): RedactionContext {
    return {
      canRead: (t) => guard.canRead(t),
      domainOwners: (domain) => this.directory.domainPeople(domain).owners,
      title: (ref) => this.directory.title(ref),
    };
  }

  /** A trace as the caller may see it. */
  private shownTrace<T extends TraceReport>(report: T): T {
    const guard = this.restricting;
    return guard ? redactTrace(report, this.redaction(guard)) : report;
  }

  private shownImpact(report: ImpactReport): ImpactReport {
    const guard = this.restricting;
    return guard ? redactImpact(report, this.redaction(guard)) : report;
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  private get maxEventBytes() {
    return this.options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  }

  // --- ingestion -----------------------------------------------------------------------------

  async ingest(items: IngestItem[], options: IngestOptions = {}): Promise<IngestResult> {
    const failed: IngestResult['failed_events'] = [];
    const warnings: IngestResult['warnings'] = [];
    const valid: { index: number; event: LineageEvent; text: string }[] = [];
    const maxEventBytes = options.maxEventBytes ?? this.maxEventBytes;
    items.forEach((item, index) => {
      if ('error' in item) {
        failed.push({ index, reason: item.error, retriable: false });
        return;
      }
      const text = item.text ?? JSON.stringify(item.value);
      if (Buffer.byteLength(text) > maxEventBytes) {
        failed.push({
          index,
          reason: `is ${Math.ceil(Buffer.byteLength(text) / 1024)} KB; an event may be at most ${Math.floor(maxEventBytes / 1024)} KB`,
          retriable: false,
        });
        return;
      }
      const check = readEvent(item.value);
      if (!check.ok) failed.push({ index, reason: check.reason, retriable: false });
      else {
        valid.push({ index, event: check.event, text });
        for (const message of check.event.notes) warnings.push({ index, message });
      }
    });
    const result: IngestResult = {
      status: 'failure',
      summary: {
        received: items.length,
        successful: 0,
        failed: failed.length,
        retriable: 0,
        non_retriable: failed.length,
      },
      failed_events: failed,
      warnings,
      stored: { events: 0, datasets: 0, managed: [], unmanaged: 0, jobs: 0, edges: 0, fieldEdges: 0 },
      conflicts: [],
    };
    if (!valid.length || (options.atomic && failed.length)) return result;
    await this.directory.refresh();
    const time = this.now().toISOString();
    const stored = await this.store.write((writer) =>
      this.store_(writer, valid, time, options.source ?? 'api'),
    );
    result.batch = stored.seq;
    // As the caller may see it: contracts it may not read are counted, not named.
    result.stored = { ...stored.stored, managed: stored.stored.managed.filter((ref) => this.readable(ref)) };
    result.conflicts = stored.conflicts
      .filter((c) => this.readable(c.ref))
      .map((c) => ({ ...c, sources: [...new Set(c.sources.map((source) => this.shownSource(source)))] }));
    result.summary.successful = valid.length;
    result.status = failed.length ? 'partial_success' : 'success';
    if (this.graph.isBuilt) await this.graph.fresh(true);
    return result;
  }

  private async store_(
    writer: LineageWriter,
    valid: { index: number; event: LineageEvent; text: string }[],
    time: string,
    source: string,
  ) {
    const seq = await writer.nextSeq();
    const keys: NodeKey[] = [];
    for (const { event } of valid) {
      if (event.job) keys.push({ kind: 'job', namespace: event.job.namespace, name: event.job.name });
      for (const d of [...event.inputs, ...event.outputs, ...(event.dataset ? [event.dataset] : [])])
        keys.push(datasetKey(d.namespace, d.name));
      for (const c of event.columnEdges) keys.push(datasetKey(c.from.namespace, c.from.name));
    }
    const ids = await writer.internNodes(keys, seq);
    const id = (key: NodeKey) => ids.get(nodeKeyString(key))!;
    const events: Parameters<LineageWriter['insertEvents']>[0][number][] = [];
    const edges: EdgeWrite[] = [];
    const fieldEdges: FieldEdgeRow[] = [];
    const facets: FacetRow[] = [];
    const hash = createHash('sha256');
    // The latest of each facet per dataset, for reading and adoption; column lineage lives in its own
    // table and run statistics stay in the event (both are in the stored event as sent).
    const datasetFacets = (nodeId: number, d: OlDataset) => {
      for (const [name, value] of Object.entries(d.facets))
        if (name !== 'columnLineage') facets.push({ nodeId, name, seq, value });
      for (const [name, value] of Object.entries(d.inputFacets))
        if (name !== 'inputStatistics') facets.push({ nodeId, name: `input.${name}`, seq, value });
      for (const [name, value] of Object.entries(d.outputFacets))
        if (name !== 'outputStatistics') facets.push({ nodeId, name: `output.${name}`, seq, value });
    };
    valid.forEach(({ event, text }, position) => {
      hash.update(text);
      const jobId = event.job
        ? id({ kind: 'job', namespace: event.job.namespace, name: event.job.name })
        : null;
      const ds = event.dataset ? id(datasetKey(event.dataset.namespace, event.dataset.name)) : null;
      events.push({
        seq,
        position,
        eventKind: event.kind,
        eventType: event.eventType,
        eventTime: event.eventTime,
        runId: event.runId,
        jobId,
        datasetId: ds,
        producer: event.producer,
        notes: event.notes,
        // Kept as sent with the batch, compressed together.
        body: '',
      });
      if (event.job && jobId !== null) {
        for (const [name, value] of Object.entries(event.job.facets))
          facets.push({ nodeId: jobId, name, seq, value });
        for (const d of event.inputs) {
          const src = id(datasetKey(d.namespace, d.name));
          edges.push({
            src,
            dst: jobId,
            kind: 'input',
            role: linkRoleOf(d),
            version: versionOf(d),
            runId: event.runId,
            seq,
          });
          datasetFacets(src, d);
        }
        for (const d of event.outputs) {
          const dst = id(datasetKey(d.namespace, d.name));
          edges.push({
            src: jobId,
            dst,
            kind: 'output',
            role: null,
            version: versionOf(d),
            runId: event.runId,
            seq,
          });
          datasetFacets(dst, d);
        }
      }
      if (event.dataset && ds !== null) datasetFacets(ds, event.dataset);
      for (const c of event.columnEdges) {
        const dst = datasetKey(c.dataset.namespace, c.dataset.name);
        fieldEdges.push({
          dst: id(dst),
          dstField: c.field,
          src: id(datasetKey(c.from.namespace, c.from.name)),
          srcField: c.fromField,
          jobId,
          transformations: c.transformations,
          protection: protectionOf(c.transformations),
          seq,
          authorised: this.mayWriteDataset(dst),
        });
      }
    });
    const digest = hash.digest('hex');
    await writer.insertBatch({
      seq,
      receivedAt: time,
      actor: this.options.actor,
      source,
      events: valid.length,
      digest,
      texts: valid.map((v) => v.text),
    });
    await writer.insertEvents(events);
    await writer.upsertEdges(edges);
    await writer.upsertFieldEdges(fieldEdges);
    await writer.upsertFacets(facets);

    const datasetIds = new Map<number, { namespace: string; name: string }>();
    for (const k of keys) if (k.kind === 'dataset') datasetIds.set(id(k), k);
    const managed = new Set<string>();
    let unmanaged = 0;
    for (const k of datasetIds.values()) {
      const m = this.directory.names.match(k.namespace, k.name);
      if (m && this.directory.get(m.ref)) managed.add(m.ref);
      else unmanaged += 1;
    }
    const entries: AuditEntry[] = [
      {
        actor: this.options.actor,
        action: 'lineage.ingest',
        ref: 'lineage',
        afterDigest: digest,
        details: {
          batch: seq,
          source,
          events: valid.length,
          datasets: datasetIds.size,
          edges: edges.length,
          fieldEdges: fieldEdges.length,
        },
      },
    ];
    const touched = new Set<string>();
    for (const f of fieldEdges) {
      const k = datasetIds.get(f.dst);
      const m = k ? this.directory.names.match(k.namespace, k.name) : undefined;
      if (m?.table && this.directory.get(m.ref)?.kind === 'DataContract') touched.add(m.ref);
    }
    const conflicts = touched.size ? await this.recordConflicts(writer, [...touched], time, entries) : [];
    await appendEntries(writer, time, entries);
    return {
      seq,
      stored: {
        events: valid.length,
        datasets: datasetIds.size,
        managed: [...managed].sort(),
        unmanaged,
        jobs: new Set(
          valid.filter((v) => v.event.job).map((v) => `${v.event.job!.namespace}/${v.event.job!.name}`),
        ).size,
        edges: edges.length,
        fieldEdges: fieldEdges.length,
      },
      conflicts,
    };
  }

  /** Recomputes the conflicts of these contracts; new ones become audit records (and events). */
  private async recordConflicts(
    writer: LineageWriter,
    refs: string[],
    time: string,
    entries: AuditEntry[],
  ): Promise<ConflictRow[]> {
    const before = new Map((await writer.conflicts(refs)).map((c) => [`${c.ref}#${c.field}`, c]));
    const now: ConflictRow[] = [];
    for (const ref of refs) {
      const target = await this.targetOf(writer, ref);
      for (const f of await classifyFields(writer, this.propagation(), target)) {
        if (!f.conflict || !f.inherited) continue;
        const prior = before.get(`${ref}#${f.path}`);
        const row: ConflictRow = {
          ref,
          field: f.path,
          declared: f.declared,
          inherited: f.inherited,
          sources: f.from,
          detectedAt: prior && prior.inherited === f.inherited ? prior.detectedAt : time,
        };
        now.push(row);
        if (!prior || prior.inherited !== f.inherited || prior.declared !== f.declared)
          entries.push({
            actor: this.options.actor,
            action: 'classification.conflict',
            ref,
            version: this.directory.get(ref)?.version ?? null,
            details: { field: f.path, declared: f.declared, inherited: f.inherited, from: f.from },
          });
      }
    }
    await writer.replaceConflicts(refs, now);
    return now.filter((c) => c.detectedAt === time);
  }

  private propagation() {
    return {
      levels: this.directory.levels,
      names: this.directory.names,
      doc: (ref: string) => this.directory.doc(ref),
    };
  }

  /** The lineage nodes a contract answers to (those reported so far) and its fields. */
  private async targetOf(reader: NodeFinder, ref: string, doc?: Json): Promise<Target> {
    const names = doc ? contractDatasetNames(doc) : this.directory.names.namesOf(ref);
    // By name in any namespace: producers spell namespaces differently; the index decides.
    const rows = await reader.nodesNamed([...names.map((n) => n.name), ref]);
    const files = names.filter((n) => n.namespace === 'file');
    if (files.length) rows.push(...(await reader.findFileNodes(files.map((f) => f.name))));
    const index = doc ? new NameIndex() : this.directory.names;
    if (doc) index.add(ref, names);
    const fieldsDoc = doc ?? this.directory.doc(ref);
    const fields = fieldsDoc ? contractFields(fieldsDoc as unknown as OdcsContract).map((f) => f.path) : [];
    const nodes = new Map<number, string>();
    for (const r of rows) {
      const m = index.match(r.namespace, r.name);
      if (m?.ref !== ref) continue;
      const table = m.table ?? names[0]?.table;
      if (table) nodes.set(r.id, table);
    }
    return { ref, nodes: [...nodes].map(([id, table]) => ({ id, table })), fields };
  }

  // --- datasets, classification --------------------------------------------------------------

  async datasets(options: { managed?: boolean; limit?: number }): Promise<LineageDataset[]> {
    await this.directory.refresh();
    const out: LineageDataset[] = [];
    const limit = Math.min(options.limit ?? 500, 10_000);
    for (let offset = 0; out.length < limit; offset += 2000) {
      const page = await this.store.datasets({ limit: 2000, offset });
      for (const row of page) {
        const m = this.directory.names.match(row.namespace, row.name);
        const info = m ? this.directory.get(m.ref) : undefined;
        // A model or application reported as a run's output is a system, not a dataset.
        if (info && info.kind !== 'DataContract') continue;
        const ref = info ? info.ref : null;
        // A contract the caller may not read is left out, as search leaves it out.
        if (ref && !this.readable(ref)) continue;
        if (options.managed === true && !ref) continue;
        if (options.managed === false && ref) continue;
        out.push({
          namespace: row.namespace,
          name: row.name,
          ref,
          ...(ref && m?.table ? { table: m.table } : {}),
          firstSeen: row.firstSeq,
          lastSeen: row.lastSeq,
        });
        if (out.length >= limit) break;
      }
      if (page.length < 2000) break;
    }
    return out;
  }

  async dataset(namespace: string, name: string, options: { domain?: string } = {}): Promise<DatasetDetail> {
    await this.checkFilters([{ name: 'domain', value: options.domain, names: 'domain', live: true }]);
    await this.directory.refresh();
    const [row] = await this.store.findNodes([datasetKey(namespace, name)]);
    if (!row)
      throw new NotFoundError(`No dataset '${labelOf(namespace, name)}' has been reported to lineage`, {
        namespace,
        name,
      });
    const m = this.directory.names.match(namespace, name);
    const ref = m && this.directory.get(m.ref) ? m.ref : null;
    if (ref) this.requireRead(ref);
    const facets: Json = {};
    for (const f of await this.store.facets([row.id])) facets[f.name] = f.value;
    const edges = await this.store.edgesOf([row.id]);
    const jobs = new Map(
      (await this.store.nodesById(edges.map((e) => (e.src === row.id ? e.dst : e.src)))).map((n) => [
        n.id,
        n,
      ]),
    );
    const jobName = (jobId: number) => {
      const j = jobs.get(jobId);
      return j ? `${j.namespace}/${j.name}` : String(jobId);
    };
    const fieldRows = await this.store.fieldEdgesInto([row.id]);
    const sources = new Map((await this.store.nodesById(fieldRows.map((f) => f.src))).map((n) => [n.id, n]));
    const detail: DatasetDetail = {
      namespace,
      name,
      ref,
      ...(ref && m?.table ? { table: m.table } : {}),
      firstSeen: row.firstSeq,
      lastSeen: row.lastSeq,
      facets,
      producers: edges.filter((e) => e.dst === row.id).map((e) => jobName(e.src)),
      consumers: edges.filter((e) => e.src === row.id).map((e) => jobName(e.dst)),
      fields: fieldRows.map((f) => {
        const s = sources.get(f.src);
        // A source the caller may not read is named by its domain only, without its field.
        const hidden = s ? this.unreadableContract(s.namespace, s.name) : undefined;
        return {
          field: f.dstField,
          from: hidden ? `restricted (domain:${hidden})` : s ? labelOf(s.namespace, s.name) : String(f.src),
          fromField: hidden ? '' : f.srcField,
          protection: f.protection,
        };
      }),
    };
    if (!ref) {
      detail.draft = draftContract(namespace, name, facets);
      if (options.domain) detail.draft.domain = domainName(options.domain);
    }
    return detail;
  }

  private reader(): FieldLineageReader {
    return {
      fieldEdgesInto: (ids) => this.store.fieldEdgesInto(ids),
      nodesById: (ids) => this.store.nodesById(ids),
      fieldClassifications: (refs) => this.store.fieldClassifications(refs),
    };
  }

  async classification(ref: string) {
    parseRef(ref);
    await this.directory.refresh();
    this.requireRead(ref);
    const info = this.directory.get(ref);
    if (info?.kind !== 'DataContract') throw new NotFoundError(`Dataset '${ref}' not found`, { ref });
    return this.shownSources(
      await classifyFields(this.reader(), this.propagation(), await this.targetOf(this.store, ref)),
    );
  }

  /** The domain of the contract a reported dataset is, when the caller may not read it. */
  private unreadableContract(namespace: string, name: string): string | undefined {
    if (!this.restricting) return undefined;
    const m = namespace === CHARTER_NAMESPACE ? { ref: name } : this.directory.names.match(namespace, name);
    const info = m ? this.directory.get(m.ref) : undefined;
    return info && !this.readable(info.ref) ? (info.domain ?? undefined) : undefined;
  }

  /**
   * Upstream fields a classification is inherited from, as the caller may see them: a field of a
   * dataset the caller may not read shows as `restricted (domain:D)`, without its ref or name. The
   * inherited level itself belongs to the readable field and is kept.
   */
  private shownSources<T extends FieldClassification>(fields: T[]): T[] {
    if (!this.restricting) return fields;
    const show = (source: string) => this.shownSource(source);
    return fields.map((f) => ({
      ...f,
      from: [...new Set(f.from.map(show))],
      protectedBy: f.protectedBy.map((p) => ({ ...p, from: show(p.from) })),
    }));
  }

  /** A source field (`ref#table.field`, or a reported dataset's) as the caller may see it. */
  private shownSource(source: string): string {
    const hash = source.lastIndexOf('#');
    const node = hash > 0 ? source.slice(0, hash) : source;
    // A contract's fields are named by its ref; unmanaged datasets live in no domain.
    const parsed = tryParseRef(node);
    if (!parsed || this.readable(node)) return source;
    return `restricted (domain:${this.directory.get(node)?.domain ?? parsed.domain})`;
  }

  /** Contract fields declaring less than they inherit, computed now. */
  async conflicts(options: { ref?: string } = {}): Promise<FieldConflict[]> {
    await this.directory.refresh();
    if (options.ref) {
      parseRef(options.ref);
      this.requireRead(options.ref);
      const info = this.directory.get(options.ref);
      if (!info) throw new NotFoundError(`Dataset '${options.ref}' not found`, { ref: options.ref });
      if (info.kind !== 'DataContract')
        throw new InputError(
          `'${options.ref}' is a ${info.kind}; conflicts belong to datasets (data contracts)`,
        );
    }
    const refs = options.ref
      ? [options.ref]
      : [...this.directory.all()]
          .filter((a) => a.kind === 'DataContract' && this.readable(a.ref))
          .map((a) => a.ref);
    const out: FieldConflict[] = [];
    for (const ref of refs) {
      const target = await this.targetOf(this.store, ref);
      if (!target.nodes.length) continue;
      for (const f of await classifyFields(this.reader(), this.propagation(), target))
        if (f.conflict) out.push({ ref, ...f });
    }
    return this.shownSources(out);
  }

  /** What policies see as `lineage` for a contract being applied (its new document). */
  async policyBinding(ref: string, doc: Json): Promise<Json> {
    await this.directory.refresh();
    const fields = contractFields(doc as unknown as OdcsContract);
    const target = await this.targetOf(this.store, ref, doc);
    if (!target.nodes.length) return emptyBinding();
    target.declared = new Map(fields.map((f) => [f.path, f.classification ?? null]));
    target.protections = declaredProtections(doc);
    const classified = await classifyFields(this.reader(), this.propagation(), target);
    const out: Json = {};
    for (const f of classified) {
      if (!f.inherited) continue;
      out[f.path] = {
        inherited: f.inherited,
        from: f.from,
        protected: f.declaredProtection ?? null,
      };
    }
    return {
      fields: out,
      conflicts: classified
        .filter((f) => f.conflict)
        .map((f) => ({
          field: f.path,
          declared: f.declared ?? '',
          inherited: f.inherited ?? '',
          from: f.from,
        })),
    };
  }

  /**
   * Which of these contracts lineage has reported anything about (one pass over the store for all
   * of them), so a bulk apply does not look each one up.
   */
  private async reported(items: readonly { ref: string; doc?: Json }[]): Promise<Set<string>> {
    const index = new NameIndex();
    for (const { ref, doc } of items)
      index.add(ref, doc ? contractDatasetNames(doc) : this.directory.names.namesOf(ref));
    const names = items.flatMap(({ ref }) => [ref, ...index.namesOf(ref).map((n) => n.name)]);
    const files = items.flatMap(({ ref }) =>
      index
        .namesOf(ref)
        .filter((n) => n.namespace === 'file')
        .map((n) => n.name),
    );
    const rows = [
      ...(await this.store.nodesNamed(names)),
      ...(files.length ? await this.store.findFileNodes(files) : []),
    ];
    const out = new Set<string>();
    for (const r of rows) {
      const m = r.namespace === CHARTER_NAMESPACE ? { ref: r.name } : index.match(r.namespace, r.name);
      if (m) out.add(m.ref);
    }
    return out;
  }

  /** What policies see as `lineage` for each contract being applied (empty when lineage knows nothing of it). */
  async policyBindings(subjects: readonly { ref: string; doc: Json }[]): Promise<Map<string, Json>> {
    const out = new Map<string, Json>();
    if (!subjects.length || !(await this.store.hasFieldEdges())) return out;
    await this.directory.refresh();
    const known = await this.reported(subjects);
    for (const s of subjects)
      out.set(s.ref, known.has(s.ref) ? await this.policyBinding(s.ref, s.doc) : emptyBinding());
    return out;
  }

  /** After contracts change: record conflicts they now have (or no longer have). */
  async recheck(refs: readonly string[]): Promise<ConflictRow[]> {
    if (!(await this.store.hasFieldEdges())) return [];
    await this.directory.refresh();
    const contracts = refs.filter((ref) => this.directory.get(ref)?.kind === 'DataContract');
    const known = contracts.length
      ? await this.reported(contracts.map((ref) => ({ ref })))
      : new Set<string>();
    const targets = contracts.filter((ref) => known.has(ref));
    if (!targets.length) return [];
    const time = this.now().toISOString();
    return this.store.write(async (writer) => {
      const entries: AuditEntry[] = [];
      const found = await this.recordConflicts(writer, targets, time, entries);
      await appendEntries(writer, time, entries);
      return found;
    });
  }

  // --- trace, impact, outcomes ---------------------------------------------------------------

  /**
   * Everything upstream of a model or an application, or the trace stored with an outcome. With
   * `at` (a past time), each dataset row also carries its quality status then (`qualityThen`, its
   * newest complete run finished by then) and, for a link that names no version, its contract's
   * version and classification then (`versionThen`, `classificationThen`), where they differ from
   * now; the lineage and the owners are the current ones.
   */
  async trace(
    ref: string,
    options: { at?: string } = {},
  ): Promise<TraceReport | (TraceReport & { outcome: Outcome })> {
    if (ref.startsWith('outcome:')) {
      if (options.at !== undefined)
        throw new InputError(
          "an outcome's trace is the one recorded with it, with each dataset's quality when the outcome occurred; at applies to a model or an application",
        );
      const o = await this.outcome(ref.slice('outcome:'.length));
      const { trace, ...outcome } = o;
      return { ...trace, outcome };
    }
    const parsed = parseRef(ref);
    if (parsed.kind !== 'model' && parsed.kind !== 'app')
      throw new InputError(
        `'${ref}' is a ${parsed.kind}; trace starts from a model, an application or an outcome (outcome:ID) — use impact for a dataset`,
      );
    const now = this.now().toISOString();
    const at = options.at === undefined ? undefined : this.pastTime(options.at, 'at', now);
    this.requireRead(ref);
    const report = await this.tracer.trace(ref, { at: now });
    if (at !== undefined) {
      report.qualityAt = at;
      if (Date.parse(at) < Date.parse(now)) await this.asOf(report, at, { uncheckedThen: true });
    }
    return this.shownTrace(report);
  }

  /**
   * A time a caller gives for something that happened: ISO 8601, read without a time zone as UTC
   * (wherever the caller is, as an event's time is); the future is refused (five minutes of clock
   * skew allowed).
   */
  private pastTime(value: string, field: string, now: string, hint = 'give a time that has passed'): string {
    const t = timeOf(value, field);
    if ('reason' in t) throw new InputError(t.reason);
    if (Date.parse(t.iso) > Date.parse(now) + 5 * 60_000)
      throw new InputError(`${field} (${t.iso}) is in the future; ${hint}`);
    return t.iso;
  }

  async impact(ref: string, options: { depth?: number; field?: string } = {}) {
    let field = options.field;
    let node = ref;
    const hash = ref.indexOf('#');
    if (hash > 0) {
      node = ref.slice(0, hash);
      field = ref.slice(hash + 1);
    }
    const depth = options.depth ?? 5;
    if (!Number.isInteger(depth) || depth < 1 || depth > 100)
      throw new InputError(`depth must be a whole number from 1 to 100 (got ${depth})`);
    if (tryParseRef(node)) {
      const parsed = parseRef(node);
      if (parsed.kind !== 'dataset' && parsed.kind !== 'model' && parsed.kind !== 'app')
        throw new InputError(
          `'${node}' is a ${parsed.kind}; impact starts from a dataset (or a field of one)`,
        );
      this.requireRead(node);
    }
    const report = field
      ? await this.fieldImpact(node, field, depth)
      : await this.tracer.impact(node, { depth, at: this.now().toISOString() });
    // A start named as reported (namespace/name) may be a contract: the same rule holds.
    if (report.subject.asset) this.requireRead(report.subject.asset.ref);
    return this.shownImpact(report);
  }

  private async fieldImpact(node: string, field: string, depth: number) {
    await this.graph.fresh();
    const start = this.graph.find(node);
    if (start === undefined) throw new NotFoundError(`'${node}' is not in the catalog or the lineage graph`);
    let seeds: { id: number; field: string }[] = [];
    const info = this.directory.get(node);
    if (info?.kind === 'DataContract') {
      const dot = field.indexOf('.');
      const table = dot > 0 ? field.slice(0, dot) : undefined;
      const column = dot > 0 ? field.slice(dot + 1) : field;
      const target = await this.targetOf(this.store, node);
      const known = target.fields.some((p) => (table ? p === field : p.slice(p.indexOf('.') + 1) === column));
      if (!known) throw new NotFoundError(`${node} has no field '${field}'${fieldList(target.fields)}`);
      seeds = target.nodes
        .filter((n) => !table || n.table === table)
        .map((n) => ({ id: n.id, field: column }));
    } else {
      const ol = this.graph.olName(start);
      if (ol)
        seeds = (await this.store.findNodes([datasetKey(ol[0], ol[1])])).map((r) => ({ id: r.id, field }));
      const reported = await this.reportedFields(seeds.map((s) => s.id));
      if (!reported.has(field))
        throw new NotFoundError(
          reported.size
            ? `No field '${field}' was reported for ${node}${fieldList([...reported].sort())}`
            : `No field of ${node} was reported (by a schema facet or column lineage): its field impact is unknown`,
        );
    }
    const hits: { idx: number; field: string; depth: number; from: number }[] = [];
    const seen = new Set(seeds.map((s) => `${s.id}#${s.field}`));
    let frontier = seeds.map((s) => ({ ...s, idx: start }));
    const nodeIdx = new Map<number, number>();
    for (let d = 1; d <= depth && frontier.length; d++) {
      const rows = await this.store.fieldEdgesFrom(frontier.map((f) => f.id));
      const wanted = new Map(frontier.map((f) => [`${f.id}#${f.field}`, f]));
      const unknown = rows.map((r) => r.dst).filter((id) => !nodeIdx.has(id));
      for (const n of unknown.length ? await this.store.nodesById(unknown) : []) {
        const m = this.directory.names.match(n.namespace, n.name);
        const label = m && this.directory.get(m.ref) ? m.ref : labelOf(n.namespace, n.name);
        nodeIdx.set(n.id, this.graph.find(label) ?? -1);
      }
      const next: typeof frontier = [];
      for (const r of rows) {
        const from = wanted.get(`${r.src}#${r.srcField}`);
        if (!from) continue;
        const key = `${r.dst}#${r.dstField}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const idx = nodeIdx.get(r.dst) ?? -1;
        if (idx < 0) continue;
        hits.push({ idx, field: r.dstField, depth: d, from: from.idx });
        next.push({ id: r.dst, field: r.dstField, idx });
      }
      frontier = next;
    }
    return this.tracer.fieldImpact(start, field, hits, depth, this.now().toISOString());
  }

  /** The fields reported for these lineage nodes: in their schema facets and column lineage. */
  private async reportedFields(ids: number[]): Promise<Set<string>> {
    const out = new Set<string>();
    if (!ids.length) return out;
    for (const f of await this.store.facets(ids)) {
      const fields = f.name === 'schema' ? (f.value as { fields?: unknown })?.fields : undefined;
      if (Array.isArray(fields)) for (const x of fields) if (typeof x?.name === 'string') out.add(x.name);
    }
    for (const e of await this.store.fieldEdgesFrom(ids)) out.add(e.srcField);
    for (const e of await this.store.fieldEdgesInto(ids)) out.add(e.dstField);
    return out;
  }

  async recordOutcome(input: OutcomeInput): Promise<OutcomeWithTrace> {
    const ref = parseRef(input.subject);
    if (ref.kind !== 'model' && ref.kind !== 'app')
      throw new InputError(
        `An outcome is about a model or an application; '${input.subject}' is a ${ref.kind}`,
      );
    if (!OUTCOME_TYPES.includes(input.type))
      throw new InputError(`type must be one of ${OUTCOME_TYPES.join(', ')} (got '${input.type}')`);
    if (!SEVERITIES.includes(input.severity))
      throw new InputError(`severity must be one of ${SEVERITIES.join(', ')} (got '${input.severity}')`);
    if (typeof input.summary !== 'string' || !input.summary.trim())
      throw new InputError('summary is required: one sentence saying what happened');
    if (input.summary.length > 2000) throw new InputError('summary is longer than 2,000 characters');
    const at = this.now().toISOString();
    const occurredAt = input.occurredAt
      ? this.pastTime(input.occurredAt, 'occurredAt', at, 'give when the outcome happened')
      : at;
    await this.graph.fresh(true);
    this.requireRead(input.subject);
    if (!this.directory.get(input.subject))
      throw new NotFoundError(
        `${ref.kind === 'model' ? 'Model' : 'Application'} '${input.subject}' not found`,
        {
          ref: input.subject,
        },
      );
    // Traced at once: the record keeps who and what was behind the system when it happened.
    const trace = await this.tracer.trace(input.subject, { at });
    // Quality, version and classification at the time: what held when it happened, where that is
    // not what holds now.
    if (Date.parse(occurredAt) < Date.parse(at)) await this.asOf(trace, occurredAt);
    const id = randomUUID();
    const row: OutcomeRow = {
      id,
      subject: input.subject,
      domain: ref.domain ?? null,
      type: input.type,
      severity: input.severity,
      summary: input.summary.trim(),
      details: input.details ?? null,
      runId: input.runId ?? null,
      traceId: input.traceId ?? null,
      occurredAt,
      recordedAt: at,
      actor: this.options.actor,
      accountable: trace.accountable.map((a) => a.ref),
      domains: trace.domains,
      trace,
    };
    await this.store.write(async (writer) => {
      await writer.insertOutcome(row);
      await this.audit(writer, at, {
        action: 'outcome.record',
        ref: input.subject,
        version: this.directory.get(input.subject)?.version ?? null,
        details: {
          outcome: id,
          type: row.type,
          severity: row.severity,
          summary: row.summary,
          accountable: row.accountable,
          domains: row.domains,
          ...(row.runId ? { runId: row.runId } : {}),
          ...(row.traceId ? { traceId: row.traceId } : {}),
        },
      });
    });
    return this.shownOutcome(row);
  }

  /**
   * Gives each dataset row of a trace what held at `time`, where it differs from what the row
   * shows: the quality status its dataset had (its newest run finished by then), and for a link
   * that names no version, the contract's version in effect then and that version's
   * classification. A dataset no run had checked by then keeps only the status shown (an
   * outcome's: the first known one), or with `uncheckedThen` (a trace asked as of a time) is shown
   * unchecked then. A contract not in effect yet keeps its current version.
   */
  private async asOf(trace: TraceReport, time: string, options: { uncheckedThen?: boolean } = {}) {
    const rows = trace.datasets.filter((r) => r.asset?.quality);
    const then = await this.directory.qualityAt([...new Set(rows.map((r) => r.asset!.ref))], time);
    const unchecked = options.uncheckedThen ? { status: null, checkedAt: null, score: null } : undefined;
    for (const r of rows) {
      const q = then.get(r.asset!.ref) ?? unchecked;
      const now = r.asset!.quality!;
      if (q && (q.status !== now.status || q.checkedAt !== now.checkedAt)) r.qualityThen = q;
    }
    // A link that names a version shows that version's classification (classificationUsed); one
    // that names none read the version current then.
    const unpinned = trace.datasets.filter((r) => r.asset?.kind === 'DataContract' && !r.version?.used);
    const versions = await this.directory.versionsAt([...new Set(unpinned.map((r) => r.asset!.ref))], time);
    for (const r of unpinned) {
      const asset = r.asset!;
      const v = versions.get(asset.ref);
      if (v === undefined || v === asset.version) continue;
      r.versionThen = v;
      const level = await this.directory.classificationAtVersion(asset.ref, v);
      if (level !== (asset.classification ?? null)) r.classificationThen = level;
    }
  }

  /** An outcome with the trace stored with it, as the caller may see it. */
  private shownOutcome(row: OutcomeRow): OutcomeWithTrace {
    const trace = this.shownTrace(row.trace as TraceReport);
    return { ...outcomeView(row), accountable: trace.accountable, trace };
  }

  /**
   * Outcomes newest first. With access control, only those about a model or application the
   * caller may read, each with its accountable people as the caller's view of its trace shows them
   * (so `accountable` matches only what that view names).
   */
  async outcomes(options: { subject?: string; accountable?: string; limit?: number }): Promise<Outcome[]> {
    await this.checkFilters([
      { name: 'subject', value: options.subject, names: ['model', 'app'] },
      { name: 'accountable', value: options.accountable, names: 'principal' },
    ]);
    const limit = Math.min(options.limit ?? 100, 5000);
    const guard = this.restricting;
    const rows = await this.store.outcomes({
      ...(options.subject ? { subject: options.subject } : {}),
      ...(options.accountable ? { accountable: options.accountable } : {}),
      limit: guard ? 5000 : limit,
    });
    if (!guard) return rows.map(outcomeView);
    await this.directory.refresh();
    const out: Outcome[] = [];
    for (const row of rows) {
      if (!this.readable(row.subject)) continue;
      const { trace: _trace, ...outcome } = this.shownOutcome(row);
      if (options.accountable && !outcome.accountable.some((a) => a.ref === options.accountable)) continue;
      out.push(outcome);
      if (out.length >= limit) break;
    }
    return out;
  }

  async outcome(id: string): Promise<OutcomeWithTrace> {
    const row = await this.store.outcome(id);
    if (!row) throw new NotFoundError(`Outcome 'outcome:${id}' not found`, { id });
    await this.directory.refresh();
    // Refused by the outcome's own name: the refusal does not tell what it is about.
    if (!this.readable(row.subject)) {
      const domain = this.directory.get(row.subject)?.domain ?? row.domain;
      throw new NotAllowedError(
        `${this.options.actor} may not read outcome:${id}: it needs viewer on domain:${domain}`,
        { ref: `outcome:${id}`, domain, needs: 'viewer' },
      );
    }
    return this.shownOutcome(row);
  }

  // --- scorecards ----------------------------------------------------------------------------

  async scorecards(options: { domain?: string; owner?: string }) {
    await this.checkFilters([
      { name: 'domain', value: options.domain, names: 'domain' },
      { name: 'owner', value: options.owner, names: 'principal' },
    ]);
    await this.directory.refresh();
    // A reader sees the domains it may read, and counts of the assets it may read only.
    const guard = this.restricting;
    const readable = guard?.readableDomains();
    let domains: string[] | undefined =
      readable && this.directory.domainNames().filter((d) => readable.has(d));
    if (options.domain) {
      const name = domainName(options.domain);
      domains = (domains ?? this.directory.domainNames()).filter((d) =>
        this.directory.domainChain(d).includes(name),
      );
      // Not an empty scorecard: that would read as a domain with nothing in it.
      if (readable && !domains.length)
        throw new NotAllowedError(
          `${this.options.actor} may not read the assets of domain:${name}: it needs viewer on domain:${name}`,
          { ref: `domain:${name}`, domain: name, needs: 'viewer' },
        );
    }
    // Outcomes about a model or application the reader may not read are not counted (nor listed).
    const outcomes = await this.store.outcomeCounts(
      guard ? { subject: (ref: string) => this.readable(ref) } : {},
    );
    return scorecards(this.directory, outcomes, {
      ...(domains ? { domains } : {}),
      ...(options.owner ? { owner: options.owner } : {}),
      ...(guard ? { canRead: (a: AssetInfo) => guard.canRead(a) } : {}),
      at: this.now().toISOString(),
    });
  }

  /** Appends one audit record of this service's actor; returns it. */
  private async audit(writer: LineageWriter, time: string, entry: Omit<AuditEntry, 'actor'>) {
    const [record] = await appendEntries(writer, time, [{ actor: this.options.actor, ...entry }]);
    return record!;
  }

  // --- webhooks ------------------------------------------------------------------------------

  async addWebhook(input: WebhookInput): Promise<WebhookView> {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw new InputError('url must be an absolute http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new InputError('url must use http or https');
    // Webhooks are listed to whoever manages them: a credential in the URL would be shown to all.
    if (url.username || url.password)
      throw new InputError(
        'url must not carry a user or password (user:password@): receivers verify Charter by the webhook-signature header',
      );
    const refused = refusedReceiverUrl(url);
    if (refused) throw new InputError(refused);
    const events = input.events ?? [];
    for (const e of events)
      if (!(EVENT_TYPES as readonly string[]).includes(e))
        throw new InputError(
          `'${e}' is not an event type; expected one or more of ${EVENT_TYPES.join(', ')}`,
        );
    await this.checkFilters([{ name: 'domain', value: input.domain, names: 'domain', live: true }]);
    const domain = input.domain ? domainName(input.domain) : null;
    if (input.secret !== undefined && input.secret.length < 16)
      throw new InputError('secret must be at least 16 characters (or leave it out to have one generated)');
    const row = {
      id: randomUUID(),
      url: url.toString(),
      domain,
      events,
      secret: input.secret ?? randomBytes(24).toString('base64url'),
      description: input.description ?? '',
      createdAt: this.now().toISOString(),
      createdBy: this.options.actor,
    };
    await this.store.write(async (writer) => {
      await writer.insertWebhook(row);
      await this.audit(writer, row.createdAt, {
        action: 'webhook.create',
        ref: domain ? `domain:${domain}` : 'webhooks',
        details: { webhook: row.id, url: `${url.origin}${url.pathname}`, events },
      });
    });
    return { ...webhookView(row), secret: row.secret };
  }

  /** The webhooks; with `lastDelivery`, each with its newest delivery (one read per webhook). */
  async webhooks(options: { lastDelivery?: boolean } = { lastDelivery: true }): Promise<WebhookView[]> {
    const hooks = (await this.store.webhooks()).map(webhookView);
    if (!options.lastDelivery) return hooks;
    return Promise.all(
      hooks.map(async (h) => ({
        ...h,
        lastDelivery: (await this.store.deliveries({ webhookId: h.id, limit: 1 }))[0] ?? null,
      })),
    );
  }

  async removeWebhook(id: string) {
    const time = this.now().toISOString();
    const hook = (await this.store.webhooks()).find((h) => h.id === id);
    if (!hook) throw new NotFoundError(`Webhook '${id}' not found`);
    await this.store.write(async (writer) => {
      await writer.deleteWebhook(id);
      await this.audit(writer, time, {
        action: 'webhook.delete',
        ref: hook.domain ? `domain:${hook.domain}` : 'webhooks',
        details: { webhook: id },
      });
    });
    return { id, removed: true as const };
  }

  /**
   * Queues a test event (`io.charter.webhook.test`) to one webhook, whatever events it subscribes
   * to, audited as `webhook.test`; the delivery loop sends it as any other (signed, retried).
   */
  async testWebhook(id: string): Promise<DeliveryView> {
    const time = this.now().toISOString();
    const hook = (await this.store.webhooks()).find((h) => h.id === id);
    if (!hook) throw new NotFoundError(`Webhook '${id}' not found`, { webhook: id });
    const url = new URL(hook.url);
    const record = await this.store.write((writer) =>
      this.audit(writer, time, {
        action: 'webhook.test',
        ref: hook.domain ? `domain:${hook.domain}` : 'webhooks',
        details: { webhook: id, url: `${url.origin}${url.pathname}` },
      }),
    );
    // The delivery of the event that record made (each test is its own, however many run at once).
    const [queued] = await this.store.deliveries({ auditSeq: record.seq, webhookId: id, limit: 1 });
    if (!queued) throw new Error(`the test event to webhook ${id} was not queued`);
    return queued;
  }

  /**
   * Deliveries, newest first; `webhooks`: only to these (the ones the caller manages). A `webhook`
   * that is neither a webhook nor a removed one with deliveries kept is not found.
   */
  async deliveries(options: {
    state?: DeliveryState;
    webhook?: string;
    limit?: number;
    webhooks?: readonly string[];
  }) {
    const id = options.webhook;
    if (
      id &&
      !(await this.store.webhooks()).some((h) => h.id === id) &&
      !(await this.store.deliveries({ webhookId: id, limit: 1 })).length
    )
      throw new NotFoundError(`Webhook '${id}' not found`, { webhook: id });
    return this.store.deliveries({
      ...(options.state ? { state: options.state } : {}),
      ...(options.webhook ? { webhookId: options.webhook } : {}),
      ...(options.webhooks ? { webhookIds: options.webhooks } : {}),
      limit: Math.min(options.limit ?? 100, 5000),
    });
  }

  /** The webhook a delivery goes to, if the delivery exists. */
  async deliveryWebhook(id: string): Promise<string | undefined> {
    return (await this.store.deliveries({ id, limit: 1 }))[0]?.webhookId;
  }

  async retryDelivery(id: string) {
    const now = this.now().toISOString();
    const result = await this.store.write((writer) => writer.retryDelivery(id, now));
    if (result === 'not-found') throw new NotFoundError(`Delivery '${id}' not found`);
    if (result === 'delivered') throw new NotFoundError(`Delivery '${id}' was already delivered`);
    if (result === 'webhook-removed')
      throw new ConflictError(`Delivery '${id}' cannot be retried: its webhook was removed`);
    return { id, state: 'pending' as const };
  }
}

export function emptyBinding(): Json {
  return { fields: {}, conflicts: [] };
}

function outcomeView(row: OutcomeRow): Outcome {
  const trace = row.trace as TraceReport;
  return {
    id: row.id,
    ref: `outcome:${row.id}`,
    subject: row.subject,
    domain: row.domain,
    type: row.type,
    severity: row.severity,
    summary: row.summary,
    details: row.details,
    runId: row.runId,
    traceId: row.traceId,
    occurredAt: row.occurredAt,
    recordedAt: row.recordedAt,
    actor: row.actor,
    accountable: trace?.accountable ?? row.accountable.map((ref) => ({ ref, title: ref, why: [] })),
    domains: row.domains,
  };
}

function webhookView(row: {
  id: string;
  url: string;
  domain: string | null;
  events: string[];
  description: string;
  createdAt: string;
  createdBy: string;
}): WebhookView {
  return {
    id: row.id,
    url: row.url,
    domain: row.domain,
    events: row.events,
    description: row.description,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
  };
}

const TYPE_MAP: [RegExp, string][] = [
  [/^(var)?char|text|string|uuid/i, 'string'],
  [/^(big|small|tiny)?int|integer|long|short/i, 'integer'],
  [/^(double|float|real|decimal|numeric|number)/i, 'number'],
  [/^bool/i, 'boolean'],
  [/^timestamp|datetime/i, 'timestamp'],
  [/^date/i, 'date'],
];

/** An ODCS v3.1.0 contract skeleton from what lineage reported (schema facet), to adopt a dataset. */
/** `; its fields: a, b, c` (the first 20 and how many more), or nothing when there are none. */
function fieldList(fields: readonly string[]): string {
  if (!fields.length) return '';
  const more = fields.length > 20 ? ` and ${fields.length - 20} more` : '';
  return `; its fields: ${fields.slice(0, 20).join(', ')}${more}`;
}

export function draftContract(namespace: string, name: string, facets: Json): Json {
  // A path's table is its file name without the extension; a dotted name's, its last part.
  const path = namespace === 'file' || /^s3a?:\/\//i.test(namespace) || name.includes('/');
  const last = path
    ? name
        .split('/')
        .filter(Boolean)
        .pop()
        ?.replace(/\.[a-z0-9]+$/i, '')
    : name.split('.').pop();
  const table = last || 'data';
  const schemaFacet = facets.schema as
    | { fields?: { name?: string; type?: string; description?: string }[] }
    | undefined;
  const owners =
    (facets.ownership as { owners?: { name?: string; type?: string }[] } | undefined)?.owners ?? [];
  const properties = (schemaFacet?.fields ?? [])
    .filter((f) => typeof f.name === 'string')
    .map((f) => {
      const type = f.type ? TYPE_MAP.find(([p]) => p.test(f.type!))?.[1] : undefined;
      return {
        name: f.name,
        ...(type ? { logicalType: type } : {}),
        ...(f.type ? { physicalType: f.type } : {}),
        ...(f.description ? { description: f.description } : {}),
      };
    });
  // The ODCS server type a namespace names, where the naming conventions read back to it; any other
  // keeps the namespace and name as given, which matching reads too.
  const kafka = /^kafka:\/\/([^/?#]+)$/i.exec(namespace);
  const s3 = /^s3a?:\/\/([^/?#]+)\/?$/i.exec(namespace);
  const server: Json =
    namespace === 'file'
      ? { server: 'reported', type: 'local', path: name, format: name.split('.').pop() ?? 'csv' }
      : /^postgres(ql)?:\/\//.test(namespace)
        ? (() => {
            const [host, port] = namespace.replace(/^postgres(ql)?:\/\//, '').split(':');
            const [database, schema] = name.split('.');
            return {
              server: 'reported',
              type: 'postgres',
              host,
              port: Number(port) || 5432,
              database,
              schema,
            };
          })()
        : kafka
          ? { server: 'reported', type: 'kafka', host: kafka[1] }
          : s3
            ? { server: 'reported', type: 's3', location: `s3://${s3[1]}/${name.replace(/^\//, '')}` }
            : {
                server: 'reported',
                type: 'custom',
                customProperties: [
                  { property: 'openlineage.namespace', value: namespace },
                  { property: 'openlineage.name', value: name },
                ],
              };
  // A Kafka contract names its topic as the table's physical name.
  const physicalName = kafka ? name : table;
  return {
    apiVersion: 'v3.1.0',
    kind: 'DataContract',
    id: randomUUID(),
    name: table.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    version: '0.1.0',
    status: 'draft',
    domain: 'CHANGE-ME',
    description: {
      purpose: (facets.documentation as { description?: string } | undefined)?.description ?? 'TODO',
    },
    servers: [server],
    ...(owners.length
      ? {
          customProperties: [
            { property: 'reportedOwners', value: owners.map((o) => o.name).filter(Boolean) },
          ],
        }
      : {}),
    schema: [{ name: table, physicalName, ...(properties.length ? { properties } : {}) }],
  };
}
