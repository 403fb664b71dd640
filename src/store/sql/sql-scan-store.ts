/** Scan suggestions on the shared SQL store, written under the catalog's write lock with their audit record. */
import type { Kysely, Transaction } from 'kysely';
import type { AuditRecord, CatalogStore, CatalogWriter } from '../catalog-store.js';
import type {
  ScanStore,
  ScanSuggestionFilter,
  ScanSuggestionRow,
  ScanWriter,
  SuggestionState,
} from '../scan-store.js';
import { SqlStore } from './sql-store.js';

/** The table as this store sees it (migration 0009); only this file reads or writes it. */
interface ScanSuggestionsTable {
  id: string;
  ref: string;
  path: string;
  dataset_version: number;
  time: string;
  actor: string;
  state: string;
  proposed_classification: string | null;
  current_classification: string | null;
  proposed_tags: string;
  evidence: string;
  decided_by: string | null;
  decided_at: string | null;
  accepted_version: number | null;
  audit_seq: number;
}
interface ScanDatabase {
  scan_suggestions: ScanSuggestionsTable;
}

function fromRow(r: ScanSuggestionsTable): ScanSuggestionRow {
  return {
    id: r.id,
    ref: r.ref,
    path: r.path,
    datasetVersion: Number(r.dataset_version),
    time: r.time,
    actor: r.actor,
    state: r.state as SuggestionState,
    proposedClassification: r.proposed_classification,
    currentClassification: r.current_classification,
    proposedTags: JSON.parse(r.proposed_tags) as string[],
    evidence: JSON.parse(r.evidence) as ScanSuggestionRow['evidence'],
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    acceptedVersion: r.accepted_version === null ? null : Number(r.accepted_version),
    auditSeq: Number(r.audit_seq),
  };
}

class SqlScanWriter implements ScanWriter {
  constructor(
    private readonly trx: Kysely<ScanDatabase>,
    private readonly catalog: CatalogWriter,
  ) {}

  async insertSuggestions(rows: readonly ScanSuggestionRow[]) {
    if (!rows.length) return;
    await this.trx
      .insertInto('scan_suggestions')
      .values(
        rows.map((r) => ({
          id: r.id,
          ref: r.ref,
          path: r.path,
          dataset_version: r.datasetVersion,
          time: r.time,
          actor: r.actor,
          state: r.state,
          proposed_classification: r.proposedClassification,
          current_classification: r.currentClassification,
          proposed_tags: JSON.stringify(r.proposedTags),
          evidence: JSON.stringify(r.evidence),
          decided_by: r.decidedBy,
          decided_at: r.decidedAt,
          accepted_version: r.acceptedVersion,
          audit_seq: r.auditSeq,
        })),
      )
      .execute();
  }

  async openSuggestions(ref: string, paths: readonly string[]) {
    if (!paths.length) return [];
    const rows = await this.trx
      .selectFrom('scan_suggestions')
      .selectAll()
      .where('ref', '=', ref)
      .where('state', '=', 'open')
      .where('path', 'in', [...paths])
      .execute();
    return rows.map(fromRow);
  }

  async setState(
    id: string,
    change: {
      state: SuggestionState;
      decidedBy: string | null;
      decidedAt: string | null;
      acceptedVersion?: number | null;
    },
  ) {
    await this.trx
      .updateTable('scan_suggestions')
      .set({
        state: change.state,
        decided_by: change.decidedBy,
        decided_at: change.decidedAt,
        ...(change.acceptedVersion !== undefined ? { accepted_version: change.acceptedVersion } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  auditHead() {
    return this.catalog.auditHead();
  }

  appendAudit(records: readonly AuditRecord[]) {
    return this.catalog.appendAudit(records);
  }
}

export class SqlScanStore implements ScanStore {
  private readonly db: Kysely<ScanDatabase>;

  constructor(private readonly store: SqlStore) {
    this.db = store.db as unknown as Kysely<ScanDatabase>;
  }

  write<T>(fn: (writer: ScanWriter) => Promise<T>): Promise<T> {
    return this.store.writeWith((catalog, trx) =>
      fn(new SqlScanWriter(trx as unknown as Transaction<ScanDatabase>, catalog)),
    );
  }

  async suggestions(filter: ScanSuggestionFilter) {
    let q = this.db.selectFrom('scan_suggestions').selectAll();
    if (filter.ref) q = q.where('ref', '=', filter.ref);
    if (filter.state) q = q.where('state', '=', filter.state);
    const rows = await q
      .orderBy('time', 'desc')
      .orderBy('ref')
      .orderBy('path')
      .limit(Math.min(filter.limit ?? 500, 5000))
      .execute();
    return rows.map(fromRow);
  }

  async suggestion(id: string) {
    const row = await this.db
      .selectFrom('scan_suggestions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }
}

export function scanStoreFor(store: CatalogStore): ScanStore {
  if (store instanceof SqlStore) return new SqlScanStore(store);
  throw new Error('Scan suggestions need the SQL store');
}
