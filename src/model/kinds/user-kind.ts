/** `User`: a person known to the catalog (identities and tokens come with access control). */
import { compileSchema } from '../schema-validator.js';
import { clone, type Envelope, envelopeIdentity, envelopeSchema, envelopeSearch } from './envelope.js';
import type { KindDefinition } from './kind.js';

export interface UserSpec {
  displayName?: string;
  email?: string;
  description?: string;
}

export type UserDoc = Envelope<UserSpec>;

const validateSchema = compileSchema(
  envelopeSchema(
    'User',
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        displayName: { type: 'string' },
        email: { type: 'string', format: 'email' },
        description: { type: 'string' },
      },
    },
    { domain: 'never' },
  ),
);

export const userKind: KindDefinition<UserDoc> = {
  kind: 'User',
  refKind: 'user',
  domainScoped: 'never',
  validate: validateSchema,
  normalize: (doc) => clone<UserDoc>(doc),
  // The e-mail is the user's external id, so ODCS/ODPS team members named by e-mail resolve to them.
  identify: (doc) =>
    doc.spec.email ? { ...envelopeIdentity(doc), uid: doc.spec.email.toLowerCase() } : envelopeIdentity(doc),
  relations: () => [],
  summary: (doc) => ({
    title: doc.spec.displayName ?? doc.metadata.name,
    description: doc.spec.description ?? '',
  }),
  searchText: (doc) => envelopeSearch(doc, doc.spec.displayName ?? '', doc.spec.description ?? ''),
  fields: () => [],
};
