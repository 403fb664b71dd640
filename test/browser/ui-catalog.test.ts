/**
 * The web UI in Chromium against a server on a fresh demo store: searching and opening a dataset,
 * reading its quality history, following its lineage by clicking a node, and diffing two versions.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ALLOW_PRIVATE_SETTING, WebhookDeliverer } from '../../src/lineage/webhooks.js';
import { lineageStoreFor } from '../../src/store/sql/sql-lineage-store.js';
import { repoRoot } from '../support/reference.js';
import {
  type Browser,
  browserAvailable,
  type DemoServer,
  ensureUiBuilt,
  launchBrowser,
  seriousViolations,
  signInAs,
  startDemoServer,
} from './support.js';

const refundsYaml = readFileSync(join(repoRoot, 'examples/org/domains/payments/refunds.odcs.yaml'), 'utf8');

describe.runIf(browserAvailable())('web UI: catalog', { timeout: 120_000 }, () => {
  let server: DemoServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await ensureUiBuilt();
    server = await startDemoServer();
    browser = await launchBrowser();
    page = browser.page;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('searches from the header (/ focuses it), highlights why results matched, and opens a dataset', async () => {
    await page.goto(server.url);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Governance overview' }).isVisible())
      .toBe(true);
    await page.keyboard.press('/');
    const box = page.getByRole('combobox', { name: 'Search the catalog' });
    await expect
      .poll(() =>
        box.evaluate(
          (el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement,
        ),
      )
      .toBe(true);
    await box.fill('goodwill');
    // Suggestions while typing; Enter on the text opens the full results.
    await page.getByRole('option', { name: /refunds/ }).waitFor();
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=goodwill/);
    const result = page.locator('.result', { has: page.getByRole('link', { name: 'refunds', exact: true }) });
    await result.waitFor();
    expect(await result.locator('mark').first().textContent()).toMatch(/goodwill/i);
    expect(await result.textContent()).toContain('dataset:payments/refunds');

    // The kind filter asks the server for datasets only.
    await page.getByLabel('Kind').selectOption('datasets');
    await page.waitForURL(/kind=datasets/);
    await result.waitFor();
    // So does the owner filter: refunds is Farid's, not Kemi's.
    const asked: string[] = [];
    page.on('request', (r) => r.url().includes('/api/v1/search') && asked.push(r.url()));
    await page.getByLabel('Owner or steward').selectOption('user:kemi');
    await page.waitForURL(/owner=user%3Akemi/);
    await page.getByText('No results').waitFor();
    expect(asked.some((u) => new URL(u).searchParams.get('owner') === 'user:kemi')).toBe(true);
    await page.getByLabel('Owner or steward').selectOption('user:farid');
    await result.waitFor();
    page.removeAllListeners('request');

    await result.getByRole('link', { name: 'refunds', exact: true }).click();
    await page.waitForURL(/\/dataset\/payments\/refunds$/);
    await page.getByRole('heading', { name: 'refunds', level: 1 }).waitFor();
    const contract = page.locator('#contract');
    expect(await contract.textContent()).toContain('Refunds issued against captured payments');
    const owners = page.locator('#owners');
    await expect.poll(() => owners.textContent()).toContain('Farid Haddad');
    expect(await owners.textContent()).toContain('Grace Chen');

    await page.getByRole('link', { name: /^Schema/ }).click();
    const amount = page.locator('tr', { has: page.getByText('amount', { exact: true }) });
    await amount.waitFor();
    expect(await amount.textContent()).toContain('Refunded amount in the order currency');
    expect(await amount.locator('.level').textContent()).toBe('internal');
    const refundId = page.locator('tr', { has: page.getByText('refund_id', { exact: true }) });
    expect(await refundId.getByRole('link').textContent()).toBe('Refund');
  });

  it('shows a dataset’s quality history per check and the incident its failing check opened', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/v1/quality/runs',
        payload: { ref: 'dataset:payments/refunds' },
        headers: { 'x-charter-actor': 'user:grace' },
      });
      expect(res.statusCode).toBe(200);
    }
    await page.goto(`${server.url}/dataset/payments/refunds?tab=quality`);
    await page.getByRole('heading', { name: 'Quality score over time' }).waitFor();
    expect(await page.locator('#quality').textContent()).toContain('2 recent runs');
    // The planted negative refund fails the same check in both runs; the grid lists it first.
    const row = page.locator('.status-grid tbody tr').first();
    await row.waitFor();
    expect(await row.locator('th').textContent()).toContain('Refund amounts are positive');
    expect(await row.locator('td .sr-only').allTextContents()).toEqual(['failed', 'failed']);
    const incidents = page.locator('#incidents');
    await expect.poll(() => incidents.textContent()).toContain('1 failing check on dataset:payments/refunds');
    expect(await incidents.textContent()).toContain('user:farid');
  });

  it('draws the declared lineage and opens a node when it is clicked', async () => {
    await page.goto(`${server.url}/dataset/payments/refunds?tab=lineage`);
    const node = page.getByRole('link', { name: /^payment-operations data product/ });
    await node.waitFor();
    await node.click();
    await page.waitForURL(/\/product\/payments\/payment-operations$/);
    await page.getByRole('heading', { name: 'payment-operations', level: 1 }).waitFor();
  });

  it('traces a recorded AI outcome to the datasets and people behind it', async () => {
    const recorded = await server.app.inject({
      method: 'POST',
      url: '/api/v1/outcomes',
      payload: {
        subject: 'model:cards/fraud-scorer',
        type: 'wrong_answer',
        severity: 'high',
        summary: 'Scored a genuine card payment as fraud',
      },
      headers: { 'x-charter-actor': 'user:hugo' },
    });
    expect(recorded.statusCode).toBe(201);
    await page.goto(`${server.url}/lineage`);
    const card = page.locator('#outcomes .card', { hasText: 'Scored a genuine card payment as fraud' });
    await card.waitFor();
    expect(await card.textContent()).toMatch(/Accountable:.*Farid Haddad/);
    await card.getByRole('link', { name: 'as it is now' }).click();
    await page.waitForURL(/\/model\/cards\/fraud-scorer\?tab=trace$/);
    const behind = page.locator('#trace-datasets');
    await behind.getByText('payment-transactions').waitFor();
    const row = behind.locator('tr', { hasText: 'card-authorisations' });
    expect(await row.textContent()).toContain('training');
    expect(await row.textContent()).toContain('user:hugo');
    expect(await page.locator('#accountable').textContent()).toContain('Grace Chen');
    // Every dataset in the graph is a link to its page.
    await page.getByRole('link', { name: /^chargebacks dataset · validation/ }).click();
    await page.waitForURL(/\/dataset\/payments\/chargebacks$/);
  });

  /** The demo's pipelines report their lineage (examples/lineage), as the demo command sends it. */
  const ingestNorthwind = async () => {
    const ingested = await server.app.inject({
      method: 'POST',
      url: '/api/v1/lineage/batch',
      payload: readFileSync(join(repoRoot, 'examples/lineage/northwind-pipelines.ndjson'), 'utf8'),
      headers: { 'content-type': 'application/x-ndjson', 'x-charter-actor': 'user:ada' },
    });
    expect(ingested.statusCode, ingested.body).toBe(200);
  };

  it('names reported datasets as their pipelines do, in the lineage list and in a trace', async () => {
    await ingestNorthwind();
    await page.goto(`${server.url}/lineage`);
    const reported = page.locator('#lineage-datasets table.data');
    // A path is joined to its namespace with a colon, as the server labels the node.
    await reported.getByText('file:/srv/northwind/data/payments/payment_transactions.parquet').waitFor();
    expect(await reported.textContent()).not.toContain('file//');
    await reported.getByText('kafka://events.northwind.example:9092/psp.payment-events').waitFor();
    await page.goto(`${server.url}/model/cards/fraud-scorer?tab=trace`);
    // The Kafka topic behind payment-transactions: by its name, not the tail of its namespace.
    await page.locator('.node-label', { hasText: /^psp\.payment-events$/ }).waitFor();
    // What a field inherits along the reported column lineage, and from where, is written out.
    await page.goto(`${server.url}/dataset/cards/fraud-scores?tab=schema`);
    const customer = page.locator('tr#field-fraud_scores\\.customer_id');
    await customer
      .getByText('from dataset:payments/payment-transactions#payment_transactions.customer_id')
      .waitFor();
    await customer.getByRole('link', { name: /payment_transactions\.customer_id/ }).waitFor();
    const device = page.locator('tr#field-fraud_scores\\.device_fingerprint');
    expect((await device.locator('td').nth(4).textContent())?.trim()).toBe(
      'nothing: masking of dataset:payments/payment-transactions#payment_transactions.ip_address',
    );
    // A dataset's lineage tab says whom to tell before it changes: the people downstream, with why.
    await page.goto(`${server.url}/dataset/cards/card-authorisations?tab=lineage`);
    const notify = page.locator('#notify');
    await notify.getByText('Card Platform').waitFor();
    expect(await notify.textContent()).toContain('owner of model:cards/fraud-scorer');
  });

  it('opens a reported dataset from the lineage list: its jobs and column lineage, and a draft contract to adopt one no contract describes', async () => {
    await ingestNorthwind();
    await page.goto(`${server.url}/lineage`);
    const topic = page.locator('#lineage-datasets tr', { hasText: 'psp.payment-events' });
    await topic.getByRole('link', { name: 'unmanaged — no contract yet: adopt it' }).click();
    await page.waitForURL(
      /\/lineage\/dataset\?namespace=kafka%3A%2F%2Fevents\.northwind\.example%3A9092&name=psp\.payment-events$/,
    );
    await page
      .getByRole('heading', { name: 'kafka://events.northwind.example:9092/psp.payment-events' })
      .waitFor();
    expect(await page.locator('#jobs').textContent()).toContain(
      'Read it (1)airflow/payments.load_transactions',
    );
    // The draft: its server where the pipelines report the topic, for the domain picked.
    const adopt = page.locator('#adopt');
    await expect.poll(() => adopt.locator('pre.manifest').textContent()).toContain('domain: CHANGE-ME');
    await page.getByLabel('Domain').selectOption('payments');
    await expect.poll(() => adopt.locator('pre.manifest').textContent()).toContain('domain: payments');
    const draft = await adopt.locator('pre.manifest').textContent();
    expect(draft).toContain('host: events.northwind.example:9092');
    expect(draft).toContain('physicalName: psp.payment-events');
    expect(await adopt.textContent()).toContain(
      'charter lineage adopt kafka://events.northwind.example:9092 psp.payment-events --domain payments > payments-psp.payment-events.odcs.yaml',
    );
    expect(await seriousViolations(page)).toEqual([]);
    // A dataset a contract describes: the contract, its column lineage, and nothing to adopt.
    await page.goto(`${server.url}/lineage`);
    await page.getByRole('link', { name: 'file:/srv/northwind/data/cards/fraud_scores.parquet' }).click();
    await page.getByRole('link', { name: 'dataset:cards/fraud-scores' }).waitFor();
    const device = page.locator('#columns tr', { hasText: 'device_fingerprint' });
    expect(await device.textContent()).toBe(
      'device_fingerprintfile:/srv/northwind/data/payments/payment_transactions.parquet#ip_addressmasking',
    );
    expect(await page.locator('#adopt').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it("shows on a person's page what they are accountable for: their scorecard and the AI outcomes traced to them, with why", async () => {
    const recorded = await server.app.inject({
      method: 'POST',
      url: '/api/v1/outcomes',
      payload: {
        subject: 'app:support/nora',
        type: 'harmful_answer',
        severity: 'critical',
        summary: 'Read a card number back to a customer',
      },
      headers: { 'x-charter-actor': 'user:liam' },
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    await page.goto(`${server.url}/user/kemi`);
    const card = page.locator('#accountable-for');
    await card.getByText('Assets owned').waitFor();
    const text = async () => (await card.textContent()) ?? '';
    await expect.poll(text).toContain('harmful answer on app:support/nora');
    expect(await text()).toContain('Assets owned8 (5 datasets, 2 data products, 1 application)');
    expect(await text()).toMatch(/AI outcomes\d+ traced to them/);
    const outcome = card.locator('#outcomes-traced li', { hasText: 'harmful answer' });
    expect(await outcome.textContent()).toContain(
      'owner of app:support/nora; owner of dataset:support/kb-articles',
    );
    expect(await seriousViolations(page)).toEqual([]);
    await outcome.getByRole('link', { name: 'harmful answer' }).click();
    await page.waitForURL(/\/outcome\/[0-9a-f-]{36}$/);
    // A steward who owns nothing: their card as steward only, the same counts as the API's row.
    await page.goto(`${server.url}/user/grace`);
    const asSteward = page.locator('#accountable-for #as-steward');
    await asSteward.getByText('Assets stewarded').waitFor();
    expect(await page.locator('#accountable-for #as-owner').count()).toBe(0);
    const cards = await server.app.inject({
      method: 'GET',
      url: '/api/v1/scorecards?owner=user:grace',
      headers: { 'x-charter-actor': 'user:ada' },
    });
    const grace = cards.json().stewards[0];
    expect(grace.assets).toBeGreaterThan(0);
    expect(await asSteward.textContent()).toContain(`Assets stewarded${grace.assets} (`);
    expect(await asSteward.textContent()).toContain(
      `Classified${grace.classified} of ${grace.datasets} datasets`,
    );
    // Someone who owns and stewards nothing: said so.
    await page.goto(`${server.url}/user/ada`);
    await page.locator('#accountable-for', { hasText: 'Owns and stewards no asset' }).waitFor();

    // A contract naming no one falls to its domain's owner and steward: their pages say so, apart
    // from what names them (every demo asset names its people, so until now there was nothing).
    await page.goto(`${server.url}/user/farid`);
    await page.locator('#accountable-for').getByText('Assets owned').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#through-domains').count()).toBe(0);
    const applied = await server.apply(
      `apiVersion: v3.1.0
kind: DataContract
id: ledger-export
name: ledger-export
version: 1.0.0
status: draft
domain: payments
description: {purpose: Nightly export of the payments ledger for finance.}
schema:
  - name: ledger_export
    properties:
      - {name: entry_id, logicalType: string, description: Ledger entry key., classification: internal}
`,
      'user:farid',
    );
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    for (const [who, as] of [
      ['farid', 'owner'],
      ['grace', 'steward'],
    ]) {
      await page.goto(`${server.url}/user/${who}`);
      const through = page.locator('#through-domains');
      await through.waitFor();
      expect(await through.locator('li').allTextContents(), who).toEqual([`ledger-export ${as}`]);
    }
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('lists webhook deliveries that gave up in the work queue, with the last answer, retries one, and tests a webhook', async () => {
    // A receiver that is down (502), reachable on this machine for this test only.
    vi.stubEnv(ALLOW_PRIVATE_SETTING, 'true');
    const rx = createServer((_req, res) => res.writeHead(502).end());
    await new Promise<void>((resolve) => rx.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(rx.address() as AddressInfo).port}/hook`;
      const hook = await server.platform.lineage.addWebhook({ url, domain: 'support' });
      const recorded = await server.app.inject({
        method: 'POST',
        url: '/api/v1/outcomes',
        payload: { subject: 'app:support/nora', type: 'drift', severity: 'low', summary: 'Answers drifted' },
        headers: { 'x-charter-actor': 'user:kemi' },
      });
      expect(recorded.statusCode, recorded.body).toBe(201);
      // One attempt allowed: the outcome's delivery gives up at once.
      const deliverer = new WebhookDeliverer(lineageStoreFor(server.platform.store), { maxAttempts: 1 });
      expect(await deliverer.tick()).toMatchObject({ dead: 1 });
      await page.goto(`${server.url}/work?tab=notifications`);
      const row = page.locator('#dead-letters tr', { hasText: 'io.charter.outcome.recorded' });
      await row.waitFor();
      expect(await row.textContent()).toContain(url);
      expect(await row.textContent()).toContain('HTTP 502');
      expect(await page.locator('#webhooks').textContent()).toContain(
        `${url} domain:support and its sub-domains`,
      );
      expect(await page.locator('#webhooks').textContent()).toContain(
        'last delivery gave up (HTTP 502): io.charter.outcome.recorded of',
      );
      expect(await seriousViolations(page)).toEqual([]);
      await row.getByRole('button', { name: /^Retry delivery / }).click();
      // It leaves the dead-letter list, pending again, and the page says so.
      await page
        .locator('#dead-letters .note', { hasText: `Queued again: the io.charter.outcome.recorded` })
        .waitFor();
      await expect.poll(() => row.count()).toBe(0);
      const [again] = await server.platform.lineage.deliveries({ webhook: hook.id });
      expect(again).toMatchObject({ state: 'pending', attempts: 1 });
      // A test event: queued for this webhook, tried by the delivery loop (here, one round), and the
      // receiver's answer shown.
      const hooks = page.locator('#webhooks');
      await hooks.getByRole('button', { name: `Send a test event to ${url}` }).click();
      await hooks.getByRole('status').filter({ hasText: 'waiting for the server to deliver it' }).waitFor();
      const round = new WebhookDeliverer(lineageStoreFor(server.platform.store));
      expect(await round.tick()).toMatchObject({ claimed: 2, retried: 2 });
      await round.stop();
      await hooks
        .locator('.note', {
          hasText:
            'Not taken: the receiver answered 502. It is retried with growing pauses, like any delivery.',
        })
        .waitFor();
      expect(await seriousViolations(page)).toEqual([]);
      const tests = (await server.platform.lineage.deliveries({ webhook: hook.id })).filter(
        (d) => d.eventType === 'io.charter.webhook.test',
      );
      expect(tests).toMatchObject([{ state: 'pending', attempts: 1, lastStatus: 502 }]);
      await server.platform.lineage.removeWebhook(hook.id);
    } finally {
      vi.unstubAllEnvs();
      await new Promise((resolve) => rx.close(resolve));
    }
  });

  it('draws declared and reported edges differently, with a legend, and keeps edge labels apart', async () => {
    // After the pipelines' events above: payment-transactions feeds fraud-scores through a reported
    // job, and three data products through their declared input ports.
    await page.goto(`${server.url}/dataset/payments/payment-transactions?tab=lineage`);
    const section = page.locator('#lineage');
    await section.locator('path.edge-reported').first().waitFor({ state: 'attached' });
    expect(await section.locator('g:has(> path.edge-reported) > title').allTextContents()).toEqual([
      'payment-transactions → fraud-scores: reported by job airflow/cards.score_fraud',
    ]);
    const dash = (selector: string) =>
      section
        .locator(selector)
        .first()
        .evaluate(
          (e) =>
            (
              globalThis as unknown as { getComputedStyle(e: unknown): { strokeDasharray: string } }
            ).getComputedStyle(e).strokeDasharray,
        );
    expect(await dash('svg.graph-canvas path.edge-reported')).not.toBe('none');
    expect(await dash('svg.graph-canvas path.edge-declared')).toBe('none');
    expect(await section.locator('.graph-legend li').allTextContents()).toEqual([
      ' declared in the catalog (contracts, data products, models, applications)',
      ' reported by pipelines (OpenLineage)',
    ]);
    // No two edge labels share a pixel (the three "input" ports once overprinted at the dataset's edge).
    const boxes = async () => (await section.locator('.edge-label').all()).map((l) => l.boundingBox());
    const labels = (await Promise.all(await boxes())).filter((b) => b !== null);
    expect(labels.length).toBeGreaterThanOrEqual(4);
    const apart = (a: (typeof labels)[0], b: (typeof labels)[0]) =>
      a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
    for (let i = 0; i < labels.length; i++)
      for (let j = i + 1; j < labels.length; j++)
        expect(apart(labels[i]!, labels[j]!), `${i} and ${j}`).toBe(true);
    // Coloured by quality, the dataset the pipeline reported downstream is recoloured like the rest.
    const fraudScores = section.locator('svg.graph-canvas a[href="/dataset/cards/fraud-scores"] rect.node');
    expect(await fraudScores.getAttribute('class')).toMatch(/node-level-/);
    await section.getByRole('radio', { name: 'Quality' }).check();
    await expect
      .poll(() => fraudScores.getAttribute('class'))
      .toMatch(/node-quality-(passed|failed|error|none)/);
    expect(
      await section.locator('svg.graph-canvas a[href="/dataset/cards/fraud-scores"] .node-sub').textContent(),
    ).toMatch(/^(quality (passed|failed|error)|not checked)$/);
    // A trace marks its declared and reported links the same way.
    await page.goto(`${server.url}/app/support/nora?tab=trace`);
    const trace = page.locator('#trace');
    await trace.locator('path.edge-reported').first().waitFor({ state: 'attached' });
    expect(await trace.locator('path.edge-declared').count()).toBeGreaterThan(0);
  });

  it('diffs any two versions field by field', async () => {
    const v2 = await server.apply(
      refundsYaml.replace(
        '        description: Why the money was returned.\n        logicalType: string\n        physicalType: VARCHAR(20)\n        required: true\n        classification: internal',
        '        description: Why the money was returned.\n        logicalType: string\n        physicalType: VARCHAR(20)\n        required: true\n        classification: confidential',
      ),
      'user:grace',
    );
    expect(v2.status).toBe(200);
    const v3 = await server.apply(
      refundsYaml
        .replace(
          'classification: internal\n        quality:\n          - id: refunds-reason-valid',
          'classification: confidential\n        quality:\n          - id: refunds-reason-valid',
        )
        .replace(
          'description: Refunded amount in the order currency; always positive.',
          'description: Refunded amount in the order currency, always positive, two decimals.',
        ),
      'user:grace',
    );
    expect(v3.status).toBe(200);
    expect((v3.body.results as { version: number }[])[0]!.version).toBe(3);

    await signInAs(page, server.url, 'Grace Chen');
    await page.goto(`${server.url}/dataset/payments/refunds?tab=versions`);
    const diff = page.locator('#diff');
    // By default: the previous version against the latest.
    await diff.getByText('Fields: 1 change from v2 to v3').waitFor();
    expect(await diff.locator('tbody tr').count()).toBe(1);
    expect(await diff.locator('tbody tr').first().textContent()).toContain('refunds.amount');

    await diff.getByLabel('From').selectOption('1');
    await diff.getByText('Fields: 2 changes from v1 to v3').waitFor();
    const reason = diff.locator('tbody tr', { hasText: 'refunds.reason' });
    expect(await reason.locator('td.before').textContent()).toBe('internal');
    expect(await reason.locator('td.after').textContent()).toBe('confidential');
    expect(page.url()).toMatch(/from=1&to=3|to=3&from=1/);

    const versions = page.locator('#versions tbody tr');
    expect(await versions.count()).toBe(3);
    expect(await versions.first().textContent()).toContain('user:grace');
  });
});
