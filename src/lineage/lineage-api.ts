/**
 * Lineage and accountability operations as one interface: `LineageService` implements it over the
 * stores, the CLI's HTTP client over the REST API, so every command works locally or against a
 * running server with the same JSON.
 */
import type { ConflictRow, DeliveryState, DeliveryView } from '../store/lineage-store.js';
import type { FieldClassification } from './classification.js';
import type { ImpactReport, TraceReport } from './trace.js';

export type { FieldClassification } from './classification.js';
export type { QualityStatus } from './directory.js';
export type { Accountable, AssetView, CycleView, ImpactReport, LineageRow, TraceReport } from './trace.js';

/** One item of an ingest: a decoded JSON value (with its text when known), or why it could not be read. */
export type IngestItem = { value: unknown; text?: string } | { error: string };

/** The OpenLineage batch answer (`/lineage/batch`), with what Charter recorded. */
export interface IngestResult {
  status: 'success' | 'partial_success' | 'failure';
  summary: {
    received: number;
    successful: number;
    failed: number;
    retriable: number;
    non_retriable: number;
  };
  failed_events: { index: number; reason: string; retriable: boolean }[];
  /** What the lenient reader assumed, per event. */
  warnings: { index: number; message: string }[];
  /** The batch sequence number (absent when nothing was stored). */
  batch?: number;
  stored: {
    events: number;
    datasets: number;
    managed: string[];
    unmanaged: number;
    jobs: number;
    edges: number;
    fieldEdges: number;
  };
  /** Contract fields that now declare less than they inherit. */
  conflicts: ConflictRow[];
}

export interface IngestOptions {
  /** Store nothing when any event is invalid (the CLI's default); else store the valid ones. */
  atomic?: boolean;
  source?: string;
  /** Largest event accepted, in bytes (default: the service's, 1 MB unless configured). */
  maxEventBytes?: number;
}

export interface LineageDataset {
  namespace: string;
  name: string;
  /** The contract it is, or null: unmanaged, to be adopted. */
  ref: string | null;
  table?: string;
  /** The batch (sequence number) it was first reported in. */
  firstSeen: number;
  /** The batch it was last reported in, to within 64 batches (see the lineage store). */
  lastSeen: number;
}

export interface DatasetDetail extends LineageDataset {
  facets: Record<string, unknown>;
  producers: string[];
  consumers: string[];
  /** Column lineage into this dataset. */
  fields: { field: string; from: string; fromField: string; protection: string | null }[];
  /** An ODCS v3.1.0 contract skeleton to adopt an unmanaged dataset (its domain as asked, else CHANGE-ME). */
  draft?: Record<string, unknown>;
}

export type OutcomeType = 'evaluation' | 'complaint' | 'harmful_answer' | 'wrong_answer' | 'drift' | 'other';
export const OUTCOME_TYPES: readonly OutcomeType[] = [
  'evaluation',
  'complaint',
  'harmful_answer',
  'wrong_answer',
  'drift',
  'other',
];
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

export interface OutcomeInput {
  subject: string;
  type: OutcomeType;
  severity: (typeof SEVERITIES)[number];
  summary: string;
  details?: Record<string, unknown>;
  runId?: string;
  traceId?: string;
  occurredAt?: string;
}

export interface Outcome {
  id: string;
  ref: string;
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
  /** Who is accountable and why, as traced when it was recorded. */
  accountable: TraceReport['accountable'];
  domains: string[];
}

export interface OutcomeWithTrace extends Outcome {
  trace: TraceReport;
}

export interface ScorecardRow {
  /** A domain name, or a user or team ref. */
  key: string;
  title: string;
  assets: number;
  datasets: number;
  products: number;
  models: number;
  apps: number;
  withOwnerAndSteward: number;
  described: number;
  /** Datasets whose every field is classified. */
  classified: number;
  qualityChecked: number;
  passingQuality: number;
  openIncidents: number;
  outcomes: number;
  /** Share of the assets meeting all of: owner and steward, described, classified (datasets), passing quality (checked datasets). */
  score: number | null;
}

export interface Scorecards {
  at: string;
  domains: ScorecardRow[];
  owners: ScorecardRow[];
  /** The same counts over the assets each user or team stewards. */
  stewards: ScorecardRow[];
}

export interface WebhookView {
  id: string;
  url: string;
  domain: string | null;
  events: string[];
  description: string;
  createdAt: string;
  createdBy: string;
  /** Only in the answer to its creation. */
  secret?: string;
  /** In a listing: the newest delivery to it (null: none yet), to see at a glance whether it works. */
  lastDelivery?: DeliveryView | null;
}

export interface WebhookInput {
  url: string;
  domain?: string;
  events?: string[];
  secret?: string;
  description?: string;
}

export interface LineageApi {
  ingest(items: IngestItem[], options: IngestOptions): Promise<IngestResult>;
  datasets(options: { managed?: boolean; limit?: number }): Promise<LineageDataset[]>;
  /** `domain`: the domain the draft contract of an unmanaged dataset is for (a live one; 404 otherwise). */
  dataset(namespace: string, name: string, options?: { domain?: string }): Promise<DatasetDetail>;
  classification(ref: string): Promise<FieldClassification[]>;
  conflicts(options: { ref?: string }): Promise<FieldConflict[]>;
  /**
   * With `at` (a past time), each dataset's quality status then, and for a link that names no
   * version its contract's version and classification then, where they differ (`qualityThen`,
   * `versionThen`, `classificationThen`).
   */
  trace(ref: string, options?: { at?: string }): Promise<TraceReport | (TraceReport & { outcome: Outcome })>;
  impact(ref: string, options: { depth?: number; field?: string }): Promise<ImpactReport>;
  recordOutcome(input: OutcomeInput): Promise<OutcomeWithTrace>;
  outcomes(options: { subject?: string; accountable?: string; limit?: number }): Promise<Outcome[]>;
  outcome(id: string): Promise<OutcomeWithTrace>;
  scorecards(options: { domain?: string; owner?: string }): Promise<Scorecards>;
  addWebhook(input: WebhookInput): Promise<WebhookView>;
  /** The webhooks, each with its newest delivery. */
  webhooks(): Promise<WebhookView[]>;
  removeWebhook(id: string): Promise<{ id: string; removed: true }>;
  deliveries(options: { state?: DeliveryState; webhook?: string; limit?: number }): Promise<DeliveryView[]>;
  retryDelivery(id: string): Promise<{ id: string; state: 'pending' }>;
  /** Queues a test event to one webhook; the delivery it will go by. */
  testWebhook(id: string): Promise<DeliveryView>;
}

export interface FieldConflict extends FieldClassification {
  ref: string;
}
