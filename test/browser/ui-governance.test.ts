/**
 * Governance in the web UI, in Chromium against a server on a fresh demo store: a pending change
 * (the demo's reactivation-needs-approval policy) offered to the data office and not to a steward,
 * the server's refusal shown as it words it, the approval made live; and the demo's planted policy
 * findings on the policies page with their drill-down.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe.runIf(browserAvailable())('web UI: governance', { timeout: 120_000 }, () => {
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

  it('shows the demo’s planted policy findings and drills down to the failing fields', async () => {
    // The page shows what the API reports (the demo's policies grow with the product)…
    const report = (await server.app.inject({ url: '/api/v1/compliance' })).json();
    const t = report.totals;
    // The counts come without findings; the findings a page of 25 at a time.
    const asked: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname === '/api/v1/compliance') asked.push(url.search);
    });
    await page.goto(`${server.url}/policies`);
    const compliance = page.locator('#compliance');
    await compliance.getByText(`assets evaluated against ${report.policies} policies`).waitFor();
    expect(await compliance.locator('p').first().textContent()).toContain(
      `${t.assets} assets evaluated against ${report.policies} policies: ${t.passing} passing, ${t.failing} failing, ${t.waived} waived`,
    );
    await page.locator('#failing .finding').first().waitFor();
    expect(asked.sort()).toEqual(['?limit=0', '?offset=0&limit=25']);
    // …and the planted findings are the six critical data elements without a rule of their own.
    const critical = compliance.locator('tr', {
      has: page.getByRole('link', { name: 'critical-elements-checked' }),
    });
    expect(await critical.locator('.badge').textContent()).toBe('warn');
    await critical.getByRole('link', { name: '6 assets failing critical-elements-checked' }).click();
    await page.waitForURL(/policy=policy%3Acritical-elements-checked/);
    const findings = page.locator('#failing');
    await findings.getByText('for critical-elements-checked: 6 assets').waitFor();
    const assets = await findings.locator('.finding-head .ref').allTextContents();
    expect(assets.map((a) => a.trim()).sort()).toEqual([
      'dataset:commerce/orders',
      'dataset:finance/fx-rates',
      'dataset:finance/gl-journal-entries',
      'dataset:payments/payment-transactions',
      'dataset:payments/refunds',
      'dataset:payments/settlements',
    ]);
    const refunds = findings.locator('.finding', { hasText: 'dataset:payments/refunds' });
    expect(await refunds.textContent()).toContain('Critical data element refunds.amount has no quality rule');

    await page.getByLabel('Domain', { exact: true }).selectOption('payments');
    // The server filters: Payments with its sub-domain Cards, that policy's findings only.
    await findings
      .getByText('Findings in Payments and its sub-domains for critical-elements-checked: 3 assets')
      .waitFor();
    expect(
      (await findings.locator('.finding-head .ref').allTextContents()).map((a) => a.trim()).sort(),
    ).toEqual([
      'dataset:payments/payment-transactions',
      'dataset:payments/refunds',
      'dataset:payments/settlements',
    ]);
  });

  it('shows the failing count on the overview without fetching the failing assets', async () => {
    const report = (await server.app.inject({ url: '/api/v1/compliance' })).json();
    expect(report.failing.length).toBeGreaterThan(0);
    const fetched = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/compliance');
    await page.goto(`${server.url}/`);
    const response = await fetched;
    expect(new URL(response.url()).searchParams.get('limit')).toBe('0');
    const body = await response.json();
    expect(body.failing).toEqual([]);
    expect(body.page.total).toBe(report.failing.length);
    const kpi = page.locator('a.kpi', { hasText: 'assets failing policies' });
    await kpi.getByText(String(report.totals.failing), { exact: true }).waitFor();
  });

  it("counts a steward's open incidents on the work queue's tab and lists them there", async () => {
    // Checked where its data lives, refunds fails its planted rule: an incident for farid and grace.
    const run = await server.app.inject({
      method: 'POST',
      url: '/api/v1/quality/runs',
      payload: { ref: 'dataset:payments/refunds' },
      headers: { 'x-charter-actor': 'user:ada' },
    });
    expect(run.statusCode, run.body).toBe(200);
    const mine = (
      await server.app.inject({ url: '/api/v1/incidents?state=open&assignee=user%3Agrace' })
    ).json() as { id: string; ref: string }[];
    expect(mine.map((i) => i.ref)).toContain('dataset:payments/refunds');
    await signInAs(page, server.url, 'Grace Chen');
    await page.goto(`${server.url}/work`);
    const tab = page.getByRole('link', { name: `Incidents (${mine.length} yours)` });
    await tab.waitFor();
    await tab.click();
    const card = page.locator('.card', { hasText: 'dataset:payments/refunds' });
    await card.waitFor();
    expect(await page.locator('.tab-body .card').count()).toBe(mine.length);
    // She answers it: on it, with a note; the card shows it, and the incident keeps it.
    await card.getByLabel('Your answer').fill('Negative refund from the PSP export; asking them');
    await card.getByRole('button', { name: "I'm on it" }).click();
    const answer = card.locator('.answers li', { hasText: 'Negative refund from the PSP export' });
    await answer.waitFor();
    expect(await answer.textContent()).toMatch(
      /^user:grace on it .*: Negative refund from the PSP export; asking them$/,
    );
    expect(await card.getByLabel('Your answer').inputValue()).toBe('');
    const id = mine.find((i) => i.ref === 'dataset:payments/refunds')!.id;
    const stored = (await server.app.inject({ url: `/api/v1/incidents/${id}` })).json();
    expect(stored.timeline.at(-1)).toMatchObject({
      action: 'acknowledged',
      actor: 'user:grace',
      note: 'Negative refund from the PSP export; asking them',
    });
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('offers a pending change to the data office, not to a steward, and shows the server’s refusal', async () => {
    expect(
      (await server.apply(refundsYaml.replace('status: active', 'status: deprecated'), 'user:farid')).status,
    ).toBe(200);
    const pending = await server.apply(refundsYaml, 'user:farid');
    expect((pending.body.results as { status: string }[])[0]!.status).toBe('pending');

    // A steward sees the change waiting, and why they cannot decide it.
    await signInAs(page, server.url, 'Grace Chen');
    await page.goto(`${server.url}/work`);
    const card = page.locator('.card', { hasText: 'dataset:payments/refunds' });
    await card.waitFor();
    expect(await card.textContent()).toContain('goes from deprecated back to active');
    expect(await card.locator('.not-allowed').textContent()).toContain(
      'Only the data office (user:ada, user:ben, user:olga) may decide this.',
    );
    expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    // …and the server agrees.
    const { approvals } = (await server.app.inject({ url: '/api/v1/approvals?state=open' })).json();
    const refused = await server.app.inject({
      method: 'POST',
      url: `/api/v1/approvals/${approvals[0].id}/approve`,
      payload: {},
      headers: { 'x-charter-actor': 'user:grace' },
    });
    expect(refused.statusCode).toBe(403);

    // Ben is in the data office when his page loads; the charter then drops him. His click is
    // refused by the server, and the UI says so in the server's words.
    await signInAs(page, server.url, 'Ben Okafor');
    await page.goto(`${server.url}/work`);
    await card.getByRole('button', { name: 'Approve' }).waitFor();
    const charter = (await server.app.inject({ url: '/api/v1/assets/charter%3Anorthwind' })).json().doc;
    charter.spec.dataOffice = ['user:ada', 'user:olga'];
    const changed = await server.app.inject({
      method: 'POST',
      url: '/api/v1/apply',
      payload: { documents: [charter] },
      headers: { 'x-charter-actor': 'user:ada' },
    });
    expect(changed.statusCode).toBe(200);
    await card.getByRole('button', { name: 'Approve' }).click();
    const alert = card.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Charter refused your decision');
    expect(await alert.textContent()).toMatch(/user:ben .*data office/);

    // The data office approves, with a reason; the change goes live.
    await signInAs(page, server.url, 'Ada Lindqvist');
    await page.goto(`${server.url}/work`);
    await card.getByLabel('Reason (required to reject)').fill('Reactivated for the Q4 reconciliation');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.getByRole('status').getByText('Approved: dataset:payments/refunds v3 is now live.').waitFor();
    await page.goto(`${server.url}/work`);
    await page.getByText('Nothing waits for a decision').waitFor();
    await page.goto(`${server.url}/dataset/payments/refunds?tab=versions`);
    const latest = page.locator('#versions tbody tr').first();
    await latest.waitFor();
    expect(await latest.textContent()).toMatch(/v3\s*live/);
    const audit = (await server.app.inject({ url: '/api/v1/audit?ref=dataset%3Apayments%2Frefunds' })).json()
      .records;
    expect(audit.at(-1)).toMatchObject({ actor: 'user:ada', action: 'approve', version: 3 });
  });
});
