/**
 * The MCP server: Charter's governed catalog for AI assistants and agents. Six tools (search the
 * catalog, read governed context, ask the AI-use gate, trace, impact, list domains) and resources
 * for domains, data products and datasets. Every tool calls the service the REST API calls, through
 * the caller's catalog: what the caller may not read never appears, and every decision is audited
 * with the caller as actor. Over stdio a server answers one caller; over HTTP each request names
 * its caller (see mcp-transports.ts).
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  type CallToolResult,
  ErrorCode,
  McpError,
  type ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { type AiDecision, AiGate, type AiSystemRow } from '../ai/ai-gate.js';
import { buildContext, contextMarkdown } from '../ai/context-pack.js';
import type { Catalog } from '../catalog/catalog.js';
import { OUTCOME_TYPES, type OutcomeType, SEVERITIES } from '../lineage/lineage-api.js';
import type { LineageService } from '../lineage/lineage-service.js';
import type { ImpactReport, LineageRow, TraceReport } from '../lineage/trace.js';
import { AuthenticationError, isCharterError, NotFoundError } from '../model/errors.js';
import type { QualityStore } from '../store/quality-store.js';
import { aiStoreFor } from '../store/sql/sql-ai-store.js';
import { qualityStoreFor } from '../store/sql/sql-quality-store.js';

export const MCP_SERVER_NAME = 'charter';

/** Who is asking: their actor ref and a catalog guarded by their roles (unguarded: the local administrator). */
export interface McpCaller {
  actor: string;
  catalog: Catalog;
}

/** The services every caller's server shares (built once per process). */
export interface McpServices {
  quality: QualityStore;
  gate: AiGate;
  lineage: LineageService;
  version: string;
  /** Where an unexpected error is reported in full (the caller sees a generic message). */
  onError: (error: unknown) => void;
}

export function mcpServices(
  catalog: Catalog,
  lineage: LineageService,
  options: { version: string; onError: (error: unknown) => void; now?: () => Date },
): McpServices {
  const quality = qualityStoreFor(catalog.store);
  const gate = new AiGate(catalog, quality, aiStoreFor(catalog.store), {
    actor: catalog.options.actor,
    ...(options.now ? { now: options.now } : {}),
  });
  return { quality, gate, lineage, version: options.version, onError: options.onError };
}

const GENERIC = 'Something went wrong inside Charter; the server log has the details';

type Structured = Record<string, unknown>;

/** Runs a tool: its data as structured content plus readable text, or a clear tool error. */
async function run(
  services: McpServices,
  fn: () => Promise<{ data: Structured; text: string }>,
): Promise<CallToolResult> {
  try {
    const { data, text } = await fn();
    return { content: [{ type: 'text', text }], structuredContent: data };
  } catch (error) {
    if (isCharterError(error)) {
      return { isError: true, content: [{ type: 'text', text: `${error.name}: ${error.message}` }] };
    }
    services.onError(error);
    return { isError: true, content: [{ type: 'text', text: GENERIC }] };
  }
}

/** Resource reads answer protocol errors: not found, not allowed, bad input. */
async function read<T>(services: McpServices, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof NotFoundError) throw new McpError(-32002, error.message);
    if (isCharterError(error)) throw new McpError(ErrorCode.InvalidParams, `${error.name}: ${error.message}`);
    services.onError(error);
    throw new McpError(ErrorCode.InternalError, GENERIC);
  }
}

const list = (items: readonly string[]) => (items.length ? items.join(', ') : '—');

/** How a row's quality then and its quality shown are named: an outcome's, or a trace's at a past time. */
const WHEN_OUTCOME = ['when it happened', 'when recorded'] as const;
const WHEN_NOW = ['then', 'now'] as const;

