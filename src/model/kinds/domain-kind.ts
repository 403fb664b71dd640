/** `Domain`: a business domain, nested through `metadata.parent`, with its owners and stewards. */
import { compileSchema } from '../schema-validator.js';
import type { ValidationIssue } from '../validation.js';
import {
  clone,
  type Envelope,
  envelopeIdentity,
  envelopeSchema,
  envelopeSearch,
  refListSchema,
} from './envelope.js';
import type { KindContext, KindDefinition, Relation } from './kind.js';

export interface DomainSpec {
  title?: string;
  description?: string;
  owners?: string[];
  stewards?: string[];
  /** Who may apply assets in this domain and its sub-domains (access control). */
  contributors?: string[];
  /** Who may read this domain and its sub-domains (access control). */
  viewers?: string[];
  /** Further ownership types the charter defines, e.g. `technical-owner: [user:dan]`. */
  roles?: Record<string, string[]>;
}

export type DomainDoc = Envelope<DomainSpec>;

const principals = refListSchema('user', 'team');

const validateSchema = compileSchema(
  envelopeSchema(
    'Domain',
    {
      type: 'object',
      additionalProperties: false,
      properties: {
        title: { type: 'string' },
        description: { type: 'string' },
        owners: principals,
        stewards: principals,
        contributors: principals,
        viewers: principals,
        roles: { type: 'object', additionalProperties: principals },
      },
    },
    { domain: 'never', parent: true },
  ),
);

export function principalRelations(
  owners: readonly string[] | undefined,
  stewards: readonly string[] | undefined,
  roles: Record<string, readonly string[]> | undefined,
  basePath: string,
  ctx: KindContext,
): Relation[] {
  const out: Relation[] = [];
  owners?.forEach((target, i) => {
    out.push({ type: 'ownedBy', target, path: `${basePath}.owners[${i}]` });
  });
  stewards?.forEach((target, i) => {
    out.push({ type: 'stewardedBy', target, path: `${basePath}.stewards[${i}]` });
  });
  for (const [role, list] of Object.entries(roles ?? {})) {
    if (!ctx.ownershipTypes.includes(role)) continue;
    list.forEach((target, i) => {
      out.push({ type: 'hasRole', role, target, path: `${basePath}.roles.${role}[${i}]` });
    });
  }
  return out;
}

export function roleIssues(roles: Record<string, unknown> | undefined, basePath: string, ctx: KindContext) {
  const issues: ValidationIssue[] = [];
  for (const role of Object.keys(roles ?? {})) {
    if (!ctx.ownershipTypes.includes(role)) {
      issues.push({
        path: `${basePath}.roles.${role}`,
        message: `is not an ownership type of the charter; expected one of ${ctx.ownershipTypes.join(', ')}`,
      });
    }
  }
  return issues;
}

export const domainKind: KindDefinition<DomainDoc> = {
  kind: 'Domain',
  refKind: 'domain',
  domainScoped: 'never',
  validate(doc) {
    const issues = validateSchema(doc);
    const d = doc as DomainDoc;
    if (!issues.length && d.metadata.parent === d.metadata.name) {
      issues.push({ path: 'metadata.parent', message: 'a domain cannot be its own parent' });
    }
    return issues;
  },
  normalize: (doc) => clone<DomainDoc>(doc),
  identify: envelopeIdentity,
  relations(doc, ctx) {
    const out = principalRelations(doc.spec.owners, doc.spec.stewards, doc.spec.roles, 'spec', ctx);
    doc.spec.contributors?.forEach((target, i) => {
      out.push({ type: 'hasRole', role: 'contributor', target, path: `spec.contributors[${i}]` });
    });
    doc.spec.viewers?.forEach((target, i) => {
      out.push({ type: 'hasRole', role: 'viewer', target, path: `spec.viewers[${i}]` });
    });
    if (doc.metadata.parent) {
      out.push({ type: 'childOf', target: `domain:${doc.metadata.parent}`, path: 'metadata.parent' });
    }
    return out;
  },
  summary: (doc) => ({ title: doc.spec.title ?? doc.metadata.name, description: doc.spec.description ?? '' }),
  searchText: (doc) => envelopeSearch(doc, doc.spec.title ?? '', doc.spec.description ?? ''),
  fields: () => [],
};
