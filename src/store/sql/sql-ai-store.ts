/** AI-use decisions on the shared SQL store, written under the catalog's write lock with their audit record. */
import type { Transaction } from 'kysely';
import type { AiDecisionFilter, AiDecisionRow, AiStore, AiWriter } from '../ai-store.js';
import type { AuditRecord, CatalogStore, CatalogWriter } from '../catalog-store.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';

function fromRow(r: Database['ai_decisions']): AiDecisionRow {
  return {
    id: r.id,
    time: r.time,
    actor: r.actor,
    dataset: r.dataset,
    datasetVersion: r.dataset_version === null ? null : Number(r.dataset_version),
    use: r.use,
    subject: r.subject,
    purpose: r.purpose,
    decision: r.decision as 'allow' | 'deny',
    body: JSON.parse(r.body) as Record<string, unknown>,
    auditSeq: Number(r.audit_seq),
  };
}

class SqlAiWriter implements AiWriter {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly catalog: CatalogWriter,
  ) {}

  async insertDecision(row: AiDecisionRow) {
    await this.trx
      .insertInto('ai_decisions')
      .values({
        id: row.id,
        time: row.time,
        actor: row.actor,
        dataset: row.dataset,
        dataset_version: row.datasetVersion,
        use: row.use,
        subject: row.subject,
        purpose: row.purpose,
        decision: row.decision,
        body: JSON.stringify(row.body),
        audit_seq: row.auditSeq,
      })
      .execute();
  }

  auditHead() {
    return this.catalog.auditHead();
  }

  appendAudit(records: readonly AuditRecord[]) {
    return this.catalog.appendAudit(records);
  }
}

export class SqlAiStore implements AiStore {
  constructor(private readonly store: SqlStore) {}

  onChange(listener: () => void) {
    this.store.addAuditTap(async (_trx, records) => {
      if (records.some((r) => !r.action.startsWith('ai.'))) listener();
    });
  }

  write<T>(fn: (writer: AiWriter) => Promise<T>): Promise<T> {
    return this.store.writeWith((catalog, trx) => fn(new SqlAiWriter(trx, catalog)));
  }

  async decisions(filter: AiDecisionFilter) {
    if (filter.datasets && !filter.datasets.length) return [];
    let q = this.store.db.selectFrom('ai_decisions').selectAll();
    if (filter.dataset) q = q.where('dataset', '=', filter.dataset);
    if (filter.datasets) q = q.where('dataset', 'in', [...filter.datasets]);
    const rows = await q
      .orderBy('time', 'desc')
      .orderBy('audit_seq', 'desc')
      .limit(Math.min(filter.limit ?? 100, 1000))
      .execute();
    return rows.map(fromRow);
  }

  async decision(id: string) {
    const row = await this.store.db
      .selectFrom('ai_decisions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }
}

export function aiStoreFor(store: CatalogStore): AiStore {
  if (store instanceof SqlStore) return new SqlAiStore(store);
  throw new Error('AI decisions need the SQL store');
}
