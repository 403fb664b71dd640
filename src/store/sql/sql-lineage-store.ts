/**
 * The lineage store on SQL, sharing the catalog's Kysely instance, write lock and audit chain: an
 * ingest batch, the nodes and edges it reports, its audit record and any outbox event commit
 * together or not at all. The outbox is filled by an audit tap, so every capability's changes
 * (admissions, approvals, incidents, outcomes) queue their webhook deliveries in their own
 * transaction. Delivery leases use SKIP LOCKED where the dialect has it.
 */
import { randomUUID } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Kysely, Transaction } from 'kysely';
import { kindOf } from '../../model/kinds/index.js';
import type { AuditRecord, CatalogStore, CatalogWriter } from '../catalog-store.js';
import {
  type ClaimedDelivery,
  type ConflictRow,
  type DeliveryFilter,
  type DeliveryRow,
  type DeliveryState,
  type DeliveryView,
  type EdgeRow,
  type EdgeWrite,
  type EventFilter,
  type EventRow,
  type FacetRow,
  type FieldEdgeRow,
  type LineageStore,
  type LineageWriter,
  type NodeKey,
  type NodeRow,
  nodeKeyString,
  type OutboxEvent,
  type OutcomeFilter,
  type OutcomeRow,
  type WebhookRow,
} from '../lineage-store.js';
import type { Database } from './schema.js';
import type { SqlDialect } from './sql-dialect.js';
import { SqlStore } from './sql-store.js';

type Db = Kysely<Database> | Transaction<Database>;
type OutboxMapper = (record: AuditRecord) => Omit<OutboxEvent, 'id'> | undefined;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const toNode = (r: Database['lineage_nodes']): NodeRow => ({
  id: Number(r.id),
  kind: r.kind as NodeRow['kind'],
  namespace: r.namespace,
  name: r.name,
  firstSeq: Number(r.first_seq),
  lastSeq: Number(r.last_seq),
});

const toEdge = (r: Database['lineage_edges']): EdgeRow => ({
  id: Number(r.id),
  src: Number(r.src),
  dst: Number(r.dst),
  kind: r.kind as EdgeRow['kind'],
  role: r.role,
  version: r.version,
  runId: r.run_id,
  firstSeq: Number(r.first_seq),
  seq: Number(r.seq),
});

const toFieldEdge = (r: Database['lineage_field_edges']): FieldEdgeRow => ({
  dst: Number(r.dst),
  dstField: r.dst_field,
  src: Number(r.src),
  srcField: r.src_field,
  jobId: r.job_id === null ? null : Number(r.job_id),
  transformations: JSON.parse(r.transformations),
  protection: r.protection,
  seq: Number(r.seq),
  authorised: Number(r.authorised) === 1,
});

const toConflict = (r: Database['lineage_conflicts']): ConflictRow => ({
  ref: r.ref,
  field: r.field,
  declared: r.declared,
  inherited: r.inherited,
  sources: JSON.parse(r.sources),
  detectedAt: r.detected_at,
});

const toOutcome = (r: Database['outcomes']): OutcomeRow => ({
  id: r.id,
  subject: r.subject,
  domain: r.domain,
  type: r.type,
  severity: r.severity,
  summary: r.summary,
  details: r.details ? JSON.parse(r.details) : null,
  runId: r.run_id,
  traceId: r.trace_id,
  occurredAt: r.occurred_at,
  recordedAt: r.recorded_at,
  actor: r.actor,
  accountable: JSON.parse(r.accountable),
  domains: JSON.parse(r.domains),
  trace: JSON.parse(r.trace),
});

