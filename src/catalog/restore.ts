/**
 * Restoring a full backup (`charter import --with-history`): every version and the audit log are
 * written back verbatim into an empty store, so history, digests and the hash chain survive.
 */
import { verifyChain } from '../audit/audit-chain.js';
import { ConflictError, InputError } from '../model/errors.js';
import { type CharterDoc, REQUIRED_OWNERSHIP_TYPES } from '../model/kinds/charter-kind.js';
import { kindOf } from '../model/kinds/index.js';
import type { KindContext } from '../model/kinds/kind.js';
import type { AssetWrite, CatalogStore, VersionState } from '../store/catalog-store.js';
import type { CatalogBackup } from './catalog-api.js';

export async function restoreBackup(
  store: CatalogStore,
  backup: CatalogBackup,
): Promise<{ versions: number; audit: number }> {
  if (backup?.kind !== 'CatalogBackup' || !Array.isArray(backup.versions) || !Array.isArray(backup.audit)) {
    throw new InputError(
      'The file is not a Charter backup; expected kind CatalogBackup with versions and audit',
    );
  }
  const records = [...backup.audit].sort((a, b) => a.seq - b.seq);
  const last = records[records.length - 1];
  const check = await verifyChain(
    async (after) => records.filter((r) => r.seq > after).slice(0, 5000),
    last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: '0'.repeat(64) },
  );
  if (!check.intact) throw new InputError(`The backup's audit log is not intact: ${check.reason}`);
  if (
    (await store.auditHead()).seq > 0 ||
    (await store.listAssets({ includeDeleted: true, limit: 1 })).length
  ) {
    throw new ConflictError('A backup with history can only be restored into an empty catalog');
  }

  const byRef = new Map<string, CatalogBackup['versions']>();
  for (const v of backup.versions) {
    const list = byRef.get(v.ref) ?? [];
    list.push(v);
    byRef.set(v.ref, list);
  }
  const latest = [...byRef.values()].map(
    (list) => list.sort((a, b) => a.version - b.version)[list.length - 1]!,
  );
  const charter = latest.find((v) => v.kind === 'Charter' && v.doc)?.doc as unknown as CharterDoc | undefined;
  const ctx: KindContext = {
    ownershipTypes: charter?.spec.ownershipTypes?.map((t) => t.name) ?? [...REQUIRED_OWNERSHIP_TYPES],
  };
  const uids = new Map<string, string>();
  for (const v of latest) {
    const id = v.doc && typeof v.doc.id === 'string' ? v.doc.id : undefined;
    if (id && v.state === 'live') uids.set(id, v.ref);
  }

  await store.write(async (writer) => {
    for (const list of byRef.values()) {
      for (const v of list) {
        const def = kindOf(v.kind);
        if (!def) throw new InputError(`The backup holds an unknown kind '${v.kind}' at '${v.ref}'`);
        const isLatest = v === list[list.length - 1] && v.state === 'live' && v.doc;
        const summary = v.doc ? def.summary(v.doc) : { title: v.ref, description: '' };
        const write: AssetWrite = {
          ref: v.ref,
          kind: v.kind,
          domain: v.domain,
          name: v.name,
          uid: v.doc && typeof v.doc.id === 'string' ? v.doc.id : null,
          version: v.version,
          state: v.state === 'deleted' ? 'deleted' : 'live',
          digest: v.digest,
          doc: v.doc,
          title: summary.title,
          description: summary.description,
          action: v.action,
          search: isLatest ? def.searchText(v.doc) : null,
          relations: [],
        };
        if (isLatest) {
          const rels = def.relations(v.doc, ctx);
          if (v.domain) rels.unshift({ type: 'inDomain', target: `domain:${v.domain}`, path: '' });
          for (const r of rels) {
            const target = r.target.startsWith('id:') ? uids.get(r.target.slice(3)) : r.target;
            if (target)
              write.relations.push(
                r.role ? { type: r.type, target, role: r.role } : { type: r.type, target },
              );
          }
        }
        void (v.state as VersionState);
        await writer.put([write], v.createdAt, v.actor);
      }
    }
    await writer.appendAudit(records);
  });
  return { versions: backup.versions.length, audit: records.length };
}
