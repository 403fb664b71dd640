/** `Team`: a group of users inside a domain; teams can own and steward assets. */
import { compileSchema } from '../schema-validator.js';
import {
  clone,
  type Envelope,
  envelopeIdentity,
  envelopeSchema,
  envelopeSearch,
  refListSchema,
} from './envelope.js';
import type { KindDefinition } from './kind.js';

export interface TeamSpec {
  title?: string;
  description?: string;
  email?: string;
  members?: string[];
}

export type TeamDoc = Envelope<TeamSpec>;

const validateSchema = compileSchema(
  envelopeSchema(
    'Team',
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        title: { type: 'string' },
        description: { type: 'string' },
        email: { type: 'string', format: 'email' },
        members: refListSchema('user'),
      },
    },
    { domain: 'required' },
  ),
);

export const teamKind: KindDefinition<TeamDoc> = {
  kind: 'Team',
  refKind: 'team',
  domainScoped: 'required',
  validate: validateSchema,
  normalize: (doc) => clone<TeamDoc>(doc),
  identify: envelopeIdentity,
  relations: (doc) =>
    (doc.spec.members ?? []).map((target, i) => ({
      type: 'hasMember' as const,
      target,
      path: `spec.members[${i}]`,
    })),
  summary: (doc) => ({ title: doc.spec.title ?? doc.metadata.name, description: doc.spec.description ?? '' }),
  searchText: (doc) => envelopeSearch(doc, doc.spec.title ?? '', doc.spec.description ?? ''),
  fields: () => [],
};
