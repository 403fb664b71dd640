/**
 * Webhooks end to end against a real HTTP receiver: CloudEvents queued in the transaction of the
 * change (incident, outcome, denial …), delivered signed, retried with backoff on failure, moved to
 * the dead-letter list after the last attempt and retried from there; and, on PostgreSQL, two
 * servers sharing one database deliver every event exactly once. Time is injected, never waited on.
 * The receivers listen on 127.0.0.1, which a webhook reaches only when CHARTER_WEBHOOK_ALLOW_PRIVATE
 * allows it: the tests that deliver set it, and the tests of that protection unset it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ALLOW_PRIVATE_SETTING, verifyWebhook, WebhookDeliverer } from '../src/lineage/webhooks.js';
import { ConflictError, InputError } from '../src/model/errors.js';
import { openStore } from '../src/store/open-store.js';
import { lineageStoreFor } from '../src/store/sql/sql-lineage-store.js';
import type { SqlStore } from '../src/store/sql/sql-store.js';
import { applyYaml, type LineageSetup, lineageSetup, orgYaml } from './lineage-support.js';
import {
  createPostgresDatabase,
  postgresAvailable,
  type StoreHandle,
  storeFactories,
} from './support/stores.js';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver answering with the given statuses in turn (then 200), recording every request. */
async function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const SECRET = 'test-secret-0123456789abcdef';

