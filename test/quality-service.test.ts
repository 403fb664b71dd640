/**
 * Runs, incidents, scores, audit and schedule leases on both stores: a real contract over a real CSV,
 * checked, broken, fixed and checked again.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../src/catalog/catalog.js';
import { parseSources } from '../src/catalog/parse.js';
import { QualityScheduler } from '../src/quality/quality-scheduler.js';
import { QualityService } from '../src/quality/quality-service.js';
import { openStore } from '../src/store/open-store.js';
import { qualityStoreFor } from '../src/store/sql/sql-quality-store.js';
import { BAD, GOOD, QUALITY_ORG } from './quality-fixtures.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`quality on ${factory.name}`, () => {
    let handle: StoreHandle;
    let dir: string;
    let service: QualityService;
    const REF = 'dataset:payments/refunds';

    beforeEach(async () => {
      handle = await factory.create();
      dir = mkdtempSync(join(tmpdir(), 'charter-qs-'));
      const catalog = new Catalog(handle.store, { actor: 'user:alice' });
      const applied = await catalog.apply(parseSources([{ name: 'org.yaml', content: QUALITY_ORG }]));
      expect(applied.applied).toBe(true);
      service = new QualityService(catalog, qualityStoreFor(handle.store), {
        actor: 'user:alice',
        dataRoot: dir,
      });
    });
    afterEach(async () => {
      await handle.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('stores a run, opens an incident for owner and steward, then resolves it, all audited', async () => {
      writeFileSync(join(dir, 'refunds.csv'), BAD);
      const first = await service.check({ ref: REF }, { samples: 2 });
      expect(first.status).toBe('failed');
      const run = first.runs[0]!;
      expect(run.counts).toEqual({ passed: 8, failed: 2, error: 0, skipped: 0 });
      expect(run.checks.find((c) => c.id === 'refunds.refund_id.unique')).toMatchObject({
        status: 'failed',
        measured: 1,
      });
      // Samples never carry the confidential column's values.
      const sample = run.checks.find((c) => c.id === 'amount-positive')!.samples!;
      expect(sample).toEqual([{ refund_id: 'r1', email: '***', amount: '-20' }]);
      // Severity weights: 7 passing checks of weight 3 (error, the default) and the warning-level
      // row count (2) against those plus the two failing checks (3 + 3).
      expect(run.score).toBeCloseTo((23 / 29) * 100, 1);
      expect(run.owners).toEqual(['user:alice']);
      expect(run.stewards).toEqual(['user:bob']);

      const stored = await service.run(run.id);
      expect(stored.checks).toEqual(run.checks);
      expect(stored.contractVersion).toBe(1);

      const [incident] = await service.incidents({});
      expect(incident).toMatchObject({
        ref: REF,
        state: 'open',
        assignees: ['user:alice', 'user:bob'],
        failing: [
          { id: 'refunds.refund_id.unique', measured: 1 },
          { id: 'amount-positive', measured: 1 },
        ],
      });
      expect(await service.incidents({ assignee: 'user:bob' })).toHaveLength(1);
      // An assignee the catalog does not hold is said to be unknown, not answered with an empty list.
      await expect(service.incidents({ assignee: 'user:nobody' })).rejects.toThrow(
        "User 'user:nobody' not found",
      );
      expect(await service.incidents({ domain: 'finance' })).toHaveLength(1);
      // What /metrics reports (charter_quality_incidents_open).
      expect(await qualityStoreFor(handle.store).openIncidentCounts()).toEqual([
        { domain: 'payments', count: 1 },
      ]);

      // A second failing run updates the same incident; it does not open another.
      await service.check({ ref: REF });
      const again = await service.incidents({});
      expect(again).toHaveLength(1);
      expect(again[0]!.runs).toBe(2);
      expect(again[0]!.timeline.map((e) => e.action)).toEqual(['opened']);

      writeFileSync(join(dir, 'refunds.csv'), GOOD);
      const fixed = await service.check({ domain: 'finance' });
      expect(fixed.status).toBe('passed');
      expect(await service.incidents({})).toHaveLength(0);
      const [resolved] = await service.incidents({ state: 'resolved' });
      expect(resolved!.id).toBe(incident!.id);
      expect(resolved!.timeline.map((e) => e.action)).toEqual(['opened', 'resolved']);
      expect(resolved!.resolvedAt).not.toBeNull();
      expect(await qualityStoreFor(handle.store).openIncidentCounts()).toEqual([]);

      const audit = await service.catalog.auditLog({ ref: REF, limit: 100 });
      expect(audit.map((a) => [a.action, a.actor])).toEqual([
        ['create', 'user:alice'],
        ['quality.run', 'user:alice'],
        ['incident.open', 'user:alice'],
        ['quality.run', 'user:alice'],
        ['quality.run', 'user:alice'],
        ['incident.resolve', 'user:alice'],
      ]);
      expect(audit[2]!.details).toMatchObject({
        incidentId: incident!.id,
        assignees: ['user:alice', 'user:bob'],
      });
      expect((await service.catalog.auditVerify()).intact).toBe(true);
    });

    it("keeps a person's answers to an open incident in its timeline and the audit log, by its short id too", async () => {
      writeFileSync(join(dir, 'refunds.csv'), BAD);
      await service.check({ ref: REF });
      const [incident] = await service.incidents({});
      const as = (actor: string) =>
        new QualityService(service.catalog, service.store, {
          actor,
          dataRoot: dir,
          now: () => new Date('2026-11-30T08:00:00Z'),
        });
      const acked = await as('user:bob').answerIncident(incident!.id.slice(0, 8), {
        note: '  Duplicate refund ids from the PSP export; on it  ',
        acknowledge: true,
      });
      expect(acked.id).toBe(incident!.id);
      expect(acked.timeline.at(-1)).toEqual({
        time: '2026-11-30T08:00:00.000Z',
        action: 'acknowledged',
        runId: incident!.lastRunId,
        actor: 'user:bob',
        failing: ['refunds.refund_id.unique', 'amount-positive'],
        note: 'Duplicate refund ids from the PSP export; on it',
      });
      await as('user:alice').answerIncident(incident!.id, { note: 'PSP fixes it on Monday' });
      const stored = await service.incident(incident!.id);
      expect(stored.timeline.map((e) => [e.action, e.actor, e.note ?? null])).toEqual([
        ['opened', 'user:alice', null],
        ['acknowledged', 'user:bob', 'Duplicate refund ids from the PSP export; on it'],
        ['note', 'user:alice', 'PSP fixes it on Monday'],
      ]);
      expect(stored.state).toBe('open');
      const audit = await service.catalog.auditLog({ ref: REF, limit: 100 });
      expect(audit.slice(-2).map((a) => [a.action, a.actor, a.details])).toEqual([
        [
          'incident.acknowledge',
          'user:bob',
          { incidentId: incident!.id, note: 'Duplicate refund ids from the PSP export; on it' },
        ],
        ['incident.note', 'user:alice', { incidentId: incident!.id, note: 'PSP fixes it on Monday' }],
      ]);
      expect((await service.catalog.auditVerify()).intact).toBe(true);
      // Nothing to say, an id that names nothing: refused, nothing written.
      await expect(as('user:bob').answerIncident(incident!.id, { note: '   ' })).rejects.toThrow(
        'note is required: say what you found or are doing about it',
      );
      await expect(as('user:bob').answerIncident('0000', { note: 'x' })).rejects.toThrow(
        "Incident '0000' not found",
      );
      // A passing run resolves it whatever was said; a resolved incident takes no more answers.
      writeFileSync(join(dir, 'refunds.csv'), GOOD);
      await service.check({ ref: REF });
      await expect(as('user:bob').answerIncident(incident!.id, { note: 'late' })).rejects.toThrow(
        `Incident '${incident!.id}' is resolved: a passing run closed it`,
      );
      expect((await service.incident(incident!.id)).timeline.map((e) => e.action)).toEqual([
        'opened',
        'acknowledged',
        'note',
        'resolved',
      ]);
    });

    it('runs a subset of checks or filtered rows: the incident keeps what they did not re-check, the score waits for a complete run', async () => {
      writeFileSync(join(dir, 'refunds.csv'), BAD);
      const full = (await service.check({ ref: REF })).runs[0]!;
      const failingIds = async () => (await service.incidents({}))[0]?.failing.map((f) => f.id);
      expect(await failingIds()).toEqual(['refunds.refund_id.unique', 'amount-positive']);

      // The amount is fixed, the duplicate id is not; only the amount rule is checked.
      writeFileSync(join(dir, 'refunds.csv'), 'refund_id,email,amount\nr1,a@x.io,10\nr1,b@x.io,20\n');
      const one = (await service.check({ ref: REF }, { select: { checks: ['amount-positive'] } })).runs[0]!;
      expect(one.checks.map((c) => [c.id, c.status])).toEqual([['amount-positive', 'passed']]);
      expect(one.scope).toEqual({ checks: ['amount-positive'] });
      expect(await failingIds()).toEqual(['refunds.refund_id.unique']);

      // Every row passes on the rows the filter keeps... but the filter says nothing of the others.
      writeFileSync(join(dir, 'refunds.csv'), GOOD);
      const filtered = (await service.check({ ref: REF }, { filter: 'amount >= 10' })).runs[0]!;
      expect(filtered.status).toBe('passed');
      expect(filtered.scope).toEqual({ filters: { refunds: 'amount >= 10' } });
      expect(await failingIds()).toEqual(['refunds.refund_id.unique']);

      // Partial runs are in the trend; the score is still the complete run's.
      const report = await service.quality(REF);
      expect(report.trend!.map((r) => r.scope ?? null)).toEqual([
        { filters: { refunds: 'amount >= 10' } },
        { checks: ['amount-positive'] },
        null,
      ]);
      expect(report.score).toBe(full.score);
      expect(report.datasets[0]!.runId).toBe(full.id);

      const complete = await service.check({ ref: REF });
      expect(complete.status).toBe('passed');
      expect(await service.incidents({})).toHaveLength(0);
      const [resolved] = await service.incidents({ state: 'resolved' });
      expect(resolved!.timeline.map((e) => e.action)).toEqual(['opened', 'updated', 'resolved']);
      expect((await service.quality(REF)).score).toBe(100);

      const audit = await service.catalog.auditLog({ ref: REF, limit: 100 });
      expect(audit.filter((a) => a.action === 'quality.run').map((a) => a.details?.scope ?? null)).toEqual([
        null,
        { checks: ['amount-positive'] },
        { filters: { refunds: 'amount >= 10' } },
        null,
      ]);
    });

    it('refuses a selection that matches no check and a row filter over several datasets', async () => {
      writeFileSync(join(dir, 'refunds.csv'), GOOD);
      await expect(service.check({ ref: REF }, { select: { dimensions: ['timeliness'] } })).rejects.toThrow(
        /No check of the contract matches --dimension timeliness/,
      );
      await expect(service.check({ all: true }, { filter: 'amount >= 10' })).rejects.toThrow(
        /A row filter applies to one dataset/,
      );
      await expect(service.check({ ref: REF }, { filter: 'no_such_column = 1' })).rejects.toThrow(
        /The row filter for table 'refunds' cannot be applied/,
      );
      expect(await service.runs({ ref: REF })).toEqual([]);
    });

    it('rolls scores up per dataset, product, domain and owner, with the trend', async () => {
      writeFileSync(join(dir, 'refunds.csv'), BAD);
      await service.check({ all: true });
      writeFileSync(join(dir, 'refunds.csv'), GOOD);
      await service.check({ product: 'product:payments/refund-data' });
      const dataset = await service.quality(REF);
      expect(dataset.score).toBe(100);
      expect(dataset.trend!.map((r) => r.status)).toEqual(['passed', 'failed']);
      expect(dataset.failing).toEqual([]);
      for (const ref of ['product:payments/refund-data', 'domain:finance', 'domain:payments', 'user:alice']) {
        const report = await service.quality(ref);
        expect(report.score).toBe(100);
        expect(report.datasets.map((d) => d.ref)).toEqual([REF]);
      }
      // A user's roll-up: the datasets they own or steward, and as which.
      expect((await service.quality('user:alice')).datasets.map((d) => d.as)).toEqual([['owner']]);
      const bob = await service.quality('user:bob');
      expect([bob.kind, bob.score, bob.datasets.map((d) => [d.ref, d.as])]).toEqual([
        'owner',
        100,
        [[REF, ['steward']]],
      ]);
    });

    it('records unreachable data as an error run and an incident', async () => {
      const report = await service.check({ ref: REF });
      expect(report.status).toBe('error');
      expect(report.runs[0]!.message).toMatch(/the file 'refunds.csv' does not exist/);
      expect(report.runs[0]!.score).toBeNull();
      expect((await service.incidents({}))[0]!.failing.every((f) => f.status === 'error')).toBe(true);
    });

    it('refuses what is not a dataset and names unknown servers', async () => {
      await expect(service.check({ ref: 'domain:finance' })).rejects.toThrow(/is not a dataset/);
      await expect(service.check({})).rejects.toThrow(/exactly one/);
      writeFileSync(join(dir, 'refunds.csv'), GOOD);
      await expect(service.check({ ref: REF }, { server: 'prod' })).rejects.toThrow(
        "Server 'prod' is not declared in the contract; it declares 'local'",
      );
    });

    it('schedules from the contract, leases each due run to one server, and lets a lease expire', async () => {
      writeFileSync(join(dir, 'refunds.csv'), GOOD);
      let clock = new Date('2026-01-01T00:00:00Z');
      const now = () => clock;
      const a = new QualityScheduler(service, { owner: 'a', now, leaseMs: 60_000 });
      const b = new QualityScheduler(service, { owner: 'b', now, leaseMs: 60_000 });
      expect(await a.entries()).toEqual([{ ref: REF, cron: '*/5 * * * *', source: 'contract' }]);
      expect(await a.tick()).toEqual([]);
      const [row] = await service.store.schedules();
      expect(row!.nextDue).toBe('2026-01-01T00:05:00.000Z');

      clock = new Date('2026-01-01T00:05:30Z');
      const store = service.store;
      // Both servers try at once; exactly one gets the lease.
      const claims = await Promise.all([
        store.claimDue(clock.toISOString(), 'a', '2026-01-01T00:06:30.000Z', 5),
        store.claimDue(clock.toISOString(), 'b', '2026-01-01T00:06:30.000Z', 5),
      ]);
      expect(claims.map((c) => c.length).sort()).toEqual([0, 1]);
      // The holder "crashes"; before the lease ends nobody else may take it, after it another does.
      expect(await b.tick()).toEqual([]);
      clock = new Date('2026-01-01T00:07:00Z');
      expect(await b.tick()).toEqual([REF]);
      await b.idle();
      const [after] = await store.schedules();
      expect(after).toMatchObject({ leaseOwner: null, nextDue: '2026-01-01T00:10:00.000Z' });
      const runs = await service.runs({ ref: REF });
      expect(runs.map((r) => [r.trigger, r.status])).toEqual([['schedule', 'passed']]);
      expect(await a.tick()).toEqual([]);
    });
  });
}

