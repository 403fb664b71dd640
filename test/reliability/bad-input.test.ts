/**
 * Proof of the bad-input bullet: generated malformed and hostile documents and requests at apply,
 * lineage ingestion, AI decisions, search, quality runs and the other routes, in-process on SQLite
 * and PostgreSQL, with token authentication on. Every answer is below 500; every 4xx is JSON with
 * the error name its status stands for; a refused request writes nothing (rows of every table and
 * the audit head compared before and after); no prototype is polluted; no file outside the data
 * root is ever shown; hostile free text is stored verbatim; the store and the audit chain verify.
 *
 * Sizes (docs/reliability.md): CHARTER_PROOF_RUNS generated requests per store (quick 400; full
 * 7000, so that with the rest each store gets over 10,000), CHARTER_PROOF_TEXTS (100; 1000),
 * CHARTER_PROOF_ESCAPES (10; 100); CHARTER_PROOF=full for the full run, CHARTER_PROOF_SEED to
 * replay one, CHARTER_PROOF_EXPLORE=1 to list every failure instead of stopping at the first.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/server/platform.js';
import { guardedApp } from '../support/guarded-app.js';
import { type StoreHandle, storeFactories } from '../support/stores.js';
import { CANARY, escapeScenario, type HostileRequest, hostileRequest, hostileText } from './hostile.js';
import { FULL, officeToken, proofSize, rowCounter, seed, storeProblems, tempDir } from './support.js';

const RUNS = proofSize('CHARTER_PROOF_RUNS', 400, 7000);
const ESCAPES = proofSize('CHARTER_PROOF_ESCAPES', 10, 100);
const TEXTS = proofSize('CHARTER_PROOF_TEXTS', 100, 1000);
const EXPLORE = process.env.CHARTER_PROOF_EXPLORE === '1';
const found = new Set<string>();
const SEED = Number(process.env.CHARTER_PROOF_SEED ?? Date.now() % 1_000_000);

const ERROR_NAMES = new Set([
  'InputError',
  'AuthenticationError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
  'RefusedError',
  'UnavailableError',
]);
/** The error name each 4xx status must carry. */
const NAME_OF_STATUS: Record<number, string[]> = {
  400: ['InputError'],
  401: ['AuthenticationError'],
  403: ['NotAllowedError'],
  404: ['NotFoundError'],
  409: ['ConflictError'],
  413: ['InputError'],
  414: ['InputError'],
  415: ['InputError'],
  422: ['RefusedError'],
  429: ['UnavailableError'],
};
const PASSWD = /root:[x*]?:0:0:/;