function rowText(r: LineageRow, when: readonly [string, string] = WHEN_OUTCOME): string {
  if (r.restricted)
    return `- ${r.node} (depth ${r.depth}): restricted — you may not read it; ${[
      r.role ? `role ${r.role}` : null,
      r.domain ? `domain ${r.domain}` : null,
      `ask ${list(r.requestAccessFrom ?? [])} for access`,
    ]
      .filter(Boolean)
      .join('; ')}`;
  const a = r.asset;
  const bits = [
    r.role ? `role ${r.role}` : null,
    a?.domain ? `domain ${a.domain}` : null,
    a ? `owners ${list(a.owners)}` : 'not in the catalog',
    a?.stewards.length ? `stewards ${list(a.stewards)}` : null,
    // Of the version the link used; as of a past time, of the version then where it differs.
    r.versionThen !== undefined ? `version ${r.versionThen} ${when[0]} (${a?.version} ${when[1]})` : null,
    r.classificationThen !== undefined
      ? `classification ${r.classificationThen ?? 'none'} ${when[0]} (${a?.classification ?? 'none'} ${when[1]})`
      : r.classificationUsed
        ? `classification ${r.classificationUsed} (of the version used)`
        : a?.classification
          ? `classification ${a.classification}`
          : null,
    r.qualityThen
      ? `quality ${r.qualityThen.status ?? 'unchecked'} ${when[0]} (${a?.quality?.status ?? 'unchecked'} ${when[1]})`
      : a?.quality
        ? `quality ${a.quality.status ?? 'unchecked'}`
        : null,
    a?.openIncidents ? `${a.openIncidents} open incident(s)` : null,
  ].filter(Boolean);
  return `- ${r.node} (depth ${r.depth}): ${bits.join('; ')}`;
}

export function traceText(t: TraceReport & { outcome?: unknown }): string {
  const out = [`Trace of ${t.subject.ref} (${t.subject.title}) at ${t.at}`];
  if (t.qualityAt)
    out.push(
      `As of ${t.qualityAt} ("then"), where a dataset's quality, version or classification differs from now; lineage and owners are as now`,
    );
  const row = (r: LineageRow) => rowText(r, t.qualityAt ? WHEN_NOW : WHEN_OUTCOME);
  if (t.models.length) out.push('', `Models (${t.models.length}):`, ...t.models.map(row));
  out.push('', `Datasets behind it (${t.datasets.length}):`, ...t.datasets.map(row));
  out.push('', 'Accountable:', ...t.accountable.map((a) => `- ${a.ref} (${a.title}): ${a.why.join('; ')}`));
  if (t.cycles.length) out.push('', `Cycles cut: ${t.cycles.map((c) => `${c.from} → ${c.to}`).join(', ')}`);
  return `${out.join('\n')}\n`;
}

export function impactText(r: ImpactReport): string {
  const start = r.subject.field ? `${r.subject.node}#${r.subject.field}` : r.subject.node;
  const out = [`Impact of ${start} (depth ≤ ${r.depth}) at ${r.at}`];
  for (const [label, rows] of [
    ['Datasets', r.datasets],
    ['Models', r.models],
    ['Applications', r.apps],
  ] as const) {
    out.push('', `${label} affected (${rows.length}):`, ...rows.map((x) => rowText(x)));
  }
  if (r.fields?.length)
    out.push(
      '',
      'Fields reached:',
      ...r.fields.map(
        (f) => `- ${f.restricted ? `${f.node} (restricted)` : `${f.node}#${f.field}`} (from ${f.from})`,
      ),
    );
  out.push('', 'Who to tell:', ...r.notify.map((a) => `- ${a.ref} (${a.title}): ${a.why.join('; ')}`));
  return `${out.join('\n')}\n`;
}

export function decisionText(d: AiDecision): string {
  const head = `${d.decision.toUpperCase()}: ${d.use} of ${d.dataset} v${d.datasetVersion}${d.for ? ` for ${d.for}` : ''}${d.purpose ? ` (purpose ${d.purpose})` : ''}`;
  const out = [head, `Decision ${d.id}, recorded in the audit log as #${d.auditSeq} (actor ${d.actor}).`];
  if (d.reasons.length) {
    out.push('', 'Reasons:');
    for (const r of d.reasons) out.push(`- ${r.check}: ${r.message}`, `  fix: ${r.fix}`);
  }
  return `${out.join('\n')}\n`;
}

interface DomainEntry {
  ref: string;
  name: string;
  title: string;
  description: string;
  parent: string | null;
  owners: string[];
  stewards: string[];
  /** Whether the caller may read the assets that live in the domain. */
  readable: boolean;
  datasets: number;
  products: number;
}

