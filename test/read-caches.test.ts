/**
 * The read path's caches — verified API tokens, the roles snapshot and serialized asset bodies —
 * against the audit log they follow: a cached read after an update shows the new version, a caller
 * without read permission never gets a kept body, clearance shapes no kept body, and a revoked token
 * is refused at the next request, also when another process revokes it. The "other process" is a
 * second store opened on the same database with its own caches, and once the real CLI; on SQLite
 * and PostgreSQL.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSources } from '../src/catalog/parse.js';
import { buildApp } from '../src/server/app.js';
import { createPlatform, type Platform } from '../src/server/platform.js';
import type { CatalogStore } from '../src/store/catalog-store.js';
import { openStore } from '../src/store/open-store.js';
import { bin } from './support/cli.js';
import { createPostgresDatabase, postgresAvailable } from './support/stores.js';

const ORG = `apiVersion: charter/v1
kind: Charter
metadata: {name: acme}
spec:
  classificationLevels: [public, internal, confidential, restricted]
  dataOffice: [user:ada]
${['ada', 'steward', 'viewer', 'outsider']
  .map((u) => `---\napiVersion: charter/v1\nkind: User\nmetadata: {name: ${u}}\nspec: {}\n`)
  .join('')}---
apiVersion: charter/v1
kind: Domain
metadata: {name: payments}
spec: {stewards: [user:steward], viewers: [user:viewer]}
`;

const DATASET = (description: string) => `apiVersion: v3.1.0
kind: DataContract
id: transactions
name: transactions
version: 1.0.0
status: active
domain: payments
description: {purpose: ${description}}
schema:
  - name: transactions
    properties:
      - {name: id, logicalType: string}
      - {name: card, logicalType: string, classification: confidential}
`;

const REF = 'dataset:payments/transactions';
const URL = `/api/v1/assets/${encodeURIComponent(REF)}`;

interface Setup {
  name: string;
  available: () => Promise<boolean>;
  /** Two stores on one database (two processes' worth of connections and caches). */
  open: () => Promise<{
    first: CatalogStore;
    second: CatalogStore;
    cli: string[];
    dispose: () => Promise<void>;
  }>;
}

