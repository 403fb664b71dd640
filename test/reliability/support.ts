/**
 * Shared pieces of the reliability proofs: their sizes (quick by default, the figures with
 * CHARTER_PROOF=full), a small organisation to start from, row counts and a consistency check of
 * the store, and the real `charter serve` started as a child process on loopback.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { parseSources } from '../../src/catalog/parse.js';
import { createPlatform, type Platform } from '../../src/server/platform.js';
import type { CatalogStore } from '../../src/store/catalog-store.js';
import type { SqlStore } from '../../src/store/sql/sql-store.js';
import { bin } from '../support/cli.js';

/** CHARTER_PROOF=full runs the figures; anything else the quick in-suite sizes. */
export const FULL = process.env.CHARTER_PROOF === 'full';

/** A size: its own variable if set, else the full or the quick default. */
export function proofSize(variable: string, quick: number, full: number): number {
  const raw = process.env[variable];
  const n = raw === undefined || raw === '' ? Number.NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : FULL ? full : quick;
}

/** The data office's member and two domains; every proof starts from it. */
export const ORG_YAML = `apiVersion: charter/v1
kind: Charter
metadata: {name: acme}
spec: {classificationLevels: [public, internal, confidential, restricted], dataOffice: [user:office]}
---
apiVersion: charter/v1
kind: User
metadata: {name: office}
spec: {displayName: Olga Office, email: office@acme.example}
---
apiVersion: charter/v1
kind: User
metadata: {name: alice}
spec: {displayName: Alice Martin}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: payments}
spec: {title: Payments, description: Card and bank payments, owners: [user:alice]}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: cards, parent: payments}
spec: {description: Card payments}
---
apiVersion: charter/v1
kind: Team
metadata: {name: core, domain: payments}
spec: {members: [user:alice]}
---
apiVersion: charter/v1
kind: GlossaryTerm
metadata: {name: chargeback, domain: payments}
spec: {title: Chargeback, definition: A payment reversed by the card issuer after a dispute.}
---
apiVersion: charter/v1
kind: Policy
metadata: {name: described}
spec: {rule: "has(asset.spec.description) || true", message: "{{ref}} is described", enforcement: audit}
`;

/** An ODCS v3.1.0 contract; `extra` is appended as more top-level YAML. */
export function contractYaml(domain: string, name: string, purpose: string, extra = ''): string {
  return `apiVersion: v3.1.0
kind: DataContract
id: ${domain}-${name}
name: ${name}
version: 1.0.0
status: active
domain: ${domain}
description: {purpose: ${JSON.stringify(purpose)}}
schema:
  - name: ${name.replace(/-/g, '_')}
    properties:
      - {name: id, logicalType: string, required: true}
      - {name: amount, logicalType: number}
${extra}`;
}

/** Seeds the organisation (and any more YAML) into a store; returns the platform over it. */
export async function seed(store: CatalogStore, ...more: string[]): Promise<Platform> {
  const platform = createPlatform(store, { actor: 'user:setup' });
  const result = await platform.catalog.apply(
    parseSources([{ name: 'org.yaml', content: [ORG_YAML, ...more].join('---\n') }]),
  );
  if (!result.applied)
    throw new Error(
      `The seed did not apply: ${JSON.stringify(result.results.filter((r) => r.issues.length))}`,
    );
  return platform;
}

/** A bearer token for the data office's member. */
export async function officeToken(platform: Platform, principal = 'user:office'): Promise<string> {
  const { token } = await platform.access.tokens.create({
    principal,
    name: 'proof',
    expiresAt: null,
    actor: 'user:setup',
  });
  return token;
}

const COUNTED = [
  'assets',
  'versions',
  'fields',
  'relations',
  'audit_log',
  'meta',
  'approvals',
  'tokens',
  'quality_runs',
  'quality_results',
  'quality_incidents',
  'lineage_batches',
  'lineage_events',
  'lineage_nodes',
  'outcomes',
  'webhooks',
  'outbox_events',
] as const;

async function tableNames(db: SqlStore['db']): Promise<Set<string>> {
  const tables = await db.introspection.getTables();
  return new Set(tables.map((t) => t.name));
}

