/**
 * The real `charter` binary for lineage: `lineage ingest FILE` (exit 0 stored, 2 invalid with nothing
 * stored), `trace` and `impact` with -o json, `outcome record`, `scorecard`, and the demo's
 * models, applications and AI policies applying cleanly with the starter charter. Ingest and
 * listing also through a running server (`--server`), answering as the local store does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseSources } from '../src/catalog/parse.js';
import { verifyWebhook, WebhookDeliverer } from '../src/lineage/webhooks.js';
import { buildApp } from '../src/server/app.js';
import { createPlatform } from '../src/server/platform.js';
import { lineageStoreFor } from '../src/store/sql/sql-lineage-store.js';
import { orgYaml } from './lineage-support.js';
import { charter, charterAsync, charterWith } from './support/cli.js';
import { repoRoot } from './support/reference.js';
import { storeFactories } from './support/stores.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'lineage');

describe('charter lineage CLI', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'charter-lineage-cli-'));
    const applied = charter(home, 'apply', '-f', join(fixtures, 'org.yaml'), '--as', 'user:ada');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('ingests a file of events, refusing the whole file when one event is not valid', () => {
    const bad = join(home, 'bad.ndjson');
    writeFileSync(
      bad,
      '{"eventTime":"2026-01-01T00:00:00Z","run":{"runId":"x"},"job":{"namespace":"a","name":"b"}}\nnot json\n',
    );
    const refused = charter(home, 'lineage', 'ingest', join(fixtures, 'events.ndjson'), bad);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain(`✗ ${bad}:1: run.runId is required and must be a UUID`);
    expect(refused.stdout).toContain(`✗ ${bad}:2: is not JSON`);
    expect(refused.stdout).toContain('Nothing was stored: 2 of 4 events are invalid.');
    const stored = charter(home, 'lineage', 'ingest', join(fixtures, 'events.ndjson'));
    expect(stored.code, stored.stderr).toBe(0);
    expect(stored.stdout).toContain(
      'dataset:risk/features features.email_domain declares internal but inherits confidential from dataset:payments/transactions#transactions.customer_email',
    );
    expect(stored.stdout).toMatch(/Stored 2 events \(batch 1\): 3 datasets \(2 managed: .*; 1 unmanaged\)/);
    const unmanaged = JSON.parse(charter(home, 'lineage', 'datasets', '--unmanaged', '-o', 'json').stdout);
    expect(unmanaged.map((d: { name: string }) => d.name)).toEqual(['payments.authorised']);
  });

  it('drafts a contract to adopt a reported dataset into a domain the catalog has, and refuses one it has not', () => {
    const args = ['lineage', 'adopt', 'kafka://broker:9092', 'payments.authorised'];
    const drafted = charter(home, ...args, '--domain', 'payments', '-o', 'json');
    expect(drafted.code, drafted.stderr).toBe(0);
    expect(JSON.parse(drafted.stdout)).toMatchObject({
      kind: 'DataContract',
      status: 'draft',
      domain: 'payments',
    });
    const refused = charter(home, ...args, '--domain', 'paymnts');
    expect([refused.code, refused.stdout]).toEqual([2, '']);
    expect(refused.stderr).toBe(
      "Error: Domain 'domain:paymnts' not found; known domains: payments, risk, support\n",
    );
  });

  it('traces and finds impact as JSON, records an outcome, scores', () => {
    const trace = charter(home, 'trace', 'model:risk/fraud-scorer', '-o', 'json');
    expect(trace.code, trace.stderr).toBe(0);
    const t = JSON.parse(trace.stdout);
    expect(t.datasets.map((d: { node: string }) => d.node)).toEqual([
      'dataset:risk/features',
      'dataset:payments/transactions',
      'kafka://broker:9092/payments.authorised',
    ]);
    expect(t.accountable.map((a: { ref: string }) => a.ref)).toEqual([
      'user:carol',
      'user:dan',
      'user:alice',
      'user:bob',
    ]);
    const text = charter(home, 'trace', 'model:risk/fraud-scorer');
    expect(text.stdout).toContain(
      'user:alice (Alice Martin): owner of dataset:payments/transactions (evaluation)',
    );
    const impact = JSON.parse(
      charter(home, 'impact', 'dataset:payments/transactions', '--depth', '1', '-o', 'json').stdout,
    );
    expect(impact.models.map((m: { node: string }) => m.node)).toEqual(['model:risk/fraud-scorer']);
    const wrong = charter(home, 'trace', 'dataset:payments/transactions');
    expect(wrong.code).toBe(2);
    const recorded = charter(
      home,
      'outcome',
      'record',
      'app:support/helper',
      '--type',
      'complaint',
      '--severity',
      'medium',
      '--summary',
      'A customer was told the wrong refund date',
      '-o',
      'json',
    );
    expect(recorded.code, recorded.stderr).toBe(0);
    const o = JSON.parse(recorded.stdout);
    expect(o.trace.models.map((m: { node: string }) => m.node)).toEqual(['model:risk/fraud-scorer']);
    const shown = JSON.parse(charter(home, 'trace', o.ref, '-o', 'json').stdout);
    expect(shown.outcome.summary).toBe('A customer was told the wrong refund date');
    const card = JSON.parse(charter(home, 'scorecard', '--owner', 'user:dan', '-o', 'json').stdout);
    expect(card.owners).toEqual([expect.objectContaining({ key: 'user:dan', outcomes: 1 })]);
    expect(card.stewards).toEqual([expect.objectContaining({ key: 'user:dan', assets: 3, outcomes: 1 })]);
    const table = charter(home, 'scorecard', '--owner', 'user:dan').stdout;
    expect(table).toMatch(/^Owners:\nOWNER +ASSETS .*\nuser:dan +1 /m);
    expect(table).toMatch(/^Stewards:\nSTEWARD +ASSETS .*\nuser:dan +3 /m);
  });

  it('says what is wrong with an option before asking the store, with the bounds the API has', () => {
    const refusals: [string[], string][] = [
      [
        ['lineage', 'datasets', '--managed', '--unmanaged'],
        '--managed and --unmanaged exclude each other: give one, or neither for all',
      ],
      [
        ['outcome', 'list', '--limit', '100000'],
        "--limit must be a whole number from 1 to 5000 (got '100000')",
      ],
      [
        ['outcome', 'record', '--type', 'drift', '--severity', 'low', '--summary', 'Drifted'],
        'give the model or application the outcome is about: charter outcome record app:DOMAIN/NAME --type … (or --subject)',
      ],
      [
        [
          ...['outcome', 'record', 'model:risk/fraud-scorer', '--subject', 'app:support/helper'],
          ...['--type', 'drift', '--severity', 'low', '--summary', 'Drifted'],
        ],
        'two subjects given (model:risk/fraud-scorer and --subject app:support/helper): give one',
      ],
      [
        ['impact', 'dataset:payments/transactions', '--depth', '101'],
        "--depth must be a whole number from 1 to 100 (got '101')",
      ],
      [
        ['--server', 'notaurl', 'trace', 'model:risk/fraud-scorer'],
        "--server (or CHARTER_SERVER) must be the server's http(s) URL, such as http://localhost:8080 (got 'notaurl')",
      ],
    ];
    for (const [args, message] of refusals) {
      const r = charter(home, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(`Error: ${message}`);
    }
  });

  it("reads an outcome's time without a time zone as UTC wherever the CLI runs, and refuses one in the future", () => {
    const record = (occurredAt: string, tz: string) =>
      charterWith(
        { TZ: tz },
        home,
        ...['outcome', 'record', '--subject', 'model:risk/fraud-scorer', '--type', 'drift'],
        ...['--severity', 'low', '--summary', 'Scores drifted', '--occurred-at', occurredAt, '-o', 'json'],
      );
    const r = record('2026-11-28T10:00:00', 'America/New_York');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).occurredAt).toBe('2026-11-28T10:00:00.000Z');
    const future = record('2099-01-01T00:00:00Z', 'UTC');
    expect(future.code).toBe(2);
    expect(future.stderr).toContain(
      'occurredAt (2099-01-01T00:00:00.000Z) is in the future; give when the outcome happened',
    );
    const words = record('yesterday', 'UTC');
    expect(words.code).toBe(2);
    expect(words.stderr).toContain('occurredAt is not an ISO 8601 date-time');
  });

  it('manages webhooks: the secret shown once, bad input refused, an outcome queued for the domains behind it', () => {
    // A receiver on this machine: allowed for this command only.
    const added = charterWith(
      { CHARTER_WEBHOOK_ALLOW_PRIVATE: 'true' },
      home,
      'webhook',
      'add',
      'http://127.0.0.1:9/hook',
      '--domain',
      'payments',
    );
    expect(added.code, added.stderr).toBe(0);
    const id = /created +webhook ([0-9a-f-]{36})/.exec(added.stdout)?.[1];
    expect(id, added.stdout).toBeDefined();
    expect(added.stdout).toMatch(/secret: \S{20,} \(shown once;/);
    const listed = charter(home, 'webhook', 'list');
    expect(listed.stdout).toMatch(/^ID +URL +DOMAIN +EVENTS +LAST DELIVERY$/m);
    expect(listed.stdout).toMatch(
      new RegExp(`${id} +http://127\\.0\\.0\\.1:9/hook +payments +\\(all\\) +none yet$`, 'm'),
    );
    expect(listed.stdout).not.toContain('secret');
    // Too narrow for the table: each webhook on lines of its own, its URL whole.
    const narrow = charterWith({ COLUMNS: '60' }, home, 'webhook', 'list').stdout;
    expect(narrow).toContain(`${id}\n  url: http://127.0.0.1:9/hook`);
    for (const [args, message] of [
      [['add', 'hooks.example.com'], 'url must be an absolute http(s) URL'],
      [['add', 'ftp://hooks.example.com/h'], 'url must use http or https'],
      [
        ['add', 'http://169.254.169.254/latest/meta-data/'],
        "url's host 169.254.169.254 is a link-local address; webhooks go to public addresses only, unless Charter runs with CHARTER_WEBHOOK_ALLOW_PRIVATE=true",
      ],
      [['add', 'https://hooks.example.com/h', '--domain', 'nosuch'], "Domain 'domain:nosuch' not found"],
      [['add', 'https://hooks.example.com/h', '--event', 'io.charter.bogus'], 'expected one or more of'],
      [['deliveries', '--state', 'lost'], '--state must be pending, delivered or dead'],
      [['retry', 'nope'], "Delivery 'nope' not found"],
      [['test', 'nope'], "Webhook 'nope' not found"],
      [['test', id!, '--wait', 'soon'], "--wait must be a number of seconds from 0 to 600 (got 'soon')"],
    ] as const) {
      const refused = charter(home, 'webhook', ...args);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toContain(message);
    }
    // The fraud model's trace goes through payments: its outcome is queued for the payments webhook.
    const recorded = charter(
      home,
      'outcome',
      'record',
      '--subject',
      'model:risk/fraud-scorer',
      '--type',
      'drift',
      '--severity',
      'high',
      '--summary',
      'Fraud scores drifted after the October retrain',
    );
    expect(recorded.code, recorded.stderr).toBe(0);
    // Each delivery says what it carries and where it goes.
    const queued = charter(home, 'webhook', 'deliveries', '--webhook', id!);
    expect(queued.stdout).toMatch(/^ID +EVENT +WEBHOOK +STATE +ATTEMPTS +LAST +WHEN$/m);
    expect(queued.stdout).toMatch(
      /^[0-9a-f-]{36} +outcome\.recorded +http:\/\/127\.0\.0\.1:9\/hook +pending +0 +next try \d{4}-/m,
    );
    const json = JSON.parse(charter(home, 'webhook', 'deliveries', '--webhook', id!, '-o', 'json').stdout);
    expect(json).toEqual([
      expect.objectContaining({
        webhookId: id,
        eventType: 'io.charter.outcome.recorded',
        url: 'http://127.0.0.1:9/hook',
        state: 'pending',
        attempts: 0,
      }),
    ]);
    // A test event on the local store: the command sends it to this webhook alone, once, itself.
    // Without CHARTER_WEBHOOK_ALLOW_PRIVATE, as a server would, it refuses this loopback receiver.
    const test = charter(home, 'webhook', 'test', id!);
    expect(test.code, test.stderr).toBe(1);
    expect(test.stdout).toMatch(
      new RegExp(
        `^failed {4}test event to http://127\\.0\\.0\\.1:9/hook: the receiver's address 127\\.0\\.0\\.1 is a loopback address; .*\n {2}Next try at \\d{4}-.* \\(charter webhook deliveries --webhook ${id}\\)$`,
        'm',
      ),
    );
    expect(charter(home, 'webhook', 'list').stdout).toMatch(
      new RegExp(`${id} .* failing: the receiver's address .*, 1 attempt \\(webhook\\.test\\)$`, 'm'),
    );
    const withTest = JSON.parse(
      charter(home, 'webhook', 'deliveries', '--webhook', id!, '-o', 'json').stdout,
    );
    expect(withTest.map((d: { eventType: string }) => d.eventType)).toEqual([
      'io.charter.webhook.test',
      'io.charter.outcome.recorded',
    ]);
    expect(charter(home, 'webhook', 'remove', id!).code).toBe(0);
    expect(charter(home, 'webhook', 'list').stdout).not.toContain(id!);
    // A removed webhook's deliveries are kept on the dead-letter list, named by the webhook's id.
    const dead = charter(home, 'webhook', 'deliveries', '--webhook', id!);
    expect(dead.stdout).toMatch(
      new RegExp(
        `^[0-9a-f-]{36} +outcome\\.recorded +${id} \\(removed\\) +dead +0 +the webhook was removed`,
        'm',
      ),
    );
  });

  it('fits trace, impact and scorecard to the terminal: tables where they fit, rows expanded where not, refs whole', () => {
    const wide = charterWith({ COLUMNS: '200' }, home, 'trace', 'model:risk/fraud-scorer').stdout;
    expect(wide).toMatch(/^ {2}DATASET +HOPS +ROLE +VERSION +CLASS\. +QUALITY +OWNERS$/m);
    for (const columns of [80, 60]) {
      for (const args of [
        ['trace', 'model:risk/fraud-scorer'],
        ['impact', 'dataset:payments/transactions'],
        ['scorecard'],
      ]) {
        const out = charterWith({ COLUMNS: String(columns) }, home, ...args);
        expect(out.code, out.stderr).toBe(0);
        for (const line of out.stdout.trimEnd().split('\n'))
          expect(line.length, `${args.join(' ')} at ${columns}: ${line}`).toBeLessThanOrEqual(columns);
      }
      const narrow = charterWith(
        { COLUMNS: String(columns) },
        home,
        'trace',
        'model:risk/fraud-scorer',
      ).stdout;
      // Too narrow for the table: each dataset on a line of its own, whole, its values beneath.
      expect(narrow).not.toContain('DATASET ');
      expect(narrow).toMatch(/^ {2}kafka:\/\/broker:9092\/payments\.authorised \(unmanaged\)$/m);
      expect(narrow).toMatch(/^ {4}hops: 1 {3}role: /m);
      expect(narrow).not.toMatch(/…/);
    }
  });

  it('ingests and lists through a running server as on its own store: NDJSON sent, an invalid event named by its file', async () => {
    const handle = await storeFactories[0]!.create();
    const platform = createPlatform(handle.store, { actor: 'user:setup' });
    expect(
      (await platform.catalog.apply(parseSources([{ name: 'org.yaml', content: orgYaml }]))).applied,
    ).toBe(true);
    const app = await buildApp({
      catalog: platform.catalog,
      governance: platform.governance,
      lineage: platform.lineage,
    });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const server = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const remote = (...args: string[]) =>
        charterAsync(['--home', join(home, 'none'), '--server', server, '--as', 'user:ada', ...args]);
      // An event the server finds invalid: nothing stored, and it is named by its file and line.
      const bad = join(home, 'bad-remote.ndjson');
      writeFileSync(
        bad,
        '{"eventTime":"2026-01-01T00:00:00Z","run":{"runId":"x"},"job":{"namespace":"a","name":"b"}}\n',
      );
      const refused = await remote('lineage', 'ingest', join(fixtures, 'events.ndjson'), bad);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toContain(`✗ ${bad}: run.runId is required and must be a UUID`);
      expect(refused.stdout).toContain('Nothing was stored: 1 of 3 events is invalid.');
      // With a line that is not JSON too, both are named, as on the CLI's own store.
      const worse = join(home, 'worse-remote.ndjson');
      writeFileSync(worse, `${readFileSync(bad, 'utf8')}not json\n`);
      const both = await remote('lineage', 'ingest', worse);
      const local = charter(home, 'lineage', 'ingest', worse);
      expect(both.code).toBe(2);
      expect(both.stdout).toContain(`✗ ${worse}:1: run.runId is required and must be a UUID`);
      expect(both.stdout).toContain('Nothing was stored: 2 of 2 events are invalid.');
      expect(both.stdout).toBe(local.stdout);
      const stored = await remote('lineage', 'ingest', join(fixtures, 'events.ndjson'));
      expect(stored.code, stored.stderr).toBe(0);
      expect(stored.stdout).toMatch(/Stored 2 events \(batch 1\): 3 datasets \(2 managed: .*; 1 unmanaged\)/);
      // A pretty-printed event, and a pretty-printed array of two, as tools write them: sent one event
      // a line, each stored and named as on the CLI's own store.
      const events = readFileSync(join(fixtures, 'events.ndjson'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const pretty = join(home, 'pretty-event.json');
      const prettyArray = join(home, 'pretty-events.json');
      writeFileSync(pretty, JSON.stringify(events[0], null, 2));
      writeFileSync(prettyArray, JSON.stringify([events[1], { ...events[0], run: { runId: 'x' } }], null, 2));
      const onePretty = await remote('lineage', 'ingest', pretty);
      expect(onePretty.code, onePretty.stdout + onePretty.stderr).toBe(0);
      expect(onePretty.stdout).toMatch(/^Stored 1 event \(batch 2\)/m);
      const arrayPretty = await remote('lineage', 'ingest', '--partial', prettyArray, pretty);
      expect(arrayPretty.stdout).toContain(`✗ ${prettyArray}[1]: run.runId is required and must be a UUID`);
      expect(arrayPretty.stdout).toMatch(/^Stored 2 events \(batch 3\).*; 1 invalid event not stored\.$/m);
      const unmanaged = await remote('lineage', 'datasets', '--unmanaged', '-o', 'json');
      expect(JSON.parse(unmanaged.stdout).map((d: { name: string }) => d.name)).toEqual([
        'payments.authorised',
      ]);
      // A trace as of a past time: the time reaches the server, read as UTC; one to come is refused
      // there as on the CLI's own store.
      const asOf = await remote(
        'trace',
        'model:risk/fraud-scorer',
        '--at',
        '2026-01-01T00:00:00',
        '-o',
        'json',
      );
      expect(asOf.code, asOf.stderr).toBe(0);
      expect(JSON.parse(asOf.stdout).qualityAt).toBe('2026-01-01T00:00:00.000Z');
      const future = ['trace', 'model:risk/fraud-scorer', '--at', '2099-01-01T00:00:00Z'];
      const later = await remote(...future);
      expect([later.code, later.stderr]).toEqual([
        2,
        'Error: at (2099-01-01T00:00:00.000Z) is in the future; give a time that has passed\n',
      ]);
      expect(charter(home, ...future).stderr).toBe(later.stderr);
      const unknown = await remote('lineage', 'show', 'kafka://broker:9092', 'payments.nothing');
      expect([unknown.code, unknown.stderr]).toEqual([
        2,
        "Error: No dataset 'kafka://broker:9092/payments.nothing' has been reported to lineage\n",
      ]);
    } finally {
      await app.close();
      await handle.dispose();
    }
  }, 60_000);

  it("tests a webhook on the local store: sends it itself, signed, and prints the receiver's answer", async () => {
    // A receiver on this machine answering 204, then 502.
    const statuses = [204, 502];
    const received: { type: string; verified: boolean }[] = [];
    let secret = '';
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const headers = req.headers as Record<string, string>;
        received.push({
          type: JSON.parse(body).type,
          verified: verifyWebhook(secret, headers as never, body),
        });
        res.statusCode = statuses.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const local = mkdtempSync(join(tmpdir(), 'charter-webhook-local-'));
    try {
      writeFileSync(join(local, 'org.yaml'), orgYaml);
      expect(charter(local, 'apply', '-f', join(local, 'org.yaml')).code).toBe(0);
      const allow = { CHARTER_WEBHOOK_ALLOW_PRIVATE: 'true' };
      const added = charterWith(allow, local, 'webhook', 'add', url, '-o', 'json');
      expect(added.code, added.stderr).toBe(0);
      const hook = JSON.parse(added.stdout) as { id: string; secret: string };
      secret = hook.secret;
      const run = (...args: string[]) => charterAsync(['--home', local, ...args], allow);
      const delivered = await run('webhook', 'test', hook.id);
      expect([delivered.code, delivered.stdout]).toEqual([
        0,
        `delivered test event to ${url}: the receiver answered 204\n`,
      ]);
      const failed = await run('webhook', 'test', hook.id, '-o', 'json');
      expect(failed.code).toBe(1);
      expect(JSON.parse(failed.stdout)).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 502 });
      // Each sent once, signed with the webhook's secret.
      expect(received).toEqual([
        { type: 'io.charter.webhook.test', verified: true },
        { type: 'io.charter.webhook.test', verified: true },
      ]);
    } finally {
      rmSync(local, { recursive: true, force: true });
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  }, 60_000);

  it("tests a webhook through a running server: waits for the delivery loop's first attempt and prints the receiver's answer", async () => {
    // A receiver on this machine answering 204, then 502; the server's loop may send to it.
    const statuses = [204, 502];
    const received: { type: string; webhook: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        const event = JSON.parse(body);
        received.push({ type: event.type, webhook: event.data.details.webhook });
        res.statusCode = statuses.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    vi.stubEnv('CHARTER_WEBHOOK_ALLOW_PRIVATE', 'true');
    const handle = await storeFactories[0]!.create();
    const platform = createPlatform(handle.store, { actor: 'user:setup' });
    expect(
      (await platform.catalog.apply(parseSources([{ name: 'org.yaml', content: orgYaml }]))).applied,
    ).toBe(true);
    // Subscribed to incidents only: a test event goes to it all the same.
    const hook = await platform.lineage.addWebhook({
      url,
      domain: 'payments',
      events: ['io.charter.incident.opened'],
    });
    const app = await buildApp({
      catalog: platform.catalog,
      governance: platform.governance,
      lineage: platform.lineage,
    });
    const deliverer = new WebhookDeliverer(lineageStoreFor(handle.store), { intervalMs: 100 });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const server = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const remote = (...args: string[]) =>
        charterAsync(['--home', join(home, 'none'), '--server', server, '--as', 'user:ada', ...args]);
      deliverer.start();
      const delivered = await remote('webhook', 'test', hook.id);
      expect([delivered.code, delivered.stdout, delivered.stderr]).toEqual([
        0,
        `delivered test event to ${url}: the receiver answered 204\n`,
        '',
      ]);
      expect(received).toEqual([{ type: 'io.charter.webhook.test', webhook: hook.id }]);
      // The list says how its newest delivery went; -o json carries the delivery itself.
      expect((await remote('webhook', 'list')).stdout).toMatch(
        new RegExp(`${hook.id} .* delivered 204 \\(webhook\\.test\\)$`, 'm'),
      );
      const failed = await remote('webhook', 'test', hook.id);
      expect(failed.code, failed.stderr).toBe(1);
      expect(failed.stdout).toMatch(
        new RegExp(
          `^failed {4}test event to ${url.replace(/\./g, '\\.')}: the receiver answered 502\n {2}Next try at \\d{4}-.* \\(charter webhook deliveries --webhook ${hook.id}\\)\n$`,
        ),
      );
      const listed = JSON.parse((await remote('webhook', 'list', '-o', 'json')).stdout);
      expect(listed).toEqual([
        expect.objectContaining({
          id: hook.id,
          lastDelivery: expect.objectContaining({ state: 'pending', attempts: 1, lastStatus: 502 }),
        }),
      ]);
      expect((await remote('webhook', 'list')).stdout).toMatch(
        / failing: 502, 1 attempt \(webhook\.test\)$/m,
      );
      // No delivery loop: nothing tries it within the wait.
      await deliverer.stop();
      const unsent = await remote('webhook', 'test', hook.id, '--wait', '1');
      expect(unsent.code).toBe(3);
      expect(unsent.stdout).toContain(
        'but the server did not try it within 1 s: is its delivery loop running?',
      );
      expect(received).toHaveLength(2);
      // Audited with the caller as actor, once per test.
      const audited = (await platform.catalog.auditLog({ ref: 'domain:payments' })).filter(
        (a) => a.action === 'webhook.test',
      );
      expect(audited.map((a) => [a.actor, (a.details as { webhook: string }).webhook])).toEqual([
        ['user:ada', hook.id],
        ['user:ada', hook.id],
        ['user:ada', hook.id],
      ]);
    } finally {
      await deliverer.stop();
      await app.close();
      await handle.dispose();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      vi.unstubAllEnvs();
    }
  }, 60_000);

  it('applies the demo organisation with its models, applications and AI policies', () => {
    const demo = mkdtempSync(join(tmpdir(), 'charter-lineage-demo-'));
    try {
      const applied = charter(demo, 'apply', '-f', join(repoRoot, 'examples', 'org'), '-o', 'json');
      expect(applied.code, applied.stdout.slice(0, 2000)).toBe(0);
      const results = JSON.parse(applied.stdout).results as { ref: string; status: string }[];
      for (const ref of ['model:cards/fraud-scorer', 'model:support/ticket-router', 'app:support/nora'])
        expect(results.find((r) => r.ref === ref)?.status, ref).toBe('created');
      const tested = charter(demo, 'policy', 'test', join(repoRoot, 'examples', 'org', 'ai'));
      expect(tested.code, tested.stdout).toBe(0);
      const ingested = charter(
        demo,
        'lineage',
        'ingest',
        join(repoRoot, 'examples', 'lineage', 'northwind-pipelines.ndjson'),
      );
      expect(ingested.code, ingested.stdout + ingested.stderr).toBe(0);
      const t = JSON.parse(charter(demo, 'trace', 'app:support/nora', '-o', 'json').stdout);
      expect(t.datasets.map((d: { node: string; role: string }) => [d.node, d.role])).toContainEqual([
        's3://northwind-ml/ticket-router/train/2026-10-01',
        'fine_tuning',
      ]);
      // The demo's contracts still pass the charter with their lineage reported.
      const again = charter(demo, 'apply', '-f', join(repoRoot, 'examples', 'org'));
      expect(again.code, again.stdout.slice(-500)).toBe(0);
    } finally {
      rmSync(demo, { recursive: true, force: true });
    }
  });
});
