/** API tokens: anyone signed in manages their own; the data office manages everyone's. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Tokens } from '../../access/tokens.js';
import { parseExpiry } from '../../access/tokens.js';
import { NotAllowedError } from '../../model/errors.js';
import { errorsFor, listOf, nullable, objectOf } from '../schemas.js';

/** A token as anyone may see it: never its secret. */
const tokenSchema = objectOf(
  {
    id: { type: 'string' },
    principal: { type: 'string', description: 'The user or team it acts for' },
    name: { type: 'string' },
    createdAt: { type: 'string' },
    createdBy: { type: 'string' },
    expiresAt: nullable('string'),
    revokedAt: nullable('string'),
    revokedBy: nullable('string'),
  },
  ['id', 'principal', 'name', 'createdAt', 'createdBy', 'expiresAt', 'revokedAt', 'revokedBy'],
);

function mayManage(request: FastifyRequest, principal: string, what: string): void {
  const { actor, guard } = request.charter;
  if (principal === actor || !guard || guard.isAdmin) return;
  throw new NotAllowedError(`${actor} may not ${what} tokens of ${principal}: it needs the data office`);
}

export function tokenRoutes(app: FastifyInstance, tokens: Tokens) {
  app.post(
    '/api/v1/tokens',
    {
      schema: {
        summary: 'Create an API token; the secret is in this answer only',
        tags: ['access'],
        body: {
          type: 'object',
          required: ['for'],
          additionalProperties: false,
          properties: {
            for: { type: 'string', description: 'user or team ref the token acts for' },
            name: { type: 'string', maxLength: 200 },
            expires: { type: 'string', description: '30d, 12h, 90m or an ISO date' },
          },
        },
        response: {
          200: objectOf(
            {
              token: { type: 'string', description: 'The secret (chtr_…): shown this once' },
              info: tokenSchema,
            },
            ['token', 'info'],
          ),
          ...errorsFor(400, 403),
        },
      },
    },
    async (request) => {
      const body = request.body as { for: string; name?: string; expires?: string };
      mayManage(request, body.for, 'create');
      return tokens.create({
        principal: body.for,
        name: body.name ?? 'api',
        expiresAt: body.expires ? parseExpiry(body.expires, new Date()) : null,
        actor: request.charter.actor,
      });
    },
  );

  app.get(
    '/api/v1/tokens',
    {
      schema: {
        summary: 'Tokens (never their secrets): yours, or anyone’s for the data office',
        tags: ['access'],
        querystring: { type: 'object', properties: { for: { type: 'string' } } },
        response: { 200: listOf('tokens', tokenSchema), ...errorsFor(403) },
      },
    },
    async (request) => {
      const q = request.query as { for?: string };
      const principal = q.for ?? (request.charter.guard?.isAdmin ? undefined : request.charter.actor);
      if (principal) mayManage(request, principal, 'list');
      return { tokens: await tokens.list(principal) };
    },
  );

  app.delete(
    '/api/v1/tokens/:id',
    {
      schema: {
        summary: 'Revoke a token',
        tags: ['access'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
        response: { 200: tokenSchema, ...errorsFor(403, 404) },
      },
    },
    async (request) => {
      const id = (request.params as { id: string }).id;
      const existing = (await tokens.list()).find((t) => t.id === id);
      if (existing) mayManage(request, existing.principal, 'revoke');
      return tokens.revoke(id, request.charter.actor);
    },
  );
}
