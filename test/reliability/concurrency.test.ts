/**
 * Proof of the concurrency bullet: two `charter serve` processes on one PostgreSQL database, and
 * clients doing read-modify-write loops on the same few assets with optimistic concurrency
 * (`POST /api/v1/apply?expect=REF@VERSION`), some of them changing two assets in one apply. Every
 * write is either stored as the next version (200) or refused as a conflict (409); afterwards every
 * acknowledged write is found at the version it was given, no version holds a refused write, no
 * version was given twice, each two-asset write is stored whole, and the audit chain verifies.
 *
 * Sizes: CHARTER_PROOF_CLIENTS (20), CHARTER_PROOF_SECONDS (quick 5; CHARTER_PROOF=full 30),
 * CHARTER_PROOF_ASSETS (4) assets all clients fight over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { SqlStore } from '../../src/store/sql/sql-store.js';
import { createPostgresDatabase, postgresAvailable } from '../support/stores.js';
import {
  call,
  contractYaml,
  officeToken,
  proofSize,
  type Served,
  seed,
  serve,
  storeProblems,
} from './support.js';

const CLIENTS = proofSize('CHARTER_PROOF_CLIENTS', 20, 20);
const SECONDS = proofSize('CHARTER_PROOF_SECONDS', 5, 30);
const ASSETS = proofSize('CHARTER_PROOF_ASSETS', 4, 4);
/** A bound on each client's loop besides the clock. */
const MAX_ROUNDS = 100_000;

interface Ack {
  ref: string;
  version: number;
  marker: string;
  client: number;
  refs: number;
}

