/**
 * Single sign-on for the web UI, against a real OpenID Connect issuer on loopback: how to sign in
 * (public), the authorization-code exchange with PKCE (the server talks to the issuer's token
 * endpoint with the client secret; the browser never sees it), and who the caller is.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSources } from '../src/catalog/parse.js';
import { buildApp } from '../src/server/app.js';
import { createPlatform } from '../src/server/platform.js';
import {
  authorizeAt,
  freshPkce,
  type Pkce,
  startTestIssuer,
  type TestIssuer,
} from './support/oidc-issuer.js';
import { type StoreHandle, storeFactories } from './support/stores.js';

const ORG = `apiVersion: charter/v1
kind: Charter
metadata: {name: acme}
spec: {classificationLevels: [public, internal], dataOffice: [user:ada]}
---
apiVersion: charter/v1
kind: User
metadata: {name: ada}
spec: {displayName: Ada Lovelace, email: ada@acme.example}
`;

const CALLBACK = 'http://127.0.0.1:8080/sign-in/callback';

const authorize = (issuer: TestIssuer, email: string, pkce: Pkce) =>
  authorizeAt(issuer, email, pkce, CALLBACK);
const fresh = freshPkce;

for (const factory of storeFactories) {
  describe.runIf(await factory.available())(`single sign-on (${factory.name})`, () => {
    let handle: StoreHandle;
    let issuer: TestIssuer;
    let app: FastifyInstance;
    let plain: FastifyInstance;

    beforeAll(async () => {
      issuer = await startTestIssuer();
      handle = await factory.create();
      const platform = createPlatform(handle.store, {
        actor: 'user:setup',
        oidc: { issuer: issuer.issuer, clientId: issuer.clientId, clientSecret: issuer.clientSecret },
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
      // A server without access control: people pick who they are.
      plain = await buildApp({ catalog: platform.catalog, governance: platform.governance });
    });
    afterAll(async () => {
      await app?.close();
      await plain?.close();
      await handle?.dispose();
      await issuer?.close();
    });

    const exchange = (body: Record<string, unknown>) =>
      app.inject({ method: 'POST', url: '/api/v1/auth/oidc', payload: body });

    it('says how to sign in without asking who you are, and never shows the client secret', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/v1/auth' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        methods: {
          pickUser: false,
          tokens: true,
          oidc: {
            issuer: issuer.issuer,
            clientId: issuer.clientId,
            scope: 'openid email profile',
            authorizationEndpoint: `${issuer.issuer}/authorize`,
          },
        },
      });
      expect(res.body).not.toContain(issuer.clientSecret);
      const open = await plain.inject({ method: 'GET', url: '/api/v1/auth' });
      expect(open.json()).toEqual({ methods: { pickUser: true, tokens: false, oidc: null } });
    });

    it('exchanges a code for an ID token that then signs every request in as the matching user', async () => {
      const pkce = fresh();
      const back = await authorize(issuer, 'ADA@acme.example', pkce);
      expect(back.searchParams.get('state')).toBe(pkce.state);
      const res = await exchange({
        code: back.searchParams.get('code'),
        codeVerifier: pkce.verifier,
        redirectUri: CALLBACK,
        nonce: pkce.nonce,
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as { token: string; expiresAt: string; actor: string; title: string };
      expect(body.actor).toBe('user:ada');
      expect(body.title).toBe('Ada Lovelace');
      expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
      expect(res.body).not.toContain(issuer.clientSecret);
      // The secret went to the issuer's token endpoint, as Basic authentication, and only there.
      const sent = issuer.tokenRequests.at(-1)!;
      expect(sent.authorization).toBe(
        `Basic ${Buffer.from(`${issuer.clientId}:${issuer.clientSecret}`).toString('base64')}`,
      );
      expect(sent.form.code_verifier).toBe(pkce.verifier);
      expect(sent.form).not.toHaveProperty('client_secret');

      const who = await app.inject({
        method: 'GET',
        url: '/api/v1/whoami',
        headers: { authorization: `Bearer ${body.token}` },
      });
      expect(who.statusCode).toBe(200);
      expect(who.json()).toEqual({
        actor: 'user:ada',
        title: 'Ada Lovelace',
        dataOffice: true,
        readableDomains: null,
      });
      // The ID token is a bearer token for the whole API.
      const asset = await app.inject({
        method: 'GET',
        url: '/api/v1/assets/user:ada',
        headers: { authorization: `Bearer ${body.token}` },
      });
      expect(asset.statusCode).toBe(200);
    });

    it('refuses a wrong verifier, a used code, another nonce, a foreign redirect and an unknown person', async () => {
      let pkce = fresh();
      let back = await authorize(issuer, 'ada@acme.example', pkce);
      const code = back.searchParams.get('code');
      const wrong = await exchange({
        code,
        codeVerifier: fresh().verifier,
        redirectUri: CALLBACK,
        nonce: pkce.nonce,
      });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().error.message).toBe(
        'The issuer refused the sign-in (invalid_grant: PKCE verification failed)',
      );
      // The issuer spent the code on the failed attempt.
      const again = await exchange({
        code,
        codeVerifier: pkce.verifier,
        redirectUri: CALLBACK,
        nonce: pkce.nonce,
      });
      expect(again.statusCode).toBe(401);
      expect(again.json().error.message).toContain('Unknown or used code');

      pkce = fresh();
      back = await authorize(issuer, 'ada@acme.example', pkce);
      const replay = await exchange({
        code: back.searchParams.get('code'),
        codeVerifier: pkce.verifier,
        redirectUri: CALLBACK,
        nonce: fresh().nonce,
      });
      expect(replay.statusCode).toBe(401);
      expect(replay.json().error.message).toBe(
        'The ID token does not carry the nonce of this sign-in; start again',
      );

      const elsewhere = await exchange({
        code: 'x',
        codeVerifier: pkce.verifier,
        redirectUri: 'https://evil.example/steal',
        nonce: pkce.nonce,
      });
      expect(elsewhere.statusCode).toBe(400);
      expect(elsewhere.json().error.message).toBe("redirectUri must be this server's /sign-in/callback");

      pkce = fresh();
      back = await authorize(issuer, 'mallory@acme.example', pkce);
      const stranger = await exchange({
        code: back.searchParams.get('code'),
        codeVerifier: pkce.verifier,
        redirectUri: CALLBACK,
        nonce: pkce.nonce,
      });
      expect(stranger.statusCode).toBe(401);
      expect(stranger.json().error.message).toBe("No Charter user matches the token's email");

      const malformed = await exchange({ code: 'x' });
      expect(malformed.statusCode).toBe(400);
      const none = await plain.inject({
        method: 'POST',
        url: '/api/v1/auth/oidc',
        payload: { code: 'x', codeVerifier: pkce.verifier, redirectUri: CALLBACK, nonce: pkce.nonce },
      });
      expect(none.statusCode).toBe(404);
      expect(none.json().error.message).toContain('Single sign-on is not configured');
    });

    it('whoami needs a signed-in caller', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/v1/whoami' });
      expect(res.statusCode).toBe(401);
    });
  });
}

describe('single sign-on when the issuer is down', () => {
  it('says why it is unavailable and answers the exchange with 503', async () => {
    const issuer = await startTestIssuer();
    issuer.down = true;
    const handle = await storeFactories[0]!.create();
    try {
      const platform = createPlatform(handle.store, {
        actor: 'user:setup',
        oidc: { issuer: issuer.issuer, clientId: issuer.clientId },
      });
      const app = await buildApp({
        catalog: platform.catalog,
        governance: platform.governance,
        access: platform.access,
        tokens: platform.access.tokens,
      });
      const auth = (await app.inject({ method: 'GET', url: '/api/v1/auth' })).json();
      expect(auth.methods.oidc.authorizationEndpoint).toBeNull();
      expect(auth.methods.oidc.problem).toBe(
        `The issuer's discovery document ${issuer.issuer}/.well-known/openid-configuration could not be used: HTTP 503`,
      );
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/oidc',
        payload: { code: 'x', codeVerifier: 'v'.repeat(43), redirectUri: CALLBACK, nonce: 'n'.repeat(16) },
      });
      expect(res.statusCode).toBe(503);
      await app.close();
    } finally {
      await handle.dispose();
      await issuer.close();
    }
  });
});
