/**
 * The web UI in Chromium against a server with access control: a user signed in with their API
 * token traces a model one of whose inputs lives in a domain they may not read. The trace shows that
 * node in its place, greyed, as a restricted dataset of its domain with whom to ask for access, and
 * nowhere names the dataset or its people.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Browser,
  browserAvailable,
  type DemoServer,
  ensureUiBuilt,
  launchBrowser,
  screenshot,
  seriousViolations,
  startDemoServer,
} from './support.js';

// A support model evaluated on the customer domain's customers, which kemi (support) may not read.
const MODEL = `apiVersion: charter/v1
kind: Model
metadata: {name: churn-signals, domain: support}
spec:
  title: Churn signals
  version: 0.3.0
  stage: development
  owners: [user:kemi]
  stewards: [user:liam]
  intendedPurpose: Flag tickets from customers likely to leave.
  riskClass: {euAiAct: minimal, rationale: Internal prioritisation of tickets.}
  baseModels: [{id: xlm-roberta-base, version: "2019-11", provider: Meta AI, accessMode: weights, license: MIT}]
  inputs:
    - {dataset: "dataset:support/support-tickets", version: 1, role: training}
    - {dataset: "dataset:customer/customers", version: 1, role: evaluation}
`;

describe.runIf(browserAvailable())('web UI: lineage with access control', { timeout: 120_000 }, () => {
  let server: DemoServer;
  let url: string;
  let token: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await ensureUiBuilt();
    server = await startDemoServer({ access: true, extra: [{ name: 'churn.yaml', content: MODEL }] });
    url = server.url;
    token = await server.token('user:kemi');
    browser = await launchBrowser();
    page = browser.page;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a restricted input in its place, with its domain and whom to ask, and nothing of the asset', async () => {
    await page.goto(`${url}/sign-in`);
    await page.getByRole('textbox', { name: 'Token' }).fill(token);
    await page.getByRole('button', { name: 'Use token' }).click();
    // Signed in, the page moves on to the overview.
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));

    await page.goto(`${url}/model/support/churn-signals?tab=trace`);
    const behind = page.locator('#trace-datasets');
    await behind.getByText('support-tickets').waitFor();
    const row = behind.locator('tr.restricted-row');
    expect(await row.count()).toBe(1);
    expect((await row.textContent())?.replace(/\s+/g, ' ')).toBe(
      'Dataset (no access) (restricted:1 in customer)evaluationwithheldwithheldwithheldAsk user:chloe for access',
    );
    expect(await behind.locator('.note, [role="note"]').first().textContent()).toContain(
      '1 asset behind it is in a domain you may not read',
    );
    // In the graph it is a node of its own, not a link, beside the readable input.
    const node = page.locator('svg g', { hasText: 'Dataset (no access)' }).last();
    expect(await node.textContent()).toContain('in customer · evaluation');
    expect(await page.locator('svg a', { hasText: 'Dataset (no access)' }).count()).toBe(0);
    expect(await page.locator('.node-no-access').count()).toBe(1);
    // Whom to ask is named; the dataset and its own people are not.
    expect(await page.locator('#accountable').textContent()).toContain(
      'owner of domain:customer, which holds restricted:1 (evaluation)',
    );
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).not.toMatch(/customer\/customers|user:devi/);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'model-trace-restricted');
  });

  it("draws a dataset's lineage with the neighbours the caller may not read as no-access nodes", async () => {
    // grace (finance and payments) may not read the commerce and analytics datasets that the data
    // products around payment-transactions consume or expose.
    const grace = await browser.context.newPage();
    await grace.goto(`${url}/sign-in`);
    await grace.getByRole('textbox', { name: 'Token' }).fill(await server.token('user:grace'));
    await grace.getByRole('button', { name: 'Use token' }).click();
    await grace.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await grace.goto(`${url}/dataset/payments/payment-transactions?tab=lineage`);
    const section = grace.locator('#lineage');
    await section.locator('svg').first().waitFor();
    expect(await section.getByRole('alert').count()).toBe(0);
    expect(await section.locator('.node-no-access').count()).toBeGreaterThan(0);
    expect(await section.locator('svg a', { hasText: '(no access)' }).count()).toBe(0);
    const text = (await section.textContent()) ?? '';
    expect(text).not.toMatch(/commerce\/orders|web-analytics\/|may not read/);
    await grace.close();
  });

  it('says "no access", and whom to ask, where a domain holds what the user may not read', async () => {
    // grace (finance and payments) may not read what commerce holds; ines owns commerce.
    const grace = await browser.context.newPage();
    await grace.goto(`${url}/sign-in`);
    await grace.getByRole('textbox', { name: 'Token' }).fill(await server.token('user:grace'));
    await grace.getByRole('button', { name: 'Use token' }).click();
    await grace.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    const ask = 'Ask user:ines (owner of domain:commerce) for access.';

    await grace.goto(`${url}/domain/commerce`);
    const note = grace.locator('main .no-access');
    await note.waitFor();
    expect(await note.textContent()).toContain('You may not read the datasets, products, teams, quality');
    // Whom to ask shows once the organisation is loaded.
    await expect.poll(() => note.textContent()).toContain(ask);
    // Not an empty domain: no zero counts, no "no teams", no all-passing scorecard.
    const about = (await grace.locator('main').textContent()) ?? '';
    expect(about).not.toMatch(/Datasets \(0\)|No teams|all passing|No open incidents/);
    // Its description, owners and sub-domains stay: the domain tree is visible to everyone.
    expect(about).toContain('Inês Costa');
    expect(about).toContain('Fulfilment');
    await grace.goto(`${url}/domain/commerce?tab=datasets`);
    await note.waitFor();
    expect(await grace.locator('main').textContent()).not.toContain('No datasets here');
    // A search filtered to that domain: "no access" and whom to ask, not "No results".
    await grace.goto(`${url}/search?q=orders&domain=commerce`);
    await note.waitFor();
    await expect.poll(() => note.textContent()).toContain(ask);
    await grace.waitForLoadState('networkidle');
    expect(await grace.locator('main').textContent()).not.toMatch(/No results|Nothing matches/);

    // A dataset there: "no access" with whom to ask, not "not allowed" or "not found".
    await grace.goto(`${url}/dataset/commerce/orders`);
    await note.waitFor();
    await expect
      .poll(async () => (await note.textContent())?.replace(/\s+/g, ' '))
      .toBe(
        `No accessYou may not read this dataset: that needs a role (viewer or more) in domain:commerce or a domain above it.${ask}`,
      );
    expect(await grace.locator('main [role="alert"]').count()).toBe(0);

    // The overview says so in commerce's row, and shows payments' figures.
    await grace.goto(`${url}/`);
    const row = grace.locator('tr', { has: grace.getByRole('link', { name: 'Commerce', exact: true }) });
    await row.getByText('No access', { exact: true }).waitFor();
    await expect
      .poll(async () => (await row.textContent())?.replace(/\s+/g, ' '))
      .toBe(`CommerceNo access ${ask}`);
    const payments = grace.locator('tr', { has: grace.getByRole('link', { name: 'Payments', exact: true }) });
    expect(await payments.textContent()).not.toContain('No access');
    expect(await seriousViolations(grace)).toEqual([]);

    // An outcome about an application in support, which grace may not read: whom to ask is support's owner.
    const outcome = await server.platform.lineage.recordOutcome({
      subject: 'app:support/nora',
      type: 'complaint',
      severity: 'low',
      summary: 'Answered in the wrong language',
    });
    await grace.goto(`${url}/outcome/${outcome.id}`);
    await note.waitFor();
    await expect
      .poll(async () => (await note.textContent())?.replace(/\s+/g, ' '))
      .toContain('Ask user:kemi (owner of domain:support) for access.');
    await grace.close();
  });
});
