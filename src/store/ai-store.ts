/** The storage port of the AI capability: recorded AI-use decisions, written with their audit record. */
import type { AuditHead, AuditRecord } from './catalog-store.js';

export interface AiDecisionRow {
  id: string;
  time: string;
  actor: string;
  dataset: string;
  datasetVersion: number | null;
  use: string;
  subject: string | null;
  purpose: string | null;
  decision: 'allow' | 'deny';
  /** The whole decision as JSON (reasons, checks, what would change the answer). */
  body: Record<string, unknown>;
  auditSeq: number;
}

export interface AiWriter {
  insertDecision(row: AiDecisionRow): Promise<void>;
  auditHead(): Promise<AuditHead>;
  appendAudit(records: readonly AuditRecord[]): Promise<void>;
}

export interface AiDecisionFilter {
  dataset?: string;
  /** Only datasets among these (access filtering); undefined means all. */
  datasets?: readonly string[];
  limit?: number;
}

export interface AiStore {
  write<T>(fn: (writer: AiWriter) => Promise<T>): Promise<T>;
  decisions(filter: AiDecisionFilter): Promise<AiDecisionRow[]>;
  decision(id: string): Promise<AiDecisionRow | undefined>;
  /** Calls the listener when this process writes anything but a decision (to drop cached facts). */
  onChange?(listener: () => void): void;
}
