/** Table types for Kysely. SQL is snake_case; the store maps rows to the camelCase port types. */
import type { Generated } from 'kysely';

export interface AssetsTable {
  id: Generated<number>;
  ref: string;
  kind: string;
  domain: string | null;
  name: string;
  uid: string | null;
  version: number;
  state: string;
  digest: string;
  title: string;
  description: string;
  updated_at: string;
  updated_by: string;
}

export interface VersionsTable {
  ref: string;
  version: number;
  kind: string;
  state: string;
  digest: string;
  doc: string | null;
  created_at: string;
  actor: string;
  action: string;
}

export interface RelationsTable {
  source: string;
  type: string;
  target: string;
  role: string;
}

export interface AuditTable {
  seq: number;
  time: string;
  actor: string;
  action: string;
  ref: string;
  version: number | null;
  before_digest: string | null;
  after_digest: string | null;
  details: string | null;
  prev_hash: string;
  hash: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface ApprovalsTable {
  id: string;
  type: string;
  ref: string;
  version: number;
  domain: string | null;
  requested_by: string;
  requested_at: string;
  approver_role: string;
  violations: string;
  state: string;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
  write: string | null;
}

export interface QualityRunsTable {
  id: string;
  ref: string;
  domain: string | null;
  contract_version: number;
  server: string | null;
  server_type: string | null;
  engine: string;
  status: string;
  message: string | null;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  actor: string;
  trigger: string;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  score: number | null;
  owners: string;
  stewards: string;
  statements: string;
  /** JSON RunScope of a partial run (some checks, filtered rows); null for a complete run. */
  scope: string | null;
}

export interface QualityResultsTable {
  run_id: string;
  position: number;
  check_id: string;
  table_name: string;
  field: string | null;
  category: string;
  type: string;
  name: string;
  dimension: string | null;
  severity: string | null;
  status: string;
  measured: string | null;
  unit: string;
  expected: string;
  message: string | null;
  duration_ms: number;
  engine: string;
  samples: string | null;
}

export interface QualityIncidentsTable {
  id: string;
  ref: string;
  domain: string | null;
  state: string;
  title: string;
  assignees: string;
  failing: string;
  opened_at: string;
  updated_at: string;
  resolved_at: string | null;
  last_run_id: string;
  runs: number;
  timeline: string;
}

export interface QualitySchedulesTable {
  ref: string;
  cron: string;
  source: string;
  next_due: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_run_at: string | null;
}

export interface TokensTable {
  id: string;
  principal: string;
  name: string;
  hash: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
}

export interface LineageBatchesTable {
  seq: number;
  received_at: string;
  actor: string;
  source: string;
  events: number;
  digest: string;
  /** The batch's events as sent, compressed (`z1:` + base64 of raw deflate of the texts joined by NUL). */
  body: string | null;
}

export interface LineageNodesTable {
  id: number;
  kind: string;
  namespace: string;
  name: string;
  first_seq: number;
  last_seq: number;
}

export interface LineageEventsTable {
  id: number;
  seq: number;
  position: number;
  event_kind: string;
  event_type: string | null;
  event_time: string;
  run_id: string | null;
  job_id: number | null;
  dataset_id: number | null;
  producer: string | null;
  notes: string;
  body: string;
}

export interface LineageEdgesTable {
  id: number;
  src: number;
  dst: number;
  kind: string;
  role: string | null;
  version: string | null;
  run_id: string | null;
  first_seq: number;
  seq: number;
}

export interface LineageFieldEdgesTable {
  id: number;
  dst: number;
  dst_field: string;
  src: number;
  src_field: string;
  job_id: number | null;
  transformations: string;
  protection: string | null;
  seq: number;
  /** 1 when the sender could write the dataset it leads into (see FieldEdgeRow.authorised). */
  authorised: number;
}

export interface LineageFacetsTable {
  node_id: number;
  name: string;
  seq: number;
  value: string;
}

export interface LineageConflictsTable {
  ref: string;
  field: string;
  declared: string | null;
  inherited: string;
  sources: string;
  detected_at: string;
}

export interface OutcomesTable {
  id: string;
  subject: string;
  domain: string | null;
  type: string;
  severity: string;
  summary: string;
  details: string | null;
  run_id: string | null;
  trace_id: string | null;
  occurred_at: string;
  recorded_at: string;
  actor: string;
  accountable: string;
  domains: string;
  trace: string;
}

export interface WebhooksTable {
  id: string;
  url: string;
  domain: string | null;
  events: string;
  secret: string;
  description: string;
  created_at: string;
  created_by: string;
}

export interface OutboxEventsTable {
  id: string;
  audit_seq: number;
  type: string;
  subject: string;
  domains: string;
  time: string;
  payload: string;
}

export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  webhook_id: string;
  state: string;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
}

export interface AiDecisionsTable {
  id: string;
  time: string;
  actor: string;
  dataset: string;
  dataset_version: number | null;
  use: string;
  subject: string | null;
  purpose: string | null;
  decision: string;
  body: string;
  audit_seq: number;
}

export interface Database {
  ai_decisions: AiDecisionsTable;
  tokens: TokensTable;
  approvals: ApprovalsTable;
  assets: AssetsTable;
  versions: VersionsTable;
  relations: RelationsTable;
  audit_log: AuditTable;
  meta: MetaTable;
  quality_runs: QualityRunsTable;
  quality_results: QualityResultsTable;
  quality_incidents: QualityIncidentsTable;
  quality_schedules: QualitySchedulesTable;
  lineage_batches: LineageBatchesTable;
  lineage_nodes: LineageNodesTable;
  lineage_events: LineageEventsTable;
  lineage_edges: LineageEdgesTable;
  lineage_field_edges: LineageFieldEdgesTable;
  lineage_facets: LineageFacetsTable;
  lineage_conflicts: LineageConflictsTable;
  outcomes: OutcomesTable;
  webhooks: WebhooksTable;
  outbox_events: OutboxEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
