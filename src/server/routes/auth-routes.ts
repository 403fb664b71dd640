/**
 * Signing in: how this server lets people sign in (public), the OIDC code exchange for the web UI
 * (public: it is how a browser gets its token), and who the caller is.
 */
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../../access/access-control.js';
import { type CodeExchange, OidcSignIn } from '../../access/oidc-sign-in.js';
import type { Catalog } from '../../catalog/catalog.js';
import { NotFoundError } from '../../model/errors.js';
import { errorsFor, nullable, objectOf } from '../schemas.js';

const authSchema = objectOf(
  {
    methods: objectOf(
      {
        pickUser: {
          type: 'boolean',
          description: 'No access control: pick who you are (the x-charter-actor header)',
        },
        tokens: { type: 'boolean', description: 'API tokens are accepted' },
        oidc: {
          ...objectOf({
            issuer: { type: 'string' },
            clientId: { type: 'string' },
            scope: { type: 'string' },
            authorizationEndpoint: nullable('string', 'null when the issuer could not be reached'),
            problem: { type: 'string', description: 'Why single sign-on is unavailable now' },
          }),
          type: ['object', 'null'],
          description: 'Single sign-on, when configured',
        },
      },
      ['pickUser', 'tokens', 'oidc'],
    ),
  },
  ['methods'],
);

/** Who the caller is, by name. */
const callerProperties = {
  actor: { type: 'string', description: 'The user or team ref' },
  title: { type: 'string', description: 'Its display name (the ref when it has none)' },
};

export function authRoutes(
  app: FastifyInstance,
  catalog: Catalog,
  access: AccessControl | undefined,
  tokens: boolean,
): void {
  const clientId = access?.oidc?.config.clientId;
  const oidc = access?.oidc && clientId ? new OidcSignIn(access.oidc, clientId) : undefined;

  app.get(
    '/api/v1/auth',
    {
      schema: {
        summary: 'How to sign in to this server (no sign-in needed)',
        tags: ['access'],
        security: [],
        response: { 200: authSchema },
      },
    },
    async () => ({
      methods: {
        // Without access control the server trusts the x-charter-actor header: the UI lets people pick a user.
        pickUser: !access,
        tokens: Boolean(access && tokens),
        oidc: oidc ? await oidc.info() : null,
      },
    }),
  );

  app.post(
    '/api/v1/auth/oidc',
    {
      schema: {
        summary: 'Exchange an OIDC authorization code (PKCE) for a verified ID token to use as bearer token',
        tags: ['access'],
        security: [],
        body: {
          type: 'object',
          required: ['code', 'codeVerifier', 'redirectUri', 'nonce'],
          additionalProperties: false,
          properties: {
            code: { type: 'string', minLength: 1, maxLength: 4096 },
            codeVerifier: { type: 'string', minLength: 43, maxLength: 128 },
            redirectUri: { type: 'string', minLength: 1, maxLength: 2048 },
            nonce: { type: 'string', minLength: 16, maxLength: 256 },
          },
        },
        response: {
          200: objectOf(
            {
              token: { type: 'string', description: 'The verified ID token, to send as bearer token' },
              expiresAt: nullable('string'),
              ...callerProperties,
            },
            ['token', 'expiresAt', 'actor', 'title'],
          ),
          ...errorsFor(400, 404, 503),
        },
      },
    },
    async (request) => {
      if (!oidc || !access)
        throw new NotFoundError(
          'Single sign-on is not configured on this server (CHARTER_OIDC_ISSUER and CHARTER_OIDC_CLIENT_ID)',
        );
      const { idToken, expiresAt } = await oidc.exchange(request.body as CodeExchange);
      // The same mapping every request gets: a token for nobody in the catalog is refused here.
      const principal = await access.authenticate(`Bearer ${idToken}`);
      const [user] = await catalog.store.getAssets([principal.ref]);
      return { token: idToken, expiresAt, actor: principal.ref, title: user?.title || principal.ref };
    },
  );

  app.get(
    '/api/v1/whoami',
    {
      schema: {
        summary:
          'Who this request is made for: the actor, their name, whether they are the data office, and the domains whose assets they may read (null: every domain)',
        tags: ['access'],
        response: {
          200: objectOf(
            {
              ...callerProperties,
              dataOffice: { type: 'boolean', description: 'A member of the data office' },
              readableDomains: {
                type: ['array', 'null'],
                items: { type: 'string' },
                description: 'The domains whose assets the caller may read; null: every domain',
              },
            },
            ['actor', 'title', 'dataOffice'],
          ),
        },
      },
    },
    async (request) => {
      const { actor, guard } = request.charter;
      const [user] = await catalog.store.getAssets([actor]);
      // The UI says "no access" (and whom to ask) for a domain outside this list instead of showing it empty.
      const readable = guard?.readableDomains();
      return {
        actor,
        title: user?.title || actor,
        dataOffice: guard ? guard.isAdmin : true,
        readableDomains: readable ? [...readable].sort() : null,
      };
    },
  );
}