/** Lets this test's webhooks reach the receivers on 127.0.0.1 (undone after each test). */
const allowPrivate = () => vi.stubEnv(ALLOW_PRIVATE_SETTING, 'true');
const forbidPrivate = () => vi.stubEnv(ALLOW_PRIVATE_SETTING, undefined);

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`webhooks on ${factory.name}`, () => {
    let handle: StoreHandle;
    let s: LineageSetup;
    let clock: Date;
    const now = () => clock;

    beforeEach(async () => {
      handle = await factory.create();
      clock = new Date('2026-02-01T10:00:00.000Z');
      s = lineageSetup(handle.store, now);
      expect((await applyYaml(s.catalog, orgYaml)).applied).toBe(true);
    });
    afterEach(async () => {
      vi.unstubAllEnvs();
      await handle.dispose();
    });

    it('delivers a signed CloudEvent for an outcome to the webhooks of the domains behind it', async () => {
      allowPrivate();
      const rx = await receiver();
      try {
        const risk = await s.lineage.addWebhook({ url: rx.url, domain: 'risk', secret: SECRET });
        const payments = await s.lineage.addWebhook({ url: rx.url, domain: 'payments', secret: SECRET });
        await s.lineage.addWebhook({
          url: rx.url,
          secret: SECRET,
          events: ['io.charter.incident.opened'],
        });
        const o = await s.lineage.recordOutcome({
          subject: 'model:risk/fraud-scorer',
          type: 'drift',
          severity: 'medium',
          summary: 'Fraud scores drifted',
        });
        const deliverer = new WebhookDeliverer(lineageStoreFor(handle.store), { now, owner: 'a' });
        expect(await deliverer.tick()).toEqual({ claimed: 2, delivered: 2, retried: 0, dead: 0 });
        expect(await deliverer.tick()).toEqual({ claimed: 0, delivered: 0, retried: 0, dead: 0 });
        expect(rx.received).toHaveLength(2);
        for (const r of rx.received) {
          expect(r.headers['content-type']).toBe('application/cloudevents+json');
          const headers = {
            'webhook-id': String(r.headers['webhook-id']),
            'webhook-timestamp': String(r.headers['webhook-timestamp']),
            'webhook-signature': String(r.headers['webhook-signature']),
          };
          expect(verifyWebhook(SECRET, headers, r.body)).toBe(true);
          expect(verifyWebhook('another-secret-0123456789', headers, r.body)).toBe(false);
          expect(verifyWebhook(SECRET, headers, r.body.replace('drift', 'dri_t'))).toBe(false);
          const event = JSON.parse(r.body);
          expect(event).toMatchObject({
            specversion: '1.0',
            id: headers['webhook-id'],
            source: 'urn:charter',
            type: 'io.charter.outcome.recorded',
            subject: 'model:risk/fraud-scorer',
            time: '2026-02-01T10:00:00.000Z',
            data: { action: 'outcome.record', actor: 'user:pipeline', details: { outcome: o.id } },
          });
        }
        // Both domain webhooks got the same event (risk: the model's; payments: upstream data).
        expect(new Set(rx.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
        const delivered = await s.lineage.deliveries({ state: 'delivered' });
        expect(delivered.map((d) => d.webhookId).sort()).toEqual([risk.id, payments.id].sort());
      } finally {
        await rx.close();
      }
    });

    it('sends a test event to the one webhook asked, whatever events it subscribes to, signed like any other', async () => {
      allowPrivate();
      const rx = await receiver();
      try {
        const asked = await s.lineage.addWebhook({
          url: rx.url,
          domain: 'payments',
          secret: SECRET,
          events: ['io.charter.incident.opened'],
        });
        const other = await s.lineage.addWebhook({ url: rx.url, domain: 'payments', secret: SECRET });
        await s.lineage.addWebhook({ url: rx.url, secret: SECRET });
        const queued = await s.lineage.testWebhook(asked.id);
        expect(queued).toMatchObject({
          webhookId: asked.id,
          eventType: 'io.charter.webhook.test',
          state: 'pending',
          attempts: 0,
          url: rx.url,
        });
        const deliverer = new WebhookDeliverer(lineageStoreFor(handle.store), { now, owner: 'a' });
        expect(await deliverer.tick()).toEqual({ claimed: 1, delivered: 1, retried: 0, dead: 0 });
        expect(rx.received).toHaveLength(1);
        const [r] = rx.received;
        const headers = {
          'webhook-id': String(r!.headers['webhook-id']),
          'webhook-timestamp': String(r!.headers['webhook-timestamp']),
          'webhook-signature': String(r!.headers['webhook-signature']),
        };
        expect(verifyWebhook(SECRET, headers, r!.body)).toBe(true);
        expect(JSON.parse(r!.body)).toMatchObject({
          specversion: '1.0',
          type: 'io.charter.webhook.test',
          subject: 'domain:payments',
          time: '2026-02-01T10:00:00.000Z',
          data: {
            action: 'webhook.test',
            actor: 'user:pipeline',
            details: { webhook: asked.id, url: rx.url },
          },
        });
        expect(await s.lineage.deliveries({ webhook: other.id })).toEqual([]);
        const [audited] = (await s.catalog.auditLog({ ref: 'domain:payments' })).filter(
          (a) => a.action === 'webhook.test',
        );
        expect(audited).toMatchObject({ actor: 'user:pipeline', details: { webhook: asked.id } });
        await expect(s.lineage.testWebhook('nope')).rejects.toThrow("Webhook 'nope' not found");
        // Each test answers with its own delivery, however many are asked in the same instant.
        const more = await Promise.all(Array.from({ length: 6 }, () => s.lineage.testWebhook(asked.id)));
        expect(new Set([queued.id, ...more.map((d) => d.id)]).size).toBe(7);
        expect(more.every((d) => d.state === 'pending' && d.webhookId === asked.id)).toBe(true);
      } finally {
        await rx.close();
      }
    });

    it('retries with exponential backoff, dead-letters after the last attempt, and retries from there', async () => {
      allowPrivate();
      const rx = await receiver([500, 503, 502]);
      try {
        await s.lineage.addWebhook({ url: rx.url, secret: SECRET });
        // A denial is an event too.
        await applyYaml(
          s.catalog,
          `apiVersion: charter/v1\nkind: Policy\nmetadata: {name: nothing-passes}\nspec: {match: {kinds: [DataContract]}, rule: "false", message: no, enforcement: deny}\n`,
        );
        const denied = await applyYaml(s.catalog, orgYaml.replace('Help articles', 'Help articles and FAQs'));
        expect(denied.summary.denied).toBe(1);
        // The denial was stamped with the real time; the deliverer's clock starts a minute later.
        const t0 = Date.now() + 60_000;
        clock = new Date(t0);
        const at = (ms: number) => new Date(t0 + ms).toISOString();
        const deliverer = new WebhookDeliverer(lineageStoreFor(handle.store), {
          now,
          owner: 'a',
          maxAttempts: 3,
          backoffMs: 10_000,
        });
        expect(await deliverer.tick()).toMatchObject({ claimed: 1, retried: 1 });
        let [d] = await s.lineage.deliveries({});
        expect(d).toMatchObject({
          state: 'pending',
          attempts: 1,
          lastStatus: 500,
          lastError: 'the receiver answered 500',
        });
        expect(d!.nextAttemptAt).toBe(at(10_000));
        // Not due yet: nothing is sent.
        expect(await deliverer.tick()).toMatchObject({ claimed: 0 });
        clock = new Date(t0 + 10_000);
        expect(await deliverer.tick()).toMatchObject({ claimed: 1, retried: 1 });
        [d] = await s.lineage.deliveries({});
        expect(d).toMatchObject({ attempts: 2, lastStatus: 503, nextAttemptAt: at(30_000) });
        clock = new Date(t0 + 30_000);
        expect(await deliverer.tick()).toMatchObject({ claimed: 1, dead: 1 });
        const dead = await s.lineage.deliveries({ state: 'dead' });
        expect(dead).toEqual([expect.objectContaining({ attempts: 3, lastStatus: 502 })]);
        const event = JSON.parse(rx.received[0]!.body);
        expect(event.type).toBe('io.charter.admission.denied');
        expect(event.data.details.violations[0].policy).toBe('policy:nothing-passes');
        // From the dead-letter list, once the receiver is fixed.
        await s.lineage.retryDelivery(dead[0]!.id);
        expect(await deliverer.tick()).toMatchObject({ claimed: 1, delivered: 1 });
        expect(rx.received).toHaveLength(4);
        expect(new Set(rx.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
      } finally {
        await rx.close();
      }
    });

    it('refuses a URL whose host is a loopback, private or link-local address, unless allowed', async () => {
      forbidPrivate();
      const hint =
        'webhooks go to public addresses only, unless Charter runs with CHARTER_WEBHOOK_ALLOW_PRIVATE=true';
      for (const [url, refusal] of [
        ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
        ['http://10.0.0.5/hook', '10.0.0.5 is a private address'],
        ['http://[::1]:8080/hook', '::1 is a loopback address'],
        // Other spellings of the same addresses.
        ['http://2130706433/hook', '127.0.0.1 is a loopback address'],
        ['https://[::ffff:a9fe:a9fe]/hook', '::ffff:a9fe:a9fe is a link-local address'],
        ['http://[fd00::1]/hook', 'fd00::1 is a private address'],
        ['http://0.0.0.0:8080/hook', '0.0.0.0 is an unspecified address'],
      ]) {
        const added = s.lineage.addWebhook({ url: url!, secret: SECRET });
        await expect(added, url).rejects.toThrow(InputError);
        await expect(added, url).rejects.toThrow(`url's host ${refusal}; ${hint}`);
      }
      expect(await s.lineage.webhooks()).toEqual([]);
      // A public address, or a host name (checked when a delivery connects), is accepted.
      await s.lineage.addWebhook({ url: 'http://93.184.215.14/hook', secret: SECRET });
      await s.lineage.addWebhook({ url: 'https://hooks.example.com/hook', secret: SECRET });
      allowPrivate();
      await s.lineage.addWebhook({ url: 'http://169.254.169.254/latest/meta-data/', secret: SECRET });
      expect((await s.lineage.webhooks()).map((w) => w.url)).toContain(
        'http://169.254.169.254/latest/meta-data/',
      );
    });

    it('does not connect to a host name resolving to a loopback address unless allowed, then dead-letters', async () => {
      forbidPrivate();
      const rx = await receiver();
      try {
        // localhost is a host name: accepted now, refused by the address it resolves to when sent.
        const hook = await s.lineage.addWebhook({
          url: rx.url.replace('127.0.0.1', 'localhost'),
          secret: SECRET,
        });
        await s.lineage.recordOutcome({
          subject: 'model:risk/fraud-scorer',
          type: 'drift',
          severity: 'medium',
          summary: 'Fraud scores drifted',
        });
        const store = lineageStoreFor(handle.store);
        const strict = new WebhookDeliverer(store, { now, owner: 'a', maxAttempts: 2, backoffMs: 10_000 });
        const refusal =
          /^the receiver's host localhost resolves to (127\.0\.0\.1|::1), a loopback address; webhooks go to public addresses only, unless Charter runs with CHARTER_WEBHOOK_ALLOW_PRIVATE=true$/;
        expect(await strict.tick()).toEqual({ claimed: 1, delivered: 0, retried: 1, dead: 0 });
        let [d] = await s.lineage.deliveries({ webhook: hook.id });
        expect(d).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null });
        expect(d!.lastError).toMatch(refusal);
        clock = new Date(clock.getTime() + 10_000);
        expect(await strict.tick()).toMatchObject({ claimed: 1, dead: 1 });
        [d] = await s.lineage.deliveries({ webhook: hook.id });
        expect(d).toMatchObject({ state: 'dead', attempts: 2 });
        expect(d!.lastError).toMatch(refusal);
        expect(rx.received).toEqual([]);
        // The operator allows it: retried from the dead-letter list, it is delivered.
        allowPrivate();
        const allowing = new WebhookDeliverer(store, { now, owner: 'b' });
        await s.lineage.retryDelivery(d!.id);
        expect(await allowing.tick()).toMatchObject({ claimed: 1, delivered: 1 });
        expect(rx.received).toHaveLength(1);
        await allowing.stop();
      } finally {
        await rx.close();
      }
    });

    it('does not connect to an address subscribed while allowed once the setting is removed', async () => {
      allowPrivate();
      const rx = await receiver();
      try {
        const hook = await s.lineage.addWebhook({ url: rx.url, secret: SECRET });
        await s.lineage.recordOutcome({
          subject: 'model:risk/fraud-scorer',
          type: 'drift',
          severity: 'medium',
          summary: 'Fraud scores drifted',
        });
        forbidPrivate();
        const deliverer = new WebhookDeliverer(lineageStoreFor(handle.store), { now, owner: 'a' });
        expect(await deliverer.tick()).toMatchObject({ claimed: 1, retried: 1 });
        const [d] = await s.lineage.deliveries({ webhook: hook.id });
        expect(d!.lastError).toBe(
          "the receiver's address 127.0.0.1 is a loopback address; webhooks go to public addresses only, unless Charter runs with CHARTER_WEBHOOK_ALLOW_PRIVATE=true",
        );
        expect(rx.received).toEqual([]);
      } finally {
        await rx.close();
      }
    });

    it('refuses to retry a delivery whose webhook was removed, and dead-letters one left pending', async () => {
      const hook = await s.lineage.addWebhook({ url: 'https://hooks.example.com/x', secret: SECRET });
      await s.lineage.recordOutcome({
        subject: 'model:risk/fraud-scorer',
        type: 'drift',
        severity: 'medium',
        summary: 'Fraud scores drifted',
      });
      await s.lineage.removeWebhook(hook.id);
      const [dead] = await s.lineage.deliveries({ state: 'dead' });
      expect(dead).toMatchObject({ webhookId: hook.id, lastError: 'the webhook was removed' });
      const retried = s.lineage.retryDelivery(dead!.id);
      await expect(retried).rejects.toThrow(ConflictError);
      await expect(retried).rejects.toThrow(
        `Delivery '${dead!.id}' cannot be retried: its webhook was removed`,
      );
      expect(await s.lineage.deliveries({ state: 'pending' })).toEqual([]);
      // One made pending before retries checked the webhook: the deliverer dead-letters it at once.
      await (handle.store as SqlStore).db
        .updateTable('webhook_deliveries')
        .set({ state: 'pending', next_attempt_at: clock.toISOString() })
        .where('id', '=', dead!.id)
        .execute();
      const deliverer = new WebhookDeliverer(lineageStoreFor(handle.store), { now, owner: 'a' });
      expect(await deliverer.tick()).toEqual({ claimed: 0, delivered: 0, retried: 0, dead: 0 });
      expect(await s.lineage.deliveries({})).toEqual([
        expect.objectContaining({
          id: dead!.id,
          state: 'dead',
          lastError: 'the webhook was removed',
          leaseOwner: null,
          leaseUntil: null,
        }),
      ]);
    });

    it('queues approvals requested and decided', async () => {
      await s.lineage.addWebhook({ url: 'https://hooks.example.com/x', domain: 'support', secret: SECRET });
      await applyYaml(
        s.catalog,
        `apiVersion: charter/v1\nkind: Policy\nmetadata: {name: changes-reviewed}\nspec: {match: {kinds: [DataContract]}, rule: "!has(previous.status)", message: reviewed, enforcement: require-approval}\n`,
      );
      const { parseSources } = await import('../src/catalog/parse.js');
      const pending = await s.catalog
        .as('user:dan')
        .apply(
          parseSources([
            { name: 'org.yaml', content: orgYaml.replace('Help articles', 'Help articles, reviewed') },
          ]),
        );
      expect(pending.summary.pending).toBe(1);
      const { Governance } = await import('../src/policy/governance.js');
      await new Governance(s.catalog).decideApproval('dataset:support/kb', 'approved', 'user:ada', null);
      const outbox = await lineageStoreFor(handle.store).outboxEvents({});
      expect(outbox.map((e) => [e.type, e.subject])).toEqual([
        ['io.charter.approval.requested', 'dataset:support/kb'],
        ['io.charter.approval.decided', 'dataset:support/kb'],
      ]);
      expect(outbox[1]!.payload).toMatchObject({ data: { action: 'approve', actor: 'user:ada' } });
      expect(await s.lineage.deliveries({ state: 'pending' })).toHaveLength(2);
    });

    it('queues incidents opened, answered and resolved, in the transaction that changes them', async () => {
      await s.lineage.addWebhook({ url: 'https://hooks.example.com/x', domain: 'support', secret: SECRET });
      const { QualityService } = await import('../src/quality/quality-service.js');
      const { qualityStoreFor } = await import('../src/store/sql/sql-quality-store.js');
      const { mkdtempSync, writeFileSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const root = mkdtempSync(join(tmpdir(), 'charter-wh-'));
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(root, 'data', 'support'), { recursive: true });
      const withRule = orgYaml.replace(
        '{name: article_id, logicalType: string, classification: public, description: Key}',
        '{name: article_id, logicalType: string, classification: public, description: Key, quality: [{metric: nullValues, mustBe: 0}]}',
      );
      await applyYaml(s.catalog, withRule);
      const quality = new QualityService(s.catalog, qualityStoreFor(handle.store), {
        actor: 'user:dan',
        dataRoot: root,
        now,
      });
      writeFileSync(join(root, 'data', 'support', 'kb.csv'), 'article_id,body\n,hello\n');
      await quality.check({ ref: 'dataset:support/kb' });
      // Someone answers it in between: that goes out too, saying who and what.
      const [open] = await quality.incidents({});
      await quality.answerIncident(open!.id, { note: 'An empty id from the export', acknowledge: true });
      writeFileSync(join(root, 'data', 'support', 'kb.csv'), 'article_id,body\na1,hello\n');
      await quality.check({ ref: 'dataset:support/kb' });
      const outbox = await lineageStoreFor(handle.store).outboxEvents({});
      expect(outbox.map((e) => [e.type, e.subject])).toEqual([
        ['io.charter.incident.opened', 'dataset:support/kb'],
        ['io.charter.incident.answered', 'dataset:support/kb'],
        ['io.charter.incident.resolved', 'dataset:support/kb'],
      ]);
      expect(outbox[1]!.payload).toMatchObject({
        data: {
          action: 'incident.acknowledge',
          actor: 'user:dan',
          details: { incidentId: open!.id, note: 'An empty id from the export' },
        },
      });
      expect(await s.lineage.deliveries({ state: 'pending' })).toHaveLength(3);
    });
  });
}

