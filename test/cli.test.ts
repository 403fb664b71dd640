/** The real `charter` binary, spawned: exit codes, output formats, and --server against a live server. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, charter } from './support/cli.js';
import { repoRoot } from './support/reference.js';

const fixture = join(repoRoot, 'test', 'fixtures', 'small-org.yaml');

describe('charter CLI', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'charter-cli-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('applies, is idempotent, and exits 2 on invalid input storing nothing', () => {
    const first = charter(home, 'apply', '-f', fixture, '--as', 'user:alice');
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toContain('created   dataset:payments/transactions (v1)');
    const again = charter(home, 'apply', '-f', fixture, '-o', 'json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).summary).toMatchObject({ unchanged: 8 });
    const bad = join(home, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: charter/v1\nkind: User\nmetadata: {name: zed}\nspec: {age: 3}\n');
    const invalid = charter(home, 'apply', '-f', bad);
    expect(invalid.code).toBe(2);
    // The line of the problem, not of the document.
    expect(invalid.stdout).toContain('bad.yaml#1 (line 4): spec.age: is not a known property here');
    expect(charter(home, 'get', 'users', '-o', 'json').stdout).not.toContain('user:zed');
  });

  it('shows what is wrong with a large folder without listing every document it did not store', () => {
    const folder = join(home, 'many');
    mkdirSync(folder);
    const user = (i: number, spec = '{}') =>
      `apiVersion: charter/v1\nkind: User\nmetadata: {name: u${i}}\nspec: ${spec}\n`;
    writeFileSync(join(folder, 'a.yaml'), Array.from({ length: 300 }, (_, i) => user(i)).join('---\n'));
    writeFileSync(join(folder, 'b.yaml'), `${user(300)}---\n${user(301, '{age: 3}')}`);
    const invalid = charter(home, 'apply', '-f', folder);
    expect(invalid.code).toBe(2);
    // The folder was given as an absolute path, and its files are named so.
    expect(invalid.stdout.trimEnd().split('\n')).toEqual([
      `invalid   ${join(folder, 'b.yaml')}#2 (line 6)`,
      `  ✗ ${join(folder, 'b.yaml')}#2 (line 9): spec.age: is not a known property here`,
      '',
      'Nothing was stored: 1 document is invalid. (1 invalid, 301 skipped)',
    ]);
    // The skipped documents are all in the JSON result.
    const json = JSON.parse(charter(home, 'apply', '-f', folder, '-o', 'json').stdout);
    expect(json.results.filter((r: { status: string }) => r.status === 'skipped')).toHaveLength(301);
    expect(charter(home, 'get', 'users', '-o', 'json').stdout).not.toContain('user:u0');
    // Fixed, the folder is stored: 302 results with nothing to say are counted, not listed.
    writeFileSync(join(folder, 'b.yaml'), `${user(300)}---\n${user(301, '{displayName: Zed}')}`);
    // (Into a store of its own: the other tests count what this one holds.)
    const elsewhere = join(home, 'elsewhere');
    const stored = charter(elsewhere, 'apply', '-f', folder);
    expect(stored.code, stored.stderr).toBe(0);
    expect(stored.stdout.trimEnd().split('\n')).toEqual([
      '302 documents without remarks are not listed (-o json lists every result).',
      '',
      '302 created',
    ]);
    expect(JSON.parse(charter(elsewhere, 'apply', '-f', folder, '-o', 'json').stdout).summary).toMatchObject({
      unchanged: 302,
    });
  });

  it('reads in json, yaml and table; exits 2 for unknown refs and 0 for a verified audit log', () => {
    const json = JSON.parse(charter(home, 'describe', 'dataset:payments/transactions', '-o', 'json').stdout);
    expect(json.asset.updatedBy).toBe('user:alice');
    const yaml = charter(home, 'get', 'dataset', 'payments/transactions', '-o', 'yaml');
    expect(yaml.stdout).toMatch(/^apiVersion: v3.1.0/m);
    // Piped, a table keeps every value whole; COLUMNS fits it to a width.
    const table = (columns?: string) => {
      const env = { ...process.env };
      delete env.COLUMNS;
      if (columns) env.COLUMNS = columns;
      return spawnSync(process.execPath, [bin, '--home', home, 'get', 'datasets'], { encoding: 'utf8', env })
        .stdout;
    };
    const whole = table();
    expect(whole).toContain('dataset:payments/transactions');
    expect(whole).not.toContain('…');
    expect(
      Math.max(
        ...whole
          .trimEnd()
          .split('\n')
          .map((l) => l.length),
      ),
    ).toBeGreaterThan(40);
    expect(whole.split('\n')[0]).toMatch(/^REF +TITLE +OWNERS +STEWARDS +VER +UPDATED$/);
    expect(whole).toMatch(/^dataset:payments\/transactions +transactions +user:alice +user:bob +1 +\d{4}-/m);
    // By who is accountable: alice owns it through the finance domain, bob stewards it by name.
    for (const who of ['user:alice', 'user:bob'])
      expect(charter(home, 'get', 'datasets', '--owner', who, '-o', 'json').stdout, who).toContain(
        '"ref": "dataset:payments/transactions"',
      );
    expect(charter(home, 'get', 'datasets', '--owner', 'team:payments/core').stdout).toBe(
      'No DataContract assets that team:payments/core owns or stewards.\n',
    );
    // Narrower: the date goes, then the title; the ref and the people are never cut.
    const narrow = table('60');
    expect(narrow.trimEnd().split('\n')).toEqual([
      'REF                            OWNERS      STEWARDS  VER',
      'dataset:payments/transactions  user:alice  user:bob  1',
    ]);
    // Narrower still: each asset on lines of its own, every value back, nothing past the width.
    const fitted = table('40');
    for (const line of fitted.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    expect(fitted.split('\n').slice(0, 3)).toEqual([
      'dataset:payments/transactions',
      '  title: transactions',
      '  owners: user:alice',
    ]);
    expect(fitted).toMatch(/^ {2}updated: \d{4}-/m);
    // An unknown kind: the error names every kind `get` lists, and each of them lists.
    const unknown = charter(home, 'get', 'widgets');
    expect(unknown.code).toBe(2);
    const named = /expected one of (.+)\n$/.exec(unknown.stderr)![1]!.split(', ');
    expect(named).toEqual(expect.arrayContaining(['datasets', 'policies', 'waivers', 'models', 'apps']));
    for (const kind of named) expect(charter(home, 'get', kind).code, kind).toBe(0);
    const missing = charter(home, 'describe', 'dataset:payments/nothing');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("Error: Dataset 'dataset:payments/nothing' not found\n");
    const verify = charter(home, 'audit', 'verify');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toBe('Audit log intact: 8 records and 8 stored versions verified.\n');
  });

  it('ends quietly when its reader closes the pipe early (`charter --help | head`)', async () => {
    const child = spawn(process.execPath, [bin, '--home', home, '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Closing our end before the child writes makes its first write fail with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });

  it('exits 3 when the store cannot be reached', () => {
    const r = charter(home, '--database', 'postgres://nobody:secret@127.0.0.1:1/none', 'get', 'datasets');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/could not be opened/);
    expect(r.stderr).not.toContain('secret');
  });

  describe('against a running server', () => {
    let server: ChildProcess;
    let url: string;
    let token: string;
    let org: string;
    beforeAll(async () => {
      const serverHome = mkdtempSync(join(tmpdir(), 'charter-srv-'));
      // Bootstrap as the local administrator: the organisation, with bob in the data office, and bob's token.
      org = join(serverHome, 'org.yaml');
      writeFileSync(
        org,
        readFileSync(fixture, 'utf8').replace(
          'ownershipTypes: [owner, steward, technical-owner]',
          'ownershipTypes: [owner, steward, technical-owner]\n  dataOffice: [user:bob]',
        ),
      );
      expect(charter(serverHome, 'apply', '-f', org).code).toBe(0);
      token = charter(serverHome, 'token', 'create', '--for', 'user:bob').stdout.trim();
      expect(token).toMatch(/^chtr_/);
      server = spawn(process.execPath, [bin, '--home', serverHome, 'serve', '--port', '0'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      url = await new Promise<string>((resolve, reject) => {
        let err = '';
        server.stderr!.on('data', (chunk: Buffer) => {
          err += chunk.toString();
          const m = err.match(/at (http:\/\/\S+)/);
          if (m) resolve(m[1]!);
        });
        server.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
      });
    }, 30_000);
    afterAll(() => {
      server.kill('SIGTERM');
    });

    it('refuses a call without a token, naming what to do', () => {
      const r = charter(home, '--server', url, 'get', 'datasets');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Sign in: send Authorization: Bearer <token>');
    });

    it('applies and reads through --server with the same output, as the token’s user', () => {
      const changed = join(home, 'changed.yaml');
      writeFileSync(
        changed,
        readFileSync(org, 'utf8').replace('Every card transaction', 'All card transactions'),
      );
      const applied = charter(
        home,
        '--server',
        url,
        '--token',
        token,
        'apply',
        '-f',
        changed,
        '--as',
        'user:mallory',
      );
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain('updated   dataset:payments/transactions (v2)');
      const history = JSON.parse(
        charter(
          home,
          '--server',
          url,
          '--token',
          token,
          'history',
          'dataset:payments/transactions',
          '-o',
          'json',
        ).stdout,
      );
      // The server knows the caller from the token; --as does not change who acted.
      expect(history[1]).toMatchObject({ version: 2, actor: 'user:bob' });
      const bad = join(home, 'bad2.yaml');
      writeFileSync(bad, 'kind: Nope\n');
      const invalid = charter(home, '--server', url, '--token', token, 'apply', '-f', bad);
      expect(invalid.code).toBe(2);
      expect(invalid.stdout).toContain('bad2.yaml#1 (line 1): kind: "Nope" is not a kind Charter knows');
      const missing = charter(home, '--server', url, '--token', token, 'describe', 'user:nobody');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain("'user:nobody' not found");
    });
  });
});
