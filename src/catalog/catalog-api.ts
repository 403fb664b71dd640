/**
 * The catalog's operations as one interface. The local catalog implements it over a store; the
 * HTTP client implements it over the REST API, so the CLI works the same against either.
 */

import type { VerifyResult } from '../audit/audit-chain.js';
import type { AssetRow, AuditRecord, FieldRow, SearchHit, VersionRow } from '../store/catalog-store.js';
import type { ApplyResult } from './apply.js';
import type { FieldChange, PathChange } from './diff.js';
import type { SourceDoc } from './parse.js';

export interface PrincipalRef {
  ref: string;
  title: string;
  /** `declared` on the asset, or the ref of the domain it is inherited from. */
  source: string;
}

/**
 * An asset in a list, with the people accountable for it: its owners and stewards as `describe`
 * shows them (declared on it, else those of the nearest domain up its chain that declares them).
 */
export interface AssetListItem extends AssetRow {
  owners: string[];
  stewards: string[];
}

export interface RelationView {
  type: string;
  ref: string;
  role?: string;
}

/** A contract field's classification as declared and as inherited along column lineage. */
export interface FieldClassificationView {
  path: string;
  declared: string | null;
  inherited: string | null;
  /** Upstream fields the inherited level comes from. */
  from: string[];
  /** Upstream fields not passed on because of a protecting transformation. */
  protectedBy: { from: string; protection: string }[];
  declaredProtection?: string;
  /** Declares less than it inherits, with no protection declared. */
  conflict: boolean;
}

export interface Description {
  asset: AssetRow;
  doc: Record<string, unknown>;
  owners: PrincipalRef[];
  stewards: PrincipalRef[];
  roles: Record<string, PrincipalRef[]>;
  domainPath: string[];
  fields: FieldRow[];
  glossary: { ref: string; title: string; definition: string }[];
  relations: RelationView[];
  versions: VersionRow[];
  /** Contracts, when lineage is on: declared and inherited classification per field. */
  classification?: FieldClassificationView[];
  /** Models and applications: the AI-use gate's answer now for each dataset they declare as an input. */
  inputsGate?: InputGateView[];
}

/**
 * What the AI-use gate answers for one input link of a model or application, asked for the link's
 * role as the use (not recorded as a decision). `restricted`: the caller may not read the dataset,
 * so no reason is shown.
 */
export interface InputGateView {
  /** The link's index in `spec.inputs`. */
  index: number;
  dataset: string;
  use: string;
  decision: 'allow' | 'deny' | 'restricted';
  reasons: { check: string; message: string; fix: string }[];
  /**
   * The change that turned this link to its answer now, when one did since the system was applied
   * (its `ai.input.refused` or `ai.input.allowed` audit record): when, by whom, the dataset's
   * version then and the quality run, if a run turned it. Absent for a restricted link.
   */
  since?: InputGateTurn;
}

export interface InputGateTurn {
  time: string;
  actor: string;
  auditSeq: number;
  datasetVersion: number | null;
  qualityRun?: string;
}

export interface DiffResult {
  ref: string;
  from: number;
  to: number;
  fields: FieldChange[];
  changes: PathChange[];
}

export interface ListOptions {
  domain?: string;
  name?: string;
  /** Only assets this user or team owns or stewards (declared, or inherited from the domain). */
  owner?: string;
  limit?: number;
  offset?: number;
}

export interface ApplyRequest {
  docs: SourceDoc[];
  problems?: { source: string; index: number; line?: number; message: string }[];
  dryRun?: boolean;
  defaultDomain?: string;
  /**
   * Optimistic concurrency: the version each ref is expected to be at now (0 = must not exist yet).
   * A mismatch refuses the whole apply with a ConflictError (HTTP 409), storing nothing.
   */
  expectedVersions?: Record<string, number>;
}

export interface ExportOptions {
  withHistory?: boolean;
  kind?: string;
  domain?: string;
}

/** A full backup: every version of every asset and the audit log, verbatim. */
export interface CatalogBackup {
  apiVersion: 'charter/v1';
  kind: 'CatalogBackup';
  exportedAt: string;
  versions: (VersionRow & { domain: string | null; name: string; doc: Record<string, unknown> | null })[];
  audit: AuditRecord[];
}

export interface CatalogApi {
  apply(request: ApplyRequest): Promise<ApplyResult>;
  list(kind: string, options: ListOptions): Promise<AssetListItem[]>;
  get(ref: string): Promise<{ asset: AssetRow; doc: Record<string, unknown> }>;
  describe(ref: string): Promise<Description>;
  history(ref: string): Promise<VersionRow[]>;
  diff(ref: string, from?: number, to?: number): Promise<DiffResult>;
  remove(ref: string): Promise<{ ref: string; version: number; status: 'deleted' }>;
  search(
    query: string,
    options: { kind?: string; domain?: string; owner?: string; limit?: number },
  ): Promise<SearchHit[]>;
  auditLog(options: { ref?: string; limit?: number; afterSeq?: number }): Promise<AuditRecord[]>;
  auditVerify(): Promise<VerifyResult>;
  exportDocs(options: ExportOptions): Promise<Record<string, unknown>[]>;
  exportBackup(): Promise<CatalogBackup>;
  importBackup(backup: CatalogBackup): Promise<{ versions: number; audit: number }>;
  stats(): Promise<{ kind: string; domain: string | null; count: number }[]>;
}
