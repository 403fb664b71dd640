/**
 * Who is calling, resolved once per request: with access control, the principal behind the
 * bearer token and a catalog guarded by its roles; without it (in-process tools and tests that
 * build the app themselves), a trusted actor header. `charter serve` always runs with access control.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessControl } from '../access/access-control.js';
import type { Authorizer } from '../access/authorizer.js';
import { auditFeedOf } from '../audit/audit-feed.js';
import type { Catalog } from '../catalog/catalog.js';
import { InputError } from '../model/errors.js';
import { tryParseRef } from '../model/ref.js';
import type { Governance } from '../policy/governance.js';

export const ACTOR_HEADER = 'x-charter-actor';

export interface RequestContext {
  actor: string;
  catalog: Catalog;
  governance: Governance;
  /** Present when access control is on. */
  guard?: Authorizer;
  /**
   * The store's audit-feed mark taken when the request began: every cache this request reads from
   * is brought up to date as of then by one shared look at the audit log.
   */
  since: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    charter: RequestContext;
  }
}

export function actorOf(request: FastifyRequest, fallback: string): string {
  if (request.charter) return request.charter.actor;
  const header = request.headers[ACTOR_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return fallback;
  const ref = tryParseRef(value);
  if (!ref || (ref.kind !== 'user' && ref.kind !== 'team')) {
    throw new InputError(`The ${ACTOR_HEADER} header must be a user ref such as user:alice`);
  }
  return value;
}

/** Paths anyone may call: health, the API description, and the web UI's static files. */
export function isPublicPath(url: string, metricsPublic: boolean): boolean {
  const path = url.split('?')[0] ?? '';
  if (path === '/healthz' || path === '/openapi.json' || path.startsWith('/docs')) return true;
  // How to sign in, and the OIDC code exchange that signs a browser in.
  if (path === '/api/v1/auth' || path === '/api/v1/auth/oidc') return true;
  if (path === '/metrics') return metricsPublic;
  return !path.startsWith('/api/') && path !== '/metrics' && path !== '/mcp';
}

export function installRequestContext(
  app: FastifyInstance,
  options: {
    catalog: Catalog;
    governance: Governance;
    defaultActor: string;
    access?: AccessControl;
    metricsPublic?: boolean;
  },
): void {
  const feed = auditFeedOf(options.catalog.store);
  app.decorateRequest('charter', null as unknown as RequestContext);
  app.addHook('onRequest', async (request) => {
    const since = feed.mark();
    if (!options.access) {
      const actor = actorOf(request, options.defaultActor);
      const catalog = options.catalog.as(actor);
      request.charter = { actor, catalog, governance: options.governance.for(catalog), since };
      return;
    }
    if (isPublicPath(request.url, options.metricsPublic ?? false)) return;
    const principal = await options.access.authenticate(request.headers.authorization, since);
    const guard = await options.access.authorizer(principal, since);
    const catalog = options.catalog.as(principal.ref, guard);
    request.charter = {
      actor: principal.ref,
      catalog,
      governance: options.governance.for(catalog),
      guard,
      since,
    };
  });
}
