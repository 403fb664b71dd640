/**
 * Identities: API tokens (shown once, stored hashed, revocable, expiring) and OIDC JWTs verified
 * against an issuer's JWKS served by the test on loopback.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSources } from '../src/catalog/parse.js';
import { buildApp } from '../src/server/app.js';
import { createPlatform, type Platform } from '../src/server/platform.js';
import type { SqlStore } from '../src/store/sql/sql-store.js';
import { type StoreHandle, storeFactories } from './support/stores.js';
import { tokenSecret } from './support/tokens.js';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const ORG = `apiVersion: charter/v1
kind: Charter
metadata: {name: acme}
spec: {classificationLevels: [public, internal], dataOffice: [user:ada]}
---
apiVersion: charter/v1
kind: User
metadata: {name: ada}
spec: {email: Ada@Acme.Example}
---
apiVersion: charter/v1
kind: User
metadata: {name: bo}
spec: {}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: sales}
spec: {viewers: [user:bo]}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: emea, parent: sales}
spec: {}
---
apiVersion: charter/v1
kind: Domain
metadata: {name: hr}
spec: {}
`;

describe('identities', () => {
  let handle: StoreHandle;
  let platform: Platform;
  let app: FastifyInstance;
  let jwks: Server;
  let issuer: string;
  let privateKey: SigningKey;
  let otherKey: SigningKey;
  let clock = new Date('2026-11-27T12:00:00Z');

  beforeAll(async () => {
    const keys = await generateKeyPair('RS256');
    privateKey = keys.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/.well-known/jwks.json' ? { keys: [jwk] } : {}));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
    handle = await storeFactories[0]!.create();
    platform = createPlatform(handle.store, {
      actor: 'user:setup',
      now: () => clock,
      oidc: { issuer, audience: 'charter' },
    });
    expect((await platform.catalog.apply(parseSources([{ name: 'org.yaml', content: ORG }]))).applied).toBe(
      true,
    );
    app = await buildApp({
      catalog: platform.catalog,
      governance: platform.governance,
      access: platform.access,
      tokens: platform.access.tokens,
    });
  });
  afterAll(async () => {
    await app.close();
    await handle.dispose();
    jwks.close();
  });

  const get = (authorization?: string) =>
    app.inject({ url: '/api/v1/audit?limit=1', headers: authorization ? { authorization } : {} });

  const jwt = (
    claims: Record<string, unknown>,
    opts: { key?: SigningKey; exp?: string | Date; iss?: string; aud?: string } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(opts.iss ?? issuer)
      .setAudience(opts.aud ?? 'charter')
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? '5m')
      .sign(opts.key ?? privateKey);

  it('shows a token once, stores only its hash, and honours revocation and expiry', async () => {
    const { token, info } = await platform.access.tokens.create({
      principal: 'user:bo',
      name: 'laptop',
      expiresAt: '2026-11-28T00:00:00.000Z',
      actor: 'user:ada',
    });
    expect(token).toMatch(/^chtr_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(info).not.toHaveProperty('hash');
    const stored = await sql<{ hash: string }>`SELECT hash FROM tokens WHERE id = ${info.id}`.execute(
      (handle.store as SqlStore).db,
    );
    const secret = tokenSecret(token);
    expect(stored.rows[0]!.hash).not.toContain(secret);
    expect(JSON.stringify(await platform.access.tokens.list())).not.toContain(secret);
    expect((await get(`Bearer ${token}`)).statusCode).toBe(200);
    clock = new Date('2026-11-28T00:00:01Z');
    const expired = await get(`Bearer ${token}`);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.message).toBe(`Token ${info.id} expired at 2026-11-28T00:00:00.000Z`);
    clock = new Date('2026-11-27T12:00:00Z');
    await platform.access.tokens.revoke(info.id, 'user:ada');
    const revoked = await get(`Bearer ${token}`);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.message).toBe(`Token ${info.id} was revoked`);
    const audit = await platform.catalog.auditLog({ ref: 'user:bo' });
    expect(audit.map((a) => a.action)).toEqual(['create', 'token-create', 'token-revoke']);
    expect(JSON.stringify(audit)).not.toContain(tokenSecret(token));
  });

  it('accepts an OIDC JWT signed by the issuer and maps its e-mail to the user', async () => {
    const res = await app.inject({
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${await jwt({ email: 'ada@acme.example' })}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { for: 'user:bo', name: 'from-sso' },
      headers: { authorization: `Bearer ${await jwt({ email: 'ada@acme.example' })}` },
    });
    expect(created.statusCode).toBe(200);
    expect(created.json().info).toMatchObject({ principal: 'user:bo', createdBy: 'user:ada' });
  });

  it('refuses JWTs that are forged, expired, for another audience or from another issuer, and unknown users', async () => {
    const cases: [Promise<string>, RegExp][] = [
      [jwt({ email: 'ada@acme.example' }, { key: otherKey }), /signature does not verify/],
      [jwt({ email: 'ada@acme.example' }, { exp: new Date('2020-01-01T00:00:00Z') }), /has expired/],
      [jwt({ email: 'ada@acme.example' }, { aud: 'someone-else' }), /aud claim does not match/],
      [jwt({ email: 'ada@acme.example' }, { iss: 'http://127.0.0.1:1' }), /iss claim does not match/],
      [jwt({ email: 'nobody@acme.example' }), /No Charter user matches the token's email/],
      [jwt({ sub: 'x' }), /The token has no email claim/],
    ];
    for (const [token, message] of cases) {
      const res = await get(`Bearer ${await token}`);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.message).toMatch(message);
    }
  });

  it('lets a user manage only their own tokens unless they are the data office', async () => {
    const { token } = await platform.access.tokens.create({
      principal: 'user:bo',
      name: 'b',
      expiresAt: null,
      actor: 'user:ada',
    });
    const forOther = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { for: 'user:ada' },
      headers: { authorization: `Bearer ${token}` },
    });
    expect(forOther.statusCode).toBe(403);
    expect(forOther.json().error.message).toBe(
      'user:bo may not create tokens of user:ada: it needs the data office',
    );
    const mine = await app.inject({ url: '/api/v1/tokens', headers: { authorization: `Bearer ${token}` } });
    expect(mine.json().tokens.every((t: { principal: string }) => t.principal === 'user:bo')).toBe(true);
  });

  it('says which domains the caller may read: a role reaches the sub-domains, the data office all', async () => {
    const tokens = await Promise.all(
      ['user:bo', 'user:ada'].map(async (principal) => {
        const made = await platform.access.tokens.create({
          principal,
          name: 'w',
          expiresAt: null,
          actor: 'user:ada',
        });
        return made.token;
      }),
    );
    const whoami = async (token: string) =>
      (await app.inject({ url: '/api/v1/whoami', headers: { authorization: `Bearer ${token}` } })).json();
    expect(await whoami(tokens[0]!)).toEqual({
      actor: 'user:bo',
      title: 'bo',
      dataOffice: false,
      readableDomains: ['emea', 'sales'],
    });
    expect((await whoami(tokens[1]!)).readableDomains).toBeNull();
  });
});
