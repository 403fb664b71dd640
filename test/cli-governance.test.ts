/** The governance commands through the real binary: the demo under its policies, denial exit codes, policy tests, approvals. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { charter, charterWith } from './support/cli.js';
import { repoRoot } from './support/reference.js';

const contract = (classification: string, status = 'active') => `apiVersion: v3.1.0
kind: DataContract
id: loyalty-export
name: loyalty-export
version: 1.0.0
status: ${status}
domain: marketing
description: {purpose: Weekly export of loyalty members for the e-mail agency.}
servers: [{server: local, type: local, path: data/marketing/loyalty-export.csv, format: csv}]
team: {members: [{username: maya, role: owner}, {username: noah, role: steward}]}
schema:
  - name: loyalty_export
    properties:
      - {name: member_id, logicalType: string, description: Loyalty member id, classification: internal}
      - {name: email, logicalType: string, description: Member e-mail, tags: [pii], classification: ${classification}, quality: [{metric: nullValues, mustBe: 0}]}
`;

describe('governance through the CLI', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'charter-gov-'));
    const loaded = charter(home, 'demo', '--no-serve', '--home', join(home, 'store'));
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(loaded.stderr).toMatch(
      /Loaded the demo organisation: \d+ created, 0 updated, 0 unchanged.\nChecked the quality of 36 datasets where their data lives: 6 with findings.*\nReported lineage: 6 OpenLineage events from examples\/lineage \(6 jobs, 13 edges, 4 datasets no contract describes yet\)\.\nRecorded 3 AI outcomes from examples\/outcomes, each traced to the data and people behind it\.\n/,
    );
  }, 120_000);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const run = (...args: string[]) => charter(join(home, 'store'), ...args);

  it("loads the pipelines' reported lineage, so a trace crosses jobs to the sources behind them", () => {
    const traced = run('trace', 'model:cards/fraud-scorer', '-o', 'json');
    expect(traced.code, traced.stderr).toBe(0);
    const t = JSON.parse(traced.stdout) as {
      jobs: number;
      datasets: { node: string; depth: number; role: string; managed: boolean }[];
    };
    expect(t.jobs).toBe(2);
    // The Kafka topic behind payment-transactions is reached through the Airflow job that loads it.
    expect(t.datasets).toContainEqual(
      expect.objectContaining({
        node: 'kafka://events.northwind.example:9092/psp.payment-events',
        depth: 2,
        role: 'training',
        managed: false,
      }),
    );
    const unmanaged = run('lineage', 'datasets', '--unmanaged', '-o', 'json');
    expect(JSON.parse(unmanaged.stdout)).toHaveLength(4);
    // The ticket router, reported as its training run's output, is a model, not a dataset.
    const managed = JSON.parse(run('lineage', 'datasets', '--managed', '-o', 'json').stdout) as {
      ref: string;
    }[];
    expect(managed.length).toBeGreaterThan(0);
    expect(managed.filter((d) => !d.ref.startsWith('dataset:'))).toEqual([]);
    // The demo's outcomes, each stored with its trace: Nora's wrong answer reaches its owner and steward.
    const listed = JSON.parse(run('outcome', 'list', '-o', 'json').stdout) as {
      ref: string;
      subject: string;
      type: string;
    }[];
    expect(listed.map((o) => [o.subject, o.type]).sort()).toEqual([
      ['app:support/nora', 'wrong_answer'],
      ['model:cards/fraud-scorer', 'evaluation'],
      ['model:support/ticket-router', 'drift'],
    ]);
    const nora = listed.find((o) => o.subject === 'app:support/nora')!;
    const noraTrace = JSON.parse(run('trace', nora.ref, '-o', 'json').stdout) as {
      accountable: { ref: string }[];
    };
    expect(noraTrace.accountable.map((a) => a.ref)).toEqual(
      expect.arrayContaining(['user:kemi', 'user:liam']),
    );
  });

  it('the starter charter passes its own tests', () => {
    const r = charter(home, 'policy', 'test', join(repoRoot, 'examples', 'org', 'policies'));
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('49 passed, 0 failed');
  });

  it('denies a contract that breaks a charter policy with exit 1, then admits the fixed one', () => {
    const file = join(home, 'loyalty.yaml');
    writeFileSync(file, contract('internal'));
    const denied = run('apply', '-f', file, '--as', 'user:maya');
    expect(denied.code).toBe(1);
    expect(denied.stdout).toContain(
      '✗ deny             policy:personal-data-classified loyalty_export.email: Field loyalty_export.email holds personal data but is classified internal',
    );
    expect(denied.stdout).toContain('Nothing was stored: 1 document was denied by policy.');
    writeFileSync(file, contract('confidential'));
    const admitted = run('apply', '-f', file, '--as', 'user:maya', '-o', 'json');
    expect(admitted.code).toBe(0);
    expect(JSON.parse(admitted.stdout).results[0]).toMatchObject({
      status: 'created',
      admission: 'admitted',
    });
  });

  it('routes a reactivation to the data office, refuses self-approval, and approves', () => {
    const file = join(home, 'loyalty.yaml');
    writeFileSync(file, contract('confidential', 'deprecated'));
    expect(run('apply', '-f', file, '--as', 'user:maya').code).toBe(0);
    writeFileSync(file, contract('confidential', 'active'));
    const pending = run('apply', '-f', file, '--as', 'user:maya');
    expect(pending.code).toBe(0);
    expect(pending.stdout).toMatch(/^pending\s+dataset:marketing\/loyalty-export \(v3\)/m);
    const list = JSON.parse(run('approvals', 'list', '-o', 'json').stdout);
    expect(list).toHaveLength(1);
    const self = run('approvals', 'approve', 'dataset:marketing/loyalty-export', '--as', 'user:maya');
    expect(self.code).toBe(1);
    expect(self.stderr).toMatch(/separation of duties/);
    const steward = run('approvals', 'approve', 'dataset:marketing/loyalty-export', '--as', 'user:noah');
    expect(steward.code).toBe(1);
    expect(steward.stderr).toMatch(/may not decide .*: it needs the data office/);
    const ok = run(
      'approvals',
      'approve',
      'dataset:marketing/loyalty-export',
      '--as',
      'user:ada',
      '--reason',
      'campaign restarts',
    );
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('approved  dataset:marketing/loyalty-export v3 by user:ada\n');
    const current = JSON.parse(run('get', 'dataset', 'marketing/loyalty-export', '-o', 'json').stdout);
    expect(current.asset.version).toBe(3);
    expect(current.doc.status).toBe('active');
    expect(run('audit', 'verify').code).toBe(0);
  });

  it('reports compliance of the demo: the planted warnings, nothing denied', () => {
    const r = JSON.parse(run('compliance', '-o', 'json').stdout);
    expect(r.policies).toBe(29);
    expect(r.totals.failing).toBeGreaterThan(0);
    const enforcement = new Set(
      r.failing.flatMap((f: { violations: { enforcement: string }[] }) =>
        f.violations.map((v) => v.enforcement),
      ),
    );
    expect([...enforcement]).toEqual(['warn']);
    expect(run('compliance').stdout).toMatch(/^\d+ assets evaluated against 29 policies: /);
    expect(run('compliance', '--policy', 'policy:personal-data-classified').stdout).toMatch(
      /^\d+ assets evaluated against 1 policy: /,
    );
  });

  it('lists a page of the failing assets and says how to see the rest', () => {
    const all = JSON.parse(run('compliance', '--limit', 'all', '-o', 'json').stdout);
    const total = all.totals.failing + all.totals.waived;
    expect(total).toBeGreaterThan(3);
    expect(all.failing).toHaveLength(total);
    const page = JSON.parse(run('compliance', '--offset', '1', '--limit', '2', '-o', 'json').stdout);
    expect(page.page).toEqual({ offset: 1, limit: 2, total });
    expect(page.failing).toEqual(all.failing.slice(1, 3));
    expect(page.totals).toEqual(all.totals);
    // The default lists 50: the demo's failing assets all fit.
    expect(JSON.parse(run('compliance', '-o', 'json').stdout).failing).toHaveLength(Math.min(total, 50));
    const text = run('compliance', '--limit', '1').stdout;
    expect(text).toContain(`Falling short (1-1 of ${total}):\n  ${all.failing[0].asset} (owner `);
    expect(text).toContain(`… and ${total - 1} more (--offset 1 for the next, --limit all for every one)`);
    const bad = run('compliance', '--limit', 'ten');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--limit must be a whole number or 'all'; got 'ten'");
  });

  it('fits its reports to the terminal (COLUMNS): findings and their fixes wrap beneath their policy', () => {
    const file = join(home, 'loyalty-narrow.yaml');
    writeFileSync(file, contract('internal').replace('loyalty-export', 'loyalty-narrow'));
    for (const args of [
      ['compliance', '--limit', 'all'],
      ['policy', 'explain', 'dataset:commerce/orders'],
      ['describe', 'dataset:payments/refunds'],
      ['apply', '-f', file, '--as', 'user:maya', '--dry-run'],
    ]) {
      const out = charterWith({ COLUMNS: '60' }, join(home, 'store'), ...args);
      expect(out.stdout, out.stderr).not.toBe('');
      for (const line of out.stdout.trimEnd().split('\n'))
        expect(line.length, `${args.join(' ')}: ${line}`).toBeLessThanOrEqual(60);
    }
    const denied = charterWith(
      { COLUMNS: '60' },
      join(home, 'store'),
      'apply',
      '-f',
      file,
      '--as',
      'user:maya',
    );
    expect(denied.code).toBe(1);
    // The finding's text continues under its own start, the fix under `fix:`.
    expect(denied.stdout).toContain(
      [
        '  ✗ deny             policy:personal-data-classified',
        '                     loyalty_export.email: Field',
        '                     loyalty_export.email holds personal',
        '                     data but is classified internal',
        '      fix: Classify personal-data fields confidential or',
        '           restricted.',
      ].join('\n'),
    );
  });
});
