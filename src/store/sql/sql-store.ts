/**
 * The catalog store on SQL, shared by SQLite and PostgreSQL through Kysely. Dialect differences
 * (connection, full-text search, id columns) come only from the `SqlDialect`.
 */
import { type Compilable, type CompiledQuery, Kysely, sql, type Transaction } from 'kysely';
import { UnavailableError } from '../../model/errors.js';
import type {
  ApprovalFilter,
  ApprovalRow,
  ApprovalState,
  AssetFilter,
  AssetRow,
  AssetState,
  AssetWithDoc,
  AssetWrite,
  AuditFilter,
  AuditHead,
  AuditRecord,
  CatalogStore,
  CatalogWriter,
  CurrentVersion,
  ReadConnection,
  RelationRow,
  SearchHit,
  SearchQuery,
  VersionRow,
  VersionState,
  VersionWithDoc,
} from '../catalog-store.js';
import { migrate } from './migrations.js';
import { accountableClause, readableClause } from './readable.js';
import type { Database } from './schema.js';
import { searchTokens } from './search-match.js';
import type { SearchRow, SqlDialect } from './sql-dialect.js';

const GENESIS: AuditHead = { seq: 0, hash: '0'.repeat(64) };

/**
 * Runs inside every write transaction right after its audit records are appended, so another
 * capability can record something atomically with any change (the webhook outbox).
 */
export type AuditTap = (trx: Transaction<Database>, records: readonly AuditRecord[]) => Promise<void>;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Words of a search query, reduced to what both full-text engines index. */
export function searchTerms(text: string): string[] {
  return searchTokens(text).slice(0, 12);
}

type AssetSelect = {
  ref: string;
  kind: string;
  domain: string | null;
  name: string;
  uid: string | null;
  version: number;
  state: string;
  digest: string;
  title: string;
  description: string;
  updated_at: string;
  updated_by: string;
};

