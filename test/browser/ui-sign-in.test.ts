/**
 * Signing in to the web UI in Chromium, against a server with access control and a real OpenID
 * Connect issuer on loopback: single sign-on there and back (PKCE, the code exchanged by the server),
 * a refusal at the issuer shown as such, and an API token named through /api/v1/whoami.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '../support/oidc-issuer.js';
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

describe.runIf(browserAvailable())('web UI: signing in', { timeout: 120_000 }, () => {
  let server: DemoServer;
  let issuer: TestIssuer;
  let url: string;
  let token: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await ensureUiBuilt();
    issuer = await startTestIssuer();
    server = await startDemoServer({
      oidc: { issuer: issuer.issuer, clientId: issuer.clientId, clientSecret: issuer.clientSecret },
    });
    url = server.url;
    token = await server.token('user:ben');
    browser = await launchBrowser();
    page = browser.page;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await issuer?.close();
  });

  const identity = () => page.locator('.identity-name');

  it('signs in through the organisation’s issuer and comes back to the page asked for', async () => {
    await page.goto(`${url}/sign-in?next=${encodeURIComponent('/policies')}`);
    await page.getByRole('heading', { name: 'Single sign-on' }).waitFor();
    // This server checks who you are: there is no list of users to pick from.
    expect(await page.getByRole('heading', { name: 'Pick yourself' }).count()).toBe(0);
    expect(await page.locator('#sso').textContent()).toContain(new URL(issuer.issuer).host);
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in');

    await page.getByRole('button', { name: 'Sign in with single sign-on' }).click();
    await page.waitForURL((u) => u.origin === issuer.issuer);
    const asked = new URL(page.url());
    expect(asked.searchParams.get('code_challenge_method')).toBe('S256');
    expect(asked.searchParams.get('redirect_uri')).toBe(`${url}/sign-in/callback`);
    await page.getByLabel('E-mail').fill('ada.lindqvist@northwind.example');
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.waitForURL((u) => u.origin === url && u.pathname === '/policies');
    await identity().waitFor();
    expect(await identity().textContent()).toBe('Ada Lindqvist');
    // The page asked for was read with the ID token: its content, not a request to sign in.
    await page.getByRole('heading', { name: 'Policies', level: 1 }).waitFor();
    expect(await page.getByText('Sign in first').count()).toBe(0);
    // The browser holds the ID token, never the client's secret, and the sign-in's secrets are spent.
    const stored = await page.evaluate(() => {
      const scope = globalThis as unknown as { localStorage: object; sessionStorage: object };
      return {
        local: JSON.stringify({ ...scope.localStorage }),
        session: JSON.stringify({ ...scope.sessionStorage }),
      };
    });
    const saved = JSON.parse(JSON.parse(stored.local)['charter.session']);
    expect(saved.me).toBe('user:ada');
    expect(Date.parse(saved.expiresAt)).toBeGreaterThan(Date.now());
    expect(stored.local).not.toContain(issuer.clientSecret);
    expect(stored.session).not.toContain('charter.oidc.pending');
    // Reloading keeps the session.
    await page.reload();
    await identity().waitFor();
    expect(await identity().textContent()).toBe('Ada Lindqvist');
  });

  it('shows a refusal at the issuer as what the issuer said, with a way to start again', async () => {
    await page.goto(`${url}/sign-in`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in with single sign-on' }).click();
    await page.waitForURL((u) => u.origin === issuer.issuer);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL((u) => u.origin === url && u.pathname === '/sign-in/callback');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain(
      'The sign-in service said: access_denied (The person declined)',
    );
    expect(await page.getByRole('link', { name: 'Start again' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Sign in', exact: true }).count()).toBe(1);
    // Opening the callback again does not sign anyone in.
    await page.goto(`${url}/sign-in/callback?code=forged&state=forged`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('No sign-in was started in this tab');
  });

  it('signs in with an API token and names its user', async () => {
    await page.goto(`${url}/sign-in`);
    await page.getByRole('textbox', { name: 'Token' }).fill('chtr_0000_not-a-real-token');
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.getByText('The token was not accepted').waitFor();
    await page.getByRole('textbox', { name: 'Token' }).fill(token);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await identity().waitFor();
    expect(await identity().textContent()).toBe('Ben Okafor');
  });
});