/**
 * A function that counts rows per table (those that exist in this store) in one query, with the
 * audit head: two calls that give the same answer saw no write in between.
 */
export async function rowCounter(
  store: CatalogStore,
): Promise<() => Promise<Record<string, number | string>>> {
  const db = (store as SqlStore).db;
  const present = await tableNames(db);
  const tables = COUNTED.filter((t) => present.has(t));
  const query = sql.join(
    tables.map((t) => sql`(SELECT COUNT(*) FROM ${sql.table(t)}) AS ${sql.ref(t)}`),
    sql`, `,
  );
  return async () => {
    const row = (await sql<Record<string, number | string>>`SELECT ${query}`.execute(db)).rows[0] ?? {};
    const out: Record<string, number | string> = {};
    for (const t of tables) out[t] = Number(row[t] ?? 0);
    const head = await store.auditHead();
    out['audit-head'] = `${head.seq}:${head.hash}`;
    return out;
  };
}

/**
 * What does not hold together in a store: assets without their current version, versions that
 * skip a number or have no audit record, lineage batches missing events, quality runs missing
 * results, and the audit chain itself. An empty list is a consistent store.
 */
export async function storeProblems(store: CatalogStore): Promise<string[]> {
  const db = (store as SqlStore).db;
  const present = await tableNames(db);
  const problems: string[] = [];
  const assets = await db.selectFrom('assets').select(['ref', 'version', 'digest', 'state']).execute();
  const versions = await db
    .selectFrom('versions')
    .select(['ref', 'version', 'digest', 'state'])
    .orderBy('ref')
    .orderBy('version')
    .execute();
  const byRef = new Map<string, { version: number; digest: string; state: string }[]>();
  for (const v of versions) {
    const list = byRef.get(v.ref) ?? [];
    list.push(v);
    byRef.set(v.ref, list);
  }
  for (const a of assets) {
    const list = byRef.get(a.ref) ?? [];
    const current = list.find((v) => v.version === a.version);
    if (!current) problems.push(`${a.ref}: no version ${a.version}`);
    else if (current.digest !== a.digest)
      problems.push(`${a.ref}: asset digest differs from version ${a.version}`);
    list.forEach((v, i) => {
      if (v.version !== i + 1) problems.push(`${a.ref}: version ${i + 1} missing (found ${v.version})`);
    });
    const latest = list.at(-1)?.version ?? 0;
    // A pending version (awaiting approval) may sit above the live one; nothing else may.
    if (latest > a.version && list.at(-1)?.state !== 'pending')
      problems.push(`${a.ref}: versions go up to ${latest} but the asset is at ${a.version}`);
  }
  const assetRefs = new Set(assets.map((a) => a.ref));
  for (const ref of byRef.keys()) if (!assetRefs.has(ref)) problems.push(`${ref}: versions without an asset`);
  const audited = new Set(
    (
      await db.selectFrom('audit_log').select(['ref', 'version']).where('version', 'is not', null).execute()
    ).map((r) => `${r.ref}@${r.version}`),
  );
  for (const v of versions)
    if (!audited.has(`${v.ref}@${v.version}`)) problems.push(`${v.ref}@${v.version}: no audit record`);
  if (present.has('lineage_batches') && present.has('lineage_events')) {
    const short = await sql<{ seq: number; events: number; n: number | string }>`
      SELECT b.seq, b.events, (SELECT COUNT(*) FROM lineage_events e WHERE e.seq = b.seq) AS n
      FROM lineage_batches b`.execute(db);
    for (const b of short.rows)
      if (Number(b.n) !== Number(b.events))
        problems.push(`lineage batch ${b.seq}: ${b.n} of ${b.events} events stored`);
    const orphans = await sql<{ n: number | string }>`
      SELECT COUNT(*) AS n FROM lineage_events e WHERE NOT EXISTS (SELECT 1 FROM lineage_batches b WHERE b.seq = e.seq)`.execute(
      db,
    );
    if (Number(orphans.rows[0]?.n ?? 0))
      problems.push(`${orphans.rows[0]?.n} lineage events without a batch`);
    const ingests = await db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'lineage.ingest')
      .execute();
    const auditedBatches = new Set(
      ingests.map((r) => (JSON.parse(r.details ?? '{}') as { batch?: number }).batch),
    );
    for (const b of short.rows)
      if (!auditedBatches.has(Number(b.seq))) problems.push(`lineage batch ${b.seq}: no audit record`);
    if (auditedBatches.size !== short.rows.length)
      problems.push(`${ingests.length} lineage.ingest audit records for ${short.rows.length} stored batches`);
  }
  if (present.has('quality_runs') && present.has('quality_results')) {
    const runs = await sql<{ id: string; expected: number | string; n: number | string }>`
      SELECT r.id, r.passed + r.failed + r.errors + r.skipped AS expected,
        (SELECT COUNT(*) FROM quality_results q WHERE q.run_id = r.id) AS n
      FROM quality_runs r`.execute(db);
    for (const r of runs.rows)
      if (Number(r.n) !== Number(r.expected))
        problems.push(`quality run ${r.id}: ${r.n} of ${r.expected} results stored`);
    const runAudits = await db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'quality.run')
      .execute();
    const auditedRuns = new Set(
      runAudits.map((r) => (JSON.parse(r.details ?? '{}') as { runId?: string }).runId),
    );
    for (const r of runs.rows)
      if (!auditedRuns.has(r.id)) problems.push(`quality run ${r.id}: no audit record`);
    if (auditedRuns.size !== runs.rows.length)
      problems.push(`${runAudits.length} quality.run audit records for ${runs.rows.length} stored runs`);
  }
  const verify = await verifyAudit(store);
  if (!verify.intact) problems.push(`audit chain broken at ${verify.brokenAt}: ${verify.reason}`);
  return problems;
}

