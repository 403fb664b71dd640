/**
 * The storage port of the catalog: what the apply pipeline, the reads and the audit log need from
 * a database, and nothing about which database it is. `SqlStore` implements it on SQLite and
 * PostgreSQL; one contract test suite runs against both.
 */
import type { FieldInfo, SearchText } from '../model/kinds/kind.js';

export type AssetState = 'live' | 'deleted' | 'pending';
export type VersionState = 'live' | 'deleted' | 'pending' | 'rejected' | 'superseded';

export interface AssetRow {
  ref: string;
  kind: string;
  domain: string | null;
  name: string;
  uid: string | null;
  version: number;
  state: AssetState;
  digest: string;
  title: string;
  description: string;
  updatedAt: string;
  updatedBy: string;
}

export interface AssetWithDoc extends AssetRow {
  doc: Record<string, unknown>;
}

export interface VersionRow {
  ref: string;
  version: number;
  kind: string;
  state: VersionState;
  digest: string;
  createdAt: string;
  actor: string;
  action: string;
}

export interface VersionWithDoc extends VersionRow {
  doc: Record<string, unknown> | null;
}

export interface RelationRow {
  source: string;
  type: string;
  target: string;
  role: string | null;
}

export interface FieldRow extends FieldInfo {
  ref: string;
  position: number;
}

export interface SearchQuery {
  /** Only assets in these domains, org-wide assets and domains themselves (access control). */
  readableDomains?: string[];
  text: string;
  kind?: string;
  domain?: string;
  /** Only assets this principal owns or stewards, declared or inherited. */
  accountable?: AccountableFilter;
  limit: number;
}

export interface SearchHit {
  ref: string;
  kind: string;
  domain: string | null;
  title: string;
  description: string;
  score: number;
  /** A short excerpt with the matched words between « and ». */
  match: string;
}

export interface AssetFilter {
  /** Only assets in these domains, org-wide assets and domains themselves (access control). */
  readableDomains?: string[];
  kind?: string;
  name?: string;
  domain?: string;
  includeDeleted?: boolean;
  /** Only assets this principal owns or stewards, declared or inherited (see AccountableFilter). */
  accountable?: AccountableFilter;
  limit?: number;
  offset?: number;
}

/**
 * A principal's assets, declared or inherited: an asset is theirs when it names them as owner or
 * steward, or names no owner (steward) and its domain's owners (stewards), declared on it or up
 * its chain, include them. The caller works out the domains, which are few.
 */
export interface AccountableFilter {
  principal: string;
  /** Names of the domains whose owners, declared or inherited, include the principal. */
  ownerDomains: readonly string[];
  /** Names of the domains whose stewards, declared or inherited, include the principal. */
  stewardDomains: readonly string[];
}

/** One accepted change, fully prepared by the pipeline. */
export interface AssetWrite {
  /** `pending` writes only the version (and an asset row if there is none): the live version stays. */
  ref: string;
  kind: string;
  domain: string | null;
  name: string;
  uid: string | null;
  version: number;
  state: AssetState;
  digest: string;
  doc: Record<string, unknown> | null;
  title: string;
  description: string;
  action: string;
  search: SearchText | null;
  relations: { type: string; target: string; role?: string }[];
}

