/**
 * The quality store on SQL, sharing the catalog's Kysely instance, write lock and audit chain: a
 * run, its incident change and their audit records commit together or not at all. Schedule leases
 * use row locks with SKIP LOCKED where the database has them (PostgreSQL); on SQLite the database's
 * single writer does the same job on one machine.
 */
import type { Kysely, Transaction } from 'kysely';
import type { CatalogStore, CatalogWriter } from '../catalog-store.js';
import type {
  CheckResult,
  FailingCheck,
  Incident,
  IncidentEvent,
  IncidentFilter,
  QualityRun,
  QualityStore,
  QualityWriter,
  RunFilter,
  RunSummary,
  ScheduleEntry,
  ScheduleRow,
} from '../quality-store.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';

/** What each database offers for leases; the only place the two differ here. */
const ROW_LOCKS: Record<'sqlite' | 'postgres', boolean> = { sqlite: false, postgres: true };

type RunRow = Database['quality_runs'];
type IncidentRow = Database['quality_incidents'];

function toSummary(r: RunRow): RunSummary {
  return {
    id: r.id,
    ref: r.ref,
    domain: r.domain,
    contractVersion: Number(r.contract_version),
    server: r.server,
    serverType: r.server_type,
    engine: r.engine,
    status: r.status as RunSummary['status'],
    ...(r.message ? { message: r.message } : {}),
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: Number(r.duration_ms),
    actor: r.actor,
    trigger: r.trigger as RunSummary['trigger'],
    counts: {
      passed: Number(r.passed),
      failed: Number(r.failed),
      error: Number(r.errors),
      skipped: Number(r.skipped),
    },
    score: r.score === null ? null : Number(r.score),
    owners: JSON.parse(r.owners),
    stewards: JSON.parse(r.stewards),
    ...(r.scope ? { scope: JSON.parse(r.scope) } : {}),
  };
}

function toIncident(r: IncidentRow): Incident {
  return {
    id: r.id,
    ref: r.ref,
    domain: r.domain,
    state: r.state as Incident['state'],
    title: r.title,
    assignees: JSON.parse(r.assignees) as string[],
    failing: JSON.parse(r.failing) as FailingCheck[],
    openedAt: r.opened_at,
    updatedAt: r.updated_at,
    resolvedAt: r.resolved_at,
    lastRunId: r.last_run_id,
    runs: Number(r.runs),
    timeline: JSON.parse(r.timeline) as IncidentEvent[],
  };
}

function incidentRow(i: Incident): IncidentRow {
  return {
    id: i.id,
    ref: i.ref,
    domain: i.domain,
    state: i.state,
    title: i.title,
    assignees: JSON.stringify(i.assignees),
    failing: JSON.stringify(i.failing),
    opened_at: i.openedAt,
    updated_at: i.updatedAt,
    resolved_at: i.resolvedAt,
    last_run_id: i.lastRunId,
    runs: i.runs,
    timeline: JSON.stringify(i.timeline),
  };
}

class SqlQualityWriter implements QualityWriter {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly catalog: CatalogWriter,
    private readonly chunk: number,
  ) {}

  async openIncident(ref: string) {
    const row = await this.trx
      .selectFrom('quality_incidents')
      .selectAll()
      .where('ref', '=', ref)
      .where('state', '=', 'open')
      .executeTakeFirst();
    return row ? toIncident(row) : undefined;
  }

  async insertRun(run: QualityRun) {
    await this.trx
      .insertInto('quality_runs')
      .values({
        id: run.id,
        ref: run.ref,
        domain: run.domain,
        contract_version: run.contractVersion,
        server: run.server,
        server_type: run.serverType,
        engine: run.engine,
        status: run.status,
        message: run.message ?? null,
        started_at: run.startedAt,
        finished_at: run.finishedAt,
        duration_ms: run.durationMs,
        actor: run.actor,
        trigger: run.trigger,
        passed: run.counts.passed,
        failed: run.counts.failed,
        errors: run.counts.error,
        skipped: run.counts.skipped,
        score: run.score,
        owners: JSON.stringify(run.owners),
        stewards: JSON.stringify(run.stewards),
        statements: JSON.stringify(run.statements),
        scope: run.scope ? JSON.stringify(run.scope) : null,
      })
      .execute();
    const rows = run.checks.map((c, position) => ({
      run_id: run.id,
      position,
      check_id: c.id,
      table_name: c.table,
      field: c.field ?? null,
      category: c.category,
      type: c.type,
      name: c.name,
      dimension: c.dimension ?? null,
      severity: c.severity ?? null,
      status: c.status,
      measured: c.measured === null ? null : JSON.stringify(c.measured),
      unit: c.unit,
      expected: c.expected,
      message: c.message ?? null,
      duration_ms: c.durationMs,
      engine: c.engine,
      samples: c.samples ? JSON.stringify(c.samples) : null,
    }));
    for (let i = 0; i < rows.length; i += this.chunk)
      await this.trx
        .insertInto('quality_results')
        .values(rows.slice(i, i + this.chunk))
        .execute();
  }

  async saveIncident(incident: Incident) {
    const row = incidentRow(incident);
    const { id: _id, ...rest } = row;
    await this.trx
      .insertInto('quality_incidents')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(rest))
      .execute();
  }

  auditHead() {
    return this.catalog.auditHead();
  }

  appendAudit(records: Parameters<CatalogWriter['appendAudit']>[0]) {
    return this.catalog.appendAudit(records);
  }
}

