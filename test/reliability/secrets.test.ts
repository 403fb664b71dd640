/**
 * Proof of the secrets bullet: a run of the real `charter serve` (and CLI commands) with
 * credentials in use — API tokens (created, listed, revoked, used after revocation, guessed), a
 * PostgreSQL URL with a password in CHARTER_DATABASE_URL (also pointed at a wrong port and written
 * malformed, so errors happen, and with the server's connections killed mid-run), and quality
 * credentials from CHARTER_SECRET_<NAME>_PASSWORD and CHARTER_SECRETS_FILE for reachable and
 * unreachable data servers — then a search for every secret value in the server's stdout and
 * stderr, the CLI's output, every response body, the exports, and the database (a pg_dump, or the
 * SQLite files): none may appear. A token's secret exists only as its SHA-256.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPlatform } from '../../src/server/platform.js';
import { openStore } from '../../src/store/open-store.js';
import { charterAsync } from '../support/cli.js';
import { authorizeAt, freshPkce, startTestIssuer } from '../support/oidc-issuer.js';
import { createPostgresDatabase, postgresAdminUrl, postgresAvailable } from '../support/stores.js';
import { call, contractYaml, FULL, type Served, seed, serve, tempDir } from './support.js';

const pgUp = await postgresAvailable();

/** CLI commands run with a bad database URL. */
const COMMANDS = [
  ['get', 'datasets'],
  ['audit', 'verify'],
  ['apply', '-f', '/dev/null'],
  ['search', 'orders'],
];

const secret = (what: string) => `S3cr3t-${what}-${randomBytes(9).toString('hex')}`;

/** Everything the run showed anyone: named texts to search. */
class Seen {
  readonly texts: { where: string; text: string }[] = [];
  add(where: string, text: string | Buffer) {
    this.texts.push({ where, text: typeof text === 'string' ? text : text.toString('latin1') });
  }
  /** One line for docs/reliability.md: what was searched, for how many secrets, and what was found. */
  summary(name: string, secrets: Record<string, string>): string {
    const groups = new Map<string, { n: number; bytes: number }>();
    for (const { where, text } of this.texts) {
      const group = where.includes(' → ')
        ? 'API answers (exports included)'
        : where.startsWith('server std')
          ? 'server logs'
          : /^(pg_dump|SQLite file)/.test(where)
            ? 'database'
            : 'CLI and failed-start output';
      const g = groups.get(group) ?? { n: 0, bytes: 0 };
      groups.set(group, { n: g.n + 1, bytes: g.bytes + text.length });
    }
    const parts = [...groups].map(([group, g]) => `${group} ${g.n} (${(g.bytes / 1e3).toFixed(0)} kB)`);
    return `secrets on ${name}: ${Object.keys(secrets).length} secret values searched in ${this.texts.length} texts: ${parts.join(', ')}; ${this.leaks(secrets).length} found`;
  }
  /** Where each secret appears (none, if all is well). */
  leaks(secrets: Record<string, string>): string[] {
    const out: string[] = [];
    for (const [name, value] of Object.entries(secrets))
      for (const { where, text } of this.texts)
        if (text.includes(value) || text.includes(encodeURIComponent(value)))
          out.push(`${name} appears in ${where}`);
    return out;
  }
}

/** The CLI with `env`; its standard output and error together. */
async function cli(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ code: number | null; out: string }> {
  const r = await charterAsync(args, env);
  return { code: r.code, out: r.stdout + r.stderr };
}

/** A contract whose data lives on a PostgreSQL server reached with a named secret. */
function pgContract(name: string, server: string, port: number, database: string) {
  return contractYaml(
    'payments',
    name,
    'Orders checked on PostgreSQL with credentials',
    `servers:\n  - {server: ${server}, type: postgres, host: 127.0.0.1, port: ${port}, database: ${database}, schema: public}\n`,
  ).replace(
    `- name: ${name.replace(/-/g, '_')}\n`,
    `- name: ${name.replace(/-/g, '_')}\n    physicalName: orders\n`,
  );
}

