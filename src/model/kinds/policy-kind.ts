/**
 * `Policy`: a governance rule in CEL. Without `metadata.domain` it is a charter policy (the data
 * office's, for every domain); with one it is a domain policy for that domain and its sub-domains.
 */
import { compileSchema } from '../schema-validator.js';
import {
  clone,
  type Envelope,
  envelopeIdentity,
  envelopeSchema,
  envelopeSearch,
  nameSchema,
} from './envelope.js';
import type { KindDefinition } from './kind.js';

export const ENFORCEMENTS = ['deny', 'warn', 'require-approval', 'audit'] as const;
export type Enforcement = (typeof ENFORCEMENTS)[number];

export interface PolicyTest {
  name: string;
  input: Record<string, unknown>;
  expect: 'pass' | 'fail';
  /** Extra context for the test: `domain`, `owners`, `stewards`, `now`. */
  context?: Record<string, unknown>;
}

export interface PolicySpec {
  title?: string;
  description?: string;
  match?: {
    kinds?: string[];
    domains?: string[];
    labels?: Record<string, string>;
    classifications?: string[];
  };
  scope?: 'asset' | 'field';
  rule: string;
  message: string;
  remediation?: string;
  enforcement: Enforcement;
  /** Who approves a `require-approval` change: the data office (default) or a role of the asset's domain. */
  approvers?: 'data-office' | 'domain-owner' | 'steward';
  tests?: PolicyTest[];
}

export type PolicyDoc = Envelope<PolicySpec>;

/** Kinds a policy matches when `match.kinds` is not given. */
export const DEFAULT_POLICY_KINDS = ['DataContract', 'DataProduct', 'Domain', 'Team', 'GlossaryTerm'];

const validateSchema = compileSchema(
  envelopeSchema(
    'Policy',
    {
      type: 'object',
      required: ['rule', 'message', 'enforcement'],
      additionalProperties: false,
      properties: {
        title: { type: 'string' },
        description: { type: 'string' },
        match: {
          type: 'object',
          additionalProperties: false,
          properties: {
            kinds: { type: 'array', items: { type: 'string' }, minItems: 1 },
            domains: { type: 'array', items: nameSchema, minItems: 1 },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            classifications: { type: 'array', items: { type: 'string' }, minItems: 1 },
          },
        },
        scope: { enum: ['asset', 'field'] },
        rule: { type: 'string', minLength: 1, maxLength: 8000 },
        message: { type: 'string', minLength: 1 },
        remediation: { type: 'string' },
        enforcement: { enum: [...ENFORCEMENTS] },
        approvers: { enum: ['data-office', 'domain-owner', 'steward'] },
        tests: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'input', 'expect'],
            additionalProperties: false,
            properties: {
              name: { type: 'string' },
              input: { type: 'object' },
              expect: { enum: ['pass', 'fail'] },
              context: { type: 'object' },
            },
          },
        },
      },
    },
    { domain: 'optional' },
  ),
);

export const policyKind: KindDefinition<PolicyDoc> = {
  kind: 'Policy',
  refKind: 'policy',
  domainScoped: 'optional',
  validate: validateSchema,
  normalize: (doc) => clone<PolicyDoc>(doc),
  identify: envelopeIdentity,
  relations: () => [],
  summary: (doc) => ({
    title: doc.spec.title ?? doc.metadata.name,
    description: doc.spec.description ?? doc.spec.message,
  }),
  searchText: (doc) =>
    envelopeSearch(
      doc,
      doc.spec.title ?? '',
      `${doc.spec.description ?? ''} ${doc.spec.message}`,
      doc.spec.enforcement,
    ),
  fields: () => [],
};
