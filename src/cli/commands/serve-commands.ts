/** `serve` (the HTTP server) and `demo` (load the demo organisation, then serve). */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import pino from 'pino';
import { parseSources } from '../../catalog/parse.js';
import type { OutcomeInput } from '../../lineage/lineage-api.js';
import { MCP_RESOURCE_TEMPLATES, MCP_TOOLS } from '../../mcp/mcp-names.js';
import { InputError, UnavailableError } from '../../model/errors.js';
import { QualityService } from '../../quality/quality-service.js';
import { buildApp, type McpEndpoint } from '../../server/app.js';
import { describeStore } from '../../store/open-store.js';
import { qualityStoreFor } from '../../store/sql/sql-quality-store.js';
import { type GlobalOptions, openLocal, storeOptions } from '../context.js';
import { readManifestFiles } from '../files.js';
import { formatApply } from './catalog-commands.js';
import { readEventFiles, startWebhookDelivery } from './lineage-commands.js';
import { startQualityScheduler } from './quality-commands.js';

export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InputError(`--port must be a number from 0 to 65535 (got '${value}')`);
  return n;
}

/**
 * The MCP endpoint, built at its first request: the MCP SDK and its schema library cost about
 * 40 MB of memory, which a server nobody asks over MCP need not carry.
 */
function lazyMcp(load: () => Promise<McpEndpoint>): McpEndpoint {
  let endpoint: Promise<McpEndpoint> | undefined;
  const lazy: McpEndpoint = async (caller, req, res, body) => {
    endpoint ??= load().catch((error: unknown) => {
      endpoint = undefined;
      throw error;
    });
    return (await endpoint)(caller, req, res, body);
  };
  return Object.assign(lazy, { offers: { tools: MCP_TOOLS, resources: MCP_RESOURCE_TEMPLATES } });
}

/**
 * Ends the log: waits for the write in flight, writes what is buffered, and resolves once all of it
 * reached standard output (a file, a pipe), so a clean stop loses no line.
 */
function endLog(destination: ReturnType<typeof pino.destination>): Promise<void> {
  return new Promise((resolve) => {
    destination.once('close', () => resolve());
    destination.once('error', () => resolve());
    destination.end();
  });
}

