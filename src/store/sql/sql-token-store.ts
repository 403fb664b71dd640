/** API tokens on the shared SQL store, written under the catalog's write lock with their audit records. */
import type { Transaction } from 'kysely';
import type { AuditRecord, CatalogWriter } from '../catalog-store.js';
import type { TokenRow, TokenStore, TokenWriter } from '../token-store.js';
import type { Database } from './schema.js';
import { PreparedQuery, type SqlStore } from './sql-store.js';

function fromRow(r: Database['tokens']): TokenRow {
  return {
    id: r.id,
    principal: r.principal,
    name: r.name,
    hash: r.hash,
    createdAt: r.created_at,
    createdBy: r.created_by,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
  };
}

class SqlTokenWriter implements TokenWriter {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly catalog: CatalogWriter,
  ) {}

  async insert(row: TokenRow) {
    await this.trx
      .insertInto('tokens')
      .values({
        id: row.id,
        principal: row.principal,
        name: row.name,
        hash: row.hash,
        created_at: row.createdAt,
        created_by: row.createdBy,
        expires_at: row.expiresAt,
        revoked_at: row.revokedAt,
        revoked_by: row.revokedBy,
      })
      .execute();
  }

  async revoke(id: string, actor: string, time: string) {
    const result = await this.trx
      .updateTable('tokens')
      .set({ revoked_at: time, revoked_by: actor })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  auditHead() {
    return this.catalog.auditHead();
  }

  appendAudit(records: readonly AuditRecord[]) {
    return this.catalog.appendAudit(records);
  }
}

export class SqlTokenStore implements TokenStore {
  constructor(private readonly store: SqlStore) {}

  write<T>(fn: (writer: TokenWriter) => Promise<T>): Promise<T> {
    return this.store.writeWith((catalog, trx) => fn(new SqlTokenWriter(trx, catalog)));
  }

  private readonly byId = new PreparedQuery(() =>
    this.store.db.selectFrom('tokens').selectAll().where('id', '=', ''),
  );

  async get(id: string) {
    const [row] = await this.byId.run(this.store.db, [id]);
    return row ? fromRow(row) : undefined;
  }

  async list(principal?: string) {
    let q = this.store.db.selectFrom('tokens').selectAll();
    if (principal) q = q.where('principal', '=', principal);
    return (await q.orderBy('created_at').execute()).map(fromRow);
  }
}