const setups: Setup[] = [
  {
    name: 'sqlite',
    available: async () => true,
    open: async () => {
      const home = mkdtempSync(join(tmpdir(), 'charter-caches-'));
      const first = await openStore({ home });
      const second = await openStore({ home });
      return {
        first,
        second,
        cli: ['--home', home],
        dispose: async () => {
          await first.close();
          await second.close();
          rmSync(home, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    available: postgresAvailable,
    open: async () => {
      const db = await createPostgresDatabase();
      const first = await openStore({ databaseUrl: db.url });
      const second = await openStore({ databaseUrl: db.url });
      return {
        first,
        second,
        cli: ['--database', db.url],
        dispose: async () => {
          await first.close();
          await second.close();
          await db.drop();
        },
      };
    },
  },
];

for (const setup of setups) {
  describe.runIf(await setup.available())(`read caches on ${setup.name}`, () => {
    let stores: Awaited<ReturnType<Setup['open']>>;
    /** The server under test, and another process's platform on the same database. */
    let server: Platform;
    let other: Platform;
    let app: FastifyInstance;
    let uncached: FastifyInstance;
    const tokens: Record<string, { token: string; id: string }> = {};

    beforeAll(async () => {
      stores = await setup.open();
      server = createPlatform(stores.first, { actor: 'user:ada' });
      other = createPlatform(stores.second, { actor: 'user:ada' });
      const applied = await other.catalog.apply(
        parseSources([{ name: 'org.yaml', content: `${ORG}---\n${DATASET('Card payments')}` }]),
      );
      expect(applied.applied).toBe(true);
      for (const who of ['ada', 'steward', 'viewer', 'outsider']) {
        const created = await other.access.tokens.create({
          principal: `user:${who}`,
          name: 'test',
          expiresAt: null,
          actor: 'user:ada',
        });
        tokens[who] = { token: created.token, id: created.info.id };
      }
      const options = {
        catalog: server.catalog,
        governance: server.governance,
        access: server.access,
        tokens: server.access.tokens,
        metricsPublic: true,
      };
      app = await buildApp(options);
      uncached = await buildApp({ ...options, responseCache: false });
    });
    afterAll(async () => {
      await app?.close();
      await uncached?.close();
      await stores?.dispose();
    });

    const read = (who: string, on = app) =>
      on.inject({ url: URL, headers: { authorization: `Bearer ${tokens[who]!.token}` } });

    /** Asset reads answered from the cache so far, from /metrics. */
    const hits = async () => {
      const text = (await app.inject({ url: '/metrics' })).body;
      return Number(text.match(/charter_response_cache_reads_total\{result="hit"\} (\d+)/)?.[1] ?? 0);
    };

    it('answers a repeated read from the cache, and a read after an update with the new version', async () => {
      const before = await hits();
      const first = await read('steward');
      expect(first.statusCode).toBe(200);
      expect(first.json().asset.version).toBe(1);
      const second = await read('steward');
      expect(second.body).toBe(first.body);
      expect(await hits()).toBe(before + 1);

      // Another process updates the dataset: the next read through this server shows it.
      const updated = await other.catalog.apply(
        parseSources([{ name: 'c.yaml', content: DATASET('Card and bank payments') }]),
      );
      expect(updated.summary.updated).toBe(1);
      const after = await read('steward');
      expect(after.statusCode).toBe(200);
      expect(after.json().asset.version).toBe(2);
      expect(after.json().doc.description.purpose).toBe('Card and bank payments');

      // And an update through this server's own API.
      const applied = await app.inject({
        method: 'POST',
        url: '/api/v1/apply',
        headers: { authorization: `Bearer ${tokens.steward!.token}`, 'content-type': 'application/yaml' },
        payload: DATASET('Bank payments'),
      });
      expect(applied.statusCode).toBe(200);
      const third = await read('viewer');
      expect(third.json().asset.version).toBe(3);
      expect(third.json().doc.description.purpose).toBe('Bank payments');
      expect((await read('viewer')).body).toBe(third.body);
    });

    it('gives every caller the body a fresh read gives it: clearance shapes no asset body', async () => {
      // The steward is cleared to restricted, the data office to everything; a viewer only to
      // internal (the dataset is confidential) — yet metadata is theirs alike.
      for (const who of ['viewer', 'steward', 'ada']) {
        const kept = await read(who);
        const fresh = await read(who, uncached);
        expect(kept.statusCode).toBe(200);
        expect(kept.body).toBe(fresh.body);
        expect(kept.headers['content-type']).toBe(fresh.headers['content-type']);
      }
      expect((await read('viewer')).body).toBe((await read('steward')).body);
    });

    it('never gives a kept body to a caller who may not read the asset', async () => {
      expect((await read('steward')).statusCode).toBe(200);
      const refused = await read('outsider');
      expect(refused.statusCode).toBe(403);
      expect(refused.json().error.message).toBe(
        `user:outsider may not read ${REF}: it needs viewer on domain:payments`,
      );
      expect(refused.body).not.toContain('Bank payments');

      // The viewer loses the role in another process: the kept body is refused at once.
      expect((await read('viewer')).statusCode).toBe(200);
      const demoted = await other.catalog.apply(
        parseSources([
          {
            name: 'd.yaml',
            content:
              'apiVersion: charter/v1\nkind: Domain\nmetadata: {name: payments}\nspec: {stewards: [user:steward]}\n',
          },
        ]),
      );
      expect(demoted.summary.updated).toBe(1);
      const now = await read('viewer');
      expect(now.statusCode).toBe(403);
      expect(now.body).not.toContain('Bank payments');
      expect((await read('steward')).statusCode).toBe(200);
    });

    it('refuses a revoked token at the next request, whichever process revoked it', async () => {
      const revokeHere = await app.inject({
        method: 'DELETE',
        url: `/api/v1/tokens/${tokens.steward!.id}`,
        headers: { authorization: `Bearer ${tokens.ada!.token}` },
      });
      expect(revokeHere.statusCode).toBe(200);
      const refusedHere = await read('steward');
      expect(refusedHere.statusCode).toBe(401);
      expect(refusedHere.json().error.message).toBe(`Token ${tokens.steward!.id} was revoked`);

      // Used (and kept) here, then revoked by another process on the same database.
      expect((await read('ada')).statusCode).toBe(200);
      await other.access.tokens.revoke(tokens.ada!.id, 'user:ada');
      const refused = await read('ada');
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error.message).toBe(`Token ${tokens.ada!.id} was revoked`);
    });

    it('refuses a token the real CLI revoked, at the next request', async () => {
      const created = await other.access.tokens.create({
        principal: 'user:outsider',
        name: 'cli',
        expiresAt: null,
        actor: 'user:ada',
      });
      const audit = (token: string) =>
        app.inject({ url: '/api/v1/audit?limit=1', headers: { authorization: `Bearer ${token}` } });
      expect((await audit(created.token)).statusCode).toBe(200);
      const env = { ...process.env };
      for (const key of ['CHARTER_ACTOR', 'CHARTER_SERVER', 'CHARTER_DATABASE_URL', 'CHARTER_HOME'])
        delete env[key];
      const revoked = spawnSync(process.execPath, [bin, ...stores.cli, 'token', 'revoke', created.info.id], {
        encoding: 'utf8',
        env,
      });
      expect(revoked.stderr).toBe('');
      expect(revoked.status).toBe(0);
      expect((await audit(created.token)).statusCode).toBe(401);
    });
  });
}
