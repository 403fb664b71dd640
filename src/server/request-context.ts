/** Who is calling. Until access control lands, the caller names themselves with a header. */
import type { FastifyRequest } from 'fastify';
import { InputError } from '../model/errors.js';
import { tryParseRef } from '../model/ref.js';

export const ACTOR_HEADER = 'x-charter-actor';

export function actorOf(request: FastifyRequest, fallback: string): string {
  const header = request.headers[ACTOR_HEADER];
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return fallback;
  const ref = tryParseRef(value);
  if (!ref || (ref.kind !== 'user' && ref.kind !== 'team')) {
    throw new InputError(`The ${ACTOR_HEADER} header must be a user ref such as user:alice`);
  }
  return value;
}
