/**
 * The MCP server driven by the SDK's own client: over stdio (the real `charter mcp` binary on a
 * demo-loaded home, as the local administrator and as a user with roles; and bridged to a running
 * server with `--server`), and over streamable HTTP against a real server with access control on
 * SQLite and PostgreSQL — every tool answering with the demo organisation's content, as the caller.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AiDecision } from '../src/ai/ai-gate.js';
import type { ContextPack } from '../src/ai/context-pack.js';
import { parseSources } from '../src/catalog/parse.js';
import { readManifestFiles } from '../src/cli/files.js';
import type { ImpactReport, TraceReport } from '../src/lineage/trace.js';
import { mcpServices } from '../src/mcp/mcp-server.js';
import { mcpHttpHandler } from '../src/mcp/mcp-transports.js';
import { createPlatform, type Platform } from '../src/server/platform.js';
import type { SearchHit } from '../src/store/catalog-store.js';
import { bin, charter } from './support/cli.js';
import { guardedApp, tokensFor } from './support/guarded-app.js';
import { repoRoot } from './support/reference.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const TOOLS = [
  'decide_ai_use',
  'get_context',
  'impact',
  'list_ai_systems',
  'list_domains',
  'record_outcome',
  'search_catalog',
  'trace',
];
const CUSTOMERS = 'dataset:customer/customers';
const KB = 'dataset:support/kb-articles';
const PAYMENTS = 'dataset:payments/payment-transactions';
const NOW = new Date('2026-11-26T12:00:00Z');

function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('CHARTER_')) env[k] = v;
  return env;
}

async function stdioClient(...args: string[]): Promise<Client> {
  const client = new Client({ name: 'charter-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [bin, ...args],
      env: cleanEnv(),
      stderr: 'pipe',
    }),
  );
  return client;
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** A successful call's structured content (fails the test with the tool's text otherwise). */
async function data<T>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const r = await call(client, name, args);
  expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
  return r.structuredContent as T;
}

async function toolError(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const r = await call(client, name, args);
  expect(r.isError).toBe(true);
  expect(r.structuredContent).toBeUndefined();
  return (r.content[0] as { text: string }).text;
}

const textOf = (r: CallToolResult) => (r.content[0] as { text: string }).text;

