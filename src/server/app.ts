/**
 * The HTTP application: REST API under /api/v1, OpenAPI 3.1 at /openapi.json with browsable docs
 * at /docs, /healthz and /metrics. Tests call it in-process with `app.inject`.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { DestinationStream } from 'pino';
import type { AccessControl } from '../access/access-control.js';
import type { Tokens } from '../access/tokens.js';
import { auditFeedOf } from '../audit/audit-feed.js';
import type { Catalog } from '../catalog/catalog.js';
import type { LineageService } from '../lineage/lineage-service.js';
import { Governance } from '../policy/governance.js';
import { lineageStoreFor } from '../store/sql/sql-lineage-store.js';
import { qualityStoreFor } from '../store/sql/sql-quality-store.js';
import { handleError, noRoute } from './errors.js';
import { registerMetrics } from './metrics.js';
import { lineageFor } from './platform.js';
import { installRequestContext } from './request-context.js';
import { ResponseCache } from './response-cache.js';
import { aiRoutes } from './routes/ai-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { authRoutes } from './routes/auth-routes.js';
import { catalogRoutes } from './routes/catalog-routes.js';
import { ioRoutes } from './routes/io-routes.js';
import { lineageRoutes } from './routes/lineage-routes.js';
import { policyRoutes } from './routes/policy-routes.js';
import { qualityRoutes } from './routes/quality-routes.js';
import { scanRoutes } from './routes/scan-routes.js';
import { tokenRoutes } from './routes/token-routes.js';
import { uiRoutes } from './routes/ui-routes.js';
import { anyObject, objectOf, withSharedResponses } from './schemas.js';

/** The tools and resource templates an MCP endpoint offers (its OpenAPI description names them). */
export interface McpOffers {
  tools: readonly string[];
  resources: readonly string[];
}

/**
 * The MCP endpoint (streamable HTTP at /mcp), given by the composition root: it answers one request
 * for the caller the request authenticated as, writing the response itself, and says what it offers.
 */
export type McpEndpoint = ((
  caller: { actor: string; catalog: Catalog },
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
) => Promise<void>) & { offers?: McpOffers };

export interface AppOptions {
  catalog: Catalog;
  /** Governance services; built over the catalog when not given. */
  governance?: Governance;
  /**
   * Access control: bearer tokens and roles. `charter serve` always passes it; without it the app
   * trusts an `x-charter-actor` header (in-process tools and tests of other capabilities).
   */
  access?: AccessControl;
  /** API tokens (the /api/v1/tokens routes). */
  tokens?: Tokens;
  /** Lineage and accountability; built over the catalog's store when not given. */
  lineage?: LineageService;
  /** Serve /metrics without authentication (for a Prometheus scraper inside the network). */
  metricsPublic?: boolean;
  /** Actor for requests that name none (access control replaces this). */
  defaultActor?: string;
  /**
   * Log one line per request (and errors): `true` to standard output, or to the given destination
   * (`charter serve` passes an asynchronous one and flushes it when it stops). Off when not given.
   */
  logger?: boolean | { destination: DestinationStream };
  version?: string;
  /** Keep serialized asset reads between writes (default on; tests compare against off). */
  responseCache?: boolean;
  /** Serve MCP over streamable HTTP at /mcp (same authentication as the API). */
  mcp?: McpEndpoint;
}

export const BODY_LIMIT = 64 * 1024 * 1024;

/**
 * One line per request, written when its response completes: method, URL (a query string only
 * under /api/), status, response time and the signed-in actor — never a header, so never a
 * credential. Replaces Fastify's pair of lines (incoming, completed) per request.
 */
