/**
 * Scan suggestions on both stores: a scan without --accept keeps its proposals for stewards (counts
 * and rates only, never a sampled value), a newer scan supersedes them, and a steward accepts one (a
 * new contract version through admission) or dismisses one — over the API, audited. Then the real
 * binary: `charter scan`, `scan suggestions`, `scan accept`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSources } from '../src/catalog/parse.js';
import { scanDataset } from '../src/classify/scan.js';
import { ScanSuggestions } from '../src/classify/scan-suggestions.js';
import { readManifestFiles } from '../src/cli/files.js';
import { buildApp } from '../src/server/app.js';
import { createPlatform, type Platform } from '../src/server/platform.js';
import { scanStoreFor } from '../src/store/sql/sql-scan-store.js';
import type { SqlStore } from '../src/store/sql/sql-store.js';
import { type Served, serve } from './reliability/support.js';
import { charter, charterAsync } from './support/cli.js';
import { repoRoot } from './support/reference.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const LEADS = `apiVersion: v3.1.0
kind: DataContract
id: leads
name: leads
version: 1.0.0
status: draft
domain: marketing
description: { purpose: Leads collected at trade fairs for the sales team to follow up. }
team: { name: growth, members: [{ username: kemi, role: owner }, { username: liam, role: steward }] }
servers: [{ server: local, type: local, path: leads.csv, format: csv }]
schema:
  - name: leads
    description: One row per lead.
    quality: [{ id: leads-rows, metric: rowCount, mustBeGreaterThan: 0 }]
    properties:
      - { name: lead_id, description: The lead key, logicalType: string, classification: internal }
      - { name: contact, description: How to reach the lead, logicalType: string, classification: internal }
      - { name: note, description: Free text about the lead, logicalType: string, classification: internal }
`;

function writeLeads(dir: string) {
  const rows = ['lead_id,contact,note'];
  for (let i = 0; i < 40; i++)
    rows.push(`L${i},lead${i}@example.com,${i % 2 ? 'Met Anna Jansen at the fair' : 'wants a catalogue'}`);
  writeFileSync(join(dir, 'leads.csv'), `${rows.join('\n')}\n`);
}

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`scan suggestions on ${factory.name}`, () => {
    let handle: StoreHandle;
    let platform: Platform;
    let dir: string;
    let app: Awaited<ReturnType<typeof buildApp>>;
    const ref = 'dataset:marketing/leads';

    beforeAll(async () => {
      handle = await factory.create();
      dir = mkdtempSync(join(tmpdir(), 'charter-suggest-'));
      writeLeads(dir);
      platform = createPlatform(handle.store, { actor: 'user:loader' });
      const applied = await platform.catalog.apply(
        parseSources([
          ...readManifestFiles([join(repoRoot, 'examples', 'org')]),
          { name: 'leads.yaml', content: LEADS },
        ]),
      );
      expect(applied.applied).toBe(true);
      app = await buildApp({ catalog: platform.catalog, governance: platform.governance });
    });
    afterAll(async () => {
      await app?.close();
      await handle?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps proposals per field without a single sampled value, and a rescan supersedes them', async () => {
      const scanner = platform.catalog.as('user:kemi');
      const suggestions = new ScanSuggestions(scanner, scanStoreFor(handle.store));
      const report = await scanDataset(scanner, ref, { sample: 100, dataRoot: dir });
      const first = await suggestions.record(report);
      expect(first.map((s) => [s.path, s.proposedClassification, s.proposedTags])).toEqual([
        ['leads.contact', 'confidential', ['pii', 'pii:contact']],
        ['leads.note', 'confidential', ['pii', 'pii:identifying']],
      ]);
      expect(first[0]).toMatchObject({ state: 'open', actor: 'user:kemi', datasetVersion: 1 });
      expect(first[0]!.evidence).toEqual({
        sampled: 40,
        hints: [],
        detections: [{ category: 'email', pd: 'pd:EmailAddress', matchRate: 1, confidence: 1 }],
      });

      const second = await suggestions.record(report);
      const all = await suggestions.list({ ref, state: 'all' });
      expect(
        all
          .filter((s) => s.state === 'open')
          .map((s) => s.id)
          .sort(),
      ).toEqual(second.map((s) => s.id).sort());
      expect(
        all
          .filter((s) => s.state === 'superseded')
          .map((s) => s.id)
          .sort(),
      ).toEqual(first.map((s) => s.id).sort());

      // Straight from the table: nothing of the sample is stored.
      const db = (handle.store as SqlStore).db;
      const rows = await sql<Record<string, unknown>>`select * from scan_suggestions`.execute(db);
      const stored = JSON.stringify(rows.rows);
      expect(rows.rows).toHaveLength(4);
      for (const value of ['example.com', 'lead1@', 'Anna', 'Jansen', 'catalogue', 'L1'])
        expect(stored).not.toContain(value);

      const audit = await platform.catalog.auditLog({ ref, limit: 10 });
      expect(audit.filter((a) => a.action === 'scan.suggest')).toHaveLength(2);
      const supersede = audit.find(
        (a) => a.action === 'scan.suggest' && (a.details as { superseded: string[] }).superseded.length,
      );
      expect((supersede!.details as { superseded: string[] }).superseded.sort()).toEqual(
        first.map((s) => s.id).sort(),
      );
    });

    it('lists them over the API and lets a steward dismiss one and accept the other through admission', async () => {
      const headers = { 'x-charter-actor': 'user:liam' };
      const list = await app.inject({
        url: `/api/v1/scan/suggestions?ref=${encodeURIComponent(ref)}`,
        headers,
      });
      expect(list.statusCode, list.body).toBe(200);
      const open = (list.json() as { suggestions: { id: string; path: string }[] }).suggestions;
      expect(open.map((s) => s.path).sort()).toEqual(['leads.contact', 'leads.note']);
      const note = open.find((s) => s.path === 'leads.note')!;
      const contact = open.find((s) => s.path === 'leads.contact')!;

      const dismissed = await app.inject({
        method: 'POST',
        url: `/api/v1/scan/suggestions/${note.id}/dismiss`,
        headers,
        payload: { reason: 'Names in notes are the sales rep, not the lead' },
      });
      expect(dismissed.statusCode, dismissed.body).toBe(200);
      expect(dismissed.json()).toMatchObject({ state: 'dismissed', decidedBy: 'user:liam' });

      const accepted = await app.inject({
        method: 'POST',
        url: `/api/v1/scan/suggestions/${contact.id}/accept`,
        headers,
      });
      expect(accepted.statusCode, accepted.body).toBe(200);
      expect(accepted.json()).toMatchObject({
        suggestion: { state: 'accepted', acceptedVersion: 2, decidedBy: 'user:liam' },
        apply: { applied: true },
      });
      const { asset, doc } = await platform.catalog.get(ref);
      expect(asset).toMatchObject({ version: 2, updatedBy: 'user:liam' });
      const props = (doc.schema as { properties: Record<string, unknown>[] }[])[0]!.properties;
      expect(props[1]).toMatchObject({
        name: 'contact',
        classification: 'confidential',
        tags: ['pii', 'pii:contact'],
      });
      expect(props[2]!.classification).toBe('internal');

      const again = await app.inject({
        method: 'POST',
        url: `/api/v1/scan/suggestions/${contact.id}/accept`,
        headers,
      });
      expect(again.statusCode).toBe(409);
      const unknown = await app.inject({
        method: 'POST',
        url: '/api/v1/scan/suggestions/nope/dismiss',
        headers,
      });
      expect(unknown.statusCode).toBe(404);
      const badState = await app.inject({ url: '/api/v1/scan/suggestions?state=maybe', headers });
      expect(badState.statusCode).toBe(400);

      const audit = await platform.catalog.auditLog({ ref, limit: 20 });
      expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['scan.dismiss', 'scan.accept']));
      expect(audit.find((a) => a.action === 'scan.dismiss')!.details).toMatchObject({
        reason: 'Names in notes are the sales rep, not the lead',
      });
      expect((await platform.catalog.auditVerify()).intact).toBe(true);
      const remaining = await app.inject({
        url: `/api/v1/scan/suggestions?ref=${encodeURIComponent(ref)}`,
        headers,
      });
      expect((remaining.json() as { suggestions: unknown[] }).suggestions).toEqual([]);
    });
  });
}

describe('charter scan keeps suggestions and charter scan accept applies one', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'charter-suggest-cli-'));
    writeLeads(home);
    writeFileSync(
      join(home, 'leads.yaml'),
      `apiVersion: charter/v1\nkind: Domain\nmetadata: { name: marketing }\nspec: { description: Marketing }\n---\n${LEADS.replace(/^team:.*\n/m, '')}`,
    );
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('stores, lists and accepts', () => {
    expect(charter(home, 'apply', '-f', join(home, 'leads.yaml')).code).toBe(0);
    const scan = charter(home, 'scan', 'dataset:marketing/leads', '--data-root', home);
    expect(scan.code, scan.stderr).toBe(0);
    expect(scan.stdout).toContain(
      '2 suggestions kept for stewards: charter scan suggestions dataset:marketing/leads',
    );
    expect(scan.stdout).not.toContain('example.com');
    const listed = charter(home, 'scan', 'suggestions', 'dataset:marketing/leads', '-o', 'json');
    expect(listed.code, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout) as { id: string; path: string }[];
    expect(rows.map((r) => r.path).sort()).toEqual(['leads.contact', 'leads.note']);
    const table = charter(home, 'scan', 'suggestions');
    expect(table.stdout).toMatch(
      /open {2}\S+\n {2}dataset:marketing\/leads leads\.contact: internal → confidential \+pii \+pii:contact \(email 100%\)/,
    );
    const accepted = charter(
      home,
      'scan',
      'accept',
      rows.find((r) => r.path === 'leads.contact')!.id,
      '--as',
      'user:liam',
    );
    expect(accepted.code, accepted.stderr + accepted.stdout).toBe(0);
    expect(accepted.stdout).toContain('updated   dataset:marketing/leads (v2)');
    const dismissed = charter(home, 'scan', 'dismiss', rows.find((r) => r.path === 'leads.note')!.id);
    expect(dismissed.code).toBe(0);
    expect(charter(home, 'scan', 'suggestions', '-o', 'json').stdout.trim()).toBe('[]');
    expect(charter(home, 'audit', 'verify').code).toBe(0);
  });
});

describe('charter scan --server: the server scans where its data is, for a steward of the dataset', () => {
  let home: string;
  let data: string;
  let server: Served;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'charter-scan-server-'));
    data = mkdtempSync(join(tmpdir(), 'charter-scan-data-'));
    writeLeads(data);
    writeFileSync(join(home, 'leads.yaml'), LEADS);
    writeFileSync(
      join(home, 'escape.yaml'),
      LEADS.replace(/id: leads\nname: leads/, 'id: escape\nname: escape').replace(
        'path: leads.csv',
        'path: ../leads.csv',
      ),
    );
    const org = join(repoRoot, 'examples', 'org');
    const applied = charter(
      home,
      'apply',
      '-f',
      org,
      '-f',
      join(home, 'leads.yaml'),
      '-f',
      join(home, 'escape.yaml'),
    );
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    for (const user of ['noah', 'grace'])
      tokens[user] = charter(home, 'token', 'create', '--for', `user:${user}`).stdout.trim();
    server = await serve({ home }, { env: { CHARTER_DATA_ROOT: data } });
  }, 60_000);
  afterAll(async () => {
    await server?.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  });

  /** The CLI on another machine: no store of its own, only the server and a token. */
  const remote = (user: string, ...args: string[]) =>
    charterAsync([
      '--home',
      mkdtempSync(join(tmpdir(), 'charter-remote-')),
      '--server',
      server.url,
      '--token',
      tokens[user]!,
      ...args,
    ]);

  it('scans on the server and keeps the proposals as suggestions, without a value in the answer', async () => {
    const r = await remote('noah', 'scan', 'dataset:marketing/leads', '-o', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('example.com');
    const out = JSON.parse(r.stdout) as { engine: string; suggestions: { path: string; actor: string }[] };
    expect(out.engine).toBe('duckdb');
    expect(out.suggestions.map((s) => [s.path, s.actor]).sort()).toEqual([
      ['leads.contact', 'user:noah'],
      ['leads.note', 'user:noah'],
    ]);
    const text = await remote('noah', 'scan', 'dataset:marketing/leads');
    expect(text.stdout).toContain(
      '2 suggestions kept for stewards: charter scan suggestions dataset:marketing/leads',
    );
  });

  it('applies with --accept through admission, as the caller', async () => {
    const r = await remote('noah', 'scan', 'dataset:marketing/leads', '--accept');
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/updated +dataset:marketing\/leads \(v2\)/);
    const audit = charter(home, 'audit', 'log', 'dataset:marketing/leads', '-o', 'json');
    expect(JSON.parse(audit.stdout).at(-1)).toMatchObject({ actor: 'user:noah', action: 'update' });
  });

  it('refuses a caller who may not change the dataset, and a path outside the data root', async () => {
    const denied = await remote('grace', 'scan', 'dataset:marketing/leads');
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/user:grace may not .*dataset:marketing\/leads/);
    const outside = await remote('noah', 'scan', 'dataset:marketing/escape');
    expect(outside.code).not.toBe(0);
    expect(outside.stderr).toContain("the path '../leads.csv' is outside the data root");
    const local = await remote('noah', 'scan', 'dataset:marketing/leads', '--data-root', '/tmp');
    expect(local.stderr).toContain('--data-root is for local scans');
  });
});
