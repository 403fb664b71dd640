/**
 * The hash-chained audit log: every record carries the hash of the one before it and its own hash
 * over its content, so changing, removing or reordering any record breaks the chain.
 */

import type { AuditHead, AuditRecord } from '../store/catalog-store.js';
import { canonicalJson, sha256 } from './digest.js';

/**
 * What one audit record says. An entry about no stored version (a token, a webhook, a decision)
 * leaves out the version and the digests: they are recorded as null.
 */
export interface AuditEntry {
  actor: string;
  action: string;
  ref: string;
  version?: number | null;
  beforeDigest?: string | null;
  afterDigest?: string | null;
  details?: Record<string, unknown> | null;
}

/** Where audit records are appended: a store's writer, inside the transaction of the change. */
export interface AuditSink {
  auditHead(): Promise<AuditHead>;
  appendAudit(records: readonly AuditRecord[]): Promise<void>;
}

export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  const { seq, time, actor, action, ref, version, beforeDigest, afterDigest, details, prevHash } = record;
  return sha256(
    canonicalJson({ seq, time, actor, action, ref, version, beforeDigest, afterDigest, details, prevHash }),
  );
}

/** Chains new entries onto the head; returns the records to append. */
export function chain(head: AuditHead, entries: readonly AuditEntry[], time: string): AuditRecord[] {
  const out: AuditRecord[] = [];
  let prev = head;
  for (const entry of entries) {
    const body = {
      seq: prev.seq + 1,
      time,
      actor: entry.actor,
      action: entry.action,
      ref: entry.ref,
      version: entry.version ?? null,
      beforeDigest: entry.beforeDigest ?? null,
      afterDigest: entry.afterDigest ?? null,
      details: entry.details ?? null,
      prevHash: prev.hash,
    };
    const record = { ...body, hash: hashRecord(body) };
    out.push(record);
    prev = { seq: record.seq, hash: record.hash };
  }
  return out;
}

/**
 * Appends entries to the log within the writer's transaction (so they land with the change or not
 * at all), all at one time; returns the records appended.
 */
export async function appendEntries(
  sink: AuditSink,
  time: string,
  entries: readonly AuditEntry[],
): Promise<AuditRecord[]> {
  if (!entries.length) return [];
  const records = chain(await sink.auditHead(), entries, time);
  await sink.appendAudit(records);
  return records;
}

export interface VerifyResult {
  intact: boolean;
  records: number;
  /** First sequence number at which the chain is broken. */
  brokenAt?: number;
  /** A stored version that no longer matches what the audit log says was written (`REF@VERSION`). */
  brokenVersion?: string;
  /** Stored versions checked against the log (verify-store.ts). */
  versions?: number;
  reason?: string;
}

/**
 * Verifies records page by page; `next(afterSeq)` returns the following page (empty at the end).
 * The stored head guards the tail: removing the last records is detected too.
 */
export async function verifyChain(
  next: (afterSeq: number) => Promise<AuditRecord[]>,
  head: AuditHead,
  /** Sees every record of an intact prefix (to check what the records vouch for). */
  visit?: (record: AuditRecord) => void,
): Promise<VerifyResult> {
  let expectedSeq = 1;
  let prevHash = '0'.repeat(64);
  let count = 0;
  for (let page = await next(0); page.length; page = await next(expectedSeq - 1)) {
    for (const record of page) {
      if (record.seq !== expectedSeq) {
        return {
          intact: false,
          records: count,
          brokenAt: expectedSeq,
          reason: `record ${expectedSeq} is missing`,
        };
      }
      if (record.prevHash !== prevHash) {
        return {
          intact: false,
          records: count,
          brokenAt: record.seq,
          reason: `record ${record.seq} does not follow record ${record.seq - 1} (reordered or replaced)`,
        };
      }
      if (hashRecord(record) !== record.hash) {
        return {
          intact: false,
          records: count,
          brokenAt: record.seq,
          reason: `record ${record.seq} was changed`,
        };
      }
      visit?.(record);
      prevHash = record.hash;
      expectedSeq += 1;
      count += 1;
    }
  }
  if (head.seq < 0) {
    return {
      intact: false,
      records: count,
      brokenAt: count + 1,
      reason: 'the audit head is unreadable: it was changed outside Charter',
    };
  }
  if (head.seq !== count) {
    return {
      intact: false,
      records: count,
      brokenAt: count + 1,
      reason:
        head.seq > count
          ? `the log ends at record ${count} but its head says ${head.seq}: records were removed from the end`
          : `the log goes on to record ${count} but its head says ${head.seq}: the head was changed outside Charter`,
    };
  }
  if (count > 0 && head.hash !== prevHash) {
    return {
      intact: false,
      records: count,
      brokenAt: count,
      reason: `the audit head's hash is not record ${count}'s: the last record was replaced or the head was changed outside Charter`,
    };
  }
  return { intact: true, records: count };
}
