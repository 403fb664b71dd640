/**
 * A small OpenID Connect issuer on loopback for tests: discovery, JWKS, an authorization endpoint
 * that shows a sign-in form (the person types their e-mail), and a token endpoint that checks the
 * client, the redirect URI, the single use of the code and its PKCE verifier (S256) before it signs
 * an ID token. It records what reached its token endpoint so tests can check the client's secret
 * travelled only there.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface TestIssuer {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Authorization headers and form fields the token endpoint received, in order. */
  tokenRequests: { authorization: string | undefined; form: Record<string, string> }[];
  /** Makes the discovery document answer 503 (the issuer is down). */
  down: boolean;
  close(): Promise<void>;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string;
  email: string;
  used: boolean;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startTestIssuer(options: { idTokenSeconds?: number } = {}): Promise<TestIssuer> {
  const keys = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'test-1', alg: 'RS256', use: 'sig' };
  const clientId = 'charter-web';
  const clientSecret = `secret-${randomBytes(12).toString('hex')}`;
  const grants = new Map<string, Grant>();
  const issuerState: Pick<TestIssuer, 'tokenRequests' | 'down'> = { tokenRequests: [], down: false };
  let issuer = '';

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    void (async () => {
      if (url.pathname === '/.well-known/openid-configuration') {
        if (issuerState.down) return json(res, 503, { error: 'temporarily_unavailable' });
        return json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          response_types_supported: ['code'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic'],
        });
      }
      if (url.pathname === '/.well-known/jwks.json') return json(res, 200, { keys: [jwk] });
      if (url.pathname === '/authorize' && req.method === 'GET') {
        const q = url.searchParams;
        if (q.get('client_id') !== clientId || q.get('response_type') !== 'code')
          return json(res, 400, { error: 'invalid_request' });
        if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge'))
          return json(res, 400, { error: 'invalid_request', error_description: 'PKCE S256 is required' });
        const hidden = ['redirect_uri', 'state', 'nonce', 'code_challenge']
          .map((k) => `<input type="hidden" name="${k}" value="${escapeHtml(q.get(k) ?? '')}">`)
          .join('');
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(
          `<!doctype html><html lang="en"><head><title>Test issuer</title></head><body><main><h1>Test issuer</h1><form method="post" action="/authorize">${hidden}<label>E-mail <input name="email" type="email"></label><button type="submit">Continue</button><button type="submit" name="deny" value="1">Deny</button></form></main></body></html>`,
        );
      }
      if (url.pathname === '/authorize' && req.method === 'POST') {
        const form = new URLSearchParams(await readBody(req));
        const redirect = new URL(form.get('redirect_uri') ?? '');
        redirect.searchParams.set('state', form.get('state') ?? '');
        if (form.get('deny')) {
          redirect.searchParams.set('error', 'access_denied');
          redirect.searchParams.set('error_description', 'The person declined');
        } else {
          const code = randomBytes(16).toString('hex');
          grants.set(code, {
            clientId,
            redirectUri: form.get('redirect_uri') ?? '',
            challenge: form.get('code_challenge') ?? '',
            nonce: form.get('nonce') ?? '',
            email: form.get('email') ?? '',
            used: false,
          });
          redirect.searchParams.set('code', code);
        }
        res.writeHead(302, { location: redirect.toString() });
        return res.end();
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
        issuerState.tokenRequests.push({ authorization: req.headers.authorization, form });
        const expected = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
        if (req.headers.authorization !== expected) return json(res, 401, { error: 'invalid_client' });
        const grant = grants.get(form.code ?? '');
        if (!grant || grant.used)
          return json(res, 400, { error: 'invalid_grant', error_description: 'Unknown or used code' });
        grant.used = true;
        if (form.redirect_uri !== grant.redirectUri)
          return json(res, 400, { error: 'invalid_grant', error_description: 'redirect_uri differs' });
        const challenge = createHash('sha256')
          .update(form.code_verifier ?? '')
          .digest('base64url');
        if (challenge !== grant.challenge)
          return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
        const idToken = await new SignJWT({ email: grant.email, nonce: grant.nonce })
          .setProtectedHeader({ alg: 'RS256', kid: 'test-1' })
          .setIssuer(issuer)
          .setAudience(grant.clientId)
          .setSubject(grant.email)
          .setIssuedAt()
          .setExpirationTime(`${options.idTokenSeconds ?? 600}s`)
          .sign(keys.privateKey);
        return json(res, 200, { id_token: idToken, access_token: 'opaque', token_type: 'Bearer' });
      }
      json(res, 404, { error: 'not_found' });
    })().catch((error: Error) => json(res, 500, { error: 'server_error', error_description: error.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(issuerState, {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

export interface Pkce {
  verifier: string;
  nonce: string;
  state: string;
}

/** A fresh PKCE verifier, nonce and state, as a browser makes them. */
export function freshPkce(): Pkce {
  return {
    verifier: randomBytes(48).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    state: randomBytes(16).toString('base64url'),
  };
}

/**
 * What a browser does at the issuer: open the authorization URL, submit the form with an e-mail,
 * and follow the redirect back; returns the URL it is sent back to (with `code` and `state`).
 */
export async function authorizeAt(
  issuer: TestIssuer,
  email: string,
  pkce: Pkce,
  redirectUri: string,
): Promise<URL> {
  const challenge = createHash('sha256').update(pkce.verifier).digest('base64url');
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: issuer.clientId,
    redirect_uri: redirectUri,
    scope: 'openid email',
    state: pkce.state,
    nonce: pkce.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const page = await fetch(`${issuer.issuer}/authorize?${q}`);
  if (page.status !== 200) throw new Error(`The issuer's sign-in page answered ${page.status}`);
  const form = new URLSearchParams({
    redirect_uri: redirectUri,
    state: pkce.state,
    nonce: pkce.nonce,
    code_challenge: challenge,
    email,
  });
  const back = await fetch(`${issuer.issuer}/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  if (back.status !== 302) throw new Error(`The issuer's sign-in form answered ${back.status}`);
  return new URL(back.headers.get('location')!);
}
