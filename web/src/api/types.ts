/**
 * The shapes of the REST API answers the UI reads (docs/api.md, /openapi.json). Written here rather
 * than imported from the server so the UI depends on the published API, not on server internals.
 */

export interface Asset {
  ref: string;
  kind: string;
  domain: string | null;
  name: string;
  uid?: string | null;
  version: number;
  state: 'live' | 'deleted' | 'pending';
  digest: string;
  title: string;
  description: string;
  updatedAt: string;
  updatedBy: string;
}

/** An asset as lists carry it: with its owners and stewards (declared, else its domain's). */
export interface AssetListItem extends Asset {
  owners: string[];
  stewards: string[];
}

export type Json = Record<string, unknown>;

export interface Principal {
  ref: string;
  title: string;
  /** `declared`, or the ref of the domain it is inherited from. */
  source: string;
}

export interface Field {
  ref: string;
  position: number;
  path: string;
  docPath: string;
  table: string;
  name: string;
  logicalType?: string;
  physicalType?: string;
  classification?: string;
  description?: string;
  required?: boolean;
  tags: string[];
  terms: string[];
}

export interface Version {
  ref: string;
  version: number;
  kind: string;
  state: 'live' | 'deleted' | 'pending' | 'rejected' | 'superseded';
  digest: string;
  createdAt: string;
  actor: string;
  action: string;
}

export interface Relation {
  type: string;
  ref: string;
  role?: string;
}

export interface Description {
  asset: Asset;
  doc: Json;
  owners: Principal[];
  stewards: Principal[];
  roles: Record<string, Principal[]>;
  domainPath: string[];
  fields: Field[];
  glossary: { ref: string; title: string; definition: string }[];
  relations: Relation[];
  versions: Version[];
  /** A model's or application's inputs, as the AI-use gate answers for each link's role now. */
  inputsGate?: InputGate[];
}

export interface InputGate {
  index: number;
  dataset: string;
  use: string;
  decision: 'allow' | 'deny' | 'restricted';
  reasons: { check: string; message: string; fix: string }[];
  /** The change that turned this link to its answer now, when one did since the system was applied. */
  since?: {
    time: string;
    actor: string;
    auditSeq: number;
    datasetVersion: number | null;
    qualityRun?: string;
  };
}

export interface FieldChange {
  field: string;
  change: 'added' | 'removed' | 'changed';
  attributes?: Record<string, [unknown, unknown]>;
  typeChanged?: boolean;
  classificationChanged?: boolean;
}

export interface PathChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

export interface Diff {
  ref: string;
  from: number;
  to: number;
  fields: FieldChange[];
  changes: PathChange[];
}

export interface SearchHit {
  ref: string;
  kind: string;
  domain: string | null;
  title: string;
  description: string;
  score: number;
  /** An excerpt with the matched words between « and ». */
  match: string;
}

export interface StatRow {
  kind: string;
  domain: string | null;
  count: number;
}

export interface Violation {
  policy: string;
  enforcement: string;
  asset: string;
  path: string;
  field?: string;
  message: string;
  remediation?: string;
  error?: string;
  waivedBy?: string;
}

export interface ComplianceCounts {
  assets: number;
  passing: number;
  failing: number;
  waived: number;
}

export interface ComplianceReport {
  evaluatedAt: string;
  policies: number;
  totals: ComplianceCounts;
  byDomain: ({ domain: string } & ComplianceCounts)[];
  byOwner: ({ owner: string } & ComplianceCounts)[];
  byPolicy: {
    policy: string;
    enforcement: string;
    source: string;
    matched: number;
    failing: number;
    waived: number;
    errors: number;
  }[];
  failing: {
    asset: string;
    domain: string | null;
    owners: string[];
    stewards: string[];
    violations: Violation[];
  }[];
  /** Which part of the list of failing assets `failing` holds (`limit` null: all of it). */
  page: { offset: number; limit: number | null; total: number };
  /** Set when the audit log moved on during the sweep: a write landed while the assets were read. */
  changedDuring?: { fromSeq: number; toSeq: number };
}

