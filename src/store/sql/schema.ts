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

export interface FieldsTable {
  ref: string;
  position: number;
  path: string;
  doc_path: string;
  table_name: string;
  name: string;
  logical_type: string | null;
  physical_type: string | null;
  classification: string | null;
  description: string | null;
  required: number | null;
  tags: string;
  terms: string;
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

export interface Database {
  approvals: ApprovalsTable;
  assets: AssetsTable;
  versions: VersionsTable;
  fields: FieldsTable;
  relations: RelationsTable;
  audit_log: AuditTable;
  meta: MetaTable;
  quality_runs: QualityRunsTable;
  quality_results: QualityResultsTable;
  quality_incidents: QualityIncidentsTable;
  quality_schedules: QualitySchedulesTable;
}
