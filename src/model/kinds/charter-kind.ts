/** `Charter`: the organisation's standards — classification levels, ownership types, AI uses. */
import { compileSchema } from '../schema-validator.js';
import type { ValidationIssue } from '../validation.js';
import {
  clone,
  type Envelope,
  envelopeIdentity,
  envelopeSchema,
  envelopeSearch,
  nameSchema,
  refListSchema,
} from './envelope.js';
import type { KindDefinition } from './kind.js';

export interface NamedEntry {
  name: string;
  description?: string;
}

export interface CharterSpec {
  title?: string;
  description?: string;
  /** Ordered lowest to highest sensitivity. */
  classificationLevels: NamedEntry[];
  personalDataCategories?: NamedEntry[];
  ownershipTypes?: NamedEntry[];
  aiUses?: NamedEntry[];
  /** The data office: users and teams who write charter policies, grant waivers and approve changes. */
  dataOffice?: string[];
  /**
   * The highest classification level whose data values (failing-row samples) each domain role may
   * see; a role is cleared at least as high as the roles below it. Defaults: viewer and contributor
   * `internal` (else the lowest level), steward and domain-owner the highest level.
   */
  clearance?: Partial<Record<ClearanceRole, string>>;
}

export const CLEARANCE_ROLES = ['viewer', 'contributor', 'steward', 'domain-owner'] as const;
export type ClearanceRole = (typeof CLEARANCE_ROLES)[number];

export type CharterDoc = Envelope<CharterSpec>;

const entry = {
  anyOf: [
    nameSchema,
    {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: { name: nameSchema, description: { type: 'string' } },
    },
  ],
};
const entries = { type: 'array', items: entry };

const validateSchema = compileSchema(
  envelopeSchema(
    'Charter',
    {
      type: 'object',
      required: ['classificationLevels'],
      additionalProperties: false,
      properties: {
        title: { type: 'string' },
        description: { type: 'string' },
        classificationLevels: { ...entries, minItems: 1 },
        personalDataCategories: entries,
        ownershipTypes: entries,
        aiUses: entries,
        dataOffice: refListSchema('user', 'team'),
        clearance: {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(CLEARANCE_ROLES.map((r) => [r, nameSchema])),
        },
      },
    },
    { domain: 'never' },
  ),
);

export const REQUIRED_OWNERSHIP_TYPES = ['owner', 'steward'] as const;

function toEntries(list: unknown): NamedEntry[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((e) => (typeof e === 'string' ? { name: e } : (e as NamedEntry)));
}

/** Entries listed twice, and clearances naming a level the charter does not have. */
function consistency(doc: CharterDoc): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const key of ['classificationLevels', 'personalDataCategories', 'ownershipTypes', 'aiUses'] as const) {
    const seen = new Set<string>();
    (doc.spec[key] ?? []).forEach((e, i) => {
      if (seen.has(e.name))
        issues.push({ path: `spec.${key}[${i}]`, message: `'${e.name}' is listed twice` });
      seen.add(e.name);
    });
  }
  const levels = new Set(doc.spec.classificationLevels.map((l) => l.name));
  for (const [role, level] of Object.entries(doc.spec.clearance ?? {})) {
    if (!levels.has(level))
      issues.push({
        path: `spec.clearance.${role}`,
        message: `'${level}' is not one of the charter's classificationLevels (${[...levels].join(', ')})`,
      });
  }
  return issues;
}

export const charterKind: KindDefinition<CharterDoc> = {
  kind: 'Charter',
  refKind: 'charter',
  domainScoped: 'never',
  validate(doc) {
    const issues = validateSchema(doc);
    return issues.length ? issues : consistency(charterKind.normalize(doc));
  },
  normalize(doc) {
    const out = clone<CharterDoc>(doc);
    const spec = out.spec;
    spec.classificationLevels = toEntries(spec.classificationLevels) ?? [];
    for (const key of ['personalDataCategories', 'aiUses'] as const) {
      const list = toEntries(spec[key]);
      if (list) spec[key] = list;
    }
    // owner and steward are always ownership types, whatever the charter lists.
    const types = toEntries(spec.ownershipTypes) ?? [];
    for (const required of [...REQUIRED_OWNERSHIP_TYPES].reverse()) {
      if (!types.some((t) => t.name === required)) types.unshift({ name: required });
    }
    spec.ownershipTypes = types;
    return out;
  },
  identify: envelopeIdentity,
  relations: (doc) =>
    (doc.spec.dataOffice ?? []).map((target, i) => ({
      type: 'hasRole' as const,
      role: 'data-office',
      target,
      path: `spec.dataOffice[${i}]`,
    })),
  summary: (doc) => ({ title: doc.spec.title ?? doc.metadata.name, description: doc.spec.description ?? '' }),
  searchText: (doc) =>
    envelopeSearch(
      doc,
      doc.spec.title ?? '',
      doc.spec.description ?? '',
      doc.spec.classificationLevels.map((l) => l.name).join(' '),
    ),
  fields: () => [],
};