describe('charter mcp over stdio (the binary)', () => {
  let home: string;
  let admin: Client;
  let grace: Client;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'charter-mcp-'));
    const applied = charter(home, 'apply', '-f', join(repoRoot, 'examples', 'org'));
    expect(applied.code, applied.stderr).toBe(0);
    admin = await stdioClient('--home', home, 'mcp');
    grace = await stdioClient('--home', home, 'mcp', '--as', 'user:grace');
  }, 60_000);
  afterAll(async () => {
    await admin?.close();
    await grace?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('lists the seven tools with input schemas, and the resource templates', async () => {
    const { tools } = await admin.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    const decide = tools.find((t) => t.name === 'decide_ai_use')!;
    expect(decide.inputSchema.required).toEqual(['dataset', 'use']);
    expect(Object.keys(decide.outputSchema?.properties ?? {})).toContain('reasons');
    const { resourceTemplates } = await admin.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
      'charter://dataset/{domain}/{name}',
      'charter://domain/{name}',
      'charter://product/{domain}/{name}',
    ]);
    // `charter mcp --help` names the same tools and templates.
    const help = charter(home, 'mcp', '--help').stdout;
    for (const name of [...TOOLS, ...resourceTemplates.map((t) => t.uriTemplate)])
      expect(help).toContain(name);
  });

  it('searches, reads context and lists domains as the local administrator', async () => {
    const { hits } = await data<{ hits: SearchHit[] }>(admin, 'search_catalog', {
      query: 'customers',
      limit: 50,
    });
    expect(hits.map((h) => h.ref)).toContain(CUSTOMERS);
    // What one person answers for: chloe owns customers; kemi (support) does not.
    const of = async (owner: string) =>
      (
        await data<{ hits: SearchHit[] }>(admin, 'search_catalog', { query: 'customers', owner, limit: 50 })
      ).hits.map((h) => h.ref);
    expect(await of('user:chloe')).toContain(CUSTOMERS);
    expect(await of('user:kemi')).not.toContain(CUSTOMERS);
    expect((await of('user:chloe')).length).toBeLessThan(hits.length);

    const r = await call(admin, 'get_context', { ref: CUSTOMERS });
    const pack = r.structuredContent as unknown as ContextPack;
    expect(pack.owners.map((o) => o.ref)).toEqual(['user:chloe']);
    expect(pack.ai.permittedUses).toEqual(['inference_input', 'evaluation']);
    expect(pack.fields.find((f) => f.path === 'customers.email')).toMatchObject({
      classification: 'confidential',
      semanticType: 'pd:EmailAddress',
    });
    expect(textOf(r)).toMatch(/^# customers \(`dataset:customer\/customers`, v1\)/);

    const { domains } = await data<{ domains: { name: string; parent: string | null; readable: boolean }[] }>(
      admin,
      'list_domains',
    );
    expect(domains).toHaveLength(10);
    expect(domains.find((d) => d.name === 'cards')).toMatchObject({ parent: 'payments', readable: true });
  });

  it('answers the AI-use gate with the reasons, audited with the caller as actor', async () => {
    const allow = await data<AiDecision>(admin, 'decide_ai_use', { dataset: CUSTOMERS, use: 'evaluation' });
    expect(allow).toMatchObject({ decision: 'allow', actor: 'user:local', reasons: [] });
    const deny = await call(admin, 'decide_ai_use', { dataset: CUSTOMERS, use: 'fine_tuning' });
    const d = deny.structuredContent as unknown as AiDecision;
    expect(d.decision).toBe('deny');
    expect(d.reasons.map((x) => x.check)).toContain('use-permitted');
    expect(textOf(deny)).toContain(`DENY: fine_tuning of ${CUSTOMERS}`);
    expect(textOf(deny)).toContain("declares 'fine_tuning' out of scope");

    // Offered to the fraud scorer for training, and declared out of scope for retrieval.
    const asGrace = await data<AiDecision>(grace, 'decide_ai_use', {
      dataset: PAYMENTS,
      use: 'rag_retrieval',
    });
    expect(asGrace).toMatchObject({ decision: 'deny', actor: 'user:grace' });
    expect(asGrace.reasons[0]?.check).toBe('use-permitted');

    const log = charter(
      home,
      'audit',
      'log',
      PAYMENTS,
      '--after',
      String(asGrace.auditSeq - 1),
      '-o',
      'json',
    );
    expect(log.code, log.stderr).toBe(0);
    const record = (JSON.parse(log.stdout) as { seq: number; actor: string; action: string }[]).find(
      (x) => x.seq === asGrace.auditSeq,
    );
    expect(record).toMatchObject({ actor: 'user:grace', action: 'ai.deny' });
    expect(charter(home, 'audit', 'verify').code).toBe(0);
  });

  it('traces upstream and follows impact downstream', async () => {
    const t = await data<TraceReport>(admin, 'trace', { ref: 'app:support/nora' });
    expect(t.datasets.map((r) => [r.node, r.role])).toContainEqual([KB, 'rag_retrieval']);
    expect(t.accountable.map((a) => a.ref)).toContain('user:kemi');
    const i = await data<ImpactReport>(grace, 'impact', { ref: PAYMENTS });
    expect(i.models.map((m) => m.node)).toEqual(['model:cards/fraud-scorer']);
    expect(i.notify.map((a) => a.ref)).toContain('user:grace');
  });

  it('records an outcome as the caller, traced at once and audited, and refuses one about what the caller may not read', async () => {
    const o = await data<{ ref: string; actor: string; accountable: { ref: string; why: string[] }[] }>(
      grace,
      'record_outcome',
      {
        subject: 'model:cards/fraud-scorer',
        type: 'wrong_answer',
        severity: 'high',
        summary: 'Declined a genuine card payment',
        occurredAt: '2026-11-20T09:30:00',
      },
    );
    expect(o.actor).toBe('user:grace');
    expect(o.accountable.find((a) => a.ref === 'user:farid')?.why).toContain(
      'owner of dataset:payments/payment-transactions (training)',
    );
    const r = await call(grace, 'record_outcome', {
      subject: 'model:cards/fraud-scorer',
      type: 'drift',
      severity: 'low',
      summary: 'Scores drifted',
    });
    expect(textOf(r)).toMatch(
      /^Recorded outcome:[0-9a-f-]{36} \(drift, low\) about model:cards\/fraud-scorer, as user:grace\./,
    );
    expect(textOf(r)).toContain('Accountable:');
    const shown = JSON.parse(
      charter(home, 'outcome', 'show', o.ref.slice('outcome:'.length), '-o', 'json').stdout,
    );
    expect(shown).toMatchObject({
      summary: 'Declined a genuine card payment',
      occurredAt: '2026-11-20T09:30:00.000Z',
    });
    const log = charter(home, 'audit', 'log', 'model:cards/fraud-scorer', '--limit', '1000', '-o', 'json');
    const records = JSON.parse(log.stdout) as { actor: string; action: string }[];
    expect(records.filter((x) => x.action === 'outcome.record').map((x) => x.actor)).toEqual([
      'user:grace',
      'user:grace',
    ]);
    expect(
      await toolError(grace, 'record_outcome', {
        subject: 'app:support/nora',
        type: 'complaint',
        severity: 'low',
        summary: 'Slow',
      }),
    ).toMatch(/^NotAllowedError: /);
    expect(
      await toolError(admin, 'record_outcome', {
        subject: 'model:cards/fraud-scorer',
        type: 'rumour',
        severity: 'low',
        summary: 'x',
      }),
    ).toMatch(/Input validation error/);
    expect(
      await toolError(admin, 'record_outcome', {
        subject: 'model:cards/fraud-scorer',
        type: 'drift',
        severity: 'low',
        summary: 'Later',
        occurredAt: '2099-01-01T00:00:00Z',
      }),
    ).toMatch(/^InputError: occurredAt \(2099-01-01T00:00:00.000Z\) is in the future/);
  });

  it('hides from a user with roles what they may not read', async () => {
    const { hits } = await data<{ hits: SearchHit[] }>(grace, 'search_catalog', {
      query: 'customers',
      limit: 100,
    });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.filter((h) => h.kind !== 'Domain' && h.domain === 'customer')).toEqual([]);
    expect(await toolError(grace, 'get_context', { ref: CUSTOMERS })).toBe(
      'NotAllowedError: user:grace may not read dataset:customer/customers: it needs viewer on domain:customer',
    );
    expect(await toolError(grace, 'decide_ai_use', { dataset: CUSTOMERS, use: 'evaluation' })).toMatch(
      /^NotAllowedError: /,
    );
    expect(await toolError(grace, 'trace', { ref: 'app:support/nora' })).toMatch(/^NotAllowedError: /);
    const { domains } = await data<{ domains: { name: string; readable: boolean; datasets: number }[] }>(
      grace,
      'list_domains',
    );
    expect(domains.find((d) => d.name === 'customer')).toMatchObject({ readable: false, datasets: 0 });
    expect(domains.find((d) => d.name === 'cards')).toMatchObject({ readable: true, datasets: 3 });
    // The AI systems she may read (the fraud scorer in cards; not support's), with the gate's answers.
    const { systems } = await data<{ systems: { ref: string; refused: number }[] }>(grace, 'list_ai_systems');
    expect(systems.map((x) => [x.ref, x.refused])).toEqual([['model:cards/fraud-scorer', 0]]);
    expect(textOf(await call(grace, 'list_ai_systems', { domain: 'payments' }))).toBe(
      '1 AI system, most refused first:\n- model:cards/fraud-scorer — Fraud scorer (production; owners team:cards/card-platform): 3 of 3 inputs allowed\n',
    );
    expect(await toolError(grace, 'list_ai_systems', { domain: 'nowhere' })).toMatch(/^NotFoundError: /);
    const everyone = await call(admin, 'list_ai_systems', {});
    expect(textOf(everyone)).toContain(
      '  - refused: dataset:support/support-tickets for prompt_context (ai-section, clearance)',
    );
    const listed = await grace.listResources();
    const uris = listed.resources.map((r) => r.uri);
    expect(uris).toContain('charter://product/payments/payment-operations');
    expect(uris).toContain('charter://domain/customer');
    expect(uris.filter((u) => u.startsWith('charter://product/customer/'))).toEqual([]);
    await expect(grace.readResource({ uri: 'charter://dataset/customer/customers' })).rejects.toThrow(
      /NotAllowedError/,
    );
  });

  it('makes unknown refs, uses and purposes tool errors, never an allow', async () => {
    expect(await toolError(admin, 'get_context', { ref: 'dataset:customer/nobody' })).toBe(
      "NotFoundError: Dataset 'dataset:customer/nobody' not found",
    );
    expect(
      await toolError(admin, 'decide_ai_use', { dataset: 'dataset:customer/nobody', use: 'training' }),
    ).toMatch(/^NotFoundError: /);
    expect(await toolError(admin, 'decide_ai_use', { dataset: CUSTOMERS, use: 'dreaming' })).toMatch(
      /^InputError: AI use 'dreaming' is not known; expected one of training, fine_tuning/,
    );
    expect(
      await toolError(admin, 'decide_ai_use', {
        dataset: CUSTOMERS,
        use: 'evaluation',
        purpose: 'dpv:Spying',
      }),
    ).toMatch(/^InputError: Purpose 'dpv:Spying' is not a known DPV purpose/);
    expect(await toolError(admin, 'trace', { ref: 'dataset:customer/customers' })).toMatch(
      /^InputError: .*use impact for a dataset/,
    );
    expect(await toolError(admin, 'trace', { ref: 'not a ref' })).toMatch(
      /^InputError: 'not a ref' is not a ref/,
    );
    // A schema violation is refused before the tool runs.
    expect(await toolError(admin, 'search_catalog', { query: '' })).toMatch(/Input validation error/);
  });

  it('reads domain and product resources', async () => {
    const domain = await admin.readResource({ uri: 'charter://domain/payments' });
    const text = (domain.contents[0] as { text: string }).text;
    expect(text).toMatch(/^# Payments \(`domain:payments`\)/);
    expect(text).toContain('- `domain:cards` Cards');
    expect(text).toContain('`dataset:payments/payment-transactions`');
    const product = await admin.readResource({ uri: 'charter://product/support/support-knowledge' });
    expect(product.contents[0]).toMatchObject({ mimeType: 'text/markdown' });
    expect((product.contents[0] as { text: string }).text).toMatch(
      /^# .*\(`product:support\/support-knowledge`, v1\)/,
    );
    await expect(admin.readResource({ uri: 'charter://domain/nowhere' })).rejects.toThrow(/not found/);
  });

  it('answers every request written before stdin closes, then exits', () => {
    const line = (id: number, method: string, params: unknown) =>
      JSON.stringify({ jsonrpc: '2.0', id, method, params });
    const input = [
      line(1, 'initialize', {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'pipe', version: '1' },
      }),
      line(2, 'tools/call', { name: 'search_catalog', arguments: { query: 'refund' } }),
      line(3, 'tools/call', { name: 'get_context', arguments: { ref: CUSTOMERS } }),
      line(4, 'tools/call', { name: 'decide_ai_use', arguments: { dataset: CUSTOMERS, use: 'fine_tuning' } }),
    ].join('\n');
    const r = spawnSync(process.execPath, [bin, '--home', home, 'mcp'], {
      input: `${input}\n`,
      encoding: 'utf8',
      env: cleanEnv(),
    });
    expect(r.status, r.stderr).toBe(0);
    const answers = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; result: CallToolResult });
    expect(answers.map((a) => a.id).sort()).toEqual([1, 2, 3, 4]);
    expect(answers.find((a) => a.id === 4)?.result.structuredContent).toMatchObject({ decision: 'deny' });
    expect(r.stderr).toContain('answering as user:local, the local administrator');
  });

  it('refuses --as a user the catalog does not know', () => {
    const r = charter(home, 'mcp', '--as', 'user:nobody');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--as user:nobody: no such user in the catalog');
  });
});

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(
    `MCP over streamable HTTP with access control on ${factory.name}`,
    () => {
      let handle: StoreHandle;
      let platform: Platform;
      let app: FastifyInstance;
      let url: URL;
      const tokens: Record<string, string> = {};
      const clients: Client[] = [];
      const unexpected: unknown[] = [];

      async function httpClient(token: string | undefined): Promise<Client> {
        const client = new Client({ name: 'charter-test', version: '1.0.0' });
        await client.connect(
          new StreamableHTTPClientTransport(url, {
            ...(token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {}),
          }),
        );
        clients.push(client);
        return client;
      }

      beforeAll(async () => {
        handle = await factory.create();
        platform = createPlatform(handle.store, { actor: 'user:loader', now: () => NOW });
        const applied = await platform.catalog.apply(
          parseSources(readManifestFiles([join(repoRoot, 'examples', 'org')])),
        );
        expect(applied.applied).toBe(true);
        Object.assign(tokens, await tokensFor(platform, ['ada', 'grace', 'kemi'], 'user:loader'));
        app = await guardedApp(platform, {
          mcp: mcpHttpHandler(
            mcpServices(platform.catalog, platform.lineage, {
              version: 'test',
              now: () => NOW,
              onError: (error) => unexpected.push(error),
            }),
          ),
        });
        await app.listen({ port: 0, host: '127.0.0.1' });
        url = new URL(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/mcp`);
      }, 60_000);
      afterAll(async () => {
        for (const c of clients) await c.close();
        await app?.close();
        await handle?.dispose();
      });

      it('refuses requests without a valid bearer token (401), and has no session stream (405)', async () => {
        const init = {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-06-18',
            capabilities: {},
            clientInfo: { name: 'x', version: '1' },
          },
        };
        const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
        const none = await fetch(url, { method: 'POST', headers, body: JSON.stringify(init) });
        expect(none.status).toBe(401);
        expect(((await none.json()) as { error: { name: string } }).error.name).toBe('AuthenticationError');
        const bad = await fetch(url, {
          method: 'POST',
          headers: { ...headers, authorization: 'Bearer chtr_nope_nope' },
          body: JSON.stringify(init),
        });
        expect(bad.status).toBe(401);
        await expect(httpClient(undefined)).rejects.toThrow();
        const ok = await fetch(url, {
          method: 'POST',
          headers: { ...headers, authorization: `Bearer ${tokens.ada}` },
          body: JSON.stringify(init),
        });
        expect(ok.status).toBe(200);
        expect(
          ((await ok.json()) as { result: { serverInfo: { name: string } } }).result.serverInfo.name,
        ).toBe('charter');
        const get = await fetch(url, { headers: { authorization: `Bearer ${tokens.ada}` } });
        expect(get.status).toBe(405);
      });

      it('is described in the OpenAPI document with every tool and resource template a client lists', async () => {
        const doc = (await (await fetch(new URL('/openapi.json', url))).json()) as {
          paths: Record<string, Record<string, { description?: string; responses: Record<string, unknown> }>>;
        };
        const post = doc.paths['/mcp']!.post!;
        const ada = await httpClient(tokens.ada);
        const named = [
          ...(await ada.listTools()).tools.map((t) => t.name),
          ...(await ada.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate),
        ];
        expect(named).toHaveLength(TOOLS.length + 3);
        for (const name of named) expect(post.description).toContain(name);
        expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['200', '202', '401']));
      });

      it('runs every tool as the caller: search, context, trace and resources follow their roles', async () => {
        const ada = await httpClient(tokens.ada);
        const grace = await httpClient(tokens.grace);
        expect((await grace.listTools()).tools.map((t) => t.name).sort()).toEqual(TOOLS);

        const all = await data<{ hits: SearchHit[] }>(ada, 'search_catalog', {
          query: 'customer',
          limit: 100,
        });
        expect(all.hits.map((h) => h.ref)).toContain(CUSTOMERS);
        const seen = await data<{ hits: SearchHit[] }>(grace, 'search_catalog', {
          query: 'customer',
          limit: 100,
        });
        expect(seen.hits.length).toBeGreaterThan(0);
        const readable = new Set(['finance', 'payments', 'cards']);
        expect(seen.hits.filter((h) => h.kind !== 'Domain' && h.domain && !readable.has(h.domain))).toEqual(
          [],
        );
        expect(all.hits.length).toBeGreaterThan(seen.hits.length);

        expect(await toolError(grace, 'get_context', { ref: CUSTOMERS })).toMatch(
          /^NotAllowedError: user:grace may not read dataset:customer\/customers/,
        );
        const pack = await data<ContextPack>(grace, 'get_context', { ref: PAYMENTS });
        expect(pack.owners.map((o) => o.ref)).toEqual(['user:farid']);
        expect((await data<ContextPack>(ada, 'get_context', { ref: CUSTOMERS })).ref).toBe(CUSTOMERS);

        expect(await toolError(grace, 'trace', { ref: 'app:support/nora' })).toMatch(/^NotAllowedError: /);
        const trace = await data<TraceReport>(grace, 'trace', { ref: 'model:cards/fraud-scorer' });
        expect(trace.datasets.map((r) => r.node)).toContain(PAYMENTS);
        const impact = await data<ImpactReport>(grace, 'impact', { ref: PAYMENTS });
        expect(impact.models.map((m) => m.node)).toEqual(['model:cards/fraud-scorer']);
        expect(await toolError(grace, 'impact', { ref: CUSTOMERS })).toMatch(/^NotAllowedError: /);

        const { domains } = await data<{ domains: { name: string; readable: boolean }[] }>(
          grace,
          'list_domains',
        );
        expect(
          domains
            .filter((d) => d.readable)
            .map((d) => d.name)
            .sort(),
        ).toEqual(['cards', 'finance', 'payments']);
        const resources = (await grace.listResources()).resources.map((r) => r.uri);
        expect(
          resources
            .filter((u) => u.startsWith('charter://dataset/'))
            .every((u) => /\/(finance|payments|cards)\//.test(u)),
        ).toBe(true);
        expect(resources).toContain('charter://dataset/payments/payment-transactions');
      });

      it('records decisions with the caller as actor: a deny with its reasons, an allow, an unknown use refused', async () => {
        const kemi = await httpClient(tokens.kemi);
        const grace = await httpClient(tokens.grace);
        const allow = await data<AiDecision>(kemi, 'decide_ai_use', { dataset: KB, use: 'rag_retrieval' });
        expect(allow).toMatchObject({ decision: 'allow', actor: 'user:kemi', reasons: [] });
        const deny = await call(kemi, 'decide_ai_use', { dataset: KB, use: 'training' });
        const d = deny.structuredContent as unknown as AiDecision;
        expect(d.decision).toBe('deny');
        expect(d.reasons.map((r) => r.check)).toEqual(expect.arrayContaining(['use-permitted', 'licence']));
        expect(d.wouldChange.length).toBe(d.reasons.length);
        expect(textOf(deny)).toMatch(/^DENY: training of dataset:support\/kb-articles v1/);

        for (const decision of [allow, d]) {
          const [record] = await platform.catalog.auditLog({
            ref: KB,
            limit: 1,
            afterSeq: decision.auditSeq - 1,
          });
          expect(record).toMatchObject({
            seq: decision.auditSeq,
            actor: 'user:kemi',
            action: `ai.${decision.decision}`,
            details: { decision: decision.id },
          });
        }
        expect(await toolError(grace, 'decide_ai_use', { dataset: KB, use: 'rag_retrieval' })).toMatch(
          /^NotAllowedError: /,
        );
        expect(await toolError(kemi, 'decide_ai_use', { dataset: KB, use: 'telepathy' })).toMatch(
          /^InputError: AI use 'telepathy' is not known/,
        );
        expect(
          await toolError(kemi, 'decide_ai_use', {
            dataset: 'dataset:support/nothing-here',
            use: 'training',
          }),
        ).toMatch(/^NotFoundError: /);
        expect((await platform.catalog.auditVerify()).intact).toBe(true);
        expect(unexpected).toEqual([]);
      });

      it('shows trace and impact with what the caller may not read restricted, as the REST API does', async () => {
        // A support model evaluated on the customer domain's customers, which kemi (support) may not read.
        const model = `apiVersion: charter/v1
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
    - {dataset: "${'dataset:support/support-tickets'}", version: 1, role: training}
    - {dataset: "${CUSTOMERS}", version: 1, role: evaluation}
`;
        const applied = await platform.catalog.apply(parseSources([{ name: 'churn.yaml', content: model }]));
        expect(applied.applied, JSON.stringify(applied.results)).toBe(true);
        const kemi = await httpClient(tokens.kemi);
        const ada = await httpClient(tokens.ada);
        const r = await call(kemi, 'trace', { ref: 'model:support/churn-signals' });
        expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
        const t = r.structuredContent as unknown as TraceReport;
        expect(t.datasets.map((d) => [d.node, d.role, d.restricted ?? false, d.domain ?? null])).toEqual([
          ['dataset:support/support-tickets', 'training', false, null],
          ['restricted:1', 'evaluation', true, 'customer'],
        ]);
        expect(t.datasets[1]).toMatchObject({ asset: null, requestAccessFrom: ['user:chloe'] });
        expect(t.accountable.find((a) => a.ref === 'user:chloe')?.why).toEqual([
          'owner of domain:customer, which holds restricted:1 (evaluation)',
        ]);
        // Neither the structured content nor the text names the customers dataset or its people.
        expect(JSON.stringify(r)).not.toMatch(/customer\/customers|user:devi/);
        expect(textOf(r)).toContain(
          '- restricted:1 (depth 1): restricted — you may not read it; role evaluation; domain customer; ask user:chloe for access',
        );
        const all = await data<TraceReport>(ada, 'trace', { ref: 'model:support/churn-signals' });
        expect(all.datasets.map((d) => d.node)).toEqual(['dataset:support/support-tickets', CUSTOMERS]);

        // Downstream of the customers, chloe (the customer domain's owner) sees the support model restricted.
        const chloeToken = (
          await platform.access.tokens.create({
            principal: 'user:chloe',
            name: 'mcp-test',
            expiresAt: null,
            actor: 'user:loader',
          })
        ).token;
        const chloe = await httpClient(chloeToken);
        const i = await call(chloe, 'impact', { ref: CUSTOMERS });
        const impact = i.structuredContent as unknown as ImpactReport;
        expect(impact.models.map((m) => [m.node, m.restricted, m.domain, m.requestAccessFrom])).toEqual([
          ['restricted:1', true, 'support', ['user:kemi']],
        ]);
        expect(JSON.stringify(i)).not.toMatch(/churn-signals|user:liam/);
        expect(impact.notify).toEqual([
          {
            ref: 'user:kemi',
            title: 'Kemi Adeyemi',
            why: ['owner of domain:support, which holds restricted:1'],
          },
        ]);
        expect(await toolError(kemi, 'impact', { ref: CUSTOMERS })).toBe(
          'NotAllowedError: user:kemi may not read dataset:customer/customers: it needs viewer on domain:customer',
        );
      });

      it('keeps callers apart when their requests run at the same time on reused servers', async () => {
        const ada = await httpClient(tokens.ada);
        const grace = await httpClient(tokens.grace);
        const rounds = Array.from({ length: 12 }, (_, i) => i);
        const results = await Promise.all(
          rounds.flatMap((i) => [
            call(i % 2 ? ada : grace, 'decide_ai_use', { dataset: PAYMENTS, use: 'training' }).then((r) => ({
              who: i % 2 ? 'user:ada' : 'user:grace',
              actor: (r.structuredContent as unknown as AiDecision).actor,
            })),
            call(i % 2 ? grace : ada, 'get_context', { ref: CUSTOMERS }).then((r) => ({
              who: i % 2 ? 'user:grace' : 'user:ada',
              actor: r.isError ? `refused: ${textOf(r)}` : 'read',
            })),
          ]),
        );
        for (const r of results) {
          if (r.actor === 'read') expect(r.who).toBe('user:ada');
          else if (r.actor.startsWith('refused')) {
            expect(r.who).toBe('user:grace');
            expect(r.actor).toContain('user:grace may not read');
          } else expect(r.actor).toBe(r.who);
        }
        expect(results.filter((r) => r.actor === 'read')).toHaveLength(6);
        expect(results.filter((r) => r.actor.startsWith('refused'))).toHaveLength(6);
        expect(results.filter((r) => r.actor.startsWith('user:'))).toHaveLength(12);
      });

      it.runIf(factory.name === 'sqlite')(
        'charter mcp --server relays stdio to the endpoint as the token’s user',
        async () => {
          const server = url.origin;
          const relayed = await stdioClient('mcp', '--server', server, '--token', tokens.grace!);
          clients.push(relayed);
          const { hits } = await data<{ hits: SearchHit[] }>(relayed, 'search_catalog', {
            query: 'customer',
            limit: 100,
          });
          expect(hits.filter((h) => h.kind !== 'Domain' && h.domain === 'customer')).toEqual([]);
          const decision = await data<AiDecision>(relayed, 'decide_ai_use', {
            dataset: PAYMENTS,
            use: 'rag_retrieval',
          });
          expect(decision).toMatchObject({ decision: 'deny', actor: 'user:grace' });
          await expect(stdioClient('mcp', '--server', server, '--token', 'chtr_bad_token')).rejects.toThrow();
        },
        30_000,
      );
    },
  );
}
