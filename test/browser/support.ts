/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (skipped with a notice
 * when absent, a failure under CI=true), the built UI (rebuilt when web/ changed since), a server
 * started in-process on a fresh demo store, axe-core and screenshots.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { OidcConfig } from '../../src/access/oidc.js';
import { parseSources } from '../../src/catalog/parse.js';
import { readManifestFiles } from '../../src/cli/files.js';
import { buildApp } from '../../src/server/app.js';
import { createPlatform, type Platform } from '../../src/server/platform.js';
import { openStore } from '../../src/store/open-store.js';
import { repoRoot } from '../support/reference.js';

export const chromiumPath = process.env.CHARTER_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Containers often give /dev/shm only 64 MB; Chromium then crashes on large pages.
  '--disable-dev-shm-usage',
];

/** Whether the browser tests can run; under CI=true a missing Chromium fails instead. */
export function browserAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.env.CI === 'true')
    throw new Error(
      `Chromium is required under CI=true but ${chromiumPath} is missing (apt-get install chromium)`,
    );
  console.warn(`NOTICE: ${chromiumPath} is absent; the browser tests are skipped (apt-get install chromium)`);
  return false;
}

const webDir = join(repoRoot, 'web');
const distIndex = join(webDir, 'dist', 'index.html');

function newest(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((e) => newest(join(path, e))));
}

/**
 * Builds web/dist when it is missing or older than the UI's sources, once across the parallel test
 * files (a lock folder; the others wait for it).
 */
export async function ensureUiBuilt(): Promise<void> {
  const sources = Math.max(
    newest(join(webDir, 'src')),
    newest(join(webDir, 'index.html')),
    newest(join(webDir, 'vite.config.ts')),
  );
  const fresh = () => existsSync(distIndex) && statSync(distIndex).mtimeMs >= sources;
  const lock = join(repoRoot, 'test', '.tmp', 'web-build.lock');
  if (fresh() && !existsSync(lock)) return;
  mkdirSync(join(repoRoot, 'test', '.tmp'), { recursive: true });
  for (let waited = 0; ; waited += 500) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building: wait for it to finish (a build writes index.html before it is done).
      if (waited > 180_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
      if (!existsSync(lock) && fresh()) return;
    }
  }
  try {
    if (fresh()) return;
    // Vitest sets NODE_ENV=test; the UI is built as it ships.
    const build = spawnSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (build.status !== 0) throw new Error(`The web UI did not build:\n${build.stdout}${build.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface DemoServer {
  url: string;
  app: FastifyInstance;
  platform: Platform;
  /** Applies YAML through the API as `actor`; returns the HTTP status and body. */
  apply(yaml: string, actor: string): Promise<{ status: number; body: Record<string, unknown> }>;
  /** An API token for a user (a server with access control). */
  token(principal: string): Promise<string>;
  close(): Promise<void>;
}

export interface DemoServerOptions {
  /** Sign-in required, as `charter serve` runs: API tokens and roles (default: the x-charter-actor header is trusted). */
  access?: boolean;
  /** An OIDC issuer the server accepts (with access control). */
  oidc?: OidcConfig;
  /** More manifests applied after the demo organisation. */
  extra?: { name: string; content: string }[];
}

/** A server on a fresh embedded store holding the demo organisation, listening on a free port. */
export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const home = mkdtempSync(join(tmpdir(), 'charter-ui-'));
  process.env.CHARTER_DATA_ROOT = join(repoRoot, 'examples');
  const store = await openStore({ home });
  const platform = createPlatform(store, {
    actor: 'user:demo-loader',
    ...(options.oidc ? { oidc: options.oidc } : {}),
  });
  for (const docs of [readManifestFiles([join(repoRoot, 'examples', 'org')]), options.extra ?? []]) {
    if (!docs.length) continue;
    const result = await platform.catalog.apply(parseSources(docs));
    if (!result.applied)
      throw new Error(`The demo organisation did not apply: ${JSON.stringify(result.summary)}`);
  }
  const app = await buildApp({
    catalog: platform.catalog,
    governance: platform.governance,
    lineage: platform.lineage,
    ...(options.access || options.oidc ? { access: platform.access, tokens: platform.access.tokens } : {}),
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    app,
    platform,
    async apply(yaml, actor) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/apply',
        payload: yaml,
        headers: { 'content-type': 'application/yaml', 'x-charter-actor': actor },
      });
      return { status: res.statusCode, body: res.json() };
    },
    async token(principal) {
      const made = await platform.access.tokens.create({
        principal,
        name: 'browser',
        expiresAt: null,
        actor: 'user:demo-loader',
      });
      return made.token;
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Chromium with a fresh profile and a 1280×800 window. */
export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'charter-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in as a user the way a person does: through the "who are you" page. */
export async function signInAs(page: Page, baseUrl: string, displayName: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByRole('button', { name: new RegExp(displayName) }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

const axeSource = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the UI's Content-Security-Policy forbids inline scripts.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const scope = globalThis as unknown as {
      document: unknown;
      axe: { run: (context: unknown) => Promise<{ violations: AxeViolation[] }> };
    };
    const result = await scope.axe.run(scope.document);
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export const screenshotDir = join(repoRoot, 'docs', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}
