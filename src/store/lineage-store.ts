/**
 * The storage port of lineage and accountability: OpenLineage batches with their events, the
 * dataset/job nodes and edges (dataset and column level) they report, facets, classification
 * conflicts, AI outcomes, and the webhook outbox with its deliveries. An ingest batch, its audit
 * record and any outbox event it causes are written in one transaction.
 */
import type { AuditHead, AuditRecord } from './catalog-store.js';

export type NodeKind = 'dataset' | 'job';

export interface NodeKey {
  kind: NodeKind;
  namespace: string;
  name: string;
}

export interface NodeRow extends NodeKey {
  id: number;
  firstSeq: number;
  lastSeq: number;
}

/** `input`: dataset → job; `output`: job → dataset. */
export type EdgeKind = 'input' | 'output';

export interface EdgeRow {
  id: number;
  src: number;
  dst: number;
  kind: EdgeKind;
  /** For links into AI systems: training, rag_retrieval … (from the `charter_aiLink` input facet). */
  role: string | null;
  /** The dataset version the run read or wrote (DatasetVersion facet), when reported. */
  version: string | null;
  runId: string | null;
  firstSeq: number;
  seq: number;
}

export type EdgeWrite = Omit<EdgeRow, 'id' | 'firstSeq'>;

export interface Transformation {
  type: string;
  subtype?: string;
  description?: string;
  masking?: boolean;
}

export interface FieldEdgeRow {
  dst: number;
  dstField: string;
  src: number;
  srcField: string;
  jobId: number | null;
  transformations: Transformation[];
  /** The protecting transformation declared on the edge (masking, aggregation …), if any. */
  protection: string | null;
  seq: number;
  /**
   * The sender could write the dataset it leads into (or no contract describes that dataset):
   * only such edges decide what the dataset's fields inherit. Others are reported lineage only.
   */
  authorised: boolean;
}

export interface FacetRow {
  nodeId: number;
  name: string;
  seq: number;
  value: unknown;
}

export interface BatchRow {
  seq: number;
  receivedAt: string;
  actor: string;
  source: string;
  events: number;
  digest: string;
  /** The events as sent, in order; stored compressed with the batch (event rows point into it). */
  texts?: readonly string[];
}

export interface EventRow {
  id: number;
  seq: number;
  position: number;
  eventKind: 'run' | 'job' | 'dataset';
  eventType: string | null;
  eventTime: string;
  runId: string | null;
  jobId: number | null;
  datasetId: number | null;
  producer: string | null;
  /** What the lenient reader had to assume (e.g. a missing time zone). */
  notes: string[];
  /** The event as received, JSON text (read back from its batch when stored there). */
  body: string;
}

export interface EventFilter {
  runId?: string;
  jobId?: number;
  datasetId?: number;
  afterId?: number;
  limit?: number;
}

export interface ConflictRow {
  ref: string;
  field: string;
  declared: string | null;
  inherited: string;
  /** Upstream `dataset#field` the inherited level comes from. */
  sources: string[];
  detectedAt: string;
}

export interface OutcomeRow {
  id: string;
  subject: string;
  domain: string | null;
  type: string;
  severity: string;
  summary: string;
  details: Record<string, unknown> | null;
  runId: string | null;
  traceId: string | null;
  occurredAt: string;
  recordedAt: string;
  actor: string;
  /** Users and teams accountable for it (refs). */
  accountable: string[];
  /** Every domain the trace went through. */
  domains: string[];
  /** The trace as it was when the outcome was recorded. */
  trace: unknown;
}

export interface OutcomeFilter {
  subject?: string;
  accountable?: string;
  domains?: readonly string[];
  limit?: number;
}

export interface WebhookRow {
  id: string;
  url: string;
  /** null: every domain. */
  domain: string | null;
  /** Event types it receives; empty: all. */
  events: string[];
  secret: string;
  description: string;
  createdAt: string;
  createdBy: string;
}

