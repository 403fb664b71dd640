/** The storage port for API tokens: only a hash of each secret is ever stored. */
import type { AuditHead, AuditRecord } from './catalog-store.js';

export interface TokenRow {
  id: string;
  principal: string;
  name: string;
  /** SHA-256 of the secret, hex. */
  hash: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface TokenWriter {
  insert(row: TokenRow): Promise<void>;
  revoke(id: string, actor: string, time: string): Promise<boolean>;
  auditHead(): Promise<AuditHead>;
  appendAudit(records: readonly AuditRecord[]): Promise<void>;
}

export interface TokenStore {
  write<T>(fn: (writer: TokenWriter) => Promise<T>): Promise<T>;
  get(id: string): Promise<TokenRow | undefined>;
  list(principal?: string): Promise<TokenRow[]>;
}