describe('no secret appears in logs, error bodies, exports or the database', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  /**
   * The scenario, on one store: tokens made and used, quality checks with credentials, the exports;
   * returns what was seen and the secrets in use.
   */
  async function scenario(options: {
    where: { home: string } | { fromEnv: true };
    env: Record<string, string>;
    storeOptions: Parameters<typeof openStore>[0];
    database: string;
    disrupt?: () => Promise<void>;
  }) {
    const seen = new Seen();
    const issuer = await startTestIssuer();
    cleanups.push(() => issuer.close());
    const secrets: Record<string, string> = {
      'quality password (CHARTER_SECRET_ORDERS_DB_PASSWORD)': secret('orders'),
      'quality password of an unreachable server': secret('nowhere'),
      'quality password from CHARTER_SECRETS_FILE': secret('file'),
    };
    const data = tempDir('secrets');
    cleanups.push(data.remove);
    const secretsFile = join(data.dir, 'secrets.json');
    writeFileSync(
      secretsFile,
      JSON.stringify({
        'files-db': { user: 'postgres', password: secrets['quality password from CHARTER_SECRETS_FILE'] },
      }),
    );
    const env = {
      ...options.env,
      CHARTER_DATA_ROOT: data.dir,
      CHARTER_SECRET_ORDERS_DB_USER: 'postgres',
      CHARTER_SECRET_ORDERS_DB_PASSWORD: secrets['quality password (CHARTER_SECRET_ORDERS_DB_PASSWORD)']!,
      CHARTER_SECRET_NOWHERE_DB_USER: 'postgres',
      CHARTER_SECRET_NOWHERE_DB_PASSWORD: secrets['quality password of an unreachable server']!,
      CHARTER_SECRETS_FILE: secretsFile,
      CHARTER_LOG_LEVEL: 'debug',
      // Single sign-on with a confidential client: the secret goes to the issuer's token endpoint only.
      CHARTER_OIDC_ISSUER: issuer.issuer,
      CHARTER_OIDC_CLIENT_ID: issuer.clientId,
      CHARTER_OIDC_CLIENT_SECRET: issuer.clientSecret,
      CHARTER_OIDC_CLAIM: 'sub',
    };
    secrets['OIDC client secret (CHARTER_OIDC_CLIENT_SECRET)'] = issuer.clientSecret;

    // The organisation and the data office's token, written by the local administrator.
    const store = await openStore(options.storeOptions);
    const platform = await seed(
      store,
      pgContract('orders', 'orders-db', 5432, options.database),
      pgContract('lost-orders', 'nowhere-db', 1, options.database),
      pgContract('filed-orders', 'files-db', 1, 'no_such_database'),
    );
    const office = await platform.access.tokens.create({
      principal: 'user:office',
      name: 'office',
      expiresAt: null,
      actor: 'user:setup',
    });
    secrets['API token (data office)'] = office.token;
    secrets['API token secret part (data office)'] = office.token.slice('chtr_'.length + 13);
    await store.close();

    const server: Served = await serve(options.where, { env });
    cleanups.push(() => server.kill());
    const api = async (method: string, path: string, body?: unknown, token = office.token) => {
      try {
        return await call(`${server.url}${path}`, token, {
          method,
          ...(body !== undefined ? { type: 'application/json', body: JSON.stringify(body) } : {}),
        });
      } catch (error) {
        const exit = await Promise.race([
          server.exited,
          new Promise((r) => setTimeout(() => r('running'), 1000)),
        ]);
        throw new Error(
          `${method} ${path} failed (${(error as Error).message}); the server is ${exit}:\n${server.stderr().slice(-3000)}\n${server.stdout().slice(-3000)}`,
        );
      }
    };
    const record = async (method: string, path: string, body?: unknown, token?: string) => {
      const res = await api(method, path, body, token);
      seen.add(`${method} ${path} → ${res.status}`, res.text);
      return res;
    };

    // Tokens: one made through the API (its secret is shown once, in that answer only), listed,
    // revoked, then used; a guessed one; a token in the wrong scheme.
    const made = await api('POST', '/api/v1/tokens', { for: 'user:alice', name: 'ci' });
    expect(made.status).toBe(200);
    const alice = made.json<{ token: string; info: { id: string } }>();
    secrets['API token (made through the API)'] = alice.token;
    expect(
      (await record('GET', '/api/v1/assets/dataset%3Apayments%2Forders', undefined, alice.token)).status,
    ).toBe(200);
    await record('GET', '/api/v1/tokens');
    await record('GET', '/api/v1/tokens?for=user%3Aalice');
    await record('DELETE', `/api/v1/tokens/${alice.info.id}`);
    expect((await record('GET', '/api/v1/stats', undefined, alice.token)).status).toBe(401);
    const guessed = `chtr_${alice.info.id}_${randomBytes(32).toString('base64url').slice(0, 43)}`;
    secrets['a guessed token'] = guessed;
    expect((await record('GET', '/api/v1/stats', undefined, guessed)).status).toBe(401);
    const mangled = `${office.token}x`;
    expect((await record('GET', '/api/v1/stats', undefined, mangled)).status).toBe(401);

    // Single sign-on: a browser's code exchanged by the server (its answer carries the ID token by
    // design, so it is not searched), the ID token used, then a failed exchange.
    const callback = `${server.url}/sign-in/callback`;
    const pkce = freshPkce();
    const back = await authorizeAt(issuer, 'alice', pkce, callback);
    const exchange = { codeVerifier: pkce.verifier, redirectUri: callback, nonce: pkce.nonce };
    const signedIn = await api('POST', '/api/v1/auth/oidc', {
      code: back.searchParams.get('code'),
      ...exchange,
    });
    expect(signedIn.status, signedIn.text).toBe(200);
    const idToken = signedIn.json<{ token: string }>().token;
    secrets['OIDC ID token'] = idToken;
    expect((await record('GET', '/api/v1/whoami', undefined, idToken)).text).toContain('user:alice');
    expect(issuer.tokenRequests.at(-1)?.authorization).toMatch(/^Basic /);
    const replayed = await record('POST', '/api/v1/auth/oidc', {
      code: back.searchParams.get('code'),
      ...exchange,
    });
    expect(replayed.status).toBe(401);

    // Quality checks that reach PostgreSQL with credentials, and ones that cannot.
    for (const ref of [
      'dataset:payments/orders',
      'dataset:payments/lost-orders',
      'dataset:payments/filed-orders',
    ])
      expect((await record('POST', '/api/v1/quality/runs', { ref, samples: 5 })).status).toBe(200);
    await record('GET', '/api/v1/quality/runs?limit=10');
    await record('GET', '/api/v1/incidents?state=all');
    await record('GET', '/api/v1/quality/scores/domain%3Apayments');
    await record('GET', '/api/v1/audit?limit=1000');

    // Errors while running.
    await options.disrupt?.();
    for (let i = 0; i < 5; i++) {
      await record('GET', '/api/v1/search?q=orders');
      await record('POST', '/api/v1/apply', { documents: [{ kind: 'Nope' }] });
    }

    // Exports.
    await record('GET', '/api/v1/export');
    await record('GET', '/api/v1/export?format=json');
    await record('GET', '/api/v1/export?withHistory=true');
    await server.kill('SIGTERM');
    seen.add('server stdout', server.stdout());
    seen.add('server stderr', server.stderr());
    expect(server.stdout().length, 'the server logged its requests').toBeGreaterThan(1000);
    return { seen, secrets, office, alice };
  }

  it.runIf(pgUp)(
    'PostgreSQL: a password in CHARTER_DATABASE_URL, tokens and quality credentials stay secret',
    async () => {
      const db = await createPostgresDatabase();
      cleanups.push(db.drop);
      const dbName = new URL(db.url).pathname.slice(1);
      const dbPassword = secret('dsn');
      const withPassword = (url: string, password: string) => {
        const u = new URL(url);
        u.username = u.username || 'postgres';
        u.password = password;
        return u.toString();
      };
      // Trust authentication accepts any password: the URL with one is really in use.
      const dsn = withPassword(db.url, dbPassword);
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      cleanups.push(() => admin.end());
      await admin.query('CREATE TABLE orders (id text, amount numeric)');
      await admin.query("INSERT INTO orders VALUES ('o1', 10), ('o2', -5), (NULL, 3)");

      const { seen, secrets, office, alice } = await scenario({
        where: { fromEnv: true },
        env: { CHARTER_DATABASE_URL: dsn },
        storeOptions: { databaseUrl: dsn },
        database: dbName,
        disrupt: async () => {
          // Kill the server's connections: its next queries fail, and it must say so without the URL.
          await admin.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [dbName],
          );
        },
      });
      secrets['PostgreSQL password (CHARTER_DATABASE_URL)'] = dbPassword;

      // The same URL at a wrong port, and malformed: the server cannot start, the CLI cannot connect.
      const wrongPort = secret('wrong-port');
      const malformed = secret('malformed');
      secrets['PostgreSQL password at a wrong port'] = wrongPort;
      secrets['PostgreSQL password in a malformed URL'] = malformed;
      const badUrls = [
        `postgres://postgres:${wrongPort}@127.0.0.1:1/${dbName}`,
        `postgres://postgres:${malformed}@127.0.0.1:99999/${dbName}`,
        `postgres://postgres:${malformed}@[::1/${dbName}`,
        withPassword(postgresAdminUrl.replace(/\/[^/]*$/, '/no_such_database'), wrongPort),
      ];
      // Quick: two of the URLs, two commands; full: every URL with every command. All at once.
      const urls = FULL ? badUrls : badUrls.slice(0, 2);
      await Promise.all(
        urls.flatMap((url, i) => [
          serve({ fromEnv: true }, { env: { CHARTER_DATABASE_URL: url }, timeoutMs: 60_000 }).then(
            async (s) => {
              await s.kill();
              throw new Error(`charter serve started on a database URL that cannot work (${i})`);
            },
            (error: Error) => seen.add(`serve with bad CHARTER_DATABASE_URL ${i}`, error.message),
          ),
          ...(FULL || i === 0 ? COMMANDS : COMMANDS.slice(0, 1)).map(async (args) => {
            const r = await cli({ CHARTER_DATABASE_URL: url }, ...args);
            expect(r.code, r.out).not.toBe(0);
            seen.add(`charter ${args.join(' ')} with bad CHARTER_DATABASE_URL ${i}`, r.out);
          }),
          ...(FULL || i === 0
            ? [
                cli({}, '--database', url, 'get', 'datasets').then((r) => {
                  expect(r.code).not.toBe(0);
                  seen.add(`charter --database URL ${i} get datasets`, r.out);
                }),
              ]
            : []),
        ]),
      );
      // Through a running server, with the URL and the token in the environment.
      const good = await cli({ CHARTER_DATABASE_URL: dsn }, 'get', 'datasets', '-o', 'json');
      expect(good.code, good.out).toBe(0);
      seen.add('charter get datasets (good URL)', good.out);

      // The database itself.
      const dump = spawnSync('pg_dump', ['--dbname', db.url], {
        encoding: 'latin1',
        maxBuffer: 256 * 1024 * 1024,
      });
      expect(dump.status, dump.stderr).toBe(0);
      seen.add('pg_dump of the database', dump.stdout);
      console.log(seen.summary('PostgreSQL', secrets));
      expect(seen.leaks(secrets)).toEqual([]);

      // Tokens are stored as the SHA-256 of their secret part, and only so.
      for (const token of [office.token, alice.token])
        expect(dump.stdout).toContain(
          createHash('sha256')
            .update(token.slice('chtr_'.length + 13))
            .digest('hex'),
        );
    },
    180_000,
  );

  it('SQLite: tokens and quality credentials stay out of the logs, answers, exports and the database files', async () => {
    const home = tempDir('secrets-home');
    cleanups.push(home.remove);
    const { seen, secrets, office } = await scenario({
      where: { home: home.dir },
      env: {},
      storeOptions: { home: home.dir },
      database: 'charter_no_such_db',
    });
    for (const file of readdirSync(home.dir))
      seen.add(`SQLite file ${file}`, readFileSync(join(home.dir, file)));
    expect(seen.texts.some((t) => t.where === 'SQLite file charter.db')).toBe(true);
    console.log(seen.summary('SQLite', secrets));
    expect(seen.leaks(secrets)).toEqual([]);
    const hash = createHash('sha256')
      .update(office.token.slice('chtr_'.length + 13))
      .digest('hex');
    const local = await openStore({ home: home.dir });
    try {
      const tokens = await createPlatform(local, { actor: 'user:test' }).access.tokens.list();
      expect(tokens.length).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(tokens)).not.toContain(hash);
    } finally {
      await local.close();
    }
    const holders = seen.texts.filter((t) => t.text.includes(hash)).map((t) => t.where);
    expect(holders.length, 'the hash is stored').toBeGreaterThan(0);
    expect(
      holders.every((w) => w.startsWith('SQLite file')),
      holders.join(', '),
    ).toBe(true);
  }, 180_000);
});
