import { describe, expect, it } from 'vitest';
import type { AuditHead, AuditRecord } from '../store/catalog-store.js';
import { type AuditSink, appendEntries, hashRecord } from './audit-chain.js';

/** A sink that keeps what it is given and counts how often the head was read. */
function memorySink() {
  const records: AuditRecord[] = [];
  let headReads = 0;
  const sink: AuditSink = {
    async auditHead(): Promise<AuditHead> {
      headReads += 1;
      const last = records.at(-1);
      return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: '0'.repeat(64) };
    },
    async appendAudit(batch) {
      records.push(...batch);
    },
  };
  return { sink, records, headReads: () => headReads };
}

describe('appendEntries', () => {
  it('chains entries onto the head, recording what an entry leaves out as null', async () => {
    const m = memorySink();
    const first = await appendEntries(m.sink, '2026-11-30T00:00:00.000Z', [
      { actor: 'user:ada', action: 'token-create', ref: 'user:ben', details: { token: 't1' } },
    ]);
    const second = await appendEntries(m.sink, '2026-11-30T00:01:00.000Z', [
      { actor: 'user:ada', action: 'delete', ref: 'dataset:a/b', version: 3, beforeDigest: 'd1' },
      { actor: 'user:ada', action: 'approve', ref: 'dataset:a/c', version: 1, afterDigest: 'd2' },
    ]);
    expect(m.records).toEqual([...first, ...second]);
    expect(m.records.map((r) => [r.seq, r.version, r.beforeDigest, r.afterDigest, r.details])).toEqual([
      [1, null, null, null, { token: 't1' }],
      [2, 3, 'd1', null, null],
      [3, 1, null, 'd2', null],
    ]);
    // Each record's hash covers its content and the hash before it.
    let prev = '0'.repeat(64);
    for (const { hash, ...body } of m.records) {
      expect(body.prevHash).toBe(prev);
      expect(hashRecord(body)).toBe(hash);
      prev = hash;
    }
    expect(second.every((r) => r.time === '2026-11-30T00:01:00.000Z')).toBe(true);
  });

  it('appends nothing, and reads no head, for no entries', async () => {
    const m = memorySink();
    expect(await appendEntries(m.sink, '2026-11-30T00:00:00.000Z', [])).toEqual([]);
    expect(m.records).toEqual([]);
    expect(m.headReads()).toBe(0);
  });
});