const toWebhook = (r: Database['webhooks']): WebhookRow => ({
  id: r.id,
  url: r.url,
  domain: r.domain,
  events: JSON.parse(r.events),
  secret: r.secret,
  description: r.description,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

const toOutboxEvent = (r: Database['outbox_events']): OutboxEvent => ({
  id: r.id,
  type: r.type,
  subject: r.subject,
  domains: JSON.parse(r.domains),
  time: r.time,
  payload: JSON.parse(r.payload),
});

const toDelivery = (r: Database['webhook_deliveries']): DeliveryRow => ({
  id: r.id,
  eventId: r.event_id,
  webhookId: r.webhook_id,
  state: r.state as DeliveryRow['state'],
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at,
  leaseOwner: r.lease_owner,
  leaseUntil: r.lease_until,
  lastStatus: r.last_status === null ? null : Number(r.last_status),
  lastError: r.last_error,
  deliveredAt: r.delivered_at,
  createdAt: r.created_at,
});

/** JSON text never holds a raw NUL, so it separates the events of a batch. */
function packTexts(texts: readonly string[]): string {
  return `z1:${deflateRawSync(texts.join('\u0000'), { level: 1 }).toString('base64')}`;
}

function unpackTexts(body: string): string[] {
  if (!body.startsWith('z1:')) throw new Error('unknown lineage batch encoding');
  return inflateRawSync(Buffer.from(body.slice(3), 'base64'))
    .toString('utf8')
    .split('\u0000');
}

async function maxId(
  db: Db,
  table: 'lineage_nodes' | 'lineage_events' | 'lineage_edges' | 'lineage_field_edges',
) {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max('id').as('m'))
    .executeTakeFirst();
  return Number(row?.m ?? 0);
}

async function selectFieldEdges(db: Db, column: 'dst' | 'src', ids: readonly number[], max: number) {
  const out: FieldEdgeRow[] = [];
  for (const part of chunks([...new Set(ids)], max)) {
    const rows = await db.selectFrom('lineage_field_edges').selectAll().where(column, 'in', part).execute();
    for (const r of rows) out.push(toFieldEdge(r));
  }
  return out;
}

/** The declared classification of every field of the given live assets, read from their documents. */
async function selectClassifications(db: Db, refs: readonly string[], max: number) {
  const out = new Map<string, Map<string, string | null>>();
  for (const part of chunks([...new Set(refs)], max)) {
    const rows = await db
      .selectFrom('assets as a')
      .innerJoin('versions as v', (j) => j.onRef('v.ref', '=', 'a.ref').onRef('v.version', '=', 'a.version'))
      .select(['a.ref', 'a.kind', 'v.doc'])
      .where('a.ref', 'in', part)
      .where('a.state', '=', 'live')
      .execute();
    for (const r of rows) {
      const def = kindOf(r.kind);
      if (!def || !r.doc) continue;
      const fields = new Map<string, string | null>();
      for (const f of def.fields(JSON.parse(r.doc))) fields.set(f.path, f.classification ?? null);
      if (fields.size) out.set(r.ref, fields);
    }
  }
  return out;
}

async function findNodes(db: Db, keys: readonly NodeKey[], max: number) {
  const wanted = new Set(keys.map(nodeKeyString));
  const out: NodeRow[] = [];
  for (const part of chunks([...new Set(keys.map((k) => k.name))], max)) {
    const rows = await db.selectFrom('lineage_nodes').selectAll().where('name', 'in', part).execute();
    for (const r of rows) {
      const node = toNode(r);
      if (wanted.has(nodeKeyString(node))) out.push(node);
    }
  }
  return out;
}

async function nodesNamed(db: Db, names: readonly string[], max: number) {
  const out: NodeRow[] = [];
  for (const part of chunks([...new Set(names)], max)) {
    const rows = await db
      .selectFrom('lineage_nodes')
      .selectAll()
      .where('kind', '=', 'dataset')
      .where('name', 'in', part)
      .execute();
    out.push(...rows.map(toNode));
  }
  return out;
}

async function findFileNodes(db: Db, paths: readonly string[]) {
  const out: NodeRow[] = [];
  for (const part of chunks([...new Set(paths)], 200)) {
    const rows = await db
      .selectFrom('lineage_nodes')
      .selectAll()
      .where('kind', '=', 'dataset')
      .where('namespace', '=', 'file')
      // LIKE wildcards in a path only widen the match; callers compare names exactly afterwards.
      .where((eb) => eb.or(part.flatMap((p) => [eb('name', '=', p), eb('name', 'like', `%/${p}`)])))
      .execute();
    out.push(...rows.map(toNode));
  }
  return out;
}

async function selectNodes(db: Db, ids: readonly number[], max: number) {
  const out: NodeRow[] = [];
  for (const part of chunks([...new Set(ids)], max)) {
    const rows = await db.selectFrom('lineage_nodes').selectAll().where('id', 'in', part).execute();
    out.push(...rows.map(toNode));
  }
  return out;
}

/** Webhooks of a domain also receive the events of its sub-domains. */
function webhookMatches(hook: WebhookRow, event: Omit<OutboxEvent, 'id'>, lineages: Map<string, string[]>) {
  if (event.webhook !== undefined) return hook.id === event.webhook;
  if (hook.events.length && !hook.events.includes(event.type)) return false;
  if (!hook.domain) return true;
  return event.domains.some((d) => (lineages.get(d) ?? [d]).includes(hook.domain!));
}

/**
 * What this process knows is stored: node ids (which never change) and the last value it wrote
 * for each edge, column edge and facet, so a pipeline reporting the same lineage run after run
 * costs a lookup in memory rather than a statement. Entries are added only after their
 * transaction commits. With several servers, a row another server changed since is rewritten by
 * this one only when its own report differs from what it last wrote.
 */
class WriteCache {
  readonly nodes = new Map<string, number>();
  readonly rows = new Map<string, string>();

  apply(nodes: Map<string, number>, rows: Map<string, string>) {
    if (this.nodes.size + nodes.size > 2_000_000) this.nodes.clear();
    if (this.rows.size + rows.size > 1_000_000) this.rows.clear();
    for (const [k, v] of nodes) this.nodes.set(k, v);
    for (const [k, v] of rows) this.rows.set(k, v);
  }
}

class SqlLineageWriter implements LineageWriter {
  /** Cache entries to add once the transaction commits. */
  readonly newNodes = new Map<string, number>();
  readonly newRows = new Map<string, string>();

  constructor(
    private readonly trx: Transaction<Database>,
    private readonly catalog: CatalogWriter,
    private readonly dialect: SqlDialect,
    private readonly cache: WriteCache,
  ) {}

  /** Rows whose value differs from what this process last wrote (and notes them for the cache). */
  private changed<T>(rows: Iterable<[string, T]>, value: (row: T) => string): T[] {
    const out: T[] = [];
    for (const [key, row] of rows) {
      const v = value(row);
      if (this.cache.rows.get(key) === v) continue;
      this.newRows.set(key, v);
      out.push(row);
    }
    return out;
  }

  private get max() {
    return this.dialect.maxParameters;
  }

  async nextSeq() {
    const row = await this.trx
      .selectFrom('lineage_batches')
      .select((eb) => eb.fn.max('seq').as('m'))
      .executeTakeFirst();
    return Number(row?.m ?? 0) + 1;
  }

  async internNodes(keys: readonly NodeKey[], seq: number) {
    const out = new Map<string, number>();
    const wanted = new Map<string, NodeKey>();
    for (const key of keys) {
      const k = nodeKeyString(key);
      if (out.has(k) || wanted.has(k)) continue;
      const cached = this.cache.nodes.get(k);
      if (cached !== undefined) out.set(k, cached);
      else wanted.set(k, key);
    }
    if (wanted.size) {
      const names = [...new Set([...wanted.values()].map((k) => k.name))];
      for (const part of chunks(names, this.max)) {
        const rows = await this.trx
          .selectFrom('lineage_nodes')
          .select(['id', 'kind', 'namespace', 'name'])
          .where('name', 'in', part)
          .execute();
        for (const r of rows) {
          const k = nodeKeyString({ kind: r.kind as NodeKey['kind'], namespace: r.namespace, name: r.name });
          if (!wanted.has(k)) continue;
          out.set(k, Number(r.id));
          wanted.delete(k);
        }
      }
    }
    if (wanted.size) {
      let next = (await maxId(this.trx, 'lineage_nodes')) + 1;
      const rows: unknown[][] = [];
      for (const [k, key] of wanted) {
        out.set(k, next);
        rows.push([next, key.kind, key.namespace, key.name, seq, seq]);
        next += 1;
      }
      await this.dialect.insertRows(
        this.trx,
        'lineage_nodes',
        ['id', 'kind', 'namespace', 'name', 'first_seq', 'last_seq'],
        rows,
      );
    }
    // last_seq is kept to within 64 batches: rewriting every node of every batch would double the writes.
    const stale = [...out.values()].filter((id) => Number(this.cache.rows.get(`n:${id}`) ?? -1e9) < seq - 64);
    for (const part of chunks(stale, this.max)) {
      await this.trx
        .updateTable('lineage_nodes')
        .set({ last_seq: seq })
        .where('id', 'in', part)
        .where('last_seq', '<', seq - 64)
        .execute();
    }
    for (const id of stale) this.newRows.set(`n:${id}`, String(seq));
    // Ids never change, so remembering them (once committed) is safe across transactions and servers.
    for (const [k, id] of out) if (!this.cache.nodes.has(k)) this.newNodes.set(k, id);
    return out;
  }

  async insertBatch(b: Parameters<LineageWriter['insertBatch']>[0]) {
    await this.trx
      .insertInto('lineage_batches')
      .values({
        seq: b.seq,
        received_at: b.receivedAt,
        actor: b.actor,
        source: b.source,
        events: b.events,
        digest: b.digest,
        body: b.texts ? packTexts(b.texts) : null,
      })
      .execute();
  }

  async insertEvents(rows: readonly Omit<EventRow, 'id'>[]) {
    if (!rows.length) return;
    let next = (await maxId(this.trx, 'lineage_events')) + 1;
    await this.dialect.insertRows(
      this.trx,
      'lineage_events',
      [
        'id',
        'seq',
        'position',
        'event_kind',
        'event_type',
        'event_time',
        'run_id',
        'job_id',
        'dataset_id',
        'producer',
        'notes',
        'body',
      ],
      rows.map((r) => [
        next++,
        r.seq,
        r.position,
        r.eventKind,
        r.eventType,
        r.eventTime,
        r.runId,
        r.jobId,
        r.datasetId,
        r.producer,
        JSON.stringify(r.notes),
        r.body,
      ]),
    );
  }

  async upsertEdges(rows: readonly EdgeWrite[]) {
    if (!rows.length) return;
    // One statement may touch a row once: the last report of a pair wins.
    const last = new Map<string, EdgeWrite>();
    for (const r of rows) last.set(`e:${r.src}:${r.dst}`, r);
    const todo = this.changed(last, (r) => `${r.role ?? ''}|${r.version ?? ''}`);
    if (!todo.length) return;
    let next = (await maxId(this.trx, 'lineage_edges')) + 1;
    await this.dialect.upsertRows(
      this.trx,
      'lineage_edges',
      ['id', 'src', 'dst', 'kind', 'role', 'version', 'run_id', 'first_seq', 'seq'],
      todo.map((r) => [next++, r.src, r.dst, r.kind, r.role, r.version, r.runId, r.seq, r.seq]),
      ['src', 'dst'],
      // A pair reported again as it was changes nothing (no write): only a new role or version does.
      'role = coalesce(excluded.role, lineage_edges.role), version = coalesce(excluded.version, lineage_edges.version), run_id = coalesce(excluded.run_id, lineage_edges.run_id), seq = excluded.seq ' +
        'WHERE coalesce(excluded.role, lineage_edges.role) IS DISTINCT FROM lineage_edges.role OR coalesce(excluded.version, lineage_edges.version) IS DISTINCT FROM lineage_edges.version',
    );
  }

  async upsertFieldEdges(rows: readonly FieldEdgeRow[]) {
    if (!rows.length) return;
    const last = new Map<string, FieldEdgeRow>();
    for (const r of rows) last.set(`f:${r.dst}\u0000${r.dstField}\u0000${r.src}\u0000${r.srcField}`, r);
    const todo = this.changed(
      last,
      (r) => `${JSON.stringify(r.transformations)}|${r.protection ?? ''}|${r.jobId ?? ''}|${r.authorised}`,
    );
    if (!todo.length) return;
    let next = (await maxId(this.trx, 'lineage_field_edges')) + 1;
    await this.dialect.upsertRows(
      this.trx,
      'lineage_field_edges',
      [
        'id',
        'dst',
        'dst_field',
        'src',
        'src_field',
        'job_id',
        'transformations',
        'protection',
        'seq',
        'authorised',
      ],
      todo.map((r) => [
        next++,
        r.dst,
        r.dstField,
        r.src,
        r.srcField,
        r.jobId,
        JSON.stringify(r.transformations),
        r.protection,
        r.seq,
        r.authorised ? 1 : 0,
      ]),
      ['dst', 'dst_field', 'src', 'src_field'],
      // A sender who may not write the dataset changes nothing of an edge one who may has reported.
      'job_id = excluded.job_id, transformations = excluded.transformations, protection = excluded.protection, seq = excluded.seq, authorised = excluded.authorised ' +
        'WHERE (excluded.authorised = 1 OR lineage_field_edges.authorised = 0) AND (excluded.transformations IS DISTINCT FROM lineage_field_edges.transformations OR excluded.protection IS DISTINCT FROM lineage_field_edges.protection OR excluded.authorised <> lineage_field_edges.authorised)',
    );
  }

  async upsertFacets(rows: readonly FacetRow[]) {
    if (!rows.length) return;
    const last = new Map<string, [FacetRow, string]>();
    for (const r of rows) last.set(`c:${r.nodeId}\u0000${r.name}`, [r, JSON.stringify(r.value)]);
    const todo = this.changed(last, ([, json]) => json);
    if (!todo.length) return;
    await this.dialect.upsertRows(
      this.trx,
      'lineage_facets',
      ['node_id', 'name', 'seq', 'value'],
      todo.map(([r, json]) => [r.nodeId, r.name, r.seq, json]),
      ['node_id', 'name'],
      // seq says when the value last changed; the same facet again writes nothing.
      'seq = excluded.seq, value = excluded.value WHERE excluded.value IS DISTINCT FROM lineage_facets.value',
    );
  }

  fieldEdgesInto(nodeIds: readonly number[]) {
    return selectFieldEdges(this.trx, 'dst', nodeIds, this.max);
  }

  nodesById(ids: readonly number[]) {
    return selectNodes(this.trx, ids, this.max);
  }

  findNodes(keys: readonly NodeKey[]) {
    return findNodes(this.trx, keys, this.max);
  }

  findFileNodes(paths: readonly string[]) {
    return findFileNodes(this.trx, paths);
  }

  nodesNamed(names: readonly string[]) {
    return nodesNamed(this.trx, names, this.max);
  }

  fieldClassifications(refs: readonly string[]) {
    return selectClassifications(this.trx, refs, this.max);
  }

  async conflicts(refs: readonly string[]) {
    const out: ConflictRow[] = [];
    for (const part of chunks([...new Set(refs)], this.max)) {
      const rows = await this.trx
        .selectFrom('lineage_conflicts')
        .selectAll()
        .where('ref', 'in', part)
        .execute();
      out.push(...rows.map(toConflict));
    }
    return out;
  }

  async replaceConflicts(refs: readonly string[], rows: readonly ConflictRow[]) {
    for (const part of chunks([...new Set(refs)], this.max)) {
      await this.trx.deleteFrom('lineage_conflicts').where('ref', 'in', part).execute();
    }
    for (const part of chunks(rows, Math.floor(this.max / 6))) {
      await this.trx
        .insertInto('lineage_conflicts')
        .values(
          part.map((r) => ({
            ref: r.ref,
            field: r.field,
            declared: r.declared,
            inherited: r.inherited,
            sources: JSON.stringify(r.sources),
            detected_at: r.detectedAt,
          })),
        )
        .execute();
    }
  }

  async insertOutcome(o: OutcomeRow) {
    await this.trx
      .insertInto('outcomes')
      .values({
        id: o.id,
        subject: o.subject,
        domain: o.domain,
        type: o.type,
        severity: o.severity,
        summary: o.summary,
        details: o.details ? JSON.stringify(o.details) : null,
        run_id: o.runId,
        trace_id: o.traceId,
        occurred_at: o.occurredAt,
        recorded_at: o.recordedAt,
        actor: o.actor,
        accountable: JSON.stringify(o.accountable),
        domains: JSON.stringify(o.domains),
        trace: JSON.stringify(o.trace),
      })
      .execute();
  }

  async insertWebhook(w: WebhookRow) {
    await this.trx
      .insertInto('webhooks')
      .values({
        id: w.id,
        url: w.url,
        domain: w.domain,
        events: JSON.stringify(w.events),
        secret: w.secret,
        description: w.description,
        created_at: w.createdAt,
        created_by: w.createdBy,
      })
      .execute();
  }

  async deleteWebhook(id: string) {
    const result = await this.trx.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
    if (!Number(result.numDeletedRows)) return false;
    await this.trx
      .updateTable('webhook_deliveries')
      .set({ state: 'dead', last_error: 'the webhook was removed', lease_owner: null, lease_until: null })
      .where('webhook_id', '=', id)
      .where('state', '=', 'pending')
      .execute();
    return true;
  }

  async retryDelivery(id: string, now: string) {
    const delivery = await this.trx
      .selectFrom('webhook_deliveries')
      .select(['state', 'webhook_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!delivery) return 'not-found' as const;
    if (delivery.state === 'delivered') return 'delivered' as const;
    const hook = await this.trx
      .selectFrom('webhooks')
      .select('id')
      .where('id', '=', delivery.webhook_id)
      .executeTakeFirst();
    if (!hook) return 'webhook-removed' as const;
    // The state is checked again: a delivery finished meanwhile is not sent twice.
    const result = await this.trx
      .updateTable('webhook_deliveries')
      .set({ state: 'pending', next_attempt_at: now, lease_owner: null, lease_until: null })
      .where('id', '=', id)
      .where('state', 'in', ['dead', 'pending'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? ('pending' as const) : ('delivered' as const);
  }

  auditHead() {
    return this.catalog.auditHead();
  }

  appendAudit(records: readonly AuditRecord[]) {
    return this.catalog.appendAudit(records);
  }
}

export class SqlLineageStore implements LineageStore {
  private readonly db: Kysely<Database>;
  private readonly cache = new WriteCache();
  private mapper: OutboxMapper | undefined;

  constructor(private readonly store: SqlStore) {
    this.db = store.db;
    store.addAuditTap((trx, records) => this.outbox(trx, records));
  }

  private get dialect() {
    return this.store.sqlDialect;
  }

  private get max() {
    return this.dialect.maxParameters;
  }

  async write<T>(fn: (writer: LineageWriter) => Promise<T>): Promise<T> {
    let writer: SqlLineageWriter | undefined;
    const result = await this.store.writeWith((catalog, trx) => {
      writer = new SqlLineageWriter(trx, catalog, this.dialect, this.cache);
      return fn(writer);
    });
    // Committed: what was written may now be remembered.
    if (writer) this.cache.apply(writer.newNodes, writer.newRows);
    return result;
  }

  setOutboxMapper(mapper: OutboxMapper) {
    this.mapper = mapper;
  }

  /** The audit tap: queues the outbox event of each audit record that is one, with a delivery per webhook. */
  private async outbox(trx: Transaction<Database>, records: readonly AuditRecord[]) {
    if (!this.mapper) return;
    const events: Omit<OutboxEvent, 'id'>[] = [];
    const seqs: number[] = [];
    for (const record of records) {
      const event = this.mapper(record);
      if (event) {
        events.push(event);
        seqs.push(record.seq);
      }
    }
    if (!events.length) return;
    const hooks = (await trx.selectFrom('webhooks').selectAll().execute()).map(toWebhook);
    const lineages = new Map<string, string[]>();
    if (hooks.some((h) => h.domain)) {
      for (const domain of new Set(events.flatMap((e) => e.domains))) {
        const chain = [domain];
        for (let current = domain; chain.length < 64; ) {
          const parent = await trx
            .selectFrom('relations')
            .select('target')
            .where('source', '=', `domain:${current}`)
            .where('type', '=', 'childOf')
            .executeTakeFirst();
          const name = parent?.target.replace(/^domain:/, '');
          if (!name || chain.includes(name)) break;
          chain.push(name);
          current = name;
        }
        lineages.set(domain, chain);
      }
    }
    for (const [i, event] of events.entries()) {
      const id = randomUUID();
      await trx
        .insertInto('outbox_events')
        .values({
          id,
          audit_seq: seqs[i]!,
          type: event.type,
          subject: event.subject,
          domains: JSON.stringify(event.domains),
          time: event.time,
          payload: JSON.stringify({ ...event.payload, id }),
        })
        .execute();
      const targets = hooks.filter((h) => webhookMatches(h, event, lineages));
      if (!targets.length) continue;
      await trx
        .insertInto('webhook_deliveries')
        .values(
          targets.map((h) => ({
            id: randomUUID(),
            event_id: id,
            webhook_id: h.id,
            state: 'pending',
            attempts: 0,
            next_attempt_at: event.time,
            lease_owner: null,
            lease_until: null,
            last_status: null,
            last_error: null,
            delivered_at: null,
            created_at: event.time,
          })),
        )
        .execute();
    }
  }

  async headSeq() {
    const row = await this.db
      .selectFrom('lineage_batches')
      .select((eb) => eb.fn.max('seq').as('m'))
      .executeTakeFirst();
    return Number(row?.m ?? 0);
  }

  async nodesAfter(afterId: number, limit: number) {
    const rows = await this.db
      .selectFrom('lineage_nodes')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toNode);
  }

  nodesById(ids: readonly number[]) {
    return selectNodes(this.db, ids, this.max);
  }

  findNodes(keys: readonly NodeKey[]) {
    return findNodes(this.db, keys, this.max);
  }

  findFileNodes(paths: readonly string[]) {
    return findFileNodes(this.db, paths);
  }

  nodesNamed(names: readonly string[]) {
    return nodesNamed(this.db, names, this.max);
  }

  async datasets(options: { limit?: number; offset?: number; namespace?: string }) {
    let q = this.db.selectFrom('lineage_nodes').selectAll().where('kind', '=', 'dataset');
    if (options.namespace) q = q.where('namespace', '=', options.namespace);
    const rows = await q
      .orderBy('last_seq', 'desc')
      .orderBy('id')
      .limit(options.limit ?? 1000)
      .offset(options.offset ?? 0)
      .execute();
    return rows.map(toNode);
  }

  async edgesAfter(afterId: number, limit: number) {
    const rows = await this.db
      .selectFrom('lineage_edges')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toEdge);
  }

  async edgesSince(seq: number) {
    const rows = await this.db
      .selectFrom('lineage_edges')
      .selectAll()
      .where('seq', '>', seq)
      .orderBy('id')
      .execute();
    return rows.map(toEdge);
  }

  async edgesOf(nodeIds: readonly number[]) {
    const out: EdgeRow[] = [];
    for (const part of chunks([...new Set(nodeIds)], Math.floor(this.max / 2))) {
      const rows = await this.db
        .selectFrom('lineage_edges')
        .selectAll()
        .where((eb) => eb.or([eb('src', 'in', part), eb('dst', 'in', part)]))
        .execute();
      out.push(...rows.map(toEdge));
    }
    return out;
  }

  fieldEdgesInto(nodeIds: readonly number[]) {
    return selectFieldEdges(this.db, 'dst', nodeIds, this.max);
  }

  fieldEdgesFrom(nodeIds: readonly number[]) {
    return selectFieldEdges(this.db, 'src', nodeIds, this.max);
  }

  async hasFieldEdges() {
    return !!(await this.db.selectFrom('lineage_field_edges').select('id').limit(1).executeTakeFirst());
  }

  async facets(nodeIds: readonly number[]) {
    const out: FacetRow[] = [];
    for (const part of chunks([...new Set(nodeIds)], this.max)) {
      const rows = await this.db
        .selectFrom('lineage_facets')
        .selectAll()
        .where('node_id', 'in', part)
        .execute();
      for (const r of rows)
        out.push({ nodeId: Number(r.node_id), name: r.name, seq: Number(r.seq), value: JSON.parse(r.value) });
    }
    return out;
  }

  fieldClassifications(refs: readonly string[]) {
    return selectClassifications(this.db, refs, this.max);
  }

  async events(filter: EventFilter) {
    let q = this.db.selectFrom('lineage_events').selectAll();
    if (filter.runId) q = q.where('run_id', '=', filter.runId);
    if (filter.jobId !== undefined) q = q.where('job_id', '=', filter.jobId);
    if (filter.datasetId !== undefined) q = q.where('dataset_id', '=', filter.datasetId);
    if (filter.afterId !== undefined) q = q.where('id', '>', filter.afterId);
    const rows = await q
      .orderBy('id')
      .limit(filter.limit ?? 100)
      .execute();
    // Bodies kept with their batch are read from it (once per batch).
    const packed = [...new Set(rows.filter((r) => r.body === '').map((r) => Number(r.seq)))];
    const texts = new Map<number, string[]>();
    for (const part of chunks(packed, 100)) {
      const batches = await this.db
        .selectFrom('lineage_batches')
        .select(['seq', 'body'])
        .where('seq', 'in', part)
        .execute();
      for (const b of batches) if (b.body) texts.set(Number(b.seq), unpackTexts(b.body));
    }
    for (const r of rows) if (r.body === '') r.body = texts.get(Number(r.seq))?.[Number(r.position)] ?? '';
    return rows.map(
      (r): EventRow => ({
        id: Number(r.id),
        seq: Number(r.seq),
        position: Number(r.position),
        eventKind: r.event_kind as EventRow['eventKind'],
        eventType: r.event_type,
        eventTime: r.event_time,
        runId: r.run_id,
        jobId: r.job_id === null ? null : Number(r.job_id),
        datasetId: r.dataset_id === null ? null : Number(r.dataset_id),
        producer: r.producer,
        notes: JSON.parse(r.notes),
        body: r.body,
      }),
    );
  }

  async countEvents() {
    const row = await this.db
      .selectFrom('lineage_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async conflicts(filter: { ref?: string; limit?: number }) {
    let q = this.db.selectFrom('lineage_conflicts').selectAll();
    if (filter.ref) q = q.where('ref', '=', filter.ref);
    const rows = await q
      .orderBy('ref')
      .orderBy('field')
      .limit(filter.limit ?? 1000)
      .execute();
    return rows.map(toConflict);
  }

  async outcomes(filter: OutcomeFilter) {
    let q = this.db.selectFrom('outcomes').selectAll();
    if (filter.subject) q = q.where('subject', '=', filter.subject);
    if (filter.accountable) q = q.where('accountable', 'like', `%${JSON.stringify(filter.accountable)}%`);
    if (filter.domains) {
      const domains = filter.domains;
      q = q.where((eb) =>
        eb.or(
          domains.length
            ? domains.map((d) => eb('domains', 'like', `%${JSON.stringify(d)}%`))
            : [eb.lit(false)],
        ),
      );
    }
    const rows = await q
      .orderBy('recorded_at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(toOutcome);
  }

  async outcome(id: string) {
    const row = await this.db.selectFrom('outcomes').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toOutcome(row) : undefined;
  }

  async outcomeCounts(options: { subject?: (ref: string) => boolean } = {}) {
    const byPrincipal = new Map<string, number>();
    const byDomain = new Map<string, number>();
    for (let offset = 0; ; offset += 5000) {
      const rows = await this.db
        .selectFrom('outcomes')
        .select(['id', 'subject', 'accountable', 'domains'])
        .orderBy('id')
        .limit(5000)
        .offset(offset)
        .execute();
      for (const r of rows) {
        if (options.subject && !options.subject(r.subject)) continue;
        for (const p of JSON.parse(r.accountable) as string[])
          byPrincipal.set(p, (byPrincipal.get(p) ?? 0) + 1);
        for (const d of JSON.parse(r.domains) as string[]) byDomain.set(d, (byDomain.get(d) ?? 0) + 1);
      }
      if (rows.length < 5000) return { byPrincipal, byDomain };
    }
  }

  async webhooks() {
    const rows = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toWebhook);
  }

  async outboxEvents(options: { afterSeq?: number; limit?: number }) {
    let q = this.db.selectFrom('outbox_events').selectAll();
    if (options.afterSeq !== undefined) q = q.where('audit_seq', '>', options.afterSeq);
    const rows = await q
      .orderBy('audit_seq')
      .limit(options.limit ?? 100)
      .execute();
    return rows.map(toOutboxEvent);
  }

  async outcomeTally() {
    const rows = await this.db
      .selectFrom('outcomes')
      .select(['type', 'severity', (eb) => eb.fn.countAll<number | string>().as('count')])
      .groupBy(['type', 'severity'])
      .execute();
    return rows.map((r) => ({ type: r.type, severity: r.severity, count: Number(r.count) }));
  }

  async deliveryCounts() {
    const rows = await this.db
      .selectFrom('webhook_deliveries')
      .select(['state', (eb) => eb.fn.countAll<number | string>().as('count')])
      .groupBy('state')
      .execute();
    return rows.map((r) => ({ state: r.state as DeliveryState, count: Number(r.count) }));
  }

  async deliveries(filter: DeliveryFilter): Promise<DeliveryView[]> {
    if (filter.webhookIds && !filter.webhookIds.length) return [];
    let q = this.db
      .selectFrom('webhook_deliveries as d')
      .leftJoin('outbox_events as e', 'e.id', 'd.event_id')
      .leftJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .selectAll('d')
      .select(['e.type as event_type', 'w.url as webhook_url']);
    if (filter.id) q = q.where('d.id', '=', filter.id);
    if (filter.webhookIds) q = q.where('d.webhook_id', 'in', [...filter.webhookIds]);
    if (filter.state) q = q.where('d.state', '=', filter.state);
    if (filter.webhookId) q = q.where('d.webhook_id', '=', filter.webhookId);
    if (filter.eventId) q = q.where('d.event_id', '=', filter.eventId);
    if (filter.auditSeq !== undefined) q = q.where('e.audit_seq', '=', filter.auditSeq);
    const rows = await q
      .orderBy('d.created_at', 'desc')
      .orderBy('d.id')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(({ event_type, webhook_url, ...row }) => ({
      ...toDelivery(row),
      eventType: event_type,
      url: webhook_url,
    }));
  }

  async claimDeliveries(owner: string, now: string, leaseUntil: string, limit: number, only?: string) {
    const claimed = await this.db.transaction().execute(async (trx) => {
      let q = trx
        .selectFrom('webhook_deliveries')
        .selectAll()
        .$if(only !== undefined, (qb) => qb.where('id', '=', only!))
        .where('state', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .orderBy('next_attempt_at')
        .limit(limit);
      if (this.dialect.skipLocked) q = q.forUpdate().skipLocked();
      const due = await q.execute();
      const out: DeliveryRow[] = [];
      for (const row of due) {
        // The condition is repeated so that a lease taken meanwhile (no row locks) is kept.
        const result = await trx
          .updateTable('webhook_deliveries')
          .set({ lease_owner: owner, lease_until: leaseUntil })
          .where('id', '=', row.id)
          .where('state', '=', 'pending')
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1)
          out.push(toDelivery({ ...row, lease_owner: owner, lease_until: leaseUntil }));
      }
      return out;
    });
    if (!claimed.length) return [];
    const events = new Map<string, OutboxEvent>();
    for (const part of chunks([...new Set(claimed.map((c) => c.eventId))], this.max)) {
      const rows = await this.db.selectFrom('outbox_events').selectAll().where('id', 'in', part).execute();
      for (const r of rows) events.set(r.id, toOutboxEvent(r));
    }
    const hooks = new Map((await this.webhooks()).map((h) => [h.id, h]));
    const out: ClaimedDelivery[] = [];
    const orphans: string[] = [];
    for (const c of claimed) {
      const event = events.get(c.eventId);
      const hook = hooks.get(c.webhookId);
      if (event && hook) out.push({ ...c, url: hook.url, secret: hook.secret, event });
      else if (!hook) orphans.push(c.id);
    }
    // Its webhook is gone, so it can never be sent: left pending, it would be leased again forever.
    for (const part of chunks(orphans, this.max))
      await this.db
        .updateTable('webhook_deliveries')
        .set({ state: 'dead', last_error: 'the webhook was removed', lease_owner: null, lease_until: null })
        .where('id', 'in', part)
        .where('lease_owner', '=', owner)
        .execute();
    return out;
  }

  async finishDelivery(id: string, owner: string, outcome: Parameters<LineageStore['finishDelivery']>[2]) {
    const set =
      outcome.state === 'delivered'
        ? {
            state: 'delivered',
            last_status: outcome.status,
            last_error: null,
            delivered_at: outcome.at,
          }
        : {
            state: outcome.state,
            last_status: outcome.status,
            last_error: outcome.error.slice(0, 500),
            next_attempt_at: outcome.nextAttemptAt,
          };
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        ...set,
        attempts: eb('attempts', '+', 1),
        lease_owner: null,
        lease_until: null,
      }))
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

const stores = new WeakMap<SqlStore, SqlLineageStore>();

/** The lineage store of a catalog store, one per store (its audit tap is registered once). */
export function lineageStoreFor(store: CatalogStore): LineageStore {
  if (!(store instanceof SqlStore)) throw new Error('lineage needs the SQL store');
  let lineage = stores.get(store);
  if (!lineage) {
    lineage = new SqlLineageStore(store);
    stores.set(store, lineage);
  }
  return lineage;
}
