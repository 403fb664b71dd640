/**
 * Single sign-on in the browser: the OpenID Connect authorization-code flow with PKCE. `startSignIn`
 * sends the browser to the issuer; the issuer sends it back to /sign-in/callback, where
 * `finishSignIn` checks the state and has the server exchange the code for a verified ID token.
 * The verifier, state and nonce live in sessionStorage for this tab only, and are removed once used.
 */
import { request } from './client';

export interface OidcMethod {
  issuer: string;
  clientId: string;
  scope: string;
  authorizationEndpoint: string | null;
  problem?: string;
}

export interface SignInMethods {
  pickUser: boolean;
  tokens: boolean;
  oidc: OidcMethod | null;
}

export const CALLBACK_PATH = '/sign-in/callback';
const PENDING_KEY = 'charter.oidc.pending';

interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
}

function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function random(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Sends the browser to the issuer to sign in; it comes back to CALLBACK_PATH. */
export async function startSignIn(method: OidcMethod, next: string): Promise<void> {
  if (!method.authorizationEndpoint) throw new Error(method.problem ?? 'Single sign-on is unavailable');
  if (!crypto.subtle)
    throw new Error(
      'Single sign-on needs a secure page (https, or localhost): this browser withholds the hashing it needs',
    );
  const pending: Pending = { state: random(), nonce: random(), verifier: random(48), next };
  const challenge = base64url(
    new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(pending.verifier))),
  );
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(method.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', method.clientId);
  url.searchParams.set('redirect_uri', `${location.origin}${CALLBACK_PATH}`);
  url.searchParams.set('scope', method.scope);
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  location.assign(url.toString());
}

export interface SignedIn {
  token: string;
  expiresAt: string | null;
  actor: string;
  title: string;
  next: string;
}

/** Completes the sign-in from the callback URL's query; throws with what went wrong. */
export async function finishSignIn(query: URLSearchParams): Promise<SignedIn> {
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  const error = query.get('error');
  if (error) {
    const said = query.get('error_description');
    throw new Error(`The sign-in service said: ${error}${said ? ` (${said})` : ''}`);
  }
  if (!raw) throw new Error('No sign-in was started in this tab (or it was already completed): start again');
  const pending = JSON.parse(raw) as Pending;
  const code = query.get('code');
  if (!code) throw new Error('The sign-in service sent no authorization code back');
  if (query.get('state') !== pending.state)
    throw new Error('This answer belongs to another sign-in (the state does not match): start again');
  const answer = await request<Omit<SignedIn, 'next'>>('/api/v1/auth/oidc', {
    method: 'POST',
    body: {
      code,
      codeVerifier: pending.verifier,
      redirectUri: `${location.origin}${CALLBACK_PATH}`,
      nonce: pending.nonce,
    },
  });
  return { ...answer, next: pending.next };
}