export async function verifyAudit(store: CatalogStore) {
  return createPlatform(store, { actor: 'user:verifier' }).catalog.auditVerify();
}

// --- the real server -----------------------------------------------------------------------------

export interface Served {
  url: string;
  child: ChildProcess;
  /** Everything the server wrote so far. */
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<string>;
  kill: (signal?: NodeJS.Signals) => Promise<string>;
}

/** A clean environment for a child: no Charter variables from the calling shell. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('CHARTER_')) delete env[key];
  return { ...env, ...extra };
}

/**
 * Starts `charter serve` on a free loopback port; resolves once it says where it listens (within
 * `timeoutMs`), rejects with its output when it exits or times out first.
 */
export function serve(
  store: { home: string } | { database: string } | { fromEnv: true },
  options: { env?: Record<string, string>; timeoutMs?: number; args?: string[] } = {},
): Promise<Served> {
  // `fromEnv`: the store comes from CHARTER_HOME / CHARTER_DATABASE_URL in `options.env`.
  const where =
    'home' in store ? ['--home', store.home] : 'database' in store ? ['--database', store.database] : [];
  const child = spawn(
    process.execPath,
    [bin, ...where, 'serve', '--port', '0', '--host', '127.0.0.1', ...(options.args ?? [])],
    { env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? String(code))),
  );
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise<Served>((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill();
      reject(new Error(`charter serve did not start within ${options.timeoutMs ?? 30_000} ms:\n${err}`));
    }, options.timeoutMs ?? 30_000);
    const onData = () => {
      const m = err.match(/at (http:\/\/localhost:\d+)/);
      if (!m) return;
      clearTimeout(timer);
      child.stderr!.off('data', onData);
      resolve({
        url: m[1]!.replace('localhost', '127.0.0.1'),
        child,
        stdout: () => out,
        stderr: () => err,
        exited,
        kill,
      });
    };
    child.stderr!.on('data', onData);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`charter serve exited (${how}) before it listened:\n${err}`));
    });
  });
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `charter-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** fetch with a bearer token and a time limit; the body is read as text and parsed when JSON. */
export async function call(
  url: string,
  token: string | undefined,
  init: { method?: string; body?: string | Uint8Array; type?: string; timeoutMs?: number } = {},
): Promise<{ status: number; text: string; json: <T = Record<string, unknown>>() => T }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.type ? { 'content-type': init.type } : {}),
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
    signal: AbortSignal.timeout(init.timeoutMs ?? 60_000),
  });
  const text = await res.text();
  return { status: res.status, text, json: <T>() => JSON.parse(text) as T };
}
