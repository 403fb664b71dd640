/**
 * Verifies the audit log and what it vouches for: the hash chain (audit-chain.ts), then every
 * stored version of every asset. A version's document must still digest to the digest it was
 * stored with, and the intact log must hold the record that wrote it (same ref, version and digest;
 * a deletion: same ref and version). So a document changed in the database is found whether or not
 * its digest column was changed with it.
 */
import type { CatalogStore } from '../store/catalog-store.js';
import { type VerifyResult, verifyChain } from './audit-chain.js';
import { digestOf } from './digest.js';

const PAGE = 2000;
const key = (ref: string, version: number, digest: string | null) =>
  `${ref}\u0000${version}\u0000${digest ?? ''}`;

export async function verifyStore(
  store: Pick<CatalogStore, 'auditHead' | 'auditRecords' | 'scanVersions'>,
): Promise<VerifyResult> {
  const written = new Set<string>();
  const head = await store.auditHead();
  const chain = await verifyChain(
    (afterSeq) => store.auditRecords({ afterSeq, limit: 5000 }),
    head,
    (record) => {
      if (record.version !== null) written.add(key(record.ref, record.version, record.afterDigest));
    },
  );
  if (!chain.intact) return chain;
  let versions = 0;
  for (let after: { ref: string; version: number } | undefined; ; ) {
    const page = await store.scanVersions({ ...(after ? { after } : {}), limit: PAGE });
    for (const v of page) {
      const at = `${v.ref}@${v.version}`;
      if (digestOf(v.doc) !== v.digest)
        return {
          ...chain,
          intact: false,
          brokenVersion: at,
          reason: `version ${v.version} of ${v.ref} was changed outside Charter: its document no longer matches its digest`,
        };
      if (!written.has(key(v.ref, v.version, v.doc === null ? null : v.digest)))
        return {
          ...chain,
          intact: false,
          brokenVersion: at,
          reason: `version ${v.version} of ${v.ref} was changed outside Charter: no audit record wrote that document`,
        };
      versions += 1;
    }
    if (page.length < PAGE) break;
    const last = page[page.length - 1]!;
    after = { ref: last.ref, version: last.version };
  }
  return { ...chain, versions };
}