function toAsset(r: AssetSelect): AssetRow {
  return {
    ref: r.ref,
    kind: r.kind,
    domain: r.domain,
    name: r.name,
    uid: r.uid,
    version: Number(r.version),
    state: r.state as AssetState,
    digest: r.digest,
    title: r.title,
    description: r.description,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

const assetColumns = [
  'a.ref',
  'a.kind',
  'a.domain',
  'a.name',
  'a.uid',
  'a.version',
  'a.state',
  'a.digest',
  'a.title',
  'a.description',
  'a.updated_at',
  'a.updated_by',
] as const;

function toAudit(r: Database['audit_log']): AuditRecord {
  return {
    seq: Number(r.seq),
    time: r.time,
    actor: r.actor,
    action: r.action,
    ref: r.ref,
    version: r.version === null ? null : Number(r.version),
    beforeDigest: r.before_digest,
    afterDigest: r.after_digest,
    details: r.details ? JSON.parse(r.details) : null,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

function toApprovalRow(a: ApprovalRow): Database['approvals'] {
  return {
    id: a.id,
    type: a.type,
    ref: a.ref,
    version: a.version,
    domain: a.domain,
    requested_by: a.requestedBy,
    requested_at: a.requestedAt,
    approver_role: a.approverRole,
    violations: JSON.stringify(a.violations),
    state: a.state,
    decided_by: a.decidedBy,
    decided_at: a.decidedAt,
    reason: a.reason,
    write: a.write ? JSON.stringify(a.write) : null,
  };
}

function fromApprovalRow(r: Database['approvals']): ApprovalRow {
  return {
    id: r.id,
    type: r.type as ApprovalRow['type'],
    ref: r.ref,
    version: Number(r.version),
    domain: r.domain,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    approverRole: r.approver_role,
    violations: JSON.parse(r.violations),
    state: r.state as ApprovalState,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    reason: r.reason,
    write: r.write ? JSON.parse(r.write) : null,
  };
}

async function selectApprovals(db: Kysely<Database> | Transaction<Database>, filter: ApprovalFilter) {
  let q = db.selectFrom('approvals').selectAll();
  if (filter.id) q = q.where('id', '=', filter.id);
  if (filter.state) q = q.where('state', '=', filter.state);
  if (filter.ref) q = q.where('ref', '=', filter.ref);
  if (filter.type) q = q.where('type', '=', filter.type);
  const rows = await q
    .orderBy('requested_at')
    .orderBy('id')
    .limit(filter.limit ?? 500)
    .execute();
  return rows.map(fromApprovalRow);
}

const assetRowColumns = [
  'ref',
  'kind',
  'domain',
  'name',
  'uid',
  'version',
  'state',
  'digest',
  'title',
  'description',
  'updated_at',
  'updated_by',
] as const;

/** A new version of an asset replaces what its asset row says (its ref, kind, domain and name stay). */
const assetUpdate = ['uid', 'version', 'state', 'digest', 'title', 'description', 'updated_at', 'updated_by']
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

class SqlWriter implements CatalogWriter {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly dialect: SqlDialect,
    private readonly taps: readonly AuditTap[] = [],
  ) {}

  private get chunk(): number {
    return Math.floor(this.dialect.maxParameters / 16);
  }

  async current(refs: readonly string[]) {
    const out = new Map<string, CurrentVersion>();
    for (const part of chunks(refs, this.dialect.maxParameters)) {
      const rows = await this.trx
        .selectFrom('assets as a')
        .select(['a.ref', 'a.version', 'a.digest', 'a.state'])
        .select((eb) =>
          eb
            .selectFrom('versions as v')
            .select((e) => e.fn.max('v.version').as('m'))
            .whereRef('v.ref', '=', 'a.ref')
            .as('latest'),
        )
        .where('a.ref', 'in', part)
        .execute();
      for (const r of rows) {
        out.set(r.ref, {
          version: Number(r.version),
          digest: r.digest,
          state: r.state as AssetState,
          latest: Number(r.latest ?? r.version),
        });
      }
    }
    return out;
  }

  async findByUid(uids: readonly string[]) {
    const out = new Map<string, string>();
    for (const part of chunks(uids, this.dialect.maxParameters)) {
      const rows = await this.trx
        .selectFrom('assets')
        .select(['uid', 'ref'])
        .where('uid', 'in', part)
        .where('state', '=', 'live')
        .execute();
      for (const r of rows) if (r.uid) out.set(r.uid, r.ref);
    }
    return out;
  }

  async existing(refs: readonly string[]) {
    const out = new Set<string>();
    for (const part of chunks(refs, this.dialect.maxParameters)) {
      const rows = await this.trx
        .selectFrom('assets')
        .select('ref')
        .where('ref', 'in', part)
        .where('state', '=', 'live')
        .execute();
      for (const r of rows) out.add(r.ref);
    }
    return out;
  }

  async relationsOf(refs: readonly string[]): Promise<RelationRow[]> {
    const out: RelationRow[] = [];
    for (const part of chunks(refs, this.dialect.maxParameters)) {
      const rows = await this.trx.selectFrom('relations').selectAll().where('source', 'in', part).execute();
      for (const r of rows)
        out.push({ source: r.source, type: r.type, target: r.target, role: r.role || null });
    }
    return out;
  }

  async referrers(refs: readonly string[]): Promise<RelationRow[]> {
    const out: RelationRow[] = [];
    for (const part of chunks(refs, this.dialect.maxParameters)) {
      const rows = await this.trx
        .selectFrom('relations as r')
        .innerJoin('assets as a', 'a.ref', 'r.source')
        .select(['r.source', 'r.type', 'r.target', 'r.role'])
        .where('r.target', 'in', part)
        .where('a.state', '=', 'live')
        .execute();
      for (const r of rows)
        out.push({ source: r.source, type: r.type, target: r.target, role: r.role || null });
    }
    return out;
  }

  async put(writes: readonly AssetWrite[], time: string, actor: string) {
    if (!writes.length) return;
    const pending = writes.filter((w) => w.state === 'pending');
    const current = writes.filter((w) => w.state !== 'pending');
    await this.insertVersions(writes, time, actor);
    if (pending.length) {
      // A first version awaiting approval still needs an asset row (not live) to hang on.
      for (const part of chunks(pending, this.chunk)) {
        await this.trx
          .insertInto('assets')
          .values(part.map((w) => this.assetRow(w, time, actor)))
          .onConflict((oc) => oc.column('ref').doNothing())
          .execute();
      }
    }
    if (current.length) {
      const ids = await this.upsertAssets(current, time, actor);
      await this.replaceDerived(
        current,
        ids,
        current.filter((w) => w.version > 1),
      );
    }
  }

  async promote(write: AssetWrite, time: string, actor: string) {
    await this.trx
      .updateTable('versions')
      .set({ state: 'live' })
      .where('ref', '=', write.ref)
      .where('version', '=', write.version)
      .execute();
    const ids = await this.upsertAssets([{ ...write, state: 'live' }], time, actor);
    await this.replaceDerived([write], ids, [write]);
  }

  private assetRow(w: AssetWrite, time: string, actor: string) {
    return {
      ref: w.ref,
      kind: w.kind,
      domain: w.domain,
      name: w.name,
      uid: w.uid,
      version: w.version,
      state: w.state,
      digest: w.digest,
      title: w.title,
      description: w.description,
      updated_at: time,
      updated_by: actor,
    };
  }

  private async insertVersions(writes: readonly AssetWrite[], time: string, actor: string) {
    await this.dialect.insertRows(
      this.trx,
      'versions',
      ['ref', 'version', 'kind', 'state', 'digest', 'doc', 'created_at', 'actor', 'action'],
      writes.map((w) => [
        w.ref,
        w.version,
        w.kind,
        w.state,
        w.digest,
        w.doc ? JSON.stringify(w.doc) : null,
        time,
        actor,
        w.action,
      ]),
    );
  }

  private async upsertAssets(writes: readonly AssetWrite[], time: string, actor: string) {
    const rows = await this.dialect.upsertRows(
      this.trx,
      'assets',
      assetRowColumns,
      writes.map((w) => {
        const row = this.assetRow(w, time, actor);
        return assetRowColumns.map((c) => row[c]);
      }),
      ['ref'],
      assetUpdate,
      'id, ref',
    );
    return new Map(rows.map((r) => [String(r.ref), Number(r.id)]));
  }

  /** Replaces relations and search rows of the written assets with those of the new version. */
  private async replaceDerived(
    writes: readonly AssetWrite[],
    ids: Map<string, number>,
    replaced: readonly AssetWrite[],
  ) {
    const { trx } = this;
    for (const part of chunks(replaced, this.dialect.maxParameters)) {
      const refs = part.map((w) => w.ref);
      await trx.deleteFrom('relations').where('source', 'in', refs).execute();
      await this.dialect.unindexSearch(
        trx,
        part.map((w) => ids.get(w.ref)!),
      );
    }
    await this.dialect.insertRows(
      trx,
      'relations',
      ['source', 'type', 'target', 'role'],
      writes.flatMap((w) => w.relations.map((r) => [w.ref, r.type, r.target, r.role ?? ''])),
    );
    const search: SearchRow[] = [];
    for (const w of writes) {
      if (!w.search) continue;
      search.push({ id: ids.get(w.ref)!, ref: w.ref, kind: w.kind, domain: w.domain, ...w.search });
    }
    await this.dialect.indexSearch(trx, search);
  }

  async putApprovals(rows: readonly ApprovalRow[]) {
    for (const part of chunks(rows, this.chunk)) {
      await this.trx.insertInto('approvals').values(part.map(toApprovalRow)).execute();
    }
  }

  approvals(filter: ApprovalFilter) {
    return selectApprovals(this.trx, filter);
  }

  async decideApproval(id: string, state: ApprovalState, actor: string, time: string, reason: string | null) {
    await this.trx
      .updateTable('approvals')
      .set({ state, decided_by: actor, decided_at: time, reason })
      .where('id', '=', id)
      .execute();
  }

  async auditHead(): Promise<AuditHead> {
    const row = await this.trx
      .selectFrom('meta')
      .select('value')
      .where('key', '=', 'audit-head')
      .executeTakeFirst();
    return row ? (JSON.parse(row.value) as AuditHead) : GENESIS;
  }

  async appendAudit(records: readonly AuditRecord[]) {
    if (!records.length) return;
    await this.dialect.insertRows(
      this.trx,
      'audit_log',
      [
        'seq',
        'time',
        'actor',
        'action',
        'ref',
        'version',
        'before_digest',
        'after_digest',
        'details',
        'prev_hash',
        'hash',
      ],
      records.map((r) => [
        r.seq,
        r.time,
        r.actor,
        r.action,
        r.ref,
        r.version,
        r.beforeDigest,
        r.afterDigest,
        r.details ? JSON.stringify(r.details) : null,
        r.prevHash,
        r.hash,
      ]),
    );
    const last = records[records.length - 1]!;
    const value = JSON.stringify({ seq: last.seq, hash: last.hash });
    await this.trx
      .insertInto('meta')
      .values({ key: 'audit-head', value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
    for (const tap of this.taps) await tap(this.trx, records);
  }
}

/**
 * A query of the hot read paths, built and compiled by Kysely once and then run with new
 * parameters (in the order the compiled SQL takes them): building and compiling a query costs more
 * than running a small one.
 */
export class PreparedQuery<R> {
  private compiled: CompiledQuery<R> | undefined;

  constructor(private readonly build: () => Compilable<R>) {}

  async run(db: Kysely<Database>, parameters: readonly unknown[]): Promise<R[]> {
    this.compiled ??= this.build().compile();
    if (this.compiled.parameters.length !== parameters.length)
      throw new Error(
        `A prepared query takes ${this.compiled.parameters.length} parameters, not ${parameters.length}`,
      );
    return (await db.executeQuery<R>({ ...this.compiled, parameters })).rows;
  }
}

export class SqlStore implements CatalogStore {
  readonly db: Kysely<Database>;
  private readonly taps: AuditTap[] = [];

  private constructor(readonly sqlDialect: SqlDialect) {
    this.db = new Kysely<Database>({ dialect: sqlDialect.createKyselyDialect() });
  }

  get dialect() {
    return this.sqlDialect.name;
  }

  get readConnection(): ReadConnection | undefined {
    return this.sqlDialect.readConnection();
  }

  /**
   * `migrate: false` connects to a database another connection has already opened and migrated
   * (a worker thread's reader): a reader never changes the schema.
   */
  static async open(
    dialect: SqlDialect,
    where: string,
    options: { migrate?: boolean } = {},
  ): Promise<SqlStore> {
    const store = new SqlStore(dialect);
    try {
      await dialect.prepare(store.db);
      if (options.migrate !== false) await migrate(store.db, dialect);
    } catch (error) {
      await store.db.destroy().catch(() => {});
      throw new UnavailableError(
        `The ${dialect.name} store ${where} could not be opened: ${(error as Error).message}`,
      );
    }
    return store;
  }

  async write<T>(fn: (writer: CatalogWriter) => Promise<T>): Promise<T> {
    return this.writeWith((writer) => fn(writer));
  }

  /** Adds a tap that sees every batch of audit records inside its write transaction. */
  addAuditTap(tap: AuditTap): void {
    this.taps.push(tap);
  }

  /**
   * A write transaction for another capability's SQL store: the same write lock and audit chain as
   * the catalog's, plus the transaction itself for that capability's own tables.
   */
  async writeWith<T>(fn: (writer: CatalogWriter, trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      // Taking the write lock first serialises writers and keeps the audit chain in order.
      await trx.updateTable('meta').set({ value: sql`value` }).where('key', '=', 'write-lock').execute();
      return fn(new SqlWriter(trx, this.sqlDialect, this.taps), trx);
    });
  }

  private assetQuery() {
    return this.db
      .selectFrom('assets as a')
      .innerJoin('versions as v', (j) => j.onRef('v.ref', '=', 'a.ref').onRef('v.version', '=', 'a.version'))
      .select([...assetColumns, 'v.doc']);
  }

  private readonly assetByRef = new PreparedQuery(() => this.assetQuery().where('a.ref', '=', ''));

  async getAsset(ref: string): Promise<AssetWithDoc | undefined> {
    const [row] = await this.assetByRef.run(this.db, [ref]);
    return row ? { ...toAsset(row), doc: row.doc ? JSON.parse(row.doc) : {} } : undefined;
  }

  async getAssets(refs: readonly string[]): Promise<AssetWithDoc[]> {
    const out: AssetWithDoc[] = [];
    for (const part of chunks(refs, this.sqlDialect.maxParameters)) {
      const rows = await this.assetQuery().where('a.ref', 'in', part).execute();
      for (const row of rows) out.push({ ...toAsset(row), doc: row.doc ? JSON.parse(row.doc) : {} });
    }
    return out;
  }

  private filtered<Q extends { where: (...args: any[]) => any }>(query: Q, filter: AssetFilter): Q {
    let q: any = query;
    if (filter.kind) q = q.where('a.kind', '=', filter.kind);
    if (filter.domain) q = q.where('a.domain', '=', filter.domain);
    if (filter.name) q = q.where('a.name', '=', filter.name);
    if (filter.readableDomains) q = q.where(readableClause(filter.readableDomains));
    if (filter.accountable) q = q.where(accountableClause(filter.accountable));
    if (!filter.includeDeleted) q = q.where('a.state', '=', 'live');
    return q;
  }

  async listAssets(filter: AssetFilter): Promise<AssetRow[]> {
    const rows = await this.filtered(this.db.selectFrom('assets as a').select(assetColumns), filter)
      .orderBy('a.kind')
      .orderBy('a.ref')
      .limit(filter.limit ?? 1000)
      .offset(filter.offset ?? 0)
      .execute();
    return rows.map(toAsset);
  }

  async scanAssets(filter: AssetFilter): Promise<AssetWithDoc[]> {
    // The page is chosen on the assets' ids alone, then joined to its documents: an offset that
    // skipped joined rows would read every skipped document again, page after page.
    const page = this.filtered(this.db.selectFrom('assets as a').select('a.id'), filter)
      .orderBy('a.id')
      .limit(filter.limit ?? 1000)
      .offset(filter.offset ?? 0);
    const rows = await this.assetQuery().where('a.id', 'in', page).orderBy('a.id').execute();
    return rows.map((row) => ({ ...toAsset(row), doc: row.doc ? JSON.parse(row.doc) : {} }));
  }

  async countAssets() {
    const rows = await this.db
      .selectFrom('assets')
      .select(['kind', 'domain', (eb) => eb.fn.countAll<number>().as('count')])
      .where('state', '=', 'live')
      .groupBy(['kind', 'domain'])
      .execute();
    return rows.map((r) => ({ kind: r.kind, domain: r.domain, count: Number(r.count) }));
  }

  async versionsAt(refs: readonly string[], time: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    // A version waiting for approval is not in effect; one approved took effect when the last
    // approval was decided, any other when it was stored. A deletion (a tombstone version) puts
    // none in effect until the asset is created again. Times are ISO 8601 UTC text, which sorts as
    // time does.
    for (let i = 0; i < refs.length; i += 500) {
      const part = refs.slice(i, i + 500);
      const approved = this.db
        .selectFrom('approvals')
        .select(['ref', 'version', (eb) => eb.fn.max('decided_at').as('decided_at')])
        .where('state', '=', 'approved')
        .where('ref', 'in', part)
        .groupBy(['ref', 'version']);
      const rows = await this.db
        .selectFrom('versions as v')
        .leftJoin(approved.as('a'), (j) =>
          j.onRef('a.ref', '=', 'v.ref').onRef('a.version', '=', 'v.version'),
        )
        .select(['v.ref', 'v.version', 'v.state'])
        .where('v.ref', 'in', part)
        .where('v.state', '!=', 'pending')
        .where((eb) => eb(eb.fn.coalesce('a.decided_at', 'v.created_at'), '<=', time))
        .orderBy('v.ref')
        .orderBy('v.version', 'desc')
        .execute();
      // The newest version of each ref comes first.
      let last: string | undefined;
      for (const r of rows) {
        if (r.ref === last) continue;
        last = r.ref;
        if (r.state !== 'deleted') out.set(r.ref, Number(r.version));
      }
    }
    return out;
  }

  async versions(ref: string): Promise<VersionRow[]> {
    const rows = await this.db
      .selectFrom('versions')
      .select(['ref', 'version', 'kind', 'state', 'digest', 'created_at', 'actor', 'action'])
      .where('ref', '=', ref)
      .orderBy('version')
      .execute();
    return rows.map((r) => ({
      ref: r.ref,
      version: Number(r.version),
      kind: r.kind,
      state: r.state as VersionState,
      digest: r.digest,
      createdAt: r.created_at,
      actor: r.actor,
      action: r.action,
    }));
  }

  async version(ref: string, version: number): Promise<VersionWithDoc | undefined> {
    const r = await this.db
      .selectFrom('versions')
      .selectAll()
      .where('ref', '=', ref)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!r) return undefined;
    return {
      ref: r.ref,
      version: Number(r.version),
      kind: r.kind,
      state: r.state as VersionState,
      digest: r.digest,
      createdAt: r.created_at,
      actor: r.actor,
      action: r.action,
      doc: r.doc ? JSON.parse(r.doc) : null,
    };
  }

  async scanVersions(options: {
    after?: { ref: string; version: number };
    limit: number;
  }): Promise<VersionWithDoc[]> {
    let query = this.db.selectFrom('versions').selectAll();
    const after = options.after;
    if (after)
      query = query.where((eb) =>
        eb.or([
          eb('ref', '>', after.ref),
          eb.and([eb('ref', '=', after.ref), eb('version', '>', after.version)]),
        ]),
      );
    const rows = await query.orderBy('ref').orderBy('version').limit(options.limit).execute();
    return rows.map((r) => ({
      ref: r.ref,
      version: Number(r.version),
      kind: r.kind,
      state: r.state as VersionState,
      digest: r.digest,
      createdAt: r.created_at,
      actor: r.actor,
      action: r.action,
      doc: r.doc ? JSON.parse(r.doc) : null,
    }));
  }

  async relationsFrom(ref: string): Promise<RelationRow[]> {
    const rows = await this.db
      .selectFrom('relations')
      .selectAll()
      .where('source', '=', ref)
      .orderBy('type')
      .orderBy('target')
      .execute();
    return rows.map((r) => ({ source: r.source, type: r.type, target: r.target, role: r.role || null }));
  }

  async relationsOf(refs: readonly string[], types?: readonly string[]): Promise<RelationRow[]> {
    const out: RelationRow[] = [];
    const room = this.sqlDialect.maxParameters - (types?.length ?? 0);
    for (const part of chunks([...new Set(refs)], room)) {
      let query = this.db.selectFrom('relations').selectAll().where('source', 'in', part);
      if (types) query = query.where('type', 'in', types);
      const rows = await query.orderBy('source').orderBy('type').orderBy('target').execute();
      for (const r of rows)
        out.push({ source: r.source, type: r.type, target: r.target, role: r.role || null });
    }
    return out;
  }

  async relationsTo(ref: string): Promise<RelationRow[]> {
    const rows = await this.db
      .selectFrom('relations as r')
      .innerJoin('assets as a', 'a.ref', 'r.source')
      .select(['r.source', 'r.type', 'r.target', 'r.role'])
      .where('r.target', '=', ref)
      .where('a.state', '=', 'live')
      .orderBy('r.type')
      .orderBy('r.source')
      .execute();
    return rows.map((r) => ({ source: r.source, type: r.type, target: r.target, role: r.role || null }));
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const terms = searchTerms(query.text);
    if (!terms.length) return [];
    return this.sqlDialect.search(this.db, query, terms);
  }

  approvals(filter: ApprovalFilter): Promise<ApprovalRow[]> {
    return selectApprovals(this.db, filter);
  }

  async auditRecords(filter: AuditFilter): Promise<AuditRecord[]> {
    let q = this.db.selectFrom('audit_log').selectAll();
    if (filter.ref) q = q.where('ref', '=', filter.ref);
    if (filter.actor) q = q.where('actor', '=', filter.actor);
    if (filter.actions?.length) q = q.where('action', 'in', [...filter.actions]);
    if (filter.afterSeq !== undefined) q = q.where('seq', '>', filter.afterSeq);
    const rows = await q
      .orderBy('seq', filter.newestFirst ? 'desc' : 'asc')
      .limit(filter.limit ?? 1000)
      .execute();
    return rows.map(toAudit);
  }

  private readonly auditRefsAfter = new PreparedQuery(() =>
    this.db
      .selectFrom('audit_log')
      .select(['seq', 'ref', 'action'])
      .where('seq', '>', 0)
      .orderBy('seq')
      .limit(1),
  );

  async auditRefs(filter: {
    afterSeq: number;
    limit: number;
  }): Promise<{ seq: number; ref: string; action: string }[]> {
    const rows = await this.auditRefsAfter.run(this.db, [filter.afterSeq, filter.limit]);
    return rows.map((r) => ({ seq: Number(r.seq), ref: r.ref, action: r.action }));
  }

  async auditHead(): Promise<AuditHead> {
    const row = await this.db
      .selectFrom('meta')
      .select('value')
      .where('key', '=', 'audit-head')
      .executeTakeFirst();
    if (!row) return GENESIS;
    try {
      return JSON.parse(row.value) as AuditHead;
    } catch {
      // Edited by hand into something unreadable: readers go on, and verification reports it.
      return { seq: -1, hash: '' };
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
