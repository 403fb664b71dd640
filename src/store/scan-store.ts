/**
 * The storage port of scan suggestions: what a PII scan proposed for a field (categories with match
 * rates and confidences, a classification, tags), kept for a steward to accept or dismiss. Counts
 * and rates only: a sampled value never reaches this port.
 */
import type { AuditHead, AuditRecord } from './catalog-store.js';

export type SuggestionState = 'open' | 'accepted' | 'dismissed' | 'superseded';

export interface ScanSuggestionRow {
  id: string;
  ref: string;
  /** `table.column` of the contract's schema. */
  path: string;
  /** The contract version the scan read. */
  datasetVersion: number;
  time: string;
  actor: string;
  state: SuggestionState;
  proposedClassification: string | null;
  currentClassification: string | null;
  proposedTags: string[];
  /** The detections behind the proposal and how many values were sampled (no values). */
  evidence: {
    sampled: number;
    hints: string[];
    detections: { category: string; pd: string; matchRate: number; confidence: number }[];
  };
  decidedBy: string | null;
  decidedAt: string | null;
  /** The contract version an accepted suggestion became. */
  acceptedVersion: number | null;
  auditSeq: number;
}

export interface ScanSuggestionFilter {
  ref?: string;
  state?: SuggestionState;
  limit?: number;
}

export interface ScanWriter {
  insertSuggestions(rows: readonly ScanSuggestionRow[]): Promise<void>;
  /** Open suggestions of these fields of a dataset (a new scan supersedes them). */
  openSuggestions(ref: string, paths: readonly string[]): Promise<ScanSuggestionRow[]>;
  setState(
    id: string,
    change: {
      state: SuggestionState;
      decidedBy: string | null;
      decidedAt: string | null;
      acceptedVersion?: number | null;
    },
  ): Promise<void>;
  auditHead(): Promise<AuditHead>;
  appendAudit(records: readonly AuditRecord[]): Promise<void>;
}

export interface ScanStore {
  write<T>(fn: (writer: ScanWriter) => Promise<T>): Promise<T>;
  suggestions(filter: ScanSuggestionFilter): Promise<ScanSuggestionRow[]>;
  suggestion(id: string): Promise<ScanSuggestionRow | undefined>;
}
