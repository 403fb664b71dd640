/**
 * The composition root: one store, the catalog with its plugins (the policy engine), and the
 * governance services, wired once for the CLI, the server and the tests.
 */

import { AccessControl } from '../access/access-control.js';
import { type OidcConfig, OidcVerifier, oidcConfigFromEnv } from '../access/oidc.js';
import { Tokens } from '../access/tokens.js';
import { AiGate } from '../ai/ai-gate.js';
import { aiPlugin } from '../ai/ai-plugin.js';
import { Catalog } from '../catalog/catalog.js';
import { lineagePlugin, policyLineage } from '../lineage/lineage-plugin.js';
import { LineageService } from '../lineage/lineage-service.js';
import { type ComplianceReport, Governance } from '../policy/governance.js';
import { PolicyEngine, policyPlugin } from '../policy/policy-engine.js';
import type { CatalogStore } from '../store/catalog-store.js';
import { aiStoreFor } from '../store/sql/sql-ai-store.js';
import { lineageStoreFor } from '../store/sql/sql-lineage-store.js';
import { qualityStoreFor } from '../store/sql/sql-quality-store.js';
import type { SqlStore } from '../store/sql/sql-store.js';
import { SqlTokenStore } from '../store/sql/sql-token-store.js';

export interface Platform {
  store: CatalogStore;
  catalog: Catalog;
  governance: Governance;
  /** API tokens and access control (bearer tokens, roles). */
  access: AccessControl;
  /** Lineage, trace and impact, outcomes, scorecards, webhooks. */
  lineage: LineageService;
}

export interface PlatformOptions {
  actor: string;
  /** Progress of a long apply, by stage (`checking documents`, `storing`). */
  onProgress?: (done: number, total: number, stage?: string) => void;
  now?: () => Date;
  /** An OIDC issuer to accept JWTs from (default: CHARTER_OIDC_ISSUER and friends). */
  oidc?: OidcConfig;
  /** Re-evaluate compliance in the background after every change (the server; see Governance.reevaluate). */
  onComplianceChange?: { done?: (report: ComplianceReport) => void; error?: (error: unknown) => void };
}

/** Lineage over a store (one graph index per store and process, however many services). */
export function lineageFor(store: CatalogStore, actor: string, now?: () => Date): LineageService {
  return new LineageService(store, lineageStoreFor(store), qualityStoreFor(store), {
    actor,
    ...(now ? { now } : {}),
  });
}

export function createPlatform(store: CatalogStore, options: PlatformOptions): Platform {
  const engine = new PolicyEngine();
  let governance: Governance | undefined;
  const lineage = lineageFor(store, options.actor, options.now);
  const plugin = policyPlugin(store, engine, {
    ...(options.now ? { now: options.now } : {}),
    lineage: (subjects) => policyLineage(lineage, subjects),
    // The background run follows every change (a no-op without onComplianceChange).
    onChanged: (refs: string[]) => governance?.complianceChanged(refs),
  });
  // Admission asks the AI-use gate about a system's inputs unguarded (the plugin words what the caller may see).
  let gate: AiGate | undefined;
  const catalog: Catalog = new Catalog(store, {
    actor: options.actor,
    plugins: [
      plugin,
      lineagePlugin(store, () => lineage),
      aiPlugin(() => {
        gate ??= new AiGate(catalog, qualityStoreFor(store), aiStoreFor(store), {
          actor: options.actor,
          ...(options.now ? { now: options.now } : {}),
        });
        return gate;
      }),
    ],
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  // A server's thread answers requests while its compliance runs on worker threads.
  governance = new Governance(catalog, options.now, { callerSweeps: !options.onComplianceChange });
  governance.background = options.onComplianceChange;
  const tokens = new Tokens(new SqlTokenStore(store as SqlStore), options.now);
  const oidc = options.oidc ?? oidcConfigFromEnv();
  const access = new AccessControl(store, tokens, oidc ? new OidcVerifier(oidc) : undefined);
  return { store, catalog, governance, access, lineage };
}
