/**
 * The storage port of data quality: runs with their per-check results, incidents, and the schedule
 * table whose leases make each due run happen once across several servers. A run, the incident it
 * opens, updates or resolves, and their audit records are written in one transaction.
 */
import type { AuditHead, AuditRecord } from './catalog-store.js';

/* The records of data quality; src/quality/quality-types.ts re-exports them. */

export type CheckStatus = 'passed' | 'failed' | 'error' | 'skipped';
/** `error` means the data could not be reached or the server type is not supported. */
export type RunStatus = 'passed' | 'failed' | 'error';
export type CheckCategory = 'schema' | 'quality' | 'sla';

export interface FailedSample {
  /** Column name → value; values of confidential (or higher) columns are masked as "***". */
  [column: string]: unknown;
}

export interface CheckResult {
  id: string;
  table: string;
  field?: string;
  category: CheckCategory;
  type: string;
  name: string;
  dimension?: string;
  severity?: string;
  status: CheckStatus;
  /** The measured number (rows, percent or seconds), or null when nothing was measured. */
  measured: number | string | null;
  unit: 'rows' | 'percent' | 'seconds';
  /** Human-readable expectation, e.g. "= 0 rows" or "between 10 and 100 rows". */
  expected: string;
  /** Why the check failed, errored or was skipped. */
  message?: string;
  durationMs: number;
  engine: string;
  samples?: FailedSample[];
}

export interface TableTiming {
  table: string;
  statements: number;
  durationMs: number;
}

/**
 * What a partial run covered: the checks asked for (by id or name, dimension, tag) and the row
 * filters applied (table → SQL condition). A run without a scope checked everything.
 */
export interface RunScope {
  checks?: string[];
  dimensions?: string[];
  tags?: string[];
  filters?: Record<string, string>;
}

/** What one contract's checks found on one server, before it is stored. */
export interface ContractRunResult {
  status: RunStatus;
  server: string | null;
  serverType: string | null;
  engine: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  message?: string;
  checks: CheckResult[];
  /** The SQL statements that were run, in order (for `--explain` and the benchmark). */
  statements: string[];
  /** Present when only some checks ran or rows were filtered; such a run does not set the score. */
  scope?: RunScope;
}

/** A stored run: one dataset, one contract version, one server. */
export interface QualityRun extends ContractRunResult {
  id: string;
  ref: string;
  domain: string | null;
  contractVersion: number;
  actor: string;
  trigger: 'manual' | 'schedule' | 'api';
  counts: Record<CheckStatus, number>;
  /** Severity-weighted share of passing checks, 0..100; null when nothing was executed. */
  score: number | null;
  owners: string[];
  stewards: string[];
  /**
   * Set on a run read by a caller whose clearance is below the dataset's classification: why its
   * failing-row samples were left out. Never stored.
   */
  samplesWithheld?: string;
}

export type RunSummary = Omit<QualityRun, 'checks' | 'statements' | 'samplesWithheld'>;

export interface IncidentEvent {
  time: string;
  /**
   * What a run did to it (`opened`, `updated`, `resolved`), or what a person answered
   * (`acknowledged`: they are on it; `note`: what they found or did), with `note`.
   */
  action: 'opened' | 'updated' | 'resolved' | 'acknowledged' | 'note';
  /** The run that did it; for an answer, the incident's latest run when it was given. */
  runId: string;
  actor: string;
  /** The ids of the checks failing then. */
  failing: string[];
  /** An answer's text. */
  note?: string;
}

export interface FailingCheck {
  id: string;
  status: CheckStatus;
  name: string;
  measured: number | string | null;
  expected: string;
  message?: string;
}

export interface Incident {
  id: string;
  ref: string;
  domain: string | null;
  state: 'open' | 'resolved';
  title: string;
  assignees: string[];
  failing: FailingCheck[];
  openedAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  lastRunId: string;
  runs: number;
  timeline: IncidentEvent[];
}

export interface QualityWriter {
  /** The dataset's open incident, read under the write lock. */
  openIncident(ref: string): Promise<Incident | undefined>;
  insertRun(run: QualityRun): Promise<void>;
  /** Inserts or replaces an incident by id. */
  saveIncident(incident: Incident): Promise<void>;
  auditHead(): Promise<AuditHead>;
  appendAudit(records: readonly AuditRecord[]): Promise<void>;
}

export interface RunFilter {
  ref?: string;
  limit?: number;
}

export interface IncidentFilter {
  state?: 'open' | 'resolved';
  domains?: readonly string[];
  assignee?: string;
  ref?: string;
  /** Incidents whose id starts with this (the short ids lists show). */
  idPrefix?: string;
  limit?: number;
}

export interface ScheduleEntry {
  ref: string;
  cron: string;
  /** `contract` (its quality rules' schedule) or `domain:NAME` (the domain's label). */
  source: string;
}

export interface ScheduleRow extends ScheduleEntry {
  nextDue: string;
  leaseOwner: string | null;
  leaseUntil: string | null;
  lastRunAt: string | null;
}

export interface QualityStore {
  write<T>(fn: (writer: QualityWriter) => Promise<T>): Promise<T>;
  runs(filter: RunFilter): Promise<RunSummary[]>;
  run(id: string): Promise<QualityRun | undefined>;
  /**
   * The newest complete run (no scope) of each of these datasets (all datasets when refs is
   * undefined); with `finishedBy`, the newest that had finished by then (the status known at that time).
   */
  latestRuns(refs?: readonly string[], options?: { finishedBy?: string }): Promise<RunSummary[]>;
  incidents(filter: IncidentFilter): Promise<Incident[]>;
  /** How many incidents are open, per domain (null: an org-wide dataset). */
  openIncidentCounts(): Promise<{ domain: string | null; count: number }[]>;
  incident(id: string): Promise<Incident | undefined>;

  /** Makes the schedule table match these entries; `firstDue` gives a new or changed entry's next time. */
  syncSchedules(entries: readonly ScheduleEntry[], firstDue: (cron: string) => string): Promise<void>;
  schedules(): Promise<ScheduleRow[]>;
  /**
   * Leases up to `limit` due datasets whose lease is free or expired. Each lease is taken by exactly
   * one caller (row locks with SKIP LOCKED where the database has them, else its write lock).
   */
  claimDue(now: string, owner: string, leaseUntil: string, limit: number): Promise<ScheduleRow[]>;
  /** Ends a lease held by `owner` and sets the next due time. */
  finishDue(ref: string, owner: string, nextDue: string, ranAt: string): Promise<void>;
}