async function domains(caller: McpCaller): Promise<DomainEntry[]> {
  const catalog = caller.catalog;
  // The domain tree is visible to everyone signed in; assets in a domain need a role there.
  const rows = await catalog.list('domains', { limit: 5000 });
  const docs = new Map((await catalog.store.getAssets(rows.map((r) => r.ref))).map((a) => [a.ref, a.doc]));
  const counts = await catalog.stats();
  const count = (kind: string, domain: string) =>
    counts.filter((c) => c.kind === kind && c.domain === domain).reduce((n, c) => n + c.count, 0);
  return rows.map((r) => {
    const doc = (docs.get(r.ref) ?? {}) as {
      metadata?: { parent?: string };
      spec?: { owners?: string[]; stewards?: string[] };
    };
    return {
      ref: r.ref,
      name: r.name,
      title: r.title,
      description: r.description,
      parent: doc.metadata?.parent ?? null,
      owners: doc.spec?.owners ?? [],
      stewards: doc.spec?.stewards ?? [],
      readable: catalog.guard?.canRead({ ref: r.ref, kind: 'DataContract', domain: r.name }) ?? true,
      datasets: count('DataContract', r.name),
      products: count('DataProduct', r.name),
    };
  });
}

function domainsText(list: DomainEntry[]): string {
  const children = new Map<string | null, DomainEntry[]>();
  const names = new Set(list.map((d) => d.name));
  for (const d of list) {
    const parent = d.parent && names.has(d.parent) ? d.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), d]);
  }
  const out: string[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const d of children.get(parent) ?? []) {
      const assets = d.readable
        ? `${d.datasets} datasets, ${d.products} products`
        : 'assets not readable by you';
      out.push(
        `${'  '.repeat(depth)}- ${d.ref} — ${d.title}: ${assets}; owners ${d.owners.join(', ') || '—'}; stewards ${d.stewards.join(', ') || '—'}`,
      );
      walk(d.name, depth + 1);
    }
  };
  walk(null, 0);
  return `${list.length} domains:\n${out.join('\n')}\n`;
}

function systemsText(systems: AiSystemRow[]): string {
  if (!systems.length) return 'No model or AI application you may read.\n';
  const out = [`${systems.length} AI system${systems.length === 1 ? '' : 's'}, most refused first:`];
  for (const s of systems) {
    const allowed = s.inputs.filter((i) => i.decision === 'allow').length;
    out.push(
      `- ${s.ref} — ${s.title} (${s.stage ?? 'no stage'}; owners ${s.owners.join(', ') || '—'}): ${allowed} of ${s.inputs.length} inputs allowed`,
    );
    for (const i of s.inputs) {
      if (i.decision === 'deny')
        out.push(
          `  - refused: ${i.dataset} for ${i.use} (${i.checks.join(', ')})${i.since ? `, since ${i.since.time} (${i.since.actor})` : ''}`,
        );
      else if (i.decision === 'restricted') out.push(`  - not yours to read: ${i.dataset} for ${i.use}`);
    }
  }
  return `${out.join('\n')}\n`;
}