const LEDGER = `apiVersion: v3.1.0
kind: DataContract
id: ledger
name: ledger
version: 1.0.0
status: active
domain: payments
description: {purpose: The payments ledger, one row per booking}
servers:
  - {server: local, type: local, format: csv, path: ledger.csv}
schema:
  - name: ledger
    properties:
      - {name: id, logicalType: string, required: true, unique: true}
      - {name: amount, logicalType: number}
    quality:
      - {type: sql, query: "SELECT COUNT(*) FROM {object} WHERE amount < 0", mustBe: 0}
`;

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`bad input on ${factory.name}`, () => {
    let handle: StoreHandle;
    let platform: Platform;
    let app: FastifyInstance;
    let token: string;
    let counts: Awaited<ReturnType<typeof rowCounter>>;
    let lineage = false;
    let ai = false;
    const tmp = tempDir('bad-input');
    const tally = new Map<string, Map<number, number>>();
    const spent = new Map<string, number>();

    beforeAll(async () => {
      // The data root holds the ledger; a canary file sits beside it, outside the root.
      const root = join(tmp.dir, 'data');
      mkdirSync(root);
      writeFileSync(join(root, 'ledger.csv'), 'id,amount\na,1\nb,-2\nc,3\n');
      writeFileSync(join(tmp.dir, 'outside.csv'), `id,secret\n${CANARY},${CANARY}\n`);
      mkdirSync(join(tmp.dir, 'outside'));
      writeFileSync(join(tmp.dir, 'outside', 'x.csv'), `id,secret\n${CANARY},${CANARY}\n`);
      writeFileSync(join(tmp.dir, 'outside.json'), JSON.stringify([{ id: CANARY, secret: CANARY }]));
      process.env.CHARTER_DATA_ROOT = root;
      handle = await factory.create();
      platform = await seed(handle.store, LEDGER);
      token = await officeToken(platform);
      app = await guardedApp(platform);
      const paths = Object.keys(
        ((await app.inject({ url: '/openapi.json' })).json() as { paths: object }).paths,
      );
      lineage = paths.includes('/api/v1/lineage') && paths.includes('/api/v1/lineage/batch');
      if (!lineage)
        console.warn('NOTICE: no POST /api/v1/lineage in this build; lineage ingestion is not fuzzed');
      ai = paths.includes('/api/v1/ai/decisions');
      if (!ai)
        console.warn('NOTICE: no POST /api/v1/ai/decisions in this build; AI decisions are not fuzzed');
      counts = await rowCounter(handle.store);
    });

    afterAll(async () => {
      const totals = new Map<number, number>();
      for (const statuses of tally.values())
        for (const [status, n] of statuses) totals.set(status, (totals.get(status) ?? 0) + n);
      const sum = [...totals.values()].reduce((a, b) => a + b, 0);
      console.log(
        `bad input on ${factory.name}, seed ${SEED}: ${sum} requests, ${[...totals.entries()]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(' ')}`,
      );
      if (FULL || EXPLORE) {
        const lines = [...tally.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(
            ([label, statuses]) =>
              `  ${label}: ${[...statuses.entries()].map(([s, n]) => `${s}×${n}`).join(' ')} (${Math.round(spent.get(label) ?? 0)} ms)`,
          );
        console.log(lines.join('\n'));
      }
      if (EXPLORE) console.log(`FOUND:\n${[...found].join('\n---\n')}`);
      await app?.close();
      await handle?.dispose();
      tmp.remove();
      delete process.env.CHARTER_DATA_ROOT;
    });

    /** Sends one request and checks everything a user would notice about its answer. */
    async function send(request: HostileRequest) {
      const before = await counts();
      const started = performance.now();
      const res = await app.inject({
        method: request.method,
        url: request.url,
        headers: { authorization: `Bearer ${token}`, ...(request.headers ?? {}) },
        ...(request.payload !== undefined ? { payload: request.payload } : {}),
      });
      spent.set(request.label, (spent.get(request.label) ?? 0) + performance.now() - started);
      const statuses = tally.get(request.label) ?? new Map<number, number>();
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      tally.set(request.label, statuses);
      const what = `${request.label}: ${request.method} ${request.url.slice(0, 200)} → ${res.statusCode} ${res.body.slice(0, 300)}`;
      expect(res.statusCode, what).toBeLessThan(500);
      expect(res.body.includes(CANARY), `a file outside the data root was shown: ${what}`).toBe(false);
      expect(PASSWD.test(res.body), `/etc/passwd was shown: ${what}`).toBe(false);
      expect(
        ({} as Record<string, unknown>).polluted,
        `Object.prototype was polluted: ${what}`,
      ).toBeUndefined();
      if (res.statusCode >= 400) {
        expect(res.headers['content-type'], what).toMatch(/^application\/json/);
        const error = (res.json() as { error?: { name?: unknown; message?: unknown } }).error;
        expect(ERROR_NAMES.has(String(error?.name)), what).toBe(true);
        expect(typeof error?.message === 'string' && error.message.length > 0, what).toBe(true);
        expect(NAME_OF_STATUS[res.statusCode] ?? [], what).toContain(error?.name);
        const after = await counts();
        if (res.statusCode === 422) {
          // A policy denial is a decision and is audited; nothing else may change.
          const { audit_log: a, 'audit-head': _h, meta: _m, ...rest } = after;
          const { audit_log: b, 'audit-head': _h2, meta: _m2, ...restBefore } = before;
          expect(rest, what).toEqual(restBefore);
          const denials = await handle.store.auditRecords({
            afterSeq: Number(String(before['audit-head']).split(':')[0]),
          });
          expect(
            denials.every((r) => r.action === 'deny'),
            what,
          ).toBe(true);
          expect(Number(a) - Number(b)).toBe(denials.length);
        } else {
          expect(after, `a refused request wrote: ${what}`).toEqual(before);
        }
      } else if (request.readOnly) {
        expect(await counts(), `a read wrote: ${what}`).toEqual(before);
      }
      return res;
    }

    it(
      `answers ${RUNS} generated hostile requests with a named 4xx or a success, never a 5xx, and writes nothing it refuses`,
      async () => {
        await fc.assert(
          fc.asyncProperty(hostileRequest({ lineage, ai }), async (request) => {
            if (!EXPLORE) return void (await send(request));
            try {
              await send(request);
            } catch (error) {
              found.add(String((error as Error).message).slice(0, 400));
            }
          }),
          { numRuns: RUNS, seed: SEED, verbose: 1 },
        );
      },
      120_000 + RUNS * 100,
    );

    it(
      `stores hostile free text verbatim and finds it again (${TEXTS} documents)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(hostileText, async ({ doc, ref, title, description }) => {
            const applied = await send({
              label: 'hostile text: apply',
              method: 'POST',
              url: '/api/v1/apply',
              headers: { 'content-type': 'application/json' },
              payload: JSON.stringify([doc]),
            });
            if (applied.statusCode !== 200) return;
            const read = await send({
              label: 'hostile text: read back',
              method: 'GET',
              url: `/api/v1/assets/${encodeURIComponent(ref)}`,
              readOnly: true,
            });
            expect(read.statusCode).toBe(200);
            type Stored = {
              spec: { displayName?: string; title?: string; description?: string; definition?: string };
              description: { usage?: string; purpose?: string };
            };
            const stored = read.json().doc as Stored;
            const [storedTitle, storedText] =
              doc.kind === 'User'
                ? [stored.spec.displayName, description]
                : doc.kind === 'DataContract'
                  ? [stored.description.usage, stored.description.purpose]
                  : [stored.spec.title, stored.spec.description ?? stored.spec.definition];
            expect(storedTitle, ref).toBe(title);
            if (doc.kind !== 'User') expect(storedText, ref).toBe(description);
            await send({
              label: 'hostile text: search',
              method: 'GET',
              url: `/api/v1/search?q=${encodeURIComponent(title.replace(/[\ud800-\udfff]/g, '?'))}`,
              readOnly: true,
            });
          }),
          { numRuns: TEXTS, seed: SEED },
        );
      },
      60_000 + TEXTS * 500,
    );

    it(
      `never shows a file outside the data root through a contract's server path (${ESCAPES} tries)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(escapeScenario, async ({ path, format, name }) => {
            const applied = await send({
              label: 'escape: apply',
              method: 'POST',
              url: '/api/v1/apply',
              headers: { 'content-type': 'application/yaml' },
              payload: `apiVersion: v3.1.0
kind: DataContract
id: ${name}
name: ${name}
version: 1.0.0
status: active
domain: payments
servers:
  - {server: local, type: local, format: ${format}, path: ${JSON.stringify(path)}}
schema:
  - name: leak
    properties:
      - {name: id, logicalType: string, logicalTypeOptions: {maxLength: 2}}
      - {name: secret, logicalType: string, logicalTypeOptions: {pattern: "^x$"}}
`,
            });
            if (applied.statusCode !== 200) return;
            await send({
              label: 'escape: quality run with samples',
              method: 'POST',
              url: '/api/v1/quality/runs',
              headers: { 'content-type': 'application/json' },
              payload: JSON.stringify({ ref: `dataset:payments/${name}`, samples: 5 }),
            });
            for (const url of ['/api/v1/quality/runs?limit=5', `/api/v1/incidents?state=all`]) {
              const res = await send({ label: 'escape: read runs', method: 'GET', url, readOnly: true });
              expect(res.body.includes(CANARY)).toBe(false);
            }
          }),
          { numRuns: ESCAPES, seed: SEED },
        );
      },
      60_000 + ESCAPES * 2000,
    );

    it('refuses bodies over the limits with 413 and writes nothing', async () => {
      const huge = `# ${'x'.repeat(65 * 1024 * 1024)}\n`;
      const res = await send({
        label: 'oversized apply',
        method: 'POST',
        url: '/api/v1/apply',
        headers: { 'content-type': 'application/yaml' },
        payload: huge,
      });
      expect(res.statusCode).toBe(413);
      const file = await send({
        label: 'oversized manifest file',
        method: 'POST',
        url: '/api/v1/apply',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({
          files: [{ name: 'big.yaml', content: `# ${'y'.repeat(17 * 1024 * 1024)}\n` }],
        }),
      });
      expect(file.statusCode).toBe(400);
      expect(file.json().error.details.result.results[0].issues[0].message).toMatch(/at most 16 MB/);
      if (lineage) {
        const event = await send({
          label: 'oversized lineage event',
          method: 'POST',
          url: '/api/v1/lineage',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ job: { namespace: 'n', name: 'j' }, pad: 'z'.repeat(2 * 1024 * 1024) }),
        });
        expect(event.statusCode).toBe(413);
      }
    });

    it('leaves a consistent store whose audit chain verifies', async () => {
      expect(await storeProblems(handle.store)).toEqual([]);
      const verify = await app.inject({
        url: '/api/v1/audit/verify',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(verify.statusCode).toBe(200);
      expect(verify.json()).toMatchObject({ intact: true });
      expect(verify.json().records).toBeGreaterThan(8);
    });
  });
}
