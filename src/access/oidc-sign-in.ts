/**
 * Single sign-on for the web UI: the OpenID Connect authorization-code flow with PKCE. The browser
 * goes to the issuer and comes back with a code; the server exchanges it at the issuer's token
 * endpoint (so the issuer needs no CORS rule for Charter, and a confidential client's secret stays on
 * the server) and hands the browser the verified ID token, which it then sends as its bearer token.
 */
import { AuthenticationError, InputError, UnavailableError } from '../model/errors.js';
import type { OidcVerifier } from './oidc.js';

/** Where the UI comes back to after the issuer: only this path on the server's own origin. */
export const CALLBACK_PATH = '/sign-in/callback';

export interface OidcSignInInfo {
  issuer: string;
  clientId: string;
  scope: string;
  /** Where to send the browser; null when the issuer's discovery document could not be read. */
  authorizationEndpoint: string | null;
  /** Why single sign-on is unavailable right now. */
  problem?: string;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  token_endpoint_auth_methods_supported?: string[];
}

export interface CodeExchange {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  /** The nonce the browser put in its authorization request; the ID token must carry it. */
  nonce: string;
}

const DISCOVERY_TTL_MS = 10 * 60_000;
const FAILURE_TTL_MS = 15_000;
const TIMEOUT_MS = 10_000;

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

export class OidcSignIn {
  private discovered: { at: number; value: Discovery | Error } | undefined;

  constructor(
    private readonly verifier: OidcVerifier,
    private readonly clientId: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** What the UI needs to start a sign-in. */
  async info(): Promise<OidcSignInInfo> {
    const { issuer, scope } = this.verifier.config;
    const base = { issuer, clientId: this.clientId, scope: scope ?? 'openid email profile' };
    const found = await this.discovery();
    return found instanceof Error
      ? { ...base, authorizationEndpoint: null, problem: found.message }
      : { ...base, authorizationEndpoint: found.authorization_endpoint };
  }

  /**
   * Exchanges an authorization code for the issuer's ID token, verified (signature, issuer, expiry,
   * audience = this client, nonce). Errors say what the issuer answered, never the code or a secret.
   */
  async exchange(request: CodeExchange): Promise<{ idToken: string; expiresAt: string | null }> {
    let redirect: URL;
    try {
      redirect = new URL(request.redirectUri);
    } catch {
      throw new InputError('redirectUri must be an absolute URL');
    }
    if (redirect.pathname !== CALLBACK_PATH || redirect.search || redirect.hash)
      throw new InputError(`redirectUri must be this server's ${CALLBACK_PATH}`);
    const found = await this.discovery();
    if (found instanceof Error) throw new UnavailableError(found.message);
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: request.code,
      redirect_uri: request.redirectUri,
      code_verifier: request.codeVerifier,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    const secret = this.verifier.config.clientSecret;
    const methods = found.token_endpoint_auth_methods_supported;
    if (secret && methods?.includes('client_secret_post') && !methods.includes('client_secret_basic')) {
      form.set('client_id', this.clientId);
      form.set('client_secret', secret);
    } else if (secret) {
      // RFC 6749 §2.3.1: both parts form-encoded, then Basic.
      const pair = `${encodeURIComponent(this.clientId)}:${encodeURIComponent(secret)}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    } else {
      form.set('client_id', this.clientId);
    }
    let response: Response;
    try {
      response = await fetch(found.token_endpoint, {
        method: 'POST',
        headers,
        body: form,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw new UnavailableError(
        `The issuer's token endpoint did not answer (${this.verifier.config.issuer})`,
      );
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      const code = typeof body.error === 'string' ? body.error.slice(0, 100) : `HTTP ${response.status}`;
      const said =
        typeof body.error_description === 'string' ? `: ${body.error_description.slice(0, 300)}` : '';
      throw new AuthenticationError(`The issuer refused the sign-in (${code}${said})`);
    }
    const idToken = body.id_token;
    if (typeof idToken !== 'string')
      throw new AuthenticationError('The issuer answered without an ID token (is the openid scope allowed?)');
    const claims = await this.verifier.verify(idToken);
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audience.includes(this.clientId))
      throw new AuthenticationError(`The ID token was issued for another client, not ${this.clientId}`);
    if (claims.nonce !== request.nonce)
      throw new AuthenticationError('The ID token does not carry the nonce of this sign-in; start again');
    return { idToken, expiresAt: claims.exp ? new Date(claims.exp * 1000).toISOString() : null };
  }

  /** The issuer's discovery document, kept 10 minutes (a failure 15 seconds). */
  private async discovery(): Promise<Discovery | Error> {
    const kept = this.discovered;
    const now = this.now();
    if (kept && now - kept.at < (kept.value instanceof Error ? FAILURE_TTL_MS : DISCOVERY_TTL_MS))
      return kept.value;
    const issuer = this.verifier.config.issuer.replace(/\/+$/, '');
    const url = `${issuer}/.well-known/openid-configuration`;
    let value: Discovery | Error;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const doc = (await response.json()) as Partial<Discovery>;
      if (!isHttpUrl(doc.authorization_endpoint) || !isHttpUrl(doc.token_endpoint))
        throw new Error('it names no authorization and token endpoints');
      value = doc as Discovery;
    } catch (error) {
      value = new Error(
        `The issuer's discovery document ${url} could not be used: ${(error as Error).message}`,
      );
    }
    this.discovered = { at: now, value };
    return value;
  }
}
