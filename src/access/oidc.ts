/**
 * OIDC/JWT bearer tokens: verified against the configured issuer's JWKS (signature, issuer,
 * audience, expiry), then mapped to a Charter user by e-mail or user name.
 */
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { AuthenticationError } from '../model/errors.js';

export interface OidcConfig {
  issuer: string;
  /** Defaults to `<issuer>/.well-known/jwks.json`. */
  jwksUrl?: string;
  audience?: string;
  /** The claim naming the user: `email` (matched to a user's spec.email) or `preferred_username`/`sub` (a user name). */
  claim?: 'email' | 'preferred_username' | 'sub';
  /** The web UI's client at the issuer: with it, the UI offers "Sign in with single sign-on". */
  clientId?: string;
  /** For a confidential client: sent to the issuer's token endpoint by the server, never to the browser. */
  clientSecret?: string;
  /** Scopes the UI asks for (default `openid email profile`). */
  scope?: string;
}

export function oidcConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OidcConfig | undefined {
  if (!env.CHARTER_OIDC_ISSUER) return undefined;
  const config: OidcConfig = { issuer: env.CHARTER_OIDC_ISSUER };
  if (env.CHARTER_OIDC_JWKS_URL) config.jwksUrl = env.CHARTER_OIDC_JWKS_URL;
  if (env.CHARTER_OIDC_AUDIENCE) config.audience = env.CHARTER_OIDC_AUDIENCE;
  if (env.CHARTER_OIDC_CLAIM) config.claim = env.CHARTER_OIDC_CLAIM as OidcConfig['claim'];
  if (env.CHARTER_OIDC_CLIENT_ID) config.clientId = env.CHARTER_OIDC_CLIENT_ID;
  if (env.CHARTER_OIDC_CLIENT_SECRET) config.clientSecret = env.CHARTER_OIDC_CLIENT_SECRET;
  if (env.CHARTER_OIDC_SCOPE) config.scope = env.CHARTER_OIDC_SCOPE;
  return config;
}

export class OidcVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(readonly config: OidcConfig) {
    const url = config.jwksUrl ?? `${config.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
    this.jwks = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  }

  /** The verified claims; an AuthenticationError naming what failed (never the token). */
  async verify(jwt: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(jwt, this.jwks, {
        issuer: this.config.issuer,
        ...(this.config.audience ? { audience: this.config.audience } : {}),
      });
      return payload;
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'ERR_JWT_INVALID';
      const reason =
        code === 'ERR_JWT_EXPIRED'
          ? 'it has expired'
          : code === 'ERR_JWT_CLAIM_VALIDATION_FAILED'
            ? `its ${(error as { claim?: string }).claim ?? 'claims'} claim does not match`
            : code === 'ERR_JWKS_NO_MATCHING_KEY' || code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED'
              ? 'its signature does not verify against the issuer’s keys'
              : code === 'ERR_JWKS_TIMEOUT'
                ? 'the issuer’s keys could not be fetched'
                : 'it is not a valid JWT';
      throw new AuthenticationError(`The bearer token was refused: ${reason}`);
    }
  }

  /** The claim that names the user. */
  subject(payload: JWTPayload): string | undefined {
    const claim = this.config.claim ?? 'email';
    const value = payload[claim];
    return typeof value === 'string' ? value : undefined;
  }
}