describe.runIf(await postgresAvailable())('concurrent writers on two servers over one PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let servers: Served[] = [];
  let token: string;
  const refs = Array.from({ length: ASSETS }, (_, i) => `dataset:payments/contested-${i}`);

  beforeAll(async () => {
    db = await createPostgresDatabase();
    const store = await openStore({ databaseUrl: db.url });
    const platform = await seed(
      store,
      ...refs.map((_, i) => contractYaml('payments', `contested-${i}`, 'initial version')),
    );
    token = await officeToken(platform);
    await store.close();
    servers = await Promise.all([serve({ database: db.url }), serve({ database: db.url })]);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.kill('SIGTERM')));
    await db?.drop();
  });

  it(
    `${CLIENTS} clients for ${SECONDS} s: every write stored as the next version or refused with 409; none lost or duplicated`,
    async () => {
      const acks: Ack[] = [];
      const refused = new Set<string>();
      const failures: string[] = [];
      const perServer = [0, 0];
      let attempts = 0;
      const started = Date.now();
      const deadline = started + SECONDS * 1000;

      const client = async (id: number) => {
        const server = servers[id % servers.length]!;
        const lastAcked = new Map<string, number>();
        for (let round = 0; round < MAX_ROUNDS && Date.now() < deadline; round++) {
          // One asset, or two at once: a two-asset write must be stored whole or not at all.
          const first = refs[Math.floor(Math.random() * refs.length)]!;
          const second = refs[Math.floor(Math.random() * refs.length)]!;
          const targets = Math.random() < 0.3 && second !== first ? [first, second] : [first];
          const marker = `client-${id}-round-${round}`;
          const reads = await Promise.all(
            targets.map((ref) => call(`${server.url}/api/v1/assets/${encodeURIComponent(ref)}`, token)),
          );
          if (reads.some((r) => r.status !== 200)) {
            failures.push(`read → ${reads.map((r) => `${r.status} ${r.text.slice(0, 200)}`).join(', ')}`);
            continue;
          }
          const docs = reads.map((r) => {
            const { doc } = r.json<{ doc: { description: Record<string, unknown> } }>();
            return { ...doc, description: { ...doc.description, purpose: marker } };
          });
          const versions = reads.map((r) => r.json<{ asset: { version: number } }>().asset.version);
          const expect = targets
            .map((ref, i) => `expect=${encodeURIComponent(`${ref}@${versions[i]}`)}`)
            .join('&');
          attempts += 1;
          const res = await call(`${server.url}/api/v1/apply?${expect}`, token, {
            method: 'POST',
            type: 'application/json',
            body: JSON.stringify({ documents: docs }),
          });
          if (res.status === 409) {
            if (res.json<{ error: { name: string } }>().error.name !== 'ConflictError')
              failures.push(`409 without ConflictError: ${res.text.slice(0, 200)}`);
            refused.add(marker);
            continue;
          }
          if (res.status !== 200) {
            failures.push(`apply → ${res.status} ${res.text.slice(0, 300)}`);
            continue;
          }
          perServer[id % servers.length]! += 1;
          const results = res.json<{ results: { ref: string; status: string; version: number }[] }>().results;
          targets.forEach((ref, i) => {
            const r = results.find((x) => x.ref === ref);
            if (r?.status !== 'updated' || r.version !== versions[i]! + 1) {
              failures.push(
                `${ref}: acknowledged as ${JSON.stringify(r)} after reading version ${versions[i]}`,
              );
              return;
            }
            if ((lastAcked.get(ref) ?? 0) >= r.version)
              failures.push(
                `${ref}: client ${id} was given version ${r.version} after ${lastAcked.get(ref)}`,
              );
            lastAcked.set(ref, r.version);
            acks.push({ ref, version: r.version, marker, client: id, refs: targets.length });
          });
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id)));
      const elapsed = (Date.now() - started) / 1000;

      expect(failures).toEqual([]);

      // What the database holds, read directly.
      const store = await openStore({ databaseUrl: db.url });
      try {
        const rows = await (store as SqlStore).db
          .selectFrom('versions')
          .select(['ref', 'version', 'doc'])
          .where('ref', 'in', refs)
          .orderBy('ref')
          .orderBy('version')
          .execute();
        const stored = new Map<string, string>();
        for (const row of rows) {
          const purpose = (JSON.parse(row.doc ?? '{}') as { description?: { purpose?: string } }).description
            ?.purpose;
          stored.set(`${row.ref}@${row.version}`, purpose ?? '');
        }
        const given = new Map<string, Ack>();
        const duplicated: string[] = [];
        const lost: string[] = [];
        for (const ack of acks) {
          const key = `${ack.ref}@${ack.version}`;
          if (given.has(key)) duplicated.push(`${key} given to ${given.get(key)!.marker} and ${ack.marker}`);
          given.set(key, ack);
          if (stored.get(key) !== ack.marker)
            lost.push(`${key} acknowledged for ${ack.marker}, stored ${stored.get(key)}`);
        }
        const unacknowledged = [...stored.entries()].filter(
          ([key, purpose]) => purpose !== 'initial version' && !given.has(key),
        );
        const storedRefused = [...stored.values()].filter((p) => refused.has(p));
        expect(duplicated, 'versions given twice').toEqual([]);
        expect(lost, 'acknowledged writes missing').toEqual([]);
        expect(unacknowledged, 'stored versions nobody was told about').toEqual([]);
        expect(storedRefused, 'refused writes that were stored').toEqual([]);
        for (const ref of refs) {
          const mine = rows.filter((r) => r.ref === ref).map((r) => r.version);
          expect(mine, `${ref}: versions are 1..n`).toEqual(mine.map((_, i) => i + 1));
          expect(mine.length - 1, `${ref}: one version per acknowledged write`).toBe(
            acks.filter((a) => a.ref === ref).length,
          );
        }
        // A two-asset write is stored whole: both of its assets carry its marker.
        const pairs = acks.filter((a) => a.refs === 2);
        for (const a of pairs) expect(acks.filter((b) => b.marker === a.marker)).toHaveLength(2);
        const updates = await (store as SqlStore).db
          .selectFrom('audit_log')
          .select(['ref'])
          .where('action', '=', 'update')
          .where('ref', 'in', refs)
          .execute();
        expect(updates.length, 'one audit record per acknowledged write').toBe(acks.length);
        expect(await storeProblems(store)).toEqual([]);
      } finally {
        await store.close();
      }
      for (const server of servers) {
        const verify = await call(`${server.url}/api/v1/audit/verify`, token);
        expect(verify.json()).toMatchObject({ intact: true });
      }
      const conflicts = attempts - new Set(acks.map((a) => a.marker)).size;
      console.log(
        `concurrency: ${CLIENTS} clients, 2 servers, ${ASSETS} assets, ${elapsed.toFixed(1)} s: ${attempts} applies, ` +
          `${new Set(acks.map((a) => a.marker)).size} stored (${acks.length} asset versions; ${perServer.join(' + ')} per server; ` +
          `${acks.filter((a) => a.refs === 2).length / 2} two-asset writes), ${conflicts} refused with 409 (${refused.size} conflicts), ` +
          `0 lost, 0 duplicated; audit chain intact`,
      );
      expect(acks.length).toBeGreaterThan(0);
      expect(refused.size).toBeGreaterThan(0);
    },
    120_000 + SECONDS * 2000,
  );
});