describe('two servers on one database', () => {
  it('run each due check once', async (ctx) => {
    const factory = storeFactories.find((f) => f.name === 'postgres')!;
    if (!(await factory.available())) return ctx.skip();
    const handle = await factory.create();
    const dir = mkdtempSync(join(tmpdir(), 'charter-qs-'));
    const second = await openStore({ databaseUrl: handle.url! });
    try {
      writeFileSync(join(dir, 'refunds.csv'), GOOD);
      const catalog = new Catalog(handle.store, { actor: 'user:alice' });
      await catalog.apply(parseSources([{ name: 'org.yaml', content: QUALITY_ORG }]));
      let clock = new Date('2026-01-01T00:00:00Z');
      const now = () => clock;
      const make = (store: typeof handle.store, owner: string) =>
        new QualityScheduler(
          new QualityService(new Catalog(store, { actor: 'system:scheduler' }), qualityStoreFor(store), {
            actor: 'system:scheduler',
            dataRoot: dir,
          }),
          { owner, now },
        );
      const [a, b] = [make(handle.store, 'a'), make(second, 'b')];
      await a.tick();
      clock = new Date('2026-01-01T00:05:01Z');
      const started = await Promise.all([a.tick(), b.tick()]);
      await Promise.all([a.idle(), b.idle()]);
      expect(started.flat()).toEqual(['dataset:payments/refunds']);
      const runs = await qualityStoreFor(handle.store).runs({});
      expect(runs).toHaveLength(1);
    } finally {
      await second.close();
      await handle.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