class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    const line = {
      method: request.method,
      // The web UI's query strings are the browser's business, and its sign-in callback carries an
      // authorization code: only the API's are logged.
      url: request.url.startsWith('/api/') ? request.url : request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 100) / 100,
      ...(request.charter ? { actor: request.charter.actor } : {}),
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request');
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger
      ? {
          level: process.env.CHARTER_LOG_LEVEL ?? 'info',
          redact: ['req.headers.authorization'],
          ...(options.logger === true ? {} : { stream: options.logger.destination }),
        }
      : false,
    logController: new RequestLog(),
    bodyLimit: BODY_LIMIT,
    // A ref in a path (`/assets/{ref}`, `/trace/{ref}` …) is percent-encoded: a long name in a deep
    // domain takes far more than the router's default 100 characters.
    routerOptions: { maxParamLength: 2048 },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false } },
    // A URL the router cannot decode (bad percent-encoding) gets the same JSON error as the rest.
    frameworkErrors: handleError,
  });
  const yamlParser = (
    _req: unknown,
    body: string | Buffer,
    done: (err: Error | null, body?: unknown) => void,
  ) => done(null, body);
  app.addContentTypeParser(
    ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'],
    { parseAs: 'string' },
    yamlParser,
  );
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => reply.status(404).send(noRoute(request.method, request.url)));

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (chtr_…) or an OIDC JWT' },
        },
      },
      security: [{ bearer: [] }],
      info: {
        title: 'Charter API',
        version: options.version ?? '0.1.0',
        description:
          'Federated data governance for GenAI. Errors are JSON: {error: {name, message, details}} with name one of InputError, AuthenticationError, NotAllowedError, NotFoundError, ConflictError, RefusedError, UnavailableError, InternalError (500: something Charter did not expect; the server log has the details).',
      },
      tags: [
        { name: 'catalog', description: 'Apply manifests and read the catalog' },
        { name: 'audit', description: 'The hash-chained audit log' },
        { name: 'io', description: 'Export and import' },
        { name: 'policy', description: 'Policies, compliance, approvals and waivers' },
        { name: 'access', description: 'Signing in, who you are, API tokens' },
        { name: 'quality', description: 'Quality checks, runs, scores and incidents' },
        {
          name: 'lineage',
          description: 'OpenLineage ingestion, trace and impact, outcomes, scorecards and webhooks',
        },
        { name: 'ai', description: 'The AI-use gate and its recorded decisions' },
        { name: 'mcp', description: 'The MCP server for AI assistants and agents (docs/mcp.md)' },
        { name: 'system', description: 'Health and metrics' },
      ],
    },
    // Added to every operation once rather than on each route: the Error schema, 401, a default error.
    transformObject: (document) =>
      'openapiObject' in document
        ? withSharedResponses(document.openapiObject, { metricsPublic: options.metricsPublic ?? false })
        : document.swaggerObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const actor = options.defaultActor ?? 'user:api';
  const governance = options.governance ?? new Governance(options.catalog);
  const assets = options.responseCache === false ? undefined : new ResponseCache(options.catalog.store);
  const registry = registerMetrics(app, options.catalog, governance, assets, {
    quality: qualityStoreFor(options.catalog.store),
    lineage: lineageStoreFor(options.catalog.store),
  });

  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness and store reachability',
        tags: ['system'],
        response: {
          200: objectOf(
            {
              status: { type: 'string', enum: ['ok'] },
              store: { type: 'string', enum: ['sqlite', 'postgres'] },
            },
            ['status', 'store'],
          ),
        },
      },
    },
    async () => {
      // A look at the audit log started after this request arrived (shared with requests arriving
      // together): the store answers.
      await auditFeedOf(options.catalog.store).catchUp();
      return { status: 'ok', store: options.catalog.store.dialect };
    },
  );
  app.get(
    '/metrics',
    {
      schema: {
        summary: 'Prometheus metrics',
        tags: ['system'],
        response: {
          200: {
            description: 'The Prometheus text exposition format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (_req, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  installRequestContext(app, {
    catalog: options.catalog,
    governance,
    defaultActor: actor,
    ...(options.access ? { access: options.access } : {}),
    metricsPublic: options.metricsPublic ?? false,
  });
  catalogRoutes(app, assets);
  auditRoutes(app);
  ioRoutes(app);
  policyRoutes(app);
  authRoutes(app, options.catalog, options.access, Boolean(options.tokens));
  if (options.tokens) tokenRoutes(app, options.tokens);
  qualityRoutes(app, options.catalog, actor);
  lineageRoutes(app, options.lineage ?? lineageFor(options.catalog.store, actor), actor);
  aiRoutes(app, options.catalog, actor);
  scanRoutes(app, options.catalog);
  if (options.mcp) mcpRoutes(app, options.mcp);
  uiRoutes(app);
  await app.ready();
  return app;
}

/**
 * MCP over streamable HTTP, stateless: every POST carries JSON-RPC and is answered as the caller
 * its bearer token names (the request context hook has authenticated it). There is no session to
 * resume, so GET (a server-sent event stream) and DELETE (ending a session) are 405.
 */
function mcpRoutes(app: FastifyInstance, endpoint: McpEndpoint) {
  app.post(
    '/mcp',
    {
      schema: {
        summary: 'MCP endpoint (streamable HTTP, stateless JSON-RPC)',
        description: `The Model Context Protocol for AI assistants and agents${endpoint.offers ? `: tools ${endpoint.offers.tools.join(', ')} and resources ${endpoint.offers.resources.join(', ')}` : ''}. Send Accept: application/json, text/event-stream and the same bearer token as the API; every tool runs as the caller (see docs/mcp.md).`,
        tags: ['mcp'],
        body: { description: 'A JSON-RPC message (or batch) of the MCP protocol' },
        response: {
          200: {
            description:
              'The JSON-RPC response (or batch): as JSON, or as one server-sent event when the client accepts text/event-stream; 202 with no body for a notification',
            ...anyObject,
          },
          202: { description: 'A notification or a response was accepted; nothing to answer', type: 'null' },
        },
      },
    },
    async (request, reply) => {
      reply.hijack();
      const { actor, catalog } = request.charter;
      try {
        await endpoint({ actor, catalog }, request.raw, reply.raw, request.body);
      } catch (error) {
        request.log.error({ err: error }, 'MCP request failed');
        if (!reply.raw.headersSent) {
          reply.raw.writeHead(500, { 'content-type': 'application/json' });
          reply.raw.end(
            JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null }),
          );
        }
      }
    },
  );
  const noSession = {
    schema: { summary: 'Not offered: the MCP endpoint is stateless (405)', tags: ['mcp'] },
  };
  const refuse = async (_request: unknown, reply: FastifyReply) =>
    reply
      .status(405)
      .header('allow', 'POST')
      .send({
        jsonrpc: '2.0',
        error: {
          code: -32000,
          message: 'Method not allowed: this MCP endpoint is stateless; POST JSON-RPC messages',
        },
        id: null,
      });
  app.get('/mcp', noSession, refuse);
  app.delete('/mcp', noSession, refuse);
}