async function domainMarkdown(caller: McpCaller, name: string): Promise<string> {
  const catalog = caller.catalog;
  const d = await catalog.describe(`domain:${name}`);
  const spec = (d.doc.spec ?? {}) as { description?: string };
  const people = (ps: { ref: string; title: string }[]) =>
    ps.map((p) => `${p.title} (\`${p.ref}\`)`).join(', ') || '—';
  const out = [`# ${d.asset.title} (\`${d.asset.ref}\`)`, ''];
  if (spec.description) out.push(spec.description, '');
  out.push(`**Path:** ${d.domainPath.join(' › ') || name}`);
  out.push(`**Owners:** ${people(d.owners)} · **Stewards:** ${people(d.stewards)}`, '');
  const all = await catalog.store.getAssets(
    (await catalog.list('domains', { limit: 5000 })).map((r) => r.ref),
  );
  const children = all.filter((a) => (a.doc.metadata as { parent?: string } | undefined)?.parent === name);
  if (children.length) {
    out.push('## Sub-domains', '');
    for (const c of children) out.push(`- \`${c.ref}\` ${c.title}`);
    out.push('');
  }
  if (catalog.guard && !catalog.guard.canRead({ ref: d.asset.ref, kind: 'DataContract', domain: name })) {
    out.push(`You hold no role in ${d.asset.ref}: its datasets and products are not shown.`);
    return `${out.join('\n').trimEnd()}\n`;
  }
  for (const [label, kind] of [
    ['Data products', 'products'],
    ['Datasets', 'datasets'],
  ] as const) {
    const rows = await catalog.list(kind, { domain: name, limit: 5000 });
    out.push(`## ${label}`, '');
    if (!rows.length) out.push('None.');
    for (const r of rows) out.push(`- \`${r.ref}\` ${r.title}${r.description ? `: ${r.description}` : ''}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

const looseRow = z.looseObject({ node: z.string(), depth: z.number() });
const accountable = z.array(z.looseObject({ ref: z.string(), title: z.string(), why: z.array(z.string()) }));

const READ_ONLY = { readOnlyHint: true, openWorldHint: false };

// Tool descriptions and schemas, built once (a server is built per HTTP request).
const searchTool = {
  title: 'Search the catalog',
  description:
    'Ranked full-text search over names, descriptions, fields, tags and glossary terms. Returns only assets the caller may see.',
  inputSchema: {
    query: z.string().min(1).describe('one or more words; the last one is a prefix'),
    kind: z
      .string()
      .optional()
      .describe('only this kind: datasets, products, domains, glossary, models, apps, teams, users'),
    domain: z.string().optional().describe('only this domain (its name, e.g. payments)'),
    owner: z
      .string()
      .optional()
      .describe(
        'only what this user or team owns or stewards, declared or inherited from its domain (user:NAME, team:DOMAIN/NAME)',
      ),
    limit: z.number().int().min(1).max(100).optional().describe('most hits to return (default 10)'),
  },
  outputSchema: z.looseObject({
    hits: z.array(
      z.looseObject({
        ref: z.string(),
        kind: z.string(),
        domain: z.string().nullable(),
        title: z.string(),
        description: z.string(),
        match: z.string(),
      }),
    ),
  }),
  annotations: READ_ONLY,
};

const contextTool = {
  title: 'Governed context of a dataset or data product',
  description:
    'The governed meaning of a dataset or data product for a prompt: description, fields with types, classifications, glossary definitions and semantic types, allowed AI uses, quality status, freshness and the owners to ask. Never data values; only what the caller may read. The text is Markdown.',
  inputSchema: {
    ref: z.string().describe('dataset:DOMAIN/NAME or product:DOMAIN/NAME'),
  },
  outputSchema: z.looseObject({
    ref: z.string(),
    kind: z.enum(['dataset', 'product']),
    title: z.string(),
    version: z.number(),
    fields: z.array(z.looseObject({ path: z.string() })),
    ai: z.looseObject({ declared: z.boolean(), permittedUses: z.array(z.string()) }),
    quality: z.looseObject({ status: z.string().nullable() }),
  }),
  annotations: READ_ONLY,
};

const decideTool = {
  title: 'Ask the AI-use gate',
  description:
    'May this dataset be used for this AI use? Answers allow or deny with every failing check as a reason and what would change the answer. Every answer is recorded in the audit log with the caller as actor. An unknown dataset, use, purpose or application is an error, never an allow.',
  inputSchema: {
    dataset: z.string().describe('dataset:DOMAIN/NAME'),
    use: z
      .string()
      .describe(
        "training, fine_tuning, evaluation, rag_retrieval, prompt_context, inference_input, … (the charter's AI uses)",
      ),
    for: z
      .string()
      .optional()
      .describe('the model or AI application asking: model:DOMAIN/NAME or app:DOMAIN/NAME'),
    purpose: z.string().optional().describe('a W3C DPV purpose, e.g. dpv:CustomerCare'),
  },
  outputSchema: z.looseObject({
    id: z.string(),
    decision: z.enum(['allow', 'deny']),
    dataset: z.string(),
    use: z.string(),
    actor: z.string(),
    reasons: z.array(z.looseObject({ check: z.string(), message: z.string(), fix: z.string() })),
    wouldChange: z.array(z.string()),
    auditSeq: z.number(),
  }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: false,
    openWorldHint: false,
  },
};

const traceTool = {
  title: 'Trace upstream to data and people',
  description:
    'From a model, an AI application or a recorded outcome (outcome:ID) upstream to every dataset behind it, with owner, steward, domain, quality and classification, and the people accountable. A node in a domain you may not read is shown as restricted (an id valid in this answer, its domain and whom to ask for access) but keeps its place on the path.',
  inputSchema: {
    ref: z.string().describe('model:DOMAIN/NAME, app:DOMAIN/NAME or outcome:ID'),
    at: z
      .string()
      .optional()
      .describe(
        "A past time (ISO 8601, UTC without a time zone): also each dataset's quality status then, and for a link that names no version its contract's version and classification then, where they differ from now (not for an outcome)",
      ),
  },
  outputSchema: z.looseObject({
    subject: z.looseObject({ ref: z.string() }),
    datasets: z.array(looseRow),
    models: z.array(looseRow),
    accountable,
  }),
  annotations: READ_ONLY,
};

const recordOutcomeTool = {
  title: 'Record an AI outcome',
  description:
    "Record what a model or an AI application did: an evaluation result, a user's complaint, a harmful or wrong answer, a drift alert. It is traced at once (every dataset and person behind the system now, each dataset's quality when it happened) and stored with that trace; the webhooks of every domain the trace goes through are told. Recorded in the audit log with the caller as actor. The subject must be one you may read.",
  inputSchema: {
    subject: z.string().describe('model:DOMAIN/NAME or app:DOMAIN/NAME'),
    type: z.enum(OUTCOME_TYPES as [OutcomeType, ...OutcomeType[]]).describe('what kind of outcome'),
    severity: z.enum(SEVERITIES),
    summary: z.string().min(1).max(2000).describe('what happened, in a sentence'),
    occurredAt: z
      .string()
      .optional()
      .describe('when it happened (ISO 8601; UTC without a time zone; default now; not in the future)'),
    runId: z.string().optional().describe('the run or request it happened in'),
    traceId: z.string().optional().describe("the application's trace id"),
    details: z.record(z.string(), z.unknown()).optional().describe('more, as an object'),
  },
  outputSchema: z.looseObject({
    id: z.string(),
    ref: z.string(),
    subject: z.string(),
    accountable,
    trace: z.looseObject({ datasets: z.array(looseRow), models: z.array(looseRow) }),
  }),
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: false,
    openWorldHint: false,
  },
};

const impactTool = {
  title: 'Impact downstream',
  description:
    'Everything downstream of a dataset (or one of its fields) — datasets, models and AI applications — and who to tell. A node in a domain you may not read is shown as restricted (an id valid in this answer, its domain and whom to ask for access).',
  inputSchema: {
    ref: z.string().describe('dataset:DOMAIN/NAME, or DATASET#table.column for one field'),
    depth: z.number().int().min(1).max(100).optional().describe('hops to follow (default 5)'),
    field: z.string().optional().describe('table.column of the dataset'),
  },
  outputSchema: z.looseObject({
    subject: z.looseObject({ node: z.string() }),
    datasets: z.array(looseRow),
    models: z.array(looseRow),
    apps: z.array(looseRow),
    notify: accountable,
  }),
  annotations: READ_ONLY,
};

const domainsTool = {
  title: 'List domains',
  description:
    'The domain tree with owners and stewards, and how many datasets and products of each the caller may read.',
  outputSchema: z.looseObject({
    domains: z.array(
      z.looseObject({
        ref: z.string(),
        name: z.string(),
        parent: z.string().nullable(),
        readable: z.boolean(),
        datasets: z.number(),
        products: z.number(),
      }),
    ),
  }),
  annotations: READ_ONLY,
};

const systemsTool = {
  title: 'List AI systems',
  description:
    "Every model and AI application the caller may read (of one domain and its sub-domains, when given), most refused first, each with the AI-use gate's answer now for every dataset it declares as an input: allow; deny with the failing checks, and since when and by whose change when a change refused it; or restricted, for a dataset the caller may not read. Nothing is recorded.",
  inputSchema: {
    domain: z.string().optional().describe('a domain name (its sub-domains are included)'),
  },
  outputSchema: z.looseObject({
    systems: z.array(
      z.looseObject({
        ref: z.string(),
        kind: z.string(),
        title: z.string(),
        domain: z.string().nullable(),
        stage: z.string().nullable(),
        owners: z.array(z.string()),
        stewards: z.array(z.string()),
        inputs: z.array(
          z.looseObject({
            index: z.number(),
            dataset: z.string(),
            use: z.string(),
            decision: z.enum(['allow', 'deny', 'restricted']),
            checks: z.array(z.string()),
          }),
        ),
        refused: z.number(),
      }),
    ),
  }),
  annotations: READ_ONLY,
};

/** The caller an HTTP request authenticated as travels with each message (see mcp-transports.ts). */
export const CALLER_KEY = 'charterCaller';

interface Extra {
  authInfo?: { extra?: Record<string, unknown> };
}

/**
 * An MCP server. With `fixed` (stdio) it answers as that caller; without (HTTP), every message
 * names its caller, so one server can answer request after request for different users.
 */
export function createMcpServer(services: McpServices, fixed?: McpCaller): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, title: 'Charter', version: services.version },
    {
      instructions:
        'Charter is the governed data catalog. Find datasets and data products with search_catalog, read their governed meaning with get_context before using them, and ask decide_ai_use before using a dataset for training, fine-tuning, RAG or prompts: a deny lists every reason and what would change it; list_ai_systems shows, for every model and application, which of the data it declares the gate refuses now. trace and impact follow lineage to the people accountable; record_outcome records what a model or an application did (an evaluation, a complaint, a harmful or wrong answer, drift) and traces it to them. Refs look like dataset:DOMAIN/NAME, product:DOMAIN/NAME, model:DOMAIN/NAME, app:DOMAIN/NAME, domain:NAME.',
    },
  );
  const callerOf = (extra: Extra): McpCaller => {
    const caller = fixed ?? (extra.authInfo?.extra?.[CALLER_KEY] as McpCaller | undefined);
    if (!caller) throw new AuthenticationError('This MCP request names no caller');
    return caller;
  };

  server.registerTool('search_catalog', searchTool, async ({ query, kind, domain, owner, limit }, extra) =>
    run(services, async () => {
      const hits = await callerOf(extra).catalog.search(query, {
        limit: limit ?? 10,
        ...(kind ? { kind } : {}),
        ...(domain ? { domain } : {}),
        ...(owner ? { owner } : {}),
      });
      const text = hits.length
        ? `${hits.length} hit(s) for "${query}":\n${hits.map((h) => `- ${h.ref} — ${h.title}${h.match ? `: ${h.match}` : ''}`).join('\n')}\n`
        : `No asset you may see matches "${query}".\n`;
      return { data: { hits }, text };
    }),
  );

  server.registerTool('get_context', contextTool, async ({ ref }, extra) =>
    run(services, async () => {
      const pack = await buildContext(callerOf(extra).catalog, services.quality, ref);
      return { data: pack as unknown as Structured, text: contextMarkdown(pack) };
    }),
  );

  server.registerTool('decide_ai_use', decideTool, async (args, extra) =>
    run(services, async () => {
      const caller = callerOf(extra);
      const decision = await services.gate.as(caller.catalog, caller.actor).decide({
        dataset: args.dataset,
        use: args.use,
        ...(args.for ? { for: args.for } : {}),
        ...(args.purpose ? { purpose: args.purpose } : {}),
      });
      return { data: decision as unknown as Structured, text: decisionText(decision) };
    }),
  );

  server.registerTool('trace', traceTool, async ({ ref, at }, extra) =>
    run(services, async () => {
      const caller = callerOf(extra);
      // As the REST API: the start must be readable, what the caller may not read is restricted.
      const report = await services.lineage
        .as(caller.actor, caller.catalog.guard)
        .trace(ref, at === undefined ? {} : { at });
      return { data: report as unknown as Structured, text: traceText(report) };
    }),
  );

  server.registerTool('record_outcome', recordOutcomeTool, async (args, extra) =>
    run(services, async () => {
      const caller = callerOf(extra);
      const o = await services.lineage.as(caller.actor, caller.catalog.guard).recordOutcome({
        subject: args.subject,
        type: args.type,
        severity: args.severity,
        summary: args.summary,
        ...(args.occurredAt ? { occurredAt: args.occurredAt } : {}),
        ...(args.runId ? { runId: args.runId } : {}),
        ...(args.traceId ? { traceId: args.traceId } : {}),
        ...(args.details ? { details: args.details } : {}),
      });
      const { trace, ...outcome } = o;
      return {
        data: o as unknown as Structured,
        text: `Recorded ${o.ref} (${o.type}, ${o.severity}) about ${o.subject}, as ${o.actor}.\n\n${traceText({ ...trace, outcome })}`,
      };
    }),
  );

  server.registerTool('impact', impactTool, async ({ ref, depth, field }, extra) =>
    run(services, async () => {
      const caller = callerOf(extra);
      const report = await services.lineage.as(caller.actor, caller.catalog.guard).impact(ref, {
        ...(depth ? { depth } : {}),
        ...(field ? { field } : {}),
      });
      return { data: report as unknown as Structured, text: impactText(report) };
    }),
  );

  server.registerTool('list_ai_systems', systemsTool, async ({ domain }, extra) =>
    run(services, async () => {
      const caller = callerOf(extra);
      const systems = await services.gate.as(caller.catalog, caller.actor).systems(domain ? { domain } : {});
      return { data: { systems } as unknown as Structured, text: systemsText(systems) };
    }),
  );

  server.registerTool('list_domains', domainsTool, async (extra) =>
    run(services, async () => {
      const list = await domains(callerOf(extra));
      return { data: { domains: list }, text: domainsText(list) };
    }),
  );

  const markdown = (uri: URL, text: string): ReadResourceResult => ({
    contents: [{ uri: uri.href, mimeType: 'text/markdown', text }],
  });
  const listed = async (extra: Extra, kind: 'products' | 'datasets' | 'domains', scheme: string) => {
    const rows = await callerOf(extra).catalog.list(kind, { limit: 5000 });
    return {
      resources: rows.map((r) => ({
        uri: kind === 'domains' ? `charter://domain/${r.name}` : `charter://${scheme}/${r.domain}/${r.name}`,
        name: r.ref,
        title: r.title,
        description: r.description,
        mimeType: 'text/markdown',
      })),
    };
  };
  const context = async (extra: Extra, ref: string) =>
    contextMarkdown(await buildContext(callerOf(extra).catalog, services.quality, ref));

  server.registerResource(
    'domain',
    new ResourceTemplate('charter://domain/{name}', {
      list: async (extra) => read(services, () => listed(extra, 'domains', 'domain')),
    }),
    {
      title: 'Domain',
      description:
        'A domain: its owners and stewards, sub-domains, and the products and datasets you may read',
      mimeType: 'text/markdown',
    },
    async (uri, vars, extra) =>
      read(services, async () => markdown(uri, await domainMarkdown(callerOf(extra), String(vars.name)))),
  );
  server.registerResource(
    'product',
    new ResourceTemplate('charter://product/{domain}/{name}', {
      list: async (extra) => read(services, () => listed(extra, 'products', 'product')),
    }),
    {
      title: 'Data product',
      description: 'The governed context of a data product (ODPS): meaning, datasets, allowed uses, owners',
      mimeType: 'text/markdown',
    },
    async (uri, vars, extra) =>
      read(services, async () => markdown(uri, await context(extra, `product:${vars.domain}/${vars.name}`))),
  );
  server.registerResource(
    'dataset',
    new ResourceTemplate('charter://dataset/{domain}/{name}', {
      list: async (extra) => read(services, () => listed(extra, 'datasets', 'dataset')),
    }),
    {
      title: 'Dataset',
      description:
        'The governed context of a dataset (ODCS contract): fields, glossary, allowed uses, quality',
      mimeType: 'text/markdown',
    },
    async (uri, vars, extra) =>
      read(services, async () => markdown(uri, await context(extra, `dataset:${vars.domain}/${vars.name}`))),
  );
  return server;
}