async function serve(globals: GlobalOptions, opts: { port: string; host: string }, banner?: string) {
  // Log lines are written to standard output asynchronously: a request never waits for the disk.
  const destination = pino.destination({ dest: 1, sync: false, minLength: 8192, periodicFlush: 1000 });
  let log: { info: (o: object, m: string) => void; error: (o: object, m: string) => void } | undefined;
  const { store, catalog, governance, access, lineage } = await openLocal(globals, {
    onComplianceChange: {
      done: (r) => log?.info({ compliance: r.totals, policies: r.policies }, 'compliance re-evaluated'),
      error: (error) => log?.error({ err: error }, 'compliance re-evaluation failed'),
    },
  });
  const app = await buildApp({
    catalog,
    governance,
    access,
    tokens: access.tokens,
    lineage,
    logger: { destination },
    metricsPublic: process.env.CHARTER_METRICS_PUBLIC === 'true',
    mcp: lazyMcp(async () => {
      const { mcpServices } = await import('../../mcp/mcp-server.js');
      const { mcpHttpHandler } = await import('../../mcp/mcp-transports.js');
      return mcpHttpHandler(
        mcpServices(catalog, lineage, {
          version: packageVersion(),
          onError: (error) => log?.error({ err: error }, 'unexpected error in an MCP tool'),
        }),
      );
    }),
  });
  log = app.log;
  const address = await app.listen({ port: port(opts.port), host: opts.host }).catch(async (error) => {
    await app.close();
    await store.close();
    const code = (error as { code?: unknown })?.code;
    if (code === 'EADDRINUSE')
      throw new UnavailableError(
        `Port ${opts.port} on ${opts.host} is already in use (another Charter, or another program): stop it, or choose another port with --port`,
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new InputError(`Cannot listen on ${opts.host}: it is not an address of this machine (--host)`);
    throw error;
  });
  const url = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  process.stderr.write(
    `${banner ?? ''}Charter is serving ${describeStore(storeOptions(globals))} at ${url}\n  API docs: ${url}/docs\n  MCP:      ${url}/mcp\n  Health:   ${url}/healthz\n`,
  );
  const scheduler = startQualityScheduler(catalog, app.log);
  const deliverer = startWebhookDelivery(lineage.store, app.log);
  // The governance KPIs in /metrics start from a first evaluation, then follow every change.
  void governance.scheduleCompliance(
    (r) => app.log.info({ compliance: r.totals, policies: r.policies }, 'compliance evaluated'),
    (error) => app.log.error({ err: error }, 'compliance evaluation failed'),
  );
  const stop = async () => {
    await scheduler?.stop();
    await deliverer.stop();
    // Waits for requests in flight, so their lines are logged before the log ends.
    await app.close();
    await store.close();
    await endLog(destination);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // The listening server keeps the process alive until a signal stops it.
}

export function registerServeCommands(program: Command) {
  const srv = program
    .command('serve')
    .description('Start the HTTP server: REST API, OpenAPI docs, metrics, MCP at /mcp, web UI')
    .option('--port <port>', 'port to listen on', process.env.PORT ?? '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .addHelpText(
      'after',
      `
Environment:
  CHARTER_DATABASE_URL       PostgreSQL instead of the embedded store (postgres://…)
  CHARTER_DATA_ROOT          folder that local data files of contracts resolve in (quality, scans)
  CHARTER_CHECK_TIMEOUT      statement timeout of quality checks and scans, in seconds (default 60)
  CHARTER_SECRET_<NAME>_USER / _PASSWORD, CHARTER_SECRETS_FILE
                             credentials of data servers, by the name a contract gives
  CHARTER_OIDC_ISSUER        accept OIDC JWTs from this issuer (also CHARTER_OIDC_AUDIENCE,
                             CHARTER_OIDC_JWKS_URL, CHARTER_OIDC_CLAIM=email|preferred_username|sub)
  CHARTER_OIDC_CLIENT_ID     offer single sign-on in the web UI (with CHARTER_OIDC_CLIENT_SECRET for
                             a confidential client, CHARTER_OIDC_SCOPE); redirect URI /sign-in/callback
  CHARTER_METRICS_PUBLIC     true: /metrics without sign-in
  CHARTER_LOG_LEVEL          info (default), debug, warn, error
  CHARTER_QUALITY_SCHEDULER  off: no scheduled quality checks (CHARTER_QUALITY_CONCURRENCY, default 2)
  CHARTER_WEBHOOK_INTERVAL_MS  how often webhook deliveries are attempted (default 2000)
  CHARTER_WEBHOOK_ALLOW_PRIVATE  true: webhooks may go to loopback, private and link-local addresses
  CHARTER_LINEAGE_MAX_EVENT_BYTES  largest OpenLineage event accepted (default 1 MB)
  CHARTER_LINEAGE_MAX_BATCH_BYTES  largest batch body (default 32 MB)
  CHARTER_LINEAGE_MAX_PENDING      ingest requests stored or waiting at once before 429 (default 16)
See docs/access.md, docs/quality.md, docs/lineage.md and docs/architecture.md.`,
    );
  srv.action(async () =>
    serve(srv.optsWithGlobals() as GlobalOptions, srv.opts() as { port: string; host: string }),
  );

  const demo = program
    .command('demo')
    .description('Load the demo organisation into a fresh embedded store and start the server')
    .option('--port <port>', 'port to listen on', process.env.PORT ?? '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--home <dir>', 'folder of the demo store', process.env.CHARTER_HOME ?? '.charter-demo')
    .option('--no-serve', 'load the demo and exit');
  demo.action(async () => {
    const globals = demo.optsWithGlobals() as GlobalOptions & { serve: boolean; port: string; host: string };
    if (globals.database || process.env.CHARTER_DATABASE_URL) {
      globals.database = globals.database ?? process.env.CHARTER_DATABASE_URL;
    } else {
      rmSync(resolve(globals.home ?? '.charter-demo'), { recursive: true, force: true });
    }
    // The demo's contracts name their files relative to the examples folder.
    process.env.CHARTER_DATA_ROOT ??= join(packageRoot, 'examples');
    const { store, catalog, access, lineage } = await openLocal({
      ...globals,
      as: globals.as ?? 'user:demo-loader',
    });
    const files = readManifestFiles([join(packageRoot, 'examples', 'org')]);
    const result = await catalog.apply(parseSources(files));
    if (!result.applied) {
      await store.close();
      process.stderr.write(`${formatApply(result)}\n`);
      throw new InputError('The demo organisation did not apply');
    }
    // Sign-in tokens for a data-office member and a domain steward, so the demo can be explored at once.
    const demoTokens: string[] = [];
    for (const [who, role] of [
      ['user:ada', 'data office'],
      ['user:grace', 'steward of finance and payments'],
    ] as const) {
      const { token } = await access.tokens.create({
        principal: who,
        name: 'demo',
        expiresAt: null,
        actor: 'user:demo-loader',
      });
      demoTokens.push(`  ${who} (${role}): ${token}`);
    }
    // A first quality run, so the demo starts with scores, history and the planted incidents.
    const quality = new QualityService(catalog, qualityStoreFor(catalog.store), {
      actor: 'user:demo-loader',
      dataRoot: join(packageRoot, 'examples'),
    });
    const checked = await quality.check({ all: true }, {});
    const failing = checked.runs.filter((r) => r.status !== 'passed').length;
    // The pipelines' reported lineage, so that trace and impact cross jobs and unmanaged sources
    // from the start (the catalog's declared links alone stop at the contracts).
    const lineageDir = join(packageRoot, 'examples', 'lineage');
    const eventFiles = readdirSync(lineageDir)
      .filter((name) => /\.(nd)?json$/.test(name))
      .sort()
      .map((name) => join(lineageDir, name));
    const reported = await lineage.ingest(readEventFiles(eventFiles).items, { atomic: true, source: 'demo' });
    if (reported.summary.failed) {
      await store.close();
      throw new InputError(
        `The demo's lineage did not ingest: ${reported.failed_events.map((f) => `event ${f.index}: ${f.reason}`).join('; ')}`,
      );
    }
    // A few AI outcomes, so the lineage page, scorecards and `outcome list` show one traced to its people.
    const outcomes = JSON.parse(
      readFileSync(join(packageRoot, 'examples', 'outcomes', 'northwind-outcomes.json'), 'utf8'),
    ) as OutcomeInput[];
    for (const outcome of outcomes) await lineage.recordOutcome(outcome);
    await store.close();
    const s = result.summary;
    const banner = `Loaded the demo organisation: ${s.created} created, ${s.updated} updated, ${s.unchanged} unchanged.\nChecked the quality of ${checked.runs.length} datasets where their data lives: ${failing} with findings (see examples/README.md).\nReported lineage: ${reported.stored.events} OpenLineage events from examples/lineage (${reported.stored.jobs} jobs, ${reported.stored.edges} edges, ${reported.stored.unmanaged} datasets no contract describes yet).\nRecorded ${outcomes.length} AI outcomes from examples/outcomes, each traced to the data and people behind it.\nSign in with one of these API tokens (Authorization: Bearer …, or --token with --server):\n${demoTokens.join('\n')}\n`;
    if (!globals.serve) {
      process.stderr.write(banner);
      return;
    }
    await serve(globals, globals, banner);
  });
}
