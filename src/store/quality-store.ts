/**
 * The storage port of data quality: runs with their per-check results, incidents, and the schedule
 * table whose leases make each due run happen once across several servers. A run, the incident it
 * opens, updates or resolves, and their audit records are written in one transaction.
 */
import type { Incident, QualityRun, RunSummary } from '../quality/quality-types.js';
import type { AuditHead, AuditRecord } from './catalog-store.js';

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
  /** The newest run of each of these datasets (all datasets when refs is undefined). */
  latestRuns(refs?: readonly string[]): Promise<RunSummary[]>;
  incidents(filter: IncidentFilter): Promise<Incident[]>;
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