export class SqlQualityStore implements QualityStore {
  private readonly db: Kysely<Database>;
  private readonly rowLocks: boolean;

  constructor(private readonly store: SqlStore) {
    this.db = store.db;
    this.rowLocks = ROW_LOCKS[store.dialect];
  }

  write<T>(fn: (writer: QualityWriter) => Promise<T>): Promise<T> {
    const chunk = Math.floor(this.store.sqlDialect.maxParameters / 20);
    return this.store.writeWith((catalog, trx) => fn(new SqlQualityWriter(trx, catalog, chunk)));
  }

  async runs(filter: RunFilter): Promise<RunSummary[]> {
    let q = this.db.selectFrom('quality_runs').selectAll();
    if (filter.ref) q = q.where('ref', '=', filter.ref);
    const rows = await q
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit ?? 50)
      .execute();
    return rows.map(toSummary);
  }

  async run(id: string): Promise<QualityRun | undefined> {
    const r = await this.db.selectFrom('quality_runs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) return undefined;
    const results = await this.db
      .selectFrom('quality_results')
      .selectAll()
      .where('run_id', '=', id)
      .orderBy('position')
      .execute();
    const checks: CheckResult[] = results.map((c) => ({
      id: c.check_id,
      table: c.table_name,
      ...(c.field !== null ? { field: c.field } : {}),
      category: c.category as CheckResult['category'],
      type: c.type,
      name: c.name,
      ...(c.dimension !== null ? { dimension: c.dimension } : {}),
      ...(c.severity !== null ? { severity: c.severity } : {}),
      status: c.status as CheckResult['status'],
      measured: c.measured === null ? null : JSON.parse(c.measured),
      unit: c.unit as CheckResult['unit'],
      expected: c.expected,
      ...(c.message !== null ? { message: c.message } : {}),
      durationMs: Number(c.duration_ms),
      engine: c.engine,
      ...(c.samples !== null ? { samples: JSON.parse(c.samples) } : {}),
    }));
    return { ...toSummary(r), checks, statements: JSON.parse(r.statements) };
  }

  async latestRuns(refs?: readonly string[], options: { finishedBy?: string } = {}): Promise<RunSummary[]> {
    if (refs && !refs.length) return [];
    const by = options.finishedBy;
    // Complete runs only: a run of some checks or some rows does not stand for the dataset.
    let latest = this.db
      .selectFrom('quality_runs')
      .select(['ref', (eb) => eb.fn.max('started_at').as('started_at')])
      .where('scope', 'is', null)
      .groupBy('ref');
    if (refs) latest = latest.where('ref', 'in', [...refs]);
    if (by) latest = latest.where('finished_at', '<=', by);
    let q = this.db
      .selectFrom('quality_runs as r')
      .innerJoin(latest.as('l'), (j) =>
        j.onRef('l.ref', '=', 'r.ref').onRef('l.started_at', '=', 'r.started_at'),
      )
      .selectAll('r')
      .where('r.scope', 'is', null);
    if (by) q = q.where('r.finished_at', '<=', by);
    const rows = await q.orderBy('r.ref').execute();
    // Two runs of one dataset may share a start time; keep one.
    const seen = new Map<string, RunSummary>();
    for (const row of rows) if (!seen.has(row.ref)) seen.set(row.ref, toSummary(row));
    return [...seen.values()];
  }

  async incidents(filter: IncidentFilter): Promise<Incident[]> {
    let q = this.db.selectFrom('quality_incidents').selectAll();
    if (filter.state) q = q.where('state', '=', filter.state);
    if (filter.ref) q = q.where('ref', '=', filter.ref);
    if (filter.idPrefix) q = q.where('id', 'like', `${filter.idPrefix.replace(/[%_\\]/g, '')}%`);
    if (filter.domains) q = q.where('domain', 'in', filter.domains.length ? [...filter.domains] : ['']);
    if (filter.assignee) q = q.where('assignees', 'like', `%${JSON.stringify(filter.assignee)}%`);
    const rows = await q
      .orderBy('updated_at', 'desc')
      .limit(filter.limit ?? 500)
      .execute();
    return rows.map(toIncident);
  }

  async openIncidentCounts() {
    const rows = await this.db
      .selectFrom('quality_incidents')
      .select(['domain', (eb) => eb.fn.countAll<number | string>().as('count')])
      .where('state', '=', 'open')
      .groupBy('domain')
      .execute();
    return rows.map((r) => ({ domain: r.domain, count: Number(r.count) }));
  }

  async incident(id: string): Promise<Incident | undefined> {
    const row = await this.db
      .selectFrom('quality_incidents')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toIncident(row) : undefined;
  }

  async syncSchedules(entries: readonly ScheduleEntry[], firstDue: (cron: string) => string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('quality_schedules').selectAll().execute();
      const current = new Map(rows.map((r) => [r.ref, r]));
      const wanted = new Map(entries.map((e) => [e.ref, e]));
      const gone = rows.filter((r) => !wanted.has(r.ref)).map((r) => r.ref);
      if (gone.length) await trx.deleteFrom('quality_schedules').where('ref', 'in', gone).execute();
      for (const e of entries) {
        const row = current.get(e.ref);
        if (row && row.cron === e.cron && row.source === e.source) continue;
        const values = { cron: e.cron, source: e.source, next_due: firstDue(e.cron) };
        await trx
          .insertInto('quality_schedules')
          .values({ ref: e.ref, ...values, lease_owner: null, lease_until: null, last_run_at: null })
          .onConflict((oc) => oc.column('ref').doUpdateSet(values))
          .execute();
      }
    });
  }

  async schedules(): Promise<ScheduleRow[]> {
    const rows = await this.db.selectFrom('quality_schedules').selectAll().orderBy('next_due').execute();
    return rows.map(toSchedule);
  }

  async claimDue(now: string, owner: string, leaseUntil: string, limit: number): Promise<ScheduleRow[]> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx
        .selectFrom('quality_schedules')
        .selectAll()
        .where('next_due', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .orderBy('next_due')
        .limit(limit);
      if (this.rowLocks) q = q.forUpdate().skipLocked();
      const due = await q.execute();
      const claimed: ScheduleRow[] = [];
      for (const row of due) {
        // The condition is repeated so that a lease taken meanwhile (SQLite, no row locks) is kept.
        const result = await trx
          .updateTable('quality_schedules')
          .set({ lease_owner: owner, lease_until: leaseUntil })
          .where('ref', '=', row.ref)
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1)
          claimed.push(toSchedule({ ...row, lease_owner: owner, lease_until: leaseUntil }));
      }
      return claimed;
    });
  }

  async finishDue(ref: string, owner: string, nextDue: string, ranAt: string): Promise<void> {
    await this.db
      .updateTable('quality_schedules')
      .set({ lease_owner: null, lease_until: null, next_due: nextDue, last_run_at: ranAt })
      .where('ref', '=', ref)
      .where('lease_owner', '=', owner)
      .execute();
  }
}

function toSchedule(r: Database['quality_schedules']): ScheduleRow {
  return {
    ref: r.ref,
    cron: r.cron,
    source: r.source,
    nextDue: r.next_due,
    leaseOwner: r.lease_owner,
    leaseUntil: r.lease_until,
    lastRunAt: r.last_run_at,
  };
}

/** The quality store for a catalog store (the composition roots call this). */
export function qualityStoreFor(store: CatalogStore): QualityStore {
  if (store instanceof SqlStore) return new SqlQualityStore(store);
  throw new Error('data quality needs the SQL store');
}