describe.runIf(await postgresAvailable())('webhooks across two servers on one PostgreSQL', () => {
  let db: { url: string; drop: () => Promise<void> };
  beforeEach(async () => {
    db = await createPostgresDatabase();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await db.drop();
  });

  it('delivers every event exactly once when two servers run their delivery loops at once', async () => {
    allowPrivate();
    const rx = await receiver();
    const a = await openStore({ databaseUrl: db.url });
    const b = await openStore({ databaseUrl: db.url });
    try {
      const s = lineageSetup(a);
      expect((await applyYaml(s.catalog, orgYaml)).applied).toBe(true);
      await s.lineage.addWebhook({ url: rx.url, secret: SECRET });
      const outcomes = 40;
      for (let i = 0; i < outcomes; i++)
        await s.lineage.recordOutcome({
          subject: 'model:risk/fraud-scorer',
          type: 'evaluation',
          severity: 'info',
          summary: `Evaluation run ${i}`,
        });
      // Server B has its own store, service and outbox mapper, as another process would.
      lineageSetup(b);
      const one = new WebhookDeliverer(lineageStoreFor(a), { owner: 'server-a', concurrency: 2 });
      const two = new WebhookDeliverer(lineageStoreFor(b), { owner: 'server-b', concurrency: 2 });
      for (let round = 0; round < 50; round++) {
        const [x, y] = await Promise.all([one.tick(), two.tick()]);
        if (!x.claimed && !y.claimed) break;
      }
      const ids = rx.received.map((r) => String(r.headers['webhook-id']));
      expect(ids).toHaveLength(outcomes);
      expect(new Set(ids).size).toBe(outcomes);
      expect(await s.lineage.deliveries({ state: 'pending' })).toEqual([]);
    } finally {
      await a.close();
      await b.close();
      await rx.close();
    }
  });
});
