/** `GlossaryTerm`: a business term, org-wide or owned by a domain, that fields and datasets link to. */
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

export interface GlossaryTermSpec {
  title?: string;
  definition: string;
  synonyms?: string[];
  related?: string[];
}

export type GlossaryTermDoc = Envelope<GlossaryTermSpec>;

const validateSchema = compileSchema(
  envelopeSchema(
    'GlossaryTerm',
    {
      type: 'object',
      required: ['definition'],
      additionalProperties: false,
      properties: {
        title: { type: 'string' },
        definition: { type: 'string', minLength: 1 },
        synonyms: { type: 'array', items: { type: 'string' } },
        related: refListSchema('glossary'),
      },
    },
    { domain: 'optional' },
  ),
);

export const glossaryTermKind: KindDefinition<GlossaryTermDoc> = {
  kind: 'GlossaryTerm',
  refKind: 'glossary',
  domainScoped: 'optional',
  validate: validateSchema,
  normalize: (doc) => clone<GlossaryTermDoc>(doc),
  identify: envelopeIdentity,
  relations: (doc) =>
    (doc.spec.related ?? []).map((target, i) => ({
      type: 'relatedTo' as const,
      target,
      path: `spec.related[${i}]`,
    })),
  summary: (doc) => ({ title: doc.spec.title ?? doc.metadata.name, description: doc.spec.definition }),
  searchText: (doc) =>
    envelopeSearch(doc, doc.spec.title ?? '', doc.spec.definition, (doc.spec.synonyms ?? []).join(' ')),
  fields: () => [],
};