export interface ExplainEntry {
  policy: string;
  source: string;
  enforcement: string;
  scope: string;
  description: string;
  applies?: boolean;
  result?: 'pass' | 'fail' | 'waived';
  violations?: Violation[];
}

export interface Explain {
  subject: string;
  domain: string | null;
  policies: ExplainEntry[];
}

export interface Approval {
  id: string;
  type: 'change' | 'waiver';
  ref: string;
  version: number;
  domain: string | null;
  requestedBy: string;
  requestedAt: string;
  approverRole: string;
  violations: Violation[];
  state: 'open' | 'approved' | 'rejected' | 'superseded';
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
}

export interface Waiver {
  ref: string;
  policy: string;
  asset: string;
  field?: string;
  reason: string;
  expires: string;
  requestedBy: string;
  state: 'requested' | 'active' | 'expired' | 'rejected';
  decidedBy: string | null;
}

export type CheckStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface CheckResult {
  id: string;
  table: string;
  field?: string;
  category: string;
  type: string;
  name: string;
  dimension?: string;
  severity?: string;
  status: CheckStatus;
  measured: number | string | null;
  unit: string;
  expected: string;
  message?: string;
  durationMs: number;
}

export interface RunSummary {
  id: string;
  ref: string;
  domain: string | null;
  contractVersion: number;
  status: 'passed' | 'failed' | 'error';
  server: string | null;
  engine: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  message?: string;
  trigger: string;
  actor: string;
  counts: Record<CheckStatus, number>;
  score: number | null;
  owners: string[];
  stewards: string[];
}

export interface QualityRun extends RunSummary {
  checks: CheckResult[];
}

export interface QualityReport {
  ref: string;
  kind: string;
  score: number | null;
  datasets: { ref: string; score: number | null; status: string | null; checkedAt: string | null }[];
  trend?: RunSummary[];
  failing?: {
    id: string;
    status: CheckStatus;
    name: string;
    measured: unknown;
    expected: string;
    message?: string;
  }[];
}

export interface Incident {
  id: string;
  ref: string;
  domain: string | null;
  state: 'open' | 'resolved';
  title: string;
  assignees: string[];
  failing: {
    id: string;
    status: CheckStatus;
    name: string;
    measured: unknown;
    expected: string;
    message?: string;
  }[];
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  runs: number;
  /** What runs did to it and what people answered (`acknowledged`, `note`), oldest first. */
  timeline?: {
    time: string;
    action: 'opened' | 'updated' | 'resolved' | 'acknowledged' | 'note';
    actor: string;
    note?: string;
  }[];
}

/** GET /api/v1/scorecards (when the server has it): per domain and owner. */
export interface ScorecardRow {
  key: string;
  title: string;
  assets: number;
  datasets: number;
  products: number;
  withOwnerAndSteward: number;
  described: number;
  classified: number;
  qualityChecked: number;
  passingQuality: number;
  openIncidents: number;
  models?: number;
  apps?: number;
  /** AI outcomes traced to them (those the reader may see). */
  outcomes?: number;
  score: number | null;
}

export interface Scorecards {
  at: string;
  domains: ScorecardRow[];
  owners: ScorecardRow[];
  /** The same counts over the assets each user or team stewards. */
  stewards: ScorecardRow[];
}

/** An AI outcome as GET /outcomes lists it (the trace stored with it is read through /trace/outcome:ID). */
export interface Outcome {
  id: string;
  subject: string;
  type: string;
  severity: string;
  summary: string;
  details: Record<string, unknown> | null;
  runId: string | null;
  traceId: string | null;
  occurredAt: string;
  recordedAt: string;
  actor: string;
  domains: string[];
  /** Who is accountable, as the caller may see the stored trace. */
  accountable: { ref: string; title: string; why?: string[] }[];
}
