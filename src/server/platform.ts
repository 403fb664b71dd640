/**
 * The composition root: one store, the catalog with its plugins (the policy engine), and the
 * governance services, wired once for the CLI, the server and the tests.
 */
import { Catalog } from '../catalog/catalog.js';
import { type ComplianceReport, Governance } from '../policy/governance.js';
import { PolicyEngine, policyPlugin } from '../policy/policy-engine.js';
import type { CatalogStore } from '../store/catalog-store.js';

export interface Platform {
  store: CatalogStore;
  catalog: Catalog;
  governance: Governance;
}

export interface PlatformOptions {
  actor: string;
  onProgress?: (done: number, total: number) => void;
  now?: () => Date;
  /** Re-evaluate compliance in the background whenever policies, waivers or the charter change (the server). */
  onComplianceChange?: { done?: (report: ComplianceReport) => void; error?: (error: unknown) => void };
}

export function createPlatform(store: CatalogStore, options: PlatformOptions): Platform {
  const engine = new PolicyEngine();
  let governance: Governance | undefined;
  const background = options.onComplianceChange;
  const plugin = policyPlugin(store, engine, {
    ...(options.now ? { now: options.now } : {}),
    ...(background
      ? { onPoliciesChanged: () => void governance?.scheduleCompliance(background.done, background.error) }
      : {}),
  });
  const catalog = new Catalog(store, {
    actor: options.actor,
    plugins: [plugin],
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  governance = new Governance(catalog, options.now);
  return { store, catalog, governance };
}