/** What the audit tap turns an audit record into (a CloudEvent and where it goes). */
export interface OutboxEvent {
  id: string;
  type: string;
  subject: string;
  /** The domains the event concerns; webhooks of these domains (or their ancestors) and global ones get it. */
  domains: string[];
  time: string;
  payload: Record<string, unknown>;
  /** Only to this webhook (a test event), whatever its domain and events. Not stored. */
  webhook?: string;
}

export type DeliveryState = 'pending' | 'delivered' | 'dead';

export interface DeliveryRow {
  id: string;
  eventId: string;
  webhookId: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: string;
  leaseOwner: string | null;
  leaseUntil: string | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** A delivery as listed: the type of the event it carries, and its webhook's URL (null once removed). */
export interface DeliveryView extends DeliveryRow {
  eventType: string | null;
  url: string | null;
}

/** A delivery leased for sending, with what to send and where. */
export interface ClaimedDelivery extends DeliveryRow {
  url: string;
  secret: string;
  event: OutboxEvent;
}

export interface DeliveryFilter {
  id?: string;
  state?: DeliveryState;
  webhookId?: string;
  /** Only deliveries to these webhooks (none: no delivery). */
  webhookIds?: readonly string[];
  eventId?: string;
  /** Only deliveries of the event this audit record made. */
  auditSeq?: number;
  limit?: number;
}

export interface LineageWriter {
  /** The next batch sequence number (read under the write lock). */
  nextSeq(): Promise<number>;
  /** Ids of these nodes, inserting the ones not seen before; keyed by `nodeKeyString`. */
  internNodes(keys: readonly NodeKey[], seq: number): Promise<Map<string, number>>;
  insertBatch(batch: BatchRow): Promise<void>;
  insertEvents(rows: readonly Omit<EventRow, 'id'>[]): Promise<void>;
  upsertEdges(rows: readonly EdgeWrite[]): Promise<void>;
  upsertFieldEdges(rows: readonly FieldEdgeRow[]): Promise<void>;
  upsertFacets(rows: readonly FacetRow[]): Promise<void>;
  /** Column lineage into these dataset nodes, read inside the transaction. */
  fieldEdgesInto(nodeIds: readonly number[]): Promise<FieldEdgeRow[]>;
  nodesById(ids: readonly number[]): Promise<NodeRow[]>;
  findNodes(keys: readonly NodeKey[]): Promise<NodeRow[]>;
  /** Datasets with one of these names, in any namespace (spellings of a namespace differ). */
  nodesNamed(names: readonly string[]): Promise<NodeRow[]>;
  /** Datasets of the `file` namespace whose path is one of these or ends with `/` + one of them. */
  findFileNodes(paths: readonly string[]): Promise<NodeRow[]>;
  /** Declared classifications of these contracts' live fields (`table.column` → level), read inside the transaction. */
  fieldClassifications(refs: readonly string[]): Promise<Map<string, Map<string, string | null>>>;
  conflicts(refs: readonly string[]): Promise<ConflictRow[]>;
  /** Replaces the conflicts recorded for these contracts. */
  replaceConflicts(refs: readonly string[], rows: readonly ConflictRow[]): Promise<void>;
  insertOutcome(row: OutcomeRow): Promise<void>;
  insertWebhook(row: WebhookRow): Promise<void>;
  deleteWebhook(id: string): Promise<boolean>;
  /**
   * Makes a dead (or pending) delivery due again now; says why not when it is missing, was
   * delivered, or its webhook was removed (it would never be sent).
   */
  retryDelivery(id: string, now: string): Promise<'pending' | 'not-found' | 'delivered' | 'webhook-removed'>;
  auditHead(): Promise<AuditHead>;
  appendAudit(records: readonly AuditRecord[]): Promise<void>;
}

export interface LineageStore {
  write<T>(fn: (writer: LineageWriter) => Promise<T>): Promise<T>;
  /**
   * Sets how audit records become outbox events. From then on every write transaction (catalog,
   * policy, quality, lineage) writes the outbox rows of its audit records before it commits.
   */
  setOutboxMapper(mapper: (record: AuditRecord) => Omit<OutboxEvent, 'id'> | undefined): void;

