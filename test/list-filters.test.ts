/**
 * Lists whose filters name nothing: a domain, user, team or asset the catalog does not have is an
 * error naming it (404, or 400 when the value is not a name or ref of the kind the filter takes),
 * not an empty list that reads as "nothing there". Over the API with tokens on both stores, through
 * the real CLI against that server, and through the CLI on its own store. A filter naming something
 * real that matches nothing still gives an empty list.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, type Platform } from '../src/server/platform.js';
import { orgYaml } from './lineage-support.js';
import { charter, charterAsync } from './support/cli.js';
import { applyFiles, guardedApp, tokensFor } from './support/guarded-app.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

// erin reads risk only; archive is a domain with nothing in it yet.
const EXTRA = `apiVersion: charter/v1
kind: User
metadata: {name: erin}
spec: {}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: risk}
spec: {title: Risk, description: Fraud and credit risk, owners: [user:carol], stewards: [user:dan], viewers: [user:erin]}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: archive}
spec: {title: Archive, description: Nothing here yet, owners: [user:ada]}
`;

const KNOWN = 'known domains: archive, payments, risk, support';
const NO_DOMAIN = `Domain 'domain:paymnts' not found; ${KNOWN}`;
const NO_DATASET = "Dataset 'dataset:payments/transaktions' not found";

/** Each list with a filter that names nothing, and what the caller is told. */
const UNKNOWN: [url: string, status: number, message: string][] = [
  ['/api/v1/assets?kind=datasets&domain=paymnts', 404, NO_DOMAIN],
  ['/api/v1/assets?kind=datasets&owner=user:nobody', 404, "User 'user:nobody' not found"],
  ['/api/v1/search?q=card&domain=paymnts', 404, NO_DOMAIN],
  ['/api/v1/search?q=card&owner=user:nobody', 404, "User 'user:nobody' not found"],
  ['/api/v1/export?format=json&domain=paymnts', 404, NO_DOMAIN],
  ['/api/v1/compliance?limit=0&domain=paymnts', 404, NO_DOMAIN],
  ['/api/v1/compliance?limit=0&owner=user:nobody', 404, "User 'user:nobody' not found"],
  ['/api/v1/incidents?domain=paymnts', 404, NO_DOMAIN],
  ['/api/v1/incidents?assignee=team:payments/nobody', 404, "Team 'team:payments/nobody' not found"],
  ['/api/v1/scorecards?domain=paymnts', 404, NO_DOMAIN],
  ['/api/v1/scorecards?owner=user:nobody', 404, "User 'user:nobody' not found"],
  ['/api/v1/approvals?ref=dataset:payments/transaktions', 404, NO_DATASET],
  ['/api/v1/waivers?ref=dataset:payments/transaktions', 404, NO_DATASET],
  ['/api/v1/quality/runs?ref=dataset:payments/transaktions', 404, NO_DATASET],
  ['/api/v1/ai/decisions?dataset=dataset:payments/transaktions', 404, NO_DATASET],
  ['/api/v1/scan/suggestions?ref=dataset:payments/transaktions', 404, NO_DATASET],
  ['/api/v1/outcomes?subject=model:risk/fraud-scorr', 404, "Model 'model:risk/fraud-scorr' not found"],
  ['/api/v1/outcomes?accountable=user:nobody', 404, "User 'user:nobody' not found"],
  ['/api/v1/webhooks/deliveries?webhook=nope', 404, "Webhook 'nope' not found"],
  [
    '/api/v1/assets?kind=datasets&domain=Pay%20ments',
    400,
    "domain must be a domain name such as payments (got 'Pay ments')",
  ],
  [
    '/api/v1/compliance?limit=0&owner=alice',
    400,
    "owner must be a user or team ref such as user:alice (got 'alice')",
  ],
  [
    '/api/v1/outcomes?subject=dataset:payments/transactions',
    400,
    "subject must be a model or app ref such as model:risk/fraud-scorer (got 'dataset:payments/transactions')",
  ],
  [
    '/api/v1/approvals?ref=transactions',
    400,
    "ref must be a ref such as dataset:payments/transactions (got 'transactions')",
  ],
];

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`list filters naming nothing on ${factory.name}`, () => {
    let handle: StoreHandle;
    let platform: Platform;
    let app: FastifyInstance;
    let server: string;
    let hook: string;
    const tokens: Record<string, string> = {};

    const get = (who: string, url: string) =>
      app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[who]}` } });

    beforeAll(async () => {
      handle = await factory.create();
      platform = createPlatform(handle.store, { actor: 'user:setup' });
      await applyFiles(platform, [
        ['org.yaml', orgYaml],
        ['extra.yaml', EXTRA],
      ]);
      hook = (await platform.lineage.addWebhook({ url: 'https://hooks.example.com/h', domain: 'payments' }))
        .id;
      // robot is a token's principal the catalog does not hold.
      Object.assign(tokens, await tokensFor(platform, ['ada', 'erin', 'robot', 'carol']));
      app = await guardedApp(platform);
      await app.listen({ port: 0, host: '127.0.0.1' });
      server = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await app?.close();
      await handle?.dispose();
    });

    it('answers a filter naming nothing with 404 naming it (the known domains for a domain), 400 when malformed', async () => {
      for (const [url, status, message] of UNKNOWN) {
        const res = await get('ada', url);
        expect([url, res.statusCode]).toEqual([url, status]);
        expect(res.json(), url).toEqual({
          error: expect.objectContaining({
            name: status === 404 ? 'NotFoundError' : 'InputError',
            message,
          }),
        });
      }
    });

    it('answers a filter naming something real that matches nothing with an empty list', async () => {
      // Each list, and the key it is under (none: the body is the list).
      const empty: [string, string | null][] = [
        ['/api/v1/assets?kind=datasets&domain=archive', 'items'],
        ['/api/v1/search?q=card&domain=archive', 'hits'],
        ['/api/v1/incidents?domain=archive', null],
        ['/api/v1/incidents?assignee=user:bob', null],
        ['/api/v1/approvals?ref=dataset:payments/transactions', 'approvals'],
        ['/api/v1/waivers?ref=dataset:payments/transactions', 'waivers'],
        ['/api/v1/quality/runs?ref=dataset:payments/transactions', null],
        ['/api/v1/outcomes?subject=model:risk/fraud-scorer', 'outcomes'],
        [`/api/v1/webhooks/deliveries?webhook=${hook}`, 'deliveries'],
      ];
      for (const [url, key] of empty) {
        const res = await get('ada', url);
        expect([url, res.statusCode]).toEqual([url, 200]);
        expect(key ? res.json()[key] : res.json(), url).toEqual([]);
      }
      // A domain filter takes domain:NAME as well as NAME.
      const prefixed = await get('ada', '/api/v1/assets?kind=datasets&domain=domain:payments');
      expect(prefixed.json().items.map((a: { ref: string }) => a.ref)).toEqual([
        'dataset:payments/transactions',
      ]);
      const report = await get('ada', '/api/v1/compliance?limit=0&domain=archive');
      expect(report.json().totals.assets).toBe(1);
    });

    it('lets callers filter by themselves, and refuses an asset in a domain they may not read whether or not it exists', async () => {
      const mine = await get('robot', '/api/v1/incidents?assignee=user:robot');
      expect(mine.statusCode, mine.body).toBe(200);
      expect(mine.json()).toEqual([]);
      expect((await get('robot', '/api/v1/incidents?assignee=user:rob')).statusCode).toBe(404);
      for (const ref of ['dataset:payments/transactions', 'dataset:payments/transaktions']) {
        const res = await get('erin', `/api/v1/approvals?ref=${ref}`);
        expect(res.statusCode, ref).toBe(403);
        expect(res.json().error.message).toBe(
          `user:erin may not read ${ref}: it needs viewer on domain:payments`,
        );
      }
      expect((await get('erin', '/api/v1/approvals?ref=dataset:risk/feetures')).statusCode).toBe(404);
      // A webhook of a domain erin does not own: refused; one that is not there: not found.
      expect((await get('erin', `/api/v1/webhooks/deliveries?webhook=${hook}`)).statusCode).toBe(403);
      expect((await get('erin', '/api/v1/webhooks/deliveries?webhook=nope')).statusCode).toBe(404);
    });

    it('says the same through the real CLI talking to the server, with the exit code for bad input', async () => {
      const remote = (...args: string[]) =>
        charterAsync(['--home', join(tmpdir(), 'charter-no-home'), ...args], {
          CHARTER_SERVER: server,
          CHARTER_TOKEN: tokens.ada!,
        });
      const cases: [string[], string][] = [
        [['get', 'datasets', '--domain', 'paymnts'], NO_DOMAIN],
        [['get', 'datasets', '--owner', 'team:payments/nobody'], "Team 'team:payments/nobody' not found"],
        [['compliance', '--domain', 'paymnts'], NO_DOMAIN],
        [['incidents', '--assignee', 'user:nobody'], "User 'user:nobody' not found"],
        [['waivers', 'list', '--ref', 'dataset:payments/transaktions'], NO_DATASET],
        [
          ['outcome', 'list', '--subject', 'model:risk/fraud-scorr'],
          "Model 'model:risk/fraud-scorr' not found",
        ],
        [['webhook', 'deliveries', '--webhook', 'nope'], "Webhook 'nope' not found"],
      ];
      for (const [args, message] of cases) {
        const r = await remote(...args);
        expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
        expect(r.stderr).toBe(`Error: ${message}\n`);
      }
      const empty = await remote('get', 'datasets', '--domain', 'archive');
      expect([empty.code, empty.stdout]).toEqual([0, 'No DataContract assets in domain archive.\n']);
      // `me` is the user the server knows the token as: the same answers as naming carol.
      const carol = (...args: string[]) =>
        charterAsync(['--home', join(tmpdir(), 'charter-no-home'), ...args, '-o', 'json'], {
          CHARTER_SERVER: server,
          CHARTER_TOKEN: tokens.carol!,
        });
      for (const [args, option] of PRINCIPAL_OPTIONS) {
        const [mine, named] = [
          await carol(...args, option, 'me'),
          await carol(...args, option, 'user:carol'),
        ];
        expect([args.join(' '), mine.code, mine.stderr]).toEqual([args.join(' '), 0, '']);
        expect(withoutTime(mine.stdout)).toEqual(withoutTime(named.stdout));
      }
      const owned = JSON.parse((await carol('get', 'datasets', '--owner', 'me')).stdout) as { ref: string }[];
      expect(owned.map((d) => d.ref)).toEqual(['dataset:risk/features', 'dataset:support/kb']);
    }, 60_000);
  });
}

/** Every option that names a user or team, and so takes `me`. */
const PRINCIPAL_OPTIONS: [string[], string][] = [
  [['get', 'datasets'], '--owner'],
  [['search', 'fraud'], '--owner'],
  [['compliance'], '--owner'],
  [['incidents'], '--assignee'],
  [['outcome', 'list'], '--accountable'],
  [['scorecard'], '--owner'],
];

/** A JSON answer without the time it was made at (`at`, `evaluatedAt`), which differs from call to call. */
function withoutTime(json: string): unknown {
  const answer = JSON.parse(json) as unknown;
  if (Array.isArray(answer)) return answer;
  const { at: _at, evaluatedAt: _evaluatedAt, ...rest } = answer as Record<string, unknown>;
  return rest;
}

describe('list filters naming nothing, the CLI on its own store', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'charter-filters-'));
    writeFileSync(join(home, 'org.yaml'), orgYaml);
    writeFileSync(join(home, 'extra.yaml'), EXTRA);
    for (const file of ['org.yaml', 'extra.yaml']) {
      const applied = charter(home, 'apply', '-f', join(home, file));
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    }
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('exits 2 naming what is not there, for every list that filters by a name', () => {
    const cases: [string[], string][] = [
      [['get', 'datasets', '--domain', 'paymnts'], NO_DOMAIN],
      [
        ['get', 'datasets', '--owner', 'alice'],
        "owner must be a user or team ref such as user:alice (got 'alice')",
      ],
      [['search', 'card', '--domain', 'paymnts'], NO_DOMAIN],
      [['export', '--domain', 'paymnts'], NO_DOMAIN],
      [['compliance', '--owner', 'user:nobody'], "User 'user:nobody' not found"],
      [['incidents', '--domain', 'paymnts'], NO_DOMAIN],
      [['approvals', 'list', '--ref', 'dataset:payments/transaktions'], NO_DATASET],
      [['waivers', 'list', '--ref', 'dataset:payments/transaktions'], NO_DATASET],
      [['outcome', 'list', '--accountable', 'team:risk/nobody'], "Team 'team:risk/nobody' not found"],
      [['scorecard', '--domain', 'paymnts'], NO_DOMAIN],
      [['webhook', 'deliveries', '--webhook', 'nope'], "Webhook 'nope' not found"],
      [['ai', 'decisions', '--dataset', 'dataset:payments/transaktions'], NO_DATASET],
    ];
    for (const [args, message] of cases) {
      const r = charter(home, ...args);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.stderr).toBe(`Error: ${message}\n`);
    }
    const empty = charter(home, 'approvals', 'list', '--ref', 'dataset:payments/transactions');
    expect([empty.code, empty.stderr]).toEqual([0, '']);
  });

  // Run without blocking the test worker (many CLI runs in a row).
  it('reads me as the actor, which must then be named', async () => {
    const local = (...args: string[]) => charterAsync(['--home', home, ...args]);
    for (const [args, option] of PRINCIPAL_OPTIONS) {
      const anonymous = await local(...args, option, 'me');
      expect([args.join(' '), anonymous.code, anonymous.stderr]).toEqual([
        args.join(' '),
        2,
        `Error: ${option} me stands for the caller: on this store name yourself with --as user:NAME (or CHARTER_ACTOR)\n`,
      ]);
      const [mine, named] = [
        await local('--as', 'user:carol', ...args, option, 'me', '-o', 'json'),
        await local(...args, option, 'user:carol', '-o', 'json'),
      ];
      expect([args.join(' '), mine.code]).toEqual([args.join(' '), 0]);
      expect(withoutTime(mine.stdout)).toEqual(withoutTime(named.stdout));
    }
  }, 120_000);
});