export interface AuditRecord {
  seq: number;
  time: string;
  actor: string;
  action: string;
  ref: string;
  version: number | null;
  beforeDigest: string | null;
  afterDigest: string | null;
  details: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

export interface AuditHead {
  seq: number;
  hash: string;
}

export interface AuditFilter {
  ref?: string;
  actor?: string;
  /** Only records of these actions. */
  actions?: readonly string[];
  afterSeq?: number;
  limit?: number;
  /** Newest first (default: oldest first). */
  newestFirst?: boolean;
}

export interface CurrentVersion {
  version: number;
  digest: string;
  state: AssetState;
  /** Highest version number ever written (pending versions included). */
  latest: number;
}

export type ApprovalState = 'open' | 'approved' | 'rejected' | 'superseded';

export interface ApprovalRow {
  id: string;
  /** `change` (a pending version) or `waiver` (a waiver awaiting the data office). */
  type: 'change' | 'waiver';
  ref: string;
  version: number;
  domain: string | null;
  requestedBy: string;
  requestedAt: string;
  approverRole: string;
  violations: unknown[];
  state: ApprovalState;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  /** The prepared write a `change` approval makes live. */
  write: Omit<AssetWrite, 'doc'> | null;
}

export interface ApprovalFilter {
  state?: ApprovalState;
  ref?: string;
  type?: 'change' | 'waiver';
  id?: string;
  limit?: number;
}

/** Writes happen inside one transaction that holds the catalog's write lock. */
export interface CatalogWriter {
  /** Current version, digest and state of the given refs, read under the write lock. */
  current(refs: readonly string[]): Promise<Map<string, CurrentVersion>>;
  /** Live assets carrying one of these ODCS/ODPS ids. */
  findByUid(uids: readonly string[]): Promise<Map<string, string>>;
  /** Live assets among these refs (including those written earlier in this transaction). */
  existing(refs: readonly string[]): Promise<Set<string>>;
  /** Relations of these assets as currently stored. */
  relationsOf(refs: readonly string[]): Promise<RelationRow[]>;
  /** Live assets whose relations point at these refs (who would dangle if they went). */
  referrers(refs: readonly string[]): Promise<RelationRow[]>;
  put(writes: readonly AssetWrite[], time: string, actor: string): Promise<void>;
  auditHead(): Promise<AuditHead>;
  appendAudit(records: readonly AuditRecord[]): Promise<void>;
  putApprovals(rows: readonly ApprovalRow[]): Promise<void>;
  approvals(filter: ApprovalFilter): Promise<ApprovalRow[]>;
  decideApproval(
    id: string,
    state: ApprovalState,
    actor: string,
    time: string,
    reason: string | null,
  ): Promise<void>;
  /** Makes a pending version live (approval): asset pointer, derived rows, version state. */
  promote(write: AssetWrite, time: string, actor: string): Promise<void>;
}

/**
 * How another thread opens a connection of its own to the same database: plain data a worker
 * thread can be sent. The PostgreSQL URL may carry a password: it goes to the worker and nowhere
 * else (never into a log, an error or a report).
 */
export type ReadConnection = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };

export interface CatalogStore {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * How a worker thread reaches this same database to read it (compliance sweeps); undefined when
   * it cannot: an in-memory SQLite database exists only inside this thread's connection.
   */
  readonly readConnection?: ReadConnection | undefined;
  write<T>(fn: (writer: CatalogWriter) => Promise<T>): Promise<T>;

  getAsset(ref: string): Promise<AssetWithDoc | undefined>;
  getAssets(refs: readonly string[]): Promise<AssetWithDoc[]>;
  listAssets(filter: AssetFilter): Promise<AssetRow[]>;
  /** Live assets with their documents, in a stable order, page by page (export, re-evaluation). */
  scanAssets(filter: AssetFilter): Promise<AssetWithDoc[]>;
  countAssets(): Promise<{ kind: string; domain: string | null; count: number }[]>;
  versions(ref: string): Promise<VersionRow[]>;
  /**
   * Each of these assets' version in effect at `time` (ISO 8601 UTC): its newest version stored by
   * then, or, for one that waited for approval, approved by then. One not yet in effect, or deleted
   * then (its newest version by then a tombstone), is left out.
   */
  versionsAt(refs: readonly string[], time: string): Promise<Map<string, number>>;
  version(ref: string, version: number): Promise<VersionWithDoc | undefined>;
  /** Every stored version with its document, in (ref, version) order, the page after `after`. */
  scanVersions(options: {
    after?: { ref: string; version: number };
    limit: number;
  }): Promise<VersionWithDoc[]>;
  relationsFrom(ref: string): Promise<RelationRow[]>;
  /** Relations of these assets (of these types only, when given), by source, type and target. */
  relationsOf(refs: readonly string[], types?: readonly string[]): Promise<RelationRow[]>;
  relationsTo(ref: string): Promise<RelationRow[]>;
  search(query: SearchQuery): Promise<SearchHit[]>;

  approvals(filter: ApprovalFilter): Promise<ApprovalRow[]>;
  auditRecords(filter: AuditFilter): Promise<AuditRecord[]>;
  /** Sequence numbers and refs of the records after `afterSeq`, oldest first: what changed, cheaply. */
  auditRefs(filter: {
    afterSeq: number;
    limit: number;
  }): Promise<{ seq: number; ref: string; action: string }[]>;
  auditHead(): Promise<AuditHead>;

  close(): Promise<void>;
}
