/**
 * `Waiver`: a domain's request to be excused from one policy for one asset (optionally one field)
 * until an expiry. It counts only once the data office approves it, and lapses by itself.
 */
import { compileSchema } from '../schema-validator.js';
import {
  clone,
  type Envelope,
  envelopeIdentity,
  envelopeSchema,
  envelopeSearch,
  refSchema,
} from './envelope.js';
import type { KindDefinition } from './kind.js';

export interface WaiverSpec {
  policy: string;
  asset: string;
  /** A field path such as `orders.customer_email` (table.column). */
  field?: string;
  reason: string;
  expires: string;
}

export type WaiverDoc = Envelope<WaiverSpec>;

const validateSchema = compileSchema(
  envelopeSchema(
    'Waiver',
    {
      type: 'object',
      required: ['policy', 'asset', 'reason', 'expires'],
      additionalProperties: false,
      properties: {
        policy: refSchema('policy'),
        asset: refSchema('dataset', 'product', 'domain', 'team', 'glossary'),
        field: { type: 'string', minLength: 1 },
        reason: { type: 'string', minLength: 1 },
        expires: { type: 'string', format: 'date-time' },
      },
    },
    { domain: 'required' },
  ),
);

export const waiverKind: KindDefinition<WaiverDoc> = {
  kind: 'Waiver',
  refKind: 'waiver',
  domainScoped: 'required',
  validate: validateSchema,
  normalize: (doc) => clone<WaiverDoc>(doc),
  identify: envelopeIdentity,
  relations: (doc) => [
    { type: 'waives', target: doc.spec.policy, path: 'spec.policy' },
    { type: 'waivesFor', target: doc.spec.asset, path: 'spec.asset' },
  ],
  summary: (doc) => ({ title: doc.metadata.name, description: doc.spec.reason }),
  searchText: (doc) =>
    envelopeSearch(doc, doc.metadata.name, doc.spec.reason, `${doc.spec.policy} ${doc.spec.asset}`),
  fields: () => [],
};