  /** Highest batch sequence number stored (0 when none). */
  headSeq(): Promise<number>;
  nodesAfter(afterId: number, limit: number): Promise<NodeRow[]>;
  nodesById(ids: readonly number[]): Promise<NodeRow[]>;
  findNodes(keys: readonly NodeKey[]): Promise<NodeRow[]>;
  nodesNamed(names: readonly string[]): Promise<NodeRow[]>;
  findFileNodes(paths: readonly string[]): Promise<NodeRow[]>;
  /** Dataset nodes, most recently reported first. */
  datasets(options: { limit?: number; offset?: number; namespace?: string }): Promise<NodeRow[]>;
  edgesAfter(afterId: number, limit: number): Promise<EdgeRow[]>;
  /** Edges written or updated by batches after `seq`. */
  edgesSince(seq: number): Promise<EdgeRow[]>;
  edgesOf(nodeIds: readonly number[]): Promise<EdgeRow[]>;
  fieldEdgesInto(nodeIds: readonly number[]): Promise<FieldEdgeRow[]>;
  /** Whether any column lineage has been reported (propagation has nothing to do before). */
  hasFieldEdges(): Promise<boolean>;
  fieldEdgesFrom(nodeIds: readonly number[]): Promise<FieldEdgeRow[]>;
  facets(nodeIds: readonly number[]): Promise<FacetRow[]>;
  /** Declared classifications of these contracts' live fields (`table.column` → level). */
  fieldClassifications(refs: readonly string[]): Promise<Map<string, Map<string, string | null>>>;
  events(filter: EventFilter): Promise<EventRow[]>;
  countEvents(): Promise<number>;
  conflicts(filter: { ref?: string; limit?: number }): Promise<ConflictRow[]>;

  outcomes(filter: OutcomeFilter): Promise<OutcomeRow[]>;
  outcome(id: string): Promise<OutcomeRow | undefined>;
  /** Outcomes per accountable principal (user/team ref) and per domain the trace went through. */
  /** With `subject`, only the outcomes about a subject it accepts (what a reader may read). */
  outcomeCounts(options?: {
    subject?: (ref: string) => boolean;
  }): Promise<{ byPrincipal: Map<string, number>; byDomain: Map<string, number> }>;

  /** How many outcomes are stored, per type and severity. */
  outcomeTally(): Promise<{ type: string; severity: string; count: number }[]>;

  webhooks(): Promise<WebhookRow[]>;
  /** How many deliveries are in each state (pending, delivered, dead). */
  deliveryCounts(): Promise<{ state: DeliveryState; count: number }[]>;
  outboxEvents(options: { afterSeq?: number; limit?: number }): Promise<OutboxEvent[]>;
  deliveries(filter: DeliveryFilter): Promise<DeliveryView[]>;
  /**
   * Leases up to `limit` due deliveries whose lease is free or expired. Each lease is taken by one
   * caller (row locks with SKIP LOCKED where the database has them, else its write lock).
   */
  claimDeliveries(
    owner: string,
    now: string,
    leaseUntil: string,
    limit: number,
    /** Only this delivery (`charter webhook test` on the local store). */
    only?: string,
  ): Promise<ClaimedDelivery[]>;
  /** Records an attempt of a delivery leased by `owner`; false when the lease was lost meanwhile. */
  finishDelivery(
    id: string,
    owner: string,
    outcome:
      | { state: 'delivered'; status: number; at: string }
      | { state: 'pending' | 'dead'; status: number | null; error: string; nextAttemptAt: string },
  ): Promise<boolean>;
}

export function nodeKeyString(key: NodeKey): string {
  return `${key.kind}\u0000${key.namespace}\u0000${key.name}`;
}
