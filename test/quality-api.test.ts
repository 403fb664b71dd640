/**
 * Quality over HTTP (in-process) and through the real binary: exit codes 0/1/3, and the same JSON
 * from `charter … -o json` as from the API for the same stored data.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../src/catalog/catalog.js';
import { parseSources } from '../src/catalog/parse.js';
import { buildApp } from '../src/server/app.js';
import { openStore } from '../src/store/open-store.js';
import { BAD, GOOD, QUALITY_ORG } from './quality-fixtures.js';
import { repoRoot } from './support/reference.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const REF = 'dataset:payments/refunds';
const enc = encodeURIComponent;

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`quality API on ${factory.name}`, () => {
    let handle: StoreHandle;
    let app: FastifyInstance;
    let dir: string;

    beforeEach(async () => {
      handle = await factory.create();
      dir = mkdtempSync(join(tmpdir(), 'charter-qapi-'));
      const catalog = new Catalog(handle.store, { actor: 'user:api' });
      await catalog.apply(parseSources([{ name: 'org.yaml', content: QUALITY_ORG }]));
      process.env.CHARTER_DATA_ROOT = dir;
      app = await buildApp({ catalog });
    });
    afterEach(async () => {
      delete process.env.CHARTER_DATA_ROOT;
      await app.close();
      await handle.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('runs checks, reports runs, scores and incidents', async () => {
      writeFileSync(join(dir, 'refunds.csv'), BAD);
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/quality/runs',
        headers: { 'x-charter-actor': 'user:bob' },
        payload: { ref: REF, samples: 1 },
      });
      expect(res.statusCode).toBe(200);
      const report = res.json();
      expect(report).toMatchObject({ status: 'failed', datasets: 1, counts: { failed: 2 } });
      const run = report.runs[0];
      expect(run).toMatchObject({ ref: REF, actor: 'user:bob', trigger: 'api' });

      const one = await app.inject({ url: `/api/v1/quality/runs/${run.id}` });
      expect(one.json().checks).toEqual(run.checks);
      const list = await app.inject({ url: `/api/v1/quality/runs?ref=${enc(REF)}` });
      expect(list.json().map((r: { id: string }) => r.id)).toEqual([run.id]);

      const incidents = await app.inject({ url: '/api/v1/incidents?assignee=user:alice' });
      expect(incidents.json()).toHaveLength(1);
      const incident = incidents.json()[0];
      expect(
        (await app.inject({ url: `/api/v1/incidents/${incident.id}` })).json().timeline[0],
      ).toMatchObject({
        action: 'opened',
        actor: 'user:bob',
      });

      const score = await app.inject({ url: `/api/v1/quality/scores/${enc('domain:finance')}` });
      expect(score.json()).toMatchObject({ kind: 'domain', datasets: [{ ref: REF, status: 'failed' }] });
    });

    it('runs a subset of checks on filtered rows, and says so on the run', async () => {
      writeFileSync(join(dir, 'refunds.csv'), BAD);
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/quality/runs',
        payload: {
          ref: REF,
          checks: ['amount-positive'],
          dimensions: ['uniqueness'],
          filter: 'amount >= 10',
        },
      });
      expect(res.statusCode).toBe(200);
      const run = res.json().runs[0];
      expect(run.scope).toEqual({
        checks: ['amount-positive'],
        dimensions: ['uniqueness'],
        filters: { refunds: 'amount >= 10' },
      });
      // Row r1 (10) is in the window and its copy (-20) is not: the duplicate is still found.
      expect(run.checks.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([
        ['refunds.refund_id.unique', 'failed'],
        ['amount-positive', 'passed'],
      ]);
      const bad = await app.inject({
        method: 'POST',
        url: '/api/v1/quality/runs',
        payload: { ref: REF, filters: { refunds: 'amount >= 10; DROP TABLE refunds' } },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toContain("The row filter for table 'refunds' is refused");
      const typed = await app.inject({
        method: 'POST',
        url: '/api/v1/quality/runs',
        payload: { ref: REF, filters: 'amount >= 10' },
      });
      expect(typed.statusCode).toBe(400);
    });

    it('answers bad requests with the error vocabulary', async () => {
      const none = await app.inject({ method: 'POST', url: '/api/v1/quality/runs', payload: {} });
      expect(none.statusCode).toBe(400);
      expect(none.json().error).toMatchObject({
        name: 'InputError',
        message: expect.stringContaining('exactly one'),
      });
      const missing = await app.inject({
        method: 'POST',
        url: '/api/v1/quality/runs',
        payload: { ref: 'dataset:x/y' },
      });
      expect(missing.statusCode).toBe(404);
      expect((await app.inject({ url: '/api/v1/quality/runs/nope' })).statusCode).toBe(404);
      expect((await app.inject({ url: '/api/v1/incidents?assignee=alice' })).statusCode).toBe(400);
    });
  });
}

describe('charter check / quality / incidents (binary)', () => {
  let home: string;
  let data: string;
  const bin = join(repoRoot, 'bin', 'charter.js');
  const charter = (...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, '--home', home, ...args], {
      encoding: 'utf8',
      env: {
        ...process.env,
        CHARTER_ACTOR: '',
        CHARTER_DATA_ROOT: '',
        CHARTER_SERVER: '',
        CHARTER_DATABASE_URL: '',
      },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(() => {
    const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: repoRoot, encoding: 'utf8' });
    expect(build.status, build.stdout + build.stderr).toBe(0);
    home = mkdtempSync(join(tmpdir(), 'charter-qcli-'));
    data = mkdtempSync(join(tmpdir(), 'charter-qdata-'));
    const org = join(home, 'org.yaml');
    writeFileSync(org, QUALITY_ORG);
    expect(charter('apply', '-f', org).code).toBe(0);
  }, 120_000);
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  });

  it('exits 3 when the data cannot be reached, 1 when a check fails, 0 when all pass', () => {
    const unreachable = charter('check', REF, '--data-root', data);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stdout).toContain(
      "The data could not be reached: the file 'refunds.csv' does not exist",
    );

    writeFileSync(join(data, 'refunds.csv'), BAD);
    const failed = charter('check', '--domain', 'payments', '--data-root', data, '--samples', '1');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('✗ refunds.refund_id.unique: measured 1, expected = 0 rows');
    expect(failed.stdout).toContain('{"refund_id":"r1","copies":2}');

    // Answered by its short id, as the list shows it; the list then shows the latest answer.
    const short = /^([0-9a-f]{8}) +dataset:payments\/refunds +open/m.exec(charter('incidents').stdout)?.[1];
    expect(short).toBeDefined();
    const answered = charter(
      '--as',
      'user:bob',
      'incidents',
      'answer',
      short!,
      '--ack',
      'Duplicate',
      'refund',
      'ids',
    );
    expect([answered.code, answered.stdout]).toEqual([
      0,
      `acknowledged  incident ${short} on ${REF} (assigned to user:alice, user:bob)\n`,
    ]);
    expect(charter('incidents').stdout).toMatch(
      / LATEST ANSWER\n.* user:bob \(on it\): Duplicate refund ids$/m,
    );
    const empty = charter('--as', 'user:bob', 'incidents', 'answer', short!, ' ');
    expect([empty.code, empty.stderr]).toEqual([
      2,
      'Error: note is required: say what you found or are doing about it\n',
    ]);

    writeFileSync(join(data, 'refunds.csv'), GOOD);
    const passed = charter('check', REF, '--data-root', data, '-o', 'json');
    expect(passed.code).toBe(0);
    expect(JSON.parse(passed.stdout)).toMatchObject({ status: 'passed', runs: [{ ref: REF, score: 100 }] });

    const bad = charter('check', REF, '--all');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Name exactly one of a dataset ref, --product, --domain or --all');
  });

  it('prints the same JSON as the API for the same stored data', async () => {
    const cliQuality = JSON.parse(charter('quality', REF, '-o', 'json').stdout);
    const cliIncidents = JSON.parse(charter('incidents', '--state', 'all', '-o', 'json').stdout);
    expect(cliQuality.trend.map((r: { status: string }) => r.status)).toEqual(['passed', 'failed', 'error']);
    expect(cliIncidents[0]).toMatchObject({ state: 'resolved' });
    const store = await openStore({ home });
    const app = await buildApp({ catalog: new Catalog(store, { actor: 'user:api' }) });
    try {
      const api = await app.inject({ url: `/api/v1/quality/scores/${enc(REF)}` });
      expect(api.json()).toEqual(cliQuality);
      const incidents = await app.inject({ url: '/api/v1/incidents?state=all' });
      expect(incidents.json()).toEqual(cliIncidents);
    } finally {
      await app.close();
      await store.close();
    }
  });

  it('runs checks chosen by id on filtered rows, and refuses bad selections with exit 2', () => {
    writeFileSync(join(data, 'refunds.csv'), BAD);
    const chosen = charter(
      'check',
      REF,
      '--data-root',
      data,
      '--check',
      'amount-positive',
      '--check',
      'enough-rows',
      '--filter',
      'amount >= 10',
      '-v',
    );
    expect(chosen.code, chosen.stderr).toBe(1);
    expect(chosen.stdout).toContain(
      'only: check amount-positive, check enough-rows  rows: refunds WHERE amount >= 10',
    );
    expect(chosen.stdout).toContain('✓ amount-positive');
    expect(chosen.stdout).toContain('✗ enough-rows: measured 1, expected > 1 rows');
    expect(chosen.stdout).toContain('1 checks passed, 1 failed');

    const none = charter('check', REF, '--data-root', data, '--dimension', 'timeliness');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No check of the contract matches --dimension timeliness');
    const notJson = charter('check', REF, '--data-root', data, '--filters', 'refunds=amount');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('--filters must be a JSON object');
  });
});
